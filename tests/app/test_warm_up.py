"""Warm start: the pop's path is warmed in the background once the window is up."""

from __future__ import annotations

import platform
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import text
from sqlalchemy.orm import Session

import app.warm_up
from app.widgets.caller_panel import CallerPanel
from tests.app.conftest import pj  # noqa: F401 (the pjsua2 fixture)
from tests.app.test_main import own_dirs, start_workspace  # noqa: F401 (fixtures)

TIMEOUT_MS = 20_000


def test_the_window_is_up_before_the_warm_up_which_runs_on_the_worker(
    qtbot: QtBot,
    start_workspace: Any,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    threads: list[threading.Thread] = []
    real = app.warm_up.warm_database

    def recorded(session: Session, region: str = "RU") -> app.warm_up.DatabaseWarmed:
        threads.append(threading.current_thread())
        return real(session, region)

    monkeypatch.setattr(app.warm_up, "warm_database", recorded)
    desk = start_workspace(
        "--demo", "--data-dir", str(tmp_path / "warm"), "--sip-listen", "127.0.0.1:0"
    )

    # start_workspace returned with the window exposed; the warm-up's answer needs the event
    # loop, so it cannot have finished before the window was on screen.
    assert desk.window.isVisible()
    with qtbot.waitSignal(desk.warm_up.finished, timeout=TIMEOUT_MS) as done:
        pass
    report = done.args[0]
    assert threads and threads[0] is not threading.main_thread()
    assert report["lookups"] == 4 and report["database_ms"] >= 0 and report["panel_ms"] >= 0
    # The panel was laid out off screen and is gone: no stray window.
    qtbot.waitUntil(
        lambda: (
            not any(
                isinstance(w, CallerPanel) and w.isVisible() and w.isWindow()
                for w in QApplication.topLevelWidgets()
            )
        )
    )
    desk.window.close()


def test_warm_database_looks_up_numbers_across_the_index(tmp_path: Path) -> None:
    from app.demo import seed_demo_if_empty
    from app.workspace import open_database
    from dispatcher.db import session_factory, unit_of_work

    engine = open_database(f"sqlite:///{tmp_path / 'd.sqlite3'}")
    seed_demo_if_empty(engine)
    with unit_of_work(session_factory(engine)) as session:
        warmed = app.warm_up.warm_database(session)
    engine.dispose()
    assert warmed.lookups == 4 and warmed.sample is not None and warmed.sample.matches


def test_the_window_is_up_while_the_pages_are_still_being_warmed(
    qtbot: QtBot,
    start_workspace: Any,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = threading.Event()
    threads: list[threading.Thread] = []
    real = app.warm_up.prewarm_database

    def slow(engine: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread())
        release.wait(TIMEOUT_MS / 1000)  # as a cold disk would be
        return real(engine, **kwargs)

    monkeypatch.setattr(app.warm_up, "prewarm_database", slow)
    desk = start_workspace(
        "--demo", "--data-dir", str(tmp_path / "pages"), "--sip-listen", "127.0.0.1:0"
    )
    # The window is on screen and answers while the pages are still being read.
    assert desk.window.isVisible()
    qtbot.waitUntil(lambda: bool(threads), timeout=TIMEOUT_MS)
    assert desk.warm_up.pages is None and threads[0] is not threading.main_thread()
    with qtbot.waitSignal(desk.warm_up.pages_warmed, timeout=TIMEOUT_MS) as warmed:
        release.set()
    report = warmed.args[0]
    assert report.how == "sqlite" and "ix_phones_e164" in report.relations
    desk.window.close()


def test_prewarm_reads_the_lookups_indexes_first_and_stops_when_asked(tmp_path: Path) -> None:
    from app.demo import seed_demo_if_empty
    from app.workspace import open_database
    from dispatcher.prewarm import _present, _reads, prewarm_database

    engine = open_database(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    seed_demo_if_empty(engine)
    full = prewarm_database(engine)
    with engine.connect() as conn:
        present = _present(conn, postgres=False)
        for name, sql in _reads(conn, False, present):
            # Each step goes through the b-tree it is for (not the smallest index, as a bare
            # count(*) would): an index's keys in order, a table's rows by rowid.
            explained = conn.execute(text(f"EXPLAIN QUERY PLAN {sql}"), {"after": 0})
            plan = " ".join(str(r[-1]) for r in explained)
            assert name in plan and ("COVERING INDEX" in plan or "PRIMARY KEY" in plan), (
                name,
                plan,
            )
    stopped = threading.Event()
    stopped.set()
    none = prewarm_database(engine, stop=stopped)
    engine.dispose()
    assert full.relations[0] == "ix_phones_e164" and "order_lines" in full.relations
    assert none.relations == () and none.note


@pytest.mark.skipif(platform.machine() != "x86_64", reason="ioprio_get numbered for x86-64")
def test_the_background_prewarm_reads_at_a_lower_priority_than_the_desk(tmp_path: Path) -> None:
    import ctypes
    import os

    from app.workspace import open_database
    from dispatcher.prewarm import prewarm_database

    engine = open_database(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    seen: dict[str, int] = {}

    def warm() -> None:
        prewarm_database(engine, background=True)
        thread = threading.get_native_id()
        seen["nice"] = os.getpriority(os.PRIO_PROCESS, thread)
        seen["ioprio"] = ctypes.CDLL(None).syscall(252, 1, 0)  # ioprio_get of this thread

    worker = threading.Thread(target=warm)
    worker.start()
    worker.join(30)
    engine.dispose()
    assert seen["nice"] >= 10 and seen["ioprio"] >> 13 == 3  # the idle I/O class
    # The calling (GUI) thread keeps its own priority.
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) < seen["nice"]

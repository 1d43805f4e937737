"""Warm start: the pop's path is warmed in the background once the window is up."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
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

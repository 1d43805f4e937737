"""The desk hears changes made elsewhere: a signal on the GUI thread, on both databases."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QThread
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from app.change_watcher import ChangeWatcher
from dispatcher.db import make_engine, session_factory
from tests.conftest import _fresh_pg


def _take_an_order(url: str) -> None:
    """Another desk (its own engine and connection) writes an interest."""
    other = make_engine(url)
    now = "now()" if other.dialect.name == "postgresql" else "CURRENT_TIMESTAMP"
    with other.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO clients (kind, name, name_key, payment_terms, notes, created_at)"
                f" VALUES ('person', 'Иванов', 'иванов', 'cash', '', {now})"
            )
        )
        conn.execute(
            text(
                "INSERT INTO orders (client_id, state, fail_reason, needs_reschedule,"
                " payment_method, comment, created_at, updated_at, version)"
                f" VALUES (1, 'interest', '', false, 'cash', '', {now}, {now}, 1)"
            )
        )
    other.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest) -> str:
    """A migrated database on each backend (the desk runs on either)."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("db_url"))
    cluster = request.getfixturevalue("pg_cluster")
    return _fresh_pg(cluster, request.getfixturevalue("pg_template"))[0]


def test_a_change_on_another_desk_is_signalled_on_the_gui_thread(qtbot: QtBot, url: str) -> None:
    engine = make_engine(url)
    watcher = ChangeWatcher(engine.url, session_factory(engine))
    gui = QThread.currentThread()
    seen: list[bool] = []
    watcher.changed.connect(lambda _stamp: seen.append(QThread.currentThread() is gui))
    watcher.start()
    try:
        _take_an_order(url)
        qtbot.waitUntil(lambda: bool(seen), timeout=2000)  # "within a second", with slack
        assert all(seen)
    finally:
        watcher.stop()
        engine.dispose()

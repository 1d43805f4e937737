"""The desk hears changes made elsewhere: a signal on the GUI thread, on both databases."""

from __future__ import annotations

from PySide6.QtCore import QThread
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, text

from app.change_watcher import ChangeWatcher
from dispatcher.db import make_engine, session_factory


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


def test_a_change_on_another_desk_is_signalled_on_the_gui_thread(
    qtbot: QtBot, db_url: str, engine: Engine
) -> None:
    watcher = ChangeWatcher(engine.url, session_factory(engine))
    gui = QThread.currentThread()
    seen: list[bool] = []
    watcher.changed.connect(lambda _stamp: seen.append(QThread.currentThread() is gui))
    watcher.start()
    try:
        _take_an_order(db_url)
        qtbot.waitUntil(lambda: bool(seen), timeout=2000)  # "within a second", with slack
        assert all(seen)
    finally:
        watcher.stop()

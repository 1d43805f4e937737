"""The desk hears changes made elsewhere: a signal on the GUI thread, on both databases."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject, QThread, Signal
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from app.change_watcher import CardRefresher, ChangeWatcher
from app.worker import DbWorker
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


class _Card(QObject):
    """Stands in for the caller panel: which client is on screen, and when it was shown."""

    shown = Signal(object)


def test_the_open_card_is_shown_again_only_when_its_clients_orders_change(
    qtbot: QtBot, db_url: str
) -> None:
    engine = make_engine(db_url)
    _take_an_order(db_url)  # client 1 with order 1
    worker = DbWorker(session_factory(engine))
    card = _Card()
    refreshed: list[int] = []
    cards = CardRefresher(worker, lambda: 1, refreshed.append, card.shown)
    card.shown.emit(None)  # the card of client 1 is on screen
    qtbot.waitUntil(lambda: cards._seen is not None)
    cards.on_changed(0)  # a change elsewhere: client 1's orders are as shown
    worker.wait_idle()
    # The answer reaches the GUI thread before a later job's: wait for that one.
    after: list[bool] = []
    worker.submit(lambda _s: True, after.append)
    qtbot.waitUntil(lambda: after == [True])
    assert refreshed == []
    with engine.begin() as conn:
        conn.execute(text("UPDATE orders SET version = version + 1 WHERE id = 1"))
    cards.on_changed(0)
    qtbot.waitUntil(lambda: refreshed == [1])
    worker.wait_idle()
    engine.dispose()

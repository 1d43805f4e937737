"""Two desks on one database: an order sent on desk A shows on desk B's board, no key pressed.

Runs on one real PostgreSQL (LISTEN/NOTIFY) and on one SQLite file (the change counter).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from app.board import BoardViewModel
from app.change_watcher import ChangeWatcher
from app.identity import Identity
from app.widgets.board_window import BoardWindow
from app.worker import DbWorker
from dispatcher.db import make_engine, session_factory, unit_of_work
from dispatcher.models import UserRole
from dispatcher.operations.orders import NewOrder, take_order
from dispatcher.orders import LineInput, Slot
from dispatcher.users import Actor
from tests.conftest import BACKENDS, _fresh_pg
from tests.dispatcher.conftest import World

LEAD = Actor("lead", "Старший смены", UserRole.LEAD)
OPERATOR = Actor("op", "Оператор", UserRole.OPERATOR)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """One database both desks open: a SQLite file, or a PostgreSQL database."""
    if request.param == "sqlite":
        path = tmp_path / "shared.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    cluster = request.getfixturevalue("pg_cluster")
    url, _created = _fresh_pg(cluster, request.getfixturevalue("pg_template"))
    yield url


def watcher(engine: Any) -> ChangeWatcher:
    """Desk B's change watcher over its own engine, started."""
    watch = ChangeWatcher(engine.url, session_factory(engine))
    watch.start()
    return watch


def test_an_order_sent_on_desk_a_appears_on_desk_b_board(
    qtbot: QtBot, db_url: str, world: World, sessions: sessionmaker[Session], qapp: Any
) -> None:
    # Desk B: its own engine, worker and watcher, as a second workspace would have.
    engine_b = make_engine(db_url)
    worker_b = DbWorker(session_factory(engine_b))
    watch = watcher(engine_b)
    try:
        vm = BoardViewModel(
            worker_b,
            Identity(LEAD),
            lambda _number: None,
            watcher=watch.changed,
            today=lambda: world.tomorrow,
        )
        board = BoardWindow(vm)
        qtbot.addWidget(board)
        board.show()
        qtbot.waitUntil(lambda: vm.board is not None, timeout=5_000)
        assert all(c.cards.count() == 0 for c in board.columns)

        # Desk A (the test's own sessions) takes and sends an order.
        with unit_of_work(sessions) as s:
            sent = take_order(
                s,
                NewOrder(world.person_id, [LineInput("W19", 2)]),
                Slot(world.courier_a, world.tomorrow, dt.time(10), dt.time(14)),
                actor=OPERATOR,
            )

        def shown() -> bool:
            return any(
                c.cards.item(row).data(Qt.ItemDataRole.UserRole).order_id == sent.id
                for c in board.columns
                for row in range(c.cards.count())
            )

        qtbot.waitUntil(shown, timeout=1_000)  # within a second, nothing pressed
    finally:
        watch.stop()
        worker_b.wait_idle()
        engine_b.dispose()

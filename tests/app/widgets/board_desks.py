"""Desks of shift leads on one database, each as a workspace has it: its own engine, worker,
change watcher, board and (when a sync service is given) its own courier-sync relay."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QListWidgetItem
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.board import BoardViewModel
from app.change_watcher import ChangeWatcher
from app.identity import Identity
from app.widgets.board_window import BoardWindow, ItemList
from app.worker import DbWorker
from courier_sync.client.relay import Relay, RelaySettings
from dispatcher.db import make_engine, session_factory
from dispatcher.users import Actor
from tests.conftest import BACKENDS, _fresh_pg

TIMEOUT_MS = 5_000
# "Within a second" is bench/board's change_to_board_p99_ms, measured on a quiet machine; a
# test on a CI box shared with PostgreSQL and Chromium waits a little longer before failing.
LIVE_MS = 3_000


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """One database every desk opens: a SQLite file, or a PostgreSQL database."""
    if request.param == "sqlite":
        path = tmp_path / "shared.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    cluster = request.getfixturevalue("pg_cluster")
    url, _created = _fresh_pg(cluster, request.getfixturevalue("pg_template"))
    yield url


@dataclass
class BoardDesk:
    """One lead's desk: what the workspace wires for the board, over its own connections."""

    engine: Engine
    sessions: sessionmaker[Session]
    worker: DbWorker
    watch: ChangeWatcher
    vm: BoardViewModel
    window: BoardWindow
    relay: Relay | None

    def column(self, courier_id: int) -> Any:
        """The board's column of ``courier_id``."""
        board = self.vm.board
        assert board is not None
        index = next(i for i, c in enumerate(board.columns) if c.courier_id == courier_id)
        return self.window.columns[index]

    def courier_of(self, order_id: int) -> int | None:
        """The courier whose column shows ``order_id`` on this board now (None: no column)."""
        found = self.vm.task(order_id)
        return None if found is None else found[0]

    def close(self) -> None:
        """Stop the relay and the watcher, let the jobs end, close the connections."""
        if self.relay is not None:
            self.relay.stop(timeout=2.0)
        self.watch.stop()
        self.worker.wait_idle()
        self.engine.dispose()


def card_ids(cards: ItemList) -> list[int]:
    """The orders of a column's cards, top to bottom."""
    role = Qt.ItemDataRole.UserRole
    return [cards.item(row).data(role).order_id for row in range(cards.count())]


def drag(source: ItemList, item: QListWidgetItem, target: ItemList, on: QPoint) -> None:
    """Drag ``item`` from ``source`` and drop it on ``target`` at ``on`` (its viewport)."""
    data = source.mimeData([item])
    action = Qt.DropAction.CopyAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    viewport = target.viewport()
    enter = QDragEnterEvent(on, action, data, buttons, mods)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(viewport, QDragMoveEvent(on, action, data, buttons, mods))
    drop = QDropEvent(on.toPointF(), action, data, buttons, mods)
    QApplication.sendEvent(viewport, drop)
    assert drop.isAccepted()


@pytest.fixture
def open_desk(qtbot: QtBot, qapp: Any) -> Iterator[Callable[..., BoardDesk]]:
    """Opens lead desks with the board of ``day`` shown; all closed at teardown."""
    opened: list[BoardDesk] = []

    def open_(
        url: str,
        actor: Actor,
        day: dt.date,
        relay: RelaySettings | None = None,
        make_relay: Callable[..., Relay] = Relay,
    ) -> BoardDesk:
        engine = make_engine(url)
        sessions = session_factory(engine)
        worker = DbWorker(sessions)
        watch = ChangeWatcher(engine.url, sessions)
        watch.start()
        vm = BoardViewModel(
            worker, Identity(actor), lambda _number: None, watcher=watch.changed, today=lambda: day
        )
        window = BoardWindow(vm)
        qtbot.addWidget(window)
        desk = BoardDesk(engine, sessions, worker, watch, vm, window, None)
        opened.append(desk)
        if relay is not None:
            desk.relay = make_relay(sessions, relay)
            desk.relay.start()
        window.show()
        qtbot.waitUntil(lambda: vm.board is not None, timeout=TIMEOUT_MS)
        return desk

    yield open_
    for desk in reversed(opened):
        desk.close()

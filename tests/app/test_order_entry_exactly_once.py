"""The order panel's retry after a send whose reply was lost: the order is taken once.

The database commits and the desk hears an error (as when the connection breaks after
COMMIT): pressing Send again, or restoring the kept draft after a restart, finds the order
the first attempt wrote. The network case on PostgreSQL is in tests/dispatcher/test_exactly_once.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import event, exc
from sqlalchemy.orm import Session, sessionmaker

from app.drafts import DraftStore
from app.order_entry import OrderEntryViewModel
from app.worker import DbWorker
from dispatcher.models import CourierTask, Order, OutboxMessage
from tests.app.conftest import desk_identity
from tests.app.test_order_entry import count, db_url, load, settle  # noqa: F401
from tests.app.test_order_entry import worker as worker_fixture  # noqa: F401 (registers `worker`)
from tests.dispatcher.conftest import World
from tests.dispatcher.conftest import world as world_fixture  # noqa: F401 (registers `world`)


def _lose_the_next_commit_reply(sessions: sessionmaker[Session]) -> None:
    """The next commit that writes an order is written, then its caller gets a connection error."""
    lost = False

    def after_flush(session: Session, _context: object) -> None:
        if any(isinstance(row, Order) for row in session.new):
            session.info["writes_an_order"] = True

    def after_commit(session: Session) -> None:
        nonlocal lost
        if not lost and session.info.pop("writes_an_order", False):
            lost = True
            lost_reply = ConnectionError("server closed the connection")
            raise exc.OperationalError("COMMIT", {}, lost_reply)

    event.listen(sessions, "after_flush", after_flush)
    event.listen(sessions, "after_commit", after_commit)


def _fill(qtbot: QtBot, vm: OrderEntryViewModel, world: World) -> None:
    load(qtbot, vm, world.person_id)
    vm.add_line("W19", 2)
    vm.set_courier(world.courier_a)
    vm.set_date(world.tomorrow)
    vm.set_window(dt.time(10), dt.time(14))


def _one_of_each(sessions: sessionmaker[Session]) -> bool:
    rows = (count(sessions, Order), count(sessions, CourierTask), count(sessions, OutboxMessage))
    return rows == (1, 1, 1)


@pytest.mark.expect_log("app.worker", "Database job", level="ERROR")
def test_send_again_after_a_lost_reply_returns_the_order_written(
    worker: DbWorker, world: World, qtbot: QtBot, sessions: sessionmaker[Session]
) -> None:
    vm = OrderEntryViewModel(worker, identity=desk_identity())
    _fill(qtbot, vm, world)
    _lose_the_next_commit_reply(sessions)
    with qtbot.waitSignal(vm.error) as failed:
        vm.send_to_delivery()
    assert failed.args[0].startswith("Not saved: ")
    assert _one_of_each(sessions), "the database has the order the desk did not hear about"

    with qtbot.waitSignal(vm.sent) as sent:
        vm.send_to_delivery()  # the operator presses Send again
    settle(qtbot, vm)
    assert _one_of_each(sessions)
    with sessions() as s:
        assert s.get(Order, sent.args[0]) is not None
    # The next draft is a new order.
    _fill(qtbot, vm, world)
    with qtbot.waitSignal(vm.sent):
        vm.send_to_delivery()
    settle(qtbot, vm)
    assert count(sessions, Order) == 2


@pytest.mark.expect_log("app.worker", "Database job", level="ERROR")
def test_a_draft_kept_after_a_lost_reply_is_taken_once_after_a_restart(
    worker: DbWorker, world: World, qtbot: QtBot, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    drafts = tmp_path / "drafts"
    vm = OrderEntryViewModel(worker, identity=desk_identity(), drafts=DraftStore(drafts))
    _fill(qtbot, vm, world)
    _lose_the_next_commit_reply(sessions)
    with qtbot.waitSignal(vm.error):
        vm.send_to_delivery()
    assert vm.draft_pending

    again = OrderEntryViewModel(worker, identity=desk_identity(), drafts=DraftStore(drafts))
    assert again.restore_draft()
    settle(qtbot, again)
    assert [line.code for line in again.lines] == ["W19"]
    sent: list[Any] = []
    again.sent.connect(sent.append)
    again.send_to_delivery()
    qtbot.waitUntil(lambda: bool(sent), timeout=5000)
    settle(qtbot, again)
    assert _one_of_each(sessions)

"""Two desks on one database: an order sent on desk A shows on desk B's board, no key pressed.

Runs on one real PostgreSQL (LISTEN/NOTIFY) and on one SQLite file (the change counter).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from dispatcher.db import unit_of_work
from dispatcher.models import UserRole
from dispatcher.operations.orders import NewOrder, take_order
from dispatcher.orders import LineInput, Slot
from dispatcher.users import Actor
from tests.app.widgets.board_desks import (  # noqa: F401  (the fixtures)
    LIVE_MS,
    BoardDesk,
    card_ids,
    db_url,
    open_desk,
)
from tests.dispatcher.conftest import World

LEAD = Actor("lead", "Старший смены", UserRole.LEAD)
OPERATOR = Actor("op", "Оператор", UserRole.OPERATOR)


def test_an_order_sent_on_desk_a_appears_on_desk_b_board(
    qtbot: QtBot,
    db_url: str,  # noqa: F811
    world: World,
    sessions: sessionmaker[Session],
    open_desk: Callable[..., BoardDesk],  # noqa: F811
) -> None:
    # Desk B: its own engine, worker and watcher, as a second workspace would have.
    desk_b = open_desk(db_url, LEAD, world.tomorrow)
    assert all(c.cards.count() == 0 for c in desk_b.window.columns)

    # Desk A (the test's own sessions) takes and sends an order.
    with unit_of_work(sessions) as s:
        sent = take_order(
            s,
            NewOrder(world.person_id, [LineInput("W19", 2)]),
            Slot(world.courier_a, world.tomorrow, dt.time(10), dt.time(14)),
            actor=OPERATOR,
        )

    def shown() -> bool:
        return any(sent.id in card_ids(c.cards) for c in desk_b.window.columns)

    qtbot.waitUntil(shown, timeout=LIVE_MS)  # nothing pressed

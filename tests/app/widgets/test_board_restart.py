"""An open board lives through a PostgreSQL restart: its change watcher reconnects, the board
reads the day once, and later changes show again without restarting anything.

The server is a private cluster of this test (the shared one stays up for everybody else).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from devtools.postgres import ThrowawayPostgres
from dispatcher.db import make_engine, unit_of_work
from dispatcher.migrate import upgrade
from dispatcher.models import UserRole
from dispatcher.operations.orders import NewOrder, take_order
from dispatcher.orders import LineInput, Slot
from dispatcher.users import Actor
from tests.app.widgets.board_desks import (
    LIVE_MS,
    BoardDesk,
    open_desk,  # noqa: F401  (the fixture)
)
from tests.dispatcher.conftest import World

LEAD = Actor("lead", "Старший смены", UserRole.LEAD)
OPERATOR = Actor("op", "Оператор", UserRole.OPERATOR)


@pytest.fixture
def db_url(own_cluster: ThrowawayPostgres) -> str:
    """A migrated database on the test's own server."""
    url = own_cluster.create_database("board")
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def send(sessions: sessionmaker[Session], world: World, start: int) -> int:
    """Another desk sends an order for tomorrow to courier A; its id."""
    with unit_of_work(sessions) as s:
        return take_order(
            s,
            NewOrder(world.person_id, [LineInput("W19", 1)], address_id=world.person_address_id),
            Slot(world.courier_a, world.tomorrow, dt.time(start), dt.time(start + 2)),
            actor=OPERATOR,
        ).id


@pytest.mark.expect_log("dispatcher.changes", "change listener")
def test_the_board_shows_changes_again_after_the_database_restarts(
    qtbot: QtBot,
    own_cluster: ThrowawayPostgres,
    db_url: str,
    world: World,
    sessions: sessionmaker[Session],
    open_desk: Callable[..., BoardDesk],  # noqa: F811
) -> None:
    desk = open_desk(db_url, LEAD, world.tomorrow)
    heard: list[int] = []
    desk.watch.changed.connect(heard.append)
    first = send(sessions, world, 8)
    qtbot.waitUntil(lambda: desk.courier_of(first) == world.courier_a, timeout=LIVE_MS)

    own_cluster.pause()  # every connection is cut, the listener's too
    own_cluster.resume()
    # Made at once, most likely before the listener is back: only the refresh shows it.
    meanwhile = send(sessions, world, 10)
    qtbot.waitUntil(lambda: -1 in heard, timeout=15_000)  # reconnected: "read everything"
    qtbot.waitUntil(lambda: desk.courier_of(meanwhile) == world.courier_a, timeout=LIVE_MS)
    assert desk.window.message.text() == ""  # no error on the board

    later = send(sessions, world, 12)  # heard through the new LISTEN
    qtbot.waitUntil(lambda: desk.courier_of(later) == world.courier_a, timeout=LIVE_MS)
    assert heard.count(-1) == 1

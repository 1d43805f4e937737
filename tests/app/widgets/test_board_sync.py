"""Two leads' desks on one database with the real sync service and couriers' phones.

Each desk has what a workspace has: its own engine, worker, change watcher, board and
courier-sync relay; the phones are the courier web app in headless Chromium. Runs on one
real PostgreSQL and on one SQLite file. The service and Chromium start once per module.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from courier_sync.client.api import SyncApi
from courier_sync.client.relay import Relay, RelaySettings
from courier_sync.contract import Feed
from dispatcher.board import ProblemKind
from dispatcher.couriers import add_courier
from dispatcher.db import unit_of_work
from dispatcher.models import Order, OrderState, UserRole
from dispatcher.operations.orders import NewOrder, order_details, take_order
from dispatcher.orders import LineInput, Slot
from dispatcher.users import Actor
from tests.app.widgets.board_desks import (
    LIVE_MS,
    TIMEOUT_MS,
    BoardDesk,
    card_ids,
    db_url,  # noqa: F401  (the fixture)
    drag,
    open_desk,  # noqa: F401  (the fixture)
)
from tests.courier_sync.browser import CourierPage
from tests.courier_sync.conftest import (
    SharedService,
    chromium,  # noqa: F401  (the fixture)
    shared_service,  # noqa: F401  (the fixture)
)
from tests.dispatcher.conftest import World

pytestmark = pytest.mark.timeout(120)

LEAD_A = Actor("lead", "Старший смены", UserRole.LEAD)
LEAD_B = Actor("lead2", "Другая старшая", UserRole.LEAD)
OPERATOR = Actor("op", "Оператор", UserRole.OPERATOR)
BELOW_THE_CARDS = QPoint(5, 200)


class TimedRelay(Relay):
    """The desk's real relay, noting when each courier event reached the desk."""

    received: list[tuple[float, str, str]]  # (monotonic time, task uid, event kind)

    def _api(self) -> SyncApi:
        # One list for the relay: each of its loops (sender, courier feed, portal feed) makes
        # its own API object.
        received = self.__dict__.setdefault("received", [])

        class Timed(SyncApi):
            def events(self, after: int, limit: int = 200, wait: float = 0) -> Feed:
                feed = super().events(after, limit, wait)
                at = time.monotonic()
                received.extend((at, e.event.task_id, e.event.kind) for e in feed.events)
                return feed

        s = self.settings
        return Timed(s.sync_url, s.api_key, s.connect_timeout, s.read_timeout)


@pytest.fixture
def service(shared_service: SharedService, world: World) -> SharedService:  # noqa: F811
    """The module's service, emptied for this test."""
    shared_service.wipe()
    assert {world.courier_a, world.courier_b} <= shared_service.tokens.keys()
    return shared_service


@pytest.fixture
def desks(
    db_url: str,  # noqa: F811
    world: World,
    service: SharedService,
    open_desk: Callable[..., BoardDesk],  # noqa: F811
) -> tuple[BoardDesk, BoardDesk]:
    """Desk A and desk B, a lead at each, both boards on tomorrow, each desk with its relay."""
    relay = RelaySettings(
        service.service.url, service.site_key, connect_timeout=1.0, read_timeout=5.0, feed_wait=2.0
    )
    a = open_desk(db_url, LEAD_A, world.tomorrow, relay, TimedRelay)
    b = open_desk(db_url, LEAD_B, world.tomorrow, relay, TimedRelay)
    return a, b


@pytest.fixture
def phones(chromium: Any, service: SharedService, world: World) -> Iterator[dict[int, CourierPage]]:  # noqa: F811
    """Couriers A's and B's phones, signed in, showing tomorrow."""
    opened = {
        c: CourierPage(chromium, service.service.url, service.tokens[c])
        for c in (world.courier_a, world.courier_b)
    }
    yield opened
    for page in opened.values():
        page.close()


def send_order(sessions: sessionmaker[Session], world: World, courier_id: int) -> int:
    """An operator takes an order for tomorrow 10–14 and sends it to ``courier_id``."""
    with unit_of_work(sessions) as s:
        return take_order(
            s,
            NewOrder(world.person_id, [LineInput("W19", 2)], address_id=world.person_address_id),
            Slot(courier_id, world.tomorrow, dt.time(10), dt.time(14)),
            actor=OPERATOR,
        ).id


def task_uid(sessions: sessionmaker[Session], order_id: int) -> str:
    """The uid of the order's current courier task."""
    with sessions() as s:
        return str(order_details(s, order_id)["task"]["uid"])


def sent_to_courier_a(
    qtbot: QtBot, desks: tuple[BoardDesk, BoardDesk], phone: CourierPage, world: World
) -> tuple[int, str]:
    """Desk A sends an order to courier A: on B's board and on A's phone; (order, task uid)."""
    a, b = desks
    order_id = send_order(a.sessions, world, world.courier_a)
    uid = task_uid(a.sessions, order_id)
    qtbot.waitUntil(lambda: b.courier_of(order_id) == world.courier_a, timeout=LIVE_MS)
    phone.active(uid).wait_for()  # the relay sent it to the phone
    return order_id, uid


def test_a_drag_on_desk_b_moves_the_task_from_one_couriers_phone_to_the_others(
    qtbot: QtBot,
    desks: tuple[BoardDesk, BoardDesk],
    phones: dict[int, CourierPage],
    world: World,
) -> None:
    a, b = desks
    order_id, old_uid = sent_to_courier_a(qtbot, desks, phones[world.courier_a], world)

    column_a, column_b = b.column(world.courier_a), b.column(world.courier_b)
    drag(column_a.cards, column_a.cards.item(0), column_b.cards, BELOW_THE_CARDS)

    qtbot.waitUntil(lambda: order_id in card_ids(column_b.cards), timeout=TIMEOUT_MS)
    assert b.window.message.text() == f"Order №{order_id} moved."
    # Desk A's board follows without a key pressed.
    qtbot.waitUntil(lambda: a.courier_of(order_id) == world.courier_b, timeout=LIVE_MS)
    new_uid = task_uid(a.sessions, order_id)
    assert new_uid != old_uid
    # The old courier's phone loses the task (with a notice), the new courier's gains it.
    phones[world.courier_a].active(old_uid).wait_for(state="detached")
    notice = phones[world.courier_a].page.locator(
        f'[data-testid=cancel-notice][data-task-id="{old_uid}"]'
    )
    notice.wait_for()
    phones[world.courier_b].active(new_uid).wait_for()
    assert phones[world.courier_b].page.locator("article.task").count() == 1
    with a.sessions() as s:
        order = s.get(Order, order_id)
        assert order is not None and order.events[-1].actor == LEAD_B.login


def test_a_couriers_failed_on_the_phone_reaches_desk_b_failed_queue_unasked(
    qtbot: QtBot,
    desks: tuple[BoardDesk, BoardDesk],
    phones: dict[int, CourierPage],
    world: World,
) -> None:
    a, b = desks
    phone = phones[world.courier_a]
    order_id, uid = sent_to_courier_a(qtbot, desks, phone, world)

    shown_at: list[float] = []

    def on_board_changed() -> None:
        if not shown_at and b.vm.problem(order_id, ProblemKind.FAILED) is not None:
            shown_at.append(time.monotonic())

    b.vm.changed.connect(on_board_changed)  # after the window's own slot: it is drawn by then
    phone.active(uid).get_by_role("button", name="Не доставлено").click()
    dialog = phone.page.locator("#failed-dialog")
    dialog.wait_for(state="visible")
    dialog.get_by_role("button", name="Нет дома").click()
    dialog.get_by_role("button", name="Завтра утром").click()
    pressed = time.monotonic()
    dialog.get_by_role("button", name="Отправить").click()

    qtbot.waitUntil(lambda: bool(shown_at), timeout=TIMEOUT_MS)
    assert a.relay is not None and b.relay is not None
    received = min(
        at
        for relay in (a.relay, b.relay)
        for at, task, kind in relay.received  # type: ignore[attr-defined]
        if (task, kind) == (uid, "failed")
    )
    print(f"relay→board {shown_at[0] - received:.3f} s, press→board {shown_at[0] - pressed:.3f} s")
    # From the relay receiving the courier's event to B's failed queue showing it.
    assert shown_at[0] - received <= LIVE_MS / 1000, shown_at[0] - received
    assert shown_at[0] - pressed <= 2 * LIVE_MS / 1000, (
        shown_at[0] - pressed
    )  # end to end, with the phone
    line = b.window.queues[0].item(0).text()
    assert line.startswith(f"№{order_id} ") and "Нет дома" in line
    assert "client proposes завтра утром" in line
    assert b.window.queue_titles[0].text() == "Failed: to reschedule (1)"
    card = b.column(world.courier_a).cards.item(0).text()
    assert "failed: Нет дома · client proposes завтра утром" in card, card
    # The courier's progress counts it, with the time of the phone's last action.
    progress = b.column(world.courier_a).progress.text()
    assert progress.startswith("done 0 · failed 1 · left 0, 0 ₽ of "), progress
    assert ", last " in progress, progress


def test_two_leads_move_one_delivery_at_once_one_wins_the_other_sees_why_and_the_state(
    qtbot: QtBot,
    desks: tuple[BoardDesk, BoardDesk],
    world: World,
    service: SharedService,
) -> None:
    a, b = desks
    with unit_of_work(a.sessions) as s:
        courier_c = add_courier(s, "Кузнецов Кирилл", "+7 903 777-88-99").id
    order_id = send_order(a.sessions, world, world.courier_a)
    for desk in desks:
        qtbot.waitUntil(lambda d=desk: d.courier_of(order_id) == world.courier_a, timeout=LIVE_MS)
        qtbot.waitUntil(lambda d=desk: _has(d, courier_c), timeout=LIVE_MS)

    # Both leads drop the card in the same GUI turn, before either move reaches the database
    # (each desk's worker runs its move on its own connection): A → Sidorov, B → Kuznetsov.
    for desk, target in ((a, world.courier_b), (b, courier_c)):
        column = desk.column(world.courier_a)
        drag(column.cards, column.cards.item(0), desk.column(target).cards, BELOW_THE_CARDS)

    def settled(desk: BoardDesk) -> bool:
        return desk.vm.moving == 0 and bool(desk.window.message.text())

    qtbot.waitUntil(lambda: settled(a) and settled(b), timeout=TIMEOUT_MS)
    with a.sessions() as s:
        order = s.get(Order, order_id)
        assert order is not None and order.state is OrderState.DELIVERY
        winner_courier = order.courier_id
        moves = [e for e in order.events if e.actor in (LEAD_A.login, LEAD_B.login)]
    assert len(moves) == 1  # exactly one move happened
    winner, loser = (a, b) if winner_courier == world.courier_b else (b, a)
    assert winner_courier in (world.courier_b, courier_c)
    assert winner.window.message.text() == f"Order №{order_id} moved."
    # Refused before its write (a stale version) or at it (the row moved under it): either
    # way the lead is told another desk changed the order.
    assert "someone else" in loser.window.message.text().lower()
    assert loser.window.message.styleSheet() != ""  # said as an error
    # Both boards show the current state: the order with the winner's courier.
    for desk in desks:
        qtbot.waitUntil(lambda d=desk: d.courier_of(order_id) == winner_courier, timeout=LIVE_MS)
        assert order_id in card_ids(desk.column(winner_courier).cards)
        assert order_id not in card_ids(desk.column(world.courier_a).cards)


def _has(desk: BoardDesk, courier_id: int) -> bool:
    board = desk.vm.board
    return board is not None and any(c.courier_id == courier_id for c in board.columns)

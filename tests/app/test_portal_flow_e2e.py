"""The client portal end to end: headless Chromium on the real sync service, the desk's real
relay (threads, as in the workspace) and the portal queue window driven with pytest-qt, all on
one desk database; the courier's phone is the device API.

An invited client's person signs in, repeats a delivered order, the operator confirms it with
Enter, the courier accepts and delivers it and the page follows; a claim with a photo becomes
a complaint; an order placed while the desk is offline waits on the service and is confirmed
once the relay is back; an answer lost when the service is killed mid-order is retried with the
same request id after the restart, and the desk gets the order exactly once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.change_watcher import ChangeWatcher
from app.portal_queue import PortalQueueViewModel
from app.widgets.portal_window import PortalQueueWindow
from courier_sync.client.relay import Relay, RelaySettings
from dispatcher import outbox
from dispatcher.db import unit_of_work
from dispatcher.models import ComplaintAttachment, Order, OrderState, PortalRequest
from dispatcher.operations import complaints
from dispatcher.operations import portal as ops
from tests.app.conftest import desk_identity
from tests.app.keys import Keyboard
from tests.courier_sync.conftest import (
    Phone,
    SyncService,
    chromium,  # noqa: F401  (the fixture)
    deliver,
    issue_site_key,
    issue_tokens,
    make_service,  # noqa: F401  (the fixture)
)
from tests.courier_sync.portal_page import SMALL_PHONE, tiny_png
from tests.dispatcher.conftest import World
from tests.dispatcher.test_portal import OPERATOR

pytestmark = pytest.mark.timeout(120)

TIMEOUT_MS = 15_000
LOGIN = "maria@example.org"
PASSWORD = "correct horse battery"
ORDERS_API = "**/portal/api/v1/orders"


class Desk:
    """The desk's side: its relay (restartable) and the portal queue window."""

    def __init__(
        self, sessions: sessionmaker[Session], service: SyncService, site_key: str, queue: Any
    ) -> None:
        self.sessions = sessions
        self.settings = RelaySettings(
            service.url,
            site_key,
            connect_timeout=1.0,
            read_timeout=5.0,
            feed_wait=1.0,
            backoff_cap=0.5,
        )
        self.queue: PortalQueueWindow = queue
        self.relay: Relay | None = None

    def start_relay(self) -> None:
        """Start a relay as a desk does at start-up."""
        self.relay = Relay(self.sessions, self.settings)
        self.relay.start()

    def stop_relay(self) -> None:
        """Stop the relay: the desk is offline."""
        if self.relay is not None:
            self.relay.stop()
            self.relay = None

    def outbox_sent(self) -> bool:
        """True once the relay has sent everything waiting in the outbox."""
        with self.sessions() as s:
            return outbox.queue_length(s) == 0

    def order_count(self) -> int:
        """How many orders the desk has."""
        with self.sessions() as s:
            return int(s.scalar(select(func.count()).select_from(Order)) or 0)


class Client:
    """The client's phone: the portal in its own Chromium profile."""

    def __init__(self, chromium: Any, base_url: str) -> None:  # noqa: F811
        self.base_url = base_url
        self.context = chromium.new_context(
            **SMALL_PHONE, locale="ru-RU", timezone_id="Europe/Moscow"
        )
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def card(self, view: str, order_id: int) -> Any:
        """The card of the desk's order ``order_id`` in ``view`` (home or history)."""
        heading = self.page.locator("h2", has_text=re.compile(rf"\b{order_id}$"))
        return self.page.locator(f"#{view}-view article.order").filter(has=heading)

    def state_of(self, view: str, order_id: int) -> str | None:
        """The shown state of an order, after the view read the service again."""
        if view == "home":
            # What the page does when the phone's screen comes back on.
            self.page.evaluate("window.dispatchEvent(new Event('focus'))")
        else:
            self.page.evaluate("location.hash = '#/home'")
            self.page.evaluate(f"location.hash = '#/{view}'")
        card = self.card(view, order_id)
        return card.first.get_attribute("data-state") if card.count() else None

    def new_order(self, day: dt.date, qty: int) -> None:
        """Fill the new-order form for ``qty`` bottles on ``day``."""
        self.page.evaluate("location.hash = '#/order'")
        self.page.locator('#order-lines input[data-code="W19"]').fill(str(qty))
        self.page.fill("#order-date", day.isoformat())

    def submit_order(self) -> None:
        """Send the order form."""
        self.page.click("#order-form button[type=submit]")


@pytest.fixture
def service(make_service: Callable[..., SyncService]) -> SyncService:  # noqa: F811
    """The sync service with the portal, on its own SQLite file (it is restarted mid-test)."""
    return make_service("sqlite")


@pytest.fixture
def desk(
    qtbot: QtBot, worker: Any, db_url: str, sessions: sessionmaker[Session], service: SyncService
) -> Iterator[Desk]:
    """The operator's portal queue window, kept fresh by the change watcher, and the relay."""
    changes = ChangeWatcher(db_url, sessions)
    changes.start()
    vm = PortalQueueViewModel(worker, desk_identity(), watcher=changes.changed)
    window = PortalQueueWindow(vm)
    qtbot.addWidget(window)
    the_desk = Desk(sessions, service, issue_site_key(service.db_url), window)
    the_desk.start_relay()
    yield the_desk
    the_desk.stop_relay()
    changes.stop()


@pytest.fixture
def client(chromium: Any, service: SyncService) -> Iterator[Client]:  # noqa: F811
    """The client's phone."""
    phone = Client(chromium, service.url)
    yield phone
    phone.context.close()
    assert phone.errors == [], phone.errors


def finish_on_phone(qtbot: QtBot, phones: list[Phone], day: dt.date, order_id: int) -> Phone:
    """Wait for the order's task on a courier's phone; return that phone."""
    found: list[Phone] = []

    def on_a_phone() -> bool:
        for phone in phones:
            if any(t["order_id"] == order_id for t in phone.tasks(day)):
                found.append(phone)
                return True
        return False

    qtbot.waitUntil(on_a_phone, timeout=TIMEOUT_MS)
    return found[0]


def task_of(phone: Phone, day: dt.date, order_id: int) -> str:
    """The task id of the order on the phone."""
    [task] = [t for t in phone.tasks(day) if t["order_id"] == order_id]
    return str(task["task_id"])


def confirm_with_enter(qtbot: QtBot, queue: PortalQueueWindow, order_id: int) -> None:
    """The operator opens the queue, sees the order and confirms it with Enter."""
    queue.open()
    qtbot.waitExposed(queue)
    qtbot.waitUntil(lambda: queue.table.rowCount() == 1, timeout=TIMEOUT_MS)
    queue.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is queue, timeout=TIMEOUT_MS)
    Keyboard(qtbot, queue).press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: queue.table.rowCount() == 0, timeout=TIMEOUT_MS)
    assert f"#{order_id}" in queue.status.text()


def queued_order(sessions: sessionmaker[Session]) -> int:
    """The one portal order waiting for confirmation (0 while there is none)."""
    with unit_of_work(sessions) as s:
        rows = ops.portal_queue(s, actor=OPERATOR)
    assert len(rows) <= 1, rows
    return rows[0].order_id if rows else 0


@pytest.mark.expect_log("courier_sync.client.relay", "cannot reach the sync service")
def test_a_client_orders_on_the_portal_and_follows_it_to_delivery(
    qtbot: QtBot,
    world: World,
    sessions: sessionmaker[Session],
    service: SyncService,
    desk: Desk,
    client: Client,
) -> None:
    day = world.tomorrow
    tokens = issue_tokens(service.db_url, world.courier_a, world.courier_b)
    phones = [Phone(service.url, tokens[c]) for c in (world.courier_a, world.courier_b)]
    page = client.page

    # A client with a delivery on the way is invited; the link opens the portal.
    first = deliver(sessions, world, world.courier_a)
    with unit_of_work(sessions) as s:
        invitation = ops.invite_to_portal(
            s, world.person_id, actor=OPERATOR, portal_url=f"{service.url}/portal/"
        )
    qtbot.waitUntil(desk.outbox_sent, timeout=TIMEOUT_MS)
    page.goto(invitation.link)
    page.fill("#redeem-login", LOGIN)
    page.fill("#redeem-password", PASSWORD)
    page.fill("#redeem-confirm", PASSWORD)
    page.press("#redeem-confirm", "Enter")
    client.card("home", first).wait_for()

    # The courier delivers it; the client repeats it in one tap.
    phone = phones[0]
    task = task_of(phone, day, first)
    assert phone.post_event(task, "accepted").status_code == 200
    assert phone.post_event(task, "done", collected_kop=76000).status_code == 200
    qtbot.waitUntil(lambda: client.state_of("history", first) == "delivered", timeout=TIMEOUT_MS)
    client.card("history", first).get_by_role("link", name="Повторить").click()
    page.wait_for_selector('#order-lines input[data-code="W19"]')
    page.fill("#order-date", day.isoformat())
    client.submit_order()
    page.locator("#home-view article.order[data-state=to_confirm]").wait_for()

    # The operator's queue shows it; Enter sends it to a courier the planner picks.
    qtbot.waitUntil(lambda: queued_order(sessions) != 0, timeout=TIMEOUT_MS)
    repeat = queued_order(sessions)
    confirm_with_enter(qtbot, desk.queue, repeat)
    with sessions() as s:
        assert s.get(Order, repeat).state is OrderState.DELIVERY  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: client.state_of("home", repeat) == "on_phone", timeout=TIMEOUT_MS)
    phone = finish_on_phone(qtbot, phones, day, repeat)
    task = task_of(phone, day, repeat)
    assert phone.post_event(task, "accepted").status_code == 200
    qtbot.waitUntil(lambda: client.state_of("home", repeat) == "accepted", timeout=TIMEOUT_MS)
    assert client.card("home", repeat).locator(".badge").text_content() == "Курьер в пути"
    assert phone.post_event(task, "done", collected_kop=76000).status_code == 200
    qtbot.waitUntil(lambda: client.state_of("history", repeat) == "delivered", timeout=TIMEOUT_MS)
    assert client.card("history", repeat).locator(".badge").text_content() == "Доставлен"

    # A claim with a photo on it becomes a complaint on the desk, the photo with it.
    client.card("history", repeat).get_by_role("link", name="Претензия").click()
    page.fill("#claim-text", "Одна бутыль пришла треснутой")
    page.fill('#claim-lines input[data-code="W19"]', "1")
    photo = tiny_png()
    page.set_input_files(
        "#claim-photos", [{"name": "crack.png", "mimeType": "image/png", "buffer": photo}]
    )
    page.click("#claim-form button[type=submit]")
    page.wait_for_selector("#history-view:not([hidden])")

    def complaint_with_photo() -> bool:
        with unit_of_work(sessions) as s:
            found = complaints.list_complaints(s, actor=OPERATOR, client_id=world.person_id)
            photos = s.scalars(select(ComplaintAttachment.data)).all()
        return len(found) == 1 and photos == [photo]

    qtbot.waitUntil(complaint_with_photo, timeout=TIMEOUT_MS)

    # The desk goes offline: the order waits on the service and is confirmed once it is back.
    desk.stop_relay()
    before = desk.order_count()
    client.new_order(day, 3)
    client.submit_order()
    page.locator("#home-view article.order[data-state=to_confirm]").wait_for()
    assert desk.order_count() == before
    desk.start_relay()
    qtbot.waitUntil(lambda: queued_order(sessions) != 0, timeout=TIMEOUT_MS)
    offline = queued_order(sessions)
    confirm_with_enter(qtbot, desk.queue, offline)
    qtbot.waitUntil(lambda: client.state_of("home", offline) == "on_phone", timeout=TIMEOUT_MS)

    # The service is killed after it stored an order but before the page got the answer; the
    # page retries with the same request id after the restart: one order on the desk.
    answers: list[int] = []

    def answer_lost(route: Any) -> None:
        answers.append(route.fetch().status)
        route.abort()

    client.new_order(day, 4)
    page.route(ORDERS_API, answer_lost)
    client.submit_order()
    page.locator("#order-form [data-error]").wait_for()
    assert answers == [201]
    service.kill()
    service.start()
    page.unroute(ORDERS_API)
    client.submit_order()
    page.locator("#home-view article.order[data-state=to_confirm]").wait_for()
    qtbot.waitUntil(lambda: queued_order(sessions) != 0, timeout=TIMEOUT_MS)
    retried = queued_order(sessions)
    with sessions() as s:
        requests = s.scalars(select(PortalRequest.order_id)).all()
    assert sorted(requests) == [repeat, offline, retried]  # the retry added nothing
    assert desk.order_count() == before + 2

"""A sent order changed or cancelled at the desk, as the courier's phone shows it.

The whole path is real: the domain operation writes the outbox, the relay delivers it to the
running sync service, and the courier page in headless Chromium long-polls and redraws.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session

from dispatcher.db import unit_of_work
from dispatcher.models import Order
from dispatcher.operations import orders as order_ops
from dispatcher.orders import LineInput
from dispatcher.users import Actor, UserRole
from tests.courier_sync.browser import CourierPage, screenshot
from tests.courier_sync.conftest import OPERATOR, SyncWorld, deliver

pytestmark = pytest.mark.timeout(120)

DESK = Actor(OPERATOR, "Операторова Ольга", UserRole.OPERATOR)


@pytest.fixture
def page(chromium: Any, sync_world: SyncWorld) -> Iterator[Any]:
    """Courier A's phone, signed in and showing tomorrow's route."""
    phone = CourierPage(chromium, sync_world.service.url, sync_world.phone_a.token)
    yield phone.page
    phone.close()


def _task_uid(s: Session, order_id: int) -> str:
    return order_ops.order_details(s, order_id)["task"]["uid"]  # type: ignore[no-any-return]


def _text(locator: Any) -> str:
    return " ".join(locator.inner_text().replace("\u00a0", " ").split())


def test_one_more_bottle_shows_3_instead_of_2_with_a_notice(
    sync_world: SyncWorld, page: Any
) -> None:
    sw = sync_world
    order_id = deliver(sw.sessions, sw.w, sw.w.courier_a, qty=2)
    sw.relay.run_once()
    with sw.sessions() as s:
        uid = _task_uid(s, order_id)
    card = page.locator(f'article.task[data-task-id="{uid}"]')
    card.locator(".item-qty", has_text="× 2").wait_for()
    assert card.locator("[data-testid=change-notice]").count() == 0

    with unit_of_work(sw.sessions) as s:
        version = s.get(Order, order_id).version  # type: ignore[union-attr]
        order_ops.edit_order(
            s, order_id, lines=[LineInput("W19", 3)], actor=DESK, expected_version=version
        )
    assert sw.relay.run_once()["sent"] == 1

    card.locator(".item-qty", has_text="× 3").wait_for()  # the same card, redrawn
    notice = card.locator("[data-testid=change-notice]")
    assert "Изменено: Вода 19 л — 3 вместо 2" in _text(notice)
    assert "1 050,00 ₽" in _text(card.locator("[data-testid=amount]"))
    screenshot(page, "task-changed")
    notice.get_by_role("button", name="Понятно").click()
    notice.wait_for(state="detached")
    page.reload()
    page.click("#next-day")
    card.locator(".item-qty", has_text="× 3").wait_for()
    assert card.locator("[data-testid=change-notice]").count() == 0  # acknowledged for good


def test_a_cancellation_takes_the_task_off_the_route_with_a_notice(
    sync_world: SyncWorld, page: Any
) -> None:
    sw = sync_world
    kept = deliver(sw.sessions, sw.w, sw.w.courier_a, qty=1)
    dropped = deliver(sw.sessions, sw.w, sw.w.courier_a, qty=2)
    sw.relay.run_once()
    with sw.sessions() as s:
        kept_uid, dropped_uid = _task_uid(s, kept), _task_uid(s, dropped)
    active = 'article.task[data-status="new"][data-task-id="{}"]'
    page.locator(active.format(dropped_uid)).wait_for()

    with unit_of_work(sw.sessions) as s:
        order_ops.cancel_order(s, dropped, reason="Клиент передумал", actor=DESK)
    assert sw.relay.run_once()["sent"] == 1

    page.locator(active.format(dropped_uid)).wait_for(state="detached")
    notice = page.locator(f'[data-testid=cancel-notice][data-task-id="{dropped_uid}"]')
    assert "Отменено диспетчером" in _text(notice)
    assert "Клиент передумал" in _text(notice)
    assert page.locator(active.format(kept_uid)).count() == 1  # the rest of the route stays
    screenshot(page, "task-cancelled")
    notice.get_by_role("button", name="Понятно").click()
    notice.wait_for(state="detached")

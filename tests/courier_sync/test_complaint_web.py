"""A courier's failed delivery with the client's complaint: the courier types it on the phone
(headless Chromium), the relay brings the event from the running sync service, and the desk
has the failure and the complaint on that order, registered by the courier, in one go."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from dispatcher.complaints import open_complaints
from dispatcher.models import Complaint, Courier, Order, OrderState
from dispatcher.operations import orders as order_ops
from dispatcher.operations.complaints import COURIER_REASON
from tests.courier_sync.conftest import SyncWorld, deliver
from tests.courier_sync.test_order_edit_web import page  # noqa: F401  (the fixture)
from tests.helpers.wait import wait_until

pytestmark = pytest.mark.timeout(120)

NOTE = "Прошлый раз вода была мутная, больше не берём"


def _fail_on_the_phone(page: Any, uid: str, complaint: str) -> None:  # noqa: F811
    card = page.locator(f'article.task[data-task-id="{uid}"]')
    card.get_by_role("button", name="Не доставлено").click()
    dialog = page.locator("#failed-dialog")
    dialog.wait_for(state="visible")
    dialog.get_by_role("button", name="Отказ от заказа").click()
    page.fill("#complaint-input", complaint)
    dialog.get_by_role("button", name="Отправить").click()
    dialog.wait_for(state="hidden")


def test_a_failed_delivery_with_the_clients_complaint_is_a_complaint_on_the_desk(
    sync_world: SyncWorld,
    page: Any,  # noqa: F811
) -> None:
    sw = sync_world
    order_id = deliver(sw.sessions, sw.w, sw.w.courier_a)
    quiet_id = deliver(sw.sessions, sw.w, sw.w.courier_a, qty=1)
    sw.relay.run_once()
    with sw.sessions() as s:
        uid = order_ops.order_details(s, order_id)["task"]["uid"]
        quiet_uid = order_ops.order_details(s, quiet_id)["task"]["uid"]
        courier = s.get(Courier, sw.w.courier_a)
        assert courier is not None
        courier_name = courier.name

    _fail_on_the_phone(page, uid, NOTE)
    done = page.locator(f'article.task[data-task-id="{uid}"]', has_text="жалоба: " + NOTE)
    done.wait_for()  # the courier sees what was sent
    _fail_on_the_phone(page, quiet_uid, "")  # no complaint typed: a plain failure
    wait_until(lambda: _both_failed(sw, order_id, quiet_id), 20, what="both failures applied")

    with sw.sessions() as s:
        [complaint] = s.scalars(select(Complaint)).all()  # none for the plain failure
        assert complaint.description == NOTE
        assert complaint.reason.name == COURIER_REASON
        assert complaint.registered_by == f"courier:{courier_name}"
        assert [o.id for o in complaint.orders] == [order_id]
        assert complaint.client_id == sw.w.person_id
        # The next pop of the client flags it (the caller panel's open complaints).
        assert [row.id for row in open_complaints(s, sw.w.person_id)] == [complaint.id]


def _both_failed(sw: SyncWorld, *order_ids: int) -> bool:
    sw.relay.run_once()
    with sw.sessions() as s:
        return all(s.get(Order, i).state is OrderState.INTEREST for i in order_ids)  # type: ignore[union-attr]

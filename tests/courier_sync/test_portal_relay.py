"""The desk's relay and the real sync service's portal: an order placed on the portal reaches
the desk's queue, the desk's confirmation reaches the portal, and an outage loses nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests
from sqlalchemy import func, select, text

from courier_sync.client.api import TransientError
from courier_sync.server.db import make_engine as make_service_engine
from courier_sync.server.db import writing
from dispatcher.db import unit_of_work
from dispatcher.models import ComplaintAttachment, Order, OrderState
from dispatcher.operations import portal as ops
from tests.courier_sync.conftest import SharedService, SyncWorld
from tests.dispatcher.test_portal import OPERATOR

PORTAL_TABLES = (
    "portal_messages",
    "portal_photos",
    "portal_claims",
    "portal_feed",
    "portal_orders",
    "portal_clients",
    "portal_sessions",
    "portal_accounts",
    "portal_invitations",
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def portal_world(sync_world: SyncWorld, shared_service: SharedService) -> SyncWorld:
    """The relay world with the shared service's portal tables empty too."""
    engine = make_service_engine(shared_service.service.db_url)
    with writing(engine) as conn:
        for table in PORTAL_TABLES:
            conn.execute(text(f"DELETE FROM {table}"))
    engine.dispose()
    return sync_world


def _signed_in(sw: SyncWorld) -> requests.Session:
    """The private client invited from the desk and signed in on the portal."""
    with unit_of_work(sw.sessions) as s:
        invitation = ops.invite_to_portal(s, sw.w.person_id, actor=OPERATOR)
    sw.relay.run_once()
    page = requests.Session()
    page.headers["X-Portal"] = "1"
    answer = page.post(
        f"{sw.service.url}/portal/api/v1/redeem",
        json={"code": invitation.code, "login": "maria@example.org", "password": "secret-123"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return page


def _place(sw: SyncWorld, page: requests.Session) -> dict[str, Any]:
    answer = page.post(
        f"{sw.service.url}/portal/api/v1/orders",
        json={
            "request_id": uuid.uuid4().hex,
            "items": [{"code": "W19", "qty": 2}],
            "date": sw.w.tomorrow.isoformat(),
            "window_start": "12:00",
            "window_end": "15:00",
            "comment": "",
        },
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    placed: dict[str, Any] = answer.json()
    return placed


def _seen(sw: SyncWorld, page: requests.Session, portal_id: int) -> dict[str, Any]:
    answer = page.get(f"{sw.service.url}/portal/api/v1/orders/{portal_id}", timeout=10)
    assert answer.status_code == 200, answer.text
    seen: dict[str, Any] = answer.json()
    return seen


def test_a_portal_order_reaches_the_queue_and_its_confirmation_the_portal(
    portal_world: SyncWorld,
) -> None:
    sw = portal_world
    page = _signed_in(sw)
    placed = _place(sw, page)
    sw.relay.run_once()
    with unit_of_work(sw.sessions) as s:
        [waiting] = ops.portal_queue(s, actor=OPERATOR)
        assert waiting.client_id == sw.w.person_id and waiting.items == "Вода 19 л × 2"
    assert _seen(sw, page, placed["id"])["state"] == "to_confirm"
    with unit_of_work(sw.sessions) as s:
        done = ops.confirm_portal_order(s, waiting.order_id, actor=OPERATOR)
    assert done.state is OrderState.DELIVERY
    sw.relay.run_once()  # the task goes to the phone, the order's state to the portal
    sw.relay.run_once()  # the task is on the phone now: published from the change log
    seen = _seen(sw, page, placed["id"])
    assert (seen["order_id"], seen["state"]) == (waiting.order_id, "on_phone")
    assert len(sw.phone_a.tasks(sw.w.tomorrow)) + len(sw.phone_b.tasks(sw.w.tomorrow)) == 1


@pytest.mark.expect_log("courier_sync.client.relay", "cannot reach the sync service")
def test_the_desk_confirms_while_the_service_is_down_and_it_is_published_later_once(
    portal_world: SyncWorld,
) -> None:
    sw = portal_world
    page = _signed_in(sw)
    placed = _place(sw, page)
    sw.relay.run_once()
    sw.relay.run_once()  # the same feed read again changes nothing
    sw.service.kill()
    try:
        with unit_of_work(sw.sessions) as s:
            [waiting] = ops.portal_queue(s, actor=OPERATOR)
            ops.confirm_portal_order(s, waiting.order_id, actor=OPERATOR, deliver=False)
        with pytest.raises(TransientError):
            sw.relay.run_once(attempts=1)
    finally:
        sw.service.start()
    sw.relay.run_once()
    assert _seen(sw, page, placed["id"])["state"] == "taken"
    with sw.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Order)) == 1


def test_a_claim_with_a_photo_becomes_a_complaint_with_the_photo(portal_world: SyncWorld) -> None:
    sw = portal_world
    page = _signed_in(sw)
    placed = _place(sw, page)
    sw.relay.run_once()
    with unit_of_work(sw.sessions) as s:
        [waiting] = ops.portal_queue(s, actor=OPERATOR)
        ops.confirm_portal_order(s, waiting.order_id, actor=OPERATOR)
    sw.relay.run_once()
    [task] = sw.phone_a.tasks(sw.w.tomorrow) + sw.phone_b.tasks(sw.w.tomorrow)
    phone = sw.phone_a if sw.phone_a.tasks(sw.w.tomorrow) else sw.phone_b
    assert phone.post_event(task["task_id"], "done", collected_kop=70000).status_code < 300
    sw.relay.run_once()  # the delivery reaches the desk
    sw.relay.run_once()  # and the delivered order the portal
    assert _seen(sw, page, placed["id"])["state"] == "delivered"
    answer = page.post(
        f"{sw.service.url}/portal/api/v1/claims",
        data={
            "claim_id": uuid.uuid4().hex,
            "order_id": str(placed["id"]),
            "text": "Одна бутыль треснула",
            "lines": '[{"code": "W19", "ordered": 2, "received": 1}]',
        },
        files=[("photos", ("crack.png", PNG, "image/png"))],
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    sw.relay.run_once()
    with sw.sessions() as s:
        [photo] = s.scalars(select(ComplaintAttachment)).all()
        assert photo.data == PNG and photo.content_type == "image/png"

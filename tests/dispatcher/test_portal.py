"""The desk's side of the client portal: invitations, the feed applied once, confirm, reply."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from courier_sync.portal_contract import PortalBatch
from dispatcher import portal, portal_events
from dispatcher.complaints import overdue
from dispatcher.db import unit_of_work
from dispatcher.errors import ValidationError
from dispatcher.models import (
    ComplaintAttachment,
    Interaction,
    Order,
    OrderState,
    OutboxMessage,
    PortalInvitation,
    UserRole,
    utcnow,
)
from dispatcher.operations import portal as ops
from dispatcher.portal_events import IncomingPortalEvent
from dispatcher.users import Actor
from tests.dispatcher.conftest import World

OPERATOR = Actor("olga", "Ольга", UserRole.OPERATOR)


def _topics(s: Session) -> list[tuple[str, str]]:
    rows = s.execute(select(OutboxMessage.topic, OutboxMessage.key).order_by(OutboxMessage.id))
    return [(topic, key) for topic, key in rows]


def _payloads(s: Session, topic: str) -> list[dict[str, Any]]:
    rows = list(
        s.scalars(
            select(OutboxMessage.payload)
            .where(OutboxMessage.topic == topic)
            .order_by(OutboxMessage.id)
        )
    )
    # Every payload is what the service's batch accepts (courier_sync/portal_contract.py).
    if rows:
        PortalBatch.model_validate({"items": [{"topic": topic, "payload": p} for p in rows]})
    return rows


def _event(world: World, cursor: int, kind: str, payload: dict[str, Any], **kw: Any) -> Any:
    return IncomingPortalEvent(
        cursor=cursor,
        event_id=kw.pop("event_id", uuid.uuid4().hex),
        kind=kind,
        client_id=kw.pop("client_id", world.person_id),
        contact_id=kw.pop("contact_id", None),
        at=utcnow(),
        payload=payload,
        account_id=7,
        **kw,
    )


def _order(world: World, request_id: str, **kw: Any) -> dict[str, Any]:
    return {
        "request_id": request_id,
        "items": [{"code": "W19", "qty": 2}],
        "date": world.tomorrow.isoformat(),
        "window_start": "12:00",
        "window_end": "15:00",
        "comment": "домофон 45",
    } | kw


def _invite(sessions: sessionmaker[Session], world: World) -> ops.Invitation:
    with unit_of_work(sessions) as s:
        return ops.invite_to_portal(s, world.person_id, actor=OPERATOR, portal_url="https://p/")


def test_an_invitation_keeps_only_the_codes_hash_and_publishes_invite_and_client(
    sessions: sessionmaker[Session], world: World
) -> None:
    invitation = _invite(sessions, world)
    assert invitation.link == f"https://p/#invite={invitation.code}"
    with unit_of_work(sessions) as s:
        row = s.get(PortalInvitation, invitation.invitation_id)
        assert row is not None
        assert row.code_sha256 == hashlib.sha256(invitation.code.encode()).hexdigest()
        assert [t for t, _ in _topics(s)] == ["portal.invite", "portal.client"]
        client = _payloads(s, "portal.client")[0]
        assert client["kind"] == "person" and client["payment"] == "cash"
        assert {p["code"] for p in client["prices"]} >= {"W19", "PUMP"}
        assert client["windows"][0] == {"start": "09:00", "end": "12:00"}
    again = _invite(sessions, world)  # a newer one voids the older
    with unit_of_work(sessions) as s:
        assert s.get(PortalInvitation, invitation.invitation_id).voided_at is not None  # type: ignore[union-attr]
        assert s.get(PortalInvitation, again.invitation_id).voided_at is None  # type: ignore[union-attr]


def test_a_company_invitation_names_its_contact_person(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s, pytest.raises(ValidationError, match="contact person"):
        ops.invite_to_portal(s, world.company_id, actor=OPERATOR)
    with unit_of_work(sessions) as s:
        found = ops.invite_to_portal(
            s, world.company_id, contact_id=world.company_contact_id, actor=OPERATOR
        )
        assert found.person_name == "Смирнов Олег"
        # The contract price, not the standard one.
        prices = {p["code"]: p["price_kop"] for p in _payloads(s, "portal.client")[0]["prices"]}
        assert prices["W19"] == 29000


def test_a_portal_order_applied_twice_is_one_order_in_the_queue(
    sessions: sessionmaker[Session], world: World
) -> None:
    _invite(sessions, world)
    event = _event(world, 1, "order", _order(world, "request-0001"))
    with unit_of_work(sessions) as s:
        first = portal_events.apply_events(s, [event])
    with unit_of_work(sessions) as s:
        again = portal_events.apply_events(s, [event])  # the same event after a lost commit
        other = portal_events.apply_event(
            s, _event(world, 2, "order", _order(world, "request-0001"))
        )
        assert portal_events.feed_cursor(s) == 1
    assert first[0].outcome == "applied" and again[0].outcome == "duplicate"
    assert other.outcome == "duplicate"  # another event with the same request id
    with unit_of_work(sessions) as s:
        assert s.scalar(select(func.count()).select_from(Order)) == 1
        queue = ops.portal_queue(s, actor=OPERATOR)
        assert [(r.order_id, r.items, r.date) for r in queue] == [
            (first[0].target_id, "Вода 19 л × 2", world.tomorrow)
        ]
        published = _payloads(s, "portal.order")[-1]
        assert published["state"] == "to_confirm" and published["request_id"] == "request-0001"
        assert published["total_kop"] == 70000


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"items": [{"code": "GONE", "qty": 1}]}, "больше не продаётся"),
        ({"date": "2020-01-01"}, "уже прошла"),
        ({"window_start": "07:00", "window_end": "08:00"}, "интервала"),
    ],
)
def test_an_order_the_desk_refuses_is_recorded_and_published_as_rejected(
    sessions: sessionmaker[Session], world: World, change: dict[str, Any], reason: str
) -> None:
    _invite(sessions, world)
    with unit_of_work(sessions) as s:
        outcome = portal_events.apply_event(
            s, _event(world, 1, "order", _order(world, "request-0002", **change))
        )
    assert outcome.outcome == "rejected" and reason in outcome.detail
    with unit_of_work(sessions) as s:
        assert ops.portal_queue(s, actor=OPERATOR) == []
        order = s.get(Order, outcome.target_id)
        assert order is not None and order.state is OrderState.REJECTED
        published = _payloads(s, "portal.order")[-1]
        assert published["state"] == "rejected" and reason in published["note"]


def test_confirm_sends_to_delivery_when_the_defaults_are_complete(
    sessions: sessionmaker[Session], world: World
) -> None:
    _invite(sessions, world)
    with unit_of_work(sessions) as s:
        order_id = portal_events.apply_event(
            s, _event(world, 1, "order", _order(world, "request-0002"))
        ).target_id
    with unit_of_work(sessions) as s:
        done = ops.confirm_portal_order(s, order_id, actor=OPERATOR)  # type: ignore[arg-type]
        assert _payloads(s, "portal.order")[-1]["state"] == "sent"
        assert "task.upsert" in [t for t, _ in _topics(s)]
    assert done.state is OrderState.DELIVERY and done.courier_name and done.date == world.tomorrow
    with unit_of_work(sessions) as s:
        assert ops.portal_queue(s, actor=OPERATOR) == []
        with pytest.raises(ValidationError, match="already confirmed by olga"):
            ops.confirm_portal_order(s, order_id, actor=OPERATOR)  # type: ignore[arg-type]


def test_confirm_keeps_an_interest_when_the_company_has_no_single_address(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        ops.invite_to_portal(
            s, world.company_id, contact_id=world.company_contact_id, actor=OPERATOR
        )
    event = _event(world, 1, "order", _order(world, "request-0003"), client_id=world.company_id)
    with unit_of_work(sessions) as s:
        order_id = portal_events.apply_event(s, event).target_id
    with unit_of_work(sessions) as s:
        done = ops.confirm_portal_order(s, order_id, actor=OPERATOR)  # type: ignore[arg-type]
        assert _payloads(s, "portal.order")[-1]["state"] == "taken"
    assert done.state is OrderState.INTEREST and done.why_interest == "no delivery address chosen"


def test_a_claim_becomes_a_complaint_with_its_photo_and_discrepancy_lines(
    sessions: sessionmaker[Session], world: World
) -> None:
    claim = {
        "claim_id": "claim-0001",
        "order_id": None,
        "text": "Привезли меньше",
        "lines": [{"code": "W19", "ordered": 4, "received": 3}],
        "photos": [{"photo_id": "p1", "content_type": "image/png", "size": 4}],
    }
    event = _event(world, 1, "claim", claim, photos={"p1": b"\x89PNG"})
    with unit_of_work(sessions) as s:
        outcome = portal_events.apply_events(s, [event, event])
    assert [o.outcome for o in outcome] == ["applied", "duplicate"]
    with unit_of_work(sessions) as s:
        attachment = s.scalars(select(ComplaintAttachment)).one()
        assert attachment.complaint_id == outcome[0].target_id and attachment.data == b"\x89PNG"
        complaint = attachment.complaint_id
        assert _payloads(s, "portal.claim") == [
            {
                "claim_id": "claim-0001",
                "complaint_id": complaint,
                "client_id": world.person_id,
                "status": "registered",
                "result": "",
            }
        ]
        description = portal_events.claim_description(claim)
        assert "W19: заказано 4, получено 3" in description


def test_a_message_is_in_the_journal_escalates_when_overdue_and_a_reply_is_published(
    sessions: sessionmaker[Session], world: World
) -> None:
    event = _event(world, 1, "message", {"message_id": "message-0001", "text": "Когда привезёте?"})
    with unit_of_work(sessions) as s:
        message_id = portal_events.apply_event(s, event, reply_minutes=0).target_id
    later = utcnow() + dt.timedelta(minutes=1)
    with unit_of_work(sessions) as s:
        assert [m.id for m in overdue(s, later).messages] == [message_id]
        with pytest.raises(ValidationError, match="Write the answer"):
            ops.reply_to_portal_message(s, message_id, "  ", actor=OPERATOR)  # type: ignore[arg-type]
        ops.reply_to_portal_message(s, message_id, "Завтра с 12 до 15", actor=OPERATOR)  # type: ignore[arg-type]
    with unit_of_work(sessions) as s:
        assert overdue(s, later).messages == ()
        reply = _payloads(s, "portal.reply")[0]
        assert reply["message_id"] == "message-0001" and reply["text"] == "Завтра с 12 до 15"
        assert s.scalar(select(func.count()).select_from(Interaction)) == 2


def test_revoke_publishes_revoke_and_stops_order_publishing(
    sessions: sessionmaker[Session], world: World
) -> None:
    _invite(sessions, world)
    with unit_of_work(sessions) as s:
        portal.publish_changes(s)  # the cursor starts here
        ops.revoke_portal(s, world.person_id, actor=OPERATOR)
        assert _payloads(s, "portal.revoke")[0]["client_id"] == world.person_id
    with unit_of_work(sessions) as s, pytest.raises(ValidationError, match="no portal access"):
        ops.revoke_portal(s, world.person_id, actor=OPERATOR)
    with unit_of_work(sessions) as s:
        assert not portal.is_invited(s, world.person_id)


def test_changed_orders_of_invited_clients_are_published_from_the_change_log(
    sessions: sessionmaker[Session], world: World
) -> None:
    from dispatcher import orders

    _invite(sessions, world)
    with unit_of_work(sessions) as s:
        portal.publish_changes(s)  # first read: the live orders (none yet)
    with unit_of_work(sessions) as s:
        mine = orders.create_order(s, world.person_id, [orders.LineInput("W19", 1)], actor="x")
        orders.create_order(s, world.company_id, [orders.LineInput("W19", 1)], actor="x")
    with unit_of_work(sessions) as s:
        assert portal.publish_changes(s) == 1
        assert _payloads(s, "portal.order")[-1]["order_id"] == mine.id
    with unit_of_work(sessions) as s:
        assert portal.publish_changes(s) == 0  # nothing changed since

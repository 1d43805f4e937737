"""The portal feed applied to the desk's data, once each (docs/portal.md, "Service → desk").

As `dispatcher.courier_events`: each item is recorded in ``portal_events`` by its event id in
the same transaction as its effect and as the feed position (``relay_state``), so a crash
between reading and committing reads the same items again and a repeated item changes nothing.

An ``order`` becomes an interest in the "to confirm" queue; an order the desk cannot take (a
product it does not sell, a date or window it refuses) is still recorded and published back
as ``rejected`` with the reason. A ``claim`` becomes a complaint with its photos; a
``message`` an interaction in the client's journal with a reply deadline.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher import orders, outbox, planning, portal
from dispatcher.errors import DomainError
from dispatcher.models import (
    Client,
    ComplaintAttachment,
    ComplaintReason,
    Contact,
    Direction,
    Interaction,
    InteractionKind,
    Order,
    PortalEvent,
    PortalRequest,
    RelayState,
    UserRole,
    utcnow,
)
from dispatcher.moscow import moscow_today
from dispatcher.operations import complaints
from dispatcher.users import Actor

logger = logging.getLogger(__name__)

FEED_CURSOR = "portal_feed_cursor"
CLAIM_REASON = "Претензия с портала"
CLAIM_REASON_HOURS = 72
REPLY_MINUTES = 120  # the response-time target of a portal message
REJECT_REASON = "Заказ с портала не принят"

APPLIED = "applied"
REJECTED = "rejected"
REFUSED = "refused"
DUPLICATE = "duplicate"


@dataclass(frozen=True, slots=True)
class IncomingPortalEvent:
    """One item of the portal feed; ``photos`` holds the claim photos' bytes by photo_id."""

    cursor: int
    event_id: str
    kind: str  # order / claim / message
    client_id: int
    contact_id: int | None
    at: dt.datetime
    payload: Mapping[str, Any]
    account_id: int | None = None
    photos: Mapping[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PortalOutcome:
    """What applying one item did, and the desk row it became."""

    event_id: str
    outcome: str
    target_id: int | None = None
    detail: str = ""


def feed_cursor(session: Session) -> int:
    """The feed position up to which items were applied (0 before the first)."""
    row = session.get(RelayState, FEED_CURSOR)
    return int(row.value) if row is not None else 0


def _save_cursor(session: Session, cursor: int) -> None:
    row = session.get(RelayState, FEED_CURSOR)
    if row is None:
        session.add(RelayState(name=FEED_CURSOR, value=str(cursor)))
    elif int(row.value) < cursor:
        row.value = str(cursor)


def _portal_actor(event: IncomingPortalEvent, client: Client) -> Actor:
    """The client's person as the registrar: "portal:<account>"."""
    who = f"portal:{event.account_id}" if event.account_id is not None else "portal"
    return Actor(who, client.name, UserRole.OPERATOR)


def _contact(session: Session, client: Client, contact_id: int | None) -> int | None:
    contact = session.get(Contact, contact_id) if contact_id is not None else None
    return contact.id if contact is not None and contact.client_id == client.id else None


# ---- order ------------------------------------------------------------------------------


def _time(text: object) -> dt.time | None:
    try:
        return dt.time.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def _refusal(payload: Mapping[str, Any], client: Client, session: Session) -> str:
    """Why the desk cannot take this portal order ("" when it can)."""
    sold = {item.code for item in planning.price_items(session, client)}
    items = payload.get("items") or []
    if not items:
        return "В заказе нет товаров."
    for item in items:
        code = str(item.get("code", ""))
        if code not in sold:
            return f"Товар {code} больше не продаётся."
        qty = item.get("qty")
        if not isinstance(qty, int) or qty < 1:
            return f"Количество товара {code} должно быть не меньше 1."
    try:
        day = dt.date.fromisoformat(str(payload.get("date")))
    except ValueError:
        return "Не указана дата доставки."
    today = moscow_today()
    if day < today:
        return "Дата доставки уже прошла."
    if day > today + dt.timedelta(days=portal.DAYS_AHEAD):
        return f"Заказ принимается не дальше чем на {portal.DAYS_AHEAD} дней вперёд."
    window = (_time(payload.get("window_start")), _time(payload.get("window_end")))
    if window not in planning.DELIVERY_WINDOWS:
        return "Такого интервала доставки нет."
    return ""


def _reject_reason_id(session: Session) -> int:
    for reason in orders.reject_reasons(session, include_inactive=True):
        if reason.name == REJECT_REASON and reason.active:
            return reason.id
    return orders.add_reject_reason(session, REJECT_REASON).id


def _apply_order(
    session: Session, event: IncomingPortalEvent, client: Client
) -> tuple[str, int | None, str]:
    payload = event.payload
    request_id = str(payload.get("request_id", ""))[:64]
    if not request_id:
        return REFUSED, None, "no request_id"
    known = session.scalar(select(PortalRequest).where(PortalRequest.request_id == request_id))
    if known is not None:
        return DUPLICATE, known.order_id, "request already recorded"
    refusal = _refusal(payload, client, session)
    sold = {item.code for item in planning.price_items(session, client)}
    lines = [
        orders.LineInput(str(item["code"]), item["qty"])
        for item in payload.get("items") or []
        if str(item.get("code", "")) in sold
        and isinstance(item.get("qty"), int)
        and 1 <= item["qty"] <= 999
    ]
    who = _portal_actor(event, client).login
    comment = str(payload.get("comment") or "").strip()[:500]
    try:
        order = orders.create_order(
            session,
            client.id,
            lines,
            actor=who,
            contact_id=_contact(session, client, event.contact_id),
            comment=comment,
            idempotency_key=f"portal:{request_id}"[:64],
        )
    except DomainError as exc:  # a comment the courier's phone refuses, too many lines...
        refusal = refusal or str(exc)
        order = orders.create_order(
            session, client.id, [], actor=who, idempotency_key=f"portal:{request_id}"[:64]
        )
    try:
        wanted = dt.date.fromisoformat(str(payload.get("date")))
    except ValueError:
        wanted = None
    session.add(
        PortalRequest(
            order_id=order.id,
            request_id=request_id,
            client_id=client.id,
            contact_id=order.contact_id,
            received_at=event.at,
            wanted_date=wanted,
            window_start=_time(payload.get("window_start")),
            window_end=_time(payload.get("window_end")),
            rejected=refusal,
        )
    )
    if refusal:
        orders.reject(
            session, order.id, reason_id=_reject_reason_id(session), actor=who, why=refusal
        )
    session.flush()
    portal.publish_order(session, order)
    return (REJECTED if refusal else APPLIED), order.id, refusal


# ---- claim ------------------------------------------------------------------------------


def claim_reason_id(session: Session) -> int:
    """The reason portal claims are filed under, created on first use."""
    reason = session.scalar(select(ComplaintReason).where(ComplaintReason.name == CLAIM_REASON))
    if reason is None:
        reason = ComplaintReason(name=CLAIM_REASON, hours=CLAIM_REASON_HOURS, active=True)
        session.add(reason)
        session.flush()
    return reason.id


def claim_description(payload: Mapping[str, Any]) -> str:
    """The client's text followed by the discrepancy lines ("W19: заказано 4, получено 3")."""
    text = str(payload.get("text") or "").strip()
    lines = [
        f"{line.get('code')}: заказано {line.get('ordered')}, получено {line.get('received')}"
        for line in payload.get("lines") or []
    ]
    parts = [text] if text else []
    if lines:
        parts.append("Расхождение:\n" + "\n".join(lines))
    return "\n\n".join(parts) or "Претензия с портала без текста."


def _apply_claim(
    session: Session, event: IncomingPortalEvent, client: Client
) -> tuple[str, int | None, str]:
    payload = event.payload
    order_id = payload.get("order_id")
    order = session.get(Order, order_id) if isinstance(order_id, int) else None
    linked = [order.id] if order is not None and order.client_id == client.id else []
    row = complaints.register_complaint(
        session,
        client.id,
        claim_reason_id(session),
        claim_description(payload)[: complaints.DESCRIPTION_MAX],
        actor=_portal_actor(event, client),
        order_ids=linked,
        now=event.at,
    )
    for number, photo in enumerate(payload.get("photos") or [], start=1):
        data = event.photos.get(str(photo.get("photo_id")))
        if data is None:
            continue
        session.add(
            ComplaintAttachment(
                complaint_id=row.id,
                name=f"photo-{number}",
                content_type=str(photo.get("content_type") or "application/octet-stream")[:100],
                size=len(data),
                data=data,
            )
        )
    outbox.enqueue(
        session,
        portal.TOPIC_CLAIM,
        f"claim:{payload.get('claim_id')}",
        {
            "claim_id": str(payload.get("claim_id")),
            "complaint_id": row.id,
            "client_id": client.id,
            "status": str(row.status),
            "result": "",
        },
    )
    return APPLIED, row.id, ""


# ---- message ----------------------------------------------------------------------------


def _apply_message(
    session: Session, event: IncomingPortalEvent, client: Client, reply_minutes: int
) -> tuple[str, int | None, str]:
    text = str(event.payload.get("text") or "").strip()
    if not text:
        return REFUSED, None, "empty message"
    message = Interaction(
        kind=InteractionKind.MESSAGE,
        direction=Direction.IN,
        started_at=event.at,
        client_id=client.id,
        operator=_portal_actor(event, client).login,
        subject="Сообщение с портала",
        notes=text[:4000],
        reply_due=event.at + dt.timedelta(minutes=reply_minutes),
    )
    session.add(message)
    session.flush()
    return APPLIED, message.id, ""


# ---- the page ---------------------------------------------------------------------------


def _ref(event: IncomingPortalEvent) -> str:
    key = {"order": "request_id", "claim": "claim_id", "message": "message_id"}.get(event.kind)
    return str(event.payload.get(key, "")) if key else ""


def apply_event(
    session: Session, event: IncomingPortalEvent, reply_minutes: int = REPLY_MINUTES
) -> PortalOutcome:
    """Apply one feed item unless its event_id was seen before; records it either way."""
    seen = session.scalar(select(PortalEvent).where(PortalEvent.event_id == event.event_id))
    if seen is not None:
        return PortalOutcome(event.event_id, DUPLICATE, seen.target_id)
    client = session.get(Client, event.client_id)
    try:
        if client is None:
            outcome, target, detail = REFUSED, None, "no such client here"
        elif event.kind == "order":
            outcome, target, detail = _apply_order(session, event, client)
        elif event.kind == "claim":
            outcome, target, detail = _apply_claim(session, event, client)
        elif event.kind == "message":
            outcome, target, detail = _apply_message(session, event, client, reply_minutes)
        else:
            outcome, target, detail = REFUSED, None, f"unknown kind {event.kind!r}"
    except DomainError as exc:
        # The rules are checked before anything is written (no savepoint: see courier_events).
        outcome, target, detail = REFUSED, None, str(exc)
    session.add(
        PortalEvent(
            event_id=event.event_id[:64],
            cursor=event.cursor,
            kind=event.kind[:16],
            client_id=event.client_id,
            ref=_ref(event)[:64],
            target_id=target,
            outcome=outcome,
            detail=detail,
            received_at=utcnow(),
        )
    )
    session.flush()
    if outcome != APPLIED:
        logger.info("portal event %s: %s (%s)", event.event_id, outcome, detail)
    return PortalOutcome(event.event_id, outcome, target, detail)


def apply_events(
    session: Session, events: Iterable[IncomingPortalEvent], reply_minutes: int = REPLY_MINUTES
) -> list[PortalOutcome]:
    """Apply a page of the feed in cursor order and move the saved cursor past it."""
    results = []
    last = None
    for event in sorted(events, key=lambda e: e.cursor):
        results.append(apply_event(session, event, reply_minutes))
        last = event.cursor
    if last is not None:
        _save_cursor(session, last)
    return results

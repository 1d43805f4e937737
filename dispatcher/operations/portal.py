"""Client portal operations: invite, revoke, the "to confirm" queue, confirm, reply.

Everything the portal must learn is queued in the outbox in the same transaction
(`dispatcher.portal`); the caller commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from dispatcher import outbox, planning, portal
from dispatcher.errors import DomainError, NotFoundError, ValidationError
from dispatcher.models import (
    Client,
    ClientEvent,
    ClientKind,
    Contact,
    Direction,
    Interaction,
    InteractionKind,
    Order,
    OrderEvent,
    OrderState,
    Phone,
    PortalEvent,
    PortalInvitation,
    PortalRequest,
    UserRole,
    utcnow,
)
from dispatcher.operations import orders as order_ops
from dispatcher.orders import Slot
from dispatcher.users import Actor, require_role

logger = logging.getLogger(__name__)

INVITATION_DAYS = 7
REPLY_MAX = 4000


@dataclass(frozen=True, slots=True)
class Invitation:
    """A new invitation: the code is shown once and never stored."""

    invitation_id: int
    client_id: int
    contact_id: int | None
    person_name: str
    code: str
    link: str
    expires_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Revoked:
    """Whose portal access was ended."""

    client_id: int
    contact_ids: tuple[int | None, ...]


@dataclass(frozen=True, slots=True)
class QueueRow:
    """A portal order waiting for an operator, as the queue lists it."""

    order_id: int
    client_id: int
    client_name: str
    contact_name: str
    phone: str
    received_at: dt.datetime
    date: dt.date | None
    window_start: dt.time | None
    window_end: dt.time | None
    items: str
    total_kop: int
    comment: str


@dataclass(frozen=True, slots=True)
class Confirmed:
    """A confirmed portal order: an interest, or a delivery with its courier."""

    order_id: int
    state: OrderState
    courier_name: str = ""
    date: dt.date | None = None
    # Why it stayed an interest (no address, no courier that day...): "" when delivered.
    why_interest: str = ""


@dataclass(frozen=True, slots=True)
class Reply:
    """An answer to a portal message, queued for the portal."""

    reply_id: int
    message_id: int
    client_id: int
    text: str


def _client(session: Session, client_id: int) -> Client:
    client = session.get(Client, client_id)
    if client is None:
        raise NotFoundError.of("Client #{client_id} does not exist.", client_id=client_id)
    return client


def _person(session: Session, client: Client, contact_id: int | None) -> str:
    if contact_id is None:
        if client.kind is ClientKind.COMPANY:
            raise ValidationError.of(
                "Choose the contact person of {client} to invite.", client=client.name
            )
        return client.name
    contact = session.get(Contact, contact_id)
    if contact is None or contact.client_id != client.id:
        raise ValidationError.of(
            "Contact #{contact_id} is not a contact of {client}.",
            contact_id=contact_id,
            client=client.name,
        )
    return contact.name


def _same_person(contact_id: int | None) -> object:
    if contact_id is None:
        return PortalInvitation.contact_id.is_(None)
    return PortalInvitation.contact_id == contact_id


def invite_to_portal(
    session: Session,
    client_id: int,
    *,
    actor: Actor,
    contact_id: int | None = None,
    portal_url: str = "/portal/",
    now: dt.datetime | None = None,
) -> Invitation:
    """Make a one-time portal code for the client's person; voids their older invitations."""
    now = now or utcnow()
    client = _client(session, client_id)
    if client.merged_into_id is not None:
        raise ValidationError.of(
            "Client #{client_id} was merged into #{target_id}: use that one.",
            client_id=client.id,
            target_id=client.merged_into_id,
        )
    person = _person(session, client, contact_id)
    for older in session.scalars(
        select(PortalInvitation).where(
            PortalInvitation.client_id == client.id,
            _same_person(contact_id),
            PortalInvitation.voided_at.is_(None),
        )
    ):
        older.voided_at = now
    code = secrets.token_urlsafe(24)
    digest = hashlib.sha256(code.encode()).hexdigest()
    row = PortalInvitation(
        client_id=client.id,
        contact_id=contact_id,
        code_sha256=digest,
        created_by=actor.login,
        created_at=now,
        expires_at=now + dt.timedelta(days=INVITATION_DAYS),
    )
    session.add(row)
    session.add(
        ClientEvent(client_id=client.id, actor=actor.login, action="portal_invite", detail=person)
    )
    session.flush()
    outbox.enqueue(
        session,
        portal.TOPIC_INVITE,
        f"invite:{row.id}",
        {
            "invitation_id": row.id,
            "client_id": client.id,
            "contact_id": contact_id,
            "person_name": person,
            "code_sha256": digest,
            "expires_at": row.expires_at.isoformat(),
        },
    )
    portal.publish_client(session, client.id)
    live = select(Order).where(
        Order.client_id == client.id, Order.state.in_((OrderState.INTEREST, OrderState.DELIVERY))
    )
    for order in session.scalars(live.options(selectinload(Order.tasks))):
        portal.publish_order(session, order)
    logger.info("portal invitation", extra={"client": client.id, "actor": actor.login})
    link = f"{portal_url}#invite={code}"
    return Invitation(row.id, client.id, contact_id, person, code, link, row.expires_at)


def revoke_portal(
    session: Session,
    client_id: int,
    *,
    actor: Actor,
    contact_id: int | None = None,
    now: dt.datetime | None = None,
) -> Revoked:
    """End the portal access of the client's person (or of all its people without a contact).

    Any operator may end one person's access; cutting off all of a company's people at once
    is a shift lead's decision.
    """
    now = now or utcnow()
    client = _client(session, client_id)
    if contact_id is None and client.kind is ClientKind.COMPANY:
        require_role(
            actor, UserRole.LEAD, action="revoke the portal access of all of a company's people"
        )
    stmt = select(PortalInvitation).where(
        PortalInvitation.client_id == client.id, PortalInvitation.revoked_at.is_(None)
    )
    if contact_id is not None or client.kind is ClientKind.PERSON:
        stmt = stmt.where(_same_person(contact_id))
    live = list(session.scalars(stmt))
    if not live:
        raise ValidationError.of("{client} has no portal access to revoke.", client=client.name)
    people = sorted({row.contact_id for row in live}, key=lambda c: c or 0)
    for row in live:
        row.revoked_at, row.revoked_by = now, actor.login
    for person in people:
        outbox.enqueue(
            session,
            portal.TOPIC_REVOKE,
            f"revoke:{client.id}:{person or ''}",
            {"client_id": client.id, "contact_id": person, "at": now.isoformat()},
        )
    session.add(
        ClientEvent(
            client_id=client.id,
            actor=actor.login,
            action="portal_revoke",
            detail=", ".join(str(p) if p else "-" for p in people),
        )
    )
    session.flush()
    return Revoked(client.id, tuple(people))


def _first_phone(session: Session, order: Order) -> str:
    phones = session.scalars(
        select(Phone.raw)
        .where(Phone.client_id == order.client_id)
        .order_by((Phone.contact_id == order.contact_id).desc() if order.contact_id else Phone.id)
        .limit(1)
    )
    return next(iter(phones), "")


def _waiting() -> object:
    return (
        select(PortalRequest, Order)
        .join(Order, Order.id == PortalRequest.order_id)
        .where(
            PortalRequest.confirmed_at.is_(None),
            PortalRequest.rejected == "",
            Order.state == OrderState.INTEREST,
        )
    )


def portal_queue(session: Session, *, actor: Actor, limit: int = 200) -> list[QueueRow]:
    """Portal orders waiting for an operator's confirmation, oldest first."""
    del actor  # any signed-in user sees the queue
    stmt = _waiting().order_by(PortalRequest.received_at, PortalRequest.id).limit(limit)  # type: ignore[attr-defined]
    rows = []
    for request, order in session.execute(stmt):
        items = ", ".join(f"{line.product.name} × {line.qty}" for line in order.lines)
        rows.append(
            QueueRow(
                order_id=order.id,
                client_id=order.client_id,
                client_name=order.client.name,
                contact_name=order.contact.name if order.contact else "",
                phone=_first_phone(session, order),
                received_at=request.received_at,
                date=request.wanted_date,
                window_start=request.window_start,
                window_end=request.window_end,
                items=items,
                total_kop=order.total_kop,
                comment=order.comment,
            )
        )
    return rows


def portal_queue_count(session: Session, *, actor: Actor) -> int:
    """How many portal orders wait (the badge's number)."""
    return len(portal_queue(session, actor=actor))


def _request(session: Session, order_id: int) -> PortalRequest:
    request = session.scalar(select(PortalRequest).where(PortalRequest.order_id == order_id))
    if request is None:
        raise NotFoundError.of("Order #{order_id} is not a portal order.", order_id=order_id)
    if request.confirmed_at is not None:
        raise ValidationError.of(
            "Portal order #{order_id} was already confirmed by {login}.",
            order_id=order_id,
            login=request.confirmed_by or "?",
        )
    if request.rejected:
        raise ValidationError.of(
            "Portal order #{order_id} was refused on arrival: {why}",
            order_id=order_id,
            why=request.rejected,
        )
    return request


def _slot(session: Session, order: Order, request: PortalRequest) -> tuple[Slot | None, str]:
    """The delivery slot when the client's defaults are complete, else why not."""
    if order.address_id is None:
        return None, "no delivery address chosen"
    if request.wanted_date is None or request.window_start is None:
        return None, "no date asked for"
    suggestion = planning.suggest_courier(session, order.address_id, request.wanted_date)
    if suggestion is None:
        return None, "no courier works that day"
    return Slot(
        suggestion.courier_id, request.wanted_date, request.window_start, request.window_end
    ), ""


def confirm_portal_order(
    session: Session, order_id: int, *, actor: Actor, deliver: bool = True
) -> Confirmed:
    """Take a portal order: to delivery when the client's defaults allow, else an interest."""
    request = _request(session, order_id)
    order = request.order
    if order.state is not OrderState.INTEREST:
        raise ValidationError.of(
            "Portal order #{order_id} is no longer waiting for confirmation.", order_id=order_id
        )
    request.confirmed_at, request.confirmed_by = utcnow(), actor.login
    slot, why = _slot(session, order, request) if deliver else (None, "kept as an interest")
    if slot is not None:
        try:
            # send_to_delivery checks every rule before it changes anything.
            order_ops.deliver(session, order.id, slot, actor=actor)
        except DomainError as exc:
            slot, why = None, str(exc)
    if slot is None:
        order.updated_at = utcnow()  # a write: the change stamp (the portal's version) moves
        session.add(
            OrderEvent(
                order=order,
                actor=actor.login,
                action="portal_confirm",
                from_state=order.state,
                to_state=order.state,
                why=why,
            )
        )
    session.flush()
    portal.publish_order(session, order)
    courier = order.courier.name if slot is not None and order.courier else ""
    return Confirmed(order.id, order.state, courier, order.delivery_date, why)


def _message(session: Session, message_id: int) -> Interaction:
    message = session.get(Interaction, message_id)
    if (
        message is None
        or message.kind is not InteractionKind.MESSAGE
        or message.direction is not Direction.IN
    ):
        raise NotFoundError.of(
            "Portal message #{message_id} does not exist.", message_id=message_id
        )
    return message


def reply_to_portal_message(session: Session, message_id: int, text: str, *, actor: Actor) -> Reply:
    """Answer a client's portal message; the answer goes to the portal, the deadline is met."""
    message = _message(session, message_id)
    text = text.strip()
    if not text:
        raise ValidationError.of("Write the answer first.")
    if len(text) > REPLY_MAX:
        raise ValidationError.of("The answer is longer than {limit} characters.", limit=REPLY_MAX)
    now = utcnow()
    reply = Interaction(
        kind=InteractionKind.MESSAGE,
        direction=Direction.OUT,
        started_at=now,
        client_id=message.client_id,
        operator=actor.login,
        subject="Ответ на портале",
        notes=text,
        planned_from_id=message.id,
    )
    session.add(reply)
    message.reply_due = None
    session.flush()
    portal_id = session.scalar(
        select(PortalEvent.ref).where(
            PortalEvent.target_id == message.id, PortalEvent.kind == "message"
        )
    )
    outbox.enqueue(
        session,
        portal.TOPIC_REPLY,
        f"reply:{reply.id}",
        {
            "reply_id": reply.id,
            "client_id": message.client_id,
            "message_id": portal_id or None,
            "text": text,
            "author": actor.name,
            "at": now.isoformat(),
        },
    )
    return Reply(reply.id, message.id, message.client_id or 0, text)

"""Call logging: every call becomes an Interaction; missed inbound calls wait for a callback."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from dispatcher.errors import NotFoundError, ValidationError
from dispatcher.models import (
    Client,
    Direction,
    Interaction,
    InteractionKind,
    Order,
    utcnow,
)
from dispatcher.orders import MOSCOW, moscow_today
from dispatcher.phones import from_caller_id


class CallResult(StrEnum):
    """How a call ended, as the calls list shows it."""

    ANSWERED = "answered"
    MISSED = "missed"
    REJECTED = "rejected"
    ORDER_TAKEN = "order_taken"
    ORDER_REJECTED = "order_rejected"
    NO_ORDER = "no_order"


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One call as the calls list and the callback list show it."""

    id: int
    number: str
    direction: Direction
    started_at: dt.datetime
    answered_at: dt.datetime | None
    ended_at: dt.datetime | None
    result: CallResult | None
    client_id: int | None
    client_name: str | None
    order_id: int | None
    reviewed: bool
    operator: str


def _number(raw: str, region: str) -> str:
    # Stored in E.164 when it is a number, so that the inbound call and the callback dialled
    # as "8 916 ..." are one number for the callback list; withheld/odd caller ids stay as is.
    # A caller id telephony normalised is read as is; a typed number is parsed.
    parsed = from_caller_id(raw, region)
    if parsed.ok and parsed.e164:
        return parsed.e164
    return (raw or "").strip()[:100]


def _moment(at: dt.datetime | None) -> dt.datetime:
    if at is None:
        return utcnow()
    if at.tzinfo is None:
        raise ValidationError.of("A call time must carry its time zone.")
    return at


def _call(session: Session, interaction_id: int) -> Interaction:
    row = session.get(Interaction, interaction_id)
    if row is None or row.kind is not InteractionKind.CALL:
        raise NotFoundError.of("Call #{call_id} does not exist.", call_id=interaction_id)
    return row


def call_started(
    session: Session,
    *,
    number: str,
    direction: Direction,
    operator: str,
    started_at: dt.datetime | None = None,
    client_id: int | None = None,
    region: str = "RU",
) -> Interaction:
    """Log a call that starts ringing (inbound) or is being dialled (outbound)."""
    if client_id is not None and session.get(Client, client_id) is None:
        raise NotFoundError.of("Client #{client_id} does not exist.", client_id=client_id)
    row = Interaction(
        kind=InteractionKind.CALL,
        direction=Direction(direction),
        number=_number(number, region),
        started_at=_moment(started_at),
        client_id=client_id,
        operator=(operator or "")[:100],
        result="",
        planned=False,
        reviewed=False,
    )
    session.add(row)
    session.flush()
    return row


def call_answered(
    session: Session, interaction_id: int, at: dt.datetime | None = None
) -> Interaction:
    """Record that the call was picked up (the first answer counts)."""
    row = _call(session, interaction_id)
    if row.answered_at is None:
        row.answered_at = _moment(at)
    if not row.result:
        row.result = CallResult.ANSWERED.value
    session.flush()
    return row


def call_ended(
    session: Session,
    interaction_id: int,
    *,
    result: CallResult | None = None,
    at: dt.datetime | None = None,
) -> Interaction:
    """Record the hang-up; an inbound call nobody answered is MISSED and waits for a callback.

    Calling it again on an ended call keeps the first end time and only updates the result
    (the operator picks "order taken" after the line has dropped).
    """
    row = _call(session, interaction_id)
    if row.ended_at is None:
        row.ended_at = _moment(at)
    if result is not None:
        row.result = CallResult(result).value
    elif not row.result:
        row.result = (
            CallResult.ANSWERED.value if row.answered_at is not None else CallResult.MISSED.value
        )
    if row.direction is Direction.IN and row.answered_at is None:
        # review_after marks "call this number back"; the callback list reads it.
        row.review_after = row.review_after or row.ended_at
    session.flush()
    return row


def link_call(
    session: Session,
    interaction_id: int,
    *,
    client_id: int | None = None,
    order_id: int | None = None,
) -> Interaction:
    """Attach the client identified on the call, and the order taken during it."""
    row = _call(session, interaction_id)
    if order_id is not None:
        order = session.get(Order, order_id)
        if order is None:
            raise NotFoundError.of("Order #{order_id} does not exist.", order_id=order_id)
        if client_id is not None and order.client_id != client_id:
            raise ValidationError.of(
                "Order #{order_id} is not an order of client #{client_id}.",
                order_id=order_id,
                client_id=client_id,
            )
        row.order_id = order.id
        row.client_id = order.client_id
    if client_id is not None:
        if session.get(Client, client_id) is None:
            raise NotFoundError.of("Client #{client_id} does not exist.", client_id=client_id)
        row.client_id = client_id
    session.flush()
    return row


def _records(session: Session, stmt: Select[tuple[Interaction, str | None]]) -> list[CallRecord]:
    rows = session.execute(stmt)
    out = []
    for row, client_name in rows:
        result = row.result
        out.append(
            CallRecord(
                id=row.id,
                number=row.number,
                direction=row.direction,
                started_at=row.started_at,
                answered_at=row.answered_at,
                ended_at=row.ended_at,
                result=CallResult(result) if result in CallResult._value2member_map_ else None,
                client_id=row.client_id,
                client_name=client_name,
                order_id=row.order_id,
                reviewed=bool(row.reviewed),
                operator=row.operator,
            )
        )
    return out


def _with_client_name() -> Select[tuple[Interaction, str | None]]:
    return select(Interaction, Client.name).outerjoin(Client, Client.id == Interaction.client_id)


def todays_calls(
    session: Session, *, operator: str | None = None, day: dt.date | None = None
) -> list[CallRecord]:
    """The calls of one Moscow day (today by default), newest first, optionally one operator's."""
    day = day or moscow_today()
    start = dt.datetime.combine(day, dt.time(0), MOSCOW)
    end = start + dt.timedelta(days=1)
    stmt = _with_client_name().where(
        Interaction.kind == InteractionKind.CALL,
        Interaction.started_at >= start,
        Interaction.started_at < end,
    )
    if operator is not None:
        stmt = stmt.where(Interaction.operator == operator)
    return _records(session, stmt.order_by(Interaction.started_at.desc(), Interaction.id.desc()))


def callback_list(session: Session) -> list[CallRecord]:
    """Numbers to call back: the latest missed inbound call of each, the longest waiting first.

    A number drops off once it is marked called back, or once a later call with it (theirs
    or ours) was answered.
    """
    stmt = _with_client_name().where(
        # planned + review_after: the columns of ix_interactions_planned_review.
        Interaction.planned.is_(False),
        Interaction.review_after.is_not(None),
        Interaction.kind == InteractionKind.CALL,
        Interaction.direction == Direction.IN,
        Interaction.reviewed.is_(False),
        Interaction.answered_at.is_(None),
        Interaction.number != "",
    )
    missed = _records(session, stmt.order_by(Interaction.started_at, Interaction.id))
    latest: dict[str, CallRecord] = {}
    for record in missed:
        latest[record.number] = record
    if not latest:
        return []
    answered = session.execute(
        select(Interaction.number, Interaction.started_at).where(
            Interaction.kind == InteractionKind.CALL,
            Interaction.number.in_(sorted(latest)),
            Interaction.answered_at.is_not(None),
        )
    )
    last_answered: dict[str, dt.datetime] = {}
    for number, started in answered:
        if number not in last_answered or started > last_answered[number]:
            last_answered[number] = started
    waiting = [
        r
        for r in latest.values()
        if r.number not in last_answered or last_answered[r.number] < r.started_at
    ]
    return sorted(waiting, key=lambda r: (r.started_at, r.id))


def mark_called_back(session: Session, interaction_id: int, *, operator: str) -> None:
    """Take the call's number off the callback list: every missed call from it is reviewed."""
    row = _call(session, interaction_id)
    stamp = (
        f"called back by {operator or 'unknown'} at {utcnow().astimezone(MOSCOW):%d.%m.%Y %H:%M}"
    )
    pending = session.scalars(
        select(Interaction).where(
            Interaction.kind == InteractionKind.CALL,
            Interaction.direction == Direction.IN,
            Interaction.number == row.number,
            Interaction.review_after.is_not(None),
            Interaction.reviewed.is_(False),
        )
    )
    calls = list(pending) if row.number else [row]  # a withheld number names only its call
    for call in calls:
        call.reviewed = True
        call.notes = f"{call.notes}\n{stamp}".strip()
    session.flush()

"""Planned interactions (запланированные взаимодействия), notes typed by hand, the journals.

A plan is an `Interaction` with ``planned`` set, a subject, a due moment and a responsible
operator. It stays open until it is done: `complete_plan` stamps it and links the call that
did it (``done_call_id``), so the journal shows the plan and the call as one thing. Open
plans are found per responsible through ``ix_interactions_responsible_done_due``
(responsible, done_at IS NULL, due_at order): the reminders ask for the next due moment
alone, never for whole tables.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from dispatcher.errors import NotFoundError, ValidationError
from dispatcher.models import (
    Client,
    Direction,
    Interaction,
    InteractionKind,
    User,
    UserRole,
    utcnow,
)
from dispatcher.moscow import MOSCOW
from dispatcher.users import Actor, require_role

JOURNAL_LIMIT = 200
PAST_GRACE = dt.timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Plan:
    """One planned interaction as reminders, lists and `dispatch plan` show it."""

    id: int
    kind: InteractionKind
    client_id: int | None
    client_name: str
    number: str
    subject: str
    due_at: dt.datetime
    responsible: str
    planned_by: str
    done_at: dt.datetime | None
    done_call_id: int | None
    review_after: dt.datetime | None
    reviewed: bool


@dataclass(frozen=True, slots=True)
class Person:
    """An active user who can be made responsible for a planned call."""

    login: str
    name: str


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One line of a client's or operator's interactions journal."""

    id: int
    kind: InteractionKind
    direction: Direction
    at: dt.datetime  # when it happened, or is due for an open plan
    client_id: int | None
    client_name: str
    number: str
    operator: str
    planned: bool
    subject: str
    result: str
    notes: str
    done: bool
    review_after: dt.datetime | None
    reviewed: bool
    reply_due: dt.datetime | None = None  # an unanswered portal message: answer by then


def parse_due(text: str) -> dt.datetime:
    """A Moscow moment typed as "YYYY-MM-DD HH:MM" or "dd.mm.yyyy HH:MM"."""
    for fmt in ("%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).replace(tzinfo=MOSCOW)
        except ValueError:
            continue
    raise ValidationError.of(
        "{text} is not a date and time (YYYY-MM-DD HH:MM, Moscow time).", text=repr(text)
    )


def parse_day(text: str) -> dt.datetime:
    """The start of a Moscow day typed as "YYYY-MM-DD" or "dd.mm.yyyy" (for review-after)."""
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).replace(tzinfo=MOSCOW)
        except ValueError:
            continue
    raise ValidationError.of("{text} is not a date (YYYY-MM-DD).", text=repr(text))


def _aware(at: dt.datetime) -> dt.datetime:
    if at.tzinfo is None:
        raise ValidationError.of("A planned time must carry its time zone.")
    return at


def _row(session: Session, interaction_id: int) -> Interaction:
    row = session.get(Interaction, interaction_id)
    if row is None:
        raise NotFoundError.of(
            "Interaction #{interaction_id} does not exist.", interaction_id=interaction_id
        )
    return row


def _plan_row(session: Session, plan_id: int) -> Interaction:
    row = session.get(Interaction, plan_id)
    if row is None or not row.planned:
        raise NotFoundError.of("Planned interaction #{plan_id} does not exist.", plan_id=plan_id)
    return row


def _live_client(session: Session, client_id: int) -> Client:
    client = session.get(Client, client_id)
    if client is None:
        raise NotFoundError.of("Client #{client_id} does not exist.", client_id=client_id)
    while client.merged_into_id is not None:  # a merged duplicate's plans go to the kept one
        client = session.get(Client, client.merged_into_id)  # type: ignore[assignment]
    return client


def _active_login(session: Session, login: str) -> str:
    user = session.scalar(select(User).where(User.login == login))
    if user is None or not user.active:
        raise NotFoundError.of("There is no active user {login}.", login=repr(login))
    return user.login


def _plan(row: Interaction, client_name: str | None) -> Plan:
    assert row.due_at is not None
    return Plan(
        id=row.id,
        kind=row.kind,
        client_id=row.client_id,
        client_name=client_name or "",
        number=row.number,
        subject=row.subject,
        due_at=row.due_at,
        responsible=row.responsible,
        planned_by=row.operator,
        done_at=row.done_at,
        done_call_id=row.done_call_id,
        review_after=row.review_after,
        reviewed=bool(row.reviewed),
    )


def plan_interaction(
    session: Session,
    client_id: int,
    due_at: dt.datetime,
    subject: str,
    *,
    actor: Actor,
    responsible: str | None = None,
    kind: InteractionKind = InteractionKind.CALL,
    planned_from: int | None = None,
) -> Plan:
    """Plan a call (or another contact) with a client: subject, due moment, who does it.

    The responsible operator is the planner unless named; ``planned_from`` is the call (or
    other interaction) the plan follows from.
    """
    subject = subject.strip()
    if not subject:
        raise ValidationError.of("Say what the planned call is about.")
    # A few minutes back is "now" typed slowly; further back is a typo that would ring at once.
    if _aware(due_at) < utcnow() - PAST_GRACE:
        raise ValidationError.of(
            "{at:%d.%m.%Y %H:%M} has already passed: plan the call for a later time.",
            at=_aware(due_at).astimezone(MOSCOW),
        )
    client = _live_client(session, client_id)
    login = _active_login(session, responsible or actor.login)
    if planned_from is not None:
        _row(session, planned_from)
    row = Interaction(
        kind=InteractionKind(kind),
        direction=Direction.OUT,
        number=client.phones[0].e164 if client.phones else "",
        started_at=utcnow(),
        client_id=client.id,
        operator=actor.login,
        planned=True,
        subject=subject[:300],
        due_at=_aware(due_at),
        responsible=login,
        planned_from_id=planned_from,
        reviewed=False,
    )
    session.add(row)
    session.flush()
    return _plan(row, client.name)


def _open_plans() -> Select[tuple[Interaction, str | None]]:
    return (
        select(Interaction, Client.name)
        .outerjoin(Client, Client.id == Interaction.client_id)
        .where(Interaction.planned.is_(True), Interaction.done_at.is_(None))
    )


def open_plans(
    session: Session,
    *,
    responsible: str | None = None,
    due_by: dt.datetime | None = None,
    client_id: int | None = None,
) -> list[Plan]:
    """Plans not done yet, the earliest due first: one operator's, one client's, due by a time."""
    stmt = _open_plans()
    if responsible is not None:
        stmt = stmt.where(Interaction.responsible == responsible)
    if due_by is not None:
        stmt = stmt.where(Interaction.due_at <= _aware(due_by))
    if client_id is not None:
        stmt = stmt.where(Interaction.client_id == client_id)
    rows = session.execute(stmt.order_by(Interaction.due_at, Interaction.id))
    return [_plan(row, name) for row, name in rows]


def next_due(
    session: Session, responsible: str, after: dt.datetime | None = None
) -> dt.datetime | None:
    """When the responsible's earliest open plan (due after ``after``) is due, or None.

    One probe of ix_interactions_responsible_done_due, whatever the table's size.
    """
    stmt = select(Interaction.due_at).where(
        Interaction.responsible == responsible,
        Interaction.done_at.is_(None),
        Interaction.due_at.is_not(None),
    )
    if after is not None:
        stmt = stmt.where(Interaction.due_at > _aware(after))
    return session.scalar(stmt.order_by(Interaction.due_at).limit(1))


def complete_plan(
    session: Session,
    plan_id: int,
    *,
    actor: Actor,
    call_id: int | None = None,
    notes: str = "",
) -> Plan:
    """Mark a plan done, by the call that did it when there is one (linked both ways)."""
    row = _plan_row(session, plan_id)
    if row.done_at is not None:
        raise ValidationError.of("Planned interaction #{plan_id} is already done.", plan_id=plan_id)
    if call_id is not None:
        call = _row(session, call_id)
        if call.planned:
            raise ValidationError.of("A plan is done by a call, not by another plan.")
        call.client_id = call.client_id or row.client_id
        call.planned_from_id = row.id
        call.notes = f"{call.notes}\n{row.subject}".strip()
    row.done_at, row.done_call_id = utcnow(), call_id
    if notes.strip():
        row.notes = f"{row.notes}\n{notes.strip()}".strip()
    session.flush()
    client = session.get(Client, row.client_id) if row.client_id else None
    return _plan(row, client.name if client else None)


def set_review(
    session: Session,
    interaction_id: int,
    *,
    actor: Actor,
    review_after: dt.datetime | None = None,
    reviewed: bool | None = None,
) -> JournalEntry:
    """Put off an interaction's review to a moment ("Рассмотреть после"), or mark it reviewed."""
    row = _row(session, interaction_id)
    if review_after is not None:
        row.review_after = _aware(review_after)
    if reviewed is not None:
        row.reviewed = reviewed
        stamp = f"{'reviewed' if reviewed else 'review reopened'} by {actor.login}"
        row.notes = f"{row.notes}\n{stamp}".strip()
    session.flush()
    return _entry(row, client_name(session, row.client_id))


def add_note(
    session: Session,
    client_id: int,
    kind: InteractionKind,
    text: str,
    *,
    actor: Actor,
    direction: Direction = Direction.OUT,
    number: str = "",
) -> JournalEntry:
    """Record by hand an SMS, e-mail, meeting or call made outside the desk's line."""
    text = text.strip()
    if not text:
        raise ValidationError.of("A note needs its text.")
    client = _live_client(session, client_id)
    row = Interaction(
        kind=InteractionKind(kind),
        direction=Direction(direction),
        number=number.strip()[:100],
        started_at=utcnow(),
        client_id=client.id,
        operator=actor.login,
        planned=False,
        result="note",
        notes=text,
        reviewed=False,
    )
    session.add(row)
    session.flush()
    return _entry(row, client.name)


def client_name(session: Session, client_id: int | None) -> str:
    """The client's name ('' when there is none)."""
    client = session.get(Client, client_id) if client_id else None
    return client.name if client else ""


def _entry(row: Interaction, client_name: str | None) -> JournalEntry:
    at = row.due_at if row.planned and row.due_at is not None else row.started_at
    return JournalEntry(
        id=row.id,
        kind=row.kind,
        direction=row.direction,
        at=at,
        client_id=row.client_id,
        client_name=client_name or "",
        number=row.number,
        operator=row.responsible if row.planned else row.operator,
        planned=bool(row.planned),
        subject=row.subject,
        result=row.result,
        notes=row.notes,
        done=not row.planned or row.done_at is not None,
        review_after=row.review_after,
        reviewed=bool(row.reviewed),
        reply_due=row.reply_due,
    )


def journal(
    session: Session,
    *,
    client_id: int | None = None,
    operator: str | None = None,
    limit: int = JOURNAL_LIMIT,
) -> list[JournalEntry]:
    """A client's or an operator's interactions (calls, plans, notes), the newest first."""
    stmt = select(Interaction, Client.name).outerjoin(Client, Client.id == Interaction.client_id)
    if client_id is not None:
        stmt = stmt.where(Interaction.client_id == client_id)
    if operator is not None:
        stmt = stmt.where(
            or_(Interaction.operator == operator, Interaction.responsible == operator)
        )
    rows = session.execute(stmt.order_by(Interaction.started_at.desc()).limit(limit))
    entries = [_entry(row, name) for row, name in rows]
    return sorted(entries, key=lambda e: (e.at, e.id), reverse=True)


def operator_journal(
    session: Session, login: str, *, actor: Actor, limit: int = JOURNAL_LIMIT
) -> list[JournalEntry]:
    """An operator's journal: one's own for everyone, anybody's for shift leads and admins."""
    if login != actor.login:
        require_role(actor, UserRole.LEAD, action="see another operator's journal")
    return journal(session, operator=login, limit=limit)


def active_people(session: Session) -> list[Person]:
    """The active users, by name: who a planned call can be given to."""
    rows = session.execute(
        select(User.login, User.name).where(User.active.is_(True)).order_by(User.name, User.login)
    )
    return [Person(login, name) for login, name in rows]

# Long (over 500 lines): a complaint's whole life shares the validation and audit helpers.
"""Complaints (претензии) as people handle them: register, take into work, draw departments in,
discuss, resolve, reopen, review; and the lead-maintained list of reasons.

Every change writes a `ComplaintEvent` (who, when, what) in the same transaction. Seed 004's
rule: whoever registers a complaint cannot be both its guilty person and its responsible
without a shift lead's confirmation (``confirmed_by``), since complaints registered against
oneself are the ones that get lost. The deadline is the reason's standard time from the
registration unless a day is given. A complaint resolved with the client not satisfied
waits for a lead's review (``review_due``), which escalates like an overdue complaint.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher import complaints as queries
from dispatcher.complaints import ComplaintRow, Escalation
from dispatcher.errors import DomainText, NotFoundError, ValidationError, translatable
from dispatcher.models import (
    Client,
    Complaint,
    ComplaintEvent,
    ComplaintMessage,
    ComplaintPriority,
    ComplaintReason,
    ComplaintRemedy,
    ComplaintStatus,
    ComplaintThread,
    Order,
    User,
    UserRole,
)
from dispatcher.moscow import MOSCOW
from dispatcher.users import Actor, has_role, normalize_login, require_role
from storage.timestamps import utcnow

logger = logging.getLogger(__name__)

DESCRIPTION_MAX, RESULT_MAX, MESSAGE_MAX = 4000, 4000, 4000
DEPARTMENT_MAX, PERSON_MAX, REASON_MAX = 100, 200, 200
HOURS_MAX = 24 * 90
# A review of a complaint closed with the client not satisfied is due within this time.
REVIEW_WITHIN = dt.timedelta(hours=24)

# ComplaintEvent.action values; the workspace names them in the operator's language.
REGISTERED, TAKEN, DEPARTMENT_ADDED, MESSAGE, THREAD_CLOSED = (
    "registered",
    "taken",
    "department_added",
    "message",
    "thread_closed",
)
RESOLVED, REOPENED, REVIEWED = "resolved", "reopened", "reviewed"

_DESCRIPTION = DomainText(translatable("complaint description"))
_RESULT = DomainText(translatable("result of the complaint"))
_MESSAGE = DomainText(translatable("message"))
_DEPARTMENT = DomainText(translatable("department"))
_REASON = DomainText(translatable("complaint reason"))
_PERSON = DomainText(translatable("guilty person"))


@dataclass(frozen=True, slots=True)
class ReasonRow:
    """A complaint reason and its standard time to resolve, in hours."""

    id: int
    name: str
    hours: int
    active: bool


@dataclass(frozen=True, slots=True)
class MessageRow:
    """One message of a department's thread."""

    at: dt.datetime
    author: str
    text: str


@dataclass(frozen=True, slots=True)
class ThreadRow:
    """A department's discussion of a complaint."""

    id: int
    complaint_id: int
    department: str
    due: dt.date
    open: bool
    overdue: bool
    messages: tuple[MessageRow, ...]


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One line of a complaint's history."""

    at: dt.datetime
    actor: str
    action: str
    detail: str


@dataclass(frozen=True, slots=True)
class ComplaintDetails:
    """A complaint with its department threads and its history."""

    complaint: ComplaintRow
    threads: tuple[ThreadRow, ...]
    history: tuple[HistoryRow, ...]


def _text(value: str, limit: int, what: DomainText, *, required: bool = True) -> str:
    cleaned = value.strip()
    if required and not cleaned:
        raise ValidationError.of("The {what} cannot be empty.", what=what)
    if len(cleaned) > limit:
        raise ValidationError.of(
            "The {what} is too long: at most {count} characters.", what=what, count=limit
        )
    return cleaned


def _one_line(value: str, limit: int, what: DomainText, *, required: bool = True) -> str:
    return _text(" ".join(value.split()), limit, what, required=required)


def _audit(session: Session, complaint: Complaint, actor: Actor, action: str, detail: str) -> None:
    session.add(
        ComplaintEvent(complaint_id=complaint.id, actor=actor.login, action=action, detail=detail)
    )


def _get(session: Session, complaint_id: int) -> Complaint:
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        raise NotFoundError.of(
            "Complaint #{complaint_id} does not exist.", complaint_id=complaint_id
        )
    return complaint


def _user(session: Session, login: str) -> User | None:
    return session.scalars(
        select(User).where(User.login == normalize_login(login), User.active.is_(True))
    ).first()


# ---- reasons ----------------------------------------------------------------------------


def _reason_row(reason: ComplaintReason) -> ReasonRow:
    return ReasonRow(reason.id, reason.name, reason.hours, reason.active)


def _hours(hours: int) -> int:
    if not 1 <= hours <= HOURS_MAX:
        raise ValidationError.of(
            "The standard time of a complaint reason is 1 to {limit} hours, not {hours}.",
            limit=HOURS_MAX,
            hours=hours,
        )
    return hours


def list_complaint_reasons(
    session: Session, *, actor: Actor, include_inactive: bool = False
) -> list[ReasonRow]:
    """The reasons offered when registering a complaint (all of them for the lead's editor)."""
    stmt = select(ComplaintReason).order_by(ComplaintReason.id)
    if not include_inactive:
        stmt = stmt.where(ComplaintReason.active.is_(True))
    return [_reason_row(r) for r in session.scalars(stmt)]


def add_complaint_reason(session: Session, name: str, hours: int, *, actor: Actor) -> ReasonRow:
    """Offer one more reason with its standard time (an old one with the text comes back)."""
    require_role(actor, UserRole.LEAD, action="change the complaint reasons")
    text = _one_line(name, REASON_MAX, _REASON)
    reason = session.scalars(select(ComplaintReason).where(ComplaintReason.name == text)).first()
    if reason is None:
        reason = ComplaintReason(name=text)
        session.add(reason)
    reason.hours, reason.active = _hours(hours), True
    session.flush()
    logger.info("complaint reason set", extra={"reason": text, "actor": actor.login})
    return _reason_row(reason)


def deactivate_complaint_reason(session: Session, reason_id: int, *, actor: Actor) -> ReasonRow:
    """Stop offering a reason; complaints registered with it keep it."""
    require_role(actor, UserRole.LEAD, action="change the complaint reasons")
    reason = session.get(ComplaintReason, reason_id)
    if reason is None:
        raise NotFoundError.of("Complaint reason #{reason_id} does not exist.", reason_id=reason_id)
    reason.active = False
    session.flush()
    return _reason_row(reason)


def _find_reason(session: Session, reason: int | str) -> ComplaintReason:
    if isinstance(reason, int):
        found = session.get(ComplaintReason, reason)
    else:
        wanted = " ".join(reason.split()).casefold()
        found = next(
            (
                r
                for r in session.scalars(select(ComplaintReason).where(ComplaintReason.active))
                if r.name.casefold() == wanted
            ),
            None,
        )
    if found is None or not found.active:
        names = ", ".join(
            session.scalars(
                select(ComplaintReason.name)
                .where(ComplaintReason.active)
                .order_by(ComplaintReason.id)
            )
        )
        raise ValidationError.of(
            "There is no complaint reason {reason!r}; the reasons are: {names}.",
            reason=str(reason),
            names=names,
        )
    return found


# ---- registering ------------------------------------------------------------------------


def _deadline(deadline: dt.date | None, reason: ComplaintReason, now: dt.datetime) -> dt.datetime:
    if deadline is None:
        return now + dt.timedelta(hours=reason.hours)
    if deadline < now.astimezone(MOSCOW).date():
        raise ValidationError.of("The deadline {date:%d.%m.%Y} is in the past.", date=deadline)
    # The end of that Moscow day.
    end = dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(0), MOSCOW)
    return end.astimezone(dt.UTC)


def _check_self_complaint(
    session: Session, actor: Actor, guilty: str, responsible: str, confirmed_by: str | None
) -> str | None:
    """The lead confirming a complaint its registrar is guilty of and responsible for."""
    me = actor.login
    if not (guilty == me and responsible == me):
        return None
    if not confirmed_by:
        raise ValidationError.of(
            "You cannot be both the guilty person and the responsible of a complaint you "
            "register: name another responsible, or ask a shift lead to confirm."
        )
    lead = _user(session, confirmed_by)
    if (
        lead is None
        or lead.login == me
        or not has_role(Actor(lead.login, lead.name, UserRole(lead.role)), UserRole.LEAD)
    ):
        raise ValidationError.of(
            "{login!r} cannot confirm this complaint: only another, active shift lead or "
            "admin can.",
            login=confirmed_by,
        )
    return lead.login


def _linked_orders(session: Session, client_id: int, order_ids: Sequence[int]) -> list[Order]:
    found = []
    for order_id in dict.fromkeys(order_ids):
        order = session.get(Order, order_id)
        if order is None:
            raise NotFoundError.of("Order #{order_id} does not exist.", order_id=order_id)
        if order.client_id != client_id:
            raise ValidationError.of(
                "Order #{order_id} is not an order of client #{client_id}.",
                order_id=order_id,
                client_id=client_id,
            )
        found.append(order)
    return found


COURIER_REASON = "Жалоба курьеру при доставке"  # the starting list's reason for couriers' notes


def courier_complaint_reason(session: Session) -> int | None:
    """The reason of a courier's complaint note: COURIER_REASON, else the first active one."""
    active = select(ComplaintReason.id).where(ComplaintReason.active.is_(True))
    named = session.scalar(active.where(ComplaintReason.name == COURIER_REASON))
    return named if named is not None else session.scalar(active.order_by(ComplaintReason.id))


def register_courier_complaint(
    session: Session,
    order_id: int,
    note: str,
    reason_id: int,
    *,
    actor: Actor,
    now: dt.datetime | None = None,
) -> ComplaintRow:
    """A complaint the client told the courier (a failed delivery's note), on that order."""
    order = session.get(Order, order_id)
    if order is None:
        raise NotFoundError.of("Order #{order_id} does not exist.", order_id=order_id)
    return register_complaint(
        session, order.client_id, reason_id, note, actor=actor, order_ids=[order.id], now=now
    )


def register_complaint(
    session: Session,
    client_id: int,
    reason: int | str,
    description: str,
    *,
    actor: Actor,
    order_ids: Sequence[int] = (),
    guilty_department: str = "",
    guilty_person: str = "",
    responsible: str = "",
    priority: ComplaintPriority | str = ComplaintPriority.NORMAL,
    remedy: ComplaintRemedy | str = ComplaintRemedy.NONE,
    deadline: dt.date | None = None,
    confirmed_by: str | None = None,
    interaction_id: int | None = None,
    now: dt.datetime | None = None,
) -> ComplaintRow:
    """Register a client's complaint; any signed-in user may (the desk, a courier's note)."""
    now = now or utcnow()
    client = session.get(Client, client_id)
    if client is None:
        raise NotFoundError.of("Client #{client_id} does not exist.", client_id=client_id)
    if client.merged_into_id is not None:
        client = session.get(Client, client.merged_into_id) or client
    found_reason = _find_reason(session, reason)
    text = _text(description, DESCRIPTION_MAX, _DESCRIPTION)
    orders = _linked_orders(session, client.id, order_ids)
    guilty = _one_line(guilty_person, PERSON_MAX, _PERSON, required=False)
    guilty_user = _user(session, guilty) if guilty else None
    guilty = guilty_user.login if guilty_user is not None else guilty
    if responsible:
        user = _user(session, responsible)
        if user is None:
            raise ValidationError.of(
                "There is no active user {login!r} to be responsible.", login=responsible
            )
        responsible = user.login
    confirmed = _check_self_complaint(session, actor, guilty, responsible, confirmed_by)
    try:
        priority, remedy = ComplaintPriority(priority), ComplaintRemedy(remedy)
    except ValueError:
        raise ValidationError.of(
            "Priority is low, normal or high; the remedy none, redelivery, replacement or refund."
        ) from None
    complaint = Complaint(
        client_id=client.id,
        reason_id=found_reason.id,
        description=text,
        guilty_department=_one_line(guilty_department, DEPARTMENT_MAX, _DEPARTMENT, required=False),
        guilty_person=guilty,
        responsible=responsible,
        priority=priority,
        remedy=remedy,
        deadline=_deadline(deadline, found_reason, now),
        status=ComplaintStatus.REGISTERED,
        registered_by=actor.login,
        registered_at=now,
        confirmed_by=confirmed,
        source_interaction_id=interaction_id,
        orders=orders,
    )
    session.add(complaint)
    session.flush()
    detail = f"{found_reason.name}: {text}"
    if confirmed:
        detail += f" (confirmed by {confirmed})"
    _audit(session, complaint, actor, REGISTERED, detail)
    queries.index_complaint(session, complaint.id, client.name, text, found_reason.name)
    session.flush()
    logger.info("complaint registered", extra={"complaint": complaint.id, "actor": actor.login})
    return queries.complaint_row(session, complaint.id, now)


# ---- working on it ----------------------------------------------------------------------


def _may_work_on(actor: Actor, complaint: Complaint, action: str) -> None:
    # The responsible works on it; a lead may step in on any.
    if complaint.responsible and complaint.responsible != actor.login:
        require_role(actor, UserRole.LEAD, action=action)


def _open(complaint: Complaint) -> None:
    if complaint.status is ComplaintStatus.RESOLVED:
        raise ValidationError.of(
            "Complaint #{complaint_id} is already resolved; a shift lead can reopen it.",
            complaint_id=complaint.id,
        )


def take_into_work(
    session: Session,
    complaint_id: int,
    *,
    actor: Actor,
    responsible: str | None = None,
    now: dt.datetime | None = None,
) -> ComplaintRow:
    """Start working on a complaint: the actor (or the named user) becomes its responsible."""
    complaint = _get(session, complaint_id)
    _open(complaint)
    _may_work_on(actor, complaint, "take another's complaint")
    who = actor.login
    if responsible and normalize_login(responsible) != actor.login:
        require_role(actor, UserRole.LEAD, action="give a complaint to another user")
        user = _user(session, responsible)
        if user is None:
            raise ValidationError.of(
                "There is no active user {login!r} to be responsible.", login=responsible
            )
        who = user.login
    if who == complaint.registered_by == complaint.guilty_person and not complaint.confirmed_by:
        raise ValidationError.of(
            "You cannot be both the guilty person and the responsible of a complaint you "
            "register: name another responsible, or ask a shift lead to confirm."
        )
    complaint.responsible = who
    complaint.status = ComplaintStatus.IN_WORK
    _audit(session, complaint, actor, TAKEN, who)
    session.flush()
    return queries.complaint_row(session, complaint.id, now)


def add_department(
    session: Session, complaint_id: int, department: str, due: dt.date, *, actor: Actor
) -> ThreadRow:
    """Draw a department in: it gets its own thread with a planned completion date."""
    complaint = _get(session, complaint_id)
    _open(complaint)
    name = _one_line(department, DEPARTMENT_MAX, _DEPARTMENT)
    # Compared here: SQLite's lower() folds only ASCII, and a complaint has a few threads.
    exists = next(
        (t for t in complaint.threads if t.department.casefold() == name.casefold()), None
    )
    if exists is not None:
        raise ValidationError.of(
            "The department {department!r} already has a thread on this complaint.",
            department=name,
        )
    thread = ComplaintThread(complaint_id=complaint.id, department=name, due=due, open=True)
    complaint.threads.append(thread)
    if complaint.status is ComplaintStatus.REGISTERED:
        complaint.status = ComplaintStatus.IN_WORK
    _audit(session, complaint, actor, DEPARTMENT_ADDED, f"{name} ({due:%d.%m.%Y})")
    session.flush()
    return _thread_row(thread, utcnow())


def _thread(session: Session, thread_id: int) -> ComplaintThread:
    thread = session.get(ComplaintThread, thread_id)
    if thread is None:
        raise NotFoundError.of("Thread #{thread_id} does not exist.", thread_id=thread_id)
    return thread


def post_message(session: Session, thread_id: int, text: str, *, actor: Actor) -> ThreadRow:
    """Add a message to a department's thread."""
    thread = _thread(session, thread_id)
    body = _text(text, MESSAGE_MAX, _MESSAGE)
    session.add(ComplaintMessage(thread_id=thread.id, author=actor.login, text=body))
    _audit(session, _get(session, thread.complaint_id), actor, MESSAGE, thread.department)
    session.flush()
    session.refresh(thread)
    return _thread_row(thread, utcnow())


def close_thread(session: Session, thread_id: int, *, actor: Actor) -> ThreadRow:
    """The department has done its part."""
    thread = _thread(session, thread_id)
    thread.open = False
    _audit(session, _get(session, thread.complaint_id), actor, THREAD_CLOSED, thread.department)
    session.flush()
    return _thread_row(thread, utcnow())


def resolve_complaint(
    session: Session,
    complaint_id: int,
    result: str,
    satisfied: bool,
    *,
    actor: Actor,
    now: dt.datetime | None = None,
) -> ComplaintRow:
    """Resolve a complaint with its result; not satisfied, it waits for a lead's review."""
    now = now or utcnow()
    complaint = _get(session, complaint_id)
    _open(complaint)
    _may_work_on(actor, complaint, "resolve another's complaint")
    complaint.result = _text(result, RESULT_MAX, _RESULT)
    complaint.satisfied = satisfied
    complaint.status = ComplaintStatus.RESOLVED
    complaint.resolved_at = now
    complaint.review_due = None if satisfied else now + REVIEW_WITHIN
    for thread in complaint.threads:
        thread.open = False
    verdict = "satisfied" if satisfied else "not satisfied"
    _audit(session, complaint, actor, RESOLVED, f"{verdict}: {complaint.result}")
    session.flush()
    return queries.complaint_row(session, complaint.id, now)


def reopen_complaint(
    session: Session,
    complaint_id: int,
    why: str,
    *,
    actor: Actor,
    deadline: dt.date | None = None,
    now: dt.datetime | None = None,
) -> ComplaintRow:
    """A shift lead reopens a resolved complaint, with a new deadline."""
    require_role(actor, UserRole.LEAD, action="reopen a complaint")
    now = now or utcnow()
    complaint = _get(session, complaint_id)
    if complaint.status is not ComplaintStatus.RESOLVED:
        raise ValidationError.of(
            "Complaint #{complaint_id} is not resolved.", complaint_id=complaint.id
        )
    reason = _text(why, MESSAGE_MAX, _MESSAGE)
    complaint.status = ComplaintStatus.IN_WORK
    complaint.satisfied, complaint.resolved_at, complaint.review_due = None, None, None
    complaint.deadline = _deadline(deadline, complaint.reason, now)
    _audit(session, complaint, actor, REOPENED, reason)
    session.flush()
    return queries.complaint_row(session, complaint.id, now)


def mark_reviewed(session: Session, complaint_id: int, note: str, *, actor: Actor) -> ComplaintRow:
    """A shift lead has reviewed a complaint closed with the client not satisfied."""
    require_role(actor, UserRole.LEAD, action="review a complaint")
    complaint = _get(session, complaint_id)
    if complaint.review_due is None:
        raise ValidationError.of(
            "Complaint #{complaint_id} waits for no review.", complaint_id=complaint.id
        )
    complaint.review_due = None
    _audit(session, complaint, actor, REVIEWED, note.strip())
    session.flush()
    return queries.complaint_row(session, complaint.id)


# ---- reading ----------------------------------------------------------------------------


def _thread_row(thread: ComplaintThread, now: dt.datetime) -> ThreadRow:
    today = now.astimezone(MOSCOW).date()
    return ThreadRow(
        thread.id,
        thread.complaint_id,
        thread.department,
        thread.due,
        thread.open,
        thread.open and thread.due < today,
        tuple(MessageRow(m.at, m.author, m.text) for m in thread.messages),
    )


def complaint_details(
    session: Session, complaint_id: int, *, actor: Actor, now: dt.datetime | None = None
) -> ComplaintDetails:
    """A complaint with its threads and history."""
    now = now or utcnow()
    complaint = _get(session, complaint_id)
    return ComplaintDetails(
        queries.complaint_row(session, complaint.id, now),
        tuple(_thread_row(t, now) for t in complaint.threads),
        tuple(HistoryRow(e.at, e.actor, e.action, e.detail) for e in complaint.events),
    )


def list_complaints(
    session: Session,
    *,
    actor: Actor,
    text: str = "",
    client_id: int | None = None,
    open_only: bool = False,
    overdue: bool = False,
    limit: int = 100,
    now: dt.datetime | None = None,
) -> list[ComplaintRow]:
    """Complaints found by words (client, text, reason) and filters, overdue ones first."""
    return queries.search(
        session,
        text,
        client_id=client_id,
        open_only=open_only,
        only_overdue=overdue,
        limit=limit,
        now=now,
    )


def escalations(session: Session, *, actor: Actor, now: dt.datetime | None = None) -> Escalation:
    """What the shift lead must act on: overdue complaints and threads, reviews due."""
    require_role(actor, UserRole.LEAD, action="see the complaints escalated to the lead")
    return queries.overdue(session, now or utcnow())

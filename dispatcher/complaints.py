"""Complaints as data: the rows lists show, the search words, and the queries over them.

The actions people take (register, take into work, resolve…) are in
`dispatcher.operations.complaints`; this module holds what they and other parts read: a
complaint as a frozen row, a client's open complaints (the caller pop and the knowledge base
ask for them), the overdue ones from the deadline index, and the word search.

Search words are the client's name, the description and the reason, normalised like the
client search (lower case, ё as е); they are written once when the complaint is registered
(the description is not edited afterwards). A typed word matches the words it starts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from dispatcher.models import (
    OPEN_COMPLAINT_STATUSES,
    Client,
    Complaint,
    ComplaintPriority,
    ComplaintReason,
    ComplaintRemedy,
    ComplaintStatus,
    ComplaintTerm,
    ComplaintThread,
    Interaction,
    complaint_orders,
)
from dispatcher.moscow import MOSCOW
from dispatcher.similarity import name_words, query_words
from storage.timestamps import utcnow

# How many index rows of the driving word one search reads at most: bounds its time at
# 200,000 complaints whatever is typed (a common word narrows as the operator types on).
SCAN_ROWS = 1000
_PROBE = 200


@dataclass(frozen=True, slots=True)
class ComplaintRow:
    """A complaint as lists, the card and the CLI show it."""

    id: int
    client_id: int
    client_name: str
    reason: str
    description: str
    status: ComplaintStatus
    priority: ComplaintPriority
    remedy: ComplaintRemedy
    deadline: dt.datetime
    overdue: bool
    guilty_department: str
    guilty_person: str
    responsible: str
    registered_by: str
    registered_at: dt.datetime
    resolved_at: dt.datetime | None
    satisfied: bool | None
    result: str
    order_ids: tuple[int, ...]
    confirmed_by: str | None
    review_due: dt.datetime | None

    @property
    def is_open(self) -> bool:
        """Not resolved yet."""
        return self.status is not ComplaintStatus.RESOLVED


@dataclass(frozen=True, slots=True)
class ThreadAlert:
    """A department thread past its planned date, for the lead's escalation."""

    thread_id: int
    complaint_id: int
    client_name: str
    department: str
    due: dt.date


@dataclass(frozen=True, slots=True)
class MessageAlert:
    """A client's portal message past its answer deadline, for the lead's escalation."""

    id: int
    client_id: int
    client_name: str
    text: str
    due: dt.datetime


@dataclass(frozen=True, slots=True)
class Escalation:
    """What a shift lead is told about: overdue complaints and threads, reviews waiting."""

    complaints: tuple[ComplaintRow, ...]
    threads: tuple[ThreadAlert, ...]
    reviews: tuple[ComplaintRow, ...]
    # Portal messages nobody answered in time (migration 0015).
    messages: tuple[MessageAlert, ...] = ()

    @property
    def count(self) -> int:
        """How many things wait for the lead (the badge's number)."""
        return len(self.complaints) + len(self.threads) + len(self.reviews) + len(self.messages)


def _select() -> Any:
    return (
        select(Complaint, Client.name, ComplaintReason.name)
        .join(Client, Client.id == Complaint.client_id)
        .join(ComplaintReason, ComplaintReason.id == Complaint.reason_id)
    )


def _order_ids(session: Session, ids: Sequence[int]) -> dict[int, tuple[int, ...]]:
    found: dict[int, list[int]] = {i: [] for i in ids}
    if ids:
        rows = session.execute(
            select(complaint_orders.c.complaint_id, complaint_orders.c.order_id)
            .where(complaint_orders.c.complaint_id.in_(list(ids)))
            .order_by(complaint_orders.c.order_id)
        )
        for complaint_id, order_id in rows:
            found[complaint_id].append(order_id)
    return {k: tuple(v) for k, v in found.items()}


def _rows(session: Session, stmt: Any, now: dt.datetime | None) -> list[ComplaintRow]:
    now = now or utcnow()
    found = session.execute(stmt).all()
    orders = _order_ids(session, [c.id for c, _, _ in found])
    return [
        ComplaintRow(
            id=c.id,
            client_id=c.client_id,
            client_name=client_name,
            reason=reason,
            description=c.description,
            status=ComplaintStatus(c.status),
            priority=ComplaintPriority(c.priority),
            remedy=ComplaintRemedy(c.remedy),
            deadline=c.deadline,
            overdue=c.status is not ComplaintStatus.RESOLVED and c.deadline < now,
            guilty_department=c.guilty_department,
            guilty_person=c.guilty_person,
            responsible=c.responsible,
            registered_by=c.registered_by,
            registered_at=c.registered_at,
            resolved_at=c.resolved_at,
            satisfied=c.satisfied,
            result=c.result,
            order_ids=orders[c.id],
            confirmed_by=c.confirmed_by,
            review_due=c.review_due,
        )
        for c, client_name, reason in found
    ]


def complaint_row(
    session: Session, complaint_id: int, now: dt.datetime | None = None
) -> ComplaintRow:
    """One complaint as a row (it must exist)."""
    return _rows(session, _select().where(Complaint.id == complaint_id), now)[0]


def open_complaints(session: Session, client_id: int) -> list[ComplaintRow]:
    """The client's complaints not resolved yet, newest first (the pop and the knowledge base)."""
    stmt = (
        _select()
        .where(Complaint.client_id == client_id, Complaint.status.in_(OPEN_COMPLAINT_STATUSES))
        .order_by(Complaint.id.desc())
    )
    return _rows(session, stmt, None)


def client_complaints(session: Session, client_id: int, limit: int = 50) -> list[ComplaintRow]:
    """The client's complaints, open or not, newest first (the card's history)."""
    stmt = _select().where(Complaint.client_id == client_id).order_by(Complaint.id.desc())
    return _rows(session, stmt.limit(limit), None)


def overdue(session: Session, now: dt.datetime, limit: int = 200) -> Escalation:
    """Open complaints past their deadline, open threads past their date, reviews due.

    Each is one range of an index (status + deadline, open + due, review_due): the number of
    rows read is the number of overdue ones, however many complaints the table holds.
    """
    # One range per status: (status, deadline) is then read in deadline order and stops at
    # the limit; an IN over both statuses would make the database sort every overdue row.
    late = [
        row
        for status in OPEN_COMPLAINT_STATUSES
        for row in _rows(
            session,
            _select()
            .where(Complaint.status == status, Complaint.deadline < now)
            .order_by(Complaint.deadline)
            .limit(limit),
            now,
        )
    ]
    late.sort(key=lambda row: row.deadline)
    today = now.astimezone(MOSCOW).date()
    threads = session.execute(
        select(
            ComplaintThread.id,
            ComplaintThread.complaint_id,
            Client.name,
            ComplaintThread.department,
            ComplaintThread.due,
        )
        .join(Complaint, Complaint.id == ComplaintThread.complaint_id)
        .join(Client, Client.id == Complaint.client_id)
        .where(ComplaintThread.open.is_(True), ComplaintThread.due < today)
        .order_by(ComplaintThread.due, ComplaintThread.id)
        .limit(limit)
    ).all()
    reviews = (
        _select()
        .where(Complaint.review_due.is_not(None), Complaint.review_due < now)
        .order_by(Complaint.review_due)
        .limit(limit)
    )
    # Answered messages have no reply_due: the index holds only the unanswered ones.
    messages = session.execute(
        select(Interaction.id, Client.id, Client.name, Interaction.notes, Interaction.reply_due)
        .join(Client, Client.id == Interaction.client_id)
        .where(Interaction.reply_due.is_not(None), Interaction.reply_due < now)
        .order_by(Interaction.reply_due)
        .limit(limit)
    ).all()
    return Escalation(
        tuple(late[:limit]),
        tuple(ThreadAlert(*row) for row in threads),
        tuple(_rows(session, reviews, now)),
        tuple(MessageAlert(*row) for row in messages),
    )


# ---- search words ---------------------------------------------------------------------


def complaint_words(client_name: str, description: str, reason: str) -> set[str]:
    """The words a complaint is found by."""
    return {w for text in (client_name, description, reason) for w in name_words(text)}


def index_complaint(
    session: Session, complaint_id: int, client_name: str, description: str, reason: str
) -> None:
    """(Re)write one complaint's search words."""
    session.execute(delete(ComplaintTerm).where(ComplaintTerm.complaint_id == complaint_id))
    words = complaint_words(client_name, description, reason)
    if words:
        session.execute(
            insert(ComplaintTerm), [{"term": w, "complaint_id": complaint_id} for w in words]
        )


def _range(word: str) -> tuple[str, str]:
    return word, word[:-1] + chr(ord(word[-1]) + 1)


_COUNT_SQL = sql(
    "SELECT count(*) FROM (SELECT 1 FROM complaint_terms WHERE term >= :low AND term < :high"
    " LIMIT :cap) AS capped"
)


def _rarest(session: Session, words: list[str]) -> str:
    counts = {}
    for word in words:
        low, high = _range(word)
        counts[word] = session.execute(
            _COUNT_SQL, {"low": low, "high": high, "cap": _PROBE}
        ).scalar_one()
    return min(words, key=lambda w: (counts[w], -len(w)))


def matching_ids(session: Session, text: str) -> list[int] | None:
    """Ids of complaints having a word that starts with each typed word (None: nothing typed).

    The rarest word drives: at most SCAN_ROWS rows of its key range are read, the other
    words are checked per candidate through the (complaint_id, term) index.
    """
    words = query_words(text)
    if not words:
        return None
    driver = _rarest(session, words) if len(words) > 1 else words[0]
    low, high = _range(driver)
    params: dict[str, Any] = {"low": low, "high": high, "scan": SCAN_ROWS}
    checks = []
    for i, word in enumerate(w for w in words if w != driver):
        params[f"low{i}"], params[f"high{i}"] = _range(word)
        checks.append(
            f" AND EXISTS (SELECT 1 FROM complaint_terms u WHERE u.complaint_id = t.complaint_id"
            f" AND u.term >= :low{i} AND u.term < :high{i})"
        )
    stmt = sql(
        "SELECT DISTINCT t.complaint_id FROM (SELECT complaint_id FROM complaint_terms"
        " WHERE term >= :low AND term < :high LIMIT :scan) AS t WHERE 1=1" + "".join(checks)
    )
    return [row[0] for row in session.execute(stmt, params)]


def search(
    session: Session,
    text: str = "",
    *,
    client_id: int | None = None,
    open_only: bool = False,
    only_overdue: bool = False,
    limit: int = 100,
    now: dt.datetime | None = None,
) -> list[ComplaintRow]:
    """Complaints matching the typed words and filters: overdue first, then newest first."""
    now = now or utcnow()
    stmt = _select()
    ids = matching_ids(session, text)
    if ids is not None:
        if not ids:
            return []
        stmt = stmt.where(Complaint.id.in_(ids))
    if client_id is not None:
        stmt = stmt.where(Complaint.client_id == client_id)
    if open_only or only_overdue:
        stmt = stmt.where(Complaint.status.in_(OPEN_COMPLAINT_STATUSES))
    if only_overdue:
        stmt = stmt.where(Complaint.deadline < now).order_by(Complaint.deadline)
    else:
        stmt = stmt.order_by(Complaint.id.desc())
    rows = _rows(session, stmt.limit(limit), now)
    # Overdue ones first: they are what a lead acts on.
    return sorted(rows, key=lambda r: not r.overdue)

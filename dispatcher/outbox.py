"""Messages for the sync service, written in the same transaction as the change they announce."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from dispatcher import task_limits
from dispatcher.models import CourierTask, Order, OutboxMessage, TaskStatus, utcnow

TOPIC_TASK_UPSERT = "task.upsert"
TOPIC_TASK_CANCEL = "task.cancel"


def _hhmm(value: Any) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


def task_payload(
    task: CourierTask, order: Order, changes: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The task as the courier's phone needs it, with everything copied (no lookups later).

    ``changes`` (from `task_changes`) rides along when an edit updated the task, so the phone
    can say what changed; a new task carries none, and the key is then left out entirely.
    """
    client = order.client
    phones = task_limits.courier_phones(
        [p.e164 for p in client.phones if order.contact_id in (None, p.contact_id)]
    )
    return {
        "task_id": task.uid,
        "version": task.version,
        "order_id": order.id,
        "courier_id": task.courier_id,
        "date": task.delivery_date.isoformat(),
        "window_start": _hhmm(task.window_start),
        "window_end": _hhmm(task.window_end),
        "address": task.address_snapshot,
        "client_name": client.name,
        "contact_name": order.contact.name if order.contact else None,
        "contact_phones": phones,
        "items": task.items,
        "amount_kop": task.amount_kop,
        "payment_method": str(task.payment_method),
        "comment": order.comment,
    } | ({"changes": changes} if changes else {})


def task_changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any] | None:
    """What the courier must notice between two payloads of one task; None when nothing.

    Items are compared by product code: ``was``/``now`` are the quantities before and after
    (0: the line was added or removed). Address, comment and payment are flags: the card shows
    their new values, the notice only points at them.
    """
    was = {item["code"]: item for item in old.get("items", [])}
    now = {item["code"]: item for item in new.get("items", [])}
    items = [
        {
            "code": code,
            "name": (now.get(code) or was[code])["name"],
            "was": int(was[code]["qty"]) if code in was else 0,
            "now": int(now[code]["qty"]) if code in now else 0,
        }
        for code in [*now, *(c for c in was if c not in now)]
        if code not in was or code not in now or was[code]["qty"] != now[code]["qty"]
    ]
    changes = {
        "items": items,
        "address": old.get("address") != new.get("address"),
        "comment": old.get("comment", "") != new.get("comment", ""),
        "payment": old.get("payment_method") != new.get("payment_method"),
    }
    if not items and not any(changes[k] for k in ("address", "comment", "payment")):
        return None
    return changes


def enqueue(session: Session, topic: str, key: str, payload: dict[str, Any]) -> OutboxMessage:
    """Add a message to the outbox; it is sent only if the surrounding transaction commits."""
    message = OutboxMessage(topic=topic, key=key, payload=payload)
    session.add(message)
    return message


def enqueue_task(
    session: Session, task: CourierTask, order: Order, changes: dict[str, Any] | None = None
) -> OutboxMessage:
    """Announce a task to the courier's phone; ValidationError when the phone would refuse it."""
    payload = task_payload(task, order, changes)
    task_limits.check_task(payload)
    return enqueue(session, TOPIC_TASK_UPSERT, task.uid, payload)


def enqueue_cancel(session: Session, task: CourierTask, reason: str) -> OutboxMessage:
    """Take a task off the courier's phone; ValidationError when the phone would refuse it."""
    payload = {
        "task_id": task.uid,
        "version": task.version,
        "courier_id": task.courier_id,
        "reason": reason,
    }
    task_limits.check_cancel(payload)
    return enqueue(session, TOPIC_TASK_CANCEL, task.uid, payload)


def pending(session: Session, limit: int = 100) -> list[OutboxMessage]:
    """Messages not yet confirmed by the sync service, oldest first."""
    stmt = (
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None))
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


# ---------------------------------------------------------------------------- relay side
# Several relays may run against one database. A relay claims messages in a short
# transaction of its own (`claim`, then commit), sends them, and records the outcome in
# another (`mark_sent` / `mark_retry` / `mark_failed`). The claim is a lease: if the relay
# dies, the messages become claimable again when `claimed_until` has passed.


@dataclass(frozen=True, slots=True)
class Claimed:
    """An outbox message claimed for sending, detached from the session."""

    id: int
    uid: str
    topic: str
    key: str
    payload: dict[str, Any]
    attempts: int


def _begin_immediate(session: Session) -> None:
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        return
    raw = conn.connection.dbapi_connection
    # One writer at a time on SQLite: take the write lock before reading what to claim, so
    # two relays cannot both read the same free rows.
    if raw is not None and not raw.in_transaction:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _claimable(now: dt.datetime) -> tuple[Any, ...]:
    return (
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.failed_at.is_(None),
        OutboxMessage.available_at <= now,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
    )


def _heads(session: Session, now: dt.datetime, limit: int) -> list[int]:
    """Ids of free messages that are the oldest unsent one of their key, oldest first.

    Two plain indexed queries per page instead of one anti-join: the planner cannot turn
    them quadratic on a large backlog whose statistics are not gathered yet.
    """
    found: list[int] = []
    after = 0
    for _ in range(5):
        page = session.execute(
            select(OutboxMessage.id, OutboxMessage.key)
            .where(*_claimable(now), OutboxMessage.id > after)
            .order_by(OutboxMessage.id)
            .limit(limit * 2)
        ).all()
        if not page:
            break
        after = page[-1].id
        oldest = dict(
            session.execute(
                select(OutboxMessage.key, func.min(OutboxMessage.id))
                .where(
                    OutboxMessage.key.in_({row.key for row in page}),
                    OutboxMessage.sent_at.is_(None),
                    OutboxMessage.failed_at.is_(None),
                )
                .group_by(OutboxMessage.key)
            ).all()
        )
        found += [row.id for row in page if oldest.get(row.key) == row.id]
        if len(found) >= limit or len(page) < limit * 2:
            break
    return found[:limit]


def claim(
    session: Session,
    owner: str,
    limit: int = 100,
    lease: dt.timedelta = dt.timedelta(seconds=30),
    now: dt.datetime | None = None,
) -> list[Claimed]:
    """Claim up to `limit` sendable messages for `owner`, oldest first; commit right after.

    Call it on a fresh session. Only the oldest unsent message of each key is sendable, so a
    later message for a task waits until the earlier one is confirmed (or refused). On
    PostgreSQL rows being claimed by another relay are skipped (`FOR UPDATE SKIP LOCKED`);
    on SQLite the claim runs under the write lock (`BEGIN IMMEDIATE`).
    """
    now = now or utcnow()
    # An idle relay looks every few dozen milliseconds: a plain read first, so that looking
    # at an empty outbox never takes SQLite's write lock from the operators.
    probe = select(OutboxMessage.id).where(*_claimable(now)).limit(1)
    if session.scalar(probe) is None:
        return []
    _begin_immediate(session)
    heads = _heads(session, now, limit)
    if not heads:
        return []
    # Checked again while locking: another relay may have claimed some since we looked.
    lock = (
        select(OutboxMessage.id)
        .where(OutboxMessage.id.in_(heads), *_claimable(now))
        .order_by(OutboxMessage.id)
    )
    if session.get_bind().dialect.name == "postgresql":
        lock = lock.with_for_update(skip_locked=True)
    ids = list(session.scalars(lock))
    if not ids:
        return []
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids))
        .values(claimed_by=owner, claimed_until=now + lease),
        execution_options={"synchronize_session": False},
    )
    rows = session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.uid,
            OutboxMessage.topic,
            OutboxMessage.key,
            OutboxMessage.payload,
            OutboxMessage.attempts,
        )
        .where(OutboxMessage.id.in_(ids))
        .order_by(OutboxMessage.id)
    )
    return [Claimed(*row) for row in rows]


def mark_sent(session: Session, ids: Sequence[int], now: dt.datetime | None = None) -> None:
    """The service confirmed these messages: they are never sent again."""
    if not ids:
        return
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.sent_at.is_(None))
        .values(
            sent_at=now or utcnow(),
            attempts=OutboxMessage.attempts + 1,
            last_error="",
            claimed_by=None,
            claimed_until=None,
        ),
        execution_options={"synchronize_session": False},
    )


def mark_tasks_sent(
    session: Session, task_uids: Sequence[str], now: dt.datetime | None = None
) -> None:
    """The service holds these tasks now: NEW becomes SENT (shown on the order)."""
    if not task_uids:
        return
    session.execute(
        update(CourierTask)
        .where(CourierTask.uid.in_(task_uids), CourierTask.status == TaskStatus.NEW)
        .values(status=TaskStatus.SENT, updated_at=now or utcnow()),
        execution_options={"synchronize_session": False},
    )


def mark_retry(
    session: Session,
    ids: Sequence[int],
    owner: str,
    error: str,
    retry_at: dt.datetime,
) -> None:
    """Sending failed for a passing reason: release the claim, try again at `retry_at`."""
    if not ids:
        return
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(ids),
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.claimed_by == owner,
        )
        .values(
            attempts=OutboxMessage.attempts + 1,
            last_error=error[:2000],
            available_at=retry_at,
            claimed_by=None,
            claimed_until=None,
        ),
        execution_options={"synchronize_session": False},
    )


def mark_failed(
    session: Session, message_id: int, error: str, now: dt.datetime | None = None
) -> None:
    """The service refused the message itself (4xx): keep it, with the reason, for the admin."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None))
        .values(
            failed_at=now or utcnow(),
            attempts=OutboxMessage.attempts + 1,
            last_error=error[:2000],
            claimed_by=None,
            claimed_until=None,
        ),
        execution_options={"synchronize_session": False},
    )


def release(session: Session, owner: str) -> None:
    """Give up the owner's claims at once (a relay stopping cleanly)."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.claimed_by == owner, OutboxMessage.sent_at.is_(None))
        .values(claimed_by=None, claimed_until=None),
        execution_options={"synchronize_session": False},
    )


def queue_length(session: Session) -> int:
    """How many messages still wait to be confirmed (refused ones not counted)."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))
        )
        or 0
    )


def failed_count(session: Session) -> int:
    """How many messages the service refused and nobody has put back in the queue."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.failed_at.is_not(None), OutboxMessage.sent_at.is_(None))
        )
        or 0
    )


def failed(session: Session, limit: int = 100) -> list[OutboxMessage]:
    """Messages the service refused, newest first, for the admin to look at."""
    stmt = (
        select(OutboxMessage)
        .where(OutboxMessage.failed_at.is_not(None), OutboxMessage.sent_at.is_(None))
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def retry_failed(session: Session, ids: Sequence[int] | None = None) -> int:
    """Put refused messages back in the queue (after the cause was fixed); returns how many."""
    stmt = update(OutboxMessage).where(
        OutboxMessage.failed_at.is_not(None), OutboxMessage.sent_at.is_(None)
    )
    if ids is not None:
        stmt = stmt.where(OutboxMessage.id.in_(ids))
    result = session.execute(
        stmt.values(failed_at=None, available_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    return int(result.rowcount)  # type: ignore[attr-defined]

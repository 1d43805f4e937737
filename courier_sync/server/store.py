"""What the service does with its database: upserts, cancels, task lists, events and the feed.

Every write transaction first increments the `revision` counter. On PostgreSQL the row lock
on that counter serializes writers, so feed cursors become visible in commit order and a
reader asking for `after=N` can never skip an event that commits late; on SQLite writers
are serialized by BEGIN IMMEDIATE anyway.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, Row, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from courier_sync.contract import EventResult, Task, TaskCancel, TaskEvent, UpsertResult
from courier_sync.server.db import writing
from courier_sync.server.models import (
    COUNTER_FEED,
    COUNTER_PORTAL_FEED,
    COUNTER_REVISION,
    Counter,
    CourierState,
    Event,
    Receipt,
    utcnow,
)
from courier_sync.server.models import Task as TaskRow

tasks = TaskRow.__table__
events = Event.__table__
counters = Counter.__table__
courier_state = CourierState.__table__
receipts = Receipt.__table__

FINAL = ("done", "failed")


class StoreError(Exception):
    """A request the data refuses; `status` is the HTTP status that says why."""

    status = 400


class NotFound(StoreError):
    """No such task for this courier."""

    status = 404


class Conflict(StoreError):
    """The request is well-formed but contradicts what is stored (e.g. a cancelled task)."""

    status = 409


@dataclass
class WriteOutcome:
    """Results of a write, and whose task lists (and whether the feed) changed."""

    results: list[Any] = field(default_factory=list)
    couriers: set[int] = field(default_factory=set)
    feed: bool = False


def _bump(conn: Connection, name: str) -> int:
    return int(
        conn.execute(
            update(counters)
            .where(counters.c.name == name)
            .values(value=counters.c.value + 1)
            .returning(counters.c.value)
        ).scalar_one()
    )


def bump(conn: Connection, name: str) -> int:
    """Increment the named counter and return its new value (locks its row until commit)."""
    return _bump(conn, name)


def _touch_couriers(conn: Connection, couriers: set[int], revision: int) -> None:
    if not couriers:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(courier_state).values(
        [{"courier_id": c, "revision": revision} for c in sorted(couriers)]
    )
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[courier_state.c.courier_id],
            set_={"revision": stmt.excluded.revision},
        )
    )


def _current(conn: Connection, task_id: str) -> Row[Any] | None:
    return conn.execute(
        select(tasks.c.version, tasks.c.courier_id, tasks.c.status, tasks.c.payload).where(
            tasks.c.task_id == task_id
        )
    ).first()


_ROW_COLUMNS = ("courier_id", "version", "status", "payload")


def _upsert(
    state: dict[str, Any] | None, task: Task, revision: int, now: dt.datetime, out: WriteOutcome
) -> tuple[UpsertResult, dict[str, Any] | None]:
    """The result of an upsert over the current state, and the new state (None: unchanged)."""
    if state is not None and state["version"] >= task.version:
        return UpsertResult(task_id=task.task_id, version=state["version"], applied=False), None
    new = {
        "courier_id": task.courier_id,
        "version": task.version,
        # The courier's own progress survives a newer version of the same task.
        "status": "new" if state is None or state["status"] == "cancelled" else state["status"],
        "task_date": task.date,
        "window_start": task.window_start,
        "address_text": task.address.text,
        "payload": task.model_dump_json(),
        "cancel_reason": "",
        "revision": revision,
        "updated_at": now,
    }
    if state is not None:
        out.couriers.add(state["courier_id"])
    out.couriers.add(task.courier_id)
    return UpsertResult(task_id=task.task_id, version=task.version, applied=True), new


def _cancel(
    state: dict[str, Any] | None,
    cancel: TaskCancel,
    revision: int,
    now: dt.datetime,
    out: WriteOutcome,
) -> tuple[UpsertResult, dict[str, Any] | None]:
    """The result of a cancel over the current state, and the new state (None: unchanged)."""
    if state is not None and state["version"] >= cancel.version:
        return UpsertResult(task_id=cancel.task_id, version=state["version"], applied=False), None
    if state is None:
        # A tombstone: a late, older upsert of this task must not bring it back.
        state = {
            "courier_id": cancel.courier_id,
            "task_date": None,
            "window_start": None,
            "address_text": "",
            "payload": None,
        }
    new = state | {
        "version": cancel.version,
        "status": "cancelled",
        "cancel_reason": cancel.reason,
        "revision": revision,
        "updated_at": now,
    }
    out.couriers.add(state["courier_id"])
    return UpsertResult(task_id=cancel.task_id, version=cancel.version, applied=True), new


def write_tasks(engine: Engine, ops: Sequence[Task | TaskCancel]) -> WriteOutcome:
    """Apply upserts and cancels in order, in one transaction; each result says if it applied.

    The stored rows of the batch are read in one query and new rows written in one
    executemany: a relay's batch of 200 costs a handful of round trips, not 400.
    """
    out = WriteOutcome()
    now = utcnow()
    with writing(engine) as conn:
        revision = _bump(conn, COUNTER_REVISION)
        ids = {op.task_id for op in ops}
        stored: dict[str, dict[str, Any]] = {
            row.task_id: dict(row._mapping)
            for row in conn.execute(
                select(tasks.c.task_id, *(tasks.c[c] for c in _ROW_COLUMNS)).where(
                    tasks.c.task_id.in_(ids)
                )
            )
        }
        state: dict[str, dict[str, Any]] = dict(stored)
        changed: dict[str, dict[str, Any]] = {}
        log = []
        for op in ops:
            current = state.get(op.task_id)
            if isinstance(op, Task):
                result, new = _upsert(current, op, revision, now, out)
            else:
                result, new = _cancel(current, op, revision, now, out)
            if new is not None:
                state[op.task_id] = changed[op.task_id] = {**(current or {}), **new}
            out.results.append(result)
            log.append(
                {
                    "task_id": op.task_id,
                    "version": op.version,
                    "op": "upsert" if isinstance(op, Task) else "cancel",
                    "applied": result.applied,
                    "received_at": now,
                }
            )
        columns = [c.name for c in tasks.columns if c.name not in ("task_id", "created_at")]
        fresh = [
            {"task_id": tid, "created_at": now, **{c: row[c] for c in columns}}
            for tid, row in changed.items()
            if tid not in stored
        ]
        if fresh:
            conn.execute(insert(tasks), fresh)
        for tid, row in changed.items():
            if tid in stored:
                conn.execute(
                    update(tasks)
                    .where(tasks.c.task_id == tid)
                    .values({c: row[c] for c in columns if c in row})
                )
        conn.execute(insert(receipts), log)
        _touch_couriers(conn, out.couriers, revision)
    return out


def _next_status(status: str, kind: str) -> str:
    if kind == "accepted":
        return "accepted" if status == "new" else status
    # The first final word wins; a later contradicting event is still fed to the desktop.
    return kind if status not in FINAL else status


def post_event(engine: Engine, courier_id: int, event: TaskEvent) -> WriteOutcome:
    """Record a courier's event once (by event_id) and move the task's status on."""
    out = WriteOutcome()
    now = utcnow()
    body = event.model_dump_json()
    with writing(engine) as conn:
        # A replay (the phone retrying after a lost reply) must write nothing, not even the
        # counters: look before bumping. The look is repeated after the bump, which
        # serializes writers, so two copies racing in still store one event.
        if _replayed(conn, courier_id, event, body):
            out.results.append(EventResult(event_id=event.event_id, applied=False))
            return out
        revision = _bump(conn, COUNTER_REVISION)
        if _replayed(conn, courier_id, event, body):
            out.results.append(EventResult(event_id=event.event_id, applied=False))
            return out
        row = _current(conn, event.task_id)
        if row is None or row.courier_id != courier_id or row.payload is None:
            raise NotFound(f"task {event.task_id} is not one of your tasks")
        if row.status == "cancelled":
            raise Conflict(
                f"task {event.task_id} was cancelled by the dispatcher: the event was not stored"
            )
        cursor = _bump(conn, COUNTER_FEED)
        conn.execute(
            insert(events).values(
                cursor=cursor,
                event_id=event.event_id,
                task_id=event.task_id,
                courier_id=courier_id,
                kind=event.kind,
                payload=body,
                received_at=now,
            )
        )
        status = _next_status(row.status, event.kind)
        if status != row.status:
            conn.execute(
                update(tasks)
                .where(tasks.c.task_id == event.task_id)
                .values(status=status, revision=revision, updated_at=now)
            )
            _touch_couriers(conn, {courier_id}, revision)
            out.couriers.add(courier_id)
        out.feed = True
        out.results.append(EventResult(event_id=event.event_id, applied=True))
    return out


def _replayed(conn: Connection, courier_id: int, event: TaskEvent, body: str) -> bool:
    """True when this very event is stored already; Conflict when its event_id says otherwise."""
    seen = conn.execute(
        select(events.c.courier_id, events.c.task_id, events.c.payload).where(
            events.c.event_id == event.event_id
        )
    ).first()
    if seen is None:
        return False
    if seen.courier_id != courier_id or seen.task_id != event.task_id:
        raise Conflict(f"event_id {event.event_id!r} was already used for another task")
    if seen.payload != body:
        raise Conflict(
            f"event_id {event.event_id!r} was already used for a different event: "
            "a new report needs a new event_id"
        )
    return True


def courier_revision(conn: Connection, courier_id: int) -> int:
    """The revision of the courier's task set (0 before anything was sent to them)."""
    value = conn.execute(
        select(courier_state.c.revision).where(courier_state.c.courier_id == courier_id)
    ).scalar()
    return int(value or 0)


def _view(row: Row[Any]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(row.payload)
    # A cancel raises the version without a new payload: the phone sees the newest one.
    data["version"] = row.version
    data["status"] = row.status
    data["updated_at"] = row.updated_at.isoformat()
    # Why the dispatcher took it off the route: the phone's notice of a cancellation says so.
    data["cancel_reason"] = row.cancel_reason or ""
    return data


_VIEW_COLUMNS = (
    tasks.c.payload,
    tasks.c.version,
    tasks.c.status,
    tasks.c.updated_at,
    tasks.c.cancel_reason,
)


def list_tasks(conn: Connection, courier_id: int, day: dt.date) -> list[dict[str, Any]]:
    """The courier's tasks of a day in route order: by window start, then by address."""
    rows = conn.execute(
        select(*_VIEW_COLUMNS)
        .where(
            tasks.c.courier_id == courier_id,
            tasks.c.task_date == day,
            tasks.c.payload.is_not(None),
        )
        .order_by(tasks.c.window_start.asc().nulls_last(), tasks.c.address_text, tasks.c.task_id)
    )
    return [_view(r) for r in rows]


def get_task(conn: Connection, courier_id: int, task_id: str) -> dict[str, Any] | None:
    """One of the courier's tasks; None for an unknown task or somebody else's."""
    row = conn.execute(
        select(*_VIEW_COLUMNS).where(
            tasks.c.task_id == task_id,
            tasks.c.courier_id == courier_id,
            tasks.c.payload.is_not(None),
        )
    ).first()
    return _view(row) if row is not None else None


def feed_page(conn: Connection, after: int, limit: int) -> tuple[list[str], int]:
    """Feed entries after the cursor as JSON texts, oldest first, and the cursor to go on from."""
    rows = conn.execute(
        select(events.c.cursor, events.c.courier_id, events.c.payload)
        .where(events.c.cursor > after)
        .order_by(events.c.cursor)
        .limit(limit)
    ).all()
    # The stored event is already contract JSON: splice it in rather than re-encode it.
    texts = [
        f'{{"cursor":{r.cursor},"courier_id":{r.courier_id},"event":{r.payload}}}' for r in rows
    ]
    return texts, (int(rows[-1].cursor) if rows else after)


@dataclass(frozen=True, slots=True)
class Watermark:
    """What the change watcher compares between two looks at the database."""

    feed: int
    revision: int
    portal_feed: int = 0


def watermark(conn: Connection) -> Watermark:
    """The current feed cursor and task revision counters."""
    values = dict(conn.execute(select(counters.c.name, counters.c.value)).tuples().all())
    return Watermark(
        feed=int(values.get(COUNTER_FEED, 0)),
        revision=int(values.get(COUNTER_REVISION, 0)),
        portal_feed=int(values.get(COUNTER_PORTAL_FEED, 0)),
    )


def couriers_changed_since(conn: Connection, revision: int) -> list[int]:
    """Couriers whose task set changed after the given revision."""
    return list(
        conn.execute(
            select(courier_state.c.courier_id).where(courier_state.c.revision > revision)
        ).scalars()
    )


def counts(engine: Engine) -> dict[str, int]:
    """Row counts for health checks and tests."""
    with engine.connect() as conn:
        return {
            name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
            for name, table in (("tasks", tasks), ("events", events), ("receipts", receipts))
        }

"""A board kept between reads: the first read reads the whole day, each later one only the
orders logged in the change log (migration 0009) since the previous read.

A change then costs a read of the log and of a handful of orders (their cards, queue lines
and their couriers' columns) instead of the day's 6,000 cards and 200 columns. The whole day
is read again when the incremental way cannot be trusted or would not be cheaper: the first
read, after ``reset()`` (the watcher lost the server, or the caller asks), when the cursor fell
so far behind that the log was pruned past it, when the couriers or the bottle products
changed, or when more than ``MAX_CHANGED`` orders changed at once.

One `LiveBoard` belongs to one reader at a time (the desk's `DbWorker`): it is not locked.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from dispatcher.board import (
    BoardDay,
    CourierColumn,
    DayContext,
    Problem,
    TaskEntry,
    assemble,
    by_courier,
    column_of,
    failed_problems,
    not_sent_problems,
    portal_problems,
    read_entries,
)
from dispatcher.changes import change_stamp

logger = logging.getLogger(__name__)

KEEP = 100_000  # the log keeps this many positions behind its head (migration 0009)
MAX_CHANGED = 500  # more orders changed at once: the whole day is cheaper than IN lists

_POSITIONS = {
    # (the cursor: the first position not seen yet, the head: past every position written)
    "postgresql": "SELECT pg_snapshot_xmin(s)::text::bigint, pg_snapshot_xmax(s)::text::bigint "
    "FROM pg_current_snapshot() AS s",
    "sqlite": "SELECT coalesce(max(pos), 0) + 1, coalesce(max(pos), 0) + 1 FROM order_changes",
}


@dataclass(frozen=True, slots=True)
class Changes:
    """What the log says since a cursor: the orders (None: read everything) and the new cursor."""

    cursor: int
    order_ids: frozenset[int] | None


def changed_since(session: Session, cursor: int | None) -> Changes:
    """The orders logged at or after ``cursor`` (None: unknown, read everything).

    The new cursor is taken before anything else is read: a change committed during the
    caller's read is logged at or after it and comes back next time (read twice at worst).
    """
    backend = session.get_bind().dialect.name
    new_cursor, head = session.execute(text(_POSITIONS[backend])).one()
    if cursor is None or cursor <= head - KEEP:  # never read, or pruned past: read everything
        return Changes(int(new_cursor), None)
    rows = session.execute(
        text("SELECT DISTINCT order_id FROM order_changes WHERE pos >= :cursor LIMIT :most"),
        {"cursor": cursor, "most": MAX_CHANGED + 1},
    ).scalars()
    found = frozenset(rows)
    return Changes(int(new_cursor), None if len(found) > MAX_CHANGED else found)


class LiveBoard:
    """One day's board, read in full once and then only where the change log says."""

    def __init__(self, day: dt.date) -> None:
        """A board of ``day`` not read yet."""
        self.day = day
        self.full_reads = 0
        self.partial_reads = 0
        self._cursor: int | None = None
        self._whole = True
        self._signature: object = None
        self._entries: dict[int, TaskEntry] = {}
        self._columns: dict[int, CourierColumn] = {}
        self._failed: dict[int, Problem] = {}
        self._not_sent: dict[int, Problem] = {}
        self._portal: dict[int, Problem] = {}

    def reset(self) -> None:
        """Read the whole day next time (e.g. after the watcher lost the server for a while).

        Safe to call from another thread while a read runs: that read or the next is whole.
        """
        self._whole = True

    def read(self, session: Session, now: dt.datetime | None = None) -> BoardDay:
        """The board as it is now: the whole day, or the previous board with the changes in."""
        now = now or dt.datetime.now(dt.UTC)
        whole, self._whole = self._whole, False
        changes = changed_since(session, None if whole else self._cursor)
        stamp = change_stamp(session)
        ctx = DayContext.read(session, self.day)
        signature = ctx.signature()
        if changes.order_ids is None or signature != self._signature:
            self._read_all(session, ctx)
        else:
            self._read_orders(session, ctx, changes.order_ids)
        self._cursor, self._signature = changes.cursor, signature
        queued = [*self._failed.values(), *self._not_sent.values(), *self._portal.values()]
        return assemble(ctx, stamp, self._entries, self._columns, queued, now)

    def _read_all(self, session: Session, ctx: DayContext) -> None:
        self.full_reads += 1
        self._entries = read_entries(session, ctx)
        tasks = by_courier(self._entries)
        self._columns = {}
        for courier_id in ctx.couriers:
            column = column_of(ctx, courier_id, tasks.get(courier_id, []))
            if column is not None:
                self._columns[courier_id] = column
        self._failed = {p.order_id: p for p in failed_problems(session)}
        self._not_sent = {p.order_id: p for p in not_sent_problems(session, ctx.day)}
        self._portal = {p.order_id: p for p in portal_problems(session)}

    def _read_orders(self, session: Session, ctx: DayContext, order_ids: frozenset[int]) -> None:
        self.partial_reads += 1
        if not order_ids:
            return
        ids = sorted(order_ids)
        fresh = read_entries(session, ctx, ids)
        touched: set[int] = set()
        for order_id in ids:
            old = self._entries.pop(order_id, None)
            if old is not None:
                touched.add(old.courier_id)
            new = fresh.get(order_id)
            if new is not None:  # gone from the day: moved to another day, or deleted
                self._entries[order_id] = new
                touched.add(new.courier_id)
            self._failed.pop(order_id, None)
            self._not_sent.pop(order_id, None)
            self._portal.pop(order_id, None)
        self._failed.update((p.order_id, p) for p in failed_problems(session, ids))
        self._not_sent.update((p.order_id, p) for p in not_sent_problems(session, ctx.day, ids))
        self._portal.update((p.order_id, p) for p in portal_problems(session, ids))
        if touched:
            # Only the touched couriers' columns are built again; the others stay as they were.
            tasks = by_courier({k: e for k, e in self._entries.items() if e.courier_id in touched})
            for courier_id in touched:
                column = column_of(ctx, courier_id, tasks.get(courier_id, []))
                if column is None:
                    self._columns.pop(courier_id, None)
                else:
                    self._columns[courier_id] = column

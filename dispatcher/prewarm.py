"""Read into memory what the caller lookup touches, so the first minute after a start is fast.

After a reboot the embedded file is on disk only: each of the first lookups waits for a
dozen random reads (up to 20 ms p99 measured, 856 ms at worst). Reading the lookup's indexes
and tables once, in key order (sequential reads, which the disk and the kernel's read-ahead
do quickly), leaves their pages in the operating system's cache, where every connection of
the desk finds them. On PostgreSQL `pg_prewarm` loads them into the server's shared buffers;
without the extension (and without the right to create it) nothing is done.

It runs on its own connection in a background thread (`app.warm_up`), stops at a deadline,
and never holds a transaction for longer than one index or table takes.
"""

from __future__ import annotations

import ctypes
import logging
import os
import platform
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

logger = logging.getLogger(__name__)

# What a lookup reads, most used first: the number's index, then the owners' rows and what
# hangs off them, then the duplicate checks. Names absent from a database are skipped.
_INDEXES = (
    ("phones", "ix_phones_e164"),
    ("addresses", "ix_addresses_client_id"),
    ("orders", "ix_orders_client_id_id"),
    ("orders", "ix_orders_client_id_state_created_at"),
    ("order_lines", "ix_order_lines_order_id"),
    ("contacts", "ix_contacts_client_id"),
    ("addresses", "ix_addresses_address_key"),
    ("clients", "ix_clients_name_key"),
    ("clients", "ix_clients_inn"),
)
# PostgreSQL reads rows by primary key through an index of its own (SQLite: the table).
_KEYS = ("pk_clients", "pk_contacts", "pk_products", "pk_couriers", "pk_orders")
_TABLES = ("couriers", "products", "phones", "clients", "contacts", "addresses", "orders")
_LARGE_TABLES = ("order_lines",)
DEADLINE_S = 120.0


@dataclass(frozen=True, slots=True)
class Prewarmed:
    """What was read into memory, how, and how long it took."""

    how: str  # "sqlite", "pg_prewarm" or "skipped"
    relations: tuple[str, ...]
    ms: float
    note: str = ""


def prewarm_database(
    engine: Engine,
    deadline_s: float = DEADLINE_S,
    stop: threading.Event | None = None,
    background: bool = False,
) -> Prewarmed:
    """Read the lookup's indexes, then its tables, until done, the deadline or ``stop``.

    With ``background`` (call it on a thread of its own) that thread's disk reads go after
    everybody else's and its CPU share shrinks: in the first seconds after a start the
    lookups' own reads must not queue behind the pre-warm's.
    """
    started = time.perf_counter()
    if background:
        _yield_to_others()
    done: list[str] = []
    postgres = engine.dialect.name == "postgresql"
    try:
        with engine.connect() as conn:
            if postgres:
                how, note = "pg_prewarm", _pg_prewarm_available(conn)
                if note:
                    return Prewarmed("skipped", (), _ms(started), note)
            else:
                how, note = "sqlite", ""
            present = _present(conn, postgres)

            def go_on() -> bool:
                return not (stop is not None and stop.is_set()) and _ms(started) <= deadline_s * 1e3

            for name, sql in _reads(conn, postgres, present):
                if not go_on():
                    note = "stopped before the end"
                    break
                if postgres:
                    conn.execute(text(sql))
                    conn.commit()  # one relation per transaction: never a long-held snapshot
                elif not _read_in_steps(
                    conn, sql, go_on, pause_s=STEP_PAUSE_S if background else 0
                ):
                    note = "stopped before the end"
                    break
                done.append(name)
    except Exception as exc:  # only speed is lost: the desk works without it
        logger.info("Pre-warming the database stopped: %s", exc)
        return Prewarmed("skipped", tuple(done), _ms(started), str(exc))
    report = Prewarmed(how, tuple(done), _ms(started), note)
    logger.info("Database pages warmed", extra={"prewarm": report})
    return report


# Linux's ioprio_set (x86-64 and arm64 numbers): the idle class reads only when the disk
# has nothing else to do (honoured by the BFQ scheduler; others ignore it harmlessly).
_IOPRIO_SET = {"x86_64": 251, "aarch64": 30}
_IOPRIO_WHO_THREAD, _IOPRIO_CLASS_IDLE, _IOPRIO_CLASS_SHIFT = 1, 3, 13


def _yield_to_others() -> None:
    """Lower the calling thread's disk and CPU priority (Linux; elsewhere nothing)."""
    if not sys.platform.startswith("linux"):
        return
    number = _IOPRIO_SET.get(platform.machine())
    try:
        if number is not None:
            libc = ctypes.CDLL(None, use_errno=True)
            # who = 0: the calling thread only, not the desk's other threads.
            libc.syscall(number, _IOPRIO_WHO_THREAD, 0, _IOPRIO_CLASS_IDLE << _IOPRIO_CLASS_SHIFT)
        # On Linux a thread id names just that thread for setpriority too.
        thread = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, thread, max(10, os.getpriority(os.PRIO_PROCESS, thread)))
    except OSError as exc:  # only the order of reads is lost
        logger.info("Pre-warm runs at normal priority: %s", exc)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1e3, 1)


def _reads(conn: Connection, postgres: bool, present: set[str]) -> list[tuple[str, str]]:
    """(relation, statement reading all of it), in the order they are worth reading."""
    if postgres:
        names = [i for _, i in _INDEXES[:6]] + list(_KEYS) + [i for _, i in _INDEXES[6:]]
        names += [*_TABLES, *_LARGE_TABLES]
        return [(n, f"SELECT pg_prewarm('{n}'::regclass)") for n in names if n in present]
    # SQLite: a step reads the next STEP_ROWS keys of the index (its pages in key order: a
    # bare count(*) would pick the smallest index, whatever INDEXED BY says) and answers the
    # key it stopped at; a table is read by ranges of its rowid (_read_in_steps).
    reads = []
    for table, index in _INDEXES:
        if index in present:
            first = conn.execute(text(f"PRAGMA index_info({index})")).first()
            if first is not None:
                col = first[2]
                reads.append(
                    (
                        index,
                        f"SELECT {col} FROM {table} INDEXED BY {index} WHERE {col} IS NOT NULL"
                        f" AND {col} > :after ORDER BY {col} LIMIT 1 OFFSET {STEP_ROWS}",
                    )
                )
    tables = (*_TABLES, *_LARGE_TABLES)
    reads += [
        (
            t,
            f"SELECT rowid FROM {t} WHERE rowid IS NOT NULL AND rowid > :after"
            f" ORDER BY rowid LIMIT 1 OFFSET {STEP_ROWS}",
        )
        for t in tables
        if t in present
    ]
    return reads


# One step of the SQLite pre-warm: a few megabytes of pages, then a pause, so the disk's queue
# never holds more than a step of pre-warm reads ahead of a lookup's (the idle I/O class is
# not honoured by the usual mq-deadline scheduler: one count(*) over an index queued seconds
# of reads and made cold lookups wait up to 236 ms).
STEP_ROWS = 20_000
STEP_PAUSE_S = 0.01


def _read_in_steps(conn: Connection, sql: str, go_on: Callable[[], bool], pause_s: float) -> bool:
    """Run one step after another from the lowest key up; False when told to stop first."""
    step = sql.replace(" > :after", " IS NOT NULL")  # the first: from the lowest key of any type
    after: object = None
    while go_on():
        found = conn.execute(text(step), {} if after is None else {"after": after}).scalar()
        conn.commit()  # a step per transaction: never a long-held snapshot
        if found is None:
            return True
        step, after = sql, found
        if pause_s:
            time.sleep(pause_s)
    return False


def _present(conn: Connection, postgres: bool) -> set[str]:
    if postgres:
        sql = "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type IN ('table', 'index')"
    return {row[0] for row in conn.execute(text(sql))}


def _pg_prewarm_available(c: Connection) -> str:
    """'' when pg_prewarm() can be called (creating the extension if allowed), else why not."""
    if c.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_prewarm'")).first():
        return ""
    try:
        c.execute(text("CREATE EXTENSION IF NOT EXISTS pg_prewarm"))
        c.commit()
    except Exception as exc:  # needs the extension's files and the right to create it
        c.rollback()
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        logger.info("pg_prewarm is not available: %s", first_line)
        return f"pg_prewarm not available: {first_line}"
    return ""

"""Write the demo world into PostgreSQL: COPY FROM STDIN in one transaction, indexes after.

With a forked history, the child formats COPY text into files that this process streams in
between the clients' chunks (see `_PostgresHistory`).
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from dispatcher.demo.fill import Filled, fill
from dispatcher.demo.fork import ForkedHistory, driver_connection, should_fork
from dispatcher.demo.generate.world import World
from dispatcher.demo.sink import COLUMNS, SERIAL_TABLES, TABLES, Row, Sink

logger = logging.getLogger(__name__)


def _copy_sql(table: str) -> str:
    cols = ", ".join(f'"{c}"' for c in COLUMNS[table])
    return f"COPY {table} ({cols}) FROM STDIN"


class _PostgresSink(Sink):
    """One COPY per chunk, sent by a writer thread: while the server parses one chunk,
    Python builds the next one (the driver waits for the server without the GIL)."""

    def __init__(self, cursor: Any) -> None:
        super().__init__()
        self.cursor = cursor
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="seed-copy")
        self.pending: deque[Future[None]] = deque()
        self.history: _PostgresHistory | None = None

    def write(self, table: str, rows: list[Row]) -> None:
        if not rows:
            return
        if self.history is not None:
            self.history.pump(self)
        self.counts[table] += len(rows)
        self.submit(self._copy_rows, table, rows)

    def submit(self, job: Callable[..., None], *args: Any) -> None:
        """Run a COPY on the writer thread, in order; a few in flight at most."""
        self.pending.append(self.writer.submit(job, *args))
        while len(self.pending) > 6:
            self._wait()

    def _copy_rows(self, table: str, rows: list[Row]) -> None:
        with self.cursor.copy(_copy_sql(table)) as copy:
            write_row = copy.write_row
            for row in rows:
                write_row(row)

    def copy_file(self, table: str, path: Path) -> None:
        """COPY text the history process prepared; the file is removed afterwards."""
        with self.cursor.copy(_copy_sql(table)) as copy, path.open("rb") as source:
            while block := source.read(1 << 20):
                copy.write(block)
        path.unlink()

    def _wait(self) -> None:
        started = time.perf_counter()
        self.pending.popleft().result()
        self.seconds += time.perf_counter() - started

    def close(self) -> None:
        while self.pending:
            self._wait()
        self.writer.shutdown()

    def abort(self) -> None:
        """Stop writing after a failure; the transaction is rolled back next."""
        for future in self.pending:
            future.cancel()
        self.writer.shutdown(wait=True)
        self.pending.clear()


# COPY's text format: backslash escapes, \N for NULL.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


class _CopyTextSink(Sink):
    """In the history process: each chunk becomes a file of COPY text for the parent."""

    def __init__(self, job: _PostgresHistory) -> None:
        super().__init__()
        self.job = job
        self.n = 0

    def write(self, table: str, rows: list[Row]) -> None:
        if not rows:
            return
        esc = _COPY_ESCAPES
        data = "".join(
            "\t".join(
                [
                    "\\N" if v is None else v.translate(esc) if v.__class__ is str else str(v)
                    for v in row
                ]
            )
            + "\n"
            for row in rows
        ).encode()
        self.n += 1
        path = self.job.scratch / f"{self.n:06d}.{table}.copy"
        path.write_bytes(data)
        self.counts[table] += len(rows)
        self.job.tell("chunk", table, str(path))


class _PostgresHistory(ForkedHistory):
    """The child formats COPY text into files; the parent's writer thread streams each one
    into its own transaction between the clients' chunks, as soon as it is ready."""

    def __init__(self, scratch: Path) -> None:
        super().__init__()
        self.scratch = scratch

    def generate(self, world: World) -> dict[str, Any]:
        return self.history(world, _CopyTextSink(self))

    def chunk(self, sink: Sink, table: str, path: str) -> None:
        assert isinstance(sink, _PostgresSink)
        sink.submit(sink.copy_file, table, Path(path))


def load_postgresql(engine: Engine, world: World) -> Filled:
    """Write the world into an empty PostgreSQL database in one transaction, then ANALYZE."""
    history: _PostgresHistory | None = None
    with driver_connection(engine) as (conn, scratch):
        conn.rollback()
        tables = list(TABLES)
        with conn.cursor() as cur:
            sink = _PostgresSink(cur)
            try:
                cur.execute("SET LOCAL synchronous_commit = off")
                cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
                superuser = cur.execute("SELECT current_setting('is_superuser')").fetchone()[0]
                foreign_keys: list[tuple[str, str, str]] = []
                if superuser == "on":
                    # Skips the per-row FK triggers; the generator only writes consistent ids.
                    cur.execute("SET LOCAL session_replication_role = replica")
                else:
                    foreign_keys = cur.execute(
                        "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)"
                        " FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid"
                        " WHERE c.contype = 'f'"
                        " AND t.relnamespace = current_schema()::regnamespace"
                        " AND t.relname = ANY(%s) ORDER BY 1, 2",
                        (tables,),
                    ).fetchall()
                    for table, name, _ in foreign_keys:
                        cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                indexes = cur.execute(
                    "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
                    " JOIN pg_class i ON i.oid = x.indexrelid"
                    " JOIN pg_class t ON t.oid = x.indrelid"
                    " WHERE t.relnamespace = current_schema()::regnamespace"
                    " AND t.relname = ANY(%s)"
                    " AND NOT EXISTS"
                    " (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
                    " ORDER BY 1",
                    (tables,),
                ).fetchall()
                for name, _ in indexes:
                    cur.execute(f'DROP INDEX "{name}"')
                # The word index's key is four columns wide and ~7 rows a client: building it
                # once, sorted, after the load beats inserting millions of rows into it.
                keys = cur.execute(
                    "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)"
                    " FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid"
                    " WHERE c.contype = 'p'"
                    " AND t.relnamespace = current_schema()::regnamespace"
                    " AND t.relname = ANY(%s) ORDER BY 1",
                    ([table for table in tables if table not in SERIAL_TABLES],),
                ).fetchall()
                for table, name, _ in keys:
                    cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                if should_fork(world.n):
                    history = sink.history = _PostgresHistory(scratch)
                filled = fill(world, sink, history)
                started = time.perf_counter()
                for table, name, definition in keys:
                    cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
                for _, sql in indexes:
                    cur.execute(sql)
                logger.debug("indexes rebuilt in %.1f s", time.perf_counter() - started)
                for table, name, definition in foreign_keys:
                    cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
                # Explicit ids do not advance the serial sequences.
                for table in SERIAL_TABLES:
                    cur.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                        f" coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
                    )
                conn.commit()
            except BaseException:
                sink.abort()
                conn.rollback()
                raise
            finally:
                if history is not None:
                    history.stop()
        conn.autocommit = True
        try:
            started = time.perf_counter()
            conn.execute("ANALYZE")
            # Millions of fresh word rows would otherwise wake autovacuum during the first
            # minutes of use; doing it now leaves the server quiet for the operators.
            conn.execute("VACUUM search_terms")
            logger.debug("analyzed in %.1f s", time.perf_counter() - started)
        finally:
            conn.autocommit = False
    return filled

"""Write the demo world into SQLite: one transaction of `executemany`, indexes rebuilt after.

With a forked history, the child fills a side file that this process attaches and copies
b-tree by b-tree (see `_SqliteHistory`).
"""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from dispatcher.demo.fill import Filled, fill
from dispatcher.demo.fork import ForkedHistory, driver_connection, should_fork
from dispatcher.demo.generate.world import World
from dispatcher.demo.sink import COLUMNS, Row, Sink, key_columns

logger = logging.getLogger(__name__)

HISTORY_TABLES = ("orders", "order_lines", "order_events")
_SCRATCH_TERMS = "seed_search_terms"


def _names(columns: tuple[str, ...]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def _insert_sql(table: str, into: str = "") -> str:
    columns = COLUMNS[table]
    marks = ", ".join(["?"] * len(columns))
    return f"INSERT INTO {into or table} ({_names(columns)}) VALUES ({marks})"


class _SqliteSink(Sink):
    """Rows go in with `executemany` on the seeding transaction's cursor."""

    def __init__(self, cursor: Any) -> None:
        super().__init__()
        self.cursor = cursor
        self.sql = {table: _insert_sql(table) for table in COLUMNS}
        # Collected unordered in a scratch table, then copied in key order (`load_sqlite`).
        self.sql["search_terms"] = _insert_sql("search_terms", f"temp.{_SCRATCH_TERMS}")

    def write(self, table: str, rows: list[Row]) -> None:
        started = time.perf_counter()
        self.cursor.executemany(self.sql[table], rows)
        self.counts[table] += len(rows)
        self.seconds += time.perf_counter() - started


class _SqliteHistory(ForkedHistory):
    """The child fills a side file with the same table and index definitions; the parent
    attaches it and copies with INSERT ... SELECT, which SQLite does b-tree by b-tree when
    the definitions match (no row decoding, no index rebuild)."""

    def __init__(self, path: Path, tables: list[str], indexes: list[str]) -> None:
        super().__init__()
        self.path = path
        self.indexes = indexes
        db = sqlite3.connect(path)
        try:
            for sql in tables:
                db.execute(sql)
            db.commit()
        finally:
            db.close()

    def generate(self, world: World) -> dict[str, Any]:
        db = sqlite3.connect(self.path, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=OFF")  # a scratch file: nothing to roll back
            db.execute("PRAGMA synchronous=OFF")
            db.execute("PRAGMA cache_size=-131072")
            db.execute("BEGIN")
            sink = _SqliteSink(db.cursor())
            done = self.history(world, sink)
            for sql in self.indexes:
                db.execute(sql)
            db.execute("COMMIT")
        finally:
            db.close()
        return done

    def load(self, sink: Sink) -> None:
        assert isinstance(sink, _SqliteSink)
        started = time.perf_counter()
        for table in HISTORY_TABLES:
            # Exactly this form (no column lists) lets SQLite copy b-trees as they are.
            sink.cursor.execute(f"INSERT INTO main.{table} SELECT * FROM seed_history.{table}")
        sink.seconds += time.perf_counter() - started


def load_sqlite(engine: Engine, world: World) -> Filled:
    """Write the world into an empty SQLite database in one transaction, then ANALYZE it."""
    history: _SqliteHistory | None = None
    with driver_connection(engine) as (db, scratch):
        db.commit()
        isolation = db.isolation_level
        db.isolation_level = None  # we issue BEGIN/COMMIT ourselves
        cur = db.cursor()
        cache = cur.execute("PRAGMA cache_size").fetchone()[0]
        journal = cur.execute("PRAGMA journal_mode").fetchone()[0]
        # Relaxed only while this one transaction runs (it commits or rolls back as a whole):
        # FK checks would cost a lookup per row, fsyncs a disk flush per page spill. A
        # rollback journal writes each new page once, WAL twice (log, then checkpoint).
        cur.execute("PRAGMA foreign_keys=OFF")
        cur.execute("PRAGMA synchronous=OFF")
        cur.execute("PRAGMA cache_size=-262144")
        cur.execute("PRAGMA journal_mode=DELETE")
        attached = False
        try:
            names = ", ".join(f"'{t}'" for t in COLUMNS)
            indexes = cur.execute(
                "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' "
                f"AND sql IS NOT NULL AND tbl_name IN ({names}) ORDER BY name"
            ).fetchall()
            if should_fork(world.n):
                names = ", ".join(f"'{t}'" for t in HISTORY_TABLES)
                tables = cur.execute(
                    f"SELECT sql FROM sqlite_master WHERE type = 'table' AND name IN ({names})"
                ).fetchall()
                history = _SqliteHistory(
                    scratch / "history.sqlite3",
                    [r[0] for r in tables],
                    [sql for _, table, sql in indexes if table in HISTORY_TABLES],
                )
                # The b-tree copy needs the same indexes on both sides: keep them here.
                indexes = [i for i in indexes if i[1] not in HISTORY_TABLES]
                # ATTACH is not allowed inside a transaction.
                cur.execute("ATTACH DATABASE ? AS seed_history", (str(history.path),))
                attached = True
            # Deferred, so that the attached side file stays unlocked for the child.
            cur.execute("BEGIN")
            try:
                for name, _, _ in indexes:
                    cur.execute(f'DROP INDEX main."{name}"')
                cur.execute(
                    f"CREATE TEMP TABLE {_SCRATCH_TERMS} AS SELECT * FROM main.search_terms WHERE 0"
                )
                filled = fill(world, _SqliteSink(cur), history)
                started = time.perf_counter()
                # The search index is its primary key (WITHOUT ROWID): rows arriving in key
                # order are appended; in generation order each would land at a random page.
                terms = _names(COLUMNS["search_terms"])
                cur.execute(
                    f"INSERT INTO main.search_terms ({terms}) SELECT {terms}"
                    f" FROM temp.{_SCRATCH_TERMS} ORDER BY {_names(key_columns('search_terms'))}"
                )
                cur.execute(f"DROP TABLE temp.{_SCRATCH_TERMS}")
                logger.debug("search words sorted in %.1f s", time.perf_counter() - started)
                started = time.perf_counter()
                for _, _, sql in indexes:
                    cur.execute(sql)
                logger.debug("indexes rebuilt in %.1f s", time.perf_counter() - started)
                started = time.perf_counter()
                cur.execute("COMMIT")
                logger.debug("committed in %.1f s", time.perf_counter() - started)
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            finally:
                if history is not None:
                    history.stop()
                if attached:
                    cur.execute("DETACH DATABASE seed_history")
            started = time.perf_counter()
            cur.execute("ANALYZE main")
            logger.debug("analyzed in %.1f s", time.perf_counter() - started)
        finally:
            cur.execute(f"PRAGMA journal_mode={journal}")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA cache_size={int(cache)}")
            cur.close()
            db.isolation_level = isolation
    return filled

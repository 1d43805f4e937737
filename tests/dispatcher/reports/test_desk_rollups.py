"""The desk roll-ups the triggers keep are exactly what a fresh backfill computes, after any
mix of orders taken, failed, rejected, cancelled, re-dated across midnight, merges and calls
(each example first wipes the last one's, so deletes are covered too)."""

from __future__ import annotations

import threading

from hypothesis import HealthCheck, given, settings
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from dispatcher import orders
from dispatcher.db import unit_of_work
from dispatcher.reports import desk_rollups
from tests.dispatcher.reports.worlds import (
    Catalogue,
    WorldSpec,
    wipe,
    worlds,
    write,
)

# table -> (its columns, the position of the count that is 0 in a row the triggers emptied)
TABLES = {
    "report_day_taken": ("day, operator, state, reason_id, failed, orders", 5),
    "report_day_calls": ("day, operator, calls, answered, missed", 2),
    "report_client_summary": (
        "client_id, last_order_at, orders, sum_kop, usual_product_id, usual_orders, usual_qty",
        2,
    ),
}


def _rows(s: Session) -> dict[str, set[tuple]]:
    # Rows the triggers brought to zero say nothing: a backfill never writes them.
    return {
        table: {
            tuple(row) for row in s.execute(text(f"SELECT {columns} FROM {table}")) if row[count]
        }
        for table, (columns, count) in TABLES.items()
    }


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=worlds)
def test_the_triggers_keep_what_a_backfill_computes(
    sessions: sessionmaker[Session], catalogue: Catalogue, spec: WorldSpec
) -> None:
    wipe(sessions)
    write(sessions, catalogue, spec)
    with unit_of_work(sessions) as s:
        kept = _rows(s)
        for table in TABLES:
            s.execute(text(f"DELETE FROM {table}"))
        desk_rollups.backfill(s.connection())
        assert _rows(s) == kept
        s.rollback()


def test_two_desks_writing_orders_of_one_client_at_once_both_commit(
    sessions: sessionmaker[Session], catalogue: Catalogue
) -> None:
    wipe(sessions)
    written = write(sessions, catalogue, WorldSpec(orders=(), calls=(), merge=False))
    client = written.client_ids[0]
    first = sessions()
    orders.create_order(first, client, [orders.LineInput("W19", 2)], actor="op-a")
    first.flush()  # the summary is rebuilt: this transaction holds the client's row
    failed: list[BaseException] = []

    def second_desk() -> None:
        try:
            with unit_of_work(sessions) as s:
                orders.create_order(s, client, [orders.LineInput("W19", 1)], actor="op-b")
        except BaseException as exc:
            failed.append(exc)

    other = threading.Thread(target=second_desk)
    other.start()
    other.join(timeout=0.5)  # it waits for the first desk (PostgreSQL) or for the file (SQLite)
    first.commit()
    first.close()
    other.join(timeout=30)
    assert not other.is_alive() and failed == []
    with sessions() as s:
        assert (
            s.scalar(
                text("SELECT orders FROM report_client_summary WHERE client_id = :c"), {"c": client}
            )
            == 2
        )

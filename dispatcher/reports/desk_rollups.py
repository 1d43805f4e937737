"""The roll-ups of the desks' own work, kept exact by database triggers on both backends.

Migration 0016 adds three, so that `orders` and `lost-clients` read a handful of rows instead
of every order of the period:

- `report_day_taken`: the orders taken per Moscow day (of the `create` audit row) × operator ×
  the order's state now × reject reason × whether a delivery of it ever failed;
- `report_day_calls`: calls per Moscow day × operator: all, answered, missed ("called back"
  depends on the other calls to the number, so the report still asks the calls for it);
- `report_client_summary`: per client (a merged duplicate counts as the one it went into) the
  last order, the number and sum of orders, and what they usually take.

Triggers for the same reasons as dispatcher.reports.rollups: an order's state, its audit rows,
a merge and a call's answer are written by operations, the courier relay, `dispatch` and bulk
UPDATEs alike. The first two subtract a row's old contribution and add the new one (a call's
from its own columns only). The summary holds a maximum, which cannot be subtracted: a write
recomputes the summary of the client(s) it touches from their orders (a client has a few).
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from dispatcher.reports.rollups import MOSCOW_DAY as _DAY
from dispatcher.reports.rollups import Triggers, install, uninstall

_COUNTED = "('interest', 'delivery', 'closed')"
_FAILED = (
    "CASE WHEN EXISTS (SELECT 1 FROM order_events f WHERE f.order_id = o.id"
    " AND f.action = 'fail'{but}) THEN 1 ELSE 0 END"
)


def taken(
    dialect: str,
    *,
    where: str,
    at: str = "e.at",
    actor: str = "e.actor",
    state: str = "o.state",
    reason: str = "o.reject_reason_id",
    but: str = "",
    sign: str = "1",
) -> list[str]:
    """Add ``sign`` × the orders ``where`` says to `report_day_taken`.

    ``but`` leaves a fail audit row out of "failed once" (the one being written or deleted).
    """
    day = _DAY[dialect].format(at=at)
    failed = _FAILED.format(but=but)
    return [
        "INSERT INTO report_day_taken (day, operator, state, reason_id, failed, orders)"
        f" SELECT {day}, {actor}, {state}, coalesce({reason}, 0), {failed}, {sign} * count(*)"
        " FROM orders o JOIN order_events e ON e.order_id = o.id AND e.action = 'create'"
        f" WHERE {where} GROUP BY 1, 2, 3, 4, 5"
        " ON CONFLICT (day, operator, state, reason_id, failed) DO UPDATE SET"
        " orders = report_day_taken.orders + excluded.orders"
    ]


def calls(dialect: str, *, row: str = "i", sign: str = "1", source: str = "") -> list[str]:
    """Add ``sign`` × the call ``row`` (OLD / NEW, or every row of ``source``) to the calls."""
    day = _DAY[dialect].format(at=f"{row}.started_at")
    counted = f"{row}.kind = 'call' AND NOT {row}.planned"
    # Grouped even for one row: an aggregate without GROUP BY answers one row (count 0, sums
    # NULL) when the row is not counted — a planned call's insert failed on NOT NULL.
    grouped = " GROUP BY 1, 2"
    return [
        "INSERT INTO report_day_calls (day, operator, calls, answered, missed)"
        f" SELECT {day}, {row}.operator, {sign} * count(*),"
        f" {sign} * sum(CASE WHEN {row}.answered_at IS NOT NULL THEN 1 ELSE 0 END),"
        f" {sign} * sum(CASE WHEN {row}.direction = 'in' AND {row}.answered_at IS NULL"
        f" THEN 1 ELSE 0 END){source} WHERE {counted}{grouped}"
        " ON CONFLICT (day, operator) DO UPDATE SET"
        " calls = report_day_calls.calls + excluded.calls,"
        " answered = report_day_calls.answered + excluded.answered,"
        " missed = report_day_calls.missed + excluded.missed"
    ]


def _their_orders(who: str) -> str:
    """The counted orders of client ``who`` and of the duplicates merged into it."""
    return (
        "orders o WHERE o.state IN " + _COUNTED + " AND o.client_id IN (SELECT c.id FROM"
        f" clients c WHERE (c.id = {who} AND c.merged_into_id IS NULL)"
        f" OR c.merged_into_id = {who})"
    )


_SUMMARY_COLUMNS = (
    "INSERT INTO report_client_summary (client_id, last_order_at, orders, sum_kop,"
    " usual_product_id, usual_orders, usual_qty)"
)
_ORDER_SUM = (
    "coalesce((SELECT sum(CAST(l.qty AS BIGINT) * l.price_kop) FROM order_lines l"
    " WHERE l.order_id = o.id), 0)"
)


def _recompute(who: str, lock: bool = False) -> list[str]:
    """The statements rebuilding the summary row of client ``who`` from their orders.

    With ``lock`` (PostgreSQL) the client's row is locked first, so two desks writing orders
    of one client rebuild the row one after the other, each from a snapshot taken after the
    other committed: unlocked, the second one's DELETE missed the row the first had just
    inserted and its INSERT failed on the key (5 of 1,458 orders in `bench desks`). NO KEY
    UPDATE does not wait for the key-share locks the orders' foreign keys take.
    """
    first = [f"PERFORM 1 FROM clients WHERE id = {who} FOR NO KEY UPDATE"] if lock else []
    usual = (
        "SELECT l.product_id, count(DISTINCT l.order_id) AS n, sum(l.qty) AS q"
        f" FROM order_lines l WHERE l.order_id IN (SELECT o.id FROM {_their_orders(who)})"
        " GROUP BY l.product_id ORDER BY 2 DESC, 1 LIMIT 1"
    )
    return [
        *first,
        f"DELETE FROM report_client_summary WHERE client_id = {who}",
        f"{_SUMMARY_COLUMNS} SELECT {who}, a.last, a.n, a.money, u.product_id,"
        " coalesce(u.n, 0), coalesce(u.q, 0)"
        f" FROM (SELECT max(o.created_at) AS last, count(*) AS n, sum({_ORDER_SUM}) AS money"
        f" FROM {_their_orders(who)}) AS a LEFT JOIN ({usual}) AS u ON 1 = 1 WHERE a.n > 0",
    ]


def _client_of(order_client: str) -> str:
    return f"(SELECT coalesce(k.merged_into_id, k.id) FROM clients k WHERE k.id = {order_client})"


def _order_of(order_id: str) -> str:
    return _client_of(f"(SELECT lo.client_id FROM orders lo WHERE lo.id = {order_id})")


def _taken_triggers(dialect: str, distinct: str) -> Triggers:
    return {
        "trg_taken_create_insert": (
            "AFTER INSERT",
            "order_events",
            "NEW.action = 'create'",
            taken(dialect, where="e.id = NEW.id"),
        ),
        "trg_taken_create_update": (
            "AFTER UPDATE OF at, actor",
            "order_events",
            f"NEW.action = 'create'"
            f" AND (OLD.at {distinct} NEW.at OR OLD.actor {distinct} NEW.actor)",
            [
                *taken(dialect, where="e.id = NEW.id", at="OLD.at", actor="OLD.actor", sign="-1"),
                *taken(dialect, where="e.id = NEW.id"),
            ],
        ),
        "trg_taken_create_delete": (
            "BEFORE DELETE",
            "order_events",
            "OLD.action = 'create'",
            taken(dialect, where="e.id = OLD.id", sign="-1"),
        ),
        "trg_taken_fail_insert": (
            "AFTER INSERT",
            "order_events",
            "NEW.action = 'fail'",
            [
                *taken(dialect, where="o.id = NEW.order_id", but=" AND f.id <> NEW.id", sign="-1"),
                *taken(dialect, where="o.id = NEW.order_id"),
            ],
        ),
        "trg_taken_fail_delete": (
            "BEFORE DELETE",
            "order_events",
            "OLD.action = 'fail'",
            [
                *taken(dialect, where="o.id = OLD.order_id", sign="-1"),
                *taken(dialect, where="o.id = OLD.order_id", but=" AND f.id <> OLD.id"),
            ],
        ),
        "trg_taken_order_state": (
            "AFTER UPDATE OF state, reject_reason_id",
            "orders",
            f"OLD.state {distinct} NEW.state"
            f" OR OLD.reject_reason_id {distinct} NEW.reject_reason_id",
            [
                *taken(
                    dialect,
                    where="o.id = NEW.id",
                    state="OLD.state",
                    reason="OLD.reject_reason_id",
                    sign="-1",
                ),
                *taken(dialect, where="o.id = NEW.id"),
            ],
        ),
    }


def _calls_triggers(dialect: str) -> Triggers:
    # Each call counts by its own columns only: OLD's are taken out and NEW's put in, whatever
    # order a statement's rows are handled in.
    watched = "kind, direction, started_at, answered_at, operator, planned"
    return {
        "trg_calls_insert": (
            "AFTER INSERT",
            "interactions",
            "NEW.kind = 'call'",
            calls(dialect, row="NEW"),
        ),
        "trg_calls_update": (
            f"AFTER UPDATE OF {watched}",
            "interactions",
            "OLD.kind = 'call' OR NEW.kind = 'call'",
            [*calls(dialect, row="OLD", sign="-1"), *calls(dialect, row="NEW")],
        ),
        "trg_calls_delete": (
            "AFTER DELETE",
            "interactions",
            "OLD.kind = 'call'",
            calls(dialect, row="OLD", sign="-1"),
        ),
    }


def _summary_triggers(distinct: str, lock: bool) -> Triggers:
    line_events = {"insert": "NEW", "delete": "OLD"}

    def recompute_summary(who: str) -> list[str]:
        return _recompute(who, lock)

    triggers: Triggers = {
        "trg_summary_order_insert": (
            "AFTER INSERT",
            "orders",
            "1 = 1",
            recompute_summary(_client_of("NEW.client_id")),
        ),
        "trg_summary_order_update": (
            "AFTER UPDATE OF client_id, state, created_at",
            "orders",
            f"OLD.client_id {distinct} NEW.client_id OR OLD.state {distinct} NEW.state"
            f" OR OLD.created_at {distinct} NEW.created_at",
            [
                *recompute_summary(_client_of("OLD.client_id")),
                *recompute_summary(_client_of("NEW.client_id")),
            ],
        ),
        "trg_summary_order_delete": (
            "AFTER DELETE",
            "orders",
            "1 = 1",
            recompute_summary(_client_of("OLD.client_id")),
        ),
        "trg_summary_line_update": (
            "AFTER UPDATE OF order_id, product_id, qty, price_kop",
            "order_lines",
            "1 = 1",
            [
                *recompute_summary(_order_of("OLD.order_id")),
                *recompute_summary(_order_of("NEW.order_id")),
            ],
        ),
        "trg_summary_client_merge": (
            "AFTER UPDATE OF merged_into_id",
            "clients",
            f"OLD.merged_into_id {distinct} NEW.merged_into_id",
            [
                *recompute_summary("NEW.id"),
                *recompute_summary("coalesce(OLD.merged_into_id, OLD.id)"),
                *recompute_summary("coalesce(NEW.merged_into_id, NEW.id)"),
            ],
        ),
        "trg_summary_client_delete": (
            "AFTER DELETE",
            "clients",
            "1 = 1",
            ["DELETE FROM report_client_summary WHERE client_id = OLD.id"],
        ),
    }
    for event, row in line_events.items():
        triggers[f"trg_summary_line_{event}"] = (
            f"AFTER {event.upper()}",
            "order_lines",
            "1 = 1",
            recompute_summary(_order_of(f"{row}.order_id")),
        )
    return triggers


def _triggers(dialect: str) -> Triggers:
    distinct = "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"
    return {
        **_taken_triggers(dialect, distinct),
        **_calls_triggers(dialect),
        **_summary_triggers(distinct, lock=dialect == "postgresql"),
    }


def create_triggers(conn: Connection) -> None:
    """Create the triggers keeping the desk roll-ups (migration 0016, the seeder after its load)."""
    install(conn, _triggers(conn.dialect.name))


def drop_triggers(conn: Connection) -> None:
    """Drop the desk roll-ups' triggers (downgrade; the seeder's bulk load)."""
    uninstall(conn, _triggers(conn.dialect.name))


def backfill(conn: Connection) -> None:
    """Fill the empty desk roll-ups from every order and call there is (one pass each)."""
    dialect = conn.dialect.name
    for sql in (*taken(dialect, where="1 = 1"), *calls(dialect, source=" FROM interactions i")):
        conn.execute(text(sql))
    who = "coalesce(c.merged_into_id, c.id)"
    clients = "orders o JOIN clients c ON c.id = o.client_id"
    counted = f"o.state IN {_COUNTED}"
    conn.execute(
        text(
            f"{_SUMMARY_COLUMNS} SELECT {who}, max(o.created_at), count(*), sum({_ORDER_SUM}),"
            f" NULL, 0, 0 FROM {clients} WHERE {counted} GROUP BY 1"
        )
    )
    # The usual product in a second pass, joined by the summary's key: a join of the two
    # grouped results would have no index on either side.
    conn.execute(
        text(
            "UPDATE report_client_summary SET usual_product_id = u.product_id,"
            " usual_orders = u.n, usual_qty = u.q FROM"
            " (SELECT p.who, p.product_id, p.n, p.q, row_number() OVER"
            " (PARTITION BY p.who ORDER BY p.n DESC, p.product_id) AS rank FROM"
            f" (SELECT {who} AS who, l.product_id, count(DISTINCT l.order_id) AS n,"
            f" sum(l.qty) AS q FROM {clients} JOIN order_lines l ON l.order_id = o.id"
            f" WHERE {counted} GROUP BY 1, 2) AS p) AS u"
            " WHERE u.rank = 1 AND u.who = report_client_summary.client_id"
        )
    )

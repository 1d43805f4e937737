"""The daily roll-ups the reports read, kept exact by database triggers on both backends.

Delivered lines, delivered orders and the clients served are summed per Moscow day (and
courier, client kind, product / payment) in `report_day_*`, and the bottles delivered and
empties returned per client and day in `report_client_bottles` (dispatcher.models). Triggers
rather than code in the operations: an order's contribution changes when it is closed, when
its close is re-dated, when a merge moves it to another client (a bulk UPDATE the ORM never
sees) and when a client's kind or merge target changes; a trigger sees every one of those
writes, whoever makes it (operation, courier relay, CLI, a future bulk fix), in the same
transaction. Each trigger subtracts the order's old contribution and adds the new one.

The product kind (goods or not) and the bottle unit are taken as they are when the order is
closed; renaming a product changes nothing here.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

# A returnable bottle is a product sold by the bottle (the 19 l water).
BOTTLE_UNIT = "бут"

_DAY = {
    "sqlite": "date({at}, '+3 hours')",  # Moscow has kept UTC+3 since 2014 (common.moscow_day)
    "postgresql": "(({at}) AT TIME ZONE 'Europe/Moscow')::date",
}
MOSCOW_DAY = _DAY  # the Moscow day of a UTC moment, per backend (the desk roll-ups use it too)
_GOODS = (
    "EXISTS (SELECT 1 FROM order_lines gl JOIN products gp ON gp.id = gl.product_id"
    " WHERE gl.order_id = o.id AND gp.kind = 'goods')"
)
_FROM = (
    " FROM orders o JOIN order_events e ON e.order_id = o.id AND e.action = 'close'"
    " JOIN clients c ON c.id = {client}"
)


def contribution(
    dialect: str,
    *,
    where: str = "1 = 1",
    at: str = "e.at",
    client: str = "o.client_id",
    kind: str = "c.kind",
    who: str = "coalesce(c.merged_into_id, c.id)",
    sign: str = "1",
) -> list[str]:
    """The statements adding ``sign`` × the contribution of the closed orders ``where`` says."""
    day = _DAY[dialect].format(at=at)
    source = _FROM.format(client=client)
    return [
        "INSERT INTO report_day_lines (day, courier_id, client_kind, product_id, qty, sum_kop)"
        f" SELECT {day}, coalesce(o.courier_id, 0), {kind}, l.product_id,"
        f" {sign} * sum(l.qty), {sign} * sum(CAST(l.qty AS BIGINT) * l.price_kop)"
        f"{source} JOIN order_lines l ON l.order_id = o.id WHERE {where}"
        " GROUP BY 1, 2, 3, 4"
        " ON CONFLICT (day, courier_id, client_kind, product_id) DO UPDATE SET"
        " qty = report_day_lines.qty + excluded.qty,"
        " sum_kop = report_day_lines.sum_kop + excluded.sum_kop",
        "INSERT INTO report_day_orders (day, courier_id, client_kind, payment_method, orders,"
        " goods_orders, due_kop, collected_kop)"
        f" SELECT {day}, coalesce(o.courier_id, 0), {kind}, o.payment_method, {sign} * count(*),"
        f" {sign} * sum(CASE WHEN {_GOODS} THEN 1 ELSE 0 END),"
        f" {sign} * sum(coalesce((SELECT sum(CAST(dl.qty AS BIGINT) * dl.price_kop)"
        " FROM order_lines dl WHERE dl.order_id = o.id), 0)),"
        f" {sign} * sum(coalesce(o.collected_kop, 0))"
        f"{source} WHERE {where} GROUP BY 1, 2, 3, 4"
        " ON CONFLICT (day, courier_id, client_kind, payment_method) DO UPDATE SET"
        " orders = report_day_orders.orders + excluded.orders,"
        " goods_orders = report_day_orders.goods_orders + excluded.goods_orders,"
        " due_kop = report_day_orders.due_kop + excluded.due_kop,"
        " collected_kop = report_day_orders.collected_kop + excluded.collected_kop",
        "INSERT INTO report_client_bottles (client_id, day, courier_id, client_kind, delivered,"
        " returned)"
        f" SELECT {who}, {day}, coalesce(o.courier_id, 0), {kind},"
        f" {sign} * sum(coalesce((SELECT sum(bl.qty) FROM order_lines bl JOIN products bp"
        f" ON bp.id = bl.product_id WHERE bl.order_id = o.id AND bp.unit = '{BOTTLE_UNIT}'), 0)),"
        f" {sign} * sum(coalesce(o.bottles_returned, 0))"
        f"{source} WHERE {where} GROUP BY 1, 2, 3, 4"
        " ON CONFLICT (client_id, day, courier_id, client_kind) DO UPDATE SET"
        " delivered = report_client_bottles.delivered + excluded.delivered,"
        " returned = report_client_bottles.returned + excluded.returned",
        "INSERT INTO report_day_clients (courier_id, client_kind, client_id, day, orders)"
        f" SELECT coalesce(o.courier_id, 0), {kind}, {who}, {day}, {sign} * count(*)"
        f"{source} WHERE {where} AND {_GOODS} GROUP BY 1, 2, 3, 4"
        " ON CONFLICT (courier_id, client_kind, client_id, day) DO UPDATE SET"
        " orders = report_day_clients.orders + excluded.orders",
    ]


def _moved(dialect: str, old: dict[str, str], new: dict[str, str], where: str) -> list[str]:
    return [
        *contribution(dialect, where=where, sign="-1", **old),
        *contribution(dialect, where=where, **new),
    ]


def _triggers(dialect: str) -> Triggers:
    """name -> (timing and event, table, condition, body statements)."""
    old_client = {
        "kind": "OLD.kind",
        "who": "coalesce(OLD.merged_into_id, OLD.id)",
        "client": "NEW.id",
    }
    new_client = {
        "kind": "NEW.kind",
        "who": "coalesce(NEW.merged_into_id, NEW.id)",
        "client": "NEW.id",
    }
    distinct = "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"
    return {
        "trg_report_close_insert": (
            "AFTER INSERT",
            "order_events",
            "NEW.action = 'close'",
            contribution(dialect, where="e.id = NEW.id"),
        ),
        "trg_report_close_update": (
            "AFTER UPDATE OF at",
            "order_events",
            f"NEW.action = 'close' AND OLD.at {distinct} NEW.at",
            _moved(dialect, {"at": "OLD.at"}, {"at": "NEW.at"}, "e.id = NEW.id"),
        ),
        "trg_report_close_delete": (
            "BEFORE DELETE",
            "order_events",
            "OLD.action = 'close'",
            contribution(dialect, where="e.id = OLD.id", sign="-1"),
        ),
        "trg_report_order_client": (
            "AFTER UPDATE OF client_id",
            "orders",
            f"OLD.client_id {distinct} NEW.client_id",
            _moved(dialect, {"client": "OLD.client_id"}, {}, "o.id = NEW.id"),
        ),
        "trg_report_client_change": (
            "AFTER UPDATE OF kind, merged_into_id",
            "clients",
            f"OLD.kind {distinct} NEW.kind OR OLD.merged_into_id {distinct} NEW.merged_into_id",
            _moved(dialect, old_client, new_client, "o.client_id = NEW.id"),
        ),
    }


# name -> (timing and event, table, condition, body statements)
Triggers = dict[str, tuple[str, str, str, list[str]]]


def install(conn: Connection, triggers: Triggers) -> None:
    """Create ``triggers`` on the connection's backend (a plpgsql function each on PostgreSQL)."""
    dialect = conn.dialect.name
    for name, (when, table, condition, body) in triggers.items():
        statements = "".join(f"  {sql};\n" for sql in body)
        if dialect == "postgresql":
            # A BEFORE trigger's result is the row to write: OLD lets a delete go on.
            result = "NULL"
            if when.startswith("BEFORE"):
                result = "OLD" if "DELETE" in when else "NEW"
            conn.execute(
                text(
                    f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                    f"BEGIN\n{statements}  RETURN {result};\nEND $$"
                )
            )
            conn.execute(
                text(
                    f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW"
                    f" WHEN ({condition}) EXECUTE FUNCTION {name}()"
                )
            )
        else:
            conn.execute(
                text(
                    f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW WHEN {condition}\n"
                    f"BEGIN\n{statements}END"
                )
            )


def uninstall(conn: Connection, triggers: Triggers) -> None:
    """Drop ``triggers`` (and their functions on PostgreSQL) if they exist."""
    for name, (_when, table, _condition, _body) in triggers.items():
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name} ON {table}"))
            conn.execute(text(f"DROP FUNCTION IF EXISTS {name}()"))
        else:
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))


def create_triggers(conn: Connection) -> None:
    """Create the roll-up triggers (migration 0010, and the seeder after its bulk load)."""
    install(conn, _triggers(conn.dialect.name))


def drop_triggers(conn: Connection) -> None:
    """Drop the roll-up triggers (downgrade; the seeder's bulk load fills the tables at once)."""
    uninstall(conn, _triggers(conn.dialect.name))


def backfill(conn: Connection) -> None:
    """Fill the empty roll-up tables from every closed order there is (one pass each)."""
    for sql in contribution(conn.dialect.name):
        conn.execute(text(sql))

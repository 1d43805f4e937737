"""Fill an empty database with a realistic delivery business, fast enough for a million clients.

`seed_demo` generates rows as plain tuples from random streams derived from the seed and
writes them with the driver directly, in one transaction: `executemany` on SQLite,
`COPY FROM STDIN` on PostgreSQL. The ORM would spend most of the time on bookkeeping. The
secondary indexes are dropped during the load and rebuilt from their own definitions
afterwards, which is much faster than maintaining them row by row. For large seeds a forked
process generates the order history while this one generates the clients
(`dispatcher.demo.fork`); the data are the same either way.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field

from sqlalchemy import Engine, inspect, text
from sqlalchemy.orm import Session

from dispatcher.demo.accounts import ensure_demo_lead
from dispatcher.demo.complaints import seed_demo_complaints
from dispatcher.demo.generate.world import World
from dispatcher.demo.knowledge import seed_articles
from dispatcher.demo.load_postgresql import load_postgresql
from dispatcher.demo.load_sqlite import load_sqlite
from dispatcher.errors import ValidationError
from dispatcher.orders import moscow_today
from dispatcher.reports import desk_rollups, rollups

logger = logging.getLogger(__name__)

# Tables that must be empty before seeding (the migration itself fills price_lists and
# reject_reasons, which the seeder uses as they are).
_MUST_BE_EMPTY = ("clients", "products", "couriers", "orders")


@dataclass(frozen=True)
class SeedReport:
    """What `seed_demo` wrote, how long it took, and a few numbers worth looking up."""

    clients: int
    companies: int
    contacts: int
    phones: int
    addresses: int
    orders: int
    order_lines: int
    couriers: int
    products: int
    duplicates: int
    seconds: float
    # As written in Phone.raw: ordinary persons first, then a company, a company contact,
    # a duplicate pair (original, second record) and a phone shared by two clients.
    sample_numbers: list[str] = field(default_factory=list)
    rollup_seconds: float = 0.0  # of `seconds`: filling the report roll-ups after the load


# Tails of four digits and more from each number's second digit: what migration 0014's
# triggers write per phone, here for all phones at once in key order.
_TAILS = " UNION ALL ".join(
    f"SELECT substr(replace(e164, '+', ''), {k}) AS s, id FROM phones" for k in range(2, 14)
)


def _fill_phone_digits(engine: Engine) -> None:
    """Fill phone_digits when the bulk load went past its triggers (PostgreSQL's loader runs
    as replica, which skips every trigger)."""
    with engine.begin() as conn:
        if not inspect(conn).has_table("phone_digits"):
            return
        if conn.execute(text("SELECT 1 FROM phone_digits LIMIT 1")).first() is not None:
            return
        started = time.perf_counter()
        conn.execute(
            text(
                f"INSERT INTO phone_digits (suffix, phone_id) SELECT s, id FROM ({_TAILS}) AS t"
                " WHERE length(s) >= 4 ORDER BY s, id"
            )
        )
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE phone_digits"))
        logger.info("phone digits filled in %.1f s", time.perf_counter() - started)


def seed_demo(
    engine: Engine,
    clients: int,
    seed: int = 1,
    today: dt.date | None = None,
    history_days: int = 365,
) -> SeedReport:
    """Fill a migrated, empty database with clients, phones, couriers and a year of orders."""
    if clients <= 0:
        raise ValidationError("The number of clients to seed must be positive.")
    if history_days <= 0:
        raise ValidationError("The order history must cover at least one day.")
    started = time.perf_counter()
    today = today or moscow_today()
    with engine.connect() as conn:
        if not inspect(conn).has_table("clients"):
            raise ValidationError("The database has no tables yet: run `dispatch db upgrade`.")
        for table in _MUST_BE_EMPTY:
            if conn.execute(text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None:
                raise ValidationError(
                    f"The database already has {table}: seed-demo only fills an empty database."
                )
        reasons = [
            (int(r[0]), str(r[1]))
            for r in conn.execute(
                text("SELECT id, name FROM reject_reasons WHERE active ORDER BY id")
            )
        ]
        standard = conn.execute(
            text("SELECT id FROM price_lists WHERE is_default ORDER BY id LIMIT 1")
        ).scalar()
        max_list = conn.execute(text("SELECT coalesce(max(id), 0) FROM price_lists")).scalar()
    backend = engine.dialect.name
    world = World(
        clients=clients,
        seed=seed,
        today=today,
        history_days=history_days,
        # SQLAlchemy stores SQLite timestamps as naive UTC text; PostgreSQL needs the zone.
        ts_suffix="+00" if backend == "postgresql" else "",
        reasons=reasons,
        standard_list_id=int(standard) if standard is not None else None,
        next_price_list_id=int(max_list or 0) + 1,
    )
    if backend not in ("sqlite", "postgresql"):
        raise ValidationError(f"seed-demo does not support the {backend} database.")
    # The report roll-ups' triggers would fire once an order event: rolled up in one pass
    # after the load instead, then the triggers come back for what the desks write next.
    with engine.begin() as conn:
        rollups.drop_triggers(conn)
        desk_rollups.drop_triggers(conn)
    filled = load_sqlite(engine, world) if backend == "sqlite" else load_postgresql(engine, world)
    rolled = time.perf_counter()
    with engine.begin() as conn:
        if backend == "sqlite":
            conn.exec_driver_sql("PRAGMA cache_size=-262144")
        rollups.backfill(conn)
        rollups.create_triggers(conn)
        desk_rollups.backfill(conn)
        desk_rollups.create_triggers(conn)
    rollup_seconds = round(time.perf_counter() - rolled, 3)
    logger.debug("report roll-ups filled in %.1f s", rollup_seconds)
    _fill_phone_digits(engine)
    with Session(engine) as session, session.begin():
        lead = ensure_demo_lead(session)
        seed_demo_complaints(session, lead)
        seed_articles(session, lead)
    c = filled.counts
    report = SeedReport(
        clients=c["clients"],
        companies=world.companies,
        contacts=c["contacts"],
        phones=c["phones"],
        addresses=c["addresses"],
        orders=c["orders"],
        order_lines=c["order_lines"],
        couriers=c["couriers"],
        products=c["products"],
        duplicates=filled.duplicates,
        seconds=round(time.perf_counter() - started, 3),
        sample_numbers=filled.sample_numbers,
        rollup_seconds=rollup_seconds,
    )
    logger.info("demo data seeded", extra={"clients": report.clients, "seconds": report.seconds})
    return report

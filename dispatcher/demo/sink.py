"""Where generated rows go: the tables the seeder fills, their columns, and the sink interface."""

from __future__ import annotations

from collections import Counter
from typing import Any

from dispatcher.models import Base

Row = tuple[Any, ...]

# The tables the seeder fills, parents first. Rows are plain tuples in the column order of
# the models: a column added to a model makes the loaders fail loudly until the generator
# writes it too.
TABLES: tuple[str, ...] = (
    "price_lists",
    "products",
    "prices",
    "couriers",
    "clients",
    "contacts",
    "addresses",
    "phones",
    "orders",
    "search_terms",
    "order_lines",
    "order_events",
    "courier_tasks",
    "outbox",
)

# Columns the generated rows leave out (NULL in every seeded row): a desk's idempotency key
# exists only for orders a desk took (migration 0011).
_NOT_SEEDED = frozenset({("orders", "idempotency_key")})
COLUMNS: dict[str, tuple[str, ...]] = {
    table: tuple(
        column.name
        for column in Base.metadata.tables[table].columns
        if (table, column.name) not in _NOT_SEEDED
    )
    for table in TABLES
}

# Tables keyed by a serial id (their sequences must move past the seeded ids); the others
# are keyed by their columns (search_terms).
SERIAL_TABLES: tuple[str, ...] = tuple(
    table
    for table in TABLES
    if [c.name for c in Base.metadata.tables[table].primary_key.columns] == ["id"]
)


def key_columns(table: str) -> tuple[str, ...]:
    """The primary key's columns of a seeded table, in key order."""
    return tuple(c.name for c in Base.metadata.tables[table].primary_key.columns)


class Sink:
    """Where the generator's rows go; counts them per table and times the writing."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.seconds = 0.0

    def write(self, table: str, rows: list[Row]) -> None:
        """Store the rows of one table (one chunk of them); the list is the sink's now."""
        raise NotImplementedError

    def close(self) -> None:
        """Wait until everything written has reached the database."""


def write_all(sink: Sink, rows: dict[str, list[Row]]) -> None:
    """Hand collected rows to the sink table by table, and start new lists for them."""
    for table, batch in rows.items():
        if batch:
            sink.write(table, batch)
            # The sink may still be writing the old list on another thread.
            rows[table] = []

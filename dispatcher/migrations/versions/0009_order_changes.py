"""order changes: a per-order change log filled by triggers, so a board re-reads only the
orders that changed since its last read, and pruned by the same triggers

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08

Each write to orders, courier tasks or courier events logs the order it touched with a
position (``pos``). A reader takes its cursor *before* reading and next time asks for the
orders logged at or after it (dispatcher.board_live):

- SQLite: ``pos`` counts up (one past the newest); one writer at a time, so positions are
  committed in order and "after the cursor" misses nothing.
- PostgreSQL: ``pos`` is the writer's transaction id (xid8 as a number); the reader's cursor is
  the oldest transaction still running when it read (``pg_snapshot_xmin``), so a transaction
  that commits after the read is logged at or after the cursor whatever its commit order.

Pruning keeps the log bounded: one log write in 256 (SQLite: its position; PostgreSQL: the
writer's transaction id a multiple of 256) deletes the entries more than ``KEEP`` positions
behind the writer. A reader whose cursor is that far behind reads the whole day instead.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, the column naming the order): what a board shows of an order lives in these.
LOGGED = (("orders", "id"), ("courier_tasks", "order_id"), ("courier_events", "order_id"))
KEEP = 100_000  # dispatcher.board_live.KEEP: the same number


def upgrade() -> None:
    op.create_table(
        "order_changes",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("pos", sa.BigInteger(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_changes")),
        # AUTOINCREMENT: a row key is never reused, whatever pruning deleted.
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_order_changes_pos"), "order_changes", ["pos"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
        return
    # The position: one past the newest (max over the pos index: one probe).
    here = "(SELECT coalesce(max(pos), 0) + 1 FROM order_changes)"
    for table, key in LOGGED:
        for verb, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            op.execute(
                f"CREATE TRIGGER {table}_{verb.lower()}_logged AFTER {verb} ON {table} "
                f"WHEN {row}.{key} IS NOT NULL BEGIN "
                f"INSERT INTO order_changes (pos, order_id) VALUES ({here}, {row}.{key}); END"
            )
    op.execute(
        "CREATE TRIGGER order_changes_pruned AFTER INSERT ON order_changes "
        "WHEN NEW.pos % 256 = 0 "
        f"BEGIN DELETE FROM order_changes WHERE pos <= NEW.pos - {KEEP}; END"
    )


def _upgrade_postgresql() -> None:
    # Statement triggers with transition tables: a bulk write logs each order once per
    # statement instead of running a function per row. PostgreSQL allows a transition table
    # only on single-event triggers, hence one function per (key column, new/old rows).
    for key in {k for _t, k in LOGGED}:
        for rows in ("new_rows", "old_rows"):
            op.execute(
                f"""
                CREATE FUNCTION order_changes_log_{key}_{rows}() RETURNS trigger
                LANGUAGE plpgsql AS $$
                DECLARE here bigint := pg_current_xact_id()::text::bigint;
                BEGIN
                    INSERT INTO order_changes (pos, order_id)
                    SELECT DISTINCT here, {key} FROM {rows} WHERE {key} IS NOT NULL;
                    IF here % 256 = 0 THEN
                        DELETE FROM order_changes WHERE pos < here - {KEEP};
                    END IF;
                    RETURN NULL;
                END $$
                """
            )
    for table, key in LOGGED:
        for verb, rows, alias in (
            ("INSERT", "new_rows", "NEW TABLE AS new_rows"),
            ("UPDATE", "new_rows", "NEW TABLE AS new_rows"),
            ("DELETE", "old_rows", "OLD TABLE AS old_rows"),
        ):
            op.execute(
                f"CREATE TRIGGER {table}_{verb.lower()}_logged AFTER {verb} ON {table} "
                f"REFERENCING {alias} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION order_changes_log_{key}_{rows}()"
            )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table, _key in LOGGED:
        for verb in ("insert", "update", "delete"):
            if postgresql:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_{verb}_logged ON {table}")
            else:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_{verb}_logged")
    if postgresql:
        for key in {k for _t, k in LOGGED}:
            for rows in ("new_rows", "old_rows"):
                op.execute(f"DROP FUNCTION IF EXISTS order_changes_log_{key}_{rows}()")
    else:
        op.execute("DROP TRIGGER IF EXISTS order_changes_pruned")
    op.drop_table("order_changes")

"""change stamp: a counter (SQLite) or sequence + NOTIFY (PostgreSQL) bumped by triggers on
every write to orders, order lines, order events, courier tasks and courier events

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08

Triggers rather than an ORM hook: every writer bumps the stamp in its own transaction
whatever it is — the desks, `dispatch`, the relay applying courier events, a bulk load, an
admin's hand-written SQL — and an older desk that knows nothing of the stamp still tells the
boards of newer ones.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What a board or a client card shows: a write to any of these is a change.
WATCHED = ("orders", "order_lines", "order_events", "courier_tasks", "courier_events")
CHANNEL = "dispatch_changes"


def upgrade() -> None:
    op.create_table(
        "change_stamp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_stamp")),
    )
    op.execute("INSERT INTO change_stamp (id, value) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        # A sequence never blocks (a one-row counter would queue every writer on its lock
        # until commit, and could deadlock two of them); NOTIFY is sent at commit only and
        # PostgreSQL folds identical notifications of one transaction into one.
        op.execute("CREATE SEQUENCE dispatch_change_seq")
        op.execute(
            f"""
            CREATE FUNCTION dispatch_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('{CHANNEL}', nextval('dispatch_change_seq')::text);
                RETURN NULL;
            END $$
            """
        )
        for table in WATCHED:
            op.execute(
                f"CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION dispatch_changed()"
            )
        return
    # SQLite has row triggers only; one writer at a time, so the row is never contended.
    for table in WATCHED:
        for verb in ("INSERT", "UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_{verb.lower()}_changed AFTER {verb} ON {table} "
                "BEGIN UPDATE change_stamp SET value = value + 1 WHERE id = 1; END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_changed ON {table}")
        op.execute("DROP FUNCTION IF EXISTS dispatch_changed()")
        op.execute("DROP SEQUENCE IF EXISTS dispatch_change_seq")
    else:
        for table in WATCHED:
            for verb in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_{verb}_changed")
    op.drop_table("change_stamp")

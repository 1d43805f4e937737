"""order idempotency key: the desk's key for the draft an order was taken from, unique

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-09

A send retried after a lost commit reply finds the order its first attempt wrote instead of
writing a second one (and a second courier task). NULL for orders written before, and for
orders taken by callers that give no key: a unique index allows any number of NULLs.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain nullable column and a unique index: SQLite's ALTER TABLE cannot add a constraint.
    op.add_column("orders", sa.Column("idempotency_key", sa.String(length=64), nullable=True))
    op.create_index("ux_orders_idempotency_key", "orders", ["idempotency_key"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_orders_idempotency_key", table_name="orders")
    # SQLite 3.35+ drops a column in place; a batch copy of `orders` would trip over the
    # triggers of other tables that name it (the report roll-ups of 0010).
    op.execute("ALTER TABLE orders DROP COLUMN idempotency_key")

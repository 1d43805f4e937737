"""desk roll-ups: orders taken per operator and day, calls per operator and day, a summary
per client (last order, usual product), kept by triggers

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-09

The `orders` and `lost-clients` reports read these instead of every order of the period
(dispatcher.reports.desk_rollups says what each holds and why triggers). An existing database
gets its history rolled up here, in the migration's transaction, before the triggers exist.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dispatcher.reports import desk_rollups

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LAYOUT = {"sqlite_with_rowid": False}  # rows kept in their key's b-tree, as in 0010


def _sums(*names: str) -> list[sa.Column]:
    return [sa.Column(n, sa.BigInteger(), nullable=False) for n in names]


def upgrade() -> None:
    op.create_table(
        "report_day_taken",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("operator", sa.String(100), primary_key=True),
        sa.Column("state", sa.String(16), primary_key=True),
        sa.Column("reason_id", sa.Integer(), primary_key=True),
        sa.Column("failed", sa.Integer(), primary_key=True),
        *_sums("orders"),
        **_LAYOUT,
    )
    op.create_table(
        "report_day_calls",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("operator", sa.String(100), primary_key=True),
        *_sums("calls", "answered", "missed"),
        **_LAYOUT,
    )
    op.create_table(
        "report_client_summary",
        sa.Column("client_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("last_order_at", sa.DateTime(timezone=True), nullable=False),
        *_sums("orders", "sum_kop"),
        sa.Column("usual_product_id", sa.Integer(), nullable=True),
        *_sums("usual_orders", "usual_qty"),
    )
    op.create_index(
        "ix_report_client_summary_last", "report_client_summary", ["last_order_at", "client_id"]
    )
    conn = op.get_bind()
    desk_rollups.backfill(conn)
    desk_rollups.create_triggers(conn)


def downgrade() -> None:
    desk_rollups.drop_triggers(op.get_bind())
    op.drop_index("ix_report_client_summary_last", table_name="report_client_summary")
    for table in ("report_client_summary", "report_day_calls", "report_day_taken"):
        op.drop_table(table)

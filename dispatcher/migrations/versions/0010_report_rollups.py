"""report roll-ups: delivered lines, orders and clients per Moscow day, kept by triggers

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-08

Creates the tables, fills them from the orders already closed (an existing database gets
its history rolled up here, in the migration's transaction) and then the triggers that keep
them exact (dispatcher.reports.rollups says why triggers).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dispatcher.reports import rollups

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


CLIENT_INDEXES = {
    "ix_report_day_clients_kind_client": ["client_kind", "client_id", "day", "orders"],
    "ix_report_day_clients_day": ["day", "courier_id", "client_kind", "client_id", "orders"],
}


def _key(*names: str) -> list[sa.Column]:
    types = {"day": sa.Date(), "client_kind": sa.String(16), "payment_method": sa.String(16)}
    return [sa.Column(n, types.get(n, sa.Integer()), primary_key=True) for n in names]


def _sums(*names: str) -> list[sa.Column]:
    return [sa.Column(n, sa.BigInteger(), nullable=False) for n in names]


# SQLite keeps each row in its key's b-tree (no rowid table beside it): a range of days is
# then read from one b-tree, never row by row from a second one.
_LAYOUT = {"sqlite_with_rowid": False}


def upgrade() -> None:
    op.create_table(
        "report_day_lines",
        *_key("day", "courier_id", "client_kind", "product_id"),
        *_sums("qty", "sum_kop"),
        **_LAYOUT,
    )
    op.create_table(
        "report_day_orders",
        *_key("day", "courier_id", "client_kind", "payment_method"),
        *_sums("orders", "goods_orders", "due_kop", "collected_kop"),
        **_LAYOUT,
    )
    # Keyed per courier and client, so a year's distinct clients per courier stream in key
    # order; the two indexes serve a month (by day) and the clients across couriers.
    op.create_table(
        "report_day_clients",
        *_key("courier_id", "client_kind", "client_id", "day"),
        *_sums("orders"),
        **_LAYOUT,
    )
    for name, columns in CLIENT_INDEXES.items():
        op.create_index(name, "report_day_clients", columns)
    # Per client first: a client's balance up to a day is one range of its key.
    op.create_table(
        "report_client_bottles",
        *_key("client_id", "day", "courier_id", "client_kind"),
        *_sums("delivered", "returned"),
        **_LAYOUT,
    )
    op.create_index(
        "ix_report_client_bottles_day",
        "report_client_bottles",
        ["day", "client_id", "courier_id", "client_kind", "delivered", "returned"],
    )
    conn = op.get_bind()
    rollups.backfill(conn)
    rollups.create_triggers(conn)


def downgrade() -> None:
    rollups.drop_triggers(op.get_bind())
    for name in CLIENT_INDEXES:
        op.drop_index(name, table_name="report_day_clients")
    op.drop_index("ix_report_client_bottles_day", table_name="report_client_bottles")
    for table in (
        "report_client_bottles",
        "report_day_clients",
        "report_day_orders",
        "report_day_lines",
    ):
        op.drop_table(table)

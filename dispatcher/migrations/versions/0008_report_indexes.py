"""report indexes: order events by action and moment, orders by client, merged clients

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-08

Numbered 0008 so that a 0007 written at the same time on another branch fits before it.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The reports find the orders closed (or taken) in a period through their audit rows:
    # a range of one action's moments, with the order id in the index so the table itself
    # is never read for it.
    op.create_index(
        "ix_order_events_action_at", "order_events", ["action", "at", "order_id"], unique=False
    )
    # Lost clients: each client's last order and count from the index alone, in client order.
    op.create_index(
        "ix_orders_client_id_state_created_at",
        "orders",
        ["client_id", "state", "created_at"],
        unique=False,
    )
    # The duplicates merged into a client (their history counts as the client's).
    op.create_index("ix_clients_merged_into_id", "clients", ["merged_into_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_clients_merged_into_id", table_name="clients")
    op.drop_index("ix_orders_client_id_state_created_at", table_name="orders")
    op.drop_index("ix_order_events_action_at", table_name="order_events")

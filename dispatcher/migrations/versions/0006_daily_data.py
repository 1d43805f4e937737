"""daily data: users, client audit, address intercom/retired, dated prices, contract dates,
courier working days and hours

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", _UTC, nullable=True),
        sa.Column("last_login_at", _UTC, nullable=True),
        sa.Column("created_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("login", name=op.f("uq_users_login")),
    )
    op.create_table(
        "client_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("at", _UTC, nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_client_events_client_id_clients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_events")),
    )
    op.create_index(op.f("ix_client_events_client_id"), "client_events", ["client_id"])
    with op.batch_alter_table("addresses") as batch:
        batch.add_column(
            sa.Column("intercom", sa.String(length=20), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("retired", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("price_lists") as batch:
        batch.add_column(sa.Column("valid_from", sa.Date(), nullable=True))
        batch.add_column(sa.Column("valid_to", sa.Date(), nullable=True))
    with op.batch_alter_table("prices") as batch:
        batch.add_column(
            sa.Column(
                "valid_from", sa.Date(), nullable=False, server_default=sa.text("'2000-01-01'")
            )
        )
        batch.drop_constraint("uq_prices_price_list_id", type_="unique")
        batch.create_unique_constraint(
            "uq_prices_from", ["price_list_id", "product_id", "valid_from"]
        )
    with op.batch_alter_table("couriers") as batch:
        batch.add_column(sa.Column("work_days", sa.Integer(), nullable=False, server_default="127"))
        batch.add_column(sa.Column("work_start", sa.Time(), nullable=True))
        batch.add_column(sa.Column("work_end", sa.Time(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("couriers") as batch:
        batch.drop_column("work_end")
        batch.drop_column("work_start")
        batch.drop_column("work_days")
    with op.batch_alter_table("prices") as batch:
        batch.drop_constraint("uq_prices_from", type_="unique")
        batch.create_unique_constraint("uq_prices_price_list_id", ["price_list_id", "product_id"])
        batch.drop_column("valid_from")
    with op.batch_alter_table("price_lists") as batch:
        batch.drop_column("valid_to")
        batch.drop_column("valid_from")
    with op.batch_alter_table("addresses") as batch:
        batch.drop_column("retired")
        batch.drop_column("intercom")
    op.drop_index(op.f("ix_client_events_client_id"), table_name="client_events")
    op.drop_table("client_events")
    op.drop_table("users")

"""complaints: reasons with standard times, complaints, their orders, history, department
threads and messages, and the complaint search words

Revision ID: 0012
Revises: 0008
Create Date: 2026-12-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UTC = sa.DateTime(timezone=True)
_TERM = sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql")

# The reasons a call-center of the reference customer starts with, and their standard hours.
STARTING_REASONS = (
    ("Опоздание курьера", 24),
    ("Недовоз / не та вода", 24),
    ("Качество воды", 72),
    ("Повреждённая тара", 48),
    ("Поломка кулера", 72),
    ("Грубость курьера", 48),
    ("Ошибка в счёте / оплате", 120),
    ("Жалоба курьеру при доставке", 48),  # a courier's note at a failed delivery
)


def upgrade() -> None:
    op.create_table(
        "complaint_reasons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_reasons")),
        sa.UniqueConstraint("name", name=op.f("uq_complaint_reasons_name")),
    )
    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("reason_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("guilty_department", sa.String(length=100), nullable=False),
        sa.Column("guilty_person", sa.String(length=200), nullable=False),
        sa.Column("responsible", sa.String(length=64), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("remedy", sa.String(length=16), nullable=False),
        sa.Column("deadline", _UTC, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("satisfied", sa.Boolean(), nullable=True),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("registered_by", sa.String(length=64), nullable=False),
        sa.Column("registered_at", _UTC, nullable=False),
        sa.Column("resolved_at", _UTC, nullable=True),
        sa.Column("confirmed_by", sa.String(length=64), nullable=True),
        sa.Column("review_due", _UTC, nullable=True),
        sa.Column("source_interaction_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_complaints_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["reason_id"],
            ["complaint_reasons.id"],
            name=op.f("fk_complaints_reason_id_complaint_reasons"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
    )
    op.create_index("ix_complaints_client_id_id", "complaints", ["client_id", "id"])
    op.create_index("ix_complaints_status_deadline", "complaints", ["status", "deadline"])
    op.create_index(op.f("ix_complaints_review_due"), "complaints", ["review_due"])
    op.create_table(
        "complaint_orders",
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_orders_complaint_id_complaints"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_complaint_orders_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("complaint_id", "order_id", name=op.f("pk_complaint_orders")),
    )
    op.create_index(op.f("ix_complaint_orders_order_id"), "complaint_orders", ["order_id"])
    op.create_table(
        "complaint_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("at", _UTC, nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_events_complaint_id_complaints"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_events")),
    )
    op.create_index(op.f("ix_complaint_events_complaint_id"), "complaint_events", ["complaint_id"])
    op.create_table(
        "complaint_threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=100), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_threads_complaint_id_complaints"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_threads")),
        sa.UniqueConstraint("complaint_id", "department", name="uq_complaint_threads_department"),
    )
    op.create_index("ix_complaint_threads_open_due", "complaint_threads", ["open", "due"])
    op.create_table(
        "complaint_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("at", _UTC, nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["complaint_threads.id"],
            name=op.f("fk_complaint_messages_thread_id_complaint_threads"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_messages")),
    )
    op.create_index(op.f("ix_complaint_messages_thread_id"), "complaint_messages", ["thread_id"])
    op.create_table(
        "complaint_terms",
        sa.Column("term", _TERM, nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_terms_complaint_id_complaints"),
        ),
        sa.PrimaryKeyConstraint("term", "complaint_id", name=op.f("pk_complaint_terms")),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_complaint_terms_complaint_id_term", "complaint_terms", ["complaint_id", "term"]
    )
    reasons = sa.table(
        "complaint_reasons",
        sa.column("name", sa.String),
        sa.column("hours", sa.Integer),
        sa.column("active", sa.Boolean),
    )
    op.bulk_insert(reasons, [{"name": n, "hours": h, "active": True} for n, h in STARTING_REASONS])


def downgrade() -> None:
    op.drop_index("ix_complaint_terms_complaint_id_term", table_name="complaint_terms")
    op.drop_table("complaint_terms")
    op.drop_index(op.f("ix_complaint_messages_thread_id"), table_name="complaint_messages")
    op.drop_table("complaint_messages")
    op.drop_index("ix_complaint_threads_open_due", table_name="complaint_threads")
    op.drop_table("complaint_threads")
    op.drop_index(op.f("ix_complaint_events_complaint_id"), table_name="complaint_events")
    op.drop_table("complaint_events")
    op.drop_index(op.f("ix_complaint_orders_order_id"), table_name="complaint_orders")
    op.drop_table("complaint_orders")
    op.drop_index(op.f("ix_complaints_review_due"), table_name="complaints")
    op.drop_index("ix_complaints_status_deadline", table_name="complaints")
    op.drop_index("ix_complaints_client_id_id", table_name="complaints")
    op.drop_table("complaints")
    op.drop_table("complaint_reasons")

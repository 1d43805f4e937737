"""client portal: invitations, portal orders waiting for confirmation, complaint attachments,
applied portal feed items, and the portal message's reply deadline on interactions

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-15

Interaction kinds are plain strings (no native enum), so the new kind "message" needs no
ALTER TYPE on PostgreSQL.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UTC = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "portal_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("code_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        sa.Column("expires_at", _UTC, nullable=False),
        sa.Column("voided_at", _UTC, nullable=True),
        sa.Column("revoked_at", _UTC, nullable=True),
        sa.Column("revoked_by", sa.String(length=64), nullable=True),
        _fk("portal_invitations", "client_id", "clients"),
        _fk("portal_invitations", "contact_id", "contacts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_invitations")),
        sa.UniqueConstraint("code_sha256", name=op.f("uq_portal_invitations_code_sha256")),
    )
    op.create_index(
        "ix_portal_invitations_client_contact", "portal_invitations", ["client_id", "contact_id"]
    )
    op.create_table(
        "portal_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("received_at", _UTC, nullable=False),
        sa.Column("wanted_date", sa.Date(), nullable=True),
        sa.Column("window_start", sa.Time(), nullable=True),
        sa.Column("window_end", sa.Time(), nullable=True),
        sa.Column("rejected", sa.Text(), nullable=False),
        sa.Column("confirmed_at", _UTC, nullable=True),
        sa.Column("confirmed_by", sa.String(length=64), nullable=True),
        _fk("portal_requests", "order_id", "orders"),
        _fk("portal_requests", "client_id", "clients"),
        _fk("portal_requests", "contact_id", "contacts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_requests")),
        sa.UniqueConstraint("order_id", name=op.f("uq_portal_requests_order_id")),
        sa.UniqueConstraint("request_id", name=op.f("uq_portal_requests_request_id")),
    )
    op.create_index(op.f("ix_portal_requests_client_id"), "portal_requests", ["client_id"])
    op.create_index(
        "ix_portal_requests_confirmed_received", "portal_requests", ["confirmed_at", "received_at"]
    )
    op.create_table(
        "complaint_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        _fk("complaint_attachments", "complaint_id", "complaints"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_attachments")),
    )
    op.create_index(
        op.f("ix_complaint_attachments_complaint_id"), "complaint_attachments", ["complaint_id"]
    )
    op.create_table(
        "portal_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("cursor", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("received_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_events")),
        sa.UniqueConstraint("event_id", name=op.f("uq_portal_events_event_id")),
    )
    op.create_index(op.f("ix_portal_events_target_id"), "portal_events", ["target_id"])
    with op.batch_alter_table("interactions") as batch:
        batch.add_column(sa.Column("reply_due", _UTC, nullable=True))
        batch.create_index(op.f("ix_interactions_reply_due"), ["reply_due"])


def downgrade() -> None:
    with op.batch_alter_table("interactions") as batch:
        batch.drop_index(op.f("ix_interactions_reply_due"))
        batch.drop_column("reply_due")
    for table in ("portal_events", "complaint_attachments", "portal_requests"):
        op.drop_table(table)
    op.drop_table("portal_invitations")

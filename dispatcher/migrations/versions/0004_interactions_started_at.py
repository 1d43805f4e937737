"""index calls by start time: today's calls and the callback list read by day

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_interactions_started_at", "interactions", ["started_at"])


def downgrade() -> None:
    op.drop_index("ix_interactions_started_at", table_name="interactions")

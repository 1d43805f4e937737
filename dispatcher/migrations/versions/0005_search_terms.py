"""search_terms: the word index of client names and addresses for search-as-you-type

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dispatcher.search_index import backfill

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TERM = sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql")
_LABEL = sa.String(length=16).with_variant(sa.String(length=16, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "search_terms",
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("term", _TERM, nullable=False),
        sa.Column("label", _LABEL, nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_search_terms_client_id_clients")
        ),
        sa.PrimaryKeyConstraint("kind", "term", "label", "client_id", name=op.f("pk_search_terms")),
        sqlite_with_rowid=False,
    )
    # Filled before the secondary index exists: building it once at the end is much
    # cheaper than maintaining it row by row. The words are made by today's code on
    # purpose: a later change of the normalisation comes with a migration that rebuilds.
    conn = op.get_bind()
    backfill(conn)
    op.create_index(
        "ix_search_terms_client_id_term", "search_terms", ["client_id", "term"], unique=False
    )
    # Fresh statistics, so that the planners know the index is selective.
    op.execute("ANALYZE search_terms")


def downgrade() -> None:
    op.drop_index("ix_search_terms_client_id_term", table_name="search_terms")
    op.drop_table("search_terms")

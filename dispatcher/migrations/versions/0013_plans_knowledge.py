"""planned interactions (subject, due, responsible, done) and the knowledge base

Revision ID: 0013
Revises: 0008
Create Date: 2026-12-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UTC = sa.DateTime(timezone=True)
_TERM = sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql")


def upgrade() -> None:
    # Batch mode: SQLite cannot add a column with a foreign key in place (PostgreSQL can,
    # and batch mode there is plain ALTER TABLE).
    with op.batch_alter_table("interactions") as batch:
        batch.add_column(
            sa.Column("subject", sa.String(length=300), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("due_at", _UTC, nullable=True))
        batch.add_column(
            sa.Column("responsible", sa.String(length=64), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("done_at", _UTC, nullable=True))
        batch.add_column(sa.Column("done_call_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("planned_from_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_interactions_done_call_id_interactions"),
            "interactions",
            ["done_call_id"],
            ["id"],
        )
        batch.create_foreign_key(
            op.f("fk_interactions_planned_from_id_interactions"),
            "interactions",
            ["planned_from_id"],
            ["id"],
        )
        batch.create_index(
            "ix_interactions_responsible_done_due", ["responsible", "done_at", "due_at"]
        )
    op.create_table(
        "kb_articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=500), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("keywords", sa.String(length=500), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_articles")),
    )
    op.create_table(
        "kb_terms",
        sa.Column("term", _TERM, nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["kb_articles.id"], name=op.f("fk_kb_terms_article_id_kb_articles")
        ),
        sa.PrimaryKeyConstraint("term", "weight", "article_id", name=op.f("pk_kb_terms")),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_kb_terms_article_term", "kb_terms", ["article_id", "term", "weight"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_kb_terms_article_term", table_name="kb_terms")
    op.drop_table("kb_terms")
    op.drop_table("kb_articles")
    with op.batch_alter_table("interactions") as batch:
        batch.drop_index("ix_interactions_responsible_done_due")
        batch.drop_constraint(
            op.f("fk_interactions_planned_from_id_interactions"), type_="foreignkey"
        )
        batch.drop_constraint(op.f("fk_interactions_done_call_id_interactions"), type_="foreignkey")
        for column in (
            "planned_from_id",
            "done_call_id",
            "done_at",
            "responsible",
            "due_at",
            "subject",
        ):
            batch.drop_column(column)

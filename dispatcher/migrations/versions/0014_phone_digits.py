"""phone digits: every tail of four digits and more of each phone, for numbers typed from
the middle ("45-67"), kept by triggers on phones

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-08

A substring of a number is the start of one of its tails, so a fragment is a range of this
table's key instead of a scan of every phone. Triggers rather than an ORM hook: the desks,
`dispatch`, the seeder's bulk loads and an admin's SQL all keep it. The country code's digit
is left out (a number typed from its start is a range of the E.164 index already).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SUFFIX = sa.String(length=20).with_variant(sa.String(length=20, collation="C"), "postgresql")
_SHORTEST = 4
_LONGEST_E164 = 15  # digits: ITU-T E.164


def _tails(e164: str, phone_id: str) -> str:
    """A SELECT of (suffix, phone_id): the tails of one E.164 number from its second digit.

    Spelled out position by position: SQLite's triggers take no WITH and no table functions.
    """
    digits = f"replace({e164}, '+', '')"
    positions = range(2, _LONGEST_E164 - _SHORTEST + 2)
    tails = " UNION ALL ".join(f"SELECT substr({digits}, {k}) AS s" for k in positions)
    return f"SELECT s, {phone_id} FROM ({tails}) AS t WHERE length(s) >= {_SHORTEST}"


def upgrade() -> None:
    op.create_table(
        "phone_digits",
        sa.Column("suffix", _SUFFIX, nullable=False),
        sa.Column("phone_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("suffix", "phone_id", name=op.f("pk_phone_digits")),
        sqlite_with_rowid=False,
    )
    # The old rows are found by their own key (no second index on phone_id to keep).
    remove = (
        "DELETE FROM phone_digits WHERE phone_id = OLD.id AND suffix IN"
        f" (SELECT s FROM ({_tails('OLD.e164', 'OLD.id')}) AS old_tails)"
    )
    add = f"INSERT INTO phone_digits (suffix, phone_id) {_tails('NEW.e164', 'NEW.id')}"
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION dispatch_phone_digits() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'INSERT' THEN {remove}; END IF;
                IF TG_OP <> 'DELETE' THEN {add}; END IF;
                RETURN NULL;
            END $$
            """
        )
        op.execute(
            "CREATE TRIGGER phones_digits AFTER INSERT OR DELETE OR UPDATE OF e164 ON phones"
            " FOR EACH ROW EXECUTE FUNCTION dispatch_phone_digits()"
        )
    else:
        op.execute(f"CREATE TRIGGER phones_digits_insert AFTER INSERT ON phones BEGIN {add}; END")
        op.execute(
            "CREATE TRIGGER phones_digits_update AFTER UPDATE OF e164 ON phones"
            f" BEGIN {remove}; {add}; END"
        )
        op.execute(
            f"CREATE TRIGGER phones_digits_delete AFTER DELETE ON phones BEGIN {remove}; END"
        )
    # Existing phones, in key order (appending to the b-tree is the cheap way to fill it).
    digits = "replace(e164, '+', '')"
    positions = range(2, _LONGEST_E164 - _SHORTEST + 2)
    tails = " UNION ALL ".join(
        f"SELECT substr({digits}, {k}) AS s, id FROM phones" for k in positions
    )
    op.execute(
        f"INSERT INTO phone_digits (suffix, phone_id) SELECT s, id FROM ({tails}) AS t"
        f" WHERE length(s) >= {_SHORTEST} ORDER BY s, id"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS phones_digits ON phones")
        op.execute("DROP FUNCTION IF EXISTS dispatch_phone_digits()")
    else:
        for verb in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS phones_digits_{verb}")
    op.drop_table("phone_digits")

"""`dispatch db upgrade|status`: the database schema."""

from __future__ import annotations

from dispatcher.cli.base import Cli, Command, Subparsers, always, safe_url
from dispatcher.migrate import current_revision, head_revision, upgrade


def add_db_parser(sub: Subparsers) -> None:
    """Add `db` and its subcommands."""
    db = sub.add_parser("db", help="database schema").add_subparsers(dest="db_cmd", required=True)
    db.add_parser("upgrade", help="apply migrations up to the newest schema")
    db.add_parser("status", help="show the schema revision and where the database is")


def run_db(cli: Cli) -> int:
    """`dispatch db upgrade|status`: apply or report the schema."""
    if cli.args.db_cmd == "upgrade":
        before = current_revision(cli.engine)
        upgrade(cli.engine)
        after = current_revision(cli.engine)
        cli.emit(
            {"url": safe_url(cli.engine), "from": before, "to": after},
            f"Database {safe_url(cli.engine)} upgraded: {before or 'empty'} → {after}",
        )
        return 0
    current, head = current_revision(cli.engine), head_revision()
    cli.emit(
        {
            "url": safe_url(cli.engine),
            "revision": current,
            "head": head,
            "up_to_date": current == head,
        },
        f"{safe_url(cli.engine)}: schema {current or 'none'} (newest {head})",
    )
    return 0


DB = Command("db", add_db_parser, run_db, needs_schema=False, anonymous=always)

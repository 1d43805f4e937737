"""`dispatch db upgrade|status|check`: the database schema."""

from __future__ import annotations

from dispatcher.cli.base import Cli, Command, Subparsers, UserError, always, safe_url
from dispatcher.migrate import MigrationFailed, current_revision, head_revision, upgrade_with_backup


def add_db_parser(sub: Subparsers) -> None:
    """Add `db` and its subcommands."""
    db = sub.add_parser("db", help="database schema").add_subparsers(dest="db_cmd", required=True)
    db.add_parser("upgrade", help="apply migrations up to the newest schema")
    db.add_parser("status", help="show the schema revision and where the database is")
    db.add_parser("check", help="exit 0 when the database answers and its schema is the newest")


def run_db(cli: Cli) -> int:
    """`dispatch db upgrade|status`: apply or report the schema."""
    if cli.args.db_cmd == "upgrade":
        try:  # an SQLite file is backed up first and restored when a migration fails
            done = upgrade_with_backup(cli.engine)
        except MigrationFailed as exc:
            raise UserError(str(exc)) from None
        backup = f" (backup: {done.backup})" if done.backup else ""
        cli.emit(
            {
                "url": safe_url(cli.engine),
                "from": done.before,
                "to": done.after,
                "backup": str(done.backup) if done.backup else None,
            },
            f"Database {safe_url(cli.engine)} upgraded: {done.before or 'empty'} → "
            f"{done.after}{backup}",
        )
        return 0
    current, head = current_revision(cli.engine), head_revision()
    if cli.args.db_cmd == "check":  # `dispatch --check`: an admin's one-line verdict
        fine = current == head
        verdict = "ok" if fine else "FAIL"
        advice = "" if fine else " — run `dispatch db upgrade`"
        cli.emit(
            {"url": safe_url(cli.engine), "revision": current, "head": head, "ok": fine},
            f"{verdict}  database {safe_url(cli.engine)}: schema {current or 'none'} "
            f"(newest {head}){advice}",
        )
        return 0 if fine else 2
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

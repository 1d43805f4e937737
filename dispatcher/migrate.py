"""Bring a database to the newest schema with Alembic (`dispatch db upgrade`).

The embedded SQLite file is copied (SQLite's online backup API, so a file in WAL mode is
copied consistently) next to itself before any migration runs; a migration that fails puts
the copy back, so an operator's PC never stays on a half-migrated file. PostgreSQL runs the
migrations in one transaction and needs no copy: a failure rolls everything back.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BACKUP_INFIX = ".bak-"
KEEP_BACKUPS = 3  # enough to step back over a bad upgrade, not enough to fill the disk


class MigrationFailed(RuntimeError):
    """A migration failed; the message says whether the backup was put back and where it is."""


@dataclass(frozen=True, slots=True)
class UpgradeResult:
    """What `upgrade_with_backup` did: revisions before and after, and the backup it made."""

    before: str | None
    after: str | None
    backup: Path | None = None


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration pointing at the migrations shipped inside the package."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every migration up to `revision` on the engine's database."""
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it has never been migrated."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    """The newest revision the code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def sqlite_file(engine: Engine) -> Path | None:
    """The file of an SQLite engine (None for PostgreSQL or an in-memory database)."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _copy(source: Path, target: Path) -> None:
    # The backup API copies page by page under SQLite's own locks: safe while WAL is in use.
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def backups_of(path: Path) -> list[Path]:
    """The backups made of ``path``, oldest first."""
    return sorted(path.parent.glob(f"{path.name}{BACKUP_INFIX}*"), key=lambda b: _order(path, b))


def _order(path: Path, backup: Path) -> tuple[str, int]:
    # "…bak-20250301-101500" comes before "…bak-20250301-101500-2" (the same second)
    stamp = backup.name[len(path.name) + len(BACKUP_INFIX) :]
    day, _, rest = stamp.partition("-")
    clock, _, n = rest.partition("-")
    return f"{day}-{clock}", int(n) if n.isdigit() else 1


def backup_sqlite(path: Path, *, keep: int = KEEP_BACKUPS, now: dt.datetime | None = None) -> Path:
    """Copy the SQLite file to ``FILE.bak-YYYYmmdd-HHMMSS`` beside it; keep the newest ``keep``."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}{BACKUP_INFIX}{stamp}")
    taken = [_order(path, p)[1] for p in path.parent.glob(f"{target.name}*")]
    if taken:  # two upgrades within a second (tests, scripts): number them on
        target = path.with_name(f"{target.name}-{max(taken) + 1}")
    _copy(path, target)
    for old in backups_of(path)[:-keep]:
        old.unlink(missing_ok=True)
    logger.info("Database %s backed up to %s", path, target)
    return target


def restore_sqlite(backup: Path, path: Path) -> None:
    """Put ``backup`` back as ``path`` (through the backup API, so the WAL stays consistent)."""
    _copy(backup, path)


def upgrade_with_backup(engine: Engine) -> UpgradeResult:
    """Migrate to the newest schema; an SQLite file is backed up first and restored on failure.

    Raises MigrationFailed naming the error, whether the file was restored, and the backup.
    Nothing is copied when the schema is already the newest.
    """
    before, head = current_revision(engine), head_revision()
    if before == head:
        return UpgradeResult(before, before)
    path = sqlite_file(engine)
    backup = None
    if path is not None and before is not None and path.exists():
        engine.dispose()  # no connection of ours holds a transaction during the copy
        backup = backup_sqlite(path)
    try:
        upgrade(engine)
    except Exception as exc:
        engine.dispose()
        if backup is None:
            logger.error("Migration from %s to %s failed: %s", before, head, exc)
            raise MigrationFailed(
                f"The database upgrade from schema {before or 'empty'} to {head} failed: {exc}. "
                "Nothing was changed."
            ) from exc
        assert path is not None
        try:
            restore_sqlite(backup, path)
        except Exception as again:
            logger.error("Migration failed (%s) and restoring %s failed: %s", exc, backup, again)
            raise MigrationFailed(
                f"The database upgrade from schema {before} to {head} failed: {exc}. Restoring "
                f"the backup failed too ({again}): copy {backup} over {path} by hand."
            ) from exc
        logger.error(
            "Migration from %s to %s failed: %s; %s restored from %s",
            before,
            head,
            exc,
            path,
            backup,
        )
        raise MigrationFailed(
            f"The database upgrade from schema {before} to {head} failed: {exc}. The database "
            f"was restored from the backup {backup} and is as before the upgrade."
        ) from exc
    return UpgradeResult(before, current_revision(engine), backup)

"""Bring the service's database to the newest schema with its own Alembic scripts."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# Its own version table, so the service can share a PostgreSQL database with the desktop.
VERSION_TABLE = "courier_sync_alembic_version"


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
    with engine.connect().execution_options(sqlite_immediate=True) as conn, conn.begin():
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Undo migrations down to `revision` ("base" for an empty database)."""
    cfg = alembic_config()
    with engine.connect().execution_options(sqlite_immediate=True) as conn, conn.begin():
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it has never been migrated."""
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        return ctx.get_current_revision()


def head_revision() -> str:
    """The newest revision the code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head

"""The versions an admin quotes in a ticket: the app, pjsip, Qt, PySide6, Python, the database.

`dispatch-desk --version` prints `version_text()` without opening a window or a database;
Help → About adds the database's dialect, server version and schema revision
(`database_versions`, run off the GUI thread) and the configuration files in use.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from importlib import metadata

from sqlalchemy.orm import Session

APP_TITLE = "Dispatch Desk"


def app_version() -> str:
    """The installed package's version, or "dev" when running from an uninstalled tree."""
    try:
        return metadata.version("dispatch-desk")
    except metadata.PackageNotFoundError:
        return "dev"


def pjsip_version() -> str:
    """pjproject's version as pjsua2 reports it (without creating an Endpoint)."""
    try:
        import pjsua2
    except Exception as exc:  # missing or broken native library: say so, don't fail --version
        return f"not available ({type(exc).__name__})"
    # The wheel is "2.15.1.post1": pjproject 2.15.1, packaging revision 1.
    version = str(getattr(pjsua2, "__version__", "unknown"))
    return version.split(".post")[0]


@dataclass(frozen=True, slots=True)
class Versions:
    """The program's parts and their versions."""

    app: str
    pjsip: str
    qt: str
    pyside: str
    python: str


def runtime_versions() -> Versions:
    """What runs in this process (Qt's own runtime version, not the one PySide6 was built for)."""
    import PySide6
    from PySide6.QtCore import qVersion

    return Versions(
        app=app_version(),
        pjsip=pjsip_version(),
        qt=qVersion(),
        pyside=PySide6.__version__,
        python=platform.python_version(),
    )


def version_text(versions: Versions | None = None) -> str:
    """`dispatch-desk --version`: two lines."""
    v = versions or runtime_versions()
    return (
        f"{APP_TITLE} {v.app}\n"
        f"pjsip {v.pjsip} (pjsua2), Qt {v.qt} (PySide6 {v.pyside}), Python {v.python}"
    )


@dataclass(frozen=True, slots=True)
class DatabaseVersions:
    """The database as About shows it."""

    dialect: str  # "SQLite" or "PostgreSQL"
    server: str  # "3.40.1", "15.18 (Debian …)"
    revision: str  # the schema revision, "none" when never migrated
    head: str  # the revision this program needs


def database_versions(session: Session) -> DatabaseVersions:
    """Dialect, server version and schema revision of the session's database (a worker job)."""
    from sqlalchemy import text

    from dispatcher.migrate import head_revision

    conn = session.connection()
    dialect = conn.dialect.name
    if dialect == "sqlite":
        name, server = "SQLite", conn.execute(text("SELECT sqlite_version()")).scalar_one()
    else:
        name = "PostgreSQL"
        server = conn.execute(text("SHOW server_version")).scalar_one()
    from alembic.runtime.migration import MigrationContext

    revision = MigrationContext.configure(conn).get_current_revision()
    return DatabaseVersions(name, str(server), revision or "none", head_revision())

"""Why the workspace cannot start, said once in an admin's words: what is wrong, what to change.

A database it cannot open (a wrong URL, PostgreSQL down, a read-only or damaged SQLite
file, a migration that failed) or a SIP port another program holds becomes one
`StartupProblem`: printed on stderr, written to the log, and shown in a window when there is
a display — never a traceback. The display itself is `app.display_check`'s business.
"""

from __future__ import annotations

import logging
import socket
import sys
from dataclasses import dataclass
from typing import TextIO

from app.settings import AppSettings, source_of
from app.settings.layers import DEFAULT

logger = logging.getLogger(__name__)


@dataclass(eq=False)  # not frozen: raising sets __traceback__ and __cause__ on it
class StartupProblem(Exception):
    """A reason the workspace cannot start and what to change; ``message()`` is the whole text."""

    summary: str
    remedy: str
    detail: str = ""

    def message(self) -> str:
        """The text for stderr and the window."""
        parts = [self.summary, self.remedy]
        if self.detail:
            parts.append(f"(the system said: {self.detail})")
        return "\n".join(parts)

    def __str__(self) -> str:
        """The same as `message()`, so a log line reads the same."""
        return self.message()


def _where_set(settings: AppSettings, key: str, option: str) -> str:
    source = source_of(settings, key)
    section, name = key.split(".")
    if source == DEFAULT:
        return f"set {option} or [{section}] {name} in a configuration file"
    if source.startswith("command line"):
        return f"change {option} on the command line"
    return f"change [{section}] {name} in {source}"


def _masked(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "the configured database"


def database_problem(settings: AppSettings, exc: BaseException) -> StartupProblem:
    """What went wrong opening the database of ``settings``, and what to change."""
    from dispatcher.migrate import MigrationFailed

    url = settings.db_url
    shown = _masked(url)
    where = _where_set(settings, "database.url", "--db URL")
    if isinstance(exc, MigrationFailed):
        return StartupProblem(
            f"dispatch-desk: the database {shown} could not be upgraded to this version.",
            f"{exc}\nStart the previous version of Dispatch Desk, or send the log to the admin.",
        )
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    low = text.lower()
    is_sqlite = url.startswith("sqlite")
    if is_sqlite and ("readonly" in low or "read-only" in low or isinstance(exc, PermissionError)):
        return StartupProblem(
            f"dispatch-desk: the database file of {shown} is read-only for this user.",
            "Give this user write access to the file and its folder (SQLite writes a journal "
            f"beside it), or {where}.",
            text,
        )
    if is_sqlite and ("not a database" in low or "malformed" in low):
        return StartupProblem(
            f"dispatch-desk: the database file of {shown} is damaged (not an SQLite database).",
            "Restore it from a backup (dispatch.sqlite3.bak-DATE beside it, made before each "
            f"upgrade), or {where}.",
            text,
        )
    if is_sqlite and ("unable to open" in low or isinstance(exc, OSError)):
        return StartupProblem(
            f"dispatch-desk: the database file of {shown} cannot be opened.",
            f"Check that its folder exists and this user may write there, or {where}.",
            text,
        )
    if "password authentication failed" in low or "authentication" in low:
        return StartupProblem(
            f"dispatch-desk: the database server refused the user of {shown}.",
            f"Check the user name and password in the URL: {where}.",
            text,
        )
    if "refused" in low or "could not connect" in low or "timeout" in low or "resolve" in low:
        return StartupProblem(
            f"dispatch-desk: the database server of {shown} does not answer.",
            f"Start the PostgreSQL server (or check the network to it), or {where}.",
            text,
        )
    if "schema" in low and "db upgrade" in low:
        return StartupProblem(f"dispatch-desk: {text}", f"The database is {shown}.")
    return StartupProblem(
        f"dispatch-desk: the database {shown} cannot be opened.",
        f"Check that it exists and is reachable, or {where}.",
        text,
    )


def sip_port_problem(settings: AppSettings) -> StartupProblem | None:
    """The SIP listen port is taken by another program (another desk?), or None when free."""
    port = settings.sip_listen_port
    if port == 0:
        return None
    host = settings.sip_listen_host
    for kind, name in ((socket.SOCK_DGRAM, "UDP"), (socket.SOCK_STREAM, "TCP")):
        probe = socket.socket(socket.AF_INET, kind)
        try:
            if kind == socket.SOCK_STREAM:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
        except OSError as exc:
            return StartupProblem(
                f"dispatch-desk: the SIP port {host}:{port} ({name}) is in use by another "
                "program — perhaps Dispatch Desk is already running on this PC.",
                "Close the other program, or "
                f"{_where_set(settings, 'sip.listen', '--sip-listen ADDR:PORT')} "
                "(the PBX must then send calls to the new port).",
                exc.strerror or str(exc),
            )
        finally:
            probe.close()
    return None


def report(problem: StartupProblem, *, window: bool, err: TextIO | None = None) -> None:
    """Say ``problem`` on stderr and in the log; in a message box too when ``window``."""
    print(problem.message(), file=err or sys.stderr)
    logger.error("The workspace did not start: %s", problem.message())
    if window:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "Dispatch Desk", problem.message())

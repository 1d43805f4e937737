"""SignInViewModel: who works at this desk — login and password checked off the GUI thread.

The login typed last time is remembered on this computer (a `LoginMemory`, passed in), so an
operator usually types only the password. The check runs `dispatcher.users.authenticate` on
the DbWorker; the answer comes back as a signal. A refusal (wrong password, too many of them,
a disabled account) is shown inline under the fields; the password is cleared, the login kept.

The same view model serves the sign-in at start and "switch operator" while the workspace
runs: `start()` makes it a fresh form again, `sign_out()` forgets who was signed in.

Signals:
    changed(): the login, the password, the busy flag or the message changed.
    signed_in(object): the password was right; the `dispatcher.users.Actor` who signed in.
    signed_out(): `sign_out()` was called; nobody works at this desk now.
    error(str): the sign-in was refused; the readable message (also in ``message``).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, Signal
from sqlalchemy.orm import Session

from app.domain_text import translate_text
from app.worker import UNEXPECTED, DbWorker
from dispatcher.models import UserRole
from dispatcher.users import Actor, authenticate, role_title

logger = logging.getLogger(__name__)

LAST_LOGIN_FILE = "last_login"


class LoginMemory(Protocol):
    """Where the login of the last sign-in is kept between runs."""

    def load(self) -> str:
        """The remembered login, or '' when there is none."""
        ...

    def save(self, login: str) -> None:
        """Remember ``login`` for the next sign-in."""
        ...


class FileLoginMemory:
    """The last login as one line in a small file (``last_login`` in the user data dir)."""

    def __init__(self, path: Path) -> None:
        """Remember in ``path`` (its folder is created on the first save)."""
        self.path = Path(path)

    def load(self) -> str:
        """The remembered login; '' when the file is missing or unreadable (logged)."""
        try:
            return self.path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return ""
        except (OSError, UnicodeDecodeError) as exc:
            logger.warning("cannot read the last login from %s: %s", self.path, exc)
            return ""

    def save(self, login: str) -> None:
        """Write ``login`` atomically; a disk that refuses only costs the convenience (logged)."""
        tmp_name = ""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Replaced in one step: a crash leaves the old login or the new one, never half.
            with tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=self.path.parent, prefix=".last_login.", delete=False
            ) as tmp:
                tmp_name = tmp.name
                tmp.write(login + "\n")
            os.replace(tmp_name, self.path)
        except OSError as exc:
            logger.warning("cannot remember the last login in %s: %s", self.path, exc)
            if tmp_name:
                Path(tmp_name).unlink(missing_ok=True)


class MemoryLoginMemory:
    """A LoginMemory that keeps the login only while the program runs (demo, tests)."""

    def __init__(self, login: str = "") -> None:
        """Start out remembering ``login``."""
        self.login = login

    def load(self) -> str:
        """The remembered login."""
        return self.login

    def save(self, login: str) -> None:
        """Remember ``login``."""
        self.login = login


Clock = Callable[[], dt.datetime]


class SignInViewModel(QObject):
    """The sign-in form's state and its check against the accounts in the database."""

    changed = Signal()
    signed_in = Signal(object)
    signed_out = Signal()
    error = Signal(str)

    def __init__(
        self,
        worker: DbWorker,
        memory: LoginMemory,
        *,
        clock: Clock | None = None,
        parent: QObject | None = None,
    ) -> None:
        """A form checking through ``worker``, its login remembered in ``memory``.

        ``clock`` gives the moment sign-in delays are measured from (tests inject one).
        """
        super().__init__(parent)
        self._worker = worker
        self._memory = memory
        self._clock = clock
        self._actor: Actor | None = None
        # Bumped by start() and each attempt: an answer to an older attempt is dropped.
        self._attempt = 0
        self._busy = False
        self._login = self._memory.load()
        self._password = ""
        self._message = ""

    # ---- state ------------------------------------------------------------------------

    @property
    def login(self) -> str:
        """The login as typed (pre-filled with the remembered one)."""
        return self._login

    @property
    def password(self) -> str:
        """The password as typed; cleared after every attempt."""
        return self._password

    @property
    def busy(self) -> bool:
        """The password is being checked."""
        return self._busy

    @property
    def message(self) -> str:
        """Why the last attempt was refused (shown under the fields), or ''."""
        return self._message

    @property
    def can_sign_in(self) -> bool:
        """Both fields are filled and nothing is being checked."""
        return bool(self._login.strip()) and bool(self._password) and not self._busy

    @property
    def password_first(self) -> bool:
        """The login is already there: the cursor starts in the password field."""
        return bool(self._login.strip())

    @property
    def actor(self) -> Actor | None:
        """Who signed in last (None before the first sign-in and after sign_out())."""
        return self._actor

    def role_text(self, role: UserRole | str) -> str:
        """The role as people call it, in the interface language ("shift lead")."""
        return translate_text(role_title(role))

    def actor_text(self, actor: Actor | None = None) -> str:
        """Who is signed in, for the status bar: "Иванова Мария (shift lead)"; '' for nobody."""
        actor = actor or self._actor
        if actor is None:
            return ""
        return self.tr("{0} ({1})").format(actor.name, self.role_text(actor.role))

    # ---- editing ----------------------------------------------------------------------

    def set_login(self, login: str) -> None:
        """The login as typed."""
        if login != self._login:
            self._login = login
            self.changed.emit()

    def set_password(self, password: str) -> None:
        """The password as typed."""
        if password != self._password:
            self._password = password
            self.changed.emit()

    def start(self) -> None:
        """A fresh form (at start or to switch operator): remembered login, nothing else."""
        self._attempt += 1  # a check still running belongs to the form shown before
        self._busy = False
        self._login = self._memory.load() or self._login
        self._password = ""
        self._message = ""
        self.changed.emit()

    def sign_out(self) -> None:
        """Forget who was signed in and show a fresh form; the workspace asks again."""
        was = self._actor
        self._actor = None
        self.start()
        if was is not None:
            logger.info("signed out", extra={"login": was.login})
            self.signed_out.emit()

    # ---- signing in -------------------------------------------------------------------

    def sign_in(self) -> None:
        """Check the login and password on the DbWorker; signed_in or error follows."""
        if self._busy:
            return
        login, password = self._login.strip(), self._password
        if not login or not password:
            # Nothing to ask the database: say what is missing, keep what was typed.
            self._message = (
                self.tr("Type your login.") if not login else self.tr("Type your password.")
            )
            self.changed.emit()
            self.error.emit(self._message)
            return
        self._attempt += 1
        attempt = self._attempt
        clock = self._clock

        # A named function, not a partial: the worker logs the job by name, never its password.
        def check_password(session: Session) -> Actor:
            return authenticate(session, login, password, now=clock() if clock else None)

        self._busy = True
        self._message = ""
        # The password is not kept on the form while it is checked, nor after.
        self._password = ""
        self.changed.emit()
        self._worker.submit(
            check_password,
            lambda actor: self._on_checked(attempt, actor),
            lambda message: self._on_refused(attempt, message),
        )

    def _on_checked(self, attempt: int, actor: Actor) -> None:
        if attempt != self._attempt:
            return
        self._busy = False
        self._actor = actor
        self._login = actor.login
        self._message = ""
        self._memory.save(actor.login)
        logger.info("signed in at this desk", extra={"login": actor.login})
        self.changed.emit()
        self.signed_in.emit(actor)

    def _on_refused(self, attempt: int, message: str) -> None:
        if attempt != self._attempt:
            return
        if message == UNEXPECTED:
            # The worker's text speaks of saving; here nothing was to be saved.
            message = self.tr(
                "The password cannot be checked: the database does not answer. "
                "Details are in the log."
            )
        self._busy = False
        self._message = message
        self.changed.emit()
        self.error.emit(message)

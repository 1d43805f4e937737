"""`dispatch-desk --check`: the admin's self-check of one operator PC, without a window.

Each check uses the real component with this PC's settings: the database (reachable, schema
up to date), the SIP line (the port can be taken; with a PBX account, the registrar
answers), the courier sync service (reachable, the site key accepted), the keyring, the
translations and the log directory. One line per check; exit code 0 when all pass.
"""

from __future__ import annotations

import os
import queue
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from app.i18n import qm_path, ts_path
from app.settings import CONFIG_ENV, AppSettings, SecretStore, log_dir_for, to_engine_config
from dispatcher.db import make_engine
from dispatcher.migrate import current_revision, head_revision
from telephony.errors import TelephonyError
from telephony.events import Event, RegistrationChanged, RegState

REGISTRATION_WAIT_S = 10.0


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One line of the report: which part, whether it works, and what was seen.

    A warning works but deserves the admin's attention (it does not fail the check).
    """

    name: str
    ok: bool
    detail: str
    warning: bool = False


def _database(settings: AppSettings) -> CheckResult:
    from sqlalchemy import text

    engine = make_engine(settings.db_url)
    try:
        current, head = current_revision(engine), head_revision()
        if current != head and engine.dialect.name != "sqlite":
            return CheckResult(
                "database",
                False,
                f"schema {current or 'empty'}, this version needs {head}: "
                "run `dispatch --db URL db upgrade`",
            )
        clients: object = 0
        if current is not None:
            with engine.connect() as conn:
                clients = conn.execute(text("SELECT count(*) FROM clients")).scalar_one()
        where = engine.url.render_as_string(hide_password=True)
        if current != head:  # the embedded file is migrated by the workspace itself
            return CheckResult(
                "database",
                True,
                f"{where}, {clients} clients; schema {current} is brought to {head} at the "
                "next start",
                warning=True,
            )
        return CheckResult("database", True, f"{where}, schema {current}, {clients} clients")
    except Exception as exc:  # any driver error: the admin needs its text, not a traceback
        return CheckResult("database", False, f"cannot open {settings.db_url}: {exc}")
    finally:
        engine.dispose()


class _Events:
    """Listener that queues the engine's events for the check to read."""

    def __init__(self) -> None:
        self.events: queue.Queue[Event] = queue.Queue()

    def on_event(self, event: Event) -> None:
        self.events.put(event)


def _sip(settings: AppSettings) -> CheckResult:
    from telephony.engine import SipEngine

    try:
        config = to_engine_config(settings)
    except Exception as exc:
        return CheckResult("sip", False, str(exc))
    listener = _Events()
    engine = SipEngine(config, listener)
    try:
        engine.start()
    except TelephonyError as exc:
        return CheckResult("sip", False, str(exc))
    try:
        where = f"{config.listen_host}:{engine.bound_port}"
        account = config.accounts[0]
        if not account.registers:
            return CheckResult("sip", True, f"listening on {where} (no PBX: direct calls)")
        return _registration(listener, where, account.registrar or "")
    finally:
        engine.stop()


def _registration(listener: _Events, where: str, registrar: str) -> CheckResult:
    last: RegistrationChanged | None = None
    try:
        while True:
            event = listener.events.get(timeout=REGISTRATION_WAIT_S)
            if not isinstance(event, RegistrationChanged):
                continue
            last = event
            if event.state is RegState.REGISTERED:
                return CheckResult("sip", True, f"registered at {registrar} from {where}")
            if event.state is RegState.FAILED:
                break
    except queue.Empty:
        pass
    if last is None:
        return CheckResult("sip", False, f"no answer from {registrar} in {REGISTRATION_WAIT_S:g} s")
    return CheckResult(
        "sip", False, f"{registrar} refused the line: {last.code} {last.reason}".strip()
    )


def _sync(settings: AppSettings) -> CheckResult:
    if not settings.sync_url:
        return CheckResult("sync", True, "no sync URL: courier tasks stay in the outbox")
    from courier_sync.client.api import SyncApi, SyncError

    api = SyncApi(settings.sync_url, settings.sync_api_key, read_timeout=5)
    try:
        api.events(after=0, limit=1, wait=0)
    except SyncError as exc:
        return CheckResult("sync", False, f"{settings.sync_url}: {exc}")
    finally:
        api.close()
    return CheckResult("sync", True, f"{settings.sync_url} answers and accepts the site key")


def _keyring(secrets: SecretStore) -> CheckResult:
    if secrets.available:
        return CheckResult("keyring", True, "the SIP password is kept in the system keyring")
    return CheckResult("keyring", True, secrets.message, warning=True)


def _translations(settings: AppSettings) -> CheckResult:
    if settings.language == "en":
        return CheckResult("translations", True, "English interface (the source language)")
    path = qm_path(settings.language)
    if path.exists():
        return CheckResult("translations", True, f"{path.name} is built")
    if ts_path(settings.language).exists():
        return CheckResult(
            "translations", False, f"{path.name} is not built: run `python -m app.i18n`"
        )
    return CheckResult("translations", False, f"no {settings.language} translation is installed")


def _logs(settings: AppSettings) -> CheckResult:
    directory = log_dir_for(settings)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".check-"):
            pass
    except OSError as exc:
        return CheckResult("logs", False, f"cannot write to {directory}: {exc.strerror or exc}")
    return CheckResult("logs", True, f"{directory} is writable")


def run_checks(settings: AppSettings, secrets: SecretStore | None = None) -> Iterator[CheckResult]:
    """Each check in turn (they run one after another; the SIP one may wait for the PBX)."""
    secrets = secrets or SecretStore()
    filled = secrets.fill(settings)
    checks: list[Callable[[], CheckResult]] = [
        lambda: _database(filled),
        lambda: _sip(filled),
        lambda: _sync(filled),
        lambda: _keyring(secrets),
        lambda: _translations(filled),
        lambda: _logs(filled),
    ]
    for check in checks:
        yield check()


def print_report(settings: AppSettings, out: TextIO, **kwargs: Any) -> int:
    """Print one line per check to ``out``; returns the exit code (0 when all pass)."""
    failed = 0
    config = settings.config_path or os.environ.get(CONFIG_ENV) or "defaults"
    print(f"Dispatch Desk self-check (settings: {config})", file=out)
    for result in run_checks(settings, **kwargs):
        failed += not result.ok
        mark = "FAIL" if not result.ok else "WARN" if result.warning else "OK  "
        print(f"{mark}  {result.name:<12} {result.detail}", file=out)
        out.flush()
    print("All checks passed." if not failed else f"{failed} check(s) failed.", file=out)
    return 0 if not failed else 1

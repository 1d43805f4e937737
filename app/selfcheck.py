"""`dispatch-desk --check`: the admin's self-check of one operator PC, without a window.

Each check uses the real component with this PC's settings: the display (the window can
open), the database (reachable, schema up to date), the SIP line (the port can be taken;
with a PBX account, the registrar answers), the courier sync service (reachable, the site
key accepted), the keyring, the translations and the log directory. One line per check;
exit code 0 when all pass. Before the checks, the configuration: the files read and, for
each setting, its value and who set it (a file, the command line, or the default).
"""

from __future__ import annotations

import os
import queue
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from app.display_check import display_problem, release_probe
from app.i18n import qm_path, ts_path
from app.settings import (
    AppSettings,
    SecretStore,
    log_dir_for,
    machine_config_path,
    settings_path,
    source_of,
    to_engine_config,
)
from app.settings.config_file import to_toml_dict
from app.startup_problem import database_problem, sip_port_problem
from dispatcher.db import make_engine
from dispatcher.migrate import current_revision, head_revision
from storage.private_files import readable_by_others
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
        problem = database_problem(settings, exc)  # the words the workspace itself would use
        text = " ".join(
            part
            for part in (problem.summary, problem.remedy, problem.detail and f"({problem.detail})")
            if part
        )
        return CheckResult("database", False, text.removeprefix("dispatch-desk: "))
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
    taken = sip_port_problem(settings)  # the words the workspace itself would use
    if taken is not None:
        return CheckResult(
            "sip", False, f"{taken.summary} {taken.remedy}".removeprefix("dispatch-desk: ")
        )
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
    if last.certificate_refused:
        return CheckResult("sip", False, f"{registrar}: {last.reason}")
    return CheckResult(
        "sip", False, f"{registrar} refused the line: {last.code} {last.reason}".strip()
    )


def _sync(settings: AppSettings) -> CheckResult:
    if not settings.sync_url:
        return CheckResult("sync", True, "no sync URL: courier tasks stay in the outbox")
    from courier_sync.client.api import SyncApi, SyncError

    try:
        api = SyncApi(
            settings.sync_url,
            settings.sync_api_key,
            read_timeout=5,
            insecure=settings.sync_insecure,
            ca_file=settings.sync_ca_file,
        )
    except SyncError as exc:
        return CheckResult("sync", False, str(exc))
    try:
        api.events(after=0, limit=1, wait=0)
    except SyncError as exc:
        return CheckResult("sync", False, f"{settings.sync_url}: {exc}")
    finally:
        api.close()
    if settings.sync_insecure and settings.sync_url.lower().startswith("http://"):
        return CheckResult(
            "sync",
            True,
            f"{settings.sync_url} answers and accepts the site key, in clear text "
            "([sync] insecure = true)",
            warning=True,
        )
    return CheckResult("sync", True, f"{settings.sync_url} answers and accepts the site key")


def _config_files(settings: AppSettings) -> CheckResult:
    """The user's file (which may hold the site key) must not be readable by other users."""
    exposed = []
    for path in settings.config_files:
        holds_key = "api_key" in path.read_text(encoding="utf-8", errors="replace")
        # The machine-wide file is meant for every account; only a key in it is a leak.
        if readable_by_others(path) and (path != machine_config_path() or holds_key):
            exposed.append(str(path))
    if exposed:
        return CheckResult(
            "config",
            True,
            f"readable by other users: {', '.join(exposed)} (chmod 600; keep the site key out "
            "of the machine-wide file)",
            warning=True,
        )
    return CheckResult("config", True, "configuration files readable by their owner only")


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


def _display() -> CheckResult:
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        if os.environ.get("QT_QPA_PLATFORM", "xcb").startswith("xcb"):
            return CheckResult(
                "display",
                True,
                "no display here: the workspace runs without a window (calls still logged)",
                warning=True,
            )
    try:
        problem = display_problem(os.environ)
    finally:
        release_probe()
    if problem is None:
        where = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or "this desktop"
        platform = os.environ.get("QT_QPA_PLATFORM", "")
        if platform and not platform.startswith("xcb"):
            return CheckResult("display", True, f"Qt platform {platform}")
        return CheckResult("display", True, f"the window can open on {where}")
    return CheckResult("display", False, f"{problem.summary} {problem.remedy}")


def run_checks(settings: AppSettings, secrets: SecretStore | None = None) -> Iterator[CheckResult]:
    """Each check in turn (they run one after another; the SIP one may wait for the PBX)."""
    secrets = secrets or SecretStore()
    filled = secrets.fill(settings)
    checks: list[Callable[[], CheckResult]] = [
        _display,
        lambda: _database(filled),
        lambda: _sip(filled),
        lambda: _sync(filled),
        lambda: _keyring(secrets),
        lambda: _translations(filled),
        lambda: _logs(filled),
        lambda: _config_files(filled),
    ]
    for check in checks:
        yield check()


SECRET_KEYS = frozenset({"sync.api_key"})


def setting_lines(settings: AppSettings) -> list[str]:
    """One line per setting: ``section.key = value   (who set it)``; secrets masked."""
    lines = []
    for section, table in to_toml_dict(settings).items():
        if not isinstance(table, dict):
            continue  # config_version
        if section == "database" and "url" not in table:
            table = {"url": settings.db_url}  # the embedded file is not written out
        for key, value in table.items():
            name = f"{section}.{key}"
            shown = "***" if name in SECRET_KEYS and value else value
            if name == "database.url":
                shown = _masked(str(value))
            lines.append(f"  {name:<24} = {shown!r:<40} ({source_of(settings, name)})")
    return lines


def _masked(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


def config_lines(settings: AppSettings) -> list[str]:
    """The configuration files this PC reads, in order, and whether each exists."""
    user = settings.config_path or settings_path()
    machine = machine_config_path()
    read = set(settings.config_files)
    return [
        f"  machine-wide: {machine}" + ("" if machine in read else " (none)"),
        f"  user:         {user}" + ("" if user in read else " (none)"),
    ]


def print_report(settings: AppSettings, out: TextIO, **kwargs: Any) -> int:
    """Print the configuration and one line per check to ``out``; 0 when all checks pass."""
    failed = 0
    print("Dispatch Desk self-check", file=out)
    print("Configuration files (the user's overrides the machine-wide one):", file=out)
    for line in config_lines(settings):
        print(line, file=out)
    print("Settings (command line over the user's file over the machine-wide file):", file=out)
    for line in setting_lines(settings):
        print(line, file=out)
    print("Checks:", file=out)
    for result in run_checks(settings, **kwargs):
        failed += not result.ok
        mark = "FAIL" if not result.ok else "WARN" if result.warning else "OK  "
        print(f"{mark}  {result.name:<12} {result.detail}", file=out)
        out.flush()
    print("All checks passed." if not failed else f"{failed} check(s) failed.", file=out)
    return 0 if not failed else 1

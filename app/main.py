"""`dispatch-desk`: the composition root of the operator workspace.

Reads the settings (file, then command-line overrides), opens and migrates the database,
starts the SIP engine with the Qt bridge as its listener, the courier-sync relay when a sync
URL is configured, and the window. ``--demo`` runs on the embedded SQLite database seeded
with demo clients and a local SIP account on 127.0.0.1:5062, so a demo needs no PBX:
"Demo → Place a test call" (or `make call NUMBER=...`) dials in with `python -m telephony`.

Event loop: plain ``QApplication.exec``. Everything that must not run on the GUI thread
already has a Qt-native home (DbWorker's and PhoneLine's thread pools, the relay's own
threads, the SIP thread), and results come back as queued signals; qasync would add a
second scheduler to reason about without removing any of those threads.
"""

from __future__ import annotations

import argparse
import gc
import getpass
import itertools
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMessageLogContext, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.bridge import PhoneLine, TelephonyBridge
from app.calls_model import CallLog
from app.drafts import DraftStore
from app.intake import IntakeViewModel
from app.new_client import NewClientViewModel
from app.order_entry import OrderEntryViewModel
from app.pyside_fix import pin_bools
from app.settings import AppSettings, SecretStore, changed_parts
from app.widgets.settings_dialog import AudioDevice, SettingsDialog, describe_registration
from app.worker import DbWorker
from dispatcher.db import make_engine, session_factory
from dispatcher.migrate import current_revision, head_revision, upgrade
from dispatcher.phones import parse_phone
from telephony.errors import TelephonyError
from telephony.events import RegistrationChanged, RegState

logger = logging.getLogger(__name__)

DEMO_SIP_PORT = 5062
DEMO_CLIENTS = 300
DEMO_HANGUP_AFTER_S = 30
ROLES = ("operator", "lead")
EXIT_OK = 0
EXIT_CONFIG = 2


def build_parser() -> argparse.ArgumentParser:
    """The options of `dispatch-desk`."""
    parser = argparse.ArgumentParser(
        prog="dispatch-desk",
        description="Dispatch Desk operator workspace. Options override the configuration file.",
    )
    try:
        from app.settings import add_arguments

        add_arguments(parser)
    except ImportError:  # settings module not installed: the same options, defined here
        parser.add_argument("--db", metavar="URL", help="database URL")
        parser.add_argument("--data-dir", metavar="DIR", help="data directory")
        parser.add_argument("--sip-listen", metavar="ADDR:PORT", help="SIP listen address")
        parser.add_argument("--sync-url", metavar="URL", help="courier sync service URL")
        parser.add_argument("--lang", choices=("ru", "en"), help="interface language")
    parser.add_argument(
        "--demo",
        action="store_true",
        help=f"embedded SQLite with demo data, local SIP account on 127.0.0.1:{DEMO_SIP_PORT}",
    )
    parser.add_argument("--role", choices=ROLES, help="shift lead may merge duplicate clients")
    parser.add_argument(
        "--check",
        action="store_true",
        help="check the database, SIP line, sync service, keyring, translations and logs; "
        "print a report and exit (0 when all pass)",
    )
    parser.add_argument("--operator", metavar="NAME", help="operator name written on calls")
    return parser


# --- settings ------------------------------------------------------------------------------


def load_app_settings(args: argparse.Namespace) -> Any:
    """The settings file with the command-line overrides (and the demo's own values)."""
    from app.settings import settings_from_args

    settings = settings_from_args(args)
    if args.demo:
        # The demo is self-contained: embedded database, loopback SIP, no sound card needed.
        settings = replace(
            settings,
            db_url=settings.embedded_db_url if not args.db else settings.db_url,
            sip_listen_host="127.0.0.1",
            sip_listen_port=DEMO_SIP_PORT if not args.sip_listen else settings.sip_listen_port,
            null_audio=True,
        )
    if args.operator:
        settings = replace(settings, operator=args.operator.strip())
    if not settings.operator:
        settings = replace(settings, operator=_login_name())
    return settings


def _settle_the_heap(region: str) -> None:
    """Keep the garbage collector from pausing the window during calls.

    Start-up leaves a large heap (Qt wrappers, SQLAlchemy, pjsua2, phone metadata); a full
    collection walked all of it for ~100 ms, holding the GIL, several times an hour of
    calls (measured by bench pop_to_screen). Loading the phone metadata now and freezing
    what start-up built leaves later collections only the objects made since.
    """
    parse_phone("+7 916 123-45-67", region)
    gc.collect()
    gc.freeze()


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name on some service accounts
        return "operator"


def role_of(args: argparse.Namespace, settings: Any) -> str:
    """--role, else the settings' ``role`` field when it exists, else operator."""
    role = args.role or getattr(settings, "role", "") or "operator"
    return role if role in ROLES else "operator"


# --- database ------------------------------------------------------------------------------


def open_database(url: str) -> Engine:
    """An engine on ``url``; the embedded SQLite file is migrated, other databases checked."""
    engine = make_engine(url)
    current, head = current_revision(engine), head_revision()
    if current != head:
        if engine.dialect.name == "sqlite":
            upgrade(engine)
        else:
            engine.dispose()
            raise RuntimeError(
                f"The database is at schema {current or 'none'}, this version needs {head}: "
                "ask the admin to run `dispatch --db URL db upgrade`."
            )
    return engine


def seed_demo_if_empty(engine: Engine, clients: int = DEMO_CLIENTS) -> bool:
    """Seed the demo data unless the database has clients already; True when seeded."""
    from dispatcher.demo import seed_demo
    from dispatcher.models import Client

    with session_factory(engine)() as session:
        existing = session.scalar(select(func.count()).select_from(Client)) or 0
    if existing:
        return False
    report = seed_demo(engine, clients=clients)
    logger.info("Seeded %d demo clients in %.1f s", report.clients, report.seconds)
    return True


def demo_numbers(session: Session, limit: int = 5) -> list[str]:
    """Numbers of demo clients worth calling: those with a delivery under way first."""
    from dispatcher.models import Client, Order, OrderState, Phone

    with_delivery = session.scalars(
        select(Phone.raw)
        .join(Client, Client.id == Phone.client_id)
        .join(Order, Order.client_id == Client.id)
        .where(Order.state == OrderState.DELIVERY, Client.merged_into_id.is_(None))
        .order_by(Phone.id)
        .limit(limit)
    ).all()
    numbers = list(dict.fromkeys(with_delivery))
    if len(numbers) < limit:
        more = session.scalars(select(Phone.raw).order_by(Phone.id).limit(limit)).all()
        numbers += [n for n in more if n not in numbers]
    return numbers[:limit]


# --- the workspace -------------------------------------------------------------------------


@dataclass
class DemoCaller:
    """Places test calls into the workspace with `python -m telephony dial`."""

    port: int
    numbers: list[str]
    processes: list[subprocess.Popen[bytes]]

    def __post_init__(self) -> None:
        self._cycle: Iterator[str] = itertools.cycle(self.numbers or ["+79161234567"])

    def command(self, number: str) -> list[str]:
        """The command line of one test call from ``number``."""
        return [
            sys.executable,
            "-m",
            "telephony",
            "dial",
            f"sip:operator@127.0.0.1:{self.port}",
            "--from",
            number,
            "--hangup-after",
            str(DEMO_HANGUP_AFTER_S),
        ]

    def place_call(self) -> None:
        """Dial in from the next demo client's number (a child process; never blocks)."""
        self.processes = [p for p in self.processes if p.poll() is None]
        command = self.command(next(self._cycle))
        logger.info("Demo call: %s", " ".join(command))
        self.processes.append(
            subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        )

    def stop(self) -> None:
        """End the test calls still running."""
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()


class Workspace:
    """Everything one running workspace owns, started and stopped in order."""

    def __init__(self, args: argparse.Namespace, settings: Any) -> None:
        """Prepare (nothing starts before start())."""
        self.args = args
        self.settings = settings
        self.engine: Any = None  # SipEngine
        self.db: Engine | None = None
        self.worker: DbWorker | None = None
        self.relay: Any = None
        self.window: Any = None
        self.demo: DemoCaller | None = None
        self.sip_error = ""
        self._stopped = False
        # One store for the session: without a system keyring the password lives only here.
        self.secrets = SecretStore()

    def start(self) -> Any:
        """Open the database, start SIP and the relay, show the window; returns the window."""
        from app.widgets.main_window import MainWindow

        # The SIP password is kept in the keyring, never in the file.
        settings = self.settings = self.secrets.fill(self.settings)
        self.db = open_database(settings.db_url)
        if self.args.demo:
            seed_demo_if_empty(self.db)
        sessions = session_factory(self.db)
        self.worker = DbWorker(sessions)

        self.bridge = TelephonyBridge()
        self.engine, self.sip_error = self._start_sip()
        self.phone = PhoneLine(self.engine)
        operator, region = settings.operator, settings.region
        self.intake = IntakeViewModel(self.worker, self.phone, operator=operator, region=region)
        self.bridge.incoming_call.connect(self.intake.on_incoming_call)
        self.bridge.call_state_changed.connect(self.intake.on_call_state_changed)
        self.call_log = CallLog(
            self.worker, self.phone, operator=operator, dial=self.intake.place_call
        )
        # Input of a save that failed (database down) is kept here until it can be written.
        self.drafts = DraftStore(Path(settings.data_dir) / "drafts")
        self.order_vm = self._order_vm()
        self.new_client_vm = self._new_client_vm()
        if self.args.demo:
            numbers = self.worker.run_now(demo_numbers)
            port = self.engine.bound_port if self.engine is not None else DEMO_SIP_PORT
            self.demo = DemoCaller(port, numbers, [])

        self.window = MainWindow(
            self.intake,
            self.call_log,
            order_vm=self.order_vm,
            new_client_vm=self.new_client_vm,
            lead=role_of(self.args, settings) == "lead",
            demo_call=self.demo.place_call if self.demo is not None else None,
        )
        self.window.closing = self.stop
        self._restore_drafts()
        self.window.settings_requested = self.open_settings
        self.window.about_requested = self.open_about
        self.bridge.registration_changed.connect(self._on_registration)
        self.intake.call_finished.connect(self._after_call)
        self._show_sip_status()
        self._start_relay()
        # A sent order wrote outbox messages: send them now, not at the next poll.
        self.order_vm.sent.connect(lambda _order_id: self.relay and self.relay.wake())
        self.call_log.refresh()
        title = self.window.windowTitle()
        if self.args.demo:
            self.window.setWindowTitle(f"{title} — {self.tr('demo')}")
        self.window.show()
        _settle_the_heap(settings.region)
        return self.window

    @staticmethod
    def tr(text: str) -> str:
        """Translate in the "Workspace" context."""
        return QApplication.translate("Workspace", text)

    def _start_sip(self) -> tuple[Any, str]:
        from telephony.engine import SipEngine

        try:
            from app.settings import to_engine_config

            config = to_engine_config(self.settings)
        except Exception as exc:  # SettingsError: a bad account in the file
            return None, str(exc)
        engine = SipEngine(config, self.bridge)
        try:
            engine.start()
        except TelephonyError as exc:
            # The port may be taken (another workspace); the window still opens.
            logger.warning("SIP engine did not start: %s", exc)
            return None, str(exc)
        except Exception as exc:  # pjsua2 missing or broken: still no traceback for the operator
            logger.exception("SIP engine did not start")
            return None, str(exc) or type(exc).__name__
        return engine, ""

    def _order_vm(self) -> OrderEntryViewModel:
        assert self.worker is not None
        return OrderEntryViewModel(
            self.worker,
            actor=self.settings.operator,
            region=self.settings.region,
            drafts=self.drafts,
        )

    def _new_client_vm(self) -> NewClientViewModel:
        assert self.worker is not None
        return NewClientViewModel(self.worker, region=self.settings.region, drafts=self.drafts)

    def _restore_drafts(self) -> None:
        # What a failed save kept on this computer comes back on screen, with a banner.
        self.order_vm.restore_draft()
        if self.new_client_vm.restore_draft():
            self.window.right.setCurrentWidget(self.window.new_client_form)

    def _start_relay(self) -> None:
        settings = self.settings
        if not settings.sync_url:
            return
        from courier_sync.client.relay import Relay, RelaySettings

        label = self.window.relay_label
        post: Callable[[Any], None] | None = getattr(label, "post_status", None)
        assert self.worker is not None
        self.relay = Relay(
            self.worker.factory,
            RelaySettings(settings.sync_url, settings.sync_api_key),
            on_status=post,
        )
        self.relay.start()

    def _on_registration(self, event: RegistrationChanged) -> None:
        ok = event.state is RegState.REGISTERED
        text = self.tr("SIP %1: %2").replace("%1", event.account).replace("%2", str(event.state))
        if not ok and event.reason:
            text += f" ({event.code} {event.reason})"
        self.window.set_sip_status(text, ok)

    def _show_sip_status(self) -> None:
        if self.engine is not None:
            where = f"{self.settings.sip_listen_host}:{self.engine.bound_port}"
            self.window.set_sip_status(self.tr("SIP: listening on %1").replace("%1", where), True)
        else:
            self.window.set_sip_status(
                self.tr("SIP unavailable: %1").replace("%1", self.sip_error), False
            )

    def _audio_devices(self) -> list[AudioDevice]:
        if self.engine is None:
            return []
        try:
            return [
                AudioDevice(d.index, d.name, d.input_count, d.output_count)
                for d in self.engine.audio_devices()
            ]
        except TelephonyError:
            return []

    def open_settings(self) -> None:
        """The settings dialog; what it changes takes effect at once (see apply_settings)."""
        dialog = SettingsDialog(
            self.settings, self.secrets, self.window, list_devices=self._audio_devices
        )
        dialog.applied.connect(self.apply_settings)

        def show_registration(event: RegistrationChanged) -> None:
            dialog.set_registration_state(*describe_registration(event))

        self.bridge.registration_changed.connect(show_registration)
        dialog.finished.connect(
            lambda _result: self.bridge.registration_changed.disconnect(show_registration)
        )
        self.settings_dialog = dialog
        dialog.open()

    def apply_settings(self, settings: AppSettings) -> list[str]:
        """Take new settings without a restart; returns what could not apply yet (for tests)."""
        parts = changed_parts(self.settings, settings)
        old, self.settings = self.settings, settings
        postponed: list[str] = []
        if "ui" in parts:
            self.intake.operator = self.call_log.operator = settings.operator
            self.intake.region = settings.region
            self.order_vm.set_identity(actor=settings.operator, region=settings.region)
            self.new_client_vm.set_region(settings.region)
        if "database" in parts and not self._switch_database(settings.db_url):
            self.settings = replace(self.settings, db_url=old.db_url)
            postponed.append("database")
        if "sip" in parts:
            if any(not call.ended for call in self.intake.calls.values()):
                # Never cut the operator's call: the new line comes up when the calls end.
                self._sip_pending = True
                postponed.append("sip")
            else:
                self._restart_sip()
        if "sync" in parts:
            if self.relay is not None:
                self.relay.stop()
                self.relay = None
            self.window.relay_label.setText(self.tr("Sync: off"))
            self._start_relay()
        if "language" in parts:
            postponed.append("language")
        message = self.tr("Settings saved and applied.")
        if "language" in postponed:
            message = self.tr("Settings saved and applied; the language changes at the next start.")
        if "sip" in postponed:
            message += " " + self.tr("The new SIP line comes up when the current call ends.")
        if "database" in postponed:
            message = self.tr("The new database could not be opened; the old one stays in use.")
        self.window.show_error(message)
        return postponed

    def _switch_database(self, url: str) -> bool:
        try:
            engine = open_database(url)
        except Exception as exc:
            logger.warning("Cannot switch to the database %s: %s", url, exc)
            self.window.show_error(str(exc))
            return False
        assert self.worker is not None and self.db is not None
        self.worker.wait_idle()
        old, self.db = self.db, engine
        # Jobs read the factory when they start: the next one uses the new database.
        self.worker.factory = session_factory(engine)
        old.dispose()
        self.order_vm.clear()
        self.call_log.refresh()
        return True

    _sip_pending = False

    def _restart_sip(self) -> None:
        self._sip_pending = False
        if self.engine is not None:
            self.phone.wait_idle(6_000)
            self.engine.stop()
        self.engine, self.sip_error = self._start_sip()
        self.phone.phone = self.engine
        self._show_sip_status()

    def _after_call(self, _call: object) -> None:
        if self._sip_pending and all(call.ended for call in self.intake.calls.values()):
            self._restart_sip()

    def open_about(self) -> None:
        """Help → About."""
        try:
            from app.app_logging import current_log_file
            from app.widgets.about_dialog import AboutDialog
        except ImportError:
            return
        AboutDialog(self.settings, current_log_file(), self.window).open()

    def stop(self) -> None:
        """Clean shutdown: relay, then SIP, then the database jobs; idempotent."""
        if self._stopped:
            return
        self._stopped = True
        if self.demo is not None:
            self.demo.stop()
        if self.relay is not None:
            self.relay.stop()
        if self.engine is not None:
            self.phone.wait_idle(6_000)
            self.engine.stop()
        if self.worker is not None:
            self.worker.wait_idle()
        if self.db is not None:
            self.db.dispose()


def _setup_logging(settings: Any) -> Path:
    from app.app_logging import log_dir_for, setup_logging

    path = setup_logging(log_dir_for(settings))
    logger.info("Logging to %s", path)
    return path


def _quiet_offscreen_warnings() -> None:
    # Without a screen Qt warns on every raise()/resize ("This plugin does not support ...").
    previous = qInstallMessageHandler(None)

    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if message.startswith("This plugin does not support"):
            return
        if previous is not None:
            previous(kind, context, message)
        else:
            sys.stderr.write(message + "\n")

    qInstallMessageHandler(handler)


def _self_check(args: argparse.Namespace) -> int:
    from app.selfcheck import print_report

    try:
        settings = load_app_settings(args)
    except ValueError as exc:  # SettingsError: the file and key are named in the message
        print(f"dispatch-desk: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    return print_report(settings, sys.stdout)


def _quit_on_signals(app: QApplication) -> threading.Event:
    # Ctrl+C in a terminal or SIGTERM from a session manager: quit through the event loop so
    # that SIP and the relay stop cleanly. Python runs signal handlers only between bytecodes,
    # hence the idle timer that lets the interpreter look while Qt's loop waits. The returned
    # event remembers a signal that came while the workspace was still starting.
    requested = threading.Event()

    def handler(_signum: int, _frame: object) -> None:
        requested.set()
        app.quit()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(250)
    return requested


NO_DISPLAY = (
    "dispatch-desk: no display here (neither DISPLAY nor WAYLAND_DISPLAY is set), so the "
    "window is not shown; the workspace still answers, looks up and logs calls. Start it "
    "from a desktop session to see it."
)


def choose_platform(environ: MutableMapping[str, str]) -> str | None:
    """On a Linux box without a display, run offscreen instead of aborting; returns a notice."""
    if (
        sys.platform.startswith("linux")
        and not environ.get("QT_QPA_PLATFORM")
        and not environ.get("DISPLAY")
        and not environ.get("WAYLAND_DISPLAY")
    ):
        # Qt's xcb plugin would abort the process with "could not connect to display".
        environ["QT_QPA_PLATFORM"] = "offscreen"
        return NO_DISPLAY
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the workspace; returns the exit code."""
    pin_bools()  # before the first signal: PySide6 6.12.0 leaks refs to True (see pyside_fix)
    args = build_parser().parse_args(argv)
    if args.check:
        return _self_check(args)
    notice = None if QApplication.instance() else choose_platform(os.environ)
    if notice:
        print(notice, file=sys.stderr)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Dispatch Desk")
    app.setOrganizationName("dispatch-desk")
    try:
        settings = load_app_settings(args)
    except ValueError as exc:  # SettingsError: file and key named in the message
        print(f"dispatch-desk: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    log_file = _setup_logging(settings)
    if notice:
        _quiet_offscreen_warnings()
        demo_hint = " Ring it with `make call`." if args.demo else ""
        print(f"dispatch-desk: screen pops are logged to {log_file}.{demo_hint}", file=sys.stderr)
    try:
        from app.i18n import install_translator

        install_translator(app, settings.language)
    except ImportError:
        pass
    workspace = Workspace(args, settings)
    stop_requested = _quit_on_signals(app)
    try:
        workspace.start()
    except Exception as exc:
        logger.exception("The workspace did not start")
        workspace.stop()
        QMessageBox.critical(None, "Dispatch Desk", f"The workspace could not start:\n{exc}")
        return EXIT_CONFIG
    app.aboutToQuit.connect(workspace.stop)
    try:
        return EXIT_OK if stop_requested.is_set() else app.exec()
    finally:
        workspace.stop()


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["DEMO_SIP_PORT", "Workspace", "build_parser", "main"]

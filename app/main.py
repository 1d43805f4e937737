"""`dispatch-desk`: the entry point of the operator workspace.

Reads the command line and the settings (file, then command-line overrides), sets up the
log, the Qt application and its translator, then starts a `Workspace` (app/workspace.py:
database, SIP engine, relay, window) and runs the event loop. ``--demo`` runs on the
embedded SQLite database seeded with demo clients and a local SIP account on
127.0.0.1:5062, so a demo needs no PBX: "Demo → Place a test call" (or `make call
NUMBER=...`) dials in with `python -m telephony` (`app.demo`).

Event loop: plain ``QApplication.exec``. Everything that must not run on the GUI thread
already has a Qt-native home (DbWorker's and PhoneLine's thread pools, the relay's own
threads, the SIP thread), and results come back as queued signals; qasync would add a
second scheduler to reason about without removing any of those threads.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import signal
import sys
import threading
from collections.abc import MutableMapping, Sequence
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.app_logging import setup_logging
from app.crash_handling import install as install_crash_handling
from app.demo import DEMO_SIP_PORT
from app.display_check import display_problem, release_probe
from app.i18n import install_translator
from app.pyside_fix import pin_bools
from app.selfcheck import print_report
from app.settings import (
    COMMAND_LINE,
    AppSettings,
    SettingsError,
    add_arguments,
    log_dir_for,
    settings_from_args,
    settings_path,
    upgrade_config_files,
    with_source,
)
from app.startup_problem import StartupProblem, report, sip_port_problem
from app.versions import version_text
from app.workspace import NoAccountsError, Workspace

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_CONFIG = 2
HEADLESS_PLATFORMS = frozenset({"offscreen", "minimal", "vnc"})  # no one to click a message box


def build_parser() -> argparse.ArgumentParser:
    """The options of `dispatch-desk`."""
    parser = argparse.ArgumentParser(
        prog="dispatch-desk",
        description="Dispatch Desk operator workspace. Options override the configuration file.",
    )
    add_arguments(parser)
    parser.add_argument(
        "--demo",
        action="store_true",
        help=f"embedded SQLite with demo data, local SIP account on 127.0.0.1:{DEMO_SIP_PORT}",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="check the database, SIP line, sync service, keyring, translations and logs; "
        "print a report and exit (0 when all pass)",
    )
    parser.add_argument("--operator", metavar="NAME", help="this desk's name as SIP peers see it")
    parser.add_argument(
        "--version",
        action="store_true",
        help="print the versions of the app, pjsip, Qt and Python and exit",
    )
    return parser


# --- settings ------------------------------------------------------------------------------


def load_app_settings(args: argparse.Namespace) -> AppSettings:
    """The settings file with the command-line overrides (and the demo's own values)."""
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
        demo_keys = ["audio.null_audio"] + ["database.url"] * (not args.db)
        demo_keys += ["sip.listen"] * (not args.sip_listen)
        settings = with_source(settings, demo_keys, f"{COMMAND_LINE} (--demo)")
    if args.operator:
        settings = replace(settings, operator=args.operator.strip())
        settings = with_source(settings, ["ui.operator"], f"{COMMAND_LINE} (--operator)")
    if not settings.operator:
        settings = replace(settings, operator=_login_name())
    return settings


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name on some service accounts
        return "operator"


def _setup_logging(settings: AppSettings) -> Path:
    path = setup_logging(log_dir_for(settings))
    logger.info("Logging to %s", path)
    return path


def _data_dir(args: argparse.Namespace) -> Path | None:
    return Path(args.data_dir).expanduser().resolve() if args.data_dir else None


def _self_check(args: argparse.Namespace) -> int:
    try:
        settings = load_app_settings(args)
    except SettingsError as exc:  # the file and key are named in the message
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
    if args.version:  # no window, no database: safe on a broken install
        print(version_text())
        return EXIT_OK
    if args.check:
        return _self_check(args)
    notice = None if QApplication.instance() else choose_platform(os.environ)
    if notice:
        print(notice, file=sys.stderr)
    problem = None if QApplication.instance() else display_problem(os.environ)
    if problem is not None:  # Qt would abort() with a developer's message instead
        print(problem.message(), file=sys.stderr)
        return EXIT_CONFIG
    app = QApplication.instance() or QApplication(sys.argv[:1])
    release_probe()  # Qt holds its own X connection now
    assert isinstance(app, QApplication)
    app.setApplicationName("Dispatch Desk")
    app.setOrganizationName("dispatch-desk")
    try:
        # Files of older versions are rewritten in today's layout first (backup kept).
        upgraded = upgrade_config_files(settings_path(_data_dir(args)))
        settings = load_app_settings(args)
    except SettingsError as exc:  # file and key named in the message
        print(f"dispatch-desk: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    log_file = _setup_logging(settings)
    for backup in upgraded:
        logger.info("Configuration upgraded; the previous file is %s", backup)
    with_window = app.platformName() not in HEADLESS_PLATFORMS
    port_taken = sip_port_problem(settings)
    if port_taken is not None:
        report(port_taken, window=with_window)
        return EXIT_CONFIG
    install_crash_handling(log_file.parent)  # unhandled errors logged; last crash reported
    if notice:
        demo_hint = " Ring it with `make call`." if args.demo else ""
        print(f"dispatch-desk: screen pops are logged to {log_file}.{demo_hint}", file=sys.stderr)
    install_translator(app, settings.language)
    workspace = Workspace(args, settings)
    stop_requested = _quit_on_signals(app)
    try:
        workspace.start()  # the sign-in dialog, or the demo's window at once
    except NoAccountsError as exc:
        workspace.stop()
        print(f"dispatch-desk: {exc}", file=sys.stderr)
        if with_window:
            QMessageBox.information(None, "Dispatch Desk", str(exc))
        return EXIT_CONFIG
    except StartupProblem as problem:  # the database: said in words, no traceback
        workspace.stop()
        report(problem, window=with_window)
        return EXIT_CONFIG
    except Exception as exc:
        logger.exception("The workspace did not start")  # the traceback goes to the log only
        workspace.stop()
        report(
            StartupProblem(
                f"dispatch-desk: the workspace could not start: {exc}",
                f"The details are in the log {log_file}; send it to the admin.",
            ),
            window=with_window,
        )
        return EXIT_CONFIG
    app.aboutToQuit.connect(workspace.stop)
    try:
        return EXIT_OK if stop_requested.is_set() else app.exec()
    finally:
        workspace.stop()


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["Workspace", "build_parser", "load_app_settings", "main"]

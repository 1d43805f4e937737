"""Crashes reach the admin: unhandled errors go to the JSON log, the operator sees a message.

Three kinds of failure, three routes (after qutebrowser's ``misc/crashsignal.py`` and
Electrum's ``gui/qt/exception_window.py``):

- A Python exception nobody caught — in a Qt slot (PySide6 hands it to ``sys.excepthook``),
  on the GUI thread or in any other thread (``threading.excepthook``) — is logged with its
  traceback, and the operator gets a short, non-blocking message on the GUI thread (the hook
  only emits a queued signal, whichever thread raised). The workspace keeps running.
- Qt's own messages (warnings, criticals, fatals) go to the same log.
- A native crash (pjsua2, Qt: SIGSEGV, SIGABRT) never reaches Python's hooks; faulthandler
  (enabled by ``app_logging.setup_logging``) writes it to ``crash.log``. At the next start
  ``report_previous_crash`` logs it, archives it under a timestamped name and shows a dialog
  naming the archive, so it is reported once.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QCoreApplication,
    QMessageLogContext,
    QObject,
    Qt,
    QTimer,
    QtMsgType,
    Signal,
    Slot,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QWidget

from app.app_logging import CRASH_FILE, current_log_file

logger = logging.getLogger(__name__)
qt_logger = logging.getLogger("qt")

TITLE = "Dispatch Desk"
MAX_DETAIL = 200  # characters of the exception's text shown to the operator
MAX_LOGGED_CRASH = 20_000  # characters of crash.log copied into the log record

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]
QtMessageHandler = Callable[[QtMsgType, QMessageLogContext, str], None]

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}

# Without a screen Qt warns on every raise()/resize: noise, not a fault of ours.
OFFSCREEN_NOISE = "This plugin does not support"

_current: CrashHandling | None = None


class CrashHandling(QObject):
    """The installed hooks, and the messages they show the operator on the GUI thread.

    Signals:
        error_raised(str): a short message for the operator; emitted from any thread,
            shown on the GUI thread.
    """

    error_raised = Signal(str)

    def __init__(self, log_dir: Path, parent: QObject | None = None) -> None:
        """Prepare for ``log_dir`` (nothing is installed before install_hooks())."""
        super().__init__(parent)
        self.log_dir = Path(log_dir)
        self.message_box: QMessageBox | None = None
        self.crash_dialog: QMessageBox | None = None
        self.previous_crash: Path | None = None
        self._previous_hooks: tuple[Any, Any, QtMessageHandler | None] | None = None
        # Queued even on the GUI thread: the box opens after the failing slot has unwound,
        # not in the middle of whatever Qt was doing when it raised.
        self.error_raised.connect(self._on_error_raised, Qt.ConnectionType.QueuedConnection)

    # --- installing -----------------------------------------------------------------------

    def install_hooks(self) -> None:
        """Route sys.excepthook, threading.excepthook and Qt's messages here."""
        if self._previous_hooks is not None:
            return
        previous_qt = qInstallMessageHandler(self._on_qt_message)
        self._previous_hooks = (sys.excepthook, threading.excepthook, previous_qt)
        sys.excepthook = self._on_exception
        threading.excepthook = self._on_thread_exception

    def uninstall(self) -> None:
        """Put back the hooks that were there before install_hooks()."""
        if self._previous_hooks is None:
            return
        sys.excepthook, threading.excepthook, previous_qt = self._previous_hooks
        qInstallMessageHandler(previous_qt)
        self._previous_hooks = None

    # --- the hooks ------------------------------------------------------------------------

    def _on_exception(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        self._report((exc_type, exc, tb), threading.current_thread().name)

    def _on_thread_exception(self, args: threading.ExceptHookArgs) -> None:
        if issubclass(args.exc_type, SystemExit):
            return  # a thread may end itself with SystemExit, as the default hook agrees
        exc = args.exc_value if args.exc_value is not None else args.exc_type()
        name = args.thread.name if args.thread is not None else "?"
        self._report((args.exc_type, exc, args.exc_traceback), name)

    def _report(self, exc_info: ExcInfo, thread: str) -> None:
        try:
            logger.error(
                "Unhandled exception in thread %s",
                thread,
                exc_info=exc_info,
                extra={"event": "unhandled_exception", "thread_name": thread},
            )
            _print_to_stderr(exc_info)
            self.error_raised.emit(operator_message(exc_info[1]))
        except Exception:  # the hook itself failed (shutdown, a full disk): show both errors
            traceback.print_exc()
            sys.__excepthook__(*exc_info)

    def _on_qt_message(self, kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if message.startswith(OFFSCREEN_NOISE):
            return
        level = _QT_LEVELS.get(kind, logging.WARNING)
        qt_logger.log(
            level,
            "%s",
            message,
            extra={"event": "qt_message", "category": context.category or ""},
            # A fatal message aborts the process right after this handler: keep the stack.
            stack_info=kind == QtMsgType.QtFatalMsg,
        )
        if kind == QtMsgType.QtFatalMsg:
            for handler in logging.getLogger().handlers:
                handler.flush()
        previous = self._previous_hooks[2] if self._previous_hooks else None
        if previous is not None:
            previous(kind, context, message)
        elif sys.stderr is not None:  # what Qt's default handler did, for a terminal
            sys.stderr.write(message + "\n")

    # --- on the GUI thread ----------------------------------------------------------------

    @Slot(str)
    def _on_error_raised(self, message: str) -> None:
        box = self.message_box
        if box is not None and shiboken6.isValid(box) and box.isVisible():
            box.setText(message)  # one box, the latest error: no pile of windows
            return
        box = QMessageBox(QMessageBox.Icon.Warning, TITLE, message, parent=_main_window())
        box.setWindowModality(Qt.WindowModality.NonModal)
        # The operator may be typing an order: the box must not take the keyboard away.
        box.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.message_box = box
        box.show()

    def show_previous_crash(self, parent: QWidget | None = None) -> None:
        """The dialog naming the archived crash log, when there was one and there is a window."""
        parent = parent or _main_window()
        if self.previous_crash is not None and parent is not None:
            self.crash_dialog = show_crash_dialog(self.previous_crash, parent)


def show_crash_dialog(archive: Path, parent: QWidget) -> QMessageBox:
    """A non-blocking dialog over ``parent`` naming the archived crash log."""
    dialog = QMessageBox(QMessageBox.Icon.Warning, TITLE, crash_message(archive), parent=parent)
    dialog.setWindowModality(Qt.WindowModality.NonModal)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    logger.info("Showed the operator the crash report %s", archive, extra={"event": "crash_shown"})
    return dialog


def operator_message(exc: BaseException) -> str:
    """The short text the operator reads about an unexpected error."""
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if len(detail) > MAX_DETAIL:
        detail = detail[: MAX_DETAIL - 1] + "…"
    what = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    log = current_log_file()
    text = QCoreApplication.translate(
        "CrashHandling", "Something went wrong (%1). The workspace keeps running."
    ).replace("%1", what)
    if log is not None:
        text += " " + QCoreApplication.translate(
            "CrashHandling", "The details are in the log: %1"
        ).replace("%1", str(log))
    return text


def crash_message(archive: Path) -> str:
    """The dialog text about the crash of the previous run, naming the archived crash log."""
    # The literal context lets lupdate file the strings where translate() looks them up.
    return QCoreApplication.translate(
        "CrashHandling",
        "Dispatch Desk stopped unexpectedly last time. The crash report was saved to\n%1\n"
        "Please pass it to your administrator.",
    ).replace("%1", str(archive))


def archive_previous_crash(log_dir: Path) -> Path | None:
    """Move a non-empty crash.log aside under a timestamped name; returns the archive."""
    crash_log = Path(log_dir) / CRASH_FILE
    try:
        data = crash_log.read_bytes()
    except FileNotFoundError:
        return None
    if not data.strip():
        return None
    # Named by when the crash happened (the file's last write), not when it is reported.
    when = dt.datetime.fromtimestamp(crash_log.stat().st_mtime).strftime("%Y%m%d-%H%M%S")
    archive = crash_log.with_name(f"crash-{when}.log")
    for n in range(2, 1000):
        if not archive.exists():
            break
        archive = crash_log.with_name(f"crash-{when}-{n}.log")
    # Copy and truncate rather than rename: faulthandler holds crash.log open (append mode,
    # since setup_logging), so after a rename it would write the next crash into the archive
    # on POSIX, and Windows refuses to rename an open file.
    archive.write_bytes(data)
    with crash_log.open("r+b") as stream:
        stream.truncate(0)
    return archive


def report_previous_crash(log_dir: Path, parent: QWidget | None = None) -> Path | None:
    """Report a native crash of the last run (a log record; a dialog with ``parent``), once.

    Returns the archived crash log, or None when the last run did not crash.
    """
    crash_log = Path(log_dir) / CRASH_FILE
    try:
        archive = archive_previous_crash(log_dir)
    except OSError as exc:  # unreadable or read-only log dir: the admin still hears of it
        logger.warning("Cannot archive %s: %s", crash_log, exc)
        return None
    if archive is None:
        return None
    text = archive.read_text(encoding="utf-8", errors="replace")
    logger.error(
        "The previous run crashed: %s was archived as %s",
        crash_log,
        archive,
        extra={
            "event": "previous_crash",
            "crash_file": str(archive),
            "crash": text[-MAX_LOGGED_CRASH:],
        },
    )
    if parent is not None:
        show_crash_dialog(archive, parent)
    return archive


def install(log_dir: Path) -> CrashHandling:
    """Install the hooks and report the last run's native crash; call after setup_logging.

    The log record about a crash is written now; its dialog opens once the event loop runs
    and a window is up. Installing again replaces the previous installation.
    """
    global _current
    if _current is not None:
        _current.uninstall()
    handling = _current = CrashHandling(log_dir)
    handling.install_hooks()
    handling.previous_crash = report_previous_crash(log_dir)
    if handling.previous_crash is not None:
        # Runs when the event loop starts, i.e. after main() showed the window.
        QTimer.singleShot(0, handling.show_previous_crash)
    return handling


def _main_window() -> QWidget | None:
    # The workspace window first: a box parented to a passing dialog would die with it.
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMainWindow) and widget.isVisible():
            return widget
    return QApplication.activeWindow()


def _print_to_stderr(exc_info: ExcInfo) -> None:
    # What the default hook did, for a developer's terminal; pythonw has no stderr.
    if sys.stderr is not None:
        traceback.print_exception(*exc_info, file=sys.stderr)


__all__ = [
    "CrashHandling",
    "archive_previous_crash",
    "install",
    "operator_message",
    "report_previous_crash",
    "show_crash_dialog",
]

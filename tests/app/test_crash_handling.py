"""Crashes reach the admin: slot and thread exceptions, Qt messages and native crashes."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, Signal, qWarning
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from app import app_logging
from app.app_logging import CRASH_FILE, setup_logging
from app.crash_handling import CrashHandling, install, report_previous_crash
from tests.app.conftest import pj  # noqa: F401 (the pjsua2 fixture)

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 90  # a cold start seeds the demo database on a busy 2-core machine


@pytest.fixture
def log_dir(tmp_path: Path) -> Iterator[Path]:
    """The JSON log in tmp_path/logs; the handler removed afterwards."""
    root = logging.getLogger()
    level = root.level
    directory = tmp_path / "logs"
    setup_logging(directory)
    yield directory
    if app_logging._handler is not None:
        root.removeHandler(app_logging._handler)
        app_logging._handler.close()
        app_logging._handler = None
    root.setLevel(level)


@pytest.fixture
def handling(log_dir: Path, qapp: Any) -> Iterator[CrashHandling]:
    """The hooks installed for one test, and the previous ones put back after it."""
    installed = install(log_dir)
    yield installed
    installed.uninstall()
    box = installed.message_box
    if box is not None:
        box.close()


def records(log_dir: Path) -> list[dict[str, Any]]:
    """The JSON records written so far."""
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = (log_dir / app_logging.LOG_FILE).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def unhandled(log_dir: Path) -> list[dict[str, Any]]:
    """The records of unhandled exceptions."""
    return [r for r in records(log_dir) if r.get("event") == "unhandled_exception"]


class Emitter(QObject):
    """Something that emits a signal, as a view model does."""

    fired = Signal()


@pytest.mark.qt_no_exception_capture  # pytest-qt would take the exception before our hook
@pytest.mark.expect_log("app.crash_handling", "Unhandled exception", level="ERROR")
def test_an_exception_in_a_slot_is_logged_and_shown_and_the_workspace_keeps_running(
    qtbot: QtBot, handling: CrashHandling, log_dir: Path
) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    emitter = Emitter()
    after: list[str] = []

    def broken_slot() -> None:
        raise RuntimeError("the order form lost its client")

    emitter.fired.connect(broken_slot)
    emitter.fired.connect(lambda: after.append("next slot ran"))
    emitter.fired.emit()

    assert after == ["next slot ran"]  # the error did not end the event delivery
    (record,) = unhandled(log_dir)
    assert record["level"] == "ERROR"
    assert record["thread_name"] == "MainThread"
    assert "Traceback" in record["exc"]
    assert "in broken_slot" in record["exc"]
    assert "RuntimeError: the order form lost its client" in record["exc"]

    # The message opens once control is back in the event loop, over the window.
    qtbot.waitUntil(lambda: handling.message_box is not None and handling.message_box.isVisible())
    box = handling.message_box
    assert box is not None and box.parent() is window
    assert "RuntimeError: the order form lost its client" in box.text()
    assert "keeps running" in box.text()
    assert str(log_dir / app_logging.LOG_FILE) in box.text()

    # A second error updates the same box instead of stacking another window.
    emitter.fired.disconnect(broken_slot)
    emitter.fired.connect(lambda: 1 / 0)
    emitter.fired.emit()
    qtbot.waitUntil(lambda: "ZeroDivisionError" in box.text())
    assert handling.message_box is box
    assert len(unhandled(log_dir)) == 2


@pytest.mark.expect_log("app.crash_handling", "Unhandled exception in thread", level="ERROR")
def test_an_exception_in_a_plain_thread_is_logged_and_shown_on_the_gui_thread(
    qtbot: QtBot, handling: CrashHandling, log_dir: Path
) -> None:
    shown_on: list[threading.Thread] = []
    handling.error_raised.connect(lambda _text: shown_on.append(threading.current_thread()))

    def relay_step() -> None:
        raise ConnectionError("sync service went away")

    thread = threading.Thread(target=relay_step, name="relay-test")
    thread.start()
    thread.join()

    (record,) = unhandled(log_dir)
    assert record["thread_name"] == "relay-test"
    assert "in relay_step" in record["exc"]
    assert "ConnectionError: sync service went away" in record["exc"]
    qtbot.waitUntil(lambda: handling.message_box is not None and handling.message_box.isVisible())
    assert "ConnectionError: sync service went away" in handling.message_box.text()
    assert shown_on == [threading.main_thread()]  # marshalled, whichever thread raised


@pytest.mark.expect_log("qt", "a Qt warning for the admin")
@pytest.mark.qt_log_ignore("a Qt warning for the admin")
def test_qt_messages_reach_the_log(handling: CrashHandling, log_dir: Path) -> None:
    qWarning("a Qt warning for the admin")
    (record,) = [r for r in records(log_dir) if r.get("event") == "qt_message"]
    assert record["logger"] == "qt"
    assert record["level"] == "WARNING"
    assert record["msg"] == "a Qt warning for the admin"


def test_uninstall_puts_the_previous_hooks_back(log_dir: Path, qapp: Any) -> None:
    before = (sys.excepthook, threading.excepthook)
    installed = install(log_dir)
    assert sys.excepthook != before[0] and threading.excepthook != before[1]
    installed.uninstall()
    assert (sys.excepthook, threading.excepthook) == before


@pytest.mark.expect_log("app.crash_handling", "The previous run crashed", level="ERROR")
def test_a_crash_log_is_reported_with_a_dialog_then_archived(qtbot: QtBot, log_dir: Path) -> None:
    crash_log = log_dir / CRASH_FILE
    crash_log.write_text("Fatal Python error: Segmentation fault\n", encoding="utf-8")
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()

    archive = report_previous_crash(log_dir, window)

    assert archive is not None and archive.parent == log_dir
    assert archive.name.startswith("crash-") and archive.suffix == ".log"
    assert "Segmentation fault" in archive.read_text(encoding="utf-8")
    assert crash_log.read_text(encoding="utf-8") == ""  # faulthandler keeps writing here
    dialogs = [w for w in window.children() if hasattr(w, "text") and str(archive) in w.text()]
    assert dialogs and dialogs[0].isVisible()
    (record,) = [r for r in records(log_dir) if r.get("event") == "previous_crash"]
    assert CRASH_FILE in record["msg"] and record["crash_file"] == str(archive)
    assert "Segmentation fault" in record["crash"]
    # Reported once: the next start finds nothing to report.
    assert report_previous_crash(log_dir, window) is None


# --- a real workspace process killed by SIGSEGV ----------------------------------------------


@pytest.fixture
def workspace_processes(tmp_path: Path) -> Iterator[Callable[[Path], subprocess.Popen[str]]]:
    """``start(data_dir)``: `python -m app --demo` offscreen; every process killed afterwards."""
    started: list[subprocess.Popen[str]] = []
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(ROOT),
        # Keep the user's real config and data out of the test.
        "DISPATCH_DESK_CONFIG": str(tmp_path / "config.toml"),
        "DISPATCH_DATA_DIR": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
    }

    def start(data_dir: Path) -> subprocess.Popen[str]:
        command = [sys.executable, "-m", "app", "--demo", "--data-dir", str(data_dir)]
        process = subprocess.Popen(
            [*command, "--sip-listen", "127.0.0.1:0"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=30)


def wait_for_log(process: subprocess.Popen[str], log_dir: Path, event: str) -> dict[str, Any]:
    """The first record with ``event`` (or a message starting with it) once it is written."""
    deadline = time.monotonic() + START_TIMEOUT_S
    log = log_dir / app_logging.LOG_FILE
    while True:
        if log.exists():
            for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
                record = json.loads(line)
                if record.get("event") == event or str(record["msg"]).startswith(event):
                    return record
        assert process.poll() is None, process.communicate(timeout=30)[1]
        assert time.monotonic() < deadline, f"no {event!r} in {log}"
        time.sleep(0.1)  # polling interval of the condition, not a wait for readiness


@pytest.mark.skipif(not hasattr(signal, "SIGSEGV") or os.name != "posix", reason="POSIX signal")
def test_a_native_crash_is_reported_at_the_next_start(
    tmp_path: Path,
    workspace_processes: Callable[[Path], subprocess.Popen[str]],
    pj: Any,  # noqa: F811 (the workspace must reach "SIP engine up")
) -> None:
    data = tmp_path / "desk"
    logs = data / "logs"
    first = workspace_processes(data)
    # The window is up and the SIP thread pumps pjsua2: as live as a workspace gets.
    wait_for_log(first, logs, "SIP engine up")
    os.kill(first.pid, signal.SIGSEGV)
    first.communicate(timeout=30)
    assert first.returncode == -signal.SIGSEGV
    assert "Fatal Python error: Segmentation fault" in (logs / CRASH_FILE).read_text()

    second = workspace_processes(data)
    record = wait_for_log(second, logs, "previous_crash")
    archive = Path(record["crash_file"])
    assert CRASH_FILE in record["msg"] and str(archive) in record["msg"]
    assert record["level"] == "ERROR"
    assert "Segmentation fault" in record["crash"]
    assert archive.parent == logs and archive.name.startswith("crash-")
    assert "Segmentation fault" in archive.read_text(encoding="utf-8")
    assert (logs / CRASH_FILE).read_text() == ""  # archived: not reported a third time
    shown = wait_for_log(second, logs, "crash_shown")  # the dialog opened over the window
    assert str(archive) in shown["msg"]

    second.send_signal(signal.SIGTERM)  # the workspace kept running and stops cleanly
    _, stderr = second.communicate(timeout=30)
    assert second.returncode == 0, stderr
    assert [p.name for p in logs.glob("crash-*.log")] == [archive.name]

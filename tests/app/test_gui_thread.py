"""GuiThreadRelay: results from other threads run on the GUI thread, later, never inline."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QThread
from pytestqt.qtbot import QtBot

from app.gui_thread import GuiThreadRelay


def test_a_result_from_a_pool_thread_runs_on_the_gui_thread(qtbot: QtBot) -> None:
    relay = GuiThreadRelay()
    gui = QThread.currentThread()
    seen: list[tuple[Any, bool]] = []
    worker = threading.Thread(
        target=relay.deliver,
        args=(lambda value: seen.append((value, QThread.currentThread() is gui)), 42),
    )
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: seen == [(42, True)])


def test_a_delivery_from_the_gui_thread_waits_for_the_event_loop(qtbot: QtBot) -> None:
    relay = GuiThreadRelay()
    seen: list[str] = []
    relay.deliver(seen.append, "later")
    relay.deliver(None, "nobody asked")  # a job without a callback: nothing happens
    assert seen == [], "never re-entrant: the caller finishes first"
    qtbot.waitUntil(lambda: seen == ["later"])

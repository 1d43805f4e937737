"""Deliver a result on the GUI thread: the one way other threads hand work back to the window.

Database jobs (`app.worker`), phone commands (`app.bridge`) and the sync relay's status
(`app.widgets.relay_status`) finish on threads that must never touch a widget. As in
Electrum's ``gui/common_qt/util.py``, such a thread only emits a Qt signal; the connection
is queued, so the callback runs later in the GUI thread's event loop.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

logger = logging.getLogger(__name__)

Callback = Callable[[Any], object]


class GuiThreadRelay(QObject):
    """Runs ``callback(value)`` on the thread this object lives on (create it on the GUI thread).

    Signals:
        delivery_requested(callback, value): emitted by `deliver` on any thread.
    """

    delivery_requested = Signal(object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        """A relay owned by the current (GUI) thread."""
        super().__init__(parent)
        # Queued even when emitted on the GUI thread itself: a result never arrives re-entrantly.
        self.delivery_requested.connect(
            self._on_relay_delivery_requested, Qt.ConnectionType.QueuedConnection
        )

    def deliver(self, callback: Callback | None, value: Any) -> None:
        """Thread-safe: call ``callback(value)`` soon on the GUI thread (None: nothing to call)."""
        # The window may be gone before a late thread finishes: nobody is left to tell.
        with contextlib.suppress(RuntimeError):
            self.delivery_requested.emit(callback, value)

    @Slot(object, object)
    def _on_relay_delivery_requested(self, callback: Callback | None, value: Any) -> None:
        if callback is not None:
            callback(value)

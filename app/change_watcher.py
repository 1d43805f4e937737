"""Live changes on the desk: a `changed` signal on the GUI thread within a second of any desk
or courier's phone changing an order or a task, and the open client card kept current.

Backed by `dispatcher.changes`: LISTEN/NOTIFY on PostgreSQL, the change stamp polled every
250 ms (off the GUI thread) on SQLite. A burst of changes gives one signal per GUI turn:
the board reads the day again once, not once per row.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, SignalInstance
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import URL
from sqlalchemy.orm import Session

from app.gui_thread import GuiThreadRelay
from app.worker import DbWorker
from dispatcher.changes import ChangeListener, StampPoller, client_orders_stamp, watch_changes

logger = logging.getLogger(__name__)


class ChangeWatcher(QObject):
    """Tells the desk that orders or tasks changed somewhere.

    Signals:
        changed(int): the new stamp (-1 after a reconnect: read everything again).
    """

    changed = Signal(int)

    def __init__(
        self, url: str | URL, sessions: Callable[[], Session], parent: QObject | None = None
    ) -> None:
        """A watcher of the database at ``url`` (the password included); not started yet."""
        super().__init__(parent)
        if isinstance(url, URL):
            url = url.render_as_string(hide_password=False)
        self._relay = GuiThreadRelay(self)
        self._pending = threading.Event()
        self._watch: ChangeListener | StampPoller = watch_changes(url, sessions, self._heard)

    def start(self) -> None:
        """Start watching (the listener's or poller's own thread)."""
        self._watch.start()

    def stop(self) -> None:
        """Stop watching; no signal comes after this returns."""
        self._watch.stop()

    def _heard(self, stamp: int) -> None:
        # On the watcher's thread: hand over to the GUI thread, once per burst.
        if not self._pending.is_set():
            self._pending.set()
            self._relay.deliver(self._emit, stamp)

    def _emit(self, stamp: int) -> None:
        self._pending.clear()
        self.changed.emit(stamp)


class CardRefresher(QObject):
    """Shows the open client card again when that client's orders changed on another desk.

    The card is looked up again only when the client's (order, version) list moved since the
    last look (or is not known yet), and the keyboard focus stays where the operator was.
    """

    def __init__(
        self,
        worker: DbWorker,
        client_id: Callable[[], int | None],
        refresh: Callable[[int], None],
        shown: SignalInstance,
        parent: QObject | None = None,
    ) -> None:
        """``client_id()`` names the client on screen; ``refresh(id)`` shows it again, and
        ``shown`` fires once it is on screen (after the panel took the focus)."""
        super().__init__(parent)
        self.worker, self.client_id, self.refresh = worker, client_id, refresh
        self._seen: tuple[int, tuple[tuple[int, int], ...]] | None = None
        self._focus: QWidget | None = None
        shown.connect(self._on_card_shown)

    def on_changed(self, _stamp: int) -> None:
        """Slot for `ChangeWatcher.changed`."""
        client_id = self.client_id()
        if client_id is None:
            return

        def done(stamp: tuple[tuple[int, int], ...]) -> None:
            seen, self._seen = self._seen, (client_id, stamp)
            if seen != (client_id, stamp) and self.client_id() == client_id:
                self._focus = QApplication.focusWidget()
                self.refresh(client_id)

        self.worker.submit(lambda s: client_orders_stamp(s, client_id), done)

    def _on_card_shown(self, _result: object) -> None:
        focus, self._focus = self._focus, None
        if focus is not None:
            focus.setFocus()
        # What the card shows now: only a later change of these orders shows it again.
        client_id = self.client_id()
        if client_id is not None:
            self.worker.submit(
                lambda s: client_orders_stamp(s, client_id),
                lambda stamp: setattr(self, "_seen", (client_id, stamp)),
            )

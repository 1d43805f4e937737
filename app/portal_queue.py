"""The portal's "to confirm" queue: orders clients placed on the portal, waiting for a desk.

`PortalQueueViewModel` lists them (oldest first) on the DbWorker, again whenever the change
watcher reports a change; confirming one (Enter) is `confirm_portal_order`: a delivery when
the client's defaults are complete, else an interest; Ctrl+D dials the client through the
workspace's usual dial path (``dial(number)``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, SignalInstance
from sqlalchemy.orm import Session

from app.identity import Identity
from app.worker import DbWorker
from dispatcher.operations import portal as ops
from dispatcher.operations.portal import Confirmed, QueueRow

logger = logging.getLogger(__name__)


class PortalQueueViewModel(QObject):
    """Portal orders to confirm.

    Signals:
        listed(object): the list of QueueRow, oldest first.
        confirmed(object): the Confirmed result of the order just confirmed.
        error(str): a refusal to show (the order stays in the list).
    """

    listed = Signal(object)
    confirmed = Signal(object)
    error = Signal(str)

    def __init__(
        self,
        worker: DbWorker,
        identity: Identity,
        dial: Callable[[str], None] | None = None,
        watcher: SignalInstance | None = None,
        parent: QObject | None = None,
    ) -> None:
        """A queue read through ``worker``; ``watcher`` (the change signal) keeps it fresh."""
        super().__init__(parent)
        self.worker = worker
        self.identity = identity
        self.dial = dial
        self.rows: list[QueueRow] = []
        if watcher is not None:
            watcher.connect(lambda *_args: self.refresh())
        identity.changed.connect(lambda _actor: self.refresh())

    def refresh(self) -> None:
        """Read the queue again (a no-op while nobody is signed in)."""
        actor = self.identity.actor
        if actor is None:
            return

        def read(session: Session) -> list[QueueRow]:
            return ops.portal_queue(session, actor=actor)

        self.worker.submit(read, self._on_read, self.error.emit)

    def _on_read(self, rows: list[QueueRow]) -> None:
        self.rows = rows
        self.listed.emit(rows)

    def confirm(self, order_id: int) -> None:
        """Confirm one portal order; `confirmed` (and a fresh list) or `error` follows."""
        actor = self.identity.require()

        def confirm(session: Session) -> Confirmed:
            return ops.confirm_portal_order(session, order_id, actor=actor)

        def done(result: Confirmed) -> None:
            self.confirmed.emit(result)
            self.refresh()

        self.worker.submit(confirm, done, self.error.emit)

    def call(self, order_id: int) -> None:
        """Dial the client of a queued order (their first phone)."""
        row = next((r for r in self.rows if r.order_id == order_id), None)
        if row is None or not row.phone:
            self.error.emit(self.tr("The client has no phone number to call."))
            return
        if self.dial is not None:
            self.dial(row.phone)

"""The interactions journal on screen: one client's (on the card) or one operator's.

`JournalViewModel` reads `plans.journal` / `plans.operator_journal` off the GUI thread, adds
notes typed by hand (SMS, e-mail, meeting) and sets the review flags of seed 001
("Рассмотреть после", "Рассмотрено"). Every change reloads the list it was made in.

Signals:
    changed(): the entries, the message or the busy flag changed.
    noted(): a note was written (the dialog clears its text then, not before).
    replied(): an answer to a portal message was written (its dialog closes then).
    error(str): a readable message (what was typed stays).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from sqlalchemy.orm import Session

from app.identity import Identity
from app.worker import DbWorker
from dispatcher.models import InteractionKind
from dispatcher.operations import plans
from dispatcher.operations import portal as portal_ops
from dispatcher.operations.plans import JournalEntry, Person

logger = logging.getLogger(__name__)


class JournalViewModel(QObject):
    """The journal shown: whose it is, its entries, the last message."""

    changed = Signal()
    noted = Signal()
    replied = Signal()
    error = Signal(str)

    def __init__(self, worker: DbWorker, identity: Identity, parent: QObject | None = None) -> None:
        """Reads and writes through ``worker`` as ``identity``'s signed-in person."""
        super().__init__(parent)
        self._worker, self._identity = worker, identity
        self.client_id: int | None = None
        self.operator: str | None = None
        self.entries: list[JournalEntry] = []
        self.people: list[Person] = []
        self.message = ""
        self.busy = False
        self._gen = 0

    def show_client(self, client_id: int) -> None:
        """Show a client's journal (the client card's)."""
        self.client_id, self.operator = client_id, None
        self.reload()

    def show_operator(self, login: str) -> None:
        """Show an operator's journal (one's own; a lead's choice of anyone)."""
        self.client_id, self.operator = None, login
        self.reload()

    def load_people(self) -> None:
        """Fill ``people`` (the active users a lead can pick), then ``changed``."""

        def loaded(people: list[Person]) -> None:
            self.people = people
            self.changed.emit()

        self._worker.submit(plans.active_people, loaded, self._failed)

    def reload(self) -> None:
        """Read the shown journal again."""
        self._gen += 1
        gen, client_id, login = self._gen, self.client_id, self.operator
        actor = self._identity.require()

        def read(s: Session) -> list[JournalEntry]:
            if client_id is not None:
                return plans.journal(s, client_id=client_id)
            if login is not None:
                return plans.operator_journal(s, login, actor=actor)
            return []

        def loaded(entries: list[JournalEntry]) -> None:
            if gen == self._gen:
                self.entries, self.busy, self.message = entries, False, ""
                self.changed.emit()

        self.busy = True
        self._worker.submit(read, loaded, self._failed)

    def add_note(self, kind: InteractionKind, text: str) -> None:
        """Record an SMS, e-mail or meeting with the shown client."""
        client_id = self.client_id
        if client_id is None:
            return
        self._write(lambda s, actor: plans.add_note(s, client_id, kind, text, actor=actor), True)

    def review_after(self, entry_id: int, day: dt.date) -> None:
        """Put an entry's review off to a Moscow day."""
        start = plans.parse_day(day.isoformat())
        self._write(lambda s, actor: plans.set_review(s, entry_id, actor=actor, review_after=start))

    def mark_reviewed(self, entry_id: int, reviewed: bool = True) -> None:
        """Mark an entry reviewed (or reopen its review)."""
        self._write(lambda s, actor: plans.set_review(s, entry_id, actor=actor, reviewed=reviewed))

    def reply(self, message_id: int, text: str) -> None:
        """Answer a client's portal message (the answer goes to the portal)."""
        actor = self._identity.require()

        def done(_reply: object) -> None:
            self.replied.emit()
            self.reload()

        self._worker.submit(
            lambda s: portal_ops.reply_to_portal_message(s, message_id, text, actor=actor),
            done,
            self._failed,
        )

    def entry(self, entry_id: int | None) -> JournalEntry | None:
        """The shown entry ``entry_id``, if any."""
        return next((e for e in self.entries if e.id == entry_id), None)

    def _write(self, op: Callable[[Session, Any], JournalEntry], note: bool = False) -> None:
        actor = self._identity.require()

        def done(_entry: JournalEntry) -> None:
            if note:
                self.noted.emit()
            self.reload()

        self._worker.submit(lambda s: op(s, actor), done, self._failed)

    def _failed(self, message: str) -> None:
        self.busy, self.message = False, message
        self.changed.emit()
        self.error.emit(message)

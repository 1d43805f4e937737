"""The knowledge base during a call: articles suggested from the search line and the client.

While a call is on, every text the operator types in the client search and every client
confirmed on the call asks `suggest_articles` (off the GUI thread) for the best articles:
the typed words first, the client's situation (a failed delivery, …) adding to them.
`open_top` shows the first suggestion (Ctrl+I). Answers arrive in order: a slow answer
to an older text never replaces a newer one.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from app.worker import DbWorker
from dispatcher.operations import knowledge
from dispatcher.operations.knowledge import Suggestion

logger = logging.getLogger(__name__)


class KnowledgeViewModel(QObject):
    """Suggests knowledge-base articles for the call on screen.

    Signals:
        suggestions_changed(list): the `Suggestion` list now, best first (empty: none).
        open_requested(object): the `Article` to show in full.
        error(str): a database problem in words.
    """

    suggestions_changed = Signal(list)
    open_requested = Signal(object)
    error = Signal(str)

    def __init__(self, worker: DbWorker, parent: QObject | None = None) -> None:
        """Suggestions read through ``worker``; nothing is suggested before a call starts."""
        super().__init__(parent)
        self.worker = worker
        self.typed = ""
        self.client_id: int | None = None
        self.call_on = False
        self.suggestions: list[Suggestion] = []
        self._asked = 0

    def on_typed(self, text: str) -> None:
        """The operator typed in the search line."""
        self.typed = text
        self._ask()

    def on_client(self, client_id: int | None, _contact_id: object = None) -> None:
        """The call's client is known (or no longer)."""
        self.client_id = client_id
        self._ask()

    def set_call_on(self, on: bool) -> None:
        """A call started (suggest) or the last one ended (clear)."""
        self.call_on = on
        if not on:
            self.typed, self.client_id = "", None
        self._ask()

    def open_top(self) -> None:
        """Show the best suggestion in full (nothing when there is none)."""
        if self.suggestions:
            self.open_requested.emit(self.suggestions[0].article)

    def _ask(self) -> None:
        self._asked += 1
        ticket = self._asked
        if not self.call_on:
            self._show(ticket, [])
            return
        typed, client_id = self.typed, self.client_id
        self.worker.submit(
            lambda s: knowledge.suggest_articles(s, typed, client_id),
            lambda found: self._show(ticket, found),
            self.error.emit,
        )

    def _show(self, ticket: int, found: list[Suggestion]) -> None:
        if ticket != self._asked:
            return  # a newer text was asked for meanwhile
        self.suggestions = found
        self.suggestions_changed.emit(found)

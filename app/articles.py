"""The knowledge base's articles window: search, add, edit (the operations refuse operators).

Signals:
    changed(): the list, the article being edited, the message or the busy flag changed.
    saved(object): the `Article` just written.
    error(str): a readable message (what was typed stays in the form).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from app.identity import Identity
from app.worker import DbWorker
from dispatcher.operations import knowledge
from dispatcher.operations.knowledge import Article

logger = logging.getLogger(__name__)


class ArticlesViewModel(QObject):
    """The articles listed (a search's, or the latest changed) and the one being edited."""

    changed = Signal()
    saved = Signal(object)
    error = Signal(str)

    def __init__(self, worker: DbWorker, identity: Identity, parent: QObject | None = None) -> None:
        """Reads and writes through ``worker`` as ``identity``'s signed-in person."""
        super().__init__(parent)
        self._worker, self._identity = worker, identity
        self.text = ""
        self.articles: list[Article] = []
        self.editing: Article | None = None  # None: the form adds a new article
        self.message = ""
        self._gen = 0

    def search(self, text: str) -> None:
        """List the articles answering ``text`` (the latest changed when it is empty)."""
        self.text = text
        self._gen += 1
        gen = self._gen

        def read(s: object) -> list[Article]:
            if text.strip():
                return [f.article for f in knowledge.search_articles(s, text, 50)]  # type: ignore[arg-type]
            return knowledge.recent_articles(s)  # type: ignore[arg-type]

        def found(articles: list[Article]) -> None:
            if gen == self._gen:
                self.articles = articles
                self.changed.emit()

        self._worker.submit(read, found, self._failed)

    def edit(self, article: Article | None) -> None:
        """Put an article in the form (None: a new one)."""
        self.editing, self.message = article, ""
        self.changed.emit()

    def save(self, question: str, answer: str, keywords: str) -> None:
        """Add the new article or change the one being edited (shift leads and admins)."""
        actor = self._identity.require()
        editing = self.editing

        def write(s: object) -> Article:
            if editing is None:
                return knowledge.add_article(s, question, answer, keywords, actor=actor)  # type: ignore[arg-type]
            return knowledge.edit_article(s, editing.id, question, answer, keywords, actor=actor)  # type: ignore[arg-type]

        def written(article: Article) -> None:
            self.editing, self.message = article, ""
            self.saved.emit(article)
            self.search(self.text)

        self._worker.submit(write, written, self._failed)

    def _failed(self, message: str) -> None:
        self.message = message
        self.changed.emit()
        self.error.emit(message)

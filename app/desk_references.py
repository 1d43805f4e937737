"""The operator's interactions journal window and the knowledge base's articles window.

Opened from the desk's menus (`DeskPlans`): Plans → Interactions journal… (one's own; a
lead picks any operator) and References → Knowledge base articles… (leads write; an
operator's save is refused by the operation, with its message in the window).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject

from app.articles import ArticlesViewModel
from app.identity import Identity
from app.journal import JournalViewModel
from app.plans_presenter import article_form_mode, person_choices
from app.widgets.articles_window import ArticlesWindow
from app.widgets.journal_view import JournalView, OperatorJournalDialog
from app.worker import DbWorker
from dispatcher.models import UserRole
from dispatcher.operations.knowledge import Article
from dispatcher.users import has_role

logger = logging.getLogger(__name__)


class DeskReferences(QObject):
    """Opens (and keeps) the journal and articles windows of one desk."""

    def __init__(self, window: Any, worker: DbWorker, identity: Identity) -> None:
        """Windows parented to ``window`` (the MainWindow)."""
        super().__init__(window)
        self.window, self.worker, self.identity = window, worker, identity
        self.journal_dialog: OperatorJournalDialog | None = None
        self.articles_window: ArticlesWindow | None = None
        self.articles_vm: ArticlesViewModel | None = None

    def open_journal(self) -> None:
        """The signed-in operator's journal; a lead may switch to another operator."""
        actor = self.identity.require()
        vm = JournalViewModel(self.worker, self.identity, self)
        dialog = OperatorJournalDialog(
            JournalView(vm, notes=False),
            may_choose=has_role(actor, UserRole.LEAD),
            parent=self.window,
        )
        self.journal_dialog = dialog
        vm.changed.connect(
            lambda: (
                dialog.set_people(person_choices(vm.people), vm.operator or actor.login)
                if vm.people and dialog.operator.count() != len(vm.people)
                else None
            )
        )
        dialog.operator_chosen.connect(vm.show_operator)
        vm.load_people()
        vm.show_operator(actor.login)
        dialog.show()
        dialog.view.list.setFocus()

    def open_articles(self) -> None:
        """The articles window: the latest changed listed, an empty form for a new one."""
        vm = self.articles_vm = ArticlesViewModel(self.worker, self.identity, self)
        window = self.articles_window = ArticlesWindow(self.window)

        def put(article: Article | None) -> None:
            vm.edit(article)
            if article is None:
                window.set_form(article_form_mode(None), "", "", "")
            else:
                q, a, k = article.question, article.answer, article.keywords
                window.set_form(article_form_mode(article), q, a, k)

        def edit_row(row: int) -> None:
            if 0 <= row < len(vm.articles):
                put(vm.articles[row])

        window.search_changed.connect(vm.search)
        window.edit_requested.connect(edit_row)
        window.new_requested.connect(lambda: put(None))
        window.save_requested.connect(vm.save)
        vm.changed.connect(lambda: window.set_articles([a.question for a in vm.articles]))
        vm.changed.connect(lambda: window.show_message(vm.message))
        vm.saved.connect(lambda article: window.mode.setText(article_form_mode(article)))
        put(None)
        vm.search("")
        window.show()
        window.search.setFocus()

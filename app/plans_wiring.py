"""The desk's planned calls and knowledge base: view models, panel, reminder and menu.

Kept apart from `app.workspace` and the main window so that both change by one line:
`DeskPlans(...)` adds a "Plans" menu (plan a call back, open the first article), the
knowledge panel docked at the right, and the reminder window.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, SignalInstance
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu
from sqlalchemy.orm import Session

from app.desk_references import DeskReferences
from app.identity import Identity
from app.intake import IntakeViewModel
from app.knowledge import KnowledgeViewModel
from app.plans_presenter import (
    article_html,
    person_choices,
    plan_from_call_label,
    reminder_line,
    reminder_title,
    suggestion_rows,
    suggestions_hint,
)
from app.reminders import Clock, ReminderScheduler
from app.shortcuts import Key, sequence
from app.widgets.plans_widgets import KnowledgeDock, PlanDialog, ReminderDialog
from app.worker import DbWorker
from dispatcher.models import utcnow
from dispatcher.moscow import MOSCOW
from dispatcher.operations.plans import Person, Plan, active_people, client_name

logger = logging.getLogger(__name__)


class DeskPlans(QObject):
    """Reminders, the plan dialog and knowledge suggestions of one desk's window."""

    def __init__(
        self,
        window: Any,
        worker: DbWorker,
        identity: Identity,
        intake: IntakeViewModel,
        *,
        changed: SignalInstance | None = None,
        clock: Clock = utcnow,
    ) -> None:
        """Attach to ``window`` (a MainWindow); ``changed`` is the change watcher's signal."""
        super().__init__(window)
        self.window, self.worker, self.identity, self.intake = window, worker, identity, intake
        self.clock = clock
        self.reminders = ReminderScheduler(worker, identity, clock, self)
        self.knowledge = KnowledgeViewModel(worker, self)
        self.dock = KnowledgeDock(window)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.reminder_dialog = ReminderDialog(window)
        self.plan_dialog: PlanDialog | None = None
        self.shown: list[Plan] = []
        self.references = DeskReferences(window, worker, identity)
        self._menu()
        self._connect(changed)
        self._on_suggestions([])
        self.reminders.arm()  # overdue plans show at start

    def _menu(self) -> None:
        menu = self.window.menuBar().addMenu(QCoreApplication.translate("Plans", "&Plans"))
        for key, text, slot in (
            (
                Key.PLAN_CALL,
                QCoreApplication.translate("Plans", "Plan a call back…"),
                self.plan_call,
            ),
            (
                Key.KNOWLEDGE,
                QCoreApplication.translate("Plans", "Open the first suggested article"),
                self.knowledge.open_top,
            ),
        ):
            action = QAction(text, self.window)
            action.setShortcut(QKeySequence(sequence(key)))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False, slot=slot: slot())
            menu.addAction(action)
            self.window.addAction(action)
        # The panel can be closed; this brings it back (its title names it in the menu).
        menu.addAction(self.dock.toggleViewAction())
        journal = QAction(QCoreApplication.translate("Plans", "Interactions journal…"), self.window)
        journal.triggered.connect(lambda _checked=False: self.references.open_journal())
        menu.addAction(journal)
        # Under References (Справочники), beside the catalogue and the couriers.
        references = self.window.findChild(QMenu, "referencesMenu") or menu
        articles = QAction(
            QCoreApplication.translate("Plans", "Knowledge base articles…"), self.window
        )
        articles.triggered.connect(lambda _checked=False: self.references.open_articles())
        references.addAction(articles)

    def _connect(self, changed: SignalInstance | None) -> None:
        intake, kb = self.intake, self.knowledge
        self.window.caller_panel.search_edit.textEdited.connect(kb.on_typed)
        intake.client_confirmed.connect(kb.on_client)
        intake.lookup_ready.connect(self._on_intake_lookup_ready)
        intake.calls_changed.connect(self._on_intake_calls_changed)
        kb.suggestions_changed.connect(self._on_suggestions)
        kb.open_requested.connect(lambda article: self.dock.show_article(article_html(article)))
        kb.error.connect(self.window.show_error)
        self.dock.open_requested.connect(self._on_dock_open_requested)
        self.reminders.due.connect(self._on_reminders_due)
        self.reminders.error.connect(self.window.show_error)
        self.reminders.planned.connect(self._on_planned)
        self.reminder_dialog.call_requested.connect(self._on_reminder_call_requested)
        if changed is not None:
            changed.connect(self.reminders.on_changed)

    # --- knowledge ----------------------------------------------------------------------------

    def _on_intake_lookup_ready(self, result: Any) -> None:
        matches = getattr(result, "matches", ())
        self.knowledge.on_client(matches[0].client.id if matches else None)

    def _on_intake_calls_changed(self, calls: list[Any]) -> None:
        on = any(not call.ended for call in calls)
        if on != self.knowledge.call_on:
            self.knowledge.set_call_on(on)

    def _on_suggestions(self, found: list[Any]) -> None:
        rows = [(r.title, r.preview) for r in suggestion_rows(found)]
        self.dock.set_rows(suggestions_hint(self.knowledge.call_on, len(rows)), rows)

    def _on_dock_open_requested(self, row: int) -> None:
        if 0 <= row < len(self.knowledge.suggestions):
            self.dock.show_article(article_html(self.knowledge.suggestions[row].article))

    # --- planning -----------------------------------------------------------------------------

    def plan_call(self) -> None:
        """Open the plan dialog for the client on screen, after the call on screen if any."""
        selected = self.window.caller_panel.selected_ids()
        call = self.intake.focused
        client_id = selected[0] if selected else (call.client_id if call is not None else None)
        actor = self.identity.actor
        if client_id is None or actor is None:
            self.window.show_error(
                QCoreApplication.translate("Plans", "Pick the client to call back first.")
            )
            return
        planned_from = call.interaction_id if call is not None else None
        from_call = plan_from_call_label(call.label, call.direction) if planned_from else ""

        def read(s: Session) -> tuple[str, list[Person]]:
            return client_name(s, client_id), active_people(s)

        self.worker.submit(
            read,
            lambda found: self._open_plan_dialog(
                client_id, found[0], found[1], actor.login, planned_from, from_call
            ),
            self.window.show_error,
        )

    def _open_plan_dialog(
        self,
        client_id: int,
        name: str,
        people: list[Person],
        login: str,
        planned_from: int | None,
        from_call: str,
    ) -> None:
        now = self.clock().astimezone(MOSCOW)
        tomorrow_10 = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(10))
        dialog = self.plan_dialog = PlanDialog(
            name, tomorrow_10, person_choices(people), login, self.window, from_call=from_call
        )

        def submit(moment: dt.datetime, subject: str, responsible: str) -> None:
            self._pending_dialog = dialog
            self.reminders.plan(
                client_id, moment.replace(tzinfo=MOSCOW), subject, responsible, planned_from
            )

        dialog.submitted.connect(submit)
        self.reminders.error.connect(self._on_plan_error)
        dialog.open()

    _pending_dialog: PlanDialog | None = None

    def _on_plan_error(self, message: str) -> None:
        # The dialog stays open with everything typed; the message says what to change.
        if self._pending_dialog is not None and self._pending_dialog.isVisible():
            self._pending_dialog.show_error(message)

    def _on_planned(self, plan: Plan) -> None:
        if self._pending_dialog is not None:
            self._pending_dialog.accept()
            self._pending_dialog = None
        due = plan.due_at.astimezone(MOSCOW)
        self.window.statusBar().showMessage(
            QCoreApplication.translate("Plans", "Call planned: %1, %2")
            .replace("%1", f"{due:%d.%m %H:%M}")
            .replace("%2", plan.subject),
            8_000,
        )

    # --- reminders ----------------------------------------------------------------------------

    def _on_reminders_due(self, due: list[Plan]) -> None:
        known = {p.id for p in self.shown}
        self.shown += [p for p in due if p.id not in known]
        now = self.clock()
        lines = [reminder_line(p, now) for p in self.shown]
        self.reminder_dialog.set_lines(reminder_title(len(lines)), lines)
        self.reminder_dialog.show()
        self.reminder_dialog.raise_()
        self.reminder_dialog.activateWindow()

    def _on_reminder_call_requested(self, row: int) -> None:
        plan = self.shown.pop(row)
        self.reminders.call(plan, self.intake.place_call)
        # The reminder closed: the operator is on the call now, so its keys (F4) go there.
        self.window.activateWindow()

"""The complaint form's and the Complaints window's state: what they load, submit and escalate.

`ComplaintFormViewModel` registers a complaint from the call (the client and the order on the
panel prefilled); `ComplaintsViewModel` lists complaints for the lead, overdue ones first, and
checks the escalation — overdue complaints and department threads, reviews due — on a timer
with an injected clock: each check is three index range reads (dispatcher.complaints.overdue),
never a scan of the table. Database work runs on the DbWorker, never on the GUI thread.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy.orm import Session

from app.identity import Identity
from app.intake import LiveCall
from app.worker import DbWorker
from dispatcher.complaints import ComplaintRow, Escalation
from dispatcher.models import UserRole
from dispatcher.operations import complaints as ops
from dispatcher.operations import portal as portal_ops
from dispatcher.operations.complaints import ReasonRow

logger = logging.getLogger(__name__)

CHECK_EVERY_MS = 60_000


@dataclass(frozen=True, slots=True)
class ComplaintPrefill:
    """What the form starts with: the client and the order under discussion, the call."""

    client_id: int
    client_name: str
    order_id: int | None = None
    interaction_id: int | None = None


@dataclass(frozen=True, slots=True)
class ComplaintInput:
    """What the operator typed and picked in the form."""

    reason_id: int
    description: str
    remedy: str = "none"
    priority: str = "normal"
    guilty_department: str = ""


def call_prefill(
    call: LiveCall | None,
    selected_client: int | None,
    order_client: int | None,
    order_client_name: str,
    order_id: int | None,
) -> ComplaintPrefill | None:
    """The client and the order under discussion: the order panel's, else the caller's.

    The order is the one on the panel, else the call's, else the client's delivery under
    way (or to reschedule), else its last order. None when no client is known yet.
    """
    client_id = order_client or (call.client_id if call is not None else None) or selected_client
    if client_id is None:
        return None
    name = order_client_name if client_id == order_client else ""
    order = order_id if client_id == order_client else None
    interaction = call.interaction_id if call is not None else None
    matches = call.lookup.matches if call is not None and call.lookup is not None else ()
    for match in matches:
        if match.client.id != client_id:
            continue
        name = name or match.client.name
        if order is None:
            under_way = (*match.active_deliveries, *match.to_reschedule)
            order = (
                call.order_id
                if call is not None and call.order_id
                else under_way[0].id
                if under_way
                else match.last_order.id
                if match.last_order
                else None
            )
    return ComplaintPrefill(client_id, name or f"#{client_id}", order, interaction)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ComplaintFormViewModel(QObject):
    """Registers complaints from the call window.

    Signals:
        form_requested(object): a ComplaintPrefill; the reasons are in `reasons`.
        registered(object): the ComplaintRow just registered.
        error(str): a refusal to show; what was typed stays in the form.
    """

    form_requested = Signal(object)
    registered = Signal(object)
    error = Signal(str)

    def __init__(self, worker: DbWorker, identity: Identity, parent: QObject | None = None):
        """A form model submitting through ``worker`` as ``identity``'s person."""
        super().__init__(parent)
        self.worker = worker
        self.identity = identity
        self.reasons: list[ReasonRow] = []

    def open_for(self, prefill: ComplaintPrefill) -> None:
        """Load the reasons, then ask for the form prefilled with the client and order."""
        actor = self.identity.require()

        def load(session: Session) -> list[ReasonRow]:
            return ops.list_complaint_reasons(session, actor=actor)

        def loaded(reasons: list[ReasonRow]) -> None:
            self.reasons = reasons
            self.form_requested.emit(prefill)

        self.worker.submit(load, loaded, self.error.emit)

    def submit(self, prefill: ComplaintPrefill, typed: ComplaintInput) -> None:
        """Register the complaint; `registered` or `error` follows."""
        actor = self.identity.require()

        def register(session: Session) -> ComplaintRow:
            return ops.register_complaint(
                session,
                prefill.client_id,
                typed.reason_id,
                typed.description,
                actor=actor,
                order_ids=[prefill.order_id] if prefill.order_id else [],
                guilty_department=typed.guilty_department,
                priority=typed.priority,
                remedy=typed.remedy,
                interaction_id=prefill.interaction_id,
            )

        self.worker.submit(register, self.registered.emit, self.error.emit)


class ComplaintsViewModel(QObject):
    """The lead's list of complaints and the escalation check.

    Signals:
        listed(object): the list of ComplaintRow, overdue first.
        escalation_changed(object): the current Escalation (after each check).
        escalated(object): an Escalation with more waiting than the last check told of.
        replied(int): the portal message answered (its dialog closes).
        error(str)
    """

    listed = Signal(object)
    escalation_changed = Signal(object)
    escalated = Signal(object)
    replied = Signal(int)
    error = Signal(str)

    def __init__(
        self,
        worker: DbWorker,
        identity: Identity,
        clock: Callable[[], dt.datetime] = _utcnow,
        parent: QObject | None = None,
    ) -> None:
        """A model reading through ``worker``; ``clock`` gives the moment (tests inject it)."""
        super().__init__(parent)
        self.worker = worker
        self.identity = identity
        self.clock = clock
        self.rows: list[ComplaintRow] = []
        self.escalation = Escalation((), (), ())
        self._told = 0  # how many waiting things the lead was last told of
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)
        identity.changed.connect(self._on_identity_changed)

    def start(self) -> None:
        """Check now and then every minute."""
        self.check()
        self.timer.start()

    def _on_identity_changed(self, _actor: object) -> None:
        self._told = 0
        self.escalation = Escalation((), (), ())
        self.escalation_changed.emit(self.escalation)
        self.check()

    def refresh(self, text: str = "", *, open_only: bool = True) -> None:
        """List complaints matching ``text`` (open ones unless told otherwise)."""
        actor, now = self.identity.require(), self.clock()

        def find(session: Session) -> list[ComplaintRow]:
            return ops.list_complaints(
                session, actor=actor, text=text, open_only=open_only, now=now
            )

        def done(rows: list[ComplaintRow]) -> None:
            self.rows = rows
            self.listed.emit(rows)

        self.worker.submit(find, done, self.error.emit)

    def check(self) -> None:
        """Ask what is overdue now, if a shift lead (or admin) is signed in."""
        if not self.identity.may(UserRole.LEAD):
            return
        actor, now = self.identity.require(), self.clock()

        def find(session: Session) -> Escalation:
            return ops.escalations(session, actor=actor, now=now)

        self.worker.submit(find, self._on_checked, self.error.emit)

    def _on_checked(self, escalation: Escalation) -> None:
        self.escalation = escalation
        self.escalation_changed.emit(escalation)
        if escalation.count > self._told:
            self.escalated.emit(escalation)
        self._told = escalation.count

    def resolve(self, complaint_id: int, result: str, satisfied: bool) -> None:
        """Resolve a complaint, then list again."""
        actor, now = self.identity.require(), self.clock()

        def resolve(session: Session) -> ComplaintRow:
            return ops.resolve_complaint(
                session, complaint_id, result, satisfied, actor=actor, now=now
            )

        self.worker.submit(resolve, lambda _row: (self.refresh(), self.check()), self.error.emit)

    def reply(self, message_id: int, text: str) -> None:
        """Answer an overdue portal message, then check the escalation again."""
        actor = self.identity.require()

        def reply(session: Session) -> object:
            return portal_ops.reply_to_portal_message(session, message_id, text, actor=actor)

        def done(_reply: object) -> None:
            self.replied.emit(message_id)
            self.check()

        self.worker.submit(reply, done, self.error.emit)

"""One complaint's window state (department threads, reopen, review) and the reasons' editor.

Each action is one operation of dispatcher.operations.complaints run on the DbWorker; after it
the complaint (or the reasons list) is read again, so the window shows what the database holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from sqlalchemy.orm import Session

from app.identity import Identity
from app.worker import DbWorker
from dispatcher.models import UserRole
from dispatcher.operations import complaints as ops
from dispatcher.operations import portal_reads
from dispatcher.operations.complaints import ComplaintDetails, ReasonRow


class ComplaintDetailsViewModel(QObject):
    """A complaint with its department threads; what the responsible and the lead do with it.

    Signals:
        loaded(ComplaintDetails): the complaint as it is now.
        attachments_listed(object): its files (list of AttachmentRow: portal claims' photos).
        attachment_opened(object): one file with its bytes (AttachmentFile), to view.
        changed(): an action was saved (the list and the lead's badge follow).
        error(str): a refusal to show; what was typed stays.
    """

    loaded = Signal(object)
    attachments_listed = Signal(object)
    attachment_opened = Signal(object)
    changed = Signal()
    error = Signal(str)

    def __init__(self, worker: DbWorker, identity: Identity, complaint_id: int) -> None:
        """The complaint ``complaint_id`` as ``identity``'s person works on it."""
        super().__init__()
        self.worker, self.identity, self.complaint_id = worker, identity, complaint_id
        self.details: ComplaintDetails | None = None

    @property
    def lead(self) -> bool:
        """A shift lead (or admin) is signed in: reopen and review are theirs."""
        return self.identity.may(UserRole.LEAD)

    def load(self) -> None:
        """Read the complaint, its threads and history."""
        actor, complaint_id = self.identity.require(), self.complaint_id

        def read(session: Session) -> ComplaintDetails:
            return ops.complaint_details(session, complaint_id, actor=actor)

        self.worker.submit(read, self._on_read, self.error.emit)
        self.worker.submit(
            lambda s: portal_reads.complaint_attachments(s, complaint_id, actor=actor),
            self.attachments_listed.emit,
            self.error.emit,
        )

    def open_attachment(self, attachment_id: int) -> None:
        """Read one attached file (its bytes) to show it."""
        actor = self.identity.require()
        self.worker.submit(
            lambda s: portal_reads.attachment_file(s, attachment_id, actor=actor),
            self.attachment_opened.emit,
            self.error.emit,
        )

    def _on_read(self, details: ComplaintDetails) -> None:
        self.details = details
        self.loaded.emit(details)

    def _do(self, action: Callable[..., Any]) -> None:
        actor = self.identity.require()

        def done(_result: object) -> None:
            self.changed.emit()
            self.load()

        self.worker.submit(lambda session: action(session, actor), done, self.error.emit)

    def add_department(self, department: str, due: dt.date) -> None:
        """Draw a department in with its planned completion date."""
        cid = self.complaint_id
        self._do(lambda s, actor: ops.add_department(s, cid, department, due, actor=actor))

    def post_message(self, thread_id: int, text: str) -> None:
        """Write to a department's thread."""
        self._do(lambda s, actor: ops.post_message(s, thread_id, text, actor=actor))

    def close_thread(self, thread_id: int) -> None:
        """The department has done its part."""
        self._do(lambda s, actor: ops.close_thread(s, thread_id, actor=actor))

    def reopen(self, why: str) -> None:
        """A lead reopens the resolved complaint (deadline from its reason's time)."""
        cid = self.complaint_id
        self._do(lambda s, actor: ops.reopen_complaint(s, cid, why, actor=actor))

    def mark_reviewed(self, note: str) -> None:
        """A lead has reviewed a complaint closed with the client not satisfied."""
        cid = self.complaint_id
        self._do(lambda s, actor: ops.mark_reviewed(s, cid, note, actor=actor))


class ComplaintReasonsViewModel(QObject):
    """The lead's list of complaint reasons with their standard times.

    Signals:
        listed(list[ReasonRow]): every reason, the inactive ones too.
        error(str)
    """

    listed = Signal(object)
    error = Signal(str)

    def __init__(self, worker: DbWorker, identity: Identity) -> None:
        """Reasons read and changed through ``worker`` as ``identity``'s person."""
        super().__init__()
        self.worker, self.identity = worker, identity

    def refresh(self) -> None:
        """List every reason."""
        actor = self.identity.require()

        def read(session: Session) -> list[ReasonRow]:
            return ops.list_complaint_reasons(session, actor=actor, include_inactive=True)

        self.worker.submit(read, self.listed.emit, self.error.emit)

    def _do(self, action: Callable[..., Any]) -> None:
        actor = self.identity.require()
        self.worker.submit(lambda s: action(s, actor), lambda _r: self.refresh(), self.error.emit)

    def add(self, name: str, hours: int) -> None:
        """Offer a reason (or bring an old one back) with its standard time in hours."""
        self._do(lambda s, actor: ops.add_complaint_reason(s, name, hours, actor=actor))

    def deactivate(self, reason_id: int) -> None:
        """Stop offering a reason."""
        self._do(lambda s, actor: ops.deactivate_complaint_reason(s, reason_id, actor=actor))

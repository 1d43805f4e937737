"""The client card's portal part: who of the client may sign in, invite and revoke.

`PortalAccessViewModel` reads `portal_access` for the card's client on the DbWorker and runs
`invite_to_portal` / `revoke_portal` as the signed-in person; after each it reads the people
again. The invitation's code exists only in the `invited` signal's result: the desk keeps
its hash, so the dialog that shows it is the only place the operator can copy it from.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from sqlalchemy.orm import Session

from app.identity import Identity
from app.worker import DbWorker
from dispatcher import portal
from dispatcher.operations import portal as ops
from dispatcher.operations.portal import Invitation, Revoked
from dispatcher.operations.portal_reads import PortalPerson, portal_access

logger = logging.getLogger(__name__)


class PortalAccessViewModel(QObject):
    """One client's people and their portal access.

    Signals:
        changed(): the people, the message or the busy flag changed.
        invited(object): the new Invitation (its code and link, shown once).
        revoked(object): the Revoked result.
    """

    changed = Signal()
    invited = Signal(object)
    revoked = Signal(object)

    def __init__(self, worker: DbWorker, identity: Identity, parent: QObject | None = None) -> None:
        """Reads and acts through ``worker`` as ``identity``'s signed-in person."""
        super().__init__(parent)
        self._worker, self._identity = worker, identity
        self.client_id: int | None = None
        self.people: list[PortalPerson] = []
        self.message = ""
        self.busy = False
        self._gen = 0

    def show_client(self, client_id: int) -> None:
        """Show (and read) the portal access of ``client_id``'s people."""
        self.client_id, self.people, self.message = client_id, [], ""
        self.reload()

    def reload(self) -> None:
        """Read the people again."""
        client_id = self.client_id
        if client_id is None:
            return
        self._gen += 1
        gen, actor = self._gen, self._identity.require()

        def loaded(people: list[PortalPerson]) -> None:
            if gen == self._gen:
                self.people, self.busy = people, False
                self.changed.emit()

        self._worker.submit(
            lambda s: portal_access(s, client_id, actor=actor), loaded, self._failed
        )

    def invite(self, contact_id: int | None) -> None:
        """A one-time code for the person (``contact_id``; None for a private client)."""
        client_id = self.client_id
        if client_id is None or self.busy:
            return
        actor = self._identity.require()

        def job(session: Session) -> Invitation:
            url = portal.portal_url()  # the config file: read off the GUI thread too
            return ops.invite_to_portal(
                session, client_id, contact_id=contact_id, actor=actor, portal_url=url
            )

        def done(invitation: Invitation) -> None:
            self.invited.emit(invitation)
            self.reload()

        self._start()
        self._worker.submit(job, done, self._failed)

    def revoke(self, contact_id: int | None) -> None:
        """End the person's portal access (None: all of the client's people)."""
        client_id = self.client_id
        if client_id is None or self.busy:
            return
        actor = self._identity.require()

        def job(session: Session) -> Revoked:
            return ops.revoke_portal(session, client_id, contact_id=contact_id, actor=actor)

        def done(result: Revoked) -> None:
            self.revoked.emit(result)
            self.reload()

        self._start()
        self._worker.submit(job, done, self._failed)

    def _start(self) -> None:
        self.busy, self.message = True, ""
        self.changed.emit()

    def _failed(self, message: str) -> None:
        self.busy, self.message = False, message
        self.changed.emit()

"""ClientCardViewModel: editing a known client's card from the pop; attaching a caller's number.

Each edit is one operation of `dispatcher.operations.client_card`, submitted through the
DbWorker with the signed-in actor. A refused edit leaves its message under the section it
came from (``messages``) and the input where it was typed: the dialog clears an input only
when ``saved`` names its section. `AttachCallerViewModel` finds a client the way the
withheld-caller search does and makes the unknown caller's number hers.

Signals (both):
    changed(): the card, a message, the notice or the busy flag changed.
    saved(str): the section (`CardSection`) whose input was written.
    error(str): a readable message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy.orm import Session

from app.client_card_presenter import duplicates_notice
from app.identity import Identity
from app.journal import JournalViewModel
from app.portal_access import PortalAccessViewModel
from app.worker import DbWorker
from dispatcher.clients import AddressInput
from dispatcher.models import PaymentTerms
from dispatcher.operations import client_card as ops
from dispatcher.operations.client_card import CardChange, ClientCardDetails
from dispatcher.search import SearchHit, search_clients

logger = logging.getLogger(__name__)

SEARCH_DEBOUNCE_MS = 150
SEARCH_LIMIT = 20


class CardSection(StrEnum):
    """The parts of the card an input and its message belong to."""

    PHONE = "phone"
    ADDRESS = "address"
    CONTACT = "contact"
    NOTES = "notes"
    PAYMENT = "payment"
    INN = "inn"
    CARD = "card"  # loading the card itself


class ClientCardViewModel(QObject):
    """The card being edited, the message of each section, the notice about duplicates."""

    changed = Signal()
    saved = Signal(str)
    error = Signal(str)

    def __init__(
        self,
        worker: DbWorker,
        identity: Identity,
        *,
        region: str = "RU",
        parent: QObject | None = None,
    ) -> None:
        """Edits through ``worker`` as ``identity``'s signed-in person."""
        super().__init__(parent)
        self._worker = worker
        self._identity = identity
        self.region = region
        self.card: ClientCardDetails | None = None
        self.messages: dict[str, str] = {}
        self.notice = ""
        self.busy = False
        self.dirty = False  # something was written since the card was opened
        self._gen = 0
        # The client's interactions journal (calls, plans, notes) shown on the card.
        self.journal = JournalViewModel(worker, identity, self)
        # Who of the client may sign in on the portal; invite and revoke.
        self.portal = PortalAccessViewModel(worker, identity, self)

    @property
    def client_id(self) -> int | None:
        """The client whose card is open."""
        return self.card.id if self.card is not None else None

    def open(self, client_id: int) -> None:
        """Load a client's card (replaces what was shown; messages are cleared)."""
        self._gen += 1
        gen = self._gen
        self.card, self.messages, self.notice, self.dirty = None, {}, "", False
        self.busy = True
        self.changed.emit()

        def loaded(card: ClientCardDetails) -> None:
            if gen == self._gen:
                self.card, self.busy = card, False
                self.changed.emit()

        self._worker.submit(
            lambda s: ops.card_details(s, client_id),
            loaded,
            lambda message: self._failed(gen, CardSection.CARD, message),
        )
        self.journal.show_client(client_id)
        self.portal.show_client(client_id)

    # --- edits ----------------------------------------------------------------------------

    def add_phone(self, text: str, contact_id: int | None = None) -> None:
        """Add a number typed in any form (to a contact when ``contact_id`` is given)."""
        region = self.region
        self._edit(
            CardSection.PHONE,
            lambda s, cid, actor: ops.add_phone(
                s, cid, text, actor=actor, contact_id=contact_id, region=region
            ),
        )

    def remove_phone(self, phone_id: int) -> None:
        """Take a number off the card."""
        entry = next((p for p in self.card.phones if p.id == phone_id), None) if self.card else None
        if entry is None:
            return
        region = self.region
        self._edit(
            CardSection.PHONE,
            lambda s, cid, actor: ops.remove_phone(s, cid, entry.e164, actor=actor, region=region),
        )

    def add_address(self, text: str, contact_id: int | None = None, **details: str) -> None:
        """Add a delivery point with a house; details: entrance, floor, flat, intercom, notes."""
        data = AddressInput(text, **details)  # type: ignore[arg-type]
        self._edit(
            CardSection.ADDRESS,
            lambda s, cid, actor: ops.add_address(s, cid, data, actor=actor, contact_id=contact_id),
        )

    def edit_address(self, address_id: int, text: str, **details: str) -> None:
        """Change a delivery point (``details`` as for add_address)."""
        data = AddressInput(text, **details)  # type: ignore[arg-type]
        self._edit(
            CardSection.ADDRESS,
            lambda s, cid, actor: ops.edit_address(s, cid, address_id, data, actor=actor),
        )

    def retire_address(self, address_id: int) -> None:
        """The client no longer uses this point: it is not offered for new orders."""
        self._edit(
            CardSection.ADDRESS,
            lambda s, cid, actor: ops.retire_address(s, cid, address_id, actor=actor),
        )

    def add_contact(self, name: str, role: str = "", phone: str = "", address: str = "") -> None:
        """Add a contact person with an own phone and delivery point (both optional)."""
        region = self.region
        phones = [phone] if phone.strip() else []
        point = AddressInput(address) if address.strip() else None
        self._edit(
            CardSection.CONTACT,
            lambda s, cid, actor: ops.add_contact(
                s, cid, name, actor=actor, role=role, phones=phones, address=point, region=region
            ),
        )

    def set_notes(self, text: str) -> None:
        """The notes shown at the pop."""
        self._edit(
            CardSection.NOTES, lambda s, cid, actor: ops.set_notes(s, cid, text, actor=actor)
        )

    def set_payment_terms(self, terms: PaymentTerms) -> None:
        """Cash or invoice."""
        if self.card is not None and self.card.payment_terms is terms:
            return
        self._edit(
            CardSection.PAYMENT,
            lambda s, cid, actor: ops.set_payment_terms(s, cid, terms, actor=actor),
        )

    def set_inn(self, text: str) -> None:
        """A company's INN (empty clears it)."""
        self._edit(CardSection.INN, lambda s, cid, actor: ops.set_inn(s, cid, text, actor=actor))

    # --- plumbing -------------------------------------------------------------------------

    def _edit(self, section: CardSection, op: Callable[[Session, int, Any], CardChange]) -> None:
        client_id = self.client_id
        if client_id is None or self.busy:
            return
        actor = self._identity.require()
        gen = self._gen
        self.busy = True
        self.messages.pop(section, None)
        self.changed.emit()
        self._worker.submit(
            lambda s: op(s, client_id, actor),
            lambda change: self._done(gen, section, change),
            lambda message: self._failed(gen, section, message),
        )

    def _done(self, gen: int, section: CardSection, change: CardChange) -> None:
        if gen != self._gen:
            return
        self.card, self.busy, self.dirty = change.card, False, True
        self.notice = duplicates_notice(change.also_on)
        self.messages.pop(section, None)
        self.changed.emit()
        self.saved.emit(str(section))

    def _failed(self, gen: int, section: CardSection, message: str) -> None:
        if gen != self._gen:
            return
        self.busy = False
        self.messages[section] = message
        self.changed.emit()
        self.error.emit(message)


class AttachCallerViewModel(QObject):
    """An unknown caller is a known client: search her, pick, confirm, the number is hers.

    Signals:
        results_changed(list[SearchHit]): the answer to the latest search text.
        attached(int): the number now belongs to this client.
        error(str): a readable message (nothing was written).
    """

    results_changed = Signal(object)
    attached = Signal(int)
    error = Signal(str)

    def __init__(
        self,
        worker: DbWorker,
        identity: Identity,
        *,
        region: str = "RU",
        parent: QObject | None = None,
    ) -> None:
        """Searches and attaches through ``worker`` as ``identity``'s signed-in person."""
        super().__init__(parent)
        self._worker = worker
        self._identity = identity
        self.region = region
        self.message = ""
        self.busy = False
        self._text = ""
        self._gen = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._timer.timeout.connect(self._run_search)

    def search(self, text: str) -> None:
        """Search-as-you-type, as for a withheld caller (stale answers dropped)."""
        self._text = text
        self._gen += 1
        self._timer.start()

    def flush_search(self) -> None:
        """Run a pending search now (Return pressed before the pause)."""
        if self._timer.isActive():
            self._timer.stop()
            self._run_search()

    def _run_search(self) -> None:
        text, gen, region = self._text, self._gen, self.region
        if len(text.strip()) < 2:
            self.results_changed.emit([])
            return

        def found(hits: list[SearchHit]) -> None:
            if gen == self._gen:
                self.results_changed.emit(hits)

        self._worker.submit(
            lambda s: search_clients(s, text, SEARCH_LIMIT, region), found, self.error.emit
        )

    def attach(self, client_id: int, number: str) -> None:
        """Make ``number`` a phone of ``client_id``; emits ``attached`` when written."""
        if self.busy:
            return
        actor, region = self._identity.require(), self.region
        self.busy, self.message = True, ""

        def failed(message: str) -> None:
            self.busy, self.message = False, message
            self.error.emit(message)

        def done(change: CardChange) -> None:
            self.busy = False
            self.attached.emit(change.card.id)

        self._worker.submit(
            lambda s: ops.attach_number(s, client_id, number, actor=actor, region=region),
            done,
            failed,
        )


def card_editors(
    worker: DbWorker, identity: Identity, *, region: str = "RU"
) -> tuple[ClientCardViewModel, AttachCallerViewModel]:
    """The caller panel's card editor and attach view models, acting as the signed-in person."""
    return (
        ClientCardViewModel(worker, identity, region=region),
        AttachCallerViewModel(worker, identity, region=region),
    )

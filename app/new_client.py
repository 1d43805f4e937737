# Long (over 500 lines): the new-client form's draft, field rules and save share one state.
"""NewClientViewModel: registering a caller who is not in the database, with duplicate warnings.

While the operator types, the phones, name, INN and first address are checked against the
existing clients (debounced, on the DbWorker); the form lists what looks like the same client
so the operator can pick it instead of creating a duplicate.

Signals:
    changed(): a field, the busy flag, what is missing or a field's message changed.
    warnings_changed(list): the current duplicate warnings (planning.DuplicateWarning items).
    created(int): the client was saved; its id.
    error(str): a readable message; nothing was written.

Each field answers bad input with its own message (``field_messages``): what is malformed
shows while the operator types, what is missing once Save was pressed. When a save fails
(e.g. the database is locked or down) the form keeps everything and, given a DraftStore,
writes it to disk until a save succeeds; ``restore_draft()`` brings it back after a restart.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QKeySequence
from sqlalchemy.orm import Session

from app.drafts import NEW_CLIENT, DraftStore, KeptDraft
from app.formatting import to_moscow
from app.identity import Identity
from app.shortcuts import Key, sequence
from app.worker import UNEXPECTED, DbWorker
from dispatcher import planning
from dispatcher.clients import AddressInput, NewClient, inn_is_valid
from dispatcher.models import ClientKind
from dispatcher.operations.clients import create_client
from dispatcher.phones import PhoneStatus, parse_phone

logger = logging.getLogger(__name__)

WARNING_DELAY_MS = 250

# The column sizes of dispatcher.models: longer input would fail on PostgreSQL at save time.
NAME_LIMIT = 300
ADDRESS_LIMIT = 500
ADDRESS_DETAIL_LIMIT = 20  # entrance, floor, flat

# A comma before "доб."/"ext" belongs to the number (an extension), not between two numbers.
_SEPARATOR = re.compile(r"[;\n]|,(?!\s*(?:доб|ext|x\b|вн))", re.IGNORECASE)


def split_phones(text: str) -> list[str]:
    """Numbers typed into one field, separated by ',' or ';' ('..., доб. 12' stays one)."""
    return [part.strip() for part in _SEPARATOR.split(text) if part.strip()]


@dataclass(frozen=True, slots=True)
class AddressDraft:
    """A delivery point as the form holds it."""

    text: str = ""
    entrance: str = ""
    floor: str = ""
    flat: str = ""
    courier_notes: str = ""

    def to_input(self) -> AddressInput:
        """The dispatcher's input for this point."""
        return AddressInput(
            text=self.text,
            entrance=self.entrance,
            floor=self.floor,
            flat=self.flat,
            courier_notes=self.courier_notes,
        )


class ClientField(StrEnum):
    """The fields of the form that carry their own message (addresses: ``address_field(i)``)."""

    NAME = "name"
    INN = "inn"
    PHONES = "phones"


def address_field(index: int) -> str:
    """The ``field_messages`` key of the ``index``-th delivery point."""
    return f"address.{index}"


@dataclass(frozen=True, slots=True)
class ClientDraft:
    """The form's input as it is written to the DraftStore."""

    kind: str
    name: str
    inn: str
    phones: list[str] = field(default_factory=list)
    addresses: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClientDraft:
        """The draft from its JSON form (unknown address keys are ignored)."""
        known = set(AddressDraft.__dataclass_fields__)
        return cls(
            kind=str(data.get("kind", ClientKind.PERSON.value)),
            name=str(data.get("name", "")),
            inn=str(data.get("inn", "")),
            phones=[str(p) for p in data.get("phones", [])],
            addresses=[
                {k: str(v) for k, v in a.items() if k in known} for a in data.get("addresses", [])
            ],
        )


class NewClientViewModel(QObject):
    """The new-client form's state, its live duplicate check and its save."""

    changed = Signal()
    warnings_changed = Signal(list)
    created = Signal(int)
    error = Signal(str)

    def __init__(
        self,
        worker: DbWorker,
        *,
        identity: Identity,
        region: str = "RU",
        drafts: DraftStore | None = None,
        parent: QObject | None = None,
    ) -> None:
        """A form saving through ``worker`` as ``identity``'s signed-in person; phones are read
        in ``region``'s numbering plan.

        With ``drafts``, input whose save failed is kept on disk until a save succeeds.
        """
        super().__init__(parent)
        self._worker = worker
        self._identity = identity
        self._region = region
        # A save failed and its input is on disk: later edits go there too.
        self._kept = KeptDraft(drafts, NEW_CLIENT, self.draft)
        self._save_failure = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(WARNING_DELAY_MS)
        self._timer.timeout.connect(self._check_duplicates)
        self._check_gen = 0
        self._checking = 0
        self._saving = False
        self._reset()

    def _reset(self) -> None:
        self._kind = ClientKind.PERSON
        self._name = ""
        self._inn = ""
        self._phones: list[str] = [""]
        self._addresses: list[AddressDraft] = [AddressDraft()]
        self._warnings: list[Any] = []
        # Empty required fields are pointed at only after Save was pressed, not while typing.
        self._save_pressed = False

    # ---- state ------------------------------------------------------------------------

    @property
    def kind(self) -> ClientKind:
        """A private person or a company."""
        return self._kind

    @property
    def name(self) -> str:
        """Full name of the person, or the company's name."""
        return self._name

    @property
    def inn(self) -> str:
        """The company's INN (companies only)."""
        return self._inn

    @property
    def phones(self) -> list[str]:
        """The phone numbers as typed, one per entry."""
        return list(self._phones)

    @property
    def addresses(self) -> list[AddressDraft]:
        """The delivery points as typed."""
        return list(self._addresses)

    @property
    def warnings(self) -> list[Any]:
        """Existing clients that look like this one: DuplicateWarning(client, reason, detail)."""
        return list(self._warnings)

    @property
    def busy(self) -> bool:
        """The client is being saved."""
        return self._saving

    @property
    def checking(self) -> bool:
        """A duplicate check is pending or running."""
        return self._timer.isActive() or bool(self._checking)

    def phone_problems(self) -> list[str]:
        """Readable problems with the typed phones (checked on this thread: no database)."""
        out = []
        for raw in self._typed_phones():
            parsed = parse_phone(raw, self._region)
            if parsed.status is PhoneStatus.INTERNAL:
                out.append(self.tr("{0} is an internal extension, not a phone.").format(raw))
            elif not parsed.ok:
                out.append(self.tr("{0} is not a phone number.").format(raw))
        return out

    @property
    def missing(self) -> list[str]:
        """What the client still needs before it can be saved, as readable phrases."""
        out = []
        if not self._name.strip():
            out.append(self.tr("a name"))
        if not any(a.text.strip() for a in self._addresses):
            out.append(self.tr("a delivery address"))
        return out

    @property
    def field_messages(self) -> dict[str, str]:
        """Each field's problem to show next to it (``ClientField`` or ``address_field(i)``)."""
        return self._messages(required=self._save_pressed)

    def _messages(self, *, required: bool) -> dict[str, str]:
        """Malformed fields, plus empty required ones when ``required``."""
        out: dict[str, str] = {}
        name = " ".join(self._name.split())
        if not name and required:
            out[ClientField.NAME] = self.tr("Type the client's name.")
        elif len(name) > NAME_LIMIT:
            out[ClientField.NAME] = self.tr("The name is {0} characters long; at most {1}.").format(
                len(name), NAME_LIMIT
            )
        inn = self._inn_message(required)
        if inn:
            out[ClientField.INN] = inn
        phones = self.phone_problems()
        if phones:
            out[ClientField.PHONES] = " ".join(phones)
        for index, address in enumerate(self._addresses):
            message = self._address_message(address)
            if message:
                out[address_field(index)] = message
        if required and not any(a.text.strip() for a in self._addresses):
            out[address_field(0)] = self.tr("Type the delivery address.")
        return out

    def _inn_message(self, required: bool) -> str:
        inn = self._inn.strip()
        if self._kind is not ClientKind.COMPANY or not inn:
            return ""  # an INN is optional, and private persons have none on the form
        if not inn.isdigit() or not inn.isascii():
            return self.tr("An INN has digits only.")
        if len(inn) > 12:
            return self.tr("An INN has 10 digits (company) or 12 (entrepreneur).")
        if len(inn) in (10, 12):
            if not inn_is_valid(inn):
                return self.tr("INN {0} is not valid: its check digit is wrong.").format(inn)
            return ""
        # Still typing: a short INN is pointed at only once Save was pressed.
        if required:
            return self.tr("An INN has 10 digits (company) or 12 (entrepreneur).")
        return ""

    def _address_message(self, address: AddressDraft) -> str:
        if len(address.text.strip()) > ADDRESS_LIMIT:
            return self.tr("The address is {0} characters long; at most {1}.").format(
                len(address.text.strip()), ADDRESS_LIMIT
            )
        details = (address.entrance, address.floor, address.flat)
        if any(len(part.strip()) > ADDRESS_DETAIL_LIMIT for part in details):
            return self.tr("Entrance, floor and flat take at most {0} characters each.").format(
                ADDRESS_DETAIL_LIMIT
            )
        return ""

    def _malformed(self) -> list[str]:
        """Messages of fields whose content is wrong (not merely empty)."""
        return list(self._messages(required=False).values())

    @property
    def can_save(self) -> bool:
        """Name and address are there, every field reads well and nothing is being saved."""
        return not self._saving and not self.missing and not self._malformed()

    @property
    def save_failure(self) -> str:
        """Why the last save failed and that the input is kept, or ''."""
        return self._save_failure

    @property
    def draft_pending(self) -> bool:
        """The input on screen is kept on disk because a save did not go through."""
        return self._kept.pending

    @property
    def restored_text(self) -> str:
        """'An unsaved client from … was restored', after ``restore_draft()``; else ''."""
        if self._kept.restored_at is None:
            return ""
        when = to_moscow(self._kept.restored_at)
        return self.tr("An unsaved client from {0} was restored.").format(f"{when:%d.%m.%Y %H:%M}")

    # ---- editing ----------------------------------------------------------------------

    def set_region(self, region: str) -> None:
        """The default region numbers are read in (Settings changed)."""
        self._region = region

    def start(self, phone: str = "") -> None:
        """An empty form, with the caller's number as the first phone."""
        self._check_gen += 1
        self._timer.stop()
        had_warnings = bool(self._warnings)
        self._reset()
        # A pending draft stays on disk (restored at the next start); this form is a new one.
        self._kept.forget()
        self._save_failure = ""
        self._phones = [phone.strip()]
        self.changed.emit()
        if had_warnings:
            self.warnings_changed.emit([])
        if phone.strip():
            self._timer.start()

    def set_kind(self, kind: ClientKind | str) -> None:
        """Private person or company."""
        kind = ClientKind(kind)
        if kind is not self._kind:
            self._kind = kind
            self._edited()

    def set_name(self, name: str) -> None:
        """The person's full name or the company's name."""
        if name != self._name:
            self._name = name
            self._edited()

    def set_inn(self, inn: str) -> None:
        """The company's INN."""
        if inn != self._inn:
            self._inn = inn
            self._edited()

    def set_phones(self, phones: list[str]) -> None:
        """Replace the phone list."""
        phones = list(phones) or [""]
        if phones != self._phones:
            self._phones = phones
            self._edited()

    def set_phone(self, index: int, text: str) -> None:
        """Change one phone entry (several numbers in one entry are split on save)."""
        phones = list(self._phones)
        while len(phones) <= index:
            phones.append("")
        phones[index] = text
        self.set_phones(phones)

    def add_phone(self, text: str = "") -> int:
        """One more phone entry; returns its index."""
        self.set_phones([*self._phones, text])
        return len(self._phones) - 1

    def remove_phone(self, index: int) -> None:
        """Drop a phone entry."""
        if 0 <= index < len(self._phones):
            self.set_phones(self._phones[:index] + self._phones[index + 1 :])

    def set_address(self, index: int, **fields: str) -> None:
        """Change fields (text, entrance, floor, flat, courier_notes) of one delivery point."""
        addresses = list(self._addresses)
        while len(addresses) <= index:
            addresses.append(AddressDraft())
        updated = replace(addresses[index], **fields)
        if updated != addresses[index]:
            addresses[index] = updated
            self._addresses = addresses
            self._edited()

    def add_address(self) -> int:
        """One more delivery point; returns its index."""
        self._addresses.append(AddressDraft())
        self.changed.emit()
        return len(self._addresses) - 1

    def remove_address(self, index: int) -> None:
        """Drop a delivery point (the form always keeps one)."""
        if 0 <= index < len(self._addresses) and len(self._addresses) > 1:
            del self._addresses[index]
            self._edited()

    def _edited(self) -> None:
        self._kept.keep()  # what is typed after a failed save must survive a crash too
        self.changed.emit()
        self._timer.start()  # restarts: the check runs once the operator pauses

    def _typed_phones(self) -> list[str]:
        return [p for entry in self._phones for p in split_phones(entry)]

    # ---- duplicate check --------------------------------------------------------------

    def check_now(self) -> None:
        """Run the duplicate check without waiting for the typing pause."""
        self._timer.stop()
        self._check_duplicates()

    def _check_duplicates(self) -> None:
        phones = [
            p for p in self._typed_phones() if parse_phone(p, self._region).status is PhoneStatus.OK
        ]
        name = " ".join(self._name.split())
        first = next((a for a in self._addresses if a.text.strip()), None)
        address = first.text.strip() if first is not None else ""
        inn = self._inn.strip() if self._kind is ClientKind.COMPANY else ""
        self._check_gen += 1
        gen = self._check_gen
        if not (phones or name or address or inn):
            self._set_warnings(gen, [])
            return
        region = self._region
        self._checking += 1
        self.changed.emit()

        def job(session: Session) -> list[Any]:
            return list(
                planning.new_client_warnings(
                    session, phones=phones, name=name, address=address, inn=inn, region=region
                )
            )

        self._worker.submit(job, lambda found: self._on_checked(gen, found), self._on_check_failed)

    def _on_checked(self, gen: int, found: list[Any]) -> None:
        self._checking -= 1
        self._set_warnings(gen, found)
        self.changed.emit()

    def _on_check_failed(self, message: str) -> None:
        # The check only warns; saving still works without it.
        self._checking -= 1
        logger.warning("duplicate check failed: %s", message)
        self.changed.emit()

    def _set_warnings(self, gen: int, found: list[Any]) -> None:
        if gen != self._check_gen:
            return
        if found != self._warnings:
            self._warnings = list(found)
            self.warnings_changed.emit(list(found))

    # ---- saving -----------------------------------------------------------------------

    def save(self) -> None:
        """Register the client (nothing is written if any part is bad); emits ``created``."""
        if self._saving:
            return  # a second Return must not register the client twice
        self._save_pressed = True
        missing = self.missing
        if missing:
            self.changed.emit()
            self.error.emit(self.tr("To save the client, add {0}.").format(", ".join(missing)))
            return
        problems = list(self.field_messages.values())
        if problems:
            self.changed.emit()
            self.error.emit(" ".join(problems))
            return
        data = NewClient(
            kind=self._kind,
            name=self._name,
            phones=self._typed_phones(),
            addresses=[a.to_input() for a in self._addresses if a.text.strip()],
            inn=self._inn if self._kind is ClientKind.COMPANY else None,
        )
        region, actor = self._region, self._identity.require()
        self._saving = True
        self._timer.stop()
        self._check_gen += 1
        self.changed.emit()
        self._worker.submit(
            lambda session: create_client(session, data, actor=actor, region=region).id,
            self._on_saved,
            self._on_save_failed,
        )

    def _on_saved(self, client_id: int) -> None:
        self._saving = False
        self._save_failure = ""
        self._kept.saved()
        self.changed.emit()
        self.created.emit(client_id)

    def _on_save_failed(self, message: str) -> None:
        # Everything typed stays in the form; with a DraftStore it is also put on disk.
        self._saving = False
        kept = self._kept.save_failed()
        self._save_failure = self._failure_text(message, kept)
        self.error.emit(self._save_failure)
        self.changed.emit()

    def _failure_text(self, message: str, kept_on_disk: bool) -> str:
        key = QKeySequence(sequence(Key.SEND_TO_DELIVERY)).toString(
            QKeySequence.SequenceFormat.NativeText
        )
        if message == UNEXPECTED:
            # The worker's generic text is for unexpected errors: a locked or absent database.
            reason = self.tr("the database could not be written (details are in the log)")
        else:
            reason = message.rstrip(". ")
        if kept_on_disk:
            text = self.tr(
                "Not saved: {0}. Your input is kept and saved on this computer; "
                "press {1} to try again."
            )
        else:
            text = self.tr("Not saved: {0}. Your input is kept; press {1} to try again.")
        return text.format(reason, key)

    # ---- drafts -----------------------------------------------------------------------

    def draft(self) -> ClientDraft:
        """The form's input as a draft."""
        return ClientDraft(
            kind=self._kind.value,
            name=self._name,
            inn=self._inn,
            phones=list(self._phones),
            addresses=[
                {name: getattr(a, name) for name in AddressDraft.__dataclass_fields__}
                for a in self._addresses
            ],
        )

    def restore_draft(self) -> bool:
        """Put a draft kept on disk back into the form; False when there is none."""
        saved = self._kept.load()
        if saved is None:
            return False
        draft = ClientDraft.from_json(saved.data)
        self._check_gen += 1
        self._reset()
        try:
            self._kind = ClientKind(draft.kind)
        except ValueError:
            self._kind = ClientKind.PERSON
        self._name = draft.name
        self._inn = draft.inn
        self._phones = list(draft.phones) or [""]
        self._addresses = [AddressDraft(**a) for a in draft.addresses] or [AddressDraft()]
        self._kept.restored(saved.saved_at)  # still only on disk: a successful save removes it
        self._save_failure = ""
        self.changed.emit()
        self._timer.start()  # the database may have got this client meanwhile: warn about it
        return True

    def discard_draft(self) -> None:
        """Forget the draft on disk (the operator does not want it any more); the form stays."""
        self._kept.discard()
        self.changed.emit()

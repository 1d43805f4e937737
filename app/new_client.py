"""NewClientViewModel: registering a caller who is not in the database, with duplicate warnings.

While the operator types, the phones, name, INN and first address are checked against the
existing clients (debounced, on the DbWorker); the form lists what looks like the same client
so the operator can pick it instead of creating a duplicate.

Signals:
    changed(): a field, the busy flag or what is missing changed.
    warnings_changed(list): the current duplicate warnings (planning.DuplicateWarning items).
    created(int): the client was saved; its id.
    error(str): a readable message; nothing was written.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy.orm import Session

from app.worker import DbWorker
from dispatcher import planning
from dispatcher.clients import AddressInput, NewClient, add_client
from dispatcher.models import ClientKind
from dispatcher.phones import PhoneStatus, parse_phone

logger = logging.getLogger(__name__)

WARNING_DELAY_MS = 250

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


class NewClientViewModel(QObject):
    """The new-client form's state, its live duplicate check and its save."""

    changed = Signal()
    warnings_changed = Signal(list)
    created = Signal(int)
    error = Signal(str)

    def __init__(
        self, worker: DbWorker, *, region: str = "RU", parent: QObject | None = None
    ) -> None:
        """A form saving through ``worker``; phones are read in ``region``'s numbering plan."""
        super().__init__(parent)
        self._worker = worker
        self._region = region
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
    def can_save(self) -> bool:
        """Name and address are there, phones are readable and nothing is being saved."""
        return not self._saving and not self.missing and not self.phone_problems()

    # ---- editing ----------------------------------------------------------------------

    def start(self, phone: str = "") -> None:
        """An empty form, with the caller's number as the first phone."""
        self._check_gen += 1
        self._timer.stop()
        had_warnings = bool(self._warnings)
        self._reset()
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
        missing = self.missing
        if missing:
            self.error.emit(self.tr("To save the client, add {0}.").format(", ".join(missing)))
            return
        problems = self.phone_problems()
        if problems:
            self.error.emit(" ".join(problems))
            return
        data = NewClient(
            kind=self._kind,
            name=self._name,
            phones=self._typed_phones(),
            addresses=[a.to_input() for a in self._addresses if a.text.strip()],
            inn=self._inn if self._kind is ClientKind.COMPANY else None,
        )
        region = self._region
        self._saving = True
        self._timer.stop()
        self._check_gen += 1
        self.changed.emit()
        self._worker.submit(
            lambda session: add_client(session, data, region).id,
            self._on_saved,
            self._on_save_failed,
        )

    def _on_saved(self, client_id: int) -> None:
        self._saving = False
        self.changed.emit()
        self.created.emit(client_id)

    def _on_save_failed(self, message: str) -> None:
        self._saving = False
        self.error.emit(message)
        self.changed.emit()

"""What the client card editor shows: rows of phones, addresses, contacts and the history.

Texts are decided here, without a window; `app.widgets.client_card_dialog` lays them out.
Translation context "ClientCard" (spelled out at each call for lupdate).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from app.complaints_presenter import history_line
from app.formatting import format_datetime
from dispatcher.lookup import ClientSummary
from dispatcher.models import ClientKind, PaymentTerms
from dispatcher.operations import client_card as ops
from dispatcher.operations.client_card import AddressEntry, ClientCardDetails

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a list: the id it stands for, its text, and whether it is greyed out."""

    id: int
    text: str
    retired: bool = False


def title(card: ClientCardDetails | None) -> str:
    """The dialog's heading: the client's name and number."""
    if card is None:
        return QCoreApplication.translate("ClientCard", "Loading the client card…")
    return f"№{card.id} {card.name}"


def is_company(card: ClientCardDetails | None) -> bool:
    """Companies have an INN and contact persons with their own points."""
    return card is not None and card.kind is ClientKind.COMPANY


def _contact_names(card: ClientCardDetails) -> dict[int, str]:
    return {c.id: c.name for c in card.contacts}


def phone_rows(card: ClientCardDetails | None) -> list[Row]:
    """The numbers as written, a contact's marked with the contact's name."""
    if card is None:
        return []
    names = _contact_names(card)
    return [
        Row(p.id, p.raw + (f" — {names[p.contact_id]}" if p.contact_id in names else ""))
        for p in card.phones
    ]


def address_text(address: AddressEntry) -> str:
    """A delivery point in one line: text, entrance, floor, flat, intercom, courier notes."""
    parts = [address.text]
    for template, value in (
        (QCoreApplication.translate("ClientCard", "entrance %1"), address.entrance),
        (QCoreApplication.translate("ClientCard", "floor %1"), address.floor),
        (QCoreApplication.translate("ClientCard", "flat %1"), address.flat),
        (QCoreApplication.translate("ClientCard", "intercom %1"), address.intercom),
    ):
        if value:
            parts.append(template.replace("%1", value))
    text = ", ".join(parts)
    if address.courier_notes:
        text += f" ({address.courier_notes})"
    return text


def address_rows(card: ClientCardDetails | None) -> list[Row]:
    """Points in use first, then the retired ones (marked, kept for old orders)."""
    if card is None:
        return []
    names = _contact_names(card)
    rows = []
    for a in sorted(card.addresses, key=lambda a: (a.retired, a.id)):
        text = address_text(a)
        if a.contact_id in names:
            text += f" — {names[a.contact_id]}"
        if a.retired:
            text = QCoreApplication.translate("ClientCard", "[retired] %1").replace("%1", text)
        rows.append(Row(a.id, text, a.retired))
    return rows


def contact_rows(card: ClientCardDetails | None) -> list[Row]:
    """The contact persons, with their roles."""
    if card is None:
        return []
    return [Row(c.id, c.name + (f", {c.role}" if c.role else "")) for c in card.contacts]


def terms_choices() -> list[tuple[str, PaymentTerms]]:
    """The payment terms as the combo lists them."""
    return [
        (QCoreApplication.translate("ClientCard", "Cash to the courier"), PaymentTerms.CASH),
        (QCoreApplication.translate("ClientCard", "Invoice"), PaymentTerms.INVOICE),
    ]


def _action(action: str) -> str:
    return {
        ops.PHONE_ADDED: QCoreApplication.translate("ClientCard", "phone added"),
        ops.PHONE_ATTACHED: QCoreApplication.translate("ClientCard", "caller's number attached"),
        ops.PHONE_REMOVED: QCoreApplication.translate("ClientCard", "phone removed"),
        ops.ADDRESS_ADDED: QCoreApplication.translate("ClientCard", "address added"),
        ops.ADDRESS_CHANGED: QCoreApplication.translate("ClientCard", "address changed"),
        ops.ADDRESS_RETIRED: QCoreApplication.translate("ClientCard", "address retired"),
        ops.CONTACT_ADDED: QCoreApplication.translate("ClientCard", "contact added"),
        ops.CONTACT_CHANGED: QCoreApplication.translate("ClientCard", "contact changed"),
        ops.NOTES_SET: QCoreApplication.translate("ClientCard", "notes"),
        ops.PAYMENT_TERMS_SET: QCoreApplication.translate("ClientCard", "payment terms"),
        ops.INN_SET: QCoreApplication.translate("ClientCard", "INN"),
    }.get(action, action)


def history_rows(card: ClientCardDetails | None) -> list[str]:
    """Who changed what and when, newest first."""
    if card is None:
        return []
    if not card.history:
        return [QCoreApplication.translate("ClientCard", "No changes recorded yet")]
    return [
        f"{format_datetime(h.at)}  {h.actor}: {_action(h.action)}"
        + (f": {h.detail}" if h.detail else "")
        for h in card.history
    ]


def complaint_rows(card: ClientCardDetails | None) -> list[str]:
    """The client's complaints, newest first, open and overdue ones marked."""
    if card is None:
        return []
    if not card.complaints:
        return [QCoreApplication.translate("ClientCard", "No complaints")]
    return [history_line(row) for row in card.complaints]


def duplicates_notice(also_on: Sequence[ClientSummary]) -> str:
    """The number just added also belongs to other clients: maybe the same person twice."""
    if not also_on:
        return ""
    names = ", ".join(f"№{c.id} {c.name}" for c in also_on)
    return QCoreApplication.translate(
        "ClientCard", "This number is also on %1: a possible duplicate."
    ).replace("%1", names)


def attach_question(number: str, name: str) -> str:
    """The confirmation before an unknown caller's number becomes a client's."""
    return (
        QCoreApplication.translate(
            "ClientCard", "Attach %1 to %2? Return: attach, Esc: back to the list."
        )
        .replace("%1", number)
        .replace("%2", name)
    )


def attach_prompt(number: str) -> str:
    """What the attach dialog asks first."""
    return QCoreApplication.translate(
        "ClientCard", "Whose number is %1? Type a name, address, phone or INN."
    ).replace("%1", number)

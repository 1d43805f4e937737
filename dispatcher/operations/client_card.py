"""Editing a known client's card: phones, delivery points, contacts, notes, terms, INN.

Each operation changes one thing, writes a `ClientEvent` (who, when, what) in the same
transaction and returns the card as it now is. The search index and the caller lookup read
the tables themselves (the index is rebuilt after the flush), so a new phone, address or
contact is found by the next lookup or search at once. A number already on another client
is accepted (people share phones) and reported back as a possible duplicate.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher import clients
from dispatcher.clients import AddressInput
from dispatcher.complaints import ComplaintRow, client_complaints
from dispatcher.errors import NotFoundError, ValidationError
from dispatcher.lookup import ClientSummary
from dispatcher.models import (
    Address,
    Client,
    ClientEvent,
    ClientKind,
    Contact,
    PaymentTerms,
    Phone,
)
from dispatcher.phones import parse_phone
from dispatcher.similarity import address_key
from dispatcher.users import Actor

logger = logging.getLogger(__name__)

# ClientEvent.action values; the workspace names them in the operator's language.
PHONE_ADDED = "phone_added"
PHONE_ATTACHED = "phone_attached"
PHONE_REMOVED = "phone_removed"
ADDRESS_ADDED = "address_added"
ADDRESS_CHANGED = "address_changed"
ADDRESS_RETIRED = "address_retired"
CONTACT_ADDED = "contact_added"
CONTACT_CHANGED = "contact_changed"
NOTES_SET = "notes_set"
PAYMENT_TERMS_SET = "payment_terms_set"
INN_SET = "inn_set"

NOTES_LIMIT = 2000


@dataclass(frozen=True, slots=True)
class PhoneEntry:
    """A number on the card: the client's own, or a contact's."""

    id: int
    e164: str
    raw: str
    contact_id: int | None


@dataclass(frozen=True, slots=True)
class AddressEntry:
    """A delivery point on the card; a retired one stays for old orders only."""

    id: int
    contact_id: int | None
    text: str
    entrance: str
    floor: str
    flat: str
    intercom: str
    courier_notes: str
    retired: bool


@dataclass(frozen=True, slots=True)
class ContactEntry:
    """A person of a company."""

    id: int
    name: str
    role: str


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One audited change of the card."""

    at: dt.datetime
    actor: str
    action: str
    detail: str


@dataclass(frozen=True, slots=True)
class ClientCardDetails:
    """Everything the card editor shows, history newest first."""

    id: int
    kind: ClientKind
    name: str
    inn: str | None
    payment_terms: PaymentTerms
    notes: str
    phones: tuple[PhoneEntry, ...]
    addresses: tuple[AddressEntry, ...]
    contacts: tuple[ContactEntry, ...]
    history: tuple[HistoryEntry, ...]
    # The client's complaints, newest first: the full story before talking to them.
    complaints: tuple[ComplaintRow, ...] = ()


@dataclass(frozen=True, slots=True)
class CardChange:
    """The card after a change, and other clients that own the number just added."""

    card: ClientCardDetails
    also_on: tuple[ClientSummary, ...] = ()


def _live_client(session: Session, client_id: int) -> Client:
    """The client, or the client a merged duplicate was folded into."""
    client = clients.get_client(session, client_id)
    hops = 0
    while client.merged_into_id is not None and hops < 10:
        client, hops = clients.get_client(session, client.merged_into_id), hops + 1
    return client


def _audit(session: Session, client: Client, actor: Actor, action: str, detail: str) -> None:
    session.add(ClientEvent(client_id=client.id, actor=actor.login, action=action, detail=detail))
    session.flush()
    logger.info("client card changed", extra={"client_id": client.id, "action": action})


def _contact_of(session: Session, client: Client, contact_id: int | None) -> Contact | None:
    if contact_id is None:
        return None
    contact = session.get(Contact, contact_id)
    if contact is None or contact.client_id != client.id:
        raise NotFoundError.of(
            "Contact #{contact_id} is not a person of client #{client_id}.",
            contact_id=contact_id,
            client_id=client.id,
        )
    return contact


def _address_of(session: Session, client: Client, address_id: int) -> Address:
    address = session.get(Address, address_id)
    if address is None or address.client_id != client.id:
        raise NotFoundError.of(
            "Address #{address_id} is not a delivery point of client #{client_id}.",
            address_id=address_id,
            client_id=client.id,
        )
    return address


def card_details(session: Session, client_id: int) -> ClientCardDetails:
    """The card of a client (a merged duplicate opens as the client it joined)."""
    client = _live_client(session, client_id)
    phones = session.scalars(select(Phone).where(Phone.client_id == client.id).order_by(Phone.id))
    addresses = session.scalars(
        select(Address).where(Address.client_id == client.id).order_by(Address.id)
    )
    contacts = session.scalars(
        select(Contact).where(Contact.client_id == client.id).order_by(Contact.id)
    )
    events = session.scalars(
        select(ClientEvent)
        .where(ClientEvent.client_id == client.id)
        .order_by(ClientEvent.id.desc())
        .limit(200)
    )
    return ClientCardDetails(
        id=client.id,
        kind=client.kind,
        name=client.name,
        inn=client.inn,
        payment_terms=client.payment_terms,
        notes=client.notes or "",
        phones=tuple(PhoneEntry(p.id, p.e164, p.raw, p.contact_id) for p in phones),
        addresses=tuple(
            AddressEntry(
                a.id,
                a.contact_id,
                a.text,
                a.entrance,
                a.floor,
                a.flat,
                a.intercom,
                a.courier_notes,
                bool(a.retired),
            )
            for a in addresses
        ),
        contacts=tuple(ContactEntry(c.id, c.name, c.role) for c in contacts),
        history=tuple(HistoryEntry(e.at, e.actor, e.action, e.detail) for e in events),
        complaints=tuple(client_complaints(session, client.id)),
    )


def _changed(session: Session, client: Client, also_on: Sequence[Client] = ()) -> CardChange:
    summaries = tuple(ClientSummary(c.id, c.kind, c.name, c.inn) for c in also_on)
    return CardChange(card_details(session, client.id), summaries)


def _add_phone(
    session: Session,
    client: Client,
    raw: str,
    contact_id: int | None,
    actor: Actor,
    action: str,
    region: str,
) -> CardChange:
    contact = _contact_of(session, client, contact_id)
    # The new row joins client.phones at once: no flush before the checks below are done.
    with session.no_autoflush:
        row = clients.phone_row(raw, region, client, contact)
        mine = session.scalars(
            select(Phone.id).where(Phone.client_id == client.id, Phone.e164 == row.e164)
        ).first()
        if mine is not None:
            client.phones.remove(row)
            raise ValidationError.of(
                "{number} is already on this client's card.",
                number=parse_phone(row.e164).display(),
            )
        others = [
            _live_client(session, cid)
            for cid in session.scalars(
                select(Phone.client_id)
                .where(Phone.e164 == row.e164, Phone.client_id != client.id)
                .distinct()
            )
        ]
    session.add(row)
    owner = f" ({contact.name})" if contact is not None else ""
    _audit(session, client, actor, action, f"{row.raw}{owner}")
    also_on = list({c.id: c for c in others if c.id != client.id}.values())
    return _changed(session, client, also_on)


def add_phone(
    session: Session,
    client_id: int,
    raw: str,
    *,
    actor: Actor,
    contact_id: int | None = None,
    region: str = "RU",
) -> CardChange:
    """Add a number in any written form to the client, or to one of its contacts."""
    client = _live_client(session, client_id)
    return _add_phone(session, client, raw, contact_id, actor, PHONE_ADDED, region)


def attach_number(
    session: Session, client_id: int, number: str, *, actor: Actor, region: str = "RU"
) -> CardChange:
    """An unknown caller is this client ("Ivanova from her work phone"): the number is hers."""
    client = _live_client(session, client_id)
    return _add_phone(session, client, number, None, actor, PHONE_ATTACHED, region)


def remove_phone(
    session: Session, client_id: int, raw: str, *, actor: Actor, region: str = "RU"
) -> CardChange:
    """Take a number (typed in any form) off the client and its contacts."""
    client = _live_client(session, client_id)
    parsed = parse_phone(raw, region)
    rows = (
        list(
            session.scalars(
                select(Phone).where(Phone.client_id == client.id, Phone.e164 == parsed.e164)
            )
        )
        if parsed.e164
        else []
    )
    if not rows:
        raise NotFoundError.of("{number} is not on this client's card.", number=raw.strip())
    for row in rows:
        session.delete(row)
    _audit(session, client, actor, PHONE_REMOVED, rows[0].raw)
    return _changed(session, client)


def _describe(address: Address) -> str:
    parts = [address.text]
    for label, value in (
        ("подъезд", address.entrance),
        ("этаж", address.floor),
        ("кв.", address.flat),
        ("домофон", address.intercom),
    ):
        if value:
            parts.append(f"{label} {value}")
    return ", ".join(parts)


def add_address(
    session: Session,
    client_id: int,
    data: AddressInput,
    *,
    actor: Actor,
    contact_id: int | None = None,
) -> CardChange:
    """Add a delivery point (of the client, or of one of its contacts); it needs a house."""
    client = _live_client(session, client_id)
    contact = _contact_of(session, client, contact_id)
    text = clients.check_delivery_address(data.text)
    row = clients.address_row(
        AddressInput(
            text,
            data.entrance,
            data.floor,
            data.flat,
            data.courier_notes,
            data.lat,
            data.lon,
            data.intercom,
        ),
        client,
        contact,
    )
    session.add(row)
    session.flush()
    _audit(session, client, actor, ADDRESS_ADDED, _describe(row))
    return _changed(session, client)


def edit_address(
    session: Session, client_id: int, address_id: int, data: AddressInput, *, actor: Actor
) -> CardChange:
    """Change a delivery point's text, entrance, floor, flat, intercom or courier notes."""
    client = _live_client(session, client_id)
    address = _address_of(session, client, address_id)
    text = clients.check_delivery_address(data.text)
    before = _describe(address)
    address.text = text
    address.entrance = data.entrance.strip()
    address.floor = data.floor.strip()
    address.flat = data.flat.strip()
    address.intercom = data.intercom.strip()
    address.courier_notes = data.courier_notes.strip()
    address.address_key = address_key(text, address.flat)
    _audit(session, client, actor, ADDRESS_CHANGED, f"{before} → {_describe(address)}")
    return _changed(session, client)


def retire_address(
    session: Session, client_id: int, address_id: int, *, actor: Actor
) -> CardChange:
    """The client no longer uses this point: not offered for new orders, kept on old ones."""
    client = _live_client(session, client_id)
    address = _address_of(session, client, address_id)
    if address.retired:
        raise ValidationError.of("This address is already retired.")
    address.retired = True
    _audit(session, client, actor, ADDRESS_RETIRED, _describe(address))
    return _changed(session, client)


def add_contact(
    session: Session,
    client_id: int,
    name: str,
    *,
    actor: Actor,
    role: str = "",
    phones: Sequence[str] = (),
    address: AddressInput | None = None,
    region: str = "RU",
) -> CardChange:
    """Add a contact person with own phones and own delivery point (nothing if any is bad)."""
    client = _live_client(session, client_id)
    if address is not None:
        address = AddressInput(
            clients.check_delivery_address(address.text),
            address.entrance,
            address.floor,
            address.flat,
            address.courier_notes,
            address.lat,
            address.lon,
            address.intercom,
        )
    for raw in phones:
        # Refuse a bad number before anything is written (a detached row, thrown away).
        clients.phone_row(raw, region, Client(), None)
    contact = clients.add_contact(session, client.id, name, role, (), address, region)
    detail = contact.name + (f" ({contact.role})" if contact.role else "")
    _audit(session, client, actor, CONTACT_ADDED, detail)
    also_on: dict[int, ClientSummary] = {}
    for raw in phones:
        added = _add_phone(session, client, raw, contact.id, actor, PHONE_ADDED, region)
        also_on.update((c.id, c) for c in added.also_on)
    return CardChange(card_details(session, client.id), tuple(also_on.values()))


def edit_contact(
    session: Session, client_id: int, contact_id: int, *, actor: Actor, name: str, role: str = ""
) -> CardChange:
    """Rename a contact person or change their role."""
    client = _live_client(session, client_id)
    contact = _contact_of(session, client, contact_id)
    assert contact is not None
    name = " ".join(name.split())
    if not name:
        raise ValidationError.of("The contact's name is empty.")
    before = contact.name + (f" ({contact.role})" if contact.role else "")
    contact.name, contact.role = name, role.strip()
    after = contact.name + (f" ({contact.role})" if contact.role else "")
    _audit(session, client, actor, CONTACT_CHANGED, f"{before} → {after}")
    return _changed(session, client)


def set_notes(session: Session, client_id: int, notes: str, *, actor: Actor) -> CardChange:
    """The client's notes, shown at the pop ("не звонить после 21:00")."""
    client = _live_client(session, client_id)
    notes = notes.strip()
    if len(notes) > NOTES_LIMIT:
        raise ValidationError.of("The notes are longer than {limit} characters.", limit=NOTES_LIMIT)
    client.notes = notes
    _audit(session, client, actor, NOTES_SET, notes)
    return _changed(session, client)


def set_payment_terms(
    session: Session, client_id: int, terms: PaymentTerms | str, *, actor: Actor
) -> CardChange:
    """Cash to the courier, or a monthly invoice."""
    client = _live_client(session, client_id)
    try:
        terms = PaymentTerms(terms)
    except ValueError:
        raise ValidationError.of(
            "Payment terms are cash or invoice, not {terms!r}.", terms=str(terms)
        ) from None
    client.payment_terms = terms
    _audit(session, client, actor, PAYMENT_TERMS_SET, str(terms))
    return _changed(session, client)


def set_inn(session: Session, client_id: int, inn: str, *, actor: Actor) -> CardChange:
    """A company's INN (checksum checked); an empty one clears it."""
    client = _live_client(session, client_id)
    if client.kind is not ClientKind.COMPANY:
        raise ValidationError.of("Only a company has an INN on its card.")
    value = inn.strip() or None
    if value is not None and not clients.inn_is_valid(value):
        raise ValidationError.of(
            "INN {inn!r} is not valid (10 or 12 digits with a correct checksum).", inn=value
        )
    client.inn = value
    _audit(session, client, actor, INN_SET, value or "")
    return _changed(session, client)

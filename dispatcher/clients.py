"""Creating clients with their phones, contacts and delivery points."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from dispatcher.errors import DomainText, NotFoundError, ValidationError
from dispatcher.models import Address, Client, ClientKind, Contact, PaymentTerms, Phone
from dispatcher.phones import PhoneStatus, parse_phone
from dispatcher.similarity import address_key, name_key

logger = logging.getLogger(__name__)

_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _inn_digit(digits: str, weights: Sequence[int]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def inn_is_valid(inn: str) -> bool:
    """Whether a Russian INN (10 digits for companies, 12 for entrepreneurs) has valid checksums."""
    if not inn.isdigit() or not inn.isascii():
        return False
    if len(inn) == 10:
        return _inn_digit(inn, _INN10_WEIGHTS) == int(inn[9])
    if len(inn) == 12:
        return _inn_digit(inn, _INN12_WEIGHTS_1) == int(inn[10]) and _inn_digit(
            inn, _INN12_WEIGHTS_2
        ) == int(inn[11])
    return False


def inn_with_check_digits(body: str) -> str:
    """A valid INN from its body: 9 digits get a company's check digit, 10 an entrepreneur's two."""
    if len(body) == 9:
        return body + str(_inn_digit(body, _INN10_WEIGHTS))
    if len(body) == 10:
        first = body + str(_inn_digit(body, _INN12_WEIGHTS_1))
        return first + str(_inn_digit(first, _INN12_WEIGHTS_2))
    raise ValueError(f"An INN body has 9 or 10 digits, not {len(body)}: {body!r}")


@dataclass(frozen=True, slots=True)
class AddressInput:
    """A delivery point as typed by the operator."""

    text: str
    entrance: str = ""
    floor: str = ""
    flat: str = ""
    courier_notes: str = ""
    lat: float | None = None
    lon: float | None = None
    intercom: str = ""


# A house number: digits with an optional letter or a fraction ("12", "12а", "12/2").
_HOUSE = re.compile(r"^\d+[a-zа-я]?(?:/\d+[a-zа-я]?)?$")
# Words that may follow the house number inside the same part ("д. 5 к 2", "5 кв 3").
_AFTER_HOUSE = frozenset(
    {"к", "корп", "корпус", "стр", "строение", "кв", "квартира", "офис", "лит"}
)
_WORDS = re.compile(r"[0-9a-zа-я/]+")


def has_house_number(text: str) -> bool:
    """Whether an address names a house: "д. 5", "ул. 8 Марта, 14" do, "ул. 8 Марта" does not.

    A number counts when "д"/"дом" precedes it, or when it ends its comma-separated part
    (or is followed only by a building, flat or office): "8" in "ул. 8 Марта" is a street.
    """
    for part in text.casefold().replace("ё", "е").split(","):
        words = _WORDS.findall(part)
        for i, word in enumerate(words):
            if not _HOUSE.match(word):
                continue
            if i > 0 and words[i - 1] in ("д", "дом", "вл", "владение"):
                return True
            rest = words[i + 1 :]
            if not rest or rest[0] in _AFTER_HOUSE or _HOUSE.match(rest[0]):
                return True
    return False


def check_delivery_address(text: str) -> str:
    """The address text trimmed; ValidationError when it is empty or names no house."""
    text = " ".join(text.split())
    if not text:
        raise ValidationError.of("The delivery address is empty.")
    if len(text) > 500:
        raise ValidationError.of("The address is longer than {limit} characters.", limit=500)
    if not has_house_number(text):
        raise ValidationError.of(
            "The address {text!r} has no house number: add it, e.g. ул. Ленина, д. 5.",
            text=text,
        )
    return text


@dataclass(frozen=True, slots=True)
class NewClient:
    """Everything needed to register a client in one step."""

    kind: ClientKind
    name: str
    phones: Sequence[str] = ()
    addresses: Sequence[AddressInput] = ()
    inn: str | None = None
    payment_terms: PaymentTerms | None = None
    notes: str = ""
    price_list_id: int | None = None


def _phone_row(raw: str, region: str, client: Client, contact: Contact | None) -> Phone:
    parsed = parse_phone(raw, region)
    if parsed.status is PhoneStatus.INTERNAL:
        raise ValidationError.of(
            "Phone {raw!r} is a short internal number, not a client's phone.", raw=raw
        )
    if not parsed.ok or parsed.e164 is None:
        raise ValidationError.of(
            "Phone {raw!r}: {problem}", raw=raw, problem=DomainText(parsed.message)
        )
    return Phone(
        client=client,
        contact_id=contact.id if contact else None,
        e164=parsed.e164,
        raw=raw.strip()[:100],
        kind=str(parsed.kind or "other"),
        extension=parsed.extension,
    )


def _address_row(data: AddressInput, client: Client, contact: Contact | None) -> Address:
    text = data.text.strip()
    if not text:
        raise ValidationError.of("The delivery address is empty.")
    return Address(
        client=client,
        contact_id=contact.id if contact else None,
        text=text,
        entrance=data.entrance.strip(),
        floor=data.floor.strip(),
        flat=data.flat.strip(),
        courier_notes=data.courier_notes.strip(),
        intercom=data.intercom.strip(),
        lat=data.lat,
        lon=data.lon,
        address_key=address_key(text, data.flat),
    )


def phone_row(raw: str, region: str, client: Client, contact: Contact | None) -> Phone:
    """A Phone row for a number typed in any form; ValidationError when it is not a phone."""
    return _phone_row(raw, region, client, contact)


def address_row(data: AddressInput, client: Client, contact: Contact | None) -> Address:
    """An Address row for a delivery point as typed (not added to the session)."""
    return _address_row(data, client, contact)


def add_client(session: Session, data: NewClient, region: str = "RU") -> Client:
    """Register a client with its phones and addresses; nothing is written if any part is bad."""
    name = " ".join(data.name.split())
    if not name:
        raise ValidationError.of("The client's name is empty.")
    if len(name) > 300:
        raise ValidationError.of("The client's name is longer than {limit} characters.", limit=300)
    inn = (data.inn or "").strip() or None
    if inn is not None and not inn_is_valid(inn):
        raise ValidationError.of(
            "INN {inn!r} is not valid (10 or 12 digits with a correct checksum).", inn=inn
        )
    terms = data.payment_terms or (
        PaymentTerms.INVOICE if data.kind is ClientKind.COMPANY else PaymentTerms.CASH
    )
    client = Client(
        kind=data.kind,
        name=name,
        name_key=name_key(name),
        inn=inn,
        payment_terms=terms,
        notes=data.notes,
        price_list_id=data.price_list_id,
    )
    seen: set[str] = set()
    for raw in data.phones:
        row = _phone_row(raw, region, client, None)
        if row.e164 not in seen:
            seen.add(row.e164)
            session.add(row)
    for addr in data.addresses:
        session.add(_address_row(addr, client, None))
    session.add(client)
    session.flush()
    logger.info("client added", extra={"client_id": client.id})
    return client


def get_client(session: Session, client_id: int) -> Client:
    """The client with this id, or a NotFoundError an operator can read."""
    client = session.get(Client, client_id)
    if client is None:
        raise NotFoundError.of("Client #{client_id} does not exist.", client_id=client_id)
    return client


def add_contact(
    session: Session,
    client_id: int,
    name: str,
    role: str = "",
    phones: Sequence[str] = (),
    address: AddressInput | None = None,
    region: str = "RU",
) -> Contact:
    """Add a person to a client, with phones and a delivery point of their own."""
    client = get_client(session, client_id)
    name = " ".join(name.split())
    if not name:
        raise ValidationError.of("The contact's name is empty.")
    contact = Contact(client=client, name=name, role=role.strip())
    session.add(contact)
    session.flush()
    for raw in phones:
        session.add(_phone_row(raw, region, client, contact))
    if address is not None:
        session.add(_address_row(address, client, contact))
    session.flush()
    return contact


def add_phone(session: Session, client_id: int, raw: str, region: str = "RU") -> Phone:
    """Add one more phone number to a client."""
    client = get_client(session, client_id)
    row = _phone_row(raw, region, client, None)
    session.add(row)
    session.flush()
    return row


def add_address(session: Session, client_id: int, data: AddressInput) -> Address:
    """Add one more delivery point to a client."""
    client = get_client(session, client_id)
    row = _address_row(data, client, None)
    session.add(row)
    session.flush()
    return row

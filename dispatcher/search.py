"""Search-as-you-type for callers without a number: name, address, phone, INN or order number.

Cost: an order number, an INN and a whole phone number are index look-ups. Fragments
(`LIKE '%…%'` on the normalised name key, address key and E.164) cannot use an index and
scan their table (results are sorted by name, so the scan runs to the end). Measured on
SQLite with 200,000 seeded clients (`dispatcher.seed`, one busy shared 2-CPU machine):
0.3-0.5 ms for "#12345", an INN or a whole number; 25-85 ms for name and phone fragments;
80-125 ms for address fragments. The scans grow linearly, so expect about 0.15-0.6 s per
keystroke at 1M clients: the workspace should debounce and run it off the GUI thread, and
past that size a trigram index (pg_trgm on PostgreSQL, an FTS5 table on SQLite) is the
fix. The demo database (300 clients) answers in about a millisecond.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from dispatcher.lookup import ClientSummary
from dispatcher.models import Address, Client, ClientKind, Order, Phone
from dispatcher.phones import parse_phone
from dispatcher.similarity import address_key, name_key

logger = logging.getLogger(__name__)

# Beyond this the operator is pasting, not typing; the cut bounds the work of junk input.
_MAX_TEXT = 200
# Integer primary keys: a longer order number cannot exist (and PostgreSQL would refuse it).
_MAX_ID = 2**31 - 1
_ORDER_NUMBER = re.compile(r"^\s*[#№]\s*([0-9]{1,12})\s*$")
_PHONE_CHARS = re.compile(r"^[0-9+\-().\s]+$")
_DIGITS = re.compile(r"[0-9]")
_MIN_PHONE_DIGITS = 4

MATCHED_ON = ("order", "inn", "phone", "name", "address")


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One client found by the search, what matched and the matching text."""

    client: ClientSummary
    matched_on: str
    detail: str


def _summary(client: Client) -> ClientSummary:
    return ClientSummary(
        id=client.id, kind=ClientKind(client.kind), name=client.name, inn=client.inn
    )


def search_clients(
    session: Session, text: str, limit: int = 20, region: str = "RU"
) -> list[SearchHit]:
    """Clients matching a fragment of a name, address or phone, an INN, or '#123' / '№123'."""
    if not isinstance(text, str) or limit <= 0:
        return []
    text = text.strip()[:_MAX_TEXT]
    if len(text) < 2:
        return []
    hits: list[SearchHit] = []
    seen: set[int] = set()

    def add(client: Client, matched_on: str, detail: str) -> bool:
        if client.id not in seen and len(hits) < limit:
            seen.add(client.id)
            hits.append(SearchHit(_summary(client), matched_on, detail))
        return len(hits) >= limit

    # Most specific first: a number names one order, an INN one company.
    order = _ORDER_NUMBER.match(text)
    if order is not None:
        order_id = int(order.group(1))
        if order_id <= _MAX_ID:
            row = session.execute(
                select(Client)
                .join(Order, Order.client_id == Client.id)
                .where(Order.id == order_id, Client.merged_into_id.is_(None))
            ).first()
            if row is not None:
                add(row[0], "order", f"Order #{order_id}")
        return hits

    digits = "".join(_DIGITS.findall(text))
    if text.isascii() and text.isdigit() and len(text) in (10, 12):
        for client in session.scalars(_live(select(Client).where(Client.inn == text)).limit(limit)):
            if add(client, "inn", text):
                return hits

    if _PHONE_CHARS.match(text) and len(digits) >= _MIN_PHONE_DIGITS:
        for client, raw in session.execute(_phone_query(text, digits, region, limit)):
            if add(client, "phone", raw):
                return hits
        # Four digits and more with nothing but separators is a number, not a name or a
        # street; skipping those scans keeps typing a phone number quick.
        return hits

    tokens = name_key(text).split()
    if tokens:
        stmt = _live(select(Client).where(*(Client.name_key.contains(t) for t in tokens)))
        for client in session.scalars(stmt.order_by(Client.name, Client.id).limit(limit)):
            if add(client, "name", client.name):
                return hits

    street_tokens = address_key(text).split("|", 1)[0].split()
    if street_tokens:
        conditions = [Address.address_key.contains(t) for t in street_tokens]
        stmt = _live(
            select(Client, Address.text)
            .join(Address, Address.client_id == Client.id)
            .where(*conditions)
            .order_by(Client.name, Client.id, Address.id)
            .limit(limit * 3)
        )
        for client, address_text in session.execute(stmt):
            if add(client, "address", address_text):
                return hits
    return hits


def _live(stmt: Any) -> Any:
    # Merged duplicates are reached through the client they were merged into.
    return stmt.where(Client.merged_into_id.is_(None))


def _phone_query(text: str, digits: str, region: str, limit: int) -> Any:
    """Phones whose E.164 form holds the typed digits, whatever way they were written."""
    patterns: list[ColumnElement[bool]] = []
    parsed = parse_phone(text, region)
    if parsed.ok and parsed.e164:
        # A whole number: the indexed equality answers it, no scan for fragments.
        patterns.append(Phone.e164 == parsed.e164)
        return _live(
            select(Client, Phone.raw)
            .join(Phone, Phone.client_id == Client.id)
            .where(*patterns)
            .order_by(Phone.id)
            .limit(limit * 3)
        )
    patterns.append(Phone.e164.contains(digits))
    # "8 916 12…" is the trunk prefix of "+7 916 12…": the 8 is not in the stored form.
    if digits.startswith("8") and not text.lstrip().startswith("+") and len(digits) > 1:
        patterns.append(Phone.e164.startswith("+7" + digits[1:]))
    return _live(
        select(Client, Phone.raw)
        .join(Phone, Phone.client_id == Client.id)
        .where(and_(or_(*patterns)))
        .order_by(Phone.id)
        .limit(limit * 3)
    )

"""Search-as-you-type for callers without a number: name, address, phone, INN or order number.

Names and addresses are found through the word index (`search_terms`, kept by
`dispatcher.search_index`): every typed word is the start of a word of the client's name,
a contact's name, a merged duplicate's name or one of its addresses, in any order
("иван проф" finds Иванова on Профсоюзная). The rarest typed word is read as a key range
(exact word first, then longer words, each by name); the others are checked per candidate
through the (client_id, term) index. Name matches come before address matches.

Cost, measured with `python -m bench search` on SQLite with 1,000,000 seeded clients (one
shared 2-CPU machine): p50 3.8 ms, p99 19 ms over typed names, streets, numbers typed from
their start and order numbers (the old LIKE scans: p50 ~300 ms). When all typed words are
common ("ак 8") only the first 2,000 index rows of the rarest are tried (10,000 when those
give nothing): the list may miss some clients until the next keystroke narrows it. An
order number, an INN, a number typed from its start and digits from its middle ("45-67",
through the tails in `phone_digits`, migration 0014) are index look-ups.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, literal, null, select, union_all
from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from dispatcher.lookup import ClientSummary
from dispatcher.models import Address, Client, ClientKind, Contact, Order, Phone, PhoneDigits
from dispatcher.phones import parse_phone
from dispatcher.search_index import ADDRESS, NAME
from dispatcher.similarity import address_words, name_words, query_words

logger = logging.getLogger(__name__)

# Beyond this the operator is pasting, not typing; the cut bounds the work of junk input.
_MAX_TEXT = 200
# Integer primary keys: a longer order number cannot exist (and PostgreSQL would refuse it).
_MAX_ID = 2**31 - 1
_ORDER_NUMBER = re.compile(r"^\s*[#№]\s*([0-9]{1,12})\s*$")
_PHONE_CHARS = re.compile(r"^[0-9+\-().\s]+$")
_DIGITS = re.compile(r"[0-9]")
_MIN_PHONE_DIGITS = 4
# Rows of a typed word's range counted to pick the rarest word; more only says 'common'.
_DRIVER_PROBE = 1000
_DRIVER_PROBE_FAR = 10_000
# Rows of the driving word tried against the other words, at most, per kind.
_SCAN_ROWS = 2_000
_SCAN_ROWS_WHEN_NONE = 10_000

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

    def add_summary(client: ClientSummary, matched_on: str, detail: str) -> bool:
        if client.id not in seen and len(hits) < limit:
            seen.add(client.id)
            hits.append(SearchHit(client, matched_on, detail))
        return len(hits) >= limit

    def add(client: Client, matched_on: str, detail: str) -> bool:
        return add_summary(_summary(client), matched_on, detail)

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
        # A number typed from its start is a range of the E.164 index; only when that
        # range has too few owners does the fragment scan run (for "45-67" and the like).
        low = _typed_prefix(text, digits)
        stmt = _live(
            select(Client, Phone.raw)
            .join(Phone, Phone.client_id == Client.id)
            .where(Phone.e164 >= low, Phone.e164 < low[:-1] + chr(ord(low[-1]) + 1))
            .order_by(Phone.e164, Phone.id)
            .limit(limit * 3)
        )
        for client, raw in session.execute(stmt):
            if add(client, "phone", raw):
                return hits
        if hits:
            # Typed from the start and found: the owners of longer numbers are all listed.
            return hits
        for client, raw in session.execute(_phone_query(text, digits, region, limit)):
            if add(client, "phone", raw):
                return hits
        # Four digits and more with nothing but separators is a number, not a name or a
        # street; skipping those scans keeps typing a phone number quick.
        return hits

    words = query_words(text)
    if words:
        found = _word_matches(session, words, limit)
        clients, details = _clients_and_details(session, words, [cid for cid, _ in found])
        for client_id, matched_on in found:
            client = clients.get(client_id)
            if client is not None:
                detail = details.get((client_id, matched_on), client.name)
                if add_summary(client, matched_on, detail):
                    return hits
    return hits


def _range(word: str) -> tuple[str, str]:
    """The key range of the words starting with `word` (terms hold only [0-9a-zа-я])."""
    return word, word[:-1] + chr(ord(word[-1]) + 1)


# Plain SQL: it runs on every keystroke, and building expressions cost more than running them.
def _count_sql(n: int) -> Any:
    """One statement counting the index rows of n typed words, each capped.

    The far counts (up to `far`) are only computed when every near count reached `cap`:
    both databases evaluate a CASE branch's subquery only when the branch is taken. One
    statement instead of two to four saves their round trips on PostgreSQL.
    """

    def capped(i: int, cap: str) -> str:
        return (
            "(SELECT count(*) FROM (SELECT 1 FROM search_terms WHERE kind IN ('name', 'address')"
            f" AND term >= :low{i} AND term < :high{i} LIMIT :{cap}) AS c{i})"
        )

    near = ", ".join(f"{capped(i, 'cap')} AS n{i}" for i in range(n))
    all_common = " AND ".join(f"n{i} >= :cap" for i in range(n))
    far = ", ".join(f"CASE WHEN {all_common} THEN {capped(i, 'far')} END" for i in range(n))
    # MATERIALIZED: the near counts are computed once, not again inside each CASE.
    return sql(
        f"WITH near AS MATERIALIZED (SELECT {near})"
        f" SELECT {', '.join(f'n{i}' for i in range(n))}, {far} FROM near"
    )


def _rarest(session: Session, words: list[str]) -> str:
    """The word with the fewest index rows: reading its range checks the fewest candidates."""
    params: dict[str, Any] = {"cap": _DRIVER_PROBE, "far": _DRIVER_PROBE_FAR}
    for i, word in enumerate(words):
        params[f"low{i}"], params[f"high{i}"] = _range(word)
    row = tuple(session.execute(_count_sql(len(words)), params).one())
    near, far = row[: len(words)], row[len(words) :]
    # All common ("ма 118"): the far counts, as a wrong pick reads a hundred times more rows.
    counts = dict(zip(words, far if far[0] is not None else near, strict=True))
    # Ties go to the longer word, the more specific one while typing.
    return min(words, key=lambda w: (counts[w], -len(w)))


def _word_matches(session: Session, words: list[str], limit: int) -> list[tuple[int, str]]:
    """Client ids whose words start with every typed word: name matches first, then the rest.

    The rarest word drives: its key range is read in key order (the word itself first,
    then longer words alphabetically, each by name); the other words are checked per
    candidate through the (client_id, term) index. A keystroke so reads about `limit`
    rows of the driving word when matches are plenty, and at most its whole range when
    they are few.
    """
    driver = _rarest(session, words) if len(words) > 1 else words[0]
    others = [w for w in words if w != driver]
    low, high = _range(driver)
    params: dict[str, Any] = {"low": low, "high": high}
    anywhere: list[str] = []
    in_names: list[str] = []
    # PostgreSQL may turn an EXISTS into a hash of the other word's whole range (a
    # hundred thousand rows for a common one) or a semi-join; OFFSET 0 keeps it the
    # per-candidate probe of the (client_id, term) index it is meant to be.
    postgres = session.get_bind().dialect.name == "postgresql"
    for i, word in enumerate(others):
        params[f"low{i}"], params[f"high{i}"] = _range(word)
        rows = (
            f"FROM search_terms u WHERE u.client_id = t.client_id"
            f" AND u.term >= :low{i} AND u.term < :high{i}"
        )
        if postgres:
            anywhere.append(f" AND EXISTS (SELECT 1 {rows} OFFSET 0)")
            # The kind is checked on the probe's rows: with `kind = 'name'` inside, the
            # planner reads the other word's whole range of names by the primary key.
            kinds = f"(SELECT u.kind {rows} OFFSET 0)"
            in_names.append(f"EXISTS (SELECT 1 FROM {kinds} k WHERE k.kind = 'name')")
        else:
            anywhere.append(f" AND EXISTS (SELECT 1 {rows})")
            in_names.append(f"EXISTS (SELECT 1 {rows} AND u.kind = 'name')")

    name_hits: list[int] = []
    other_hits: list[int] = []
    seen: set[int] = set()
    query = _matches_sql(bool(others), in_names, anywhere)
    # Each row read costs a probe per other word: when all the words are common ("ак 8")
    # only the first rows of the rarest are tried (typing on narrows it), more of them
    # when those gave nothing.
    for scan in (_SCAN_ROWS, _SCAN_ROWS_WHEN_NONE) if others else (0,):
        skip = 0
        while True:
            # Rows for the clients still wanted, and those already listed (a client can
            # come again through another of its words); rarely a second batch is needed.
            n = limit - len(name_hits) - len(other_hits) + len(seen) + 5
            batch = session.execute(query, {**params, "scan": scan, "n": n, "skip": skip}).all()
            for client_id, names_only in batch:
                if client_id not in seen:
                    seen.add(client_id)
                    (name_hits if names_only else other_hits).append(client_id)
            skip += n
            if len(batch) < n or len(name_hits) + len(other_hits) >= limit:
                break
        if seen:
            break
    found = [(cid, "name") for cid in name_hits] + [(cid, "address") for cid in other_hits]
    return found[:limit]


def _matches_sql(others: bool, in_names: list[str], anywhere: list[str]) -> Any:
    """One statement for a keystroke's word matches: the driving word's name rows, then its
    address rows, each with whether all the other words are in a name too.

    The LIMIT over UNION ALL stops reading (and probing) as soon as it has its rows: when
    the names fill the list, the address rows are never read. One statement instead of one
    per kind saves a round trip on PostgreSQL.
    """
    parts = []
    for kind in (NAME, ADDRESS):
        # Whether every other word is in a name too (evaluated for the rows returned only).
        all_names = (" AND ".join(in_names) or "1 = 1") if kind == NAME else "1 = 0"
        in_range = f"kind = '{kind}' AND term >= :low AND term < :high"
        if others:
            # The first `scan` rows of the range, read in key order (both databases read
            # such a subquery in its order; a sort here would read all of it).
            rows = (
                f"(SELECT client_id FROM search_terms WHERE {in_range}"
                " ORDER BY term, label, client_id LIMIT :scan) t"
            )
            parts.append(
                f"SELECT t.client_id, {all_names} FROM {rows} WHERE 1 = 1{''.join(anywhere)}"
            )
        else:
            # In key order; only the rows the outer LIMIT can reach.
            parts.append(
                f"SELECT * FROM (SELECT t.client_id, {all_names} FROM search_terms t"
                f" WHERE {in_range} ORDER BY t.term, t.label, t.client_id LIMIT :n + :skip)"
                f" AS {kind}_rows"
            )
    return sql(" UNION ALL ".join(parts) + " LIMIT :n OFFSET :skip")


# The listed clients and the texts their details are chosen from, in one statement: the
# client rows (source 0), its contacts' names (1) and its addresses (2), each in id order.
_CLIENTS_AND_TEXTS = union_all(
    select(
        literal(0).label("source"),
        Client.id.label("client_id"),
        Client.name.label("text"),
        Client.kind,
        Client.inn,
        Client.merged_into_id,
        Client.id.label("row_id"),
    ).where(Client.id.in_(bindparam("ids", expanding=True))),
    select(literal(1), Contact.client_id, Contact.name, null(), null(), null(), Contact.id).where(
        Contact.client_id.in_(bindparam("ids", expanding=True))
    ),
    select(literal(2), Address.client_id, Address.text, null(), null(), null(), Address.id).where(
        Address.client_id.in_(bindparam("ids", expanding=True))
    ),
).order_by("source", "row_id")


def _clients_and_details(
    session: Session, words: list[str], client_ids: list[int]
) -> tuple[dict[int, ClientSummary], dict[tuple[int, str], str]]:
    """The live clients among these, and per client and kind the text most typed words are
    in: a name, a contact's, an address."""
    if not client_ids:
        return {}, {}
    clients: dict[int, ClientSummary] = {}
    best: dict[tuple[int, str], tuple[int, str]] = {}

    def offer(client_id: int, kind: str, text: str, tokens: list[str]) -> None:
        score = sum(1 for w in words if any(t.startswith(w) for t in tokens))
        if score > best.get((client_id, kind), (0, ""))[0]:
            best[(client_id, kind)] = (score, text)

    rows = session.execute(_CLIENTS_AND_TEXTS, {"ids": client_ids})
    for source, client_id, text, kind, inn, merged_into, _ in rows:
        if source == 0:
            # Merged duplicates are reached through the client they were merged into.
            if merged_into is None:
                clients[client_id] = ClientSummary(client_id, ClientKind(kind), text, inn)
            offer(client_id, "name", text, name_words(text))
        elif source == 1:
            offer(client_id, "name", text, name_words(text))
        else:
            offer(client_id, "address", text, address_words(text))
    return clients, {key: text for key, (_, text) in best.items()}


def _live(stmt: Any) -> Any:
    # Merged duplicates are reached through the client they were merged into.
    return stmt.where(Client.merged_into_id.is_(None))


def _typed_prefix(text: str, digits: str) -> str:
    """The E.164 start of a number typed from its beginning: "8 916 12" -> "+791612"."""
    if text.lstrip().startswith("+") or digits.startswith("7"):
        return "+" + digits
    if digits.startswith("8"):
        return "+7" + digits[1:]  # the trunk prefix
    return "+7" + digits


def _phone_query(text: str, digits: str, region: str, limit: int) -> Any:
    """Phones whose E.164 form holds the typed digits, whatever way they were written."""
    parsed = parse_phone(text, region)
    if parsed.ok and parsed.e164:
        # A whole number: the indexed equality answers it, no scan for fragments.
        return _live(
            select(Client, Phone.raw)
            .join(Phone, Phone.client_id == Client.id)
            .where(Phone.e164 == parsed.e164)
            .order_by(Phone.id)
            .limit(limit * 3)
        )
    # Digits from the middle of a number ("45-67"): every substring of a number is the
    # start of one of its tails, so this is a key range of phone_digits, not a scan. Only
    # the first rows of the range are read (four digits match a thousand phones of a
    # million): the list is for picking, and typing on narrows it.
    tails = (
        select(PhoneDigits.phone_id)
        .where(PhoneDigits.suffix >= digits, PhoneDigits.suffix < _next_key(digits))
        .order_by(PhoneDigits.suffix)
        .limit(limit * 3)
    )
    return _live(
        select(Client, Phone.raw)
        .join(Phone, Phone.client_id == Client.id)
        .where(Phone.id.in_(tails.scalar_subquery()))
        .order_by(Phone.id)
        .limit(limit * 3)
    )


def _next_key(digits: str) -> str:
    """The first key after every key starting with ``digits``."""
    return digits[:-1] + chr(ord(digits[-1]) + 1)

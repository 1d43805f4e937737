# Long (over 500 lines): the pop's one-round-trip queries and prepared statements.
"""Caller lookup: who owns a phone number, their duplicates and their live orders, in one call."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from phonenumbers import PhoneNumber, PhoneNumberFormat, format_number
from sqlalchemy.orm import Session

from dispatcher import lookup_remote
from dispatcher.lookup_remote import Fetched
from dispatcher.models import ClientKind, Order, OrderState
from dispatcher.phones import ParsedPhone, PhoneStatus, from_caller_id, parse_phone
from dispatcher.similarity import names_similar


class LookupStatus(StrEnum):
    """The outcome of a lookup as the pop-up shows it."""

    FOUND = "found"
    UNKNOWN = "unknown"
    INTERNAL = "internal"
    INVALID = "invalid"


class DuplicateReason(StrEnum):
    """Why clients were grouped as probable duplicates."""

    SAME_PHONE = "same_phone"
    SIMILAR_NAME = "similar_name"
    SAME_INN = "same_inn"


@dataclass(frozen=True, slots=True)
class ClientSummary:
    """A client as the pop-up lists it."""

    id: int
    kind: ClientKind
    name: str
    inn: str | None


@dataclass(frozen=True, slots=True)
class ContactSummary:
    """The contact person a number belongs to."""

    id: int
    name: str
    role: str


@dataclass(frozen=True, slots=True)
class AddressSummary:
    """A delivery point of a matched client."""

    id: int
    contact_id: int | None
    text: str
    entrance: str
    floor: str
    flat: str
    courier_notes: str


@dataclass(frozen=True, slots=True)
class LineSummary:
    """One line of an order."""

    product_code: str
    product_name: str
    qty: int
    price_kop: int


@dataclass(frozen=True, slots=True)
class OrderSummary:
    """An order as the pop-up shows it: state, slot, courier, lines."""

    id: int
    state: OrderState
    created_at: dt.datetime
    delivery_date: dt.date | None
    window_start: dt.time | None
    window_end: dt.time | None
    courier_id: int | None
    courier_name: str | None
    address_id: int | None
    needs_reschedule: bool
    fail_reason: str
    version: int
    lines: tuple[LineSummary, ...] = ()
    courier_phone: str = ""  # E.164: the operator may forward the caller to the courier

    @property
    def total_kop(self) -> int:
        """The order's amount in kopecks."""
        return sum(line.qty * line.price_kop for line in self.lines)


@dataclass(frozen=True, slots=True)
class Match:
    """One owner of the number: a client, and the contact when the number is a contact's."""

    client: ClientSummary
    contact: ContactSummary | None
    phone_raw: str
    addresses: tuple[AddressSummary, ...]
    active_deliveries: tuple[OrderSummary, ...]
    to_reschedule: tuple[OrderSummary, ...]
    last_order: OrderSummary | None
    merged_from: int | None = None
    notes: str = ""  # the client's notes for the operator ("не звонить после 21:00")
    # The client's complaints not resolved yet, as "reason (#id)": flagged at the pop.
    open_complaints: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """Clients that are probably one and the same, and why."""

    reason: DuplicateReason
    clients: tuple[ClientSummary, ...]


@dataclass(frozen=True, slots=True)
class LookupResult:
    """Everything the screen pop needs about a number, or why there is nothing."""

    query: str
    status: LookupStatus
    e164: str | None
    display: str
    message: str
    matches: tuple[Match, ...] = ()
    duplicate_groups: tuple[DuplicateGroup, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings)."""
        return _jsonable(asdict(self))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.time, dt.datetime)):
        return value.isoformat()
    return value


# The statements run on the driver's own cursor: SQLAlchemy's per-execution work (compiling
# expanding IN lists, building result objects) cost several times the queries themselves,
# and the pop-up must come up within a millisecond. The SQL is what SQLAlchemy compiled
# from the Core statements this module used before, so the plans (and the order of rows
# under the LIMITs) are the same. In a template "?" is one value and "IN ?*" a list.
_OWNERS = (
    "SELECT phones.client_id, phones.contact_id, phones.raw, clients.kind, clients.name,"
    " clients.name_key, clients.inn, clients.merged_into_id, contacts.name, contacts.role,"
    " clients.notes FROM phones JOIN clients ON clients.id = phones.client_id"
    " LEFT OUTER JOIN contacts ON contacts.id = phones.contact_id"
    " WHERE phones.e164 = ? ORDER BY phones.id"
)
_CLIENTS_BY_ID = (
    "SELECT clients.id, clients.kind, clients.name, clients.name_key, clients.inn,"
    " clients.merged_into_id, clients.notes FROM clients WHERE clients.id IN ?*"
)
_ADDRESSES = (
    "SELECT addresses.id, addresses.client_id, addresses.contact_id, addresses.text,"
    " addresses.entrance, addresses.floor, addresses.flat, addresses.courier_notes,"
    " addresses.address_key FROM addresses WHERE addresses.client_id IN ?*"
    " ORDER BY addresses.id"
)
_SAME_ADDRESS = (
    "SELECT clients.id, clients.kind, clients.name, clients.name_key, clients.inn"
    " FROM clients JOIN addresses ON addresses.client_id = clients.id"
    " WHERE addresses.address_key IN ?* AND (clients.id NOT IN ?*)"
    " AND clients.merged_into_id IS NULL LIMIT 50"
)
_SAME_COMPANY = (
    "SELECT clients.id, clients.kind, clients.name, clients.name_key, clients.inn"
    " FROM clients WHERE (clients.kind = ? AND clients.name_key IN ?*"
    " OR clients.inn IN ?*) AND (clients.id NOT IN ?*)"
    " AND clients.merged_into_id IS NULL LIMIT 50"
)
_ORDERS = (
    "SELECT orders.id, orders.client_id, orders.state, orders.created_at,"
    " orders.delivery_date, orders.window_start, orders.window_end, orders.courier_id,"
    " couriers.name, orders.address_id, orders.needs_reschedule, orders.fail_reason,"
    " orders.version, couriers.phone FROM orders"
    " LEFT OUTER JOIN couriers ON couriers.id = orders.courier_id"
    " WHERE orders.client_id IN ?* AND (orders.state = ? OR orders.state = ?"
    " AND orders.needs_reschedule IS {true} OR orders.id IN (SELECT max(orders.id)"
    " FROM orders WHERE orders.client_id IN ?* GROUP BY orders.client_id))"
    " ORDER BY orders.id"
)
# Stands for the list of client ids while they are not known yet: those owning the number.
_OWNER_IDS = "IN (SELECT phones.client_id FROM phones WHERE phones.e164 = ?)"
_LINES = (
    "SELECT order_lines.order_id, products.code, products.name, order_lines.qty,"
    " order_lines.price_kop FROM order_lines JOIN products ON products.id ="
    " order_lines.product_id WHERE order_lines.order_id IN ?* ORDER BY order_lines.id"
)

_OWNERS_ADDRESSES = _ADDRESSES.replace("IN ?*", _OWNER_IDS)
_OWNERS_ORDERS = _ORDERS.replace("IN ?*", _OWNER_IDS)

_Statement = tuple[str, tuple[Any, ...]] | None


class _Db:
    """The lookup's statements on the session's own connection, in its transaction.

    On PostgreSQL the statements are prepared once per connection (PREPARE, which outlives
    transactions) and run with EXECUTE: planning them cost more than running them, and
    psycopg's own automatic preparing never kicks in here because it forgets everything at
    each ROLLBACK, which is how every session ends. EXECUTE takes no protocol-level
    parameters, so its arguments are bound as literals by a client-side cursor, which also
    lets statements that do not depend on each other travel together.
    """

    __slots__ = ("_conn", "_convert", "_cursor", "_postgres", "_prepared")

    def __init__(self, session: Session) -> None:
        conn = session.connection()
        self._postgres = conn.dialect.name == "postgresql"
        self._convert = _converters(conn.dialect)
        self._conn: Any = conn.connection.driver_connection
        if self._postgres:
            import psycopg

            # psycopg deallocates *all* prepared statements on a rollback once it has
            # prepared any of its own; with its automatic preparing off it never does.
            self._conn.prepare_threshold = None
            self._prepared: set[str] = conn.connection.info.setdefault(_PREPARED_KEY, set())
            self._cursor: Any = psycopg.ClientCursor(self._conn)
        else:
            self._cursor = self._conn.cursor()

    @property
    def remote(self) -> bool:
        """Whether each batch costs a round trip to a server."""
        return self._postgres

    def rows(self, template: str, *params: Any) -> list[Any]:
        """All rows of one statement."""
        return self.batch((template, params))[0]

    def batch(self, *statements: _Statement) -> list[list[Any]]:
        """The rows of each statement; a None statement gives no rows.

        On PostgreSQL the statements of a batch go to the server as one string, so the
        batch costs one round trip.
        """
        cursor = self._cursor
        if not self._postgres:
            results = []
            for statement in statements:
                if statement is None:
                    results.append([])
                    continue
                template, params = statement
                cursor.execute(_sql(template, _sizes(params), "?"), _flat(params))
                results.append(cursor.fetchall())
            return results
        parts: list[str] = []
        values: list[Any] = []
        to_prepare: dict[str, str] = {}
        for statement in statements:
            if statement is None:
                continue
            template, params = statement
            sizes = _sizes(params)
            flat = _flat(params)
            if max(sizes, default=0) <= _MAX_PREPARED_LIST:
                name = _statement_name(template, sizes)
                if name not in self._prepared:
                    to_prepare[name] = f"PREPARE {name} AS {_sql(template, sizes, '$')}"
                parts.append(f"EXECUTE {name}({', '.join(['%s'] * len(flat))})")
            else:
                parts.append(_sql(template, sizes, "%s"))
            values.extend(flat)
        if to_prepare:
            cursor.execute("; ".join(to_prepare.values()))
            self._prepared.update(to_prepare)
        if not parts:
            return [[] for _ in statements]
        cursor.execute("; ".join(parts), values)
        found = [cursor.fetchall()]
        while cursor.nextset():
            found.append(cursor.fetchall())
        rows = iter(found)
        return [next(rows) if statement is not None else [] for statement in statements]

    def convert_orders(self, rows: list[Any]) -> list[Any]:
        """Order rows with dates and times as SQLAlchemy reads them."""
        created, day, clock = self._convert
        if created is None and day is None and clock is None:
            return rows
        out = []
        for r in rows:
            r = list(r)
            if created is not None:
                r[3] = created(r[3])
            if day is not None:
                r[4] = day(r[4])
            if clock is not None:
                r[5], r[6] = clock(r[5]), clock(r[6])
            out.append(r)
        return out

    def close(self) -> None:
        """Release the cursor (the connection stays with the session)."""
        self._cursor.close()


# Longer lists (a number shared by many clients) run unprepared, so that the number of
# statements prepared on a connection stays small.
_MAX_PREPARED_LIST = 4
_PREPARED_KEY = "dispatch_lookup_prepared"


@functools.cache
def _sql(template: str, sizes: tuple[int, ...], style: str) -> str:
    """The statement for lists of these sizes, with "?" (SQLite), "%s" or "$1" parameters."""
    parts = template.format(true="1" if style == "?" else "true").split("IN ?*")
    out = [parts[0]]
    for size, part in zip(sizes, parts[1:], strict=True):
        out.append("IN (" + ", ".join(["?"] * size) + ")" + part)
    pieces = "".join(out).split("?")
    if style == "$":
        return pieces[0] + "".join(f"${i}{piece}" for i, piece in enumerate(pieces[1:], 1))
    return style.join(pieces)


def _sizes(params: tuple[Any, ...]) -> tuple[int, ...]:
    return tuple(len(p) for p in params if isinstance(p, list))


def _flat(params: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(v for p in params for v in (p if isinstance(p, list) else (p,)))


_statement_numbers = itertools.count(1)


@functools.cache
def _statement_name(template: str, sizes: tuple[int, ...]) -> str:
    # Names are process-wide: one per statement variant, the same on every connection.
    return f"dispatch_lookup_{next(_statement_numbers)}"


_Converter = Callable[[Any], Any] | None


@functools.cache
def _converters(dialect: Any) -> tuple[_Converter, _Converter, _Converter]:
    """The conversions SQLAlchemy applies to an order's created_at, date and window times
    (SQLite hands back text), so that rows read here are the rows read through Core."""
    columns = Order.__table__.c
    return tuple(  # type: ignore[return-value]
        column.type.dialect_impl(dialect).result_processor(dialect, None)
        for column in (columns.created_at, columns.delivery_date, columns.window_start)
    )


def _summary(row: Any) -> ClientSummary:
    return ClientSummary(id=row[0], kind=ClientKind(row[1]), name=row[2], inn=row[4])


def lookup(session: Session, raw: str | None, region: str = "RU") -> LookupResult:
    """Every client and contact owning the number, their duplicates and live orders."""
    return _lookup(session, raw, parse_phone(raw, region))


def lookup_caller(session: Session, number: str | None, region: str = "RU") -> LookupResult:
    """`lookup` for a caller number telephony already normalised: not parsed a second time."""
    return _lookup(session, number, from_caller_id(number, region))


def _lookup(
    session: Session, raw: str | None, parsed: ParsedPhone, *, one_trip: bool = True
) -> LookupResult:
    """The lookup; ``one_trip=False`` runs PostgreSQL's old statement-by-statement path."""
    query = raw if isinstance(raw, str) else ""
    if parsed.status is PhoneStatus.INTERNAL:
        return LookupResult(
            query,
            LookupStatus.INTERNAL,
            None,
            parsed.display(),
            f"{parsed.internal} is an internal extension, not a client's number.",
        )
    if not parsed.ok or parsed.e164 is None:
        return LookupResult(query, LookupStatus.INVALID, None, query, parsed.message)
    e164 = parsed.e164
    if one_trip and session.connection().dialect.name == "postgresql":
        return _found(query, parsed, e164, lookup_remote.fetch(session, e164))
    db = _Db(session)
    try:
        return _found(query, parsed, e164, _fetch_stepwise(db, e164))
    finally:
        db.close()


def _display(parsed: ParsedPhone, e164: str) -> str:
    """`parsed.display()`, without re-parsing the usual +7 number (a tenth of a lookup)."""
    if e164.startswith("+7") and not parsed.extension and len(e164) == 12 and e164[2] != "0":
        try:
            number = PhoneNumber(country_code=7, national_number=int(e164[2:]))
            return format_number(number, PhoneNumberFormat.INTERNATIONAL)
        except Exception:
            return parsed.display()
    return parsed.display()


def _fetch_stepwise(db: _Db, e164: str) -> Fetched:
    """The lookup's rows statement by statement (SQLite; PostgreSQL's old path, for the bench)."""
    states = (OrderState.DELIVERY.value, OrderState.INTEREST.value)
    # Over a network the owners' addresses and orders are asked for with the owners (one
    # round trip): they are what is needed unless an owner was merged into another client.
    ahead = db.remote
    owners, address_rows, order_rows = db.batch(
        (_OWNERS, (e164,)),
        (_OWNERS_ADDRESSES, (e164,)) if ahead else None,
        (_OWNERS_ORDERS, (e164, *states, e164)) if ahead else None,
    )
    if not owners:
        return Fetched([], [], [], [], [], [], [])
    # Merged duplicates answer as the client they were merged into.
    merged_targets = {row[7] for row in owners if row[7] is not None}
    targets: list[Any] = []
    if merged_targets:
        targets = db.rows(_CLIENTS_BY_ID, sorted(merged_targets))
    client_rows, _ = _clients(owners, targets)
    ids = sorted(client_rows)
    if not ahead or ids != sorted({row[0] for row in owners}):
        address_rows, order_rows = db.batch((_ADDRESSES, (ids,)), (_ORDERS, (ids, *states, ids)))
    order_rows = db.convert_orders(order_rows)
    companies = [client_rows[i] for i in ids if client_rows[i][1] == ClientKind.COMPANY]
    same_company: _Statement = None
    if companies:
        names = sorted({c[3] for c in companies if c[3]})
        inns = sorted({c[4] for c in companies if c[4]})
        same_company = (
            _SAME_COMPANY,
            (ClientKind.COMPANY.value, names or [""], inns or [""], ids),
        )
    keys = sorted({a[8] for a in address_rows})
    by_address, line_rows, company_rows = db.batch(
        (_SAME_ADDRESS, (keys, ids)) if keys else None,
        (_LINES, ([r[0] for r in order_rows],)) if order_rows else None,
        same_company,
    )
    return Fetched(owners, targets, address_rows, order_rows, line_rows, by_address, company_rows)


def _clients(
    owners: list[Any], targets: list[Any]
) -> tuple[dict[int, Any], list[tuple[int, Any, int | None]]]:
    """The clients found (merged owners replaced by their targets), and who owns the number."""
    by_id = {r[0]: r for r in targets}
    client_rows: dict[int, Any] = {}
    owner_list: list[tuple[int, Any, int | None]] = []
    for row in owners:
        if row[7] is not None and row[7] in by_id:
            target = by_id[row[7]]
            client_rows.setdefault(target[0], target)
            owner_list.append((target[0], row, row[0]))
        else:
            client_rows.setdefault(
                row[0], (row[0], row[3], row[4], row[5], row[6], row[7], row[10])
            )
            owner_list.append((row[0], row, None))
    return client_rows, owner_list


def _found(query: str, parsed: ParsedPhone, e164: str, fetched: Fetched) -> LookupResult:
    if not fetched.owners:
        return LookupResult(
            query,
            LookupStatus.UNKNOWN,
            e164,
            _display(parsed, e164),
            "No client has this number yet.",
        )
    client_rows, owner_list = _clients(fetched.owners, fetched.targets)
    ids = sorted(client_rows)
    companies = [client_rows[i] for i in ids if client_rows[i][1] == ClientKind.COMPANY]
    addresses: dict[int, list[AddressSummary]] = {cid: [] for cid in ids}
    for a in fetched.addresses:
        addresses[a[1]].append(AddressSummary(a[0], a[2], a[3], a[4], a[5], a[6], a[7]))
    by_address, company_rows = fetched.same_address, fetched.same_company
    order_rows, line_rows = fetched.orders, fetched.lines

    groups = _duplicate_groups(client_rows, by_address, companies, company_rows)
    orders = _orders(order_rows, line_rows)

    matches = []
    seen: set[tuple[int, int | None]] = set()
    for client_id, row, merged_from in owner_list:
        contact_id = row[1]
        if (client_id, contact_id) in seen:
            continue
        seen.add((client_id, contact_id))
        mine = orders.get(client_id, [])
        matches.append(
            Match(
                client=_summary(client_rows[client_id]),
                contact=ContactSummary(contact_id, row[8], row[9]) if contact_id else None,
                phone_raw=row[2],
                addresses=tuple(addresses[client_id]),
                active_deliveries=tuple(o for o in mine if o.state is OrderState.DELIVERY),
                to_reschedule=tuple(
                    o for o in mine if o.state is OrderState.INTEREST and o.needs_reschedule
                ),
                last_order=mine[-1] if mine else None,
                merged_from=merged_from,
                notes=client_rows[client_id][6] or "",
            )
        )
    return LookupResult(
        query, LookupStatus.FOUND, e164, _display(parsed, e164), "", tuple(matches), tuple(groups)
    )


def _duplicate_groups(
    client_rows: dict[int, Any],
    by_address: list[Any],
    companies: list[Any],
    found: list[Any],
) -> list[DuplicateGroup]:
    ids = sorted(client_rows)
    groups: list[DuplicateGroup] = []
    if len(ids) > 1:
        groups.append(
            DuplicateGroup(DuplicateReason.SAME_PHONE, tuple(_summary(client_rows[i]) for i in ids))
        )
    if by_address:
        for cid in ids:
            mine = client_rows[cid]
            similar = _unique(r for r in by_address if names_similar(mine[3], r[3]))
            if similar:
                groups.append(
                    DuplicateGroup(
                        DuplicateReason.SIMILAR_NAME,
                        (_summary(mine), *(_summary(r) for r in similar)),
                    )
                )
    for mine in companies:
        same_inn = _unique(r for r in found if mine[4] and r[4] == mine[4])
        if same_inn:
            groups.append(
                DuplicateGroup(
                    DuplicateReason.SAME_INN,
                    (_summary(mine), *(_summary(r) for r in same_inn)),
                )
            )
        same_name = _unique(
            r for r in found if r[3] == mine[3] and not (mine[4] and r[4] == mine[4])
        )
        if same_name:
            groups.append(
                DuplicateGroup(
                    DuplicateReason.SIMILAR_NAME,
                    (_summary(mine), *(_summary(r) for r in same_name)),
                )
            )
    return groups


def _unique(rows: Iterable[Any]) -> list[Any]:
    seen: set[int] = set()
    out = []
    for r in rows:
        if r[0] not in seen:
            seen.add(r[0])
            out.append(r)
    return out


def _orders(rows: list[Any], line_rows: list[Any]) -> dict[int, list[OrderSummary]]:
    if not rows:
        return {}
    lines: dict[int, list[LineSummary]] = {}
    for ln in line_rows:
        lines.setdefault(ln[0], []).append(LineSummary(ln[1], ln[2], ln[3], ln[4]))
    out: dict[int, list[OrderSummary]] = {}
    for r in rows:
        out.setdefault(r[1], []).append(
            OrderSummary(
                id=r[0],
                state=OrderState(r[2]),
                created_at=r[3],
                delivery_date=r[4],
                window_start=r[5],
                window_end=r[6],
                courier_id=r[7],
                courier_name=r[8],
                address_id=r[9],
                needs_reschedule=bool(r[10]),
                fail_reason=r[11],
                version=r[12],
                lines=tuple(lines.get(r[0], ())),
                courier_phone=r[13] or "",
            )
        )
    return out

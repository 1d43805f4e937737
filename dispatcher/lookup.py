"""Caller lookup: who owns a phone number, their duplicates and their live orders, in one call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import Session

from dispatcher.models import (
    Address,
    Client,
    ClientKind,
    Contact,
    Courier,
    Order,
    OrderLine,
    OrderState,
    Phone,
    Product,
)
from dispatcher.phones import PhoneStatus, parse_phone
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


_OWNERS = (
    select(
        Phone.client_id,
        Phone.contact_id,
        Phone.raw,
        Client.kind,
        Client.name,
        Client.name_key,
        Client.inn,
        Client.merged_into_id,
        Contact.name,
        Contact.role,
    )
    .join(Client, Client.id == Phone.client_id)
    .outerjoin(Contact, Contact.id == Phone.contact_id)
    .where(Phone.e164 == bindparam("e164"))
    .order_by(Phone.id)
)
_CLIENTS_BY_ID = select(
    Client.id, Client.kind, Client.name, Client.name_key, Client.inn, Client.merged_into_id
).where(Client.id.in_(bindparam("ids", expanding=True)))
_ADDRESSES = (
    select(
        Address.id,
        Address.client_id,
        Address.contact_id,
        Address.text,
        Address.entrance,
        Address.floor,
        Address.flat,
        Address.courier_notes,
        Address.address_key,
    )
    .where(Address.client_id.in_(bindparam("ids", expanding=True)))
    .order_by(Address.id)
)
_SAME_ADDRESS = (
    select(Client.id, Client.kind, Client.name, Client.name_key, Client.inn)
    .join(Address, Address.client_id == Client.id)
    .where(
        Address.address_key.in_(bindparam("keys", expanding=True)),
        Client.id.not_in(bindparam("ids", expanding=True)),
        Client.merged_into_id.is_(None),
    )
    .limit(50)
)
_SAME_COMPANY = (
    select(Client.id, Client.kind, Client.name, Client.name_key, Client.inn)
    .where(
        or_(
            and_(
                Client.kind == ClientKind.COMPANY,
                Client.name_key.in_(bindparam("names", expanding=True)),
            ),
            Client.inn.in_(bindparam("inns", expanding=True)),
        ),
        Client.id.not_in(bindparam("ids", expanding=True)),
        Client.merged_into_id.is_(None),
    )
    .limit(50)
)
_LAST_ORDER_IDS = (
    select(func.max(Order.id))
    .where(Order.client_id.in_(bindparam("ids", expanding=True)))
    .group_by(Order.client_id)
)
_ORDERS = (
    select(
        Order.id,
        Order.client_id,
        Order.state,
        Order.created_at,
        Order.delivery_date,
        Order.window_start,
        Order.window_end,
        Order.courier_id,
        Courier.name,
        Order.address_id,
        Order.needs_reschedule,
        Order.fail_reason,
        Order.version,
    )
    .outerjoin(Courier, Courier.id == Order.courier_id)
    .where(
        Order.client_id.in_(bindparam("ids", expanding=True)),
        or_(
            Order.state == OrderState.DELIVERY,
            and_(Order.state == OrderState.INTEREST, Order.needs_reschedule.is_(True)),
            Order.id.in_(_LAST_ORDER_IDS.scalar_subquery()),
        ),
    )
    .order_by(Order.id)
)
_LINES = (
    select(OrderLine.order_id, Product.code, Product.name, OrderLine.qty, OrderLine.price_kop)
    .join(Product, Product.id == OrderLine.product_id)
    .where(OrderLine.order_id.in_(bindparam("ids", expanding=True)))
    .order_by(OrderLine.id)
)


def _summary(row: Any) -> ClientSummary:
    return ClientSummary(id=row[0], kind=ClientKind(row[1]), name=row[2], inn=row[4])


def lookup(session: Session, raw: str | None, region: str = "RU") -> LookupResult:
    """Every client and contact owning the number, their duplicates and live orders."""
    parsed = parse_phone(raw, region)
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
    conn = session.connection()
    owners = conn.execute(_OWNERS, {"e164": e164}).all()
    if not owners:
        return LookupResult(
            query, LookupStatus.UNKNOWN, e164, parsed.display(), "No client has this number yet."
        )

    # Merged duplicates answer as the client they were merged into.
    merged_targets = {row[7] for row in owners if row[7] is not None}
    targets: dict[int, Any] = {}
    if merged_targets:
        targets = {
            r[0]: r for r in conn.execute(_CLIENTS_BY_ID, {"ids": sorted(merged_targets)}).all()
        }

    client_rows: dict[int, Any] = {}
    owner_list: list[tuple[int, Any, int | None]] = []
    for row in owners:
        if row[7] is not None and row[7] in targets:
            target = targets[row[7]]
            client_rows.setdefault(target[0], target)
            owner_list.append((target[0], row, row[0]))
        else:
            client_rows.setdefault(row[0], (row[0], row[3], row[4], row[5], row[6], row[7]))
            owner_list.append((row[0], row, None))
    ids = sorted(client_rows)

    addresses: dict[int, list[AddressSummary]] = {cid: [] for cid in ids}
    address_keys: dict[int, set[str]] = {cid: set() for cid in ids}
    for a in conn.execute(_ADDRESSES, {"ids": ids}).all():
        addresses[a[1]].append(AddressSummary(a[0], a[2], a[3], a[4], a[5], a[6], a[7]))
        address_keys[a[1]].add(a[8])

    groups = _duplicate_groups(conn, client_rows, address_keys)
    orders = _orders(conn, ids)

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
            )
        )
    return LookupResult(
        query, LookupStatus.FOUND, e164, parsed.display(), "", tuple(matches), tuple(groups)
    )


def _duplicate_groups(
    conn: Any, client_rows: dict[int, Any], address_keys: dict[int, set[str]]
) -> list[DuplicateGroup]:
    ids = sorted(client_rows)
    groups: list[DuplicateGroup] = []
    if len(ids) > 1:
        groups.append(
            DuplicateGroup(DuplicateReason.SAME_PHONE, tuple(_summary(client_rows[i]) for i in ids))
        )
    keys = sorted(set().union(*address_keys.values()))
    if keys:
        by_address = conn.execute(_SAME_ADDRESS, {"keys": keys, "ids": ids}).all()
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
    companies = [client_rows[i] for i in ids if client_rows[i][1] == ClientKind.COMPANY]
    if companies:
        names = sorted({c[3] for c in companies if c[3]})
        inns = sorted({c[4] for c in companies if c[4]})
        found = conn.execute(
            _SAME_COMPANY, {"names": names or [""], "inns": inns or [""], "ids": ids}
        ).all()
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


def _orders(conn: Any, ids: list[int]) -> dict[int, list[OrderSummary]]:
    rows = conn.execute(_ORDERS, {"ids": ids}).all()
    if not rows:
        return {}
    lines: dict[int, list[LineSummary]] = {}
    for ln in conn.execute(_LINES, {"ids": [r[0] for r in rows]}).all():
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
            )
        )
    return out

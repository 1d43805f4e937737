"""What the order panel needs: the client card, price list, slot, courier and duplicate hints."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Self

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from dispatcher import catalog
from dispatcher.couriers import Schedule, check_slot
from dispatcher.errors import DomainText, NotFoundError
from dispatcher.lookup import (
    AddressSummary,
    ClientSummary,
    ContactSummary,
    LineSummary,
    OrderSummary,
)
from dispatcher.models import (
    Address,
    Client,
    Contact,
    Courier,
    Order,
    OrderLine,
    OrderState,
    PaymentTerms,
    Phone,
    Product,
    ProductKind,
)
from dispatcher.moscow import MOSCOW, moscow_today
from dispatcher.phones import parse_phone
from dispatcher.similarity import STREET_TYPES, address_key, name_key, names_similar

DELIVERY_WINDOWS: tuple[tuple[dt.time, dt.time], ...] = (
    (dt.time(9), dt.time(12)),
    (dt.time(12), dt.time(15)),
    (dt.time(15), dt.time(18)),
    (dt.time(18), dt.time(21)),
)
# A courier needs this long between the order and the start of its window.
SLOT_LEAD_TIME = dt.timedelta(hours=1)
# Two delivery points this close are "the same area" for a courier's route.
NEARBY_KM = 2.0


@dataclass(frozen=True, slots=True)
class PriceItem:
    """A product the client can order, at the client's price."""

    product_id: int
    code: str
    name: str
    kind: ProductKind
    price_kop: int
    # The company's contract price, shown as such on the order form.
    contract: bool = False


@dataclass(frozen=True, slots=True)
class ClientCard:
    """Everything the order panel shows about a client."""

    client: ClientSummary
    payment_terms: PaymentTerms
    contacts: tuple[ContactSummary, ...]
    addresses: tuple[AddressSummary, ...]
    phones: tuple[str, ...]
    products: tuple[PriceItem, ...]
    last_order: OrderSummary | None
    active_deliveries: tuple[OrderSummary, ...]
    to_reschedule: tuple[OrderSummary, ...]


@dataclass(frozen=True, slots=True)
class CourierSuggestion:
    """The courier proposed for a delivery, and why, in words the operator reads.

    ``reason`` is English (CLI, logs); ``reason_template`` with ``reason_params`` is the
    same text in the form the workspace translates (see dispatcher.errors.DomainText).
    """

    courier_id: int
    name: str
    reason: str
    reason_template: str = ""
    reason_params: Mapping[str, object] = field(default_factory=dict, hash=False)

    @classmethod
    def because(cls, courier_id: int, name: str, template: str, **params: object) -> Self:
        """A suggestion whose reason is ``template.format(**params)``."""
        text = DomainText(template, params)
        return cls(courier_id, name, str(text), template, params)


@dataclass(frozen=True, slots=True)
class DuplicateWarning:
    """An existing client the new one may duplicate (same_phone/similar_name_address/same_inn)."""

    client: ClientSummary
    reason: str
    detail: str


def _client_summary(client: Client) -> ClientSummary:
    return ClientSummary(id=client.id, kind=client.kind, name=client.name, inn=client.inn)


def _order_summary(order: Order) -> OrderSummary:
    return OrderSummary(
        id=order.id,
        state=order.state,
        created_at=order.created_at,
        delivery_date=order.delivery_date,
        window_start=order.window_start,
        window_end=order.window_end,
        courier_id=order.courier_id,
        courier_name=order.courier.name if order.courier else None,
        address_id=order.address_id,
        needs_reschedule=bool(order.needs_reschedule),
        fail_reason=order.fail_reason,
        version=order.version,
        lines=tuple(
            LineSummary(line.product.code, line.product.name, line.qty, line.price_kop)
            for line in order.lines
        ),
    )


def _orders_query() -> Select[tuple[Order]]:
    return select(Order).options(
        selectinload(Order.courier),
        selectinload(Order.lines).selectinload(OrderLine.product),
    )


def order_summary(session: Session, order_id: int) -> OrderSummary:
    """One order by its number, as the order panel opens it."""
    order = session.scalars(_orders_query().where(Order.id == order_id)).first()
    if order is None:
        raise NotFoundError.of("Order #{order_id} does not exist.", order_id=order_id)
    return _order_summary(order)


def price_items(
    session: Session, client: Client, day: dt.date | None = None
) -> tuple[PriceItem, ...]:
    """The active products with the client's prices on ``day`` (today): contract, else standard.

    The same rule as catalog.client_price, in one query; products without a price in force
    are left out, since they cannot be sold to this client.
    """
    day = day or moscow_today()
    own, standard = catalog.client_list_ids(session, client, day)
    found = catalog.prices_on(session, [i for i in (own, standard) if i], day)
    best: dict[int, tuple[int, bool]] = {}
    for (list_id, product_id), amount in found.items():
        if list_id == own:
            best[product_id] = (amount, True)
        else:
            best.setdefault(product_id, (amount, False))
    if not best:
        return ()
    products = session.scalars(
        select(Product).where(Product.id.in_(list(best)), Product.active.is_(True))
    )
    # Goods first (what is ordered on almost every call), then deposits and services.
    kind_order = {ProductKind.GOODS: 0, ProductKind.DEPOSIT: 1, ProductKind.SERVICE: 2}
    items = sorted(products, key=lambda p: (kind_order.get(p.kind, 3), p.name, p.code))
    return tuple(
        PriceItem(p.id, p.code, p.name, p.kind, best[p.id][0], contract=best[p.id][1])
        for p in items
    )


def client_card(session: Session, client_id: int, keep_address_id: int | None = None) -> ClientCard:
    """The client with contacts, delivery points, phones, price list and live orders.

    A merged duplicate opens as the client it was merged into, as the caller lookup does.
    Retired delivery points are left out, except ``keep_address_id`` (a saved order's own).
    """
    client = session.get(Client, client_id)
    seen: set[int] = set()
    while client is not None and client.merged_into_id is not None and client.id not in seen:
        seen.add(client.id)
        client = session.get(Client, client.merged_into_id)
    if client is None:
        raise NotFoundError.of("Client #{client_id} does not exist.", client_id=client_id)
    contacts = session.scalars(
        select(Contact).where(Contact.client_id == client.id).order_by(Contact.id)
    )
    addresses = session.scalars(
        select(Address)
        .where(
            Address.client_id == client.id,
            or_(Address.retired.is_(False), Address.id == (keep_address_id or 0)),
        )
        .order_by(Address.id)
    )
    phones = session.scalars(
        select(Phone.raw).where(Phone.client_id == client.id).order_by(Phone.id)
    )
    last_id = session.scalar(select(func.max(Order.id)).where(Order.client_id == client.id))
    wanted = (
        _orders_query()
        .where(
            Order.client_id == client.id,
            or_(
                Order.state == OrderState.DELIVERY,
                (Order.state == OrderState.INTEREST) & Order.needs_reschedule.is_(True),
                Order.id == (last_id or 0),
            ),
        )
        .order_by(Order.id)
    )
    orders = [_order_summary(o) for o in session.scalars(wanted)]
    return ClientCard(
        client=_client_summary(client),
        payment_terms=client.payment_terms,
        contacts=tuple(ContactSummary(c.id, c.name, c.role) for c in contacts),
        addresses=tuple(
            AddressSummary(a.id, a.contact_id, a.text, a.entrance, a.floor, a.flat, a.courier_notes)
            for a in addresses
        ),
        phones=tuple(phones),
        products=price_items(session, client),
        last_order=next((o for o in orders if o.id == last_id), None),
        active_deliveries=tuple(o for o in orders if o.state is OrderState.DELIVERY),
        to_reschedule=tuple(
            o for o in orders if o.state is OrderState.INTEREST and o.needs_reschedule
        ),
    )


def default_slot(now: dt.datetime | None = None) -> tuple[dt.date, dt.time, dt.time]:
    """The first delivery window starting at least an hour from now (Moscow), else tomorrow's first.

    A naive `now` is read as Moscow wall-clock time.
    """
    if now is None:
        now = dt.datetime.now(MOSCOW)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=MOSCOW)
    else:
        now = now.astimezone(MOSCOW)
    today = now.date()
    for start, end in DELIVERY_WINDOWS:
        if dt.datetime.combine(today, start, MOSCOW) >= now + SLOT_LEAD_TIME:
            return today, start, end
    first_start, first_end = DELIVERY_WINDOWS[0]
    return today + dt.timedelta(days=1), first_start, first_end


_CITY_WORDS = frozenset({"г", "город", "москва", "мо", "россия"})
_WORD = re.compile(r"[0-9a-zа-я-]+")


def street_of(text: str) -> tuple[str, str]:
    """(key, as written) of the street part of an address; ("", "") when none is seen.

    "г. Москва, ул. Ленина, д. 5" and "Ленина улица 5, кв 3" give the same key "ленина".
    """
    parts = [p.strip() for p in text.split(",") if p.strip()]
    chosen = ""
    for part in parts:
        words = _WORD.findall(part.casefold().replace("ё", "е"))
        if any(w.rstrip(".") in STREET_TYPES for w in words):
            chosen = part
            break
    if not chosen:
        for part in parts:
            words = _WORD.findall(part.casefold().replace("ё", "е"))
            if words and not set(words) <= _CITY_WORDS and not words[0][0].isdigit():
                if words[0] in {"д", "дом", "кв", "корп", "стр", "офис"}:
                    continue
                chosen = part
                break
    if not chosen:
        return "", ""
    words = _WORD.findall(chosen.casefold().replace("ё", "е"))
    # House numbers typed into the street part ("Ленина 5") are not the street.
    key_words = [
        w
        for w in words
        if w not in STREET_TYPES and w not in _CITY_WORDS and not w[0].isdigit() and w != "д"
    ]
    if not key_words:
        return "", ""
    return " ".join(sorted(key_words)), chosen


def _km(a: Address, b: Address) -> float | None:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    # Equirectangular distance: exact enough within a city.
    x = math.radians(b.lon - a.lon) * math.cos(math.radians((a.lat + b.lat) / 2))
    y = math.radians(b.lat - a.lat)
    return 6371.0 * math.hypot(x, y)


def suggest_courier(session: Session, address_id: int, day: dt.date) -> CourierSuggestion | None:
    """The courier to propose for a delivery to this address on this day, with the reason.

    Only couriers who are active and work that day. In order of preference: one already
    delivering on the same street that day; the one with most deliveries nearby that day;
    the courier of the client's last delivered order; the one with the fewest that day.
    """
    address = session.get(Address, address_id)
    if address is None:
        raise NotFoundError.of("Address #{address_id} does not exist.", address_id=address_id)
    # Never an inactive courier, nor one off that day (dispatcher.couriers.check_slot).
    couriers = {
        c.id: c
        for c in session.scalars(
            select(Courier).where(Courier.active.is_(True)).order_by(Courier.id)
        )
        if not check_slot(Schedule.of(c), day).refused
    }
    if not couriers:
        return None
    planned = session.execute(
        select(Order.courier_id, Address)
        .join(Address, Address.id == Order.address_id)
        .where(
            Order.state == OrderState.DELIVERY,
            Order.delivery_date == day,
            Order.courier_id.in_(list(couriers)),
        )
        .order_by(Order.id)
    ).all()
    load = Counter({cid: 0 for cid in couriers})
    load.update(cid for cid, _ in planned)

    def pick(counts: Counter[int]) -> int:
        # Most matches first; among equals the least loaded, then the lowest id (stable).
        return min(counts, key=lambda cid: (-counts[cid], load[cid], cid))

    street, street_text = street_of(address.text)
    if street:
        same_street = Counter(cid for cid, other in planned if street_of(other.text)[0] == street)
        if same_street:
            cid = pick(same_street)
            return CourierSuggestion.because(
                cid,
                couriers[cid].name,
                "already delivers on {street} on {day:%d.%m}",
                street=street_text,
                day=day,
            )
    nearby = Counter(
        cid for cid, other in planned if (km := _km(address, other)) is not None and km <= NEARBY_KM
    )
    if nearby:
        cid = pick(nearby)
        n = nearby[cid]
        return CourierSuggestion.because(
            cid,
            couriers[cid].name,
            "has {n} delivery nearby on {day:%d.%m}"
            if n == 1
            else "has {n} deliveries nearby on {day:%d.%m}",
            n=n,
            day=day,
        )
    last = session.execute(
        select(Order.courier_id, Order.delivery_date)
        .where(
            Order.client_id == address.client_id,
            Order.state == OrderState.CLOSED,
            Order.courier_id.is_not(None),
        )
        .order_by(Order.delivery_date.desc(), Order.id.desc())
        .limit(1)
    ).first()
    if last is not None and last[0] in couriers:
        if last[1] is None:
            return CourierSuggestion.because(
                last[0], couriers[last[0]].name, "delivered this client's last order"
            )
        return CourierSuggestion.because(
            last[0],
            couriers[last[0]].name,
            "delivered this client's last order on {day:%d.%m}",
            day=last[1],
        )
    cid = min(couriers, key=lambda c: (load[c], couriers[c].name, c))
    n = load[cid]
    return CourierSuggestion.because(
        cid,
        couriers[cid].name,
        "has the fewest deliveries on {day:%d.%m} ({n})",
        day=day,
        n=n,
    )


def new_client_warnings(
    session: Session,
    *,
    phones: Sequence[str],
    name: str,
    address: str = "",
    inn: str = "",
    region: str = "RU",
) -> list[DuplicateWarning]:
    """Existing clients the client being typed may duplicate: same phone, INN, or name+address."""
    warnings: list[DuplicateWarning] = []
    seen: set[tuple[int, str]] = set()

    def add(client: Client, reason: str, detail: str) -> None:
        if (client.id, reason) not in seen:
            seen.add((client.id, reason))
            warnings.append(DuplicateWarning(_client_summary(client), reason, detail))

    numbers: list[str] = []
    for raw in phones:
        parsed = parse_phone(raw if isinstance(raw, str) else None, region)
        if parsed.ok and parsed.e164 and parsed.e164 not in numbers:
            numbers.append(parsed.e164)
    if numbers:
        for client, raw in _live_owner(
            session,
            select(Client, Phone.raw)
            .join(Phone, Phone.client_id == Client.id)
            .where(Phone.e164.in_(numbers))
            .order_by(Phone.id),
        ):
            add(client, "same_phone", raw)

    inn = (inn or "").strip()
    if inn.isascii() and inn.isdigit() and len(inn) in (10, 12):
        for client in session.scalars(
            select(Client)
            .where(Client.inn == inn, Client.merged_into_id.is_(None))
            .order_by(Client.id)
            .limit(20)
        ):
            add(client, "same_inn", inn)

    key = name_key(name or "")
    tokens = address_key(address or "").split("|", 1)[0].split()
    if key and len(tokens) >= 2:
        # Same building (any flat), name alike: the flat is often typed differently, or typed
        # into the address itself ("..., д. 12, кв. 45"), so the last words may be the flat.
        buildings = {" ".join(tokens[:n]) for n in range(max(2, len(tokens) - 2), len(tokens) + 1)}
        rows = session.execute(
            select(Client, Address.text)
            .join(Address, Address.client_id == Client.id)
            .where(
                or_(*(_key_prefix(session, b + "|") for b in sorted(buildings))),
                Client.merged_into_id.is_(None),
            )
            .order_by(Client.id, Address.id)
            .limit(200)
        )
        for client, text in rows:
            if names_similar(key, client.name_key):
                add(client, "similar_name_address", f"{client.name}, {text}")
    return warnings


def _key_prefix(session: Session, prefix: str) -> ColumnElement[bool]:
    """address_key starts with prefix, in a form the database can answer from its index."""
    like = Address.address_key.startswith(prefix, autoescape=True)
    if session.get_bind().dialect.name == "sqlite":
        # SQLite's LIKE ignores case and so never uses the index; a range on the (binary
        # collated) key does. PostgreSQL's collation may not order bytes, so there LIKE stays.
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return (Address.address_key >= prefix) & (Address.address_key < upper) & like
    return like


def _live_owner(session: Session, stmt: Select[tuple[Client, str]]) -> list[tuple[Client, str]]:
    """Rows of (client, phone raw) with merged duplicates replaced by the client they joined."""
    out: list[tuple[Client, str]] = []
    for client, raw in session.execute(stmt):
        hops = 0
        while client.merged_into_id is not None and hops < 10:
            target = session.get(Client, client.merged_into_id)
            if target is None:
                break
            client, hops = target, hops + 1
        out.append((client, raw))
    return out

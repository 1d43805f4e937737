"""Small random delivery worlds for the report tests, written through the domain, and the
figures each report must show, computed in plain Python from what was generated.

The period is March 2025 (Moscow). Moments sit on the edges that go wrong: 23:30 Moscow on
the last day (20:30 UTC, still the 31st), midnight of the first day, the day before and
the day after. Lost clients are judged with three months: their last order must fall in
December 2024.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st
from sqlalchemy import delete, update
from sqlalchemy.orm import Session, sessionmaker

from dispatcher import interactions, orders
from dispatcher.catalog import add_product
from dispatcher.clients import AddressInput, NewClient, add_client
from dispatcher.couriers import add_courier
from dispatcher.db import unit_of_work
from dispatcher.merge import merge_clients
from dispatcher.models import (
    Address,
    Client,
    ClientEvent,
    ClientKind,
    Contact,
    CourierEvent,
    CourierTask,
    Direction,
    Interaction,
    InteractionKind,
    Order,
    OrderEvent,
    OrderLine,
    OutboxMessage,
    PaymentTerms,
    Phone,
    ProductKind,
    SearchTerm,
)
from dispatcher.moscow import MOSCOW
from dispatcher.reports import ReportParams

PERIOD = ReportParams(dt.date(2025, 3, 1), dt.date(2025, 3, 31), months=3)
LOST_FIRST, LOST_LAST = dt.date(2024, 12, 1), dt.date(2024, 12, 31)
START = dt.datetime(2025, 3, 1, tzinfo=MOSCOW)
END = dt.datetime(2025, 4, 1, tzinfo=MOSCOW)


def _msk(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=MOSCOW)  # type: ignore[misc]


MOMENTS = (
    _msk(2024, 11, 30, 23, 30),
    _msk(2024, 12, 1, 0, 0),
    _msk(2024, 12, 31, 23, 30),
    _msk(2025, 1, 1, 0, 10),
    _msk(2025, 2, 28, 23, 59, 59),
    _msk(2025, 3, 1, 0, 0),
    _msk(2025, 3, 1, 2, 30),  # 23:30 UTC of February 28th: March 1st in Moscow
    _msk(2025, 3, 15, 12, 0),
    _msk(2025, 3, 31, 23, 30),  # 20:30 UTC: still March 31st
    _msk(2025, 4, 1, 0, 0),
)

# code, name, kind, unit, price (standard, the one every client pays here)
PRODUCTS = (
    ("W19", "Вода 19 л", ProductKind.GOODS, "бут", 35000),
    ("PUMP", "Помпа", ProductKind.GOODS, "шт", 45050),
    ("SAN", "Санобработка", ProductKind.SERVICE, "усл", 80000),
    ("BTL", "Залог за бутыль", ProductKind.DEPOSIT, "шт", 30000),
)
PRICE = {code: price for code, _n, _k, _u, price in PRODUCTS}
GOODS = {code for code, _n, kind, _u, _p in PRODUCTS if kind is ProductKind.GOODS}
# Client 3 is a second record of client 0 (a duplicate) that may be merged into it.
CLIENT_KINDS = (ClientKind.PERSON, ClientKind.PERSON, ClientKind.COMPANY, ClientKind.PERSON)
OPERATORS = ("op-a", "op-b")
NUMBERS = ("+79160000001", "+79160000002", "+79160000003")
OUTCOMES = (
    "closed",
    "failed_closed",
    "failed",
    "cancelled",
    "cancelled_delivery",
    "rejected",
    "open",
    "delivery",
)


@dataclass(frozen=True)
class OrderSpec:
    """One generated order and what happens to it."""

    client: int
    lines: tuple[tuple[str, int], ...]
    outcome: str
    created: int  # index into MOMENTS
    closed: int
    courier: int
    operator: int
    collected: str  # none / exact / short
    returned: int


@dataclass(frozen=True)
class CallSpec:
    """One generated call."""

    operator: int
    inbound: bool
    answered: bool
    number: int
    at: int
    planned: bool = False  # a planned call back: never counted as a call


@dataclass(frozen=True)
class WorldSpec:
    """What a test world is made of."""

    orders: tuple[OrderSpec, ...]
    calls: tuple[CallSpec, ...]
    merge: bool


_lines = st.lists(
    st.tuples(st.sampled_from([p[0] for p in PRODUCTS]), st.integers(1, 5)),
    min_size=1,
    max_size=3,
    unique_by=lambda line: line[0],
).map(tuple)
_order = st.builds(
    OrderSpec,
    client=st.integers(0, len(CLIENT_KINDS) - 1),
    lines=_lines,
    outcome=st.sampled_from(OUTCOMES),
    created=st.integers(0, len(MOMENTS) - 1),
    closed=st.integers(0, len(MOMENTS) - 1),
    courier=st.integers(0, 1),
    operator=st.integers(0, 1),
    collected=st.sampled_from(["none", "exact", "short"]),
    returned=st.integers(0, 3),
)
_call = st.builds(
    CallSpec,
    operator=st.integers(0, 1),
    inbound=st.booleans(),
    answered=st.booleans(),
    number=st.integers(0, len(NUMBERS) - 1),
    at=st.integers(0, len(MOMENTS) - 1),
    planned=st.booleans(),
)
worlds = st.builds(
    WorldSpec,
    orders=st.lists(_order, min_size=1, max_size=10).map(tuple),
    calls=st.lists(_call, max_size=6).map(tuple),
    merge=st.booleans(),
)


@dataclass
class Catalogue:
    """The rows every example shares: products and couriers (by position)."""

    product_ids: dict[str, int]
    courier_ids: list[int]
    courier_names: list[str]


def make_catalogue(sessions: sessionmaker[Session]) -> Catalogue:
    """Products and two couriers, once per test."""
    with unit_of_work(sessions) as s:
        products = {
            code: add_product(s, code, name, price, kind=kind, unit=unit).id
            for code, name, kind, unit, price in PRODUCTS
        }
        a = add_courier(s, "Петров Пётр", "+7 903 111-22-33")
        b = add_courier(s, "Сидоров Семён", "+7 903 444-55-66")
        s.flush()
        return Catalogue(products, [a.id, b.id], [a.name, b.name])


def wipe(sessions: sessionmaker[Session]) -> None:
    """Remove the clients, orders and calls of the previous example."""
    with unit_of_work(sessions) as s:
        for model in (OutboxMessage, CourierEvent, CourierTask, OrderEvent, OrderLine):
            s.execute(delete(model))
        s.execute(delete(Interaction))
        s.execute(delete(Order))
        for model in (ClientEvent, SearchTerm, Phone, Address, Contact):
            s.execute(delete(model))
        s.execute(update(Client).values(merged_into_id=None))
        s.execute(delete(Client))


@dataclass
class Written:
    """Ids of what `write` created."""

    client_ids: list[int]
    phones: list[str]
    order_ids: list[int] = field(default_factory=list)


def write(sessions: sessionmaker[Session], cat: Catalogue, spec: WorldSpec) -> Written:
    """Write the world through the domain, then set the clock of each audit row."""
    with unit_of_work(sessions) as s:
        clients = []
        phones = []
        for i, kind in enumerate(CLIENT_KINDS):
            phone = f"+7 916 555-00-{10 + i}"
            client = add_client(
                s,
                NewClient(
                    kind,
                    f"Клиент {i}",
                    phones=[phone],
                    addresses=[AddressInput(f"г. Москва, ул. Тестовая, д. {i + 1}")],
                    payment_terms=PaymentTerms.INVOICE
                    if kind is ClientKind.COMPANY
                    else PaymentTerms.CASH,
                ),
            )
            clients.append(client.id)
            phones.append(f"+791655500{10 + i}")
        written = Written(clients, phones)
    for o in spec.orders:
        with unit_of_work(sessions) as s:
            written.order_ids.append(_write_order(s, cat, written, o))
    if spec.merge:
        with unit_of_work(sessions) as s:
            merge_clients(s, clients[0], [clients[3]], actor="lead")
    with unit_of_work(sessions) as s:
        for c in spec.calls:
            at = MOMENTS[c.at]
            if c.planned:
                s.add(_planned_call(written.client_ids[0], OPERATORS[c.operator], at))
                s.flush()
                continue
            row = interactions.call_started(
                s,
                number=NUMBERS[c.number],
                direction=Direction.IN if c.inbound else Direction.OUT,
                operator=OPERATORS[c.operator],
                started_at=at,
            )
            if c.answered:
                interactions.call_answered(s, row.id, at=at + dt.timedelta(seconds=5))
            interactions.call_ended(s, row.id, at=at + dt.timedelta(seconds=60))
    return written


def _planned_call(client_id: int, operator: str, at: dt.datetime) -> Interaction:
    return Interaction(
        kind=InteractionKind.CALL,
        direction=Direction.OUT,
        number="",
        started_at=at,
        client_id=client_id,
        operator=operator,
        planned=True,
        subject="позвонить про кулер",
        due_at=at,
        responsible=operator,
        reviewed=False,
    )


def _write_order(s: Session, cat: Catalogue, written: Written, o: OrderSpec) -> int:
    op = OPERATORS[o.operator]
    lines = [orders.LineInput(code, qty) for code, qty in o.lines]
    order = orders.create_order(s, written.client_ids[o.client], lines, actor=op)
    oid = order.id
    closed_at = MOMENTS[o.closed]
    slot = orders.Slot(cat.courier_ids[o.courier], closed_at.date())
    courier = f"courier:{cat.courier_ids[o.courier]}"
    sends = {"closed", "failed_closed", "failed", "cancelled_delivery", "delivery"}
    if o.outcome in sends:
        orders.send_to_delivery(s, oid, slot, actor=op, today=slot.date)
    if o.outcome in ("failed_closed", "failed"):
        orders.fail(s, oid, reason="нет дома", actor=courier)
    if o.outcome == "failed_closed":
        orders.send_to_delivery(s, oid, slot, actor=op, today=slot.date)
    if o.outcome in ("closed", "failed_closed"):
        due = total(o) if _payment(o) is PaymentTerms.CASH else 0
        collected = {"none": None, "exact": due, "short": max(0, due - 1000)}[o.collected]
        orders.close(s, oid, actor=courier, collected_kop=collected, bottles_returned=o.returned)
    if o.outcome in ("cancelled", "cancelled_delivery"):
        orders.cancel(s, oid, reason="клиент передумал", actor=op)
    if o.outcome == "rejected":
        orders.reject(s, oid, reason_id=1, actor=op)
    s.flush()
    created = MOMENTS[o.created]
    s.execute(update(Order).where(Order.id == oid).values(created_at=created))
    s.execute(
        update(OrderEvent)
        .where(OrderEvent.order_id == oid, OrderEvent.action == "create")
        .values(at=created)
    )
    s.execute(
        update(OrderEvent)
        .where(OrderEvent.order_id == oid, OrderEvent.action == "close")
        .values(at=closed_at)
    )
    return oid


# -- the oracle ------------------------------------------------------------------------------


def total(o: OrderSpec) -> int:
    """The order's amount in kopecks."""
    return sum(qty * PRICE[code] for code, qty in o.lines)


def _payment(o: OrderSpec) -> PaymentTerms:
    return (
        PaymentTerms.INVOICE if CLIENT_KINDS[o.client] is ClientKind.COMPANY else PaymentTerms.CASH
    )


def owner(spec: WorldSpec, client: int) -> int:
    """The client an order counts for: the duplicate counts as client 0 once merged."""
    return 0 if spec.merge and client == 3 else client


def delivered(o: OrderSpec) -> bool:
    """Whether the order ended delivered."""
    return o.outcome in ("closed", "failed_closed")


def in_period(moment: dt.datetime) -> bool:
    """Whether a moment is within March 2025, Moscow time."""
    return START <= moment < END


def expected_delivered(spec: WorldSpec, cat: Catalogue) -> tuple[dict[str, dict[str, int]], dict]:
    """Per courier name and in total: orders, clients, qty and sum per client kind."""
    rows: dict[str, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    clients: dict[str, set[int]] = defaultdict(set)
    all_clients: set[int] = set()
    totals: dict[str, int] = defaultdict(int)
    for o in spec.orders:
        goods = [(c, q) for c, q in o.lines if c in GOODS]
        if not delivered(o) or not in_period(MOMENTS[o.closed]) or not goods:
            continue
        name = cat.courier_names[o.courier]
        kind = CLIENT_KINDS[o.client].value
        for target in (rows[name], totals):
            target["orders"] += 1
            for code, qty in goods:
                target[f"{kind}_qty"] += qty
                target[f"{kind}_sum_kop"] += qty * PRICE[code]
                target["qty"] += qty
                target["sum_kop"] += qty * PRICE[code]
        clients[name].add(owner(spec, o.client))
        all_clients.add(owner(spec, o.client))
    for name, ids in clients.items():
        rows[name]["clients"] = len(ids)
    totals["clients"] = len(all_clients)
    return {k: dict(v) for k, v in rows.items()}, dict(totals)

"""Fill an empty database with a realistic delivery business, fast enough for a million clients.

`seed_demo` generates rows as plain tuples from random streams derived from the seed and
writes them with the driver directly, in one transaction: `executemany` on SQLite,
`COPY FROM STDIN` on PostgreSQL. The ORM would spend most of the time on bookkeeping. The
secondary indexes are dropped during the load and rebuilt from their own definitions
afterwards, which is much faster than maintaining them row by row. For large seeds a forked
process generates the order history while this one generates the clients (see
`_ForkedHistory`); the data are the same either way.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import random
import select
import shutil
import signal
import sqlite3
import sys
import tempfile
import threading
import time
import traceback
from array import array
from bisect import bisect_right
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, inspect, text

from dispatcher import demo_data as D
from dispatcher.errors import ValidationError
from dispatcher.orders import moscow_today
from dispatcher.outbox import TOPIC_TASK_UPSERT
from dispatcher.search_index import client_terms
from dispatcher.similarity import address_key, name_key

logger = logging.getLogger(__name__)

ACTOR = "seed"

Row = tuple[Any, ...]


@dataclass(frozen=True)
class SeedReport:
    """What `seed_demo` wrote, how long it took, and a few numbers worth looking up."""

    clients: int
    companies: int
    contacts: int
    phones: int
    addresses: int
    orders: int
    order_lines: int
    couriers: int
    products: int
    duplicates: int
    seconds: float
    # As written in Phone.raw: ordinary persons first, then a company, a company contact,
    # a duplicate pair (original, second record) and a phone shared by two clients.
    sample_numbers: list[str] = field(default_factory=list)


# Columns in the order the generator builds its tuples.
COLUMNS: dict[str, tuple[str, ...]] = {
    "price_lists": ("id", "name", "kind", "is_default"),
    "products": ("id", "code", "name", "kind", "unit", "active"),
    "prices": ("id", "price_list_id", "product_id", "amount_kop"),
    "couriers": ("id", "name", "phone", "active", "capacity"),
    "clients": (
        "id",
        "kind",
        "name",
        "name_key",
        "inn",
        "price_list_id",
        "payment_terms",
        "notes",
        "merged_into_id",
        "created_at",
    ),
    "contacts": ("id", "client_id", "name", "role"),
    "addresses": (
        "id",
        "client_id",
        "contact_id",
        "text",
        "entrance",
        "floor",
        "flat",
        "courier_notes",
        "lat",
        "lon",
        "address_key",
    ),
    "phones": ("id", "client_id", "contact_id", "e164", "raw", "kind", "extension"),
    "orders": (
        "id",
        "client_id",
        "contact_id",
        "address_id",
        "courier_id",
        "delivery_date",
        "window_start",
        "window_end",
        "state",
        "reject_reason_id",
        "fail_reason",
        "needs_reschedule",
        "payment_method",
        "source_interaction_id",
        "comment",
        "collected_kop",
        "bottles_returned",
        "courier_accepted_at",
        "created_at",
        "updated_at",
        "version",
    ),
    "search_terms": ("kind", "term", "label", "client_id"),
    "order_lines": ("id", "order_id", "product_id", "qty", "price_kop"),
    "order_events": ("id", "order_id", "at", "actor", "action", "from_state", "to_state", "why"),
    "courier_tasks": (
        "id",
        "uid",
        "order_id",
        "courier_id",
        "delivery_date",
        "window_start",
        "window_end",
        "address_snapshot",
        "items",
        "amount_kop",
        "payment_method",
        "status",
        "failure_reason",
        "version",
        "created_at",
        "updated_at",
    ),
    "outbox": (
        "id",
        "uid",
        "topic",
        "key",
        "payload",
        "created_at",
        "available_at",
        "sent_at",
        "attempts",
        "last_error",
    ),
}

# Tables that must be empty before seeding (the migration itself fills price_lists and
# reject_reasons, which the seeder uses as they are).
_MUST_BE_EMPTY = ("clients", "products", "couriers", "orders")

# Shares that shape the data; see the module docstring of demo_data for the pools.
COMPANY_SHARE = 0.15
DUPLICATE_SHARE = 0.01
SHARED_PHONE_SHARE = 0.002
ORDERS_PER_CLIENT = 2.0
REJECTED_SHARE = 0.08
CLIENT_YEARS = 3  # clients join over these years before the order history starts
CHUNK = 20_000

# Business minutes of a day, 08:00-22:59 Moscow = 05:00-19:59 UTC; timestamps are written
# as UTC, and a "timeline minute" t is day * _DAY + minute-of-business-day.
_DAY = 900
_UTC_OPEN_HOUR = 5

# Multipliers of a coprime affine map: unique, scattered numbers/INNs from a counter.
_MOBILE_STEP = 3_862_741
_LANDLINE_STEP = 6_180_339
_INN_STEP = 2_718_281
_BRAND_STEP = 7_919

_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check_digit(digits: str, weights: tuple[int, ...]) -> str:
    return str(sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10)


def inn10(body: str) -> str:
    """A company INN: nine digits followed by their checksum digit."""
    return body + _check_digit(body, _INN10_WEIGHTS)


def inn12(body: str) -> str:
    """An entrepreneur's INN: ten digits followed by their two checksum digits."""
    first = body + _check_digit(body, _INN12_WEIGHTS_1)
    return first + _check_digit(first, _INN12_WEIGHTS_2)


def _f0(n: str) -> str:
    return f"+7 {n[:3]} {n[3:6]}-{n[6:8]}-{n[8:]}"


def _f1(n: str) -> str:
    return "8" + n


def _f2(n: str) -> str:
    return f"8 ({n[:3]}) {n[3:6]}-{n[6:8]}-{n[8:]}"


def _f3(n: str) -> str:
    return n


def _f4(n: str) -> str:
    return f"7 ({n[:3]}) {n[3:6]} {n[6:8]} {n[8:]}"


def _f5(n: str) -> str:
    return "+7" + n


def _f6(n: str) -> str:
    return f"8-{n[:3]}-{n[3:6]}-{n[6:8]}-{n[8:]}"


# How operators and PBXs write a Russian number, given its ten national digits.
_FORMS: tuple[Callable[[str], str], ...] = (_f0, _f1, _f2, _f3, _f4, _f5, _f6)


def written_forms(e164: str) -> list[str]:
    """Every way the seeder writes a +7 number: "+7 916 123-45-67", "89161234567", ..."""
    national = e164[-10:]
    return [form(national) for form in _FORMS]


def seed_demo(
    engine: Engine,
    clients: int,
    seed: int = 1,
    today: dt.date | None = None,
    history_days: int = 365,
) -> SeedReport:
    """Fill a migrated, empty database with clients, phones, couriers and a year of orders."""
    if clients <= 0:
        raise ValidationError("The number of clients to seed must be positive.")
    if history_days <= 0:
        raise ValidationError("The order history must cover at least one day.")
    started = time.perf_counter()
    today = today or moscow_today()
    with engine.connect() as conn:
        if not inspect(conn).has_table("clients"):
            raise ValidationError("The database has no tables yet: run `dispatch db upgrade`.")
        for table in _MUST_BE_EMPTY:
            if conn.execute(text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None:
                raise ValidationError(
                    f"The database already has {table}: seed-demo only fills an empty database."
                )
        reasons = [
            (int(r[0]), str(r[1]))
            for r in conn.execute(
                text("SELECT id, name FROM reject_reasons WHERE active ORDER BY id")
            )
        ]
        standard = conn.execute(
            text("SELECT id FROM price_lists WHERE is_default ORDER BY id LIMIT 1")
        ).scalar()
        max_list = conn.execute(text("SELECT coalesce(max(id), 0) FROM price_lists")).scalar()
    backend = engine.dialect.name
    gen = _Generator(
        clients=clients,
        seed=seed,
        today=today,
        history_days=history_days,
        # SQLAlchemy stores SQLite timestamps as naive UTC text; PostgreSQL needs the zone.
        ts_suffix="+00" if backend == "postgresql" else "",
        reasons=reasons,
        standard_list_id=int(standard) if standard is not None else None,
        next_price_list_id=int(max_list or 0) + 1,
    )
    if backend == "sqlite":
        _load_sqlite(engine, gen)
    elif backend == "postgresql":
        _load_postgresql(engine, gen)
    else:
        raise ValidationError(f"seed-demo does not support the {backend} database.")
    c = gen.counts
    report = SeedReport(
        clients=c["clients"],
        companies=gen.companies,
        contacts=c["contacts"],
        phones=c["phones"],
        addresses=c["addresses"],
        orders=c["orders"],
        order_lines=c["order_lines"],
        couriers=c["couriers"],
        products=c["products"],
        duplicates=gen.duplicates,
        seconds=round(time.perf_counter() - started, 3),
        sample_numbers=gen.sample_numbers(),
    )
    logger.info("demo data seeded", extra={"clients": report.clients, "seconds": report.seconds})
    return report


class _Sink:
    """Where the generator's rows go; counts them per table and times the writing."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.seconds = 0.0

    def write(self, table: str, rows: list[Row]) -> None:
        """Store the rows of one table (one chunk of them); the list is the sink's now."""
        raise NotImplementedError

    def close(self) -> None:
        """Wait until everything written has reached the database."""


# Client kinds as the shape pass stores them in a bytearray.
_PERSON, _LLC, _JSC, _SOLE = 0, 1, 2, 3


class _Person:
    """The parts of a person's name and home, kept to enter the same person again."""

    __slots__ = ("address", "female", "first", "national", "patronymic", "surname")

    def __init__(
        self,
        surname: int,
        female: bool,
        first: int,
        patronymic: int,
        address: tuple[Any, ...],
        national: str,
    ) -> None:
        self.surname = surname
        self.female = female
        self.first = first
        self.patronymic = patronymic
        self.address = address
        self.national = national


@dataclass(frozen=True, slots=True)
class _Live:
    """An order handed to a courier for today or tomorrow, as its task needs it."""

    oid: int
    address_id: int
    contact_id: int | None
    created: int
    delivered: int
    courier: int
    window: int
    items: list[dict[str, Any]]
    amount: int
    payment: str


class _Generator:
    """Builds every row of the demo world from the seed.

    Four independent random streams: the *shape* of each client (kind, how many delivery
    points, payment terms, contract) is decided first and cheaply, so the order history can
    be generated from shapes alone, without the names and phones the *clients* stream makes;
    *history* makes the past orders, *live* today's and tomorrow's deliveries.
    """

    def __init__(
        self,
        *,
        clients: int,
        seed: int,
        today: dt.date,
        history_days: int,
        ts_suffix: str,
        reasons: list[tuple[int, str]],
        standard_list_id: int | None,
        next_price_list_id: int,
    ) -> None:
        self.n = clients
        self.seed = seed
        self.today = today
        self.history_days = history_days
        self.reasons = reasons or [(0, "")]
        # Contract lists are numbered after the existing ones (and a standard list if missing).
        self.create_standard_list = standard_list_id is None
        self.standard_list_id = standard_list_id or next_price_list_id
        self.next_price_list_id = next_price_list_id + self.create_standard_list
        self.counts: Counter[str] = Counter()
        self.duplicates = 0
        self.samples: dict[str, str] = {}
        self.persons_sampled: list[str] = []

        # Day 0 is the first day clients join; the order history starts CLIENT_YEARS later.
        self.history_start = CLIENT_YEARS * 365
        self.today_day = self.history_start + history_days
        first = today - dt.timedelta(days=self.today_day)
        days = [first + dt.timedelta(days=i) for i in range(self.today_day + 3)]
        self.iso = [d.isoformat() for d in days]
        self.ru = [d.strftime("%d.%m.%Y") for d in days]
        self.weekday = [d.weekday() for d in days]
        self.clock = [
            f"{_UTC_OPEN_HOUR + m // 60:02d}:{m % 60:02d}:{(m * 37) % 60:02d}.000000{ts_suffix}"
            for m in range(_DAY)
        ]
        # Every timestamp orders can have, from the day before the history to the day after
        # tomorrow: a list index is much cheaper than formatting millions of times.
        self.stamp_base = (self.history_start - 1) * _DAY
        self.stamps = [
            self.iso[d] + " " + clock
            for d in range(self.history_start - 1, len(days))
            for clock in self.clock
        ]
        self.windows = [
            (f"{a:02d}:00:00.000000", f"{b:02d}:00:00.000000", f"{a:02d}:00-{b:02d}:00")
            for a, b in D.WINDOWS
        ]
        self.window_hhmm = [(f"{a:02d}:00", f"{b:02d}:00") for a, b in D.WINDOWS]

        rate = ORDERS_PER_CLIENT * clients / history_days
        self.today_n = max(3, round(rate * 0.45))
        self.tomorrow_n = max(3, round(rate * 0.55))
        self.resched_n = max(1, round(rate * 0.02))
        self.history_n = max(
            0, round(ORDERS_PER_CLIENT * clients) - self.today_n - self.tomorrow_n - self.resched_n
        )
        self.n_couriers = min(60, max(5, clients // 2000))
        self.courier_names: list[str] = [""]

        # Clients of today's and tomorrow's deliveries: their details go into task payloads.
        self.client_info: dict[int, tuple[str, list[tuple[str, int | None]]]] = {}
        self.address_info: dict[int, dict[str, Any]] = {}
        self.contact_names: dict[int, str] = {}

        self.phone_id = 0
        self.address_id = 0
        self.contact_id = 0
        self.mobile_k = 0
        self.landline_k = 0
        self.inn10_k = 0
        self.inn12_k = 0
        self.brand_k = 0
        self.address_keys: dict[str, str] = {}
        self.last: _Person | None = None
        self.shape()
        self.couriers()

    def stream(self, name: str) -> random.Random:
        """One of the independent random streams of this seed."""
        return random.Random(f"{self.seed}:{name}")

    # -- shape -----------------------------------------------------------------------------

    def shape(self) -> None:
        """Decide kind, delivery points, payment terms and contract of every client."""
        n = self.n
        rng = self.stream("shape")
        rnd = rng.random
        n1 = n + 1
        self.kind = kind = bytearray(n1)
        self.invoice = invoice = bytearray(n1)
        self.addr_first = addr_first = array("i", [0]) * n1
        self.addr_count = addr_count = bytearray(n1)
        self.contact_first = contact_first = array("i", [0]) * n1
        self.price_table = price_table = array("i", [0]) * n1
        self.person_ids = person_ids = array("i")
        self.company_ids = company_ids = array("i")
        # Row 0 is the standard list; contract lists follow as (list id, prices, products).
        standard = tuple(p[4] for p in D.PRODUCTS)
        self.prices: list[tuple[int, ...]] = [standard]
        self.contracts: dict[int, tuple[int, tuple[int, ...]]] = {}

        self.special: dict[int, str] = {}
        if n >= 10:
            n_dup = max(1, round(n * DUPLICATE_SHARE))
            n_shared = max(1, round(n * SHARED_PHONE_SHARE))
            positions = rng.sample(range(5, n + 1), min(n - 5, n_dup + n_shared))
            for i, cid in enumerate(positions):
                self.special[cid] = "dup" if i < n_dup else "shared"
        special = self.special

        next_address = 1
        next_contact = 1
        list_id = self.next_price_list_id
        for cid in range(1, n1):
            if cid not in special and rnd() < COMPANY_SHARE:
                r = rnd()
                if r < 0.2:
                    kind[cid] = _SOLE
                    invoice[cid] = rnd() < 0.5
                else:
                    kind[cid] = _LLC if r < 0.85 else _JSC
                    invoice[cid] = 1
                    if rnd() < 0.3:
                        discount = D.CONTRACT_DISCOUNTS[int(rnd() * len(D.CONTRACT_DISCOUNTS))]
                        products = (0, 1) if rnd() < 0.7 else (0, 1, 3)
                        prices = list(standard)
                        for p in products:
                            # Whole roubles, as contracts are written.
                            prices[p] = standard[p] * (100 - discount) // 10_000 * 100
                        self.contracts[cid] = (list_id, products)
                        list_id += 1
                        self.prices.append(tuple(prices))
                        price_table[cid] = len(self.prices) - 1
                r = rnd()
                count = 1 if r < 0.5 else 2 if r < 0.75 else 3 if r < 0.9 else 4
                contact_first[cid] = next_contact
                next_contact += count
                company_ids.append(cid)
            else:
                count = 2 if rnd() < 0.08 else 1
                person_ids.append(cid)
            addr_first[cid] = next_address
            addr_count[cid] = count
            next_address += count
        self.companies = len(company_ids)

        live_n = self.today_n + self.tomorrow_n + self.resched_n
        self.live_clients = [1 + int(rnd() * n) for _ in range(live_n)]
        self.detail_ids = set(self.live_clients)

    # -- helpers ---------------------------------------------------------------------------

    def ts(self, t: int) -> str:
        """The timestamp text of a timeline minute of the order history."""
        return self.stamps[t - self.stamp_base]

    def mobile(self) -> str:
        """Ten national digits of a fresh mobile number, never handed out before."""
        k = self.mobile_k
        self.mobile_k = k + 1
        j, r = divmod(k, len(D.MOBILE_CODES))
        return f"{D.MOBILE_CODES[r]}{(_MOBILE_STEP * j + self.offsets[r]) % 10_000_000:07d}"

    def landline(self) -> str:
        """Ten national digits of a fresh Moscow landline number."""
        k = self.landline_k
        self.landline_k = k + 1
        local = (_LANDLINE_STEP * (k >> 1) + self.landline_offsets[k & 1]) % 10_000_000
        return f"{D.LANDLINE_CODES[k & 1]}{local:07d}"

    def address_key(self, text_: str, flat: str) -> str:
        """`similarity.address_key`, with the street part cached (flats are plain digits)."""
        key = self.address_keys.get(text_)
        if key is None:
            key = self.address_keys[text_] = address_key(text_)
        return key + flat

    def person_name(self, p: _Person, variant: int = 0) -> str:
        """Full name; variants are how a second operator might type the same person."""
        surname = D.MALE_SURNAMES[p.surname]
        if p.female:
            surname = D.female_surname(surname)
            first = D.FEMALE_FIRST_NAMES[p.first]
            patronymic = D.PATRONYMICS[p.patronymic][1]
        else:
            first = D.MALE_FIRST_NAMES[p.first]
            patronymic = D.PATRONYMICS[p.patronymic][0]
        if variant == 1:
            return f"{surname} {first} {patronymic}".replace("ё", "е")
        if variant == 2:
            return f"{first} {patronymic} {surname}"
        if variant == 3:
            return f"{surname} {first}"
        return f"{surname} {first} {patronymic}"

    def new_person(self, with_home: bool = True) -> _Person:
        """A random person, with a random flat in a Moscow house when asked."""
        rnd = self.rnd
        female = rnd() < 0.5
        names = D.FEMALE_FIRST_NAMES if female else D.MALE_FIRST_NAMES
        return _Person(
            int(rnd() * len(D.MALE_SURNAMES)),
            female,
            int(rnd() * len(names)),
            int(rnd() * len(D.PATRONYMICS)),
            self.home_address() if with_home else (),
            "",
        )

    def home_address(self) -> tuple[Any, ...]:
        """(text, entrance, floor, flat, notes, lat, lon) of a flat in a Moscow house."""
        rnd = self.rnd
        street = int(rnd() * len(D.STREETS))
        house = 1 + int(rnd() * 150)
        part = D.BUILDING_PARTS[int(rnd() * len(D.BUILDING_PARTS))]
        floors = 5 + int(rnd() * 20)
        flat = str(1 + int(rnd() * (floors * 16)))
        note = D.COURIER_NOTES[int(rnd() * len(D.COURIER_NOTES))]
        if "{n}" in note:
            note = note.format(n=flat)
        lat, lon = self.coords(street, house)
        return (
            f"г. Москва, {D.STREETS[street]}, д. {house}{part}",
            str(1 + int(rnd() * 8)),
            str(1 + int(rnd() * floors)),
            flat,
            note,
            lat,
            lon,
        )

    def office_address(self) -> tuple[Any, ...]:
        """A company's delivery point: an office, a warehouse or a workshop."""
        rnd = self.rnd
        street = int(rnd() * len(D.STREETS))
        house = 1 + int(rnd() * 150)
        part = D.OFFICE_PARTS[int(rnd() * len(D.OFFICE_PARTS))].format(n=1 + int(rnd() * 600))
        floor = str(1 + int(rnd() * 12)) if rnd() < 0.6 else ""
        note = D.COURIER_NOTES[int(rnd() * len(D.COURIER_NOTES))]
        lat, lon = self.coords(street, house)
        text_ = f"г. Москва, {D.STREETS[street]}, д. {house}{part}"
        return (text_, "", floor, "", "" if "{n}" in note else note, lat, lon)

    @staticmethod
    def coords(street: int, house: int) -> tuple[float, float]:
        """Stable coordinates inside Moscow for one house (same house, same point)."""
        h = (street * 7_919 + house * 104_729) % 1_000_003
        lat = 55.57 + (h % 3_001) / 10_000
        lon = 37.37 + (h // 3_001) % 4_001 / 10_000
        return round(lat, 4), round(lon, 4)

    def brand(self) -> str:
        """A company name, distinct from every earlier one."""
        k = self.brand_k
        self.brand_k += 1
        total = len(D.BRAND_ROOTS) * len(D.BRAND_ENDINGS) * len(D.BRAND_WORDS)
        idx = (_BRAND_STEP * k + 101) % total
        root = D.BRAND_ROOTS[idx % len(D.BRAND_ROOTS)]
        rest = idx // len(D.BRAND_ROOTS)
        ending = D.BRAND_ENDINGS[rest % len(D.BRAND_ENDINGS)]
        word = D.BRAND_WORDS[rest // len(D.BRAND_ENDINGS)]
        name = root + ending + (" " + word if word else "")
        cycle = k // total
        return f"{name}-{cycle + 1}" if cycle else name

    # -- reference data --------------------------------------------------------------------

    def couriers(self) -> None:
        """Couriers' names and phones (the history needs the names for its audit rows)."""
        rng = self.stream("reference")
        # Where each range's sequence of numbers starts; the step then scatters them.
        self.offsets = [rng.randrange(10_000_000) for _ in D.MOBILE_CODES]
        self.landline_offsets = [rng.randrange(10_000_000) for _ in D.LANDLINE_CODES]
        self.courier_rows: list[Row] = []
        for cid in range(1, self.n_couriers + 1):
            name = f"{rng.choice(D.MALE_SURNAMES)} {rng.choice(D.MALE_FIRST_NAMES)}"
            self.courier_names.append(name)
            phone = "+7" + self.mobile()
            self.courier_rows.append((cid, name, phone, 1, 30 + 5 * rng.randrange(7)))

    def reference(self, sink: _Sink) -> None:
        """Products with standard prices, and couriers."""
        if self.create_standard_list:
            sink.write("price_lists", [(self.standard_list_id, "Стандартный прайс", "standard", 1)])
        sink.write(
            "products",
            [(i + 1, p[0], p[1], p[2], p[3], 1) for i, p in enumerate(D.PRODUCTS)],
        )
        sink.write(
            "prices",
            [(i + 1, self.standard_list_id, i + 1, p[4]) for i, p in enumerate(D.PRODUCTS)],
        )
        self.price_id = len(D.PRODUCTS)
        sink.write("couriers", self.courier_rows)

    # -- clients ---------------------------------------------------------------------------

    def clients(self, sink: _Sink) -> None:
        """Persons and companies with their phones, contacts and delivery points."""
        n = self.n
        rng = self.stream("clients")
        self.rnd = rnd = rng.random
        span = self.history_start + self.history_days
        iso = self.iso
        clock = self.clock
        rows: dict[str, list[Row]] = {
            t: []
            for t in (
                "price_lists",
                "prices",
                "clients",
                "contacts",
                "addresses",
                "phones",
                "search_terms",
            )
        }
        kind = self.kind
        special = self.special
        for cid in range(1, n + 1):
            created = iso[(cid - 1) * span // n] + " " + clock[int(rnd() * _DAY)]
            if kind[cid] == _PERSON:
                self.person(cid, created, special.get(cid), rows)
            else:
                self.company(cid, created, rows)
            if cid % CHUNK == 0:
                self.flush(sink, rows)
        self.flush(sink, rows)
        # The shape pass promised these ids to the order history.
        assert self.address_id == self.addr_first[n] + self.addr_count[n] - 1

    def flush(self, sink: _Sink, rows: dict[str, list[Row]]) -> None:
        """Hand what was generated so far to the sink, parents first."""
        if rows.get("clients"):
            rows["search_terms"] = self.search_terms(rows)
        for table, batch in rows.items():
            if batch:
                sink.write(table, batch)
                # The sink may still be writing the old list on another thread.
                rows[table] = []

    @staticmethod
    def search_terms(rows: dict[str, list[Row]]) -> list[Row]:
        """The search index rows of the clients of this chunk (their contacts and delivery
        points are in the same chunk: a chunk ends after a whole client)."""
        names: dict[int, list[str]] = {}
        addresses: dict[int, list[str]] = {}
        for _, cid, name, _ in rows["contacts"]:
            names.setdefault(cid, []).append(name)
        for row in rows["addresses"]:
            addresses.setdefault(row[1], []).append(row[3])
        terms: list[Row] = []
        for row in rows["clients"]:
            cid = row[0]
            terms += client_terms(cid, row[2], names.get(cid, ()), addresses.get(cid, ()))
        return terms

    def add_phone(
        self,
        rows: dict[str, list[Row]],
        cid: int,
        contact_id: int | None,
        national: str,
    ) -> str:
        """One phone row, written in a random form; returns the number as written."""
        self.phone_id += 1
        written = _FORMS[int(self.rnd() * len(_FORMS))](national)
        e164 = "+7" + national
        kind = "landline" if national[0] == "4" else "mobile"
        rows["phones"].append((self.phone_id, cid, contact_id, e164, written, kind, None))
        if cid in self.detail_ids:
            self.client_info[cid][1].append((e164, contact_id))
        return written

    def add_address(
        self, rows: dict[str, list[Row]], cid: int, contact_id: int | None, a: tuple[Any, ...]
    ) -> int:
        """One address row from (text, entrance, floor, flat, notes, lat, lon)."""
        self.address_id += 1
        aid = self.address_id
        text_, entrance, floor, flat, note, lat, lon = a
        key = self.address_key(text_, flat)
        rows["addresses"].append(
            (aid, cid, contact_id, text_, entrance, floor, flat, note, lat, lon, key)
        )
        if cid in self.detail_ids:
            self.address_info[aid] = dict(
                zip(("text", "entrance", "floor", "flat", "notes", "lat", "lon"), a, strict=True)
            )
        return aid

    def person(
        self, cid: int, created: str, special: str | None, rows: dict[str, list[Row]]
    ) -> None:
        """A private client; a duplicate or a family member of the previous one when asked."""
        rnd = self.rnd
        last = self.last
        if special == "dup" and last is not None:
            p = last
            # ё/е when the name has one, else another word order or no patronymic.
            variant = 1 if "ё" in self.person_name(p) else 2 + int(rnd() * 2)
            name = self.person_name(p, variant)
            self.duplicates += 1
        elif special == "shared" and last is not None:
            # A family member: same surname and flat, shares the home phone.
            female = not last.female
            names = D.FEMALE_FIRST_NAMES if female else D.MALE_FIRST_NAMES
            p = _Person(
                last.surname,
                female,
                int(rnd() * len(names)),
                int(rnd() * len(D.PATRONYMICS)),
                last.address,
                last.national,
            )
            name = self.person_name(p)
        else:
            special = None
            p = self.new_person()
            name = self.person_name(p)
        if cid in self.detail_ids:
            self.client_info[cid] = (name, [])
        rows["clients"].append(
            (cid, "person", name, name_key(name), None, None, "cash", "", None, created)
        )
        self.add_address(rows, cid, None, p.address)
        if self.addr_count[cid] > 1:
            self.add_address(rows, cid, None, self.home_address())

        r = rnd()
        count = 1 if r < 0.25 else 2 if r < 0.55 else 3 if r < 0.85 else 4
        if special is None:
            national = p.national = self.landline() if rnd() < 0.12 else self.mobile()
        elif special == "dup" and rnd() < 0.5:
            national = self.mobile()  # the second record got a new number
        else:
            national = p.national
        first_written = self.add_phone(rows, cid, None, national)
        for _ in range(count - 1):
            self.add_phone(rows, cid, None, self.landline() if rnd() < 0.12 else self.mobile())
        if special is None:
            self.last = p
            if len(self.persons_sampled) < 3:
                self.persons_sampled.append(first_written)
            self.samples["_last_person"] = first_written
        elif special == "dup":
            self.samples.setdefault("dup_original", self.samples["_last_person"])
            self.samples.setdefault("dup_second", first_written)
        else:
            self.samples.setdefault("shared", first_written)

    def company(self, cid: int, created: str, rows: dict[str, list[Row]]) -> None:
        """A company (ООО/АО) or an entrepreneur (ИП) with its delivery points."""
        rnd = self.rnd
        kind = self.kind[cid]
        if kind == _SOLE:
            name = "ИП " + self.person_name(self.new_person(with_home=False))
            k = self.inn12_k
            self.inn12_k += 1
            inn = inn12(f"77{(_INN_STEP * k + 13_579) % 100_000_000:08d}")
        else:
            name = f'{"ООО" if kind == _LLC else "АО"} "{self.brand()}"'
            k = self.inn10_k
            self.inn10_k += 1
            inn = inn10(f"77{(_INN_STEP * k + 24_680) % 10_000_000:07d}")
        price_list_id = None
        contract = self.contracts.get(cid)
        if contract is not None:
            price_list_id, products = contract
            rows["price_lists"].append((price_list_id, f"Договор: {name}"[:200], "contract", 0))
            prices = self.prices[self.price_table[cid]]
            for p in products:
                self.price_id += 1
                rows["prices"].append((self.price_id, price_list_id, p + 1, prices[p]))
        if cid in self.detail_ids:
            self.client_info[cid] = (name, [])
        terms = "invoice" if self.invoice[cid] else "cash"
        rows["clients"].append(
            (cid, "company", name, name_key(name), inn, price_list_id, terms, "", None, created)
        )
        main = self.add_phone(rows, cid, None, self.landline())
        self.samples.setdefault("company", main)
        contacts = rows["contacts"]
        for _ in range(self.addr_count[cid]):
            self.contact_id += 1
            contact_id = self.contact_id
            p = self.new_person(with_home=False)
            surname = D.MALE_SURNAMES[p.surname]
            if p.female:
                contact_name = f"{D.female_surname(surname)} {D.FEMALE_FIRST_NAMES[p.first]}"
            else:
                contact_name = f"{surname} {D.MALE_FIRST_NAMES[p.first]}"
            role = D.CONTACT_ROLES[int(rnd() * len(D.CONTACT_ROLES))]
            contacts.append((contact_id, cid, contact_name, role))
            if cid in self.detail_ids:
                self.contact_names[contact_id] = contact_name
            self.add_address(rows, cid, contact_id, self.office_address())
            written = self.add_phone(rows, cid, contact_id, self.mobile())
            self.samples.setdefault("contact", written)
            if rnd() < 0.25:
                self.add_phone(rows, cid, contact_id, self.mobile())

    # -- order history ---------------------------------------------------------------------

    def history(self, sink: _Sink) -> None:
        """A year of closed and rejected orders, oldest first, from client shapes alone."""
        rnd = self.stream("history").random
        kind, invoice = self.kind, self.invoice
        addr_first, addr_count, contact_first = self.addr_first, self.addr_count, self.contact_first
        price_rows, price_table = self.prices, self.price_table
        person_ids, company_ids = self.person_ids, self.company_ids
        stamps, base = self.stamps, self.stamp_base
        windows, n_windows = self.windows, len(self.windows)
        window_hours = D.WINDOWS
        reasons, n_reasons = self.reasons, len(self.reasons)
        comments, n_comments = D.COMMENTS, len(D.COMMENTS)
        n_couriers = self.n_couriers
        orders: list[Row] = []
        lines: list[Row] = []
        events: list[Row] = []
        oid = lid = eid = 0

        # Fewer orders at the weekend; the per-day counts add up to history_n exactly.
        history = range(self.history_start, self.today_day)
        weights = {d: 0.8 if self.weekday[d] >= 5 else 1.06 for d in history}
        total_w = sum(weights.values())
        span = self.history_start + self.history_days
        done = 0.0
        issued = 0
        for d in history:
            done += self.history_n * weights[d] / total_w
            count = round(done) - issued
            issued += count
            # Only clients who had joined by that day can order.
            joined = min(self.n, ((d + 1) * self.n - 1) // span + 1)
            persons = bisect_right(person_ids, joined)
            companies = bisect_right(company_ids, joined)
            day = self.iso[d]
            slots = [
                f"{courier}, {self.ru[d]} {w[2]}"
                for courier in self.courier_names[1:]
                for w in windows
            ]
            day_t = d * _DAY - base
            for _ in range(count):
                if companies and (rnd() < 0.25 or not persons):
                    cid = company_ids[int(rnd() * companies)]
                else:
                    cid = person_ids[int(rnd() * persons)]
                oid += 1
                company = kind[cid]
                points = addr_count[cid]
                if company:
                    j = int(rnd() * points)
                    address_id = addr_first[cid] + j
                    contact_id: int | None = contact_first[cid] + j
                else:
                    # A second home (a dacha, parents) is used now and then.
                    address_id = addr_first[cid] + (points > 1 and rnd() < 0.15)
                    contact_id = None

                prices = price_rows[price_table[cid]]
                if company:
                    water = 2 + int(rnd() * 9)
                else:
                    water = (1, 2, 2, 2, 3, 3, 4, 5, 6)[int(rnd() * 9)]
                lid += 1
                lines.append((lid, oid, 1, water, prices[0]))
                total = water * prices[0]
                if rnd() < 0.15:
                    # Now and then something besides 19 l water.
                    r = rnd()
                    product, qty = (
                        (2, 1 + int(rnd() * 4))
                        if r < 0.45
                        else (5, water)
                        if r < 0.75
                        else (3, 1)
                        if r < 0.88
                        else (4, 1)
                        if r < 0.96 or not company
                        else (6, 1)
                    )
                    lid += 1
                    lines.append((lid, oid, product, qty, prices[product - 1]))
                    total += qty * prices[product - 1]
                payment = "invoice" if invoice[cid] else "cash"
                comment = comments[int(rnd() * n_comments)]

                if rnd() < REJECTED_SHARE:
                    t0 = day_t + int(rnd() * (_DAY - 60))
                    t1 = t0 + 1 + int(rnd() * 50)
                    reason_id, reason = reasons[int(rnd() * n_reasons)]
                    created, updated = stamps[t0], stamps[t1]
                    orders.append(
                        (oid, cid, contact_id, address_id, None, None, None, None, "rejected",
                         reason_id or None, "", 0, payment, None, comment, None, None, None,
                         created, updated, 2)
                    )  # fmt: skip
                    events.append((eid + 1, oid, created, ACTOR, "create", None, "interest", ""))
                    events.append(
                        (eid + 2, oid, updated, ACTOR, "reject", "interest", "rejected", reason)
                    )
                    eid += 2
                    continue

                w = int(rnd() * n_windows)
                start_h, end_h = window_hours[w]
                opens = (start_h - 3 - _UTC_OPEN_HOUR) * 60  # Moscow is UTC+3
                # Captured the day before, or in the morning before the window opens.
                t0 = day_t - _DAY + int(rnd() * _DAY) if rnd() < 0.8 else day_t + int(rnd() * opens)
                t1 = t0 + 1 + int(rnd() * 5)
                accepted = max(t1 + 1, day_t + int(rnd() * 30))
                t2 = max(accepted + 1, day_t + opens + int(rnd() * (end_h - start_h) * 60))
                courier = int(rnd() * n_couriers)
                created, delivered, closed = stamps[t0], stamps[t1], stamps[t2]
                ws, we, _ = windows[w]
                orders.append(
                    (oid, cid, contact_id, address_id, courier + 1, day, ws, we, "closed", None,
                     "", 0, payment, None, comment, 0 if payment == "invoice" else total,
                     water if rnd() < 0.9 else water - 1, stamps[accepted], created,
                     closed, 3)
                )  # fmt: skip
                events.append((eid + 1, oid, created, ACTOR, "create", None, "interest", ""))
                events.append(
                    (eid + 2, oid, delivered, ACTOR, "deliver", "interest", "delivery",
                     slots[courier * n_windows + w])
                )  # fmt: skip
                events.append((eid + 3, oid, closed, ACTOR, "close", "delivery", "closed", ""))
                eid += 3
            if len(orders) >= CHUNK or d == self.today_day - 1:
                sink.write("orders", orders)
                sink.write("order_lines", lines)
                sink.write("order_events", events)
                orders, lines, events = [], [], []
        self.order_id, self.line_id, self.event_id = oid, lid, eid

    # -- today and tomorrow ----------------------------------------------------------------

    def live(self, sink: _Sink) -> None:
        """Deliveries out today and tomorrow (each with its task and outbox message), and
        this morning's failed deliveries waiting to be rescheduled."""
        rng = self.stream("live")
        self.rng = rng
        self.rnd = rng.random
        self.task_id = 0
        self.outbox_id = 0
        rows: dict[str, list[Row]] = {
            t: [] for t in ("orders", "order_lines", "order_events", "courier_tasks", "outbox")
        }
        picks = iter(self.live_clients)
        for _ in range(self.resched_n):
            self.rescheduled_order(next(picks), rows)
        for _ in range(self.today_n):
            self.delivery_order(next(picks), self.today_day, rows)
        for _ in range(self.tomorrow_n):
            self.delivery_order(next(picks), self.today_day + 1, rows)
        self.flush(sink, rows)

    def event(
        self,
        rows: dict[str, list[Row]],
        oid: int,
        t: int,
        action: str,
        before: str | None,
        after: str,
        why: str = "",
    ) -> None:
        """One audit row."""
        self.event_id += 1
        rows["order_events"].append(
            (self.event_id, oid, self.ts(t), ACTOR, action, before, after, why)
        )

    def live_order(self, cid: int, day: int, rows: dict[str, list[Row]]) -> _Live:
        """Common part of an order sent to a courier for `day`: lines and the first events."""
        rnd = self.rnd
        self.order_id += 1
        oid = self.order_id
        count = self.addr_count[cid]
        j = int(rnd() * count)
        address_id = self.addr_first[cid] + j
        contact_id = self.contact_first[cid] + j if self.kind[cid] else None
        prices = self.prices[self.price_table[cid]]
        items = [(1, 2 + int(rnd() * 9) if self.kind[cid] else 1 + int(rnd() * 4))]
        if rnd() < 0.15:
            items.append((2 + int(rnd() * 5), 1))
        lines = []
        for product, qty in items:
            self.line_id += 1
            lines.append((self.line_id, oid, product, qty, prices[product - 1]))
        rows["order_lines"].extend(lines)
        # Captured yesterday or early this morning, before the courier's day starts.
        if rnd() < 0.8:
            t0 = (self.today_day - 1) * _DAY + int(rnd() * _DAY)
        else:
            t0 = self.today_day * _DAY + int(rnd() * 60)
        t1 = t0 + 1 + int(rnd() * 5)
        courier = 1 + int(rnd() * self.n_couriers)
        w = int(rnd() * len(self.windows))
        self.event(rows, oid, t0, "create", None, "interest")
        slot = f"{self.courier_names[courier]}, {self.ru[day]} {self.windows[w][2]}"
        self.event(rows, oid, t1, "deliver", "interest", "delivery", slot)
        payment = "invoice" if self.invoice[cid] else "cash"
        total = sum(line[3] * line[4] for line in lines)
        return _Live(
            oid=oid,
            address_id=address_id,
            contact_id=contact_id,
            created=t0,
            delivered=t1,
            courier=courier,
            window=w,
            items=[
                {
                    "code": D.PRODUCTS[p - 1][0],
                    "name": D.PRODUCTS[p - 1][1],
                    "qty": q,
                    "price_kop": c,
                }
                for _, _, p, q, c in lines
            ],
            amount=total if payment == "cash" else 0,
            payment=payment,
        )

    def delivery_order(self, cid: int, day: int, rows: dict[str, list[Row]]) -> None:
        """An order out for delivery today or tomorrow, with its live task and outbox message."""
        rnd = self.rnd
        o = self.live_order(cid, day, rows)
        r = rnd()
        if day == self.today_day:
            status = "accepted" if r < 0.6 else "sent" if r < 0.9 else "new"
        else:
            status = "sent" if r < 0.5 else "new"
        accepted_at = self.ts(max(o.delivered + 2, self.today_day * _DAY + int(rnd() * 30)))
        comment = D.COMMENTS[int(rnd() * len(D.COMMENTS))]
        ws, we, _ = self.windows[o.window]
        rows["orders"].append(
            (o.oid, cid, o.contact_id, o.address_id, o.courier, self.iso[day], ws, we,
             "delivery", None, "", 0, o.payment, None, comment, None, None,
             accepted_at if status == "accepted" else None, self.ts(o.created),
             self.ts(o.delivered), 2)
        )  # fmt: skip
        snapshot = self.address_info[o.address_id]
        created = self.ts(o.delivered)
        uid = self.task(rows, o, day, snapshot, status, "", 1, created, created)
        name, phones = self.client_info[cid]
        start, end = self.window_hhmm[o.window]
        # The dict dispatcher.outbox.task_payload builds for the same task.
        payload = {
            "task_id": uid,
            "version": 1,
            "order_id": o.oid,
            "courier_id": o.courier,
            "date": self.iso[day],
            "window_start": start,
            "window_end": end,
            "address": snapshot,
            "client_name": name,
            "contact_name": self.contact_names[o.contact_id] if o.contact_id else None,
            "contact_phones": [e for e, c in phones if o.contact_id in (None, c)],
            "items": o.items,
            "amount_kop": o.amount,
            "payment_method": o.payment,
            "comment": comment,
        }
        self.outbox_id += 1
        sent = status != "new"
        rows["outbox"].append(
            (self.outbox_id, f"{self.rng.getrandbits(128):032x}", TOPIC_TASK_UPSERT, uid,
             json.dumps(payload), created, created, self.ts(o.delivered + 1) if sent else None,
             1 if sent else 0, "")
        )  # fmt: skip

    def rescheduled_order(self, cid: int, rows: dict[str, list[Row]]) -> None:
        """A delivery that failed this morning: back to interest, flagged for reschedule."""
        rnd = self.rnd
        day = self.today_day
        o = self.live_order(cid, day, rows)
        reason = D.FAIL_REASONS[int(rnd() * len(D.FAIL_REASONS))]
        failed = max(o.delivered + 2, day * _DAY + 60 + int(rnd() * 60))
        ws, we, _ = self.windows[o.window]
        rows["orders"].append(
            (o.oid, cid, o.contact_id, o.address_id, o.courier, self.iso[day], ws, we,
             "interest", None, reason, 1, o.payment, None, "", None, None,
             self.ts(o.delivered + 1), self.ts(o.created), self.ts(failed), 3)
        )  # fmt: skip
        self.event(rows, o.oid, failed, "fail", "delivery", "interest", reason)
        self.task(
            rows, o, day, self.address_info[o.address_id], "failed", reason, 2,
            self.ts(o.delivered), self.ts(failed),
        )  # fmt: skip

    def task(
        self,
        rows: dict[str, list[Row]],
        o: _Live,
        day: int,
        snapshot: dict[str, Any],
        status: str,
        reason: str,
        version: int,
        created: str,
        updated: str,
    ) -> str:
        """A courier task row for the order; returns its uid."""
        self.task_id += 1
        uid = f"{self.rng.getrandbits(128):032x}"
        ws, we, _ = self.windows[o.window]
        rows["courier_tasks"].append(
            (self.task_id, uid, o.oid, o.courier, self.iso[day], ws, we,
             json.dumps(snapshot), json.dumps(o.items), o.amount, o.payment, status, reason,
             version, created, updated)
        )  # fmt: skip
        return uid

    def sample_numbers(self) -> list[str]:
        """Known numbers as written, for `dispatch lookup` and benchmarks."""
        out = list(self.persons_sampled)
        for key in ("company", "contact", "dup_original", "dup_second", "shared"):
            if key in self.samples:
                out.append(self.samples[key])
        return out


# -- loaders ----------------------------------------------------------------------------------

HISTORY_TABLES = ("orders", "order_lines", "order_events")
# Below this size the history is generated in-process: forking is not worth it, and the
# desktop app seeds its small demo database on platforms without a safe fork().
PARALLEL_MIN_CLIENTS = 50_000


def _fork_is_safe() -> bool:
    # Windows has no fork(); macOS has one, but system frameworks the app loads are not
    # fork-safe. Locks held by other threads would stay locked in the child, so only a
    # single-threaded process forks.
    return hasattr(os, "fork") and sys.platform != "darwin" and threading.active_count() == 1


def _fill(gen: _Generator, sink: _Sink, history: _ForkedHistory | None = None) -> None:
    """Generate everything into the sink, parents before children."""
    started = time.perf_counter()
    if history is not None:
        history.start(gen)
    gen.reference(sink)
    gen.clients(sink)
    clients_done = time.perf_counter()
    if history is not None:
        history.finish(gen, sink)
    else:
        gen.history(sink)
    gen.live(sink)
    sink.close()
    gen.counts = sink.counts
    logger.debug(
        "seed rows written: clients %.1f s, orders %.1f s (%s), waiting for the database %.1f s",
        clients_done - started,
        time.perf_counter() - clients_done,
        "forked" if history is not None else "in-process",
        sink.seconds,
    )


class _ForkedHistory:
    """The order history generated by a forked process while this one makes the clients.

    History and clients come from independent random streams, so the data are the same as
    when everything runs in one process; only the wall time is shorter on two cores. The
    child reports over a pipe, one line per message: ``chunk <table> <path>`` for rows it
    has put somewhere, then ``done <json>`` or ``error <json>``.
    """

    def __init__(self) -> None:
        self.pid = 0
        self.fd = -1
        self.pending = b""
        self.out: Any = None
        self.result: dict[str, Any] | None = None

    def start(self, gen: _Generator) -> None:
        """Fork the child."""
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            os.close(read)
            status = 0
            self.out = os.fdopen(write, "w", buffering=1)
            try:
                line = "done\t" + json.dumps(self.generate(gen))
            except BaseException:
                line = "error\t" + json.dumps(traceback.format_exc())
                status = 1
            try:
                self.out.write(line + "\n")
                self.out.flush()
            finally:
                # No cleanup handlers: they would close the parent's database connections.
                os._exit(status)
        os.close(write)
        os.set_blocking(read, False)
        self.pid, self.fd = pid, read

    def generate(self, gen: _Generator) -> dict[str, Any]:
        """In the child: make the history; returns the ids and counts it used."""
        raise NotImplementedError

    def tell(self, *fields: str) -> None:
        """In the child: send one message to the parent."""
        self.out.write("\t".join(fields) + "\n")

    def chunk(self, sink: _Sink, table: str, path: str) -> None:
        """In the parent: the child has rows of a table ready at path."""

    def load(self, sink: _Sink) -> None:
        """In the parent, once the child is done: bring the rest of its rows in."""

    def pump(self, sink: _Sink, wait: bool = False) -> None:
        """Handle the child's messages; with wait, block until there is at least one."""
        while self.result is None:
            if wait:
                select.select([self.fd], [], [])
            try:
                data = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                return
            if not data:
                raise RuntimeError("The process generating the order history died.")
            *lines, self.pending = (self.pending + data).split(b"\n")
            for line in lines:
                kind, *fields = line.decode().split("\t")
                if kind == "chunk":
                    self.chunk(sink, fields[0], fields[1])
                elif kind == "done":
                    self.result = dict(json.loads(fields[0]))
                else:
                    raise RuntimeError(
                        "Generating the order history failed: " + json.loads(fields[0])
                    )
            if not wait:
                return

    def finish(self, gen: _Generator, sink: _Sink) -> None:
        """Wait for the child and bring its rows into the sink's transaction."""
        started = time.perf_counter()
        while self.result is None:
            self.pump(sink, wait=True)
        os.waitpid(self.pid, 0)
        self.pid = 0
        logger.debug("waited %.1f s for the history", time.perf_counter() - started)
        gen.order_id, gen.line_id, gen.event_id = self.result["ids"]
        self.load(sink)
        sink.counts.update(self.result["counts"])

    def stop(self) -> None:
        """Kill the child if it is still running, and close the pipe."""
        if self.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = 0
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def _result(gen: _Generator, sink: _Sink) -> dict[str, Any]:
    return {"ids": [gen.order_id, gen.line_id, gen.event_id], "counts": dict(sink.counts)}


# -- SQLite


_SCRATCH_TERMS = "seed_search_terms"


def _insert_sql(table: str) -> str:
    cols = ", ".join(f'"{c}"' for c in COLUMNS[table])
    return f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['?'] * len(COLUMNS[table]))})"


class _SqliteSink(_Sink):
    def __init__(self, cursor: Any) -> None:
        super().__init__()
        self.cursor = cursor
        self.sql = {table: _insert_sql(table) for table in COLUMNS}
        # Collected unordered in a scratch table, then copied in key order (`_load_sqlite`).
        self.sql["search_terms"] = f"INSERT INTO temp.{_SCRATCH_TERMS} VALUES (?, ?, ?, ?)"

    def write(self, table: str, rows: list[Row]) -> None:
        started = time.perf_counter()
        self.cursor.executemany(self.sql[table], rows)
        self.counts[table] += len(rows)
        self.seconds += time.perf_counter() - started


class _SqliteHistory(_ForkedHistory):
    """The child fills a side file with the same table and index definitions; the parent
    attaches it and copies with INSERT ... SELECT, which SQLite does b-tree by b-tree when
    the definitions match (no row decoding, no index rebuild)."""

    def __init__(self, path: Path, tables: list[str], indexes: list[str]) -> None:
        super().__init__()
        self.path = path
        self.indexes = indexes
        db = sqlite3.connect(path)
        try:
            for sql in tables:
                db.execute(sql)
            db.commit()
        finally:
            db.close()

    def generate(self, gen: _Generator) -> dict[str, Any]:
        db = sqlite3.connect(self.path, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=OFF")  # a scratch file: nothing to roll back
            db.execute("PRAGMA synchronous=OFF")
            db.execute("PRAGMA cache_size=-131072")
            db.execute("BEGIN")
            sink = _SqliteSink(db.cursor())
            gen.history(sink)
            for sql in self.indexes:
                db.execute(sql)
            db.execute("COMMIT")
        finally:
            db.close()
        return _result(gen, sink)

    def load(self, sink: _Sink) -> None:
        assert isinstance(sink, _SqliteSink)
        started = time.perf_counter()
        for table in HISTORY_TABLES:
            # Exactly this form (no column lists) lets SQLite copy b-trees as they are.
            sink.cursor.execute(f"INSERT INTO main.{table} SELECT * FROM seed_history.{table}")
        sink.seconds += time.perf_counter() - started


def _load_sqlite(engine: Engine, gen: _Generator) -> None:
    raw = engine.raw_connection()
    scratch = Path(tempfile.mkdtemp(prefix="dispatch-seed-"))
    history: _SqliteHistory | None = None
    try:
        db: Any = raw.driver_connection
        db.commit()
        isolation = db.isolation_level
        db.isolation_level = None  # we issue BEGIN/COMMIT ourselves
        cur = db.cursor()
        cache = cur.execute("PRAGMA cache_size").fetchone()[0]
        journal = cur.execute("PRAGMA journal_mode").fetchone()[0]
        # Relaxed only while this one transaction runs (it commits or rolls back as a whole):
        # FK checks would cost a lookup per row, fsyncs a disk flush per page spill. A
        # rollback journal writes each new page once, WAL twice (log, then checkpoint).
        cur.execute("PRAGMA foreign_keys=OFF")
        cur.execute("PRAGMA synchronous=OFF")
        cur.execute("PRAGMA cache_size=-262144")
        cur.execute("PRAGMA journal_mode=DELETE")
        attached = False
        try:
            names = ", ".join(f"'{t}'" for t in COLUMNS)
            indexes = cur.execute(
                "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' "
                f"AND sql IS NOT NULL AND tbl_name IN ({names}) ORDER BY name"
            ).fetchall()
            if gen.n >= PARALLEL_MIN_CLIENTS and _fork_is_safe():
                names = ", ".join(f"'{t}'" for t in HISTORY_TABLES)
                tables = cur.execute(
                    f"SELECT sql FROM sqlite_master WHERE type = 'table' AND name IN ({names})"
                ).fetchall()
                history = _SqliteHistory(
                    scratch / "history.sqlite3",
                    [r[0] for r in tables],
                    [sql for _, table, sql in indexes if table in HISTORY_TABLES],
                )
                # The b-tree copy needs the same indexes on both sides: keep them here.
                indexes = [i for i in indexes if i[1] not in HISTORY_TABLES]
                # ATTACH is not allowed inside a transaction.
                cur.execute("ATTACH DATABASE ? AS seed_history", (str(history.path),))
                attached = True
            # Deferred, so that the attached side file stays unlocked for the child.
            cur.execute("BEGIN")
            try:
                for name, _, _ in indexes:
                    cur.execute(f'DROP INDEX main."{name}"')
                cur.execute(
                    f"CREATE TEMP TABLE {_SCRATCH_TERMS}"
                    " (kind TEXT, term TEXT, label TEXT, client_id INTEGER)"
                )
                _fill(gen, _SqliteSink(cur), history)
                started = time.perf_counter()
                # The search index is its primary key (WITHOUT ROWID): rows arriving in key
                # order are appended; in generation order each would land at a random page.
                cur.execute(
                    f"INSERT INTO main.search_terms SELECT * FROM temp.{_SCRATCH_TERMS}"
                    " ORDER BY kind, term, label, client_id"
                )
                cur.execute(f"DROP TABLE temp.{_SCRATCH_TERMS}")
                logger.debug("search words sorted in %.1f s", time.perf_counter() - started)
                started = time.perf_counter()
                for _, _, sql in indexes:
                    cur.execute(sql)
                logger.debug("indexes rebuilt in %.1f s", time.perf_counter() - started)
                started = time.perf_counter()
                cur.execute("COMMIT")
                logger.debug("committed in %.1f s", time.perf_counter() - started)
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            finally:
                if history is not None:
                    history.stop()
                if attached:
                    cur.execute("DETACH DATABASE seed_history")
            started = time.perf_counter()
            cur.execute("ANALYZE main")
            logger.debug("analyzed in %.1f s", time.perf_counter() - started)
        finally:
            cur.execute(f"PRAGMA journal_mode={journal}")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA cache_size={int(cache)}")
            cur.close()
            db.isolation_level = isolation
    finally:
        raw.close()
        shutil.rmtree(scratch, ignore_errors=True)


# -- PostgreSQL


def _copy_sql(table: str) -> str:
    cols = ", ".join(f'"{c}"' for c in COLUMNS[table])
    return f"COPY {table} ({cols}) FROM STDIN"


class _PostgresSink(_Sink):
    """One COPY per chunk, sent by a writer thread: while the server parses one chunk,
    Python builds the next one (the driver waits for the server without the GIL)."""

    def __init__(self, cursor: Any) -> None:
        super().__init__()
        self.cursor = cursor
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="seed-copy")
        self.pending: deque[Future[None]] = deque()
        self.history: _PostgresHistory | None = None

    def write(self, table: str, rows: list[Row]) -> None:
        if not rows:
            return
        if self.history is not None:
            self.history.pump(self)
        self.counts[table] += len(rows)
        self.submit(self._copy_rows, table, rows)

    def submit(self, job: Callable[..., None], *args: Any) -> None:
        """Run a COPY on the writer thread, in order; a few in flight at most."""
        self.pending.append(self.writer.submit(job, *args))
        while len(self.pending) > 6:
            self._wait()

    def _copy_rows(self, table: str, rows: list[Row]) -> None:
        with self.cursor.copy(_copy_sql(table)) as copy:
            write_row = copy.write_row
            for row in rows:
                write_row(row)

    def copy_file(self, table: str, path: Path) -> None:
        """COPY text the history process prepared; the file is removed afterwards."""
        with self.cursor.copy(_copy_sql(table)) as copy, path.open("rb") as source:
            while block := source.read(1 << 20):
                copy.write(block)
        path.unlink()

    def _wait(self) -> None:
        started = time.perf_counter()
        self.pending.popleft().result()
        self.seconds += time.perf_counter() - started

    def close(self) -> None:
        while self.pending:
            self._wait()
        self.writer.shutdown()

    def abort(self) -> None:
        """Stop writing after a failure; the transaction is rolled back next."""
        for future in self.pending:
            future.cancel()
        self.writer.shutdown(wait=True)
        self.pending.clear()


# COPY's text format: backslash escapes, \N for NULL.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


class _CopyTextSink(_Sink):
    """In the history process: each chunk becomes a file of COPY text for the parent."""

    def __init__(self, job: _PostgresHistory) -> None:
        super().__init__()
        self.job = job
        self.n = 0

    def write(self, table: str, rows: list[Row]) -> None:
        if not rows:
            return
        esc = _COPY_ESCAPES
        data = "".join(
            "\t".join(
                [
                    "\\N" if v is None else v.translate(esc) if v.__class__ is str else str(v)
                    for v in row
                ]
            )
            + "\n"
            for row in rows
        ).encode()
        self.n += 1
        path = self.job.scratch / f"{self.n:06d}.{table}.copy"
        path.write_bytes(data)
        self.counts[table] += len(rows)
        self.job.tell("chunk", table, str(path))


class _PostgresHistory(_ForkedHistory):
    """The child formats COPY text into files; the parent's writer thread streams each one
    into its own transaction between the clients' chunks, as soon as it is ready."""

    def __init__(self, scratch: Path) -> None:
        super().__init__()
        self.scratch = scratch

    def generate(self, gen: _Generator) -> dict[str, Any]:
        sink = _CopyTextSink(self)
        gen.history(sink)
        return _result(gen, sink)

    def chunk(self, sink: _Sink, table: str, path: str) -> None:
        assert isinstance(sink, _PostgresSink)
        sink.submit(sink.copy_file, table, Path(path))


def _load_postgresql(engine: Engine, gen: _Generator) -> None:
    raw = engine.raw_connection()
    scratch = Path(tempfile.mkdtemp(prefix="dispatch-seed-"))
    history: _PostgresHistory | None = None
    try:
        conn: Any = raw.driver_connection
        conn.rollback()
        tables = list(COLUMNS)
        with conn.cursor() as cur:
            sink = _PostgresSink(cur)
            try:
                cur.execute("SET LOCAL synchronous_commit = off")
                cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
                superuser = cur.execute("SELECT current_setting('is_superuser')").fetchone()[0]
                foreign_keys: list[tuple[str, str, str]] = []
                if superuser == "on":
                    # Skips the per-row FK triggers; the generator only writes consistent ids.
                    cur.execute("SET LOCAL session_replication_role = replica")
                else:
                    foreign_keys = cur.execute(
                        "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)"
                        " FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid"
                        " WHERE c.contype = 'f'"
                        " AND t.relnamespace = current_schema()::regnamespace"
                        " AND t.relname = ANY(%s) ORDER BY 1, 2",
                        (tables,),
                    ).fetchall()
                    for table, name, _ in foreign_keys:
                        cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                indexes = cur.execute(
                    "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
                    " JOIN pg_class i ON i.oid = x.indexrelid"
                    " JOIN pg_class t ON t.oid = x.indrelid"
                    " WHERE t.relnamespace = current_schema()::regnamespace"
                    " AND t.relname = ANY(%s)"
                    " AND NOT EXISTS"
                    " (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
                    " ORDER BY 1",
                    (tables,),
                ).fetchall()
                for name, _ in indexes:
                    cur.execute(f'DROP INDEX "{name}"')
                # The word index's key is four columns wide and ~7 rows a client: building it
                # once, sorted, after the load beats inserting millions of rows into it.
                keys = cur.execute(
                    "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)"
                    " FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid"
                    " WHERE c.contype = 'p'"
                    " AND t.relnamespace = current_schema()::regnamespace"
                    " AND t.relname = ANY(%s) ORDER BY 1",
                    ([table for table in tables if "id" not in COLUMNS[table]],),
                ).fetchall()
                for table, name, _ in keys:
                    cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                if gen.n >= PARALLEL_MIN_CLIENTS and _fork_is_safe():
                    history = sink.history = _PostgresHistory(scratch)
                _fill(gen, sink, history)
                started = time.perf_counter()
                for table, name, definition in keys:
                    cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
                for _, sql in indexes:
                    cur.execute(sql)
                logger.debug("indexes rebuilt in %.1f s", time.perf_counter() - started)
                for table, name, definition in foreign_keys:
                    cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
                for table in tables:
                    if "id" not in COLUMNS[table]:
                        continue  # keyed by its columns (search_terms): no sequence
                    # Explicit ids do not advance the serial sequences.
                    cur.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                        f" coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
                    )
                conn.commit()
            except BaseException:
                sink.abort()
                conn.rollback()
                raise
            finally:
                if history is not None:
                    history.stop()
        conn.autocommit = True
        try:
            started = time.perf_counter()
            conn.execute("ANALYZE")
            # Millions of fresh word rows would otherwise wake autovacuum during the first
            # minutes of use; doing it now leaves the server quiet for the operators.
            conn.execute("VACUUM search_terms")
            logger.debug("analyzed in %.1f s", time.perf_counter() - started)
        finally:
            conn.autocommit = False
    finally:
        raw.close()
        shutil.rmtree(scratch, ignore_errors=True)

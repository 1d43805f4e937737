"""The shape of the demo world: its calendar, every client's kind and size, couriers, prices."""

from __future__ import annotations

import datetime as dt
import random
from array import array

from dispatcher.demo.generate.numbers import NumberPlan
from dispatcher.demo.pools import (
    CONTRACT_DISCOUNTS,
    MALE_FIRST_NAMES,
    MALE_SURNAMES,
    PRODUCTS,
    WINDOWS,
)
from dispatcher.demo.sink import Row, Sink
from dispatcher.models import ALL_WEEK

ACTOR = "seed"

# Shares that shape the data.
COMPANY_SHARE = 0.15
DUPLICATE_SHARE = 0.01
SHARED_PHONE_SHARE = 0.002
ORDERS_PER_CLIENT = 2.0
REJECTED_SHARE = 0.08
CLIENT_YEARS = 3  # clients join over these years before the order history starts
CHUNK = 20_000

# Business minutes of a day, 08:00-22:59 Moscow = 05:00-19:59 UTC; timestamps are written
# as UTC, and a "timeline minute" t is day * DAY + minute-of-business-day.
DAY = 900
UTC_OPEN_HOUR = 5

# Client kinds as the shape pass stores them in a bytearray.
PERSON, LLC, JSC, SOLE = 0, 1, 2, 3

# The day seeded prices start to apply: before any order of the generated history.
PRICES_FROM = "2000-01-01"


class World:
    """What every part of the generator shares: the calendar and the shape of each client.

    The shape (kind, delivery points, payment terms, contract) is decided first and cheaply,
    so the order history can be generated from shapes alone, without the names and phones.
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

        # Day 0 is the first day clients join; the order history starts CLIENT_YEARS later.
        self.history_start = CLIENT_YEARS * 365
        self.today_day = self.history_start + history_days
        first = today - dt.timedelta(days=self.today_day)
        days = [first + dt.timedelta(days=i) for i in range(self.today_day + 3)]
        self.iso = [d.isoformat() for d in days]
        self.ru = [d.strftime("%d.%m.%Y") for d in days]
        self.weekday = [d.weekday() for d in days]
        self.clock = [
            f"{UTC_OPEN_HOUR + m // 60:02d}:{m % 60:02d}:{(m * 37) % 60:02d}.000000{ts_suffix}"
            for m in range(DAY)
        ]
        # Every timestamp orders can have, from the day before the history to the day after
        # tomorrow: a list index is much cheaper than formatting millions of times.
        self.stamp_base = (self.history_start - 1) * DAY
        self.stamps = [
            self.iso[d] + " " + clock
            for d in range(self.history_start - 1, len(days))
            for clock in self.clock
        ]
        self.windows = [
            (f"{a:02d}:00:00.000000", f"{b:02d}:00:00.000000", f"{a:02d}:00-{b:02d}:00")
            for a, b in WINDOWS
        ]
        self.window_hhmm = [(f"{a:02d}:00", f"{b:02d}:00") for a, b in WINDOWS]

        rate = ORDERS_PER_CLIENT * clients / history_days
        self.today_n = max(3, round(rate * 0.45))
        self.tomorrow_n = max(3, round(rate * 0.55))
        self.resched_n = max(1, round(rate * 0.02))
        self.history_n = max(
            0, round(ORDERS_PER_CLIENT * clients) - self.today_n - self.tomorrow_n - self.resched_n
        )
        self.n_couriers = min(60, max(5, clients // 2000))
        self.shape()
        self.couriers()

    def stream(self, name: str) -> random.Random:
        """One of the independent random streams of this seed."""
        return random.Random(f"{self.seed}:{name}")

    def ts(self, t: int) -> str:
        """The timestamp text of a timeline minute of the order history."""
        return self.stamps[t - self.stamp_base]

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
        standard = tuple(p[4] for p in PRODUCTS)
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
                    kind[cid] = SOLE
                    invoice[cid] = rnd() < 0.5
                else:
                    kind[cid] = LLC if r < 0.85 else JSC
                    invoice[cid] = 1
                    if rnd() < 0.3:
                        discount = CONTRACT_DISCOUNTS[int(rnd() * len(CONTRACT_DISCOUNTS))]
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

    def couriers(self) -> None:
        """Couriers' names and phones (the history needs the names for its audit rows)."""
        rng = self.stream("reference")
        # The couriers' phones come first; the clients' numbers continue the same plan.
        self.numbers = NumberPlan(rng)
        self.courier_names: list[str] = [""]
        self.courier_rows: list[Row] = []
        for cid in range(1, self.n_couriers + 1):
            name = f"{rng.choice(MALE_SURNAMES)} {rng.choice(MALE_FIRST_NAMES)}"
            self.courier_names.append(name)
            phone = "+7" + self.numbers.mobile()
            # Every day, no set hours (work_days, work_start, work_end): always suggested.
            capacity = 30 + 5 * rng.randrange(7)
            self.courier_rows.append((cid, name, phone, 1, capacity, ALL_WEEK, None, None))

    def reference(self, sink: Sink) -> None:
        """Products with standard prices, and couriers."""
        if self.create_standard_list:
            sink.write(
                "price_lists",
                [(self.standard_list_id, "Стандартный прайс", "standard", 1, None, None)],
            )
        sink.write(
            "products",
            [(i + 1, p[0], p[1], p[2], p[3], 1) for i, p in enumerate(PRODUCTS)],
        )
        sink.write(
            "prices",
            [
                (i + 1, self.standard_list_id, i + 1, p[4], PRICES_FROM)
                for i, p in enumerate(PRODUCTS)
            ],
        )
        sink.write("couriers", self.courier_rows)

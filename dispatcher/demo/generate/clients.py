"""Persons and companies with their phones, contacts and delivery points, from the shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import dispatcher.demo.pools as P
from dispatcher.demo.generate.numbers import FORMS
from dispatcher.demo.generate.world import CHUNK, DAY, LLC, PERSON, PRICES_FROM, SOLE, World
from dispatcher.demo.sink import Row, Sink, write_all
from dispatcher.search_index import client_terms
from dispatcher.similarity import address_key, name_key

_BRAND_STEP = 7_919


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


@dataclass
class Details:
    """What today's and tomorrow's deliveries copy into their task payloads."""

    # client id -> (name, [(e164, contact id)])
    clients: dict[int, tuple[str, list[tuple[str, int | None]]]] = field(default_factory=dict)
    addresses: dict[int, dict[str, Any]] = field(default_factory=dict)
    contact_names: dict[int, str] = field(default_factory=dict)


class ClientWriter:
    """Writes every client of the world from the "clients" random stream."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.numbers = world.numbers
        self.detail_ids = world.detail_ids
        self.details = Details()
        self.duplicates = 0
        self.samples: dict[str, str] = {}
        self.persons_sampled: list[str] = []
        self.phone_id = 0
        self.address_id = 0
        self.contact_id = 0
        self.price_id = len(P.PRODUCTS)  # the standard prices come first
        self.brand_k = 0
        self.address_keys: dict[str, str] = {}
        self.last: _Person | None = None
        self.rnd = world.stream("clients").random

    def write(self, sink: Sink) -> None:
        """Persons and companies with their phones, contacts and delivery points."""
        w = self.world
        n = w.n
        rnd = self.rnd
        span = w.history_start + w.history_days
        iso = w.iso
        clock = w.clock
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
        kind = w.kind
        special = w.special
        for cid in range(1, n + 1):
            created = iso[(cid - 1) * span // n] + " " + clock[int(rnd() * DAY)]
            if kind[cid] == PERSON:
                self.person(cid, created, special.get(cid), rows)
            else:
                self.company(cid, created, rows)
            if cid % CHUNK == 0:
                self.flush(sink, rows)
        self.flush(sink, rows)
        # The shape pass promised these ids to the order history.
        assert self.address_id == w.addr_first[n] + w.addr_count[n] - 1

    def flush(self, sink: Sink, rows: dict[str, list[Row]]) -> None:
        """Hand what was generated so far to the sink, parents first, with the search words."""
        if rows["clients"]:
            rows["search_terms"] = self.search_terms(rows)
        write_all(sink, rows)

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

    # -- rows ------------------------------------------------------------------------------

    def add_phone(
        self,
        rows: dict[str, list[Row]],
        cid: int,
        contact_id: int | None,
        national: str,
    ) -> str:
        """One phone row, written in a random form; returns the number as written."""
        self.phone_id += 1
        written = FORMS[int(self.rnd() * len(FORMS))](national)
        e164 = "+7" + national
        kind = "landline" if national[0] == "4" else "mobile"
        rows["phones"].append((self.phone_id, cid, contact_id, e164, written, kind, None))
        if cid in self.detail_ids:
            self.details.clients[cid][1].append((e164, contact_id))
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
            (aid, cid, contact_id, text_, entrance, floor, flat, note, "", 0, lat, lon, key)
        )
        if cid in self.detail_ids:
            self.details.addresses[aid] = dict(
                zip(("text", "entrance", "floor", "flat", "notes", "lat", "lon"), a, strict=True)
            )
        return aid

    def address_key(self, text_: str, flat: str) -> str:
        """`similarity.address_key`, with the street part cached (flats are plain digits)."""
        key = self.address_keys.get(text_)
        if key is None:
            key = self.address_keys[text_] = address_key(text_)
        return key + flat

    # -- names and places ------------------------------------------------------------------

    @staticmethod
    def person_name(p: _Person, variant: int = 0) -> str:
        """Full name; variants are how a second operator might type the same person."""
        surname = P.MALE_SURNAMES[p.surname]
        if p.female:
            surname = P.female_surname(surname)
            first = P.FEMALE_FIRST_NAMES[p.first]
            patronymic = P.PATRONYMICS[p.patronymic][1]
        else:
            first = P.MALE_FIRST_NAMES[p.first]
            patronymic = P.PATRONYMICS[p.patronymic][0]
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
        names = P.FEMALE_FIRST_NAMES if female else P.MALE_FIRST_NAMES
        return _Person(
            int(rnd() * len(P.MALE_SURNAMES)),
            female,
            int(rnd() * len(names)),
            int(rnd() * len(P.PATRONYMICS)),
            self.home_address() if with_home else (),
            "",
        )

    def home_address(self) -> tuple[Any, ...]:
        """(text, entrance, floor, flat, notes, lat, lon) of a flat in a Moscow house."""
        rnd = self.rnd
        street = int(rnd() * len(P.STREETS))
        house = 1 + int(rnd() * 150)
        part = P.BUILDING_PARTS[int(rnd() * len(P.BUILDING_PARTS))]
        floors = 5 + int(rnd() * 20)
        flat = str(1 + int(rnd() * (floors * 16)))
        note = P.COURIER_NOTES[int(rnd() * len(P.COURIER_NOTES))]
        if "{n}" in note:
            note = note.format(n=flat)
        lat, lon = self.coords(street, house)
        return (
            f"г. Москва, {P.STREETS[street]}, д. {house}{part}",
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
        street = int(rnd() * len(P.STREETS))
        house = 1 + int(rnd() * 150)
        part = P.OFFICE_PARTS[int(rnd() * len(P.OFFICE_PARTS))].format(n=1 + int(rnd() * 600))
        floor = str(1 + int(rnd() * 12)) if rnd() < 0.6 else ""
        note = P.COURIER_NOTES[int(rnd() * len(P.COURIER_NOTES))]
        lat, lon = self.coords(street, house)
        text_ = f"г. Москва, {P.STREETS[street]}, д. {house}{part}"
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
        total = len(P.BRAND_ROOTS) * len(P.BRAND_ENDINGS) * len(P.BRAND_WORDS)
        idx = (_BRAND_STEP * k + 101) % total
        root = P.BRAND_ROOTS[idx % len(P.BRAND_ROOTS)]
        rest = idx // len(P.BRAND_ROOTS)
        ending = P.BRAND_ENDINGS[rest % len(P.BRAND_ENDINGS)]
        word = P.BRAND_WORDS[rest // len(P.BRAND_ENDINGS)]
        name = root + ending + (" " + word if word else "")
        cycle = k // total
        return f"{name}-{cycle + 1}" if cycle else name

    # -- clients ---------------------------------------------------------------------------

    def person(
        self, cid: int, created: str, special: str | None, rows: dict[str, list[Row]]
    ) -> None:
        """A private client; a duplicate or a family member of the previous one when asked."""
        rnd = self.rnd
        numbers = self.numbers
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
            names = P.FEMALE_FIRST_NAMES if female else P.MALE_FIRST_NAMES
            p = _Person(
                last.surname,
                female,
                int(rnd() * len(names)),
                int(rnd() * len(P.PATRONYMICS)),
                last.address,
                last.national,
            )
            name = self.person_name(p)
        else:
            special = None
            p = self.new_person()
            name = self.person_name(p)
        if cid in self.detail_ids:
            self.details.clients[cid] = (name, [])
        rows["clients"].append(
            (cid, "person", name, name_key(name), None, None, "cash", "", None, created)
        )
        self.add_address(rows, cid, None, p.address)
        if self.world.addr_count[cid] > 1:
            self.add_address(rows, cid, None, self.home_address())

        r = rnd()
        count = 1 if r < 0.25 else 2 if r < 0.55 else 3 if r < 0.85 else 4
        if special is None:
            national = p.national = numbers.landline() if rnd() < 0.12 else numbers.mobile()
        elif special == "dup" and rnd() < 0.5:
            national = numbers.mobile()  # the second record got a new number
        else:
            national = p.national
        first_written = self.add_phone(rows, cid, None, national)
        for _ in range(count - 1):
            national = numbers.landline() if rnd() < 0.12 else numbers.mobile()
            self.add_phone(rows, cid, None, national)
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
        w = self.world
        kind = w.kind[cid]
        if kind == SOLE:
            name = "ИП " + self.person_name(self.new_person(with_home=False))
            inn = self.numbers.entrepreneur_inn()
        else:
            name = f'{"ООО" if kind == LLC else "АО"} "{self.brand()}"'
            inn = self.numbers.company_inn()
        price_list_id = None
        contract = w.contracts.get(cid)
        if contract is not None:
            price_list_id, products = contract
            rows["price_lists"].append(
                (price_list_id, f"Договор: {name}"[:200], "contract", 0, None, None)
            )
            prices = w.prices[w.price_table[cid]]
            for p in products:
                self.price_id += 1
                rows["prices"].append((self.price_id, price_list_id, p + 1, prices[p], PRICES_FROM))
        if cid in self.detail_ids:
            self.details.clients[cid] = (name, [])
        terms = "invoice" if w.invoice[cid] else "cash"
        rows["clients"].append(
            (cid, "company", name, name_key(name), inn, price_list_id, terms, "", None, created)
        )
        main = self.add_phone(rows, cid, None, self.numbers.landline())
        self.samples.setdefault("company", main)
        contacts = rows["contacts"]
        for _ in range(w.addr_count[cid]):
            self.contact_id += 1
            contact_id = self.contact_id
            p = self.new_person(with_home=False)
            surname = P.MALE_SURNAMES[p.surname]
            if p.female:
                contact_name = f"{P.female_surname(surname)} {P.FEMALE_FIRST_NAMES[p.first]}"
            else:
                contact_name = f"{surname} {P.MALE_FIRST_NAMES[p.first]}"
            role = P.CONTACT_ROLES[int(rnd() * len(P.CONTACT_ROLES))]
            contacts.append((contact_id, cid, contact_name, role))
            if cid in self.detail_ids:
                self.details.contact_names[contact_id] = contact_name
            self.add_address(rows, cid, contact_id, self.office_address())
            written = self.add_phone(rows, cid, contact_id, self.numbers.mobile())
            self.samples.setdefault("contact", written)
            if rnd() < 0.25:
                self.add_phone(rows, cid, contact_id, self.numbers.mobile())

    def sample_numbers(self) -> list[str]:
        """Known numbers as written, for `dispatch lookup` and benchmarks."""
        out = list(self.persons_sampled)
        for key in ("company", "contact", "dup_original", "dup_second", "shared"):
            if key in self.samples:
                out.append(self.samples[key])
        return out

"""Search-as-you-type latency on a seeded database: typed prefixes of real names and streets,
phone fragments and order numbers, against the old scanning implementation."""

from __future__ import annotations

import argparse
import gc
import logging
import random
import time
from collections import defaultdict
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from bench import machine
from bench.lookup import _database, _summary
from dispatcher.migrate import current_revision, head_revision, upgrade
from dispatcher.models import Address, Client, Phone
from dispatcher.search import search_clients
from dispatcher.similarity import address_key, address_words, name_key, name_words

logger = logging.getLogger("bench.search")

TARGET_P99_MS = 30.0
# Kinds of query and their share of the mix; phone tails ("45-67", "1234567": digits from
# the middle of a number) go through the phone_digits index since migration 0014.
MIX = {
    "name_1_word": 0.30,
    "name_2_words": 0.20,
    "address": 0.15,
    "name_and_street": 0.10,
    "phone_prefix": 0.13,
    "order": 0.10,
    "phone_tail": 0.02,
}
# Kinds the word index or a primary key answers: the target is about these.
INDEXED = (
    "name_1_word",
    "name_2_words",
    "address",
    "name_and_street",
    "phone_prefix",
    "order",
    "phone_tail",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `python -m bench search`."""
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--db-dir", help="keep the SQLite file here and reuse it (the lookup benchmark's file)"
    )
    parser.add_argument("--baseline-queries", type=int, default=40, help="old scans to time")
    parser.add_argument(
        "--backends",
        default="sqlite",
        help="sqlite,postgresql (PostgreSQL: the database at DISPATCH_TEST_PG_URL, reused"
        " when it has --clients clients, else seeded; or a throwaway cluster)",
    )


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Seed, reuse or migrate the SQLite database, then time typed searches and the old scan."""
    result: dict[str, Any] = {
        "benchmark": "search",
        "machine": machine.describe(),
        "clients": args.clients,
        "seed": args.seed,
        "target_p99_ms": TARGET_P99_MS,
    }
    result["met"] = {}
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        with _database(backend, args) as (engine, seeded):
            result.setdefault("seeded", {})[backend] = seeded
            before = current_revision(engine)
            if before != head_revision():
                # A database seeded before the indexes: the migrations fill them from the rows.
                logger.info("migrating %s -> %s (fills the indexes)", before, head_revision())
                started = time.perf_counter()
                upgrade(engine)
                result.setdefault("migrated", {})[backend] = {
                    "from": before,
                    "seconds": round(time.perf_counter() - started, 1),
                }
            with engine.connect() as conn:
                result["search_terms"] = int(
                    conn.execute(text("SELECT count(*) FROM search_terms")).scalar_one()
                )
            result[backend] = _measure(engine, args)
            engine.dispose()
        result["met"][backend] = result[backend]["indexed"]["p99_ms"] <= TARGET_P99_MS
    return result


# -- queries ---------------------------------------------------------------------------------


def _prefix(word: str, rng: random.Random) -> str:
    return word[: rng.randint(min(2, len(word)), min(8, len(word)))]


def _queries(engine: Engine, args: argparse.Namespace, count: int) -> list[tuple[str, str]]:
    """(kind, typed text) pairs from random clients, as an operator types them."""
    rng = random.Random(f"bench-search:{args.seed}")
    with engine.connect() as conn:
        top = int(conn.execute(text("SELECT max(id) FROM clients")).scalar_one())
        max_order = int(conn.execute(text("SELECT coalesce(max(id), 0) FROM orders")).scalar_one())
        ids = rng.sample(range(1, top + 1), min(top, count))
        listed = ", ".join(str(i) for i in ids)
        names = dict(
            conn.execute(text(f"SELECT id, name FROM clients WHERE id IN ({listed})")).all()
        )
        streets: dict[int, str] = {}
        for cid, address in conn.execute(
            text(f"SELECT client_id, text FROM addresses WHERE client_id IN ({listed})")
        ):
            streets.setdefault(cid, address)
        phones: dict[int, str] = {}
        for cid, e164 in conn.execute(
            text(f"SELECT client_id, e164 FROM phones WHERE client_id IN ({listed})")
        ):
            phones.setdefault(cid, e164)
    kinds = list(MIX)
    weights = [MIX[k] for k in kinds]
    out: list[tuple[str, str]] = []
    for cid in ids:
        kind = rng.choices(kinds, weights)[0]
        words = name_words(names.get(cid, ""))
        where = address_words(streets.get(cid, ""))
        street = [w for w in where if not w.isdigit()]
        house = [w for w in where if w.isdigit()]
        national = phones.get(cid, "+7")[2:]
        if kind == "name_1_word" and words:
            typed = _prefix(rng.choice(words), rng)
        elif kind == "name_2_words" and len(words) >= 2:
            first, second = rng.sample(words, 2)
            typed = f"{_prefix(first, rng)} {_prefix(second, rng)}"
        elif kind == "address" and street:
            typed = _prefix(street[0], rng) + (f" {house[0]}" if house else "")
        elif kind == "name_and_street" and words and street:
            typed = f"{_prefix(words[0], rng)} {_prefix(street[0], rng)}"
        elif kind == "phone_prefix" and len(national) == 10:
            digits = "8" + national
            typed = digits[: rng.randint(4, 10)]
        elif kind == "phone_tail" and len(national) == 10:
            # The last four as "45-67", or seven digits from the middle: "1234567".
            tail = national[-4:] if rng.random() < 0.5 else national[3:]
            typed = f"{tail[:2]}-{tail[2:]}" if len(tail) == 4 else tail
        elif kind == "order" and max_order:
            typed = f"#{rng.randint(1, max_order)}"
        else:
            continue
        out.append((kind, typed))
    return out


def _old_search(session: Session, typed: str, limit: int = 20) -> list[int]:
    """The name and address part of search_clients before the word index: LIKE scans."""
    found: list[int] = []
    tokens = name_key(typed).split()
    if tokens:
        stmt = (
            select(Client.id)
            .where(Client.merged_into_id.is_(None), *(Client.name_key.contains(t) for t in tokens))
            .order_by(Client.name, Client.id)
            .limit(limit)
        )
        found += session.scalars(stmt)
    street = address_key(typed).split("|", 1)[0].split()
    if street and len(found) < limit:
        stmt = (
            select(Client.id)
            .join(Address, Address.client_id == Client.id)
            .where(
                Client.merged_into_id.is_(None), *(Address.address_key.contains(t) for t in street)
            )
            .order_by(Client.name, Client.id, Address.id)
            .limit(limit * 3)
        )
        found += session.scalars(stmt)
    return found[:limit]


def _old_tail_scan(session: Session, typed: str, limit: int = 20) -> list[Any]:
    """Digits from the middle of a number as search_clients found them before 0014."""
    digits = "".join(c for c in typed if c.isdigit())
    stmt = (
        select(Phone.client_id)
        .where(Phone.e164.contains(digits))
        .order_by(Phone.id)
        .limit(limit * 3)
    )
    return list(session.scalars(stmt))


def _measure(engine: Engine, args: argparse.Namespace) -> dict[str, Any]:
    queries = _queries(engine, args, args.queries + 200)
    warmup, measured = queries[:200], queries[200:]

    def one(typed: str) -> tuple[float, int]:
        # A fresh session per keystroke, as the intake opens one (checkout and BEGIN timed).
        with Session(engine) as session:
            start = time.perf_counter_ns()
            hits = search_clients(session, typed)
            elapsed = time.perf_counter_ns() - start
        return elapsed / 1e6, len(hits)

    logger.info("warming up with %d searches", len(warmup))
    for _, typed in warmup:
        one(typed)
    gc.collect()
    gc.freeze()
    logger.info("timing %d searches", len(measured))
    times: dict[str, list[float]] = defaultdict(list)
    empty: dict[str, int] = defaultdict(int)
    slowest: list[tuple[float, str, str]] = []
    for kind, typed in measured:
        elapsed, n = one(typed)
        times[kind].append(elapsed)
        empty[kind] += n == 0
        slowest.append((elapsed, kind, typed))
    gc.unfreeze()
    figures: dict[str, Any] = {
        "indexed": _summary([t for k in INDEXED for t in times[k]]),
        "kinds": {
            kind: {**_summary(times[kind]), "no_hits": empty[kind]} for kind in MIX if times[kind]
        },
        "examples": {
            kind: [typed for k, typed in measured if k == kind][:4] for kind in MIX if times[kind]
        },
        "slowest": [
            {"ms": round(ms, 1), "kind": kind, "text": typed}
            for ms, kind, typed in sorted(slowest, reverse=True)[:8]
        ],
    }
    sample = [typed for kind, typed in measured if kind in INDEXED[:4]][: args.baseline_queries]
    logger.info("timing %d old scanning searches", len(sample))
    with Session(engine) as session:
        _old_search(session, sample[0])  # warm the table scans
        old: list[float] = []
        new: list[float] = []
        for typed in sample:
            start = time.perf_counter_ns()
            _old_search(session, typed)
            old.append((time.perf_counter_ns() - start) / 1e6)
            start = time.perf_counter_ns()
            search_clients(session, typed)
            new.append((time.perf_counter_ns() - start) / 1e6)
    tails = [typed for kind, typed in measured if kind == "phone_tail"][:10]
    with Session(engine) as session:
        old_tails: list[float] = []
        for typed in tails:
            start = time.perf_counter_ns()
            _old_tail_scan(session, typed)
            old_tails.append((time.perf_counter_ns() - start) / 1e6)
    if old_tails:
        figures["phone_tail_baseline"] = {
            "what": "the old LIKE '%digits%' scan of phones.e164 for digits from the middle",
            **_summary(old_tails),
        }
    base, now = _summary(old), _summary(new)
    figures["baseline"] = {
        "what": "the old LIKE '%word%' scans of clients.name_key and addresses.address_key",
        "count": base["count"],
        "old_p50_ms": base["p50_ms"],
        "old_p99_ms": base["p99_ms"],
        "new_p50_ms": now["p50_ms"],
        "ratio": round(base["p50_ms"] / max(now["p50_ms"], 1e-3), 1),
    }
    logger.info(
        "indexed p50 %.2f ms, p99 %.2f ms; old scans p50 %.1f ms",
        figures["indexed"]["p50_ms"],
        figures["indexed"]["p99_ms"],
        base["p50_ms"],
    )
    return figures

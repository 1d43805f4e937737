"""Complaint search and escalation latency at 200,000 complaints: typed words of client names,
descriptions and reasons; a client's complaints; the lead's overdue check."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from bench import machine
from bench.stats import summary
from dispatcher.complaints import complaint_words, open_complaints, overdue, search
from dispatcher.db import make_engine
from dispatcher.migrate import upgrade
from dispatcher.models import Client, ClientKind, Complaint, ComplaintReason, ComplaintTerm

logger = logging.getLogger("bench.complaints")

TARGET_P99_MS = 30.0
SURNAMES = [
    "Иванов",
    "Петров",
    "Сидоров",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Соколов",
    "Михайлов",
    "Новиков",
]
FIRST = [
    "Мария",
    "Ольга",
    "Пётр",
    "Семён",
    "Анна",
    "Ирина",
    "Алексей",
    "Дмитрий",
    "Елена",
    "Наталья",
]
PHRASES = (
    "Курьер опоздал на два часа",
    "Вода с запахом пластика",
    "Привезли не ту воду, заказывали Шишкин лес",
    "Бутыль треснула, течёт",
    "Кулер не охлаждает после санобработки",
    "Курьер нагрубил по телефону",
    "Списали деньги дважды",
    "Не привезли помпу",
    "Недовоз двух бутылей",
    "Оставили тару у двери без звонка",
)
QUERIES = (
    "курьер",
    "запах",
    "теч",
    "кулер санобр",
    "иванова мария",
    "помп",
    "дважды",
    "опоздание",
    "недовоз бут",
    "смирнов кулер",
    "грубость",
    "шишкин",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `python -m bench complaints`."""
    parser.add_argument("--complaints", type=int, default=200_000)
    parser.add_argument("--clients", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)


def _seed(engine: Engine, args: argparse.Namespace, rnd: random.Random) -> float:
    started = time.perf_counter()
    now = dt.datetime.now(dt.UTC)
    with Session(engine) as s:
        reasons = {r.id: r.name for r in s.scalars(select(ComplaintReason))}
        names = [
            f"{rnd.choice(SURNAMES)}{'а' if i % 2 else ''} {rnd.choice(FIRST)} {i}"
            for i in range(args.clients)
        ]
        s.execute(
            insert(Client),
            [
                {
                    "id": i + 1,
                    "kind": ClientKind.PERSON,
                    "name": n,
                    "name_key": n.lower(),
                    "notes": "",
                    "payment_terms": "cash",
                }
                for i, n in enumerate(names)
            ],
        )
        batch, terms = [], []
        for cid in range(1, args.complaints + 1):
            client = rnd.randrange(args.clients)
            reason = rnd.choice(list(reasons))
            text = rnd.choice(PHRASES)
            registered = now - dt.timedelta(minutes=rnd.randrange(60 * 24 * 365))
            resolved = rnd.random() < 0.9
            batch.append(
                {
                    "id": cid,
                    "client_id": client + 1,
                    "reason_id": reason,
                    "description": text,
                    "guilty_department": "",
                    "guilty_person": "",
                    "responsible": "",
                    "priority": "normal",
                    "remedy": "none",
                    "registered_by": "bench",
                    "registered_at": registered,
                    "deadline": registered + dt.timedelta(hours=72),
                    "status": "resolved" if resolved else "registered",
                    "resolved_at": registered + dt.timedelta(hours=30) if resolved else None,
                    "result": "ok" if resolved else "",
                }
            )
            terms += [
                {"term": w, "complaint_id": cid}
                for w in complaint_words(names[client], text, reasons[reason])
            ]
            if len(batch) >= 5000:
                s.execute(insert(Complaint), batch)
                s.execute(insert(ComplaintTerm), terms)
                batch, terms = [], []
        if batch:
            s.execute(insert(Complaint), batch)
            s.execute(insert(ComplaintTerm), terms)
        s.commit()
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    return time.perf_counter() - started


def _time(fn: Any, n: int) -> dict[str, float]:
    took = []
    for i in range(n):
        started = time.perf_counter()
        fn(i)
        took.append((time.perf_counter() - started) * 1000)
    return summary(took)


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Seed an SQLite file with complaints, then time searches, a client's list, escalation."""
    rnd = random.Random(args.seed)
    result: dict[str, Any] = {
        "benchmark": "complaints",
        "machine": machine.describe(),
        "complaints": args.complaints,
        "clients": args.clients,
        "target_p99_ms": TARGET_P99_MS,
    }
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(str(Path(tmp) / "complaints.sqlite3"))
        upgrade(engine)
        result["seed_seconds"] = round(_seed(engine, args, rnd), 1)
        logger.info("seeded in %s s", result["seed_seconds"])
        now = dt.datetime.now(dt.UTC)
        with Session(engine) as s:
            search(s, "курьер")  # warm the page cache once
            result["search_ms"] = _time(
                lambda i: search(s, QUERIES[i % len(QUERIES)], limit=50, now=now), args.queries
            )
            result["client_list_ms"] = _time(
                lambda i: search(s, client_id=rnd.randrange(args.clients) + 1, limit=50),
                args.queries,
            )
            result["open_of_client_ms"] = _time(
                lambda i: open_complaints(s, rnd.randrange(args.clients) + 1), args.queries
            )
            result["escalation_ms"] = _time(lambda i: overdue(s, now, limit=50), 50)
            result["overdue_open"] = len(overdue(s, now, limit=100_000).complaints)
        engine.dispose()
    result["met"] = result["search_ms"]["p99_ms"] <= TARGET_P99_MS
    return result

"""Knowledge-base search and the reminders' next-due probe on big tables.

10,000 articles (questions and answers built from a call-centre vocabulary) are added through
the same operation leads use; typed queries of one to three words (prefixes, other word forms,
ё/е) are timed through `search_articles`. The reminders' probe (`plans.next_due`) is timed
with 200,000 interactions, 20,000 of them open plans spread over 50 operators.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import logging
import random
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session

from bench import machine
from bench.lookup import _summary
from dispatcher.db import make_engine
from dispatcher.knowledge import article_terms
from dispatcher.migrate import upgrade
from dispatcher.models import Interaction, KbArticle, KbTerm, UserRole
from dispatcher.operations import knowledge, plans
from dispatcher.users import Actor

logger = logging.getLogger("bench.knowledge")

TARGET_P99_MS = 30.0
LEAD = Actor("lead", "Старший смены", UserRole.LEAD)
_NOUNS = (
    "кулер помпа бутыль вода доставка курьер залог счёт оплата договор адрес окно перенос "
    "возврат претензия санобработка кран нагрев охлаждение фильтр стаканчики подставка тара "
    "скидка акция абонемент карта чек накладная этаж подъезд домофон пропуск офис склад"
)
NOUNS = _NOUNS.split()
_VERBS = (
    "течёт сломался не работает не пришла опоздал вернуть оплатить перенести заменить "
    "подключить отключить почистить заказать отменить проверить"
)
VERBS = _VERBS.split()
# Answers also hold words nobody searches for: a realistic share of rare words.
RARE = [a + b + c for a in "бвгдкмнпрст" for b in "аеиоу" for c in ("ла", "ром", "нка", "тор")]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `python -m bench knowledge`."""
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--interactions", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--seed", type=int, default=1)


@contextlib.contextmanager
def _database(backend: str) -> Iterator[Engine]:
    if backend == "sqlite":
        directory = Path(tempfile.mkdtemp(prefix="bench-knowledge-"))
        try:
            engine = make_engine(str(directory / "kb.sqlite3"))
            upgrade(engine)
            yield engine
            engine.dispose()
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        return
    from devtools.postgres import ThrowawayPostgres

    cluster = ThrowawayPostgres(durable=False)
    cluster.start()
    try:
        engine = make_engine(cluster.create_database("bench_knowledge"))
        upgrade(engine)
        yield engine
        engine.dispose()
    finally:
        cluster.stop()


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(NOUNS + VERBS) for _ in range(words))


def _seed(engine: Engine, args: argparse.Namespace, rng: random.Random) -> dict[str, Any]:
    # Rows as add_article writes them (the same index words), in bulk: the operation's
    # per-article flush would make seeding, not searching, the benchmark.
    start = time.perf_counter()
    articles, terms = [], []
    for i in range(1, args.articles + 1):
        question = f"{_text(rng, 4)} {i}"
        answer = " ".join(rng.choice(RARE + NOUNS) for _ in range(30)) + "."
        keywords = _text(rng, 3)
        articles.append(
            {
                "id": i,
                "question": question,
                "answer": answer,
                "keywords": keywords,
                "updated_by": "lead",
                "updated_at": dt.datetime.now(dt.UTC),
            }
        )
        for term, weight in article_terms(question, answer, keywords).items():
            terms.append({"term": term, "article_id": i, "weight": weight})
    with engine.begin() as conn:
        for first in range(0, len(articles), 2_000):
            conn.execute(insert(KbArticle), articles[first : first + 2_000])
        for first in range(0, len(terms), 5_000):
            conn.execute(insert(KbTerm), terms[first : first + 5_000])
    articles_s = time.perf_counter() - start
    base = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    rows = []
    for i in range(args.interactions):
        planned = i % 10 == 0
        at = base + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 365))
        rows.append(
            {
                "kind": "call",
                "direction": "out" if planned else "in",
                "number": f"+7916{i:07d}",
                "started_at": at,
                "operator": f"op{i % 50}",
                "planned": planned,
                "reviewed": False,
                "result": "",
                "notes": "",
                "subject": "перезвонить" if planned else "",
                "due_at": at if planned else None,
                "responsible": f"op{i % 50}" if planned else "",
                # Half the plans are done already: the probe must skip them by the index.
                "done_at": at if planned and i % 20 == 0 else None,
            }
        )
    with engine.begin() as conn:
        for first in range(0, len(rows), 5_000):
            conn.execute(insert(Interaction), rows[first : first + 5_000])
    with engine.connect() as conn:
        # What autovacuum does after a bulk load on PostgreSQL (statistics, and the visibility
        # map that lets range reads answer from the index alone); SQLite's ANALYZE likewise.
        command = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(command)
    return {"articles_seed_s": round(articles_s, 1), "interactions": len(rows)}


def _queries(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        words = [rng.choice(NOUNS + VERBS) for _ in range(rng.randint(1, 3))]
        # What operators type: a word cut short, another form, ё as е.
        words = [w[: max(3, len(w) - rng.randint(0, 2))] for w in words]
        out.append(" ".join(words).replace("ё", "е") if rng.random() < 0.5 else " ".join(words))
    return out


def _time(engine: Engine, fn: Any, inputs: list[Any]) -> dict[str, Any]:
    times = []
    for value in inputs:
        with Session(engine) as s:
            start = time.perf_counter_ns()
            fn(s, value)
            times.append((time.perf_counter_ns() - start) / 1e6)
    return _summary(times)


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Seed each backend, then time knowledge-base searches and next-due probes."""
    result: dict[str, Any] = {
        "benchmark": "knowledge",
        "machine": machine.describe(),
        "articles": args.articles,
        "target_p99_ms": TARGET_P99_MS,
        "backends": {},
        "met": {},
    }
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        rng = random.Random(args.seed)
        with _database(backend) as engine:
            figures = _seed(engine, args, rng)
            queries = _queries(rng, args.queries)
            _time(engine, knowledge.search_articles, queries[:50])  # warm the caches
            figures["search"] = _time(engine, knowledge.search_articles, queries)
            logins = [f"op{rng.randrange(50)}" for _ in range(args.queries)]
            figures["next_due"] = _time(engine, plans.next_due, logins)
            result["backends"][backend] = figures
            result["met"][backend] = figures["search"]["p99_ms"] <= TARGET_P99_MS
    return result

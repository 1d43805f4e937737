"""Caller lookup latency on a seeded database, against a naive LIKE scan, per backend."""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from bench import machine
from dispatcher.db import make_engine
from dispatcher.demo import pools as demo_data
from dispatcher.demo import seed_demo, written_forms
from dispatcher.lookup import LookupStatus, lookup
from dispatcher.migrate import upgrade

logger = logging.getLogger("bench.lookup")

TARGET_P99_MS = {"sqlite": 1.0, "postgresql": 3.0}
WARMUP_KNOWN = 2_000
WARMUP_UNKNOWN = 200


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `python -m bench lookup`."""
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=10_000, help="known numbers to look up")
    parser.add_argument("--unknown", type=int, default=1_000, help="numbers nobody has")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--db-dir", help="keep the SQLite file here and reuse it when it has --clients clients"
    )
    parser.add_argument("--baseline-queries", type=int, default=60, help="naive LIKE scans to time")
    parser.add_argument("--runs", type=int, default=1, help="timed passes over the same numbers")
    parser.add_argument(
        "--old-path",
        type=int,
        default=0,
        metavar="N",
        help="PostgreSQL: also time N lookups the old way (pre-ping, BEGIN, statement by"
        " statement) in the same run, as a baseline ratio",
    )


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Seed (or reuse) a database per backend, then time lookups and the naive baseline."""
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = sorted(set(backends) - set(TARGET_P99_MS))
    if unknown:
        raise SystemExit(f"unknown backend(s): {', '.join(unknown)}")
    result: dict[str, Any] = {
        "benchmark": "lookup",
        "machine": machine.describe(),
        "clients": args.clients,
        "seed": args.seed,
        "queries": {"known": args.queries, "unknown": args.unknown},
        "backends": {},
        "targets": {f"{b}_p99_ms": TARGET_P99_MS[b] for b in backends},
        "met": {},
    }
    for backend in backends:
        with _database(backend, args) as (engine, seeded):
            figures = _measure(engine, args)
            figures.update(seeded)
            if backend == "postgresql":
                with engine.connect() as conn:
                    result["machine"]["postgresql"] = conn.execute(
                        text("SHOW server_version")
                    ).scalar()
            engine.dispose()
        result["backends"][backend] = figures
        result["met"][backend] = figures["p99_ms"] <= TARGET_P99_MS[backend]
    result["phones"] = next(iter(result["backends"].values()), {}).get("phones")
    return result


# -- databases -------------------------------------------------------------------------------


def _seed(engine: Engine, args: argparse.Namespace) -> dict[str, Any]:
    logger.info("seeding %d clients", args.clients)
    report = seed_demo(engine, clients=args.clients, seed=args.seed)
    logger.info("seeded in %.1f s", report.seconds)
    return {
        "seed_seconds": report.seconds,
        "rollup_seconds": report.rollup_seconds,  # of seed_seconds: the report roll-ups
        "reused": False,
    }


def _client_count(engine: Engine) -> int | None:
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM clients")).scalar_one())
    except Exception:
        return None


@contextmanager
def _database(backend: str, args: argparse.Namespace) -> Iterator[tuple[Engine, dict[str, Any]]]:
    if backend == "sqlite":
        with _sqlite(args) as found:
            yield found
    else:
        with _postgresql(args) as found:
            yield found


@contextmanager
def _sqlite(args: argparse.Namespace) -> Iterator[tuple[Engine, dict[str, Any]]]:
    temporary = args.db_dir is None
    directory = Path(args.db_dir or tempfile.mkdtemp(prefix="bench-lookup-"))
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"lookup-{args.clients}-seed{args.seed}.sqlite3"
    notes = path.with_suffix(".json")
    try:
        engine = make_engine(str(path))
        if path.exists() and notes.exists() and _client_count(engine) == args.clients:
            logger.info("reusing %s", path)
            seeded = {**json.loads(notes.read_text()), "reused": True}
        else:
            engine.dispose()
            for stale in directory.glob(path.name + "*"):
                stale.unlink()
            engine = make_engine(str(path))
            upgrade(engine)
            seeded = _seed(engine, args)
            notes.write_text(json.dumps(seeded))
        yield engine, seeded
        engine.dispose()
    finally:
        if temporary:
            shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def _postgresql(args: argparse.Namespace) -> Iterator[tuple[Engine, dict[str, Any]]]:
    from devtools.postgres import PG_URL_ENV, ThrowawayPostgres

    given = os.environ.get(PG_URL_ENV)
    if given:
        engine = make_engine(given)
        if _client_count(engine) == args.clients:
            logger.info("reusing the database at %s", PG_URL_ENV)
            yield engine, {"seed_seconds": None, "reused": True}
            return
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        upgrade(engine)
        yield engine, _seed(engine, args)
        return
    cluster = ThrowawayPostgres(durable=False)
    logger.info("starting a throwaway PostgreSQL cluster")
    cluster.start()
    try:
        engine = make_engine(cluster.create_database("bench_lookup"))
        upgrade(engine)
        yield engine, _seed(engine, args)
        engine.dispose()
    finally:
        cluster.stop()


# -- queries ---------------------------------------------------------------------------------


def _numbers(engine: Engine, args: argparse.Namespace) -> tuple[list[str], list[str], list[str]]:
    """(measured queries, warm-up queries, baseline digit strings), as people write them."""
    rng = random.Random(f"bench-lookup:{args.seed}")
    with engine.connect() as conn:
        max_id = int(conn.execute(text("SELECT max(id) FROM phones")).scalar_one())
        wanted = rng.sample(range(1, max_id + 1), min(max_id, args.queries + WARMUP_KNOWN))
        known: dict[int, tuple[str, str]] = {}
        for start in range(0, len(wanted), 5_000):
            batch = wanted[start : start + 5_000]
            ids = ", ".join(str(i) for i in batch)
            for pid, e164, raw in conn.execute(
                text(f"SELECT id, e164, raw FROM phones WHERE id IN ({ids})")
            ):
                known[pid] = (e164, raw)
        unknown: list[str] = []
        while len(unknown) < args.unknown + WARMUP_UNKNOWN:
            candidates = {
                "+7"
                + rng.choice(demo_data.MOBILE_CODES + demo_data.LANDLINE_CODES)
                + f"{rng.randrange(10_000_000):07d}"
                for _ in range(args.unknown + WARMUP_UNKNOWN)
            }
            listed = ", ".join(f"'{c}'" for c in candidates)
            taken = {
                r[0]
                for r in conn.execute(text(f"SELECT e164 FROM phones WHERE e164 IN ({listed})"))
            }
            unknown.extend(sorted(candidates - taken - set(unknown)))
        unknown = unknown[: args.unknown + WARMUP_UNKNOWN]

    def written(e164: str, raw: str | None) -> str:
        # The stored spelling now and then, otherwise any of the ways people write it.
        if raw is not None and rng.random() < 0.2:
            return raw
        return rng.choice(written_forms(e164))

    known_written = [written(*known[pid]) for pid in wanted if pid in known]
    unknown_written = [written(e164, None) for e164 in unknown]
    measured = known_written[: args.queries] + unknown_written[: args.unknown]
    warmup = known_written[args.queries :] + unknown_written[args.unknown :]
    rng.shuffle(measured)
    rng.shuffle(warmup)
    digits = [e164[-7:] for e164, _ in list(known.values())[: args.baseline_queries]]
    return measured, warmup, digits


def _timed(numbers: list[str], call: Callable[[str], Any]) -> tuple[list[float], list[Any]]:
    times: list[float] = []
    results: list[Any] = []
    clock = time.perf_counter_ns
    for number in numbers:
        start = clock()
        results.append(call(number))
        times.append((clock() - start) / 1e6)
    return times, results


def _percentile(sorted_ms: list[float], p: float) -> float:
    index = min(len(sorted_ms) - 1, max(0, round(p / 100 * len(sorted_ms) + 0.5) - 1))
    return round(sorted_ms[index], 4)


def _summary(times: list[float]) -> dict[str, Any]:
    ordered = sorted(times)
    return {
        "count": len(times),
        "p50_ms": _percentile(ordered, 50),
        "p90_ms": _percentile(ordered, 90),
        "p99_ms": _percentile(ordered, 99),
        "max_ms": round(ordered[-1], 4),
        "mean_ms": round(statistics.fmean(ordered), 4),
    }


def _old_path(engine: Engine, numbers: list[str]) -> dict[str, Any]:
    """The lookup as it ran before the one-round-trip statement (pre-ping, BEGIN, steps),
    interleaved number by number with today's, so that both see the same load."""
    from dispatcher.lookup import _lookup
    from dispatcher.phones import parse_phone

    pinged = make_engine(str(engine.url.render_as_string(hide_password=False)), pool_pre_ping=True)

    def timed(bound: Engine, number: str, one_trip: bool) -> float:
        with Session(bound) as session:
            start = time.perf_counter_ns()
            _lookup(session, number, parse_phone(number), one_trip=one_trip)
            return (time.perf_counter_ns() - start) / 1e6

    for number in numbers[:500]:
        timed(pinged, number, False)
    old: list[float] = []
    new: list[float] = []
    for number in numbers:
        old.append(timed(pinged, number, False))
        new.append(timed(engine, number, True))
    pinged.dispose()
    before, now = _summary(old), _summary(new)
    return {
        "what": "pre-ping + BEGIN + statement batches (the code before this change),"
        " alternating with the one-trip lookup on the same numbers",
        "old": before,
        "new": now,
        "ratio_p50": round(before["p50_ms"] / now["p50_ms"], 2),
        "ratio_p99": round(before["p99_ms"] / now["p99_ms"], 2),
    }


def _measure(engine: Engine, args: argparse.Namespace) -> dict[str, Any]:
    with engine.connect() as conn:
        phones = int(conn.execute(text("SELECT count(*) FROM phones")).scalar_one())
    measured, warmup, digits = _numbers(engine, args)

    def one(number: str) -> tuple[float, LookupStatus]:
        # A fresh session per call, as the pop-up opens one: the connection checkout (with
        # its pre-ping) and BEGIN happen inside lookup() and are timed; closing is not.
        with Session(engine) as session:
            start = time.perf_counter_ns()
            status = lookup(session, number).status
            elapsed = time.perf_counter_ns() - start
        return elapsed / 1e6, status

    logger.info("warming up with %d lookups", len(warmup))
    for number in warmup:
        one(number)
    gc.collect()
    gc.freeze()
    runs: list[dict[str, Any]] = []
    for run_no in range(max(1, args.runs)):
        logger.info("timing %d lookups (run %d)", len(measured), run_no + 1)
        timed = [one(number) for number in measured]
        times = [t for t, _ in timed]
        runs.append(_summary(times))
    statuses = [s for _, s in timed]
    figures: dict[str, Any] = {"phones": phones, **runs[-1]}
    if len(runs) > 1:
        figures["runs"] = [{k: r[k] for k in ("p50_ms", "p99_ms", "max_ms")} for r in runs]
        figures["p99_ms"] = max(r["p99_ms"] for r in runs)  # the worst run is the figure
    if args.old_path and engine.dialect.name == "postgresql":
        figures["old_path"] = _old_path(engine, measured[: args.old_path])
    figures["found"] = sum(1 for s in statuses if s is LookupStatus.FOUND)
    figures["unknown"] = sum(1 for s in statuses if s is LookupStatus.UNKNOWN)
    if figures["found"] != args.queries or figures["unknown"] != args.unknown:
        logger.warning("expected %d found and %d unknown", args.queries, args.unknown)

    logger.info("timing %d naive LIKE scans", len(digits))
    sql = text("SELECT client_id FROM phones WHERE raw LIKE :pattern")
    with engine.connect() as conn:
        conn.execute(sql, {"pattern": f"%{digits[0]}%"}).all()  # warm the table scan

        def scan(tail: str) -> list[Any]:
            return list(conn.execute(sql, {"pattern": f"%{tail}%"}).all())

        baseline, _ = _timed(digits, scan)
    gc.unfreeze()
    base = _summary(baseline)
    figures["baseline"] = {
        "query": "SELECT client_id FROM phones WHERE raw LIKE '%<last 7 digits>%'",
        "count": base["count"],
        "p50_ms": base["p50_ms"],
        "p99_ms": base["p99_ms"],
        "ratio": round(base["p50_ms"] / figures["p50_ms"], 1),
    }
    logger.info(
        "p50 %.3f ms, p99 %.3f ms, baseline p50 %.1f ms",
        figures["p50_ms"],
        figures["p99_ms"],
        base["p50_ms"],
    )
    return figures

"""Lookups in the first 30 s after a start with the database file out of the page cache,
with the workspace's background pre-warm (`dispatcher.prewarm`) and without it (baseline).

Each phase: the file's pages are evicted (posix_fadvise DONTNEED on the database file only:
the box is shared, and dropping every cache would slow the other people's runs), a fresh
engine is opened, and lookups of known and unknown numbers run one every --interval-ms for
--seconds, each timed; in the warmed phase the pre-warm runs meanwhile on its own thread,
as the workspace starts it right after showing the window.
"""

from __future__ import annotations

import argparse
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bench import machine
from bench.first_call import resident_bytes
from bench.lookup import _numbers, _sqlite, _summary
from dispatcher.db import make_engine
from dispatcher.lookup import lookup
from dispatcher.prewarm import Prewarmed, prewarm_database

logger = logging.getLogger("bench.cold_start")

TARGET_P99_MS = 5.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `python -m bench cold_start`."""
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db-dir", help="the lookup benchmark's directory (its file is reused)")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--interval-ms", type=float, default=20.0)
    parser.add_argument("--no-baseline", action="store_true", help="skip the phase without")


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Time lookups after evicting the file, without and with the pre-warm."""
    # _numbers() wants these options of the lookup benchmark.
    args.queries, args.unknown, args.baseline_queries = 3_000, 300, 1
    result: dict[str, Any] = {
        "benchmark": "cold_start",
        "machine": machine.describe(),
        "clients": args.clients,
        "seconds": args.seconds,
        "interval_ms": args.interval_ms,
        "target_p99_ms": TARGET_P99_MS,
        "load_average": os.getloadavg(),
    }
    with _sqlite(args) as (engine, _seeded):
        path = Path(engine.url.database or "")
        measured, spare, _ = _numbers(engine, args)
        engine.dispose()
        if not args.no_baseline:
            result["without_prewarm"] = _phase(path, spare, args, warm=False)
        result["with_prewarm"] = _phase(path, measured, args, warm=True)
    result["met"] = result["with_prewarm"]["first_30_s"]["p99_ms"] <= TARGET_P99_MS
    return result


def _evict(path: Path) -> dict[str, Any]:
    os.sync()  # dirty pages cannot be dropped
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if name.exists():
            fd = os.open(name, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)
    return {"method": "posix_fadvise(DONTNEED) on the file", "resident": resident_bytes(path)}


def _phase(path: Path, numbers: list[str], args: argparse.Namespace, warm: bool) -> dict[str, Any]:
    evicted = _evict(path)
    logger.info("evicted %s (%s bytes left); prewarm=%s", path, evicted["resident"], warm)
    engine: Engine = make_engine(str(path))
    started = time.perf_counter()
    warmed: list[Prewarmed] = []
    if warm:
        threading.Thread(
            target=lambda: warmed.append(prewarm_database(engine, background=True)), daemon=True
        ).start()
    samples: list[tuple[float, float]] = []  # (seconds since start, ms)
    for number in numbers:
        at = time.perf_counter() - started
        if at > args.seconds:
            break
        with Session(engine) as session:
            t0 = time.perf_counter_ns()
            lookup(session, number)
            samples.append((at, (time.perf_counter_ns() - t0) / 1e6))
        pause = args.interval_ms / 1e3 - (time.perf_counter() - started - at)
        if pause > 0:
            time.sleep(pause)
    deadline = time.perf_counter() + 300
    while warm and not warmed and time.perf_counter() < deadline:
        time.sleep(0.1)
    engine.dispose()
    out: dict[str, Any] = {
        "page_cache": evicted,
        "first_30_s": _summary([ms for _, ms in samples]),
        "first_5_s": _summary([ms for at, ms in samples if at < 5] or [0.0]),
        "after_5_s": _summary([ms for at, ms in samples if at >= 5] or [0.0]),
        "slowest": sorted(((round(ms, 1), round(at, 2)) for at, ms in samples), reverse=True)[:5],
    }
    if warmed:
        out["prewarm"] = {"ms": warmed[0].ms, "relations": len(warmed[0].relations)}
    logger.info("%s: p99 %.2f ms", "warmed" if warm else "cold", out["first_30_s"]["p99_ms"])
    return out

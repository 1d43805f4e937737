"""The sync service on PostgreSQL: task lists per worker count, thousands of parked long polls,
and a write through one instance waking a phone parked on another.

1. task lists: `courier-sync serve --workers N` for each N of --workers (default 1, 2, 4);
   couriers with a device token each ask for their day's list (as `bench sync` does) as fast
   as --connections keep-alive connections allow. N = 1 is the baseline of the ratios.
2. long polls: one instance (one worker) holds one `changes` long poll per courier for
   --polls couriers at once; a site write for a random courier is timed until that courier's
   poll answers with the new revision (write sent → phone woken), --wakes times. The service
   process's peak RSS is sampled throughout; polls that answer early without news count as
   spurious wakes.
3. two instances on one database (two ports): a phone parks on the first, the write goes
   through the second; the same write through the first is the baseline.

The service database is a throwaway PostgreSQL cluster unless --service-db is given.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import logging
import random
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests

from bench import machine
from bench.long_poll import _woken
from bench.stats import summary
from bench.sync import _load, _payload, service_process
from courier_sync.server import auth
from courier_sync.server.db import make_engine, writing
from courier_sync.server.migrate import upgrade

logger = logging.getLogger("bench.service")
TARGETS = {
    "task_list_rps": 1500.0,
    "long_poll_wake_p99_ms": 1000.0,
    "long_poll_rss_mb": 300.0,
    "cross_instance_wake_max_ms": 1000.0,
}
POLL_WAIT_S = 25  # what a phone asks for at most; the service allows up to 30
PARK_S = 3.0  # after every phone has its first answer, time for the long polls to park


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `python -m bench service`."""
    parser.add_argument("--workers", default="1,2,4", help="worker counts to measure, e.g. 1,2,4")
    parser.add_argument("--couriers", type=int, default=500, help="couriers asking for lists")
    parser.add_argument("--tasks", type=int, default=20, help="tasks in each courier's day")
    parser.add_argument("--rps-seconds", type=float, default=10.0, help="task-list load time")
    parser.add_argument("--connections", type=int, default=32, help="task-list connections")
    parser.add_argument("--polls", type=int, default=5000, help="long polls held at once")
    parser.add_argument("--wakes", type=int, default=200, help="writes timed to the right phone")
    parser.add_argument("--cross-rounds", type=int, default=20, help="two-instance wakes timed")
    parser.add_argument("--service-db", help="PostgreSQL URL (default: a throwaway cluster)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--http-stack",
        choices=("auto", "asyncio"),
        default="auto",
        help="the service's --http-stack: auto (uvloop + httptools when installed) or asyncio",
    )


def _stack_in_use(choice: str) -> str:
    """What uvicorn runs on with this --http-stack: its loop and HTTP parser."""
    import importlib.util

    fast = all(importlib.util.find_spec(m) for m in ("uvloop", "httptools"))
    return "uvloop+httptools" if choice == "auto" and fast else "asyncio+h11"


def _stack(args: argparse.Namespace) -> list[str]:
    """The service's --http-stack option for this run."""
    return ["--http-stack", args.http_stack]


@contextlib.contextmanager
def _database(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    from devtools.postgres import ThrowawayPostgres

    # Four workers with their pools, plus the polls' threads: more than the default 100.
    cluster = ThrowawayPostgres(durable=True, settings=("max_connections=400",))
    cluster.start()
    try:
        yield cluster.create_database("bench_service")
    finally:
        cluster.stop()


def _tokens(url: str, couriers: int) -> tuple[str, dict[int, str]]:
    """A site key and one device token per courier (expiring, as paired phones get them)."""
    engine = make_engine(url)
    upgrade(engine)
    with writing(engine) as conn:
        site, _ = auth.issue_on(conn, auth.KIND_SITE, name="bench")
        tokens = {
            c: auth.issue_on(conn, auth.KIND_DEVICE, c, lifetime=dt.timedelta(days=1))[0]
            for c in range(1, couriers + 1)
        }
    engine.dispose()
    return site, tokens


def _seed_tasks(url: str, site_key: str, couriers: int, per_courier: int, day: dt.date) -> int:
    """Each courier's day of tasks, sent through the site's batch endpoint as the relay does."""
    site = requests.Session()
    site.headers["Authorization"] = f"Bearer {site_key}"
    ops = []
    for n in range(couriers * per_courier):
        task = _payload(uuid.uuid4().hex, 1 + n % couriers, day, n)
        ops.append({"op": "upsert", "task": task})
    for start in range(0, len(ops), 200):
        reply = site.post(
            f"{url}/api/v1/site/tasks:batch", json={"items": ops[start : start + 200]}, timeout=60
        )
        reply.raise_for_status()
    return len(ops)


def rss_mb(pid: int) -> float:
    """Resident memory of a process (MB), 0 when it is gone."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def http_request(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes = b"",
) -> tuple[int, bytes]:
    """One HTTP/1.1 request on a keep-alive connection: the status and the body."""
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    writer.write(head.encode() + b"\r\n" + body)
    status = int((await reader.readline()).split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return status, await reader.readexactly(length)


async def _exchange(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    method: str,
    path: str,
    token: str,
    body: bytes = b"",
) -> tuple[int, bytes]:
    """One request with a bearer token (a phone's or the site's)."""
    return await http_request(
        reader, writer, method, path, {"Authorization": f"Bearer {token}"}, body
    )


async def _long_polls(
    port: int, pid: int, site_key: str, tokens: dict[int, str], wakes: int, seed: int
) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    rng = random.Random(seed)
    day = dt.date.today() + dt.timedelta(days=2)
    pending: dict[int, float] = {}
    samples: list[float] = []
    counts = {"ready": 0, "errors": 0, "spurious": 0, "unexpected": 0}
    ready = asyncio.Event()
    connecting = asyncio.Semaphore(100)  # the listen backlog must not overflow
    peak = [rss_mb(pid)]

    async def phone(courier_id: int, token: str) -> None:
        async with connecting:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        path = "/api/v1/courier/changes"
        try:
            _status, body = await _exchange(reader, writer, "GET", path, token)
            revision = json.loads(body)["revision"]
            counts["ready"] += 1
            if counts["ready"] == len(tokens):
                ready.set()
            # Phones started at different moments: their polls must not all end together.
            wait = POLL_WAIT_S - 5 + 5 * random.Random(courier_id).random()
            while True:
                began = loop.time()
                query = f"{path}?after={revision}&wait={wait:.1f}"
                status, body = await _exchange(reader, writer, "GET", query, token)
                if status != 200:
                    counts["errors"] += 1
                    await asyncio.sleep(1)
                    continue
                now, new = time.perf_counter(), json.loads(body)["revision"]
                if new != revision:
                    wrote = pending.pop(courier_id, None)
                    if wrote is None:
                        counts["unexpected"] += 1
                    else:
                        samples.append((now - wrote) * 1000)
                elif loop.time() - began < wait - 1:
                    counts["spurious"] += 1
                revision = new
        finally:
            writer.close()

    async def watch_memory() -> None:
        while True:
            peak[0] = max(peak[0], rss_mb(pid))
            await asyncio.sleep(0.5)

    phones = [asyncio.create_task(phone(c, t)) for c, t in tokens.items()]
    memory = asyncio.create_task(watch_memory())
    try:
        await asyncio.wait_for(ready.wait(), 300)
        logger.info("long polls: %d phones parked, RSS %.0f MB", len(tokens), rss_mb(pid))
        await asyncio.sleep(PARK_S)
        parked_rss = rss_mb(pid)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        ids = list(tokens)
        for n in range(wakes):
            courier_id = rng.choice([c for c in rng.sample(ids, 8) if c not in pending] or ids)
            task = _payload(uuid.uuid4().hex, courier_id, day, n)
            pending[courier_id] = time.perf_counter()
            status, _ = await _exchange(
                reader,
                writer,
                "PUT",
                f"/api/v1/site/tasks/{task['task_id']}",
                site_key,
                json.dumps(task).encode(),
            )
            if status != 200:
                raise RuntimeError(f"the site write answered {status}")
            if n % 20 == 19:
                logger.info("long polls: %d writes, %d phones woken", n + 1, len(samples))
            await asyncio.sleep(rng.uniform(0.02, 0.08))
        deadline = loop.time() + 10
        while pending and loop.time() < deadline:
            await asyncio.sleep(0.05)
        writer.close()
    finally:
        for task in [*phones, memory]:
            task.cancel()
        await asyncio.gather(*phones, memory, return_exceptions=True)
    return {
        "polls": len(tokens),
        "wakes": wakes,
        "woken": len(samples),
        "missed": len(pending),
        "wake": summary(samples, 1),
        "spurious_wakes": counts["spurious"],
        "unexpected_answers": counts["unexpected"],
        "errors": counts["errors"],
        "rss_parked_mb": round(parked_rss, 1),
        "rss_peak_mb": round(peak[0], 1),
    }


def _cross_instance(url: str, site_key: str, token: str, rounds: int, tmp: Path) -> dict[str, Any]:
    site, phone = requests.Session(), requests.Session()
    site.headers["Authorization"] = f"Bearer {site_key}"
    phone.headers["Authorization"] = f"Bearer {token}"
    day = dt.date.today() + dt.timedelta(days=3)
    counter = iter(range(1_000_000))

    def put(base: str) -> None:
        task = _payload(uuid.uuid4().hex, 1, day, next(counter))
        reply = site.put(f"{base}/api/v1/site/tasks/{task['task_id']}", json=task, timeout=10)
        reply.raise_for_status()

    def revision(base: str) -> int:
        return int(phone.get(f"{base}/api/v1/courier/changes", timeout=10).json()["revision"])

    def parked(base: str, rev: int) -> None:
        changes = phone.get(
            f"{base}/api/v1/courier/changes", params={"after": rev, "wait": 10}, timeout=30
        ).json()
        if changes["revision"] == rev:
            raise RuntimeError("the parked poll ran out without the write")

    same, other = [], []
    with (
        service_process(url, 1, tmp / "first.log") as (first, _),
        service_process(url, 1, tmp / "second.log") as (second, _),
    ):
        for _ in range(rounds):
            rev = revision(first)
            same.append(_woken(lambda r=rev: parked(first, r), lambda: put(first)) * 1000)
            rev = revision(first)
            other.append(_woken(lambda r=rev: parked(first, r), lambda: put(second)) * 1000)
    result = {
        "rounds": rounds,
        "same_instance": summary(same, 1),
        "other_instance": summary(other, 1),
    }
    result["ratio_p99"] = round(
        result["other_instance"]["p99_ms"] / result["same_instance"]["p99_ms"], 1
    )
    return result


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Start the service on PostgreSQL and run the three measurements."""
    logging.getLogger("courier_sync").setLevel(logging.WARNING)
    workers = [int(w) for w in str(args.workers).split(",") if w.strip()]
    tmp = Path(tempfile.mkdtemp(prefix="bench-service-"))
    try:
        with _database(args.service_db) as url:
            return _run(args, url, workers, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _run(args: argparse.Namespace, url: str, workers: list[int], tmp: Path) -> dict[str, Any]:
    site_key, tokens = _tokens(url, max(args.couriers, args.polls))
    day = dt.date.today() + dt.timedelta(days=1)
    result: dict[str, Any] = {
        "benchmark": "service",
        "machine": machine.describe(),
        "service_db": url.split(":", 1)[0],
        "http_stack": _stack_in_use(args.http_stack),
        "targets": TARGETS,
    }
    lists: dict[str, Any] = {"couriers": args.couriers, "tasks_per_courier": args.tasks}
    list_tokens = [tokens[c] for c in range(1, args.couriers + 1)]
    for n in workers:
        with service_process(url, n, tmp / f"workers{n}.log", *_stack(args)) as (base, _):
            if "seeded" not in lists:
                lists["seeded"] = _seed_tasks(base, site_key, args.couriers, args.tasks, day)
            logger.info("task lists: %d worker(s), %.0f s", n, args.rps_seconds)
            port = int(base.rsplit(":", 1)[1])
            ok, errors, latencies = asyncio.run(
                _load(port, list_tokens, day, args.rps_seconds, args.connections, args.seed)
            )
        lists[f"workers_{n}"] = {
            "requests": ok,
            "errors": errors,
            "rps": round(ok / args.rps_seconds),
            **summary([x * 1000 for x in latencies], 1),
        }
        logger.info("task lists, %d worker(s): %s", n, lists[f"workers_{n}"])
    base_rps = lists.get("workers_1", {}).get("rps")
    for n in workers:
        if base_rps:
            lists[f"workers_{n}"]["ratio_to_1"] = round(lists[f"workers_{n}"]["rps"] / base_rps, 2)
    result["task_lists"] = lists
    best = max(lists[f"workers_{n}"]["rps"] for n in workers)

    logger.info("long polls: %d parked on one instance", args.polls)
    poll_tokens = {c: tokens[c] for c in range(1, args.polls + 1)}
    with service_process(url, 1, tmp / "polls.log", *_stack(args)) as (base, proc):
        port = int(base.rsplit(":", 1)[1])
        polls = asyncio.run(
            _long_polls(port, proc.pid, site_key, poll_tokens, args.wakes, args.seed)
        )
    result["long_polls"] = polls

    logger.info("two instances: %d wakes across", args.cross_rounds)
    cross = _cross_instance(url, site_key, tokens[1], args.cross_rounds, tmp)
    result["two_instances"] = cross
    result["met"] = {
        "task_list_rps": best >= TARGETS["task_list_rps"],
        "long_poll_wake_p99_ms": polls["missed"] == 0
        and polls["wake"]["p99_ms"] <= TARGETS["long_poll_wake_p99_ms"],
        "long_poll_rss_mb": polls["rss_peak_mb"] < TARGETS["long_poll_rss_mb"],
        "cross_instance_wake_max_ms": cross["other_instance"]["max_ms"]
        <= TARGETS["cross_instance_wake_max_ms"],
    }
    return result

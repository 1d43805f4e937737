"""Courier sync: DELIVERY-to-phone latency, relay throughput on a backlog, task-list requests/s.

1. latency: an order is committed into DELIVERY; the clock runs until the task shows in its
   courier's task list (`GET /api/v1/courier/tasks`), with the relay's normal settings
   (in-process `Relay.start()`, as the desktop runs it).
2. throughput: 10,000 outbox messages are waiting; the relay drains them (`run_once`).
3. task lists: 500 couriers with a device token each ask for their day's list as fast as
   32 keep-alive connections allow (an asyncio HTTP/1.1 client, in this process).

The service runs as `python -m courier_sync serve` in a subprocess, on SQLite by default.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import logging
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests
from sqlalchemy.orm import Session, sessionmaker

from courier_sync.client.relay import Relay, RelaySettings
from courier_sync.server import auth
from courier_sync.server.db import make_engine as make_service_engine
from courier_sync.server.migrate import upgrade as upgrade_service
from dispatcher import orders, outbox
from dispatcher.catalog import add_product
from dispatcher.clients import AddressInput, NewClient, add_client
from dispatcher.couriers import add_courier
from dispatcher.db import make_engine, session_factory, unit_of_work
from dispatcher.migrate import upgrade
from dispatcher.models import ClientKind, Courier

logger = logging.getLogger("bench.sync")
ROOT = Path(__file__).resolve().parents[1]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `python -m bench sync`."""
    parser.add_argument("--latency-orders", type=int, default=200, help="orders timed one by one")
    parser.add_argument("--backlog", type=int, default=10_000, help="outbox messages to drain")
    parser.add_argument("--couriers", type=int, default=500, help="couriers asking for lists")
    parser.add_argument("--rps-seconds", type=float, default=10.0, help="task-list load time")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections")
    parser.add_argument("--workers", type=int, default=1, help="service worker processes")
    parser.add_argument("--service-db", help="service database URL (default: SQLite in a temp dir)")
    parser.add_argument("--db", help="dispatcher database URL (default: SQLite in a temp dir)")
    parser.add_argument("--seed", type=int, default=7)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@contextlib.contextmanager
def service_process(
    db_url: str, workers: int, log: Path, *extra: str
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`courier-sync serve` in a subprocess on a free port: its URL and process, once healthy."""
    port = _free_port()
    cmd = [sys.executable, "-m", "courier_sync", "serve", "--db", db_url, *extra]
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [*cmd, "--port", str(port), "--workers", str(workers)],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(requests.RequestException):
                if requests.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the sync service did not start: see {log}")
            time.sleep(0.05)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextlib.contextmanager
def _service(db_url: str, workers: int, log: Path) -> Iterator[str]:
    with service_process(db_url, workers, log) as (url, _proc):
        yield url


def _world(
    sessions: sessionmaker[Session], couriers: int
) -> tuple[list[int], list[tuple[int, int]]]:
    with unit_of_work(sessions) as s:
        add_product(s, "W19", "Вода 19 л", 35000)
        ids = [add_courier(s, f"Курьер {i}").id for i in range(couriers)]
        clients = []
        for i in range(20):
            client = add_client(
                s,
                NewClient(
                    ClientKind.PERSON,
                    f"Клиент {i}",
                    phones=[f"+7916{2_000_000 + i:07d}"],
                    addresses=[AddressInput(f"г. Москва, ул. Скорости, д. {i}", flat=str(i))],
                ),
            )
            clients.append((client.id, client.addresses[0].id))
    return ids, clients


def _latency(
    sessions: sessionmaker[Session],
    relay: Relay,
    url: str,
    tokens: dict[int, str],
    couriers: list[int],
    clients: list[tuple[int, int]],
    day: dt.date,
    count: int,
    rng: random.Random,
) -> list[float]:
    phones = {}
    for courier_id in couriers[:5]:
        phone = requests.Session()
        phone.headers["Authorization"] = f"Bearer {tokens[courier_id]}"
        phones[courier_id] = phone
    samples = []
    relay.start()
    try:
        for _ in range(count):
            courier_id = rng.choice(list(phones))
            client_id, address_id = rng.choice(clients)
            with unit_of_work(sessions) as s:
                order = orders.create_order(
                    s, client_id, [orders.LineInput("W19", 2)], actor="bench", address_id=address_id
                )
                orders.send_to_delivery(s, order.id, orders.Slot(courier_id, day), actor="bench")
                order_id = order.id
            committed = time.perf_counter()
            # The desktop calls wake() after such a commit; without it the relay's 50 ms
            # idle poll finds the message anyway. We measure the plain poll (worst case).
            phone = phones[courier_id]
            while True:
                tasks = phone.get(
                    f"{url}/api/v1/courier/tasks", params={"date": day.isoformat()}, timeout=5
                ).json()["tasks"]
                if any(t["order_id"] == order_id for t in tasks):
                    break
                if time.perf_counter() - committed > 10:
                    raise RuntimeError(f"order {order_id} did not reach the phone in 10 s")
                time.sleep(0.002)
            samples.append(time.perf_counter() - committed)
            time.sleep(rng.uniform(0.0, 0.05))
    finally:
        relay.stop()
    return samples


def _payload(task_id: str, courier_id: int, day: dt.date, n: int) -> dict[str, Any]:
    return {
        "task_id": task_id,
        "version": 1,
        "order_id": 100_000 + n,
        "courier_id": courier_id,
        "date": day.isoformat(),
        "window_start": f"{9 + n % 9:02d}:00",
        "window_end": f"{10 + n % 9:02d}:00",
        "address": {
            "text": f"г. Москва, Большая Очередь ул., д. {n}",
            "entrance": "1",
            "floor": str(n % 17),
            "flat": str(n),
            "notes": "",
            "lat": None,
            "lon": None,
        },
        "client_name": f"Клиент {n}",
        "contact_name": None,
        "contact_phones": ["+79161234567"],
        "items": [{"code": "W19", "name": "Вода 19 л", "qty": 2, "price_kop": 35000}],
        "amount_kop": 70000,
        "payment_method": "cash",
        "comment": "",
    }


def _throughput(
    sessions: sessionmaker[Session], relay: Relay, couriers: list[int], day: dt.date, backlog: int
) -> float:
    with unit_of_work(sessions) as s:
        for n in range(backlog):
            task_id = uuid.uuid4().hex
            courier_id = couriers[n % len(couriers)]
            outbox.enqueue(
                s, outbox.TOPIC_TASK_UPSERT, task_id, _payload(task_id, courier_id, day, n)
            )
    started = time.perf_counter()
    totals = relay.run_once()
    elapsed = time.perf_counter() - started
    if totals["sent"] != backlog:
        raise RuntimeError(f"the relay sent {totals['sent']} of {backlog}")
    return elapsed


async def _load(
    port: int, tokens: list[str], day: dt.date, seconds: float, connections: int, seed: int
) -> tuple[int, int, list[float]]:
    ok = 0
    errors = 0
    latencies: list[float] = []
    stop_at = time.perf_counter() + seconds

    async def client(index: int) -> None:
        nonlocal ok, errors
        rng = random.Random(seed + index)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < stop_at:
                token = tokens[rng.randrange(len(tokens))]
                request = (
                    f"GET /api/v1/courier/tasks?date={day.isoformat()} HTTP/1.1\r\n"
                    f"Host: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\r\n"
                ).encode()
                began = time.perf_counter()
                writer.write(request)
                status = int((await reader.readline()).split()[1])
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                await reader.readexactly(length)
                latencies.append(time.perf_counter() - began)
                if status == 200:
                    ok += 1
                else:
                    errors += 1
        finally:
            writer.close()

    await asyncio.gather(*(client(i) for i in range(connections)))
    return ok, errors, latencies


def run(args: argparse.Namespace | list[str]) -> dict[str, Any]:
    """Run the three measurements and return the figures (latencies in ms)."""
    if not isinstance(args, argparse.Namespace):
        parser = argparse.ArgumentParser(prog="python -m bench sync")
        add_arguments(parser)
        args = parser.parse_args(args)
    logging.getLogger("courier_sync").setLevel(logging.WARNING)
    logging.getLogger("dispatcher").setLevel(logging.WARNING)
    rng = random.Random(args.seed)
    tmp = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    try:
        return _run(args, tmp, rng)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _run(args: argparse.Namespace, tmp: Path, rng: random.Random) -> dict[str, Any]:
    db_url = args.db or f"sqlite:///{tmp / 'dispatch.sqlite3'}"
    engine = make_engine(db_url)
    upgrade(engine)
    sessions = session_factory(engine)
    couriers, clients = _world(sessions, args.couriers)
    day = orders.moscow_today() + dt.timedelta(days=1)

    service_db = args.service_db or f"sqlite:///{tmp / 'sync.sqlite3'}"
    service_engine = make_service_engine(service_db)
    upgrade_service(service_engine)
    site_key = auth.issue(service_engine, auth.KIND_SITE, name="bench")
    tokens = {c: auth.issue(service_engine, auth.KIND_DEVICE, c) for c in couriers}
    service_engine.dispose()
    result: dict[str, Any] = {
        "service_db": service_db.split(":", 1)[0],
        "dispatcher_db": db_url.split(":", 1)[0],
        "service_workers": args.workers,
    }
    with contextlib.suppress(ImportError):
        from bench import machine

        result["machine"] = machine.describe()
    with _service(service_db, args.workers, tmp / "service.log") as url:
        settings = RelaySettings(sync_url=url, api_key=site_key)
        relay = Relay(sessions, settings)

        logger.info("latency: %d orders one by one", args.latency_orders)
        samples = _latency(
            sessions, relay, url, tokens, couriers, clients, day, args.latency_orders, rng
        )
        result |= {
            "latency_orders": len(samples),
            "latency_p50_ms": round(_pct(samples, 0.50) * 1000, 1),
            "latency_p99_ms": round(_pct(samples, 0.99) * 1000, 1),
            "latency_max_ms": round(max(samples) * 1000, 1),
            "latency_mean_ms": round(statistics.mean(samples) * 1000, 1),
            "relay_poll_interval_ms": round(settings.poll_interval * 1000),
        }

        logger.info("throughput: draining %d outbox messages", args.backlog)
        elapsed = _throughput(sessions, Relay(sessions, settings), couriers, day, args.backlog)
        result |= {
            "backlog": args.backlog,
            "relay_drain_ms": round(elapsed * 1000),
            "relay_tasks_per_s": round(args.backlog / elapsed),
            "relay_batch_size": settings.batch_size,
        }

        logger.info("task lists: %d couriers for %.0f s", len(couriers), args.rps_seconds)
        port = int(url.rsplit(":", 1)[1])
        with sessions() as s:
            listed = s.query(Courier).count()
        ok, errors, latencies = asyncio.run(
            _load(
                port,
                list(tokens.values()),
                day,
                args.rps_seconds,
                args.connections,
                args.seed,
            )
        )
        result |= {
            "task_list_couriers": listed,
            "task_list_tasks_per_courier": args.backlog // max(1, len(couriers)),
            "task_list_connections": args.connections,
            "task_list_requests": ok,
            "task_list_errors": errors,
            "task_list_rps": round(ok / args.rps_seconds),
            "task_list_p50_ms": round(_pct(latencies, 0.50) * 1000, 1) if latencies else None,
            "task_list_p99_ms": round(_pct(latencies, 0.99) * 1000, 1) if latencies else None,
        }
    engine.dispose()
    return result


def main() -> None:
    """`python -m bench.sync` without the bench harness."""
    import json

    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    print(json.dumps(run(sys.argv[1:]), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()

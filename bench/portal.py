"""The client portal under load on PostgreSQL: signed-in clients' home screens refreshing while
portal orders are placed and a desk's relay brings them into the operators' queue.

Set-up (not measured): a desk database with --clients private clients, each invited through
the desk's operation; the desk's relay (`courier-sync relay`, its own process) carries the
invitations and the clients' data to the service's portal batch; each client redeems its
code through the portal API (Argon2id, so this takes a while) and keeps its session cookie.

Measured for --seconds: every client loads what the home screen loads (GET /me, /deliveries,
/orders) once per --period seconds, the clients spread evenly over the period, each refresh on
a new connection as a browser's after the service's 5 s keep-alive; meanwhile
--orders-per-second orders are posted by random clients. Page data latency is per request (the
first of a refresh includes the connect); order → queue is from the POST's answer to the order's
row being visible through dispatcher's `portal_queue` operation (looked at every --look-ms).
At the end every placed order must be in the queue exactly once.

The load generator is one process: one asyncio loop for all clients plus one thread looking at
the queue. The service and the relay run in their own processes; the databases are a throwaway
PostgreSQL cluster unless --service-db and --desk-db are given.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bench import machine
from bench.service import http_request
from bench.stats import summary
from bench.sync import ROOT, service_process
from courier_sync.server import auth
from courier_sync.server.db import make_engine as make_service_engine
from courier_sync.server.db import writing
from courier_sync.server.migrate import upgrade as upgrade_service
from courier_sync.server.portal_auth import COOKIE
from dispatcher import outbox
from dispatcher.catalog import add_product
from dispatcher.clients import AddressInput, NewClient, add_client
from dispatcher.couriers import add_courier
from dispatcher.db import make_engine, session_factory, unit_of_work
from dispatcher.migrate import upgrade
from dispatcher.models import ClientKind, PortalRequest, UserRole
from dispatcher.operations import portal as ops
from dispatcher.users import Actor

logger = logging.getLogger("bench.portal")
TARGETS = {"page_p99_ms": 200.0, "order_to_queue_p99_ms": 2000.0}
PAGES = ("/me", "/deliveries", "/orders")
API = "/portal/api/v1"
OPERATOR = Actor("bench", "Bench operator", UserRole.OPERATOR)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `python -m bench portal`."""
    parser.add_argument("--clients", type=int, default=2000, help="signed-in portal clients")
    parser.add_argument("--seconds", type=float, default=120.0, help="measured time")
    parser.add_argument("--period", type=float, default=15.0, help="home refresh period, s")
    parser.add_argument("--orders-per-second", type=float, default=2.0, help="orders placed")
    parser.add_argument("--workers", type=int, default=1, help="service worker processes")
    parser.add_argument("--look-ms", type=float, default=50.0, help="queue look interval, ms")
    parser.add_argument("--service-db", help="PostgreSQL URL of the service (default: throwaway)")
    parser.add_argument("--desk-db", help="PostgreSQL URL of the desk (default: throwaway)")
    parser.add_argument("--seed", type=int, default=7)


@contextlib.contextmanager
def _databases(service_db: str | None, desk_db: str | None) -> Iterator[tuple[str, str]]:
    if service_db and desk_db:
        yield service_db, desk_db
        return
    from devtools.postgres import ThrowawayPostgres

    # Thousands of keep-alive clients share the service's pool, not connections of their own.
    cluster = ThrowawayPostgres(durable=True, settings=("max_connections=200",))
    cluster.start()
    try:
        yield (
            service_db or cluster.create_database("bench_portal_service"),
            desk_db or cluster.create_database("bench_portal_desk"),
        )
    finally:
        cluster.stop()


def _seed_desk(sessions: sessionmaker[Session], clients: int) -> list[int]:
    """Water, three couriers and ``clients`` private clients with an address; their ids."""
    ids: list[int] = []
    with unit_of_work(sessions) as s:
        add_product(s, "W19", "Вода 19 л", 35000)
        for n in range(3):
            add_courier(s, f"Курьер {n}")
    for start in range(0, clients, 500):
        with unit_of_work(sessions) as s:
            for i in range(start, min(clients, start + 500)):
                client = add_client(
                    s,
                    NewClient(
                        ClientKind.PERSON,
                        f"Клиент портала {i}",
                        phones=[f"+7915{3_000_000 + i:07d}"],
                        addresses=[AddressInput(f"г. Москва, ул. Нагрузочная, д. {i}")],
                    ),
                )
                ids.append(client.id)
    return ids


def _invite(sessions: sessionmaker[Session], client_ids: list[int], url: str) -> list[str]:
    """Invite every client as an operator does; the one-time codes."""
    codes: list[str] = []
    for start in range(0, len(client_ids), 200):
        with unit_of_work(sessions) as s:
            for client_id in client_ids[start : start + 200]:
                invitation = ops.invite_to_portal(
                    s, client_id, actor=OPERATOR, portal_url=f"{url}/portal/"
                )
                codes.append(invitation.code)
    return codes


@contextlib.contextmanager
def _relay(desk_db: str, url: str, site_key: str, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`courier-sync relay` for the desk, as a headless desk runs it."""
    cmd = [sys.executable, "-m", "courier_sync", "relay", "--db", desk_db, "--sync-url", url]
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [*cmd, "--feed-wait", "20"],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "COURIER_SYNC_API_KEY": site_key},
        )
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def _wait(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.2)


def _redeem(url: str, codes: list[str]) -> list[str]:
    """Each code redeemed through the portal API; the session cookies, in the codes' order."""

    def one(n_code: tuple[int, str]) -> str:
        n, code = n_code
        answer = requests.post(
            f"{url}{API}/redeem",
            json={"code": code, "login": f"client{n}@bench.example", "password": f"pw-{code}"},
            headers={"X-Portal": "1"},
            timeout=120,
        )
        answer.raise_for_status()
        return str(answer.cookies[COOKIE])

    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(one, enumerate(codes)))


async def _http(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    method: str,
    path: str,
    cookie: str,
    body: bytes = b"",
) -> tuple[int, bytes]:
    """One request with the session cookie (and the portal's header on a POST)."""
    headers = {"Cookie": f"{COOKIE}={cookie}"} | ({"X-Portal": "1"} if body else {})
    return await http_request(reader, writer, method, path, headers, body)


class Load:
    """The clients' refreshes and the orders, timed."""

    def __init__(self, url: str, cookies: list[str], args: argparse.Namespace) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cookies = cookies
        self.args = args
        self.pages: list[float] = []
        self.errors: Counter[str] = Counter()
        self.answered: dict[str, float] = {}  # request_id -> monotonic time of the 201
        self.rng = random.Random(args.seed)

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection(self.host, self.port)

    async def client(self, n: int, end: float, connecting: asyncio.Semaphore) -> None:
        """One client's home screen, refreshed every period until ``end``."""
        period = self.args.period
        await asyncio.sleep(period * n / len(self.cookies))  # spread over the period
        loop = asyncio.get_running_loop()
        next_at = loop.time()
        while next_at < end:
            # A refresh comes 15 s after the last, past the service's keep-alive (5 s): the
            # browser opens a new connection for it, so does this client, and its first
            # request's time includes the connect.
            began = loop.time()
            try:
                async with connecting:
                    conn = await self._connect()
                for page in PAGES:
                    status, _ = await _http(*conn, "GET", API + page, self.cookies[n])
                    if status == 200:
                        self.pages.append((loop.time() - began) * 1000)
                    else:
                        self.errors[f"page {status}"] += 1
                    began = loop.time()
                conn[1].close()
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
                self.errors[f"page {type(exc).__name__}"] += 1
            next_at += period
            await asyncio.sleep(max(0.0, next_at - loop.time()))

    async def orders(self, end: float, catalog: dict[str, Any]) -> None:
        """Orders from random clients at the given rate, each on a connection of its own."""
        loop = asyncio.get_running_loop()
        window = catalog["windows"][0]
        step = 1.0 / self.args.orders_per_second
        next_at = loop.time()
        placing: set[asyncio.Task[None]] = set()

        async def place() -> None:
            request_id = uuid.uuid4().hex
            body = {
                "request_id": request_id,
                "items": [{"code": "W19", "qty": 2}],
                "date": catalog["last_date"],
                "window_start": window["start"],
                "window_end": window["end"],
                "comment": "",
            }
            cookie = self.rng.choice(self.cookies)
            try:
                conn = await self._connect()
                status, _ = await _http(
                    *conn, "POST", API + "/orders", cookie, json.dumps(body).encode()
                )
                conn[1].close()
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                status = 0
            if status == 201:
                self.answered[request_id] = time.monotonic()
            else:
                self.errors[f"order {status or 'no answer'}"] += 1

        while next_at < end:
            task = asyncio.create_task(place())
            placing.add(task)
            task.add_done_callback(placing.discard)
            next_at += step
            await asyncio.sleep(max(0.0, next_at - loop.time()))
        await asyncio.gather(*placing)

    async def run(self, catalog: dict[str, Any]) -> None:
        """All clients and the orders for --seconds."""
        end = asyncio.get_running_loop().time() + self.args.seconds
        connecting = asyncio.Semaphore(100)  # the listen backlog must not overflow
        clients = [self.client(n, end, connecting) for n in range(len(self.cookies))]
        await asyncio.gather(self.orders(end, catalog), *clients)


class QueueWatch:
    """A thread noting when each portal order first shows in the operators' queue."""

    def __init__(self, sessions: sessionmaker[Session], look_ms: float) -> None:
        self.sessions = sessions
        self.look = look_ms / 1000
        self.seen: dict[str, float] = {}  # request_id -> monotonic time first seen
        self._known: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="queue-watch", daemon=True)

    def start(self) -> None:
        """Start looking."""
        self._thread.start()

    def stop(self) -> None:
        """Stop looking."""
        self._stop.set()
        self._thread.join(10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            with self.sessions() as s:
                rows = ops.portal_queue(s, actor=OPERATOR, limit=1_000_000)
                at = time.monotonic()
                new = [r.order_id for r in rows if r.order_id not in self._known]
                if new:
                    pairs = s.execute(
                        select(PortalRequest.order_id, PortalRequest.request_id).where(
                            PortalRequest.order_id.in_(new)
                        )
                    )
                    for order_id, request_id in pairs:
                        self._known.add(order_id)
                        self.seen.setdefault(request_id, at)
            self._stop.wait(self.look)


def _catalog(url: str, cookie: str) -> dict[str, Any]:
    answer = requests.get(f"{url}{API}/catalog", cookies={COOKIE: cookie}, timeout=30)
    answer.raise_for_status()
    catalog: dict[str, Any] = answer.json()
    return catalog


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Set up, load, measure; the JSON result."""
    load_before = os.getloadavg()
    with (
        tempfile.TemporaryDirectory(prefix="bench-portal-") as tmp,
        _databases(args.service_db, args.desk_db) as (service_db, desk_db),
    ):
        engine = make_engine(desk_db)
        upgrade(engine)
        sessions = session_factory(engine)
        service_engine = make_service_engine(service_db)
        upgrade_service(service_engine)
        with writing(service_engine) as conn:
            site_key, _ = auth.issue_on(conn, auth.KIND_SITE, name="bench")
        service_engine.dispose()
        began = time.monotonic()
        client_ids = _seed_desk(sessions, args.clients)
        logger.info("desk seeded: %d clients in %.1f s", len(client_ids), time.monotonic() - began)
        log = Path(tmp) / "service.log"
        with (
            service_process(service_db, args.workers, log) as (url, _proc),
            _relay(desk_db, url, site_key, Path(tmp) / "relay.log") as relay,
        ):
            codes = _invite(sessions, client_ids, url)

            def sent() -> bool:
                assert relay.poll() is None, (Path(tmp) / "relay.log").read_text()[-2000:]
                with sessions() as s:
                    return outbox.queue_length(s) == 0

            _wait(sent, 600, "the relay to send the invitations")
            began = time.monotonic()
            cookies = _redeem(url, codes)
            redeem_s = time.monotonic() - began
            logger.info("%d clients signed in in %.1f s", len(cookies), redeem_s)
            catalog = _catalog(url, cookies[0])
            watch = QueueWatch(sessions, args.look_ms)
            watch.start()
            load = Load(url, cookies, args)
            asyncio.run(load.run(catalog))
            placed = set(load.answered)
            with contextlib.suppress(RuntimeError):
                _wait(lambda: placed <= watch.seen.keys(), 30, "the last orders in the queue")
            watch.stop()
        with sessions() as s:
            on_desk = s.scalar(select(func.count()).select_from(PortalRequest)) or 0
        engine.dispose()
    delays = [(watch.seen[r] - load.answered[r]) * 1000 for r in placed if r in watch.seen]
    pages = summary(load.pages)
    queue = summary(delays)
    return {
        "benchmark": "portal",
        "clients": args.clients,
        "seconds": args.seconds,
        "period_s": args.period,
        "orders_per_second": args.orders_per_second,
        "service_workers": args.workers,
        "load_generator": "1 process: 1 asyncio loop for all clients, 1 queue-watch thread",
        "redeem_s": round(redeem_s, 1),
        "page_requests": len(load.pages),
        "page_errors": sum(v for k, v in load.errors.items() if k.startswith("page")),
        "page_rps": round(len(load.pages) / args.seconds, 1),
        "page_ms": pages,
        "orders_placed": len(placed),
        "order_errors": sum(v for k, v in load.errors.items() if k.startswith("order")),
        "errors_by_kind": dict(load.errors),
        "order_to_queue_ms": queue,
        "queue_look_ms": args.look_ms,
        "orders_lost": len(placed - watch.seen.keys()),
        "orders_doubled": max(0, on_desk - len(placed)),
        "targets": TARGETS,
        "met": {
            "page_p99_ms": pages["p99_ms"] <= TARGETS["page_p99_ms"],
            "order_to_queue_p99_ms": queue["p99_ms"] <= TARGETS["order_to_queue_p99_ms"],
        },
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        "machine": machine.describe(),
    }

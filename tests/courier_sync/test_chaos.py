"""Nothing lost, nothing doubled: 2,000 deliveries while the service and the relay keep dying.

The dispatcher creates 2,000 orders and sends them to delivery (every tenth is reassigned
to another courier afterwards, so cancels travel too) while a chaos thread SIGKILLs the
sync service and the `courier-sync relay` process at random moments and restarts them.
Meanwhile the couriers' phones post accepted/done/failed events, retrying through the
outages and sometimes posting the same event twice. At the end the service must hold every
task exactly once at its latest version, and every event must have reached its order once.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from courier_sync.server.db import make_engine as make_service_engine
from dispatcher import orders, outbox
from dispatcher.catalog import add_product
from dispatcher.clients import AddressInput, NewClient, add_client
from dispatcher.couriers import add_courier
from dispatcher.db import make_engine, session_factory, unit_of_work
from dispatcher.models import (
    ClientKind,
    CourierEvent,
    CourierTask,
    Order,
    OrderEvent,
    OrderState,
    OutboxMessage,
    TaskStatus,
)
from tests.courier_sync.conftest import (
    ROOT,
    SyncService,
    issue_site_key,
    issue_tokens,
    sqlite_service_db,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

SEED = 20261124
ORDERS = 2_000
BATCH = 50
COURIERS = 10
CLIENTS = 100
REASSIGN_EVERY = 10  # order ids divisible by this are reassigned after delivery
ACT_ON = 600  # tasks the couriers act on during the run
CONVERGE_S = 90
OPERATOR = "chaos-operator"


def _relay_cmd(db_url: str, sync_url: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "courier_sync",
        "relay",
        "--db",
        db_url,
        "--sync-url",
        sync_url,
        "--lease",
        "3",
        "--timeout",
        "2",
        "--feed-wait",
        "1",
        "--batch-size",
        "100",
    ]


@dataclass
class RelayProcess:
    """`courier-sync relay` as a subprocess (the site key comes through the environment)."""

    cmd: list[str]
    api_key: str
    log_path: Path
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start it (no readiness to wait for: it retries by itself)."""
        log = self.log_path.open("ab")
        env = {**os.environ, "COURIER_SYNC_API_KEY": self.api_key}
        self.proc = subprocess.Popen(
            self.cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()

    def kill(self) -> None:
        """SIGKILL."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


@dataclass
class Posted:
    """An event a phone got a 200 for, and what the order should show for it."""

    event_id: str
    order_id: int
    kind: str
    collected_kop: int | None = None
    bottles_returned: int | None = None
    reason: str | None = None


@dataclass
class Chaos:
    """The kill/restart schedule, run on its own thread until stopped."""

    service: SyncService
    relay: RelayProcess
    rng: random.Random
    stop: threading.Event = field(default_factory=threading.Event)
    kills: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def run(self) -> None:
        try:
            while not self.stop.wait(self.rng.uniform(0.4, 1.6)):
                if self.rng.random() < 0.5:
                    self.service.kill()
                    self.kills["service"] += 1
                    time.sleep(self.rng.uniform(0.0, 0.8))
                    self.service.start()
                else:
                    self.relay.kill()
                    self.kills["relay"] += 1
                    time.sleep(self.rng.uniform(0.0, 0.5))
                    self.relay.start()
        except Exception as exc:  # reported by the test
            self.errors.append(repr(exc))


class Phones:
    """The couriers' phones: list tasks and post events, retrying through outages."""

    def __init__(self, url: str, tokens: dict[int, str], day: dt.date, rng: random.Random):
        self.url = url
        self.day = day
        self.rng = rng
        self.sessions = {}
        for courier_id, token in tokens.items():
            session = requests.Session()
            session.headers["Authorization"] = f"Bearer {token}"
            self.sessions[courier_id] = session
        self.acted: set[str] = set()
        self.posted: list[Posted] = []
        self.duplicates = 0

    def _retry(self, call: Any, deadline: float) -> requests.Response | None:
        while time.monotonic() < deadline:
            try:
                response = call()
            except requests.RequestException:
                time.sleep(0.1)
                continue
            if response.status_code >= 500:
                raise AssertionError(f"the service answered {response.status_code}")
            return response
        return None

    def tasks(self, courier_id: int, deadline: float) -> list[dict[str, Any]]:
        session = self.sessions[courier_id]
        response = self._retry(
            lambda: session.get(
                f"{self.url}/api/v1/courier/tasks", params={"date": self.day}, timeout=3
            ),
            deadline,
        )
        return response.json()["tasks"] if response is not None else []

    def post(self, courier_id: int, task: dict[str, Any], body: dict[str, Any], deadline: float):
        session = self.sessions[courier_id]
        body = {"event_id": f"ev-{uuid.UUID(int=self.rng.getrandbits(128))}", **body}
        body |= {"task_id": task["task_id"], "at": dt.datetime.now(dt.UTC).isoformat()}
        url = f"{self.url}/api/v1/courier/tasks/{task['task_id']}/events"
        times = 2 if self.rng.random() < 0.15 else 1  # a phone that retried a sent event
        for _ in range(times):
            response = self._retry(lambda: session.post(url, json=body, timeout=3), deadline)
            assert response is not None, "could not post an event before the deadline"
            assert response.status_code == 200, response.text
        self.duplicates += times - 1
        self.posted.append(
            Posted(
                body["event_id"],
                task["order_id"],
                body["kind"],
                body.get("collected_kop"),
                body.get("bottles_returned"),
                body.get("reason"),
            )
        )

    def act(self, task: dict[str, Any], deadline: float) -> None:
        """Do something with a task: accept, deliver, fail, or accept then deliver."""
        courier_id = task["courier_id"]
        roll = self.rng.random()
        done = {
            "kind": "done",
            "collected_kop": task["amount_kop"],
            "bottles_returned": self.rng.randint(0, 3),
        }
        if roll < 0.2:
            self.post(courier_id, task, {"kind": "accepted"}, deadline)
        elif roll < 0.4:
            self.post(courier_id, task, {"kind": "accepted"}, deadline)
            self.post(courier_id, task, done, deadline)
        elif roll < 0.8:
            self.post(courier_id, task, done, deadline)
        else:
            failed = {
                "kind": "failed",
                "reason": f"не открыли дверь #{self.rng.randint(1, 999)}",
                "proposed_time": "завтра 18:00",
            }
            self.post(courier_id, task, failed, deadline)
        self.acted.add(task["task_id"])


def _build_world(sessions: sessionmaker[Session]) -> tuple[list[int], list[tuple[int, int]]]:
    with unit_of_work(sessions) as s:
        add_product(s, "W19", "Вода 19 л", 35000)
        couriers = [add_courier(s, f"Курьер {i}").id for i in range(COURIERS)]
        clients = []
        for i in range(CLIENTS):
            client = add_client(
                s,
                NewClient(
                    ClientKind.PERSON,
                    f"Клиент {i}",
                    phones=[f"+7916{1_000_000 + i:07d}"],
                    addresses=[AddressInput(f"г. Москва, ул. Хаоса, д. {i}", flat=str(i))],
                ),
            )
            clients.append((client.id, client.addresses[0].id))
    return couriers, clients


def test_nothing_is_lost_or_doubled_while_the_service_and_the_relay_are_killed(
    tmp_path: Path, sqlite_template: Path
) -> None:
    rng = random.Random(SEED)
    db_path = tmp_path / "dispatch.sqlite3"
    shutil.copyfile(sqlite_template, db_path)
    db_url = f"sqlite:///{db_path}"
    engine = make_engine(db_url)
    sessions = session_factory(engine)
    couriers, clients = _build_world(sessions)
    day = orders.moscow_today() + dt.timedelta(days=1)

    service = SyncService(sqlite_service_db(tmp_path), tmp_path / "service.log")
    service.start()
    site_key = issue_site_key(service.db_url)
    tokens = issue_tokens(service.db_url, *couriers)
    relay = RelayProcess(_relay_cmd(db_url, service.url), site_key, tmp_path / "relay.log")
    relay.start()
    chaos = Chaos(service, relay, random.Random(SEED + 1))
    chaos_thread = threading.Thread(target=chaos.run, name="chaos")
    phones = Phones(service.url, tokens, day, random.Random(SEED + 2))
    producer_done = threading.Event()
    phone_errors: list[str] = []
    started = time.monotonic()
    deadline = started + 200

    def couriers_at_work() -> None:
        try:
            while len(phones.acted) < ACT_ON and time.monotonic() < deadline:
                for courier_id in couriers:
                    for task in phones.tasks(courier_id, deadline):
                        if (
                            task["status"] == "new"
                            and task["task_id"] not in phones.acted
                            and task["order_id"] % REASSIGN_EVERY != 0
                            and rng_phone.random() < 0.3
                            and len(phones.acted) < ACT_ON
                        ):
                            phones.act(task, deadline)
                if producer_done.is_set():
                    continue
                time.sleep(0.2)
        except BaseException as exc:
            phone_errors.append(repr(exc))

    rng_phone = random.Random(SEED + 3)
    phone_thread = threading.Thread(target=couriers_at_work, name="phones")
    chaos_thread.start()
    phone_thread.start()
    try:
        created: list[int] = []
        windows = [(dt.time(9), dt.time(12)), (dt.time(12), dt.time(15)), (None, None)]
        for _ in range(ORDERS // BATCH):
            with unit_of_work(sessions) as s:
                for _ in range(BATCH):
                    client_id, address_id = rng.choice(clients)
                    order = orders.create_order(
                        s,
                        client_id,
                        [orders.LineInput("W19", rng.randint(1, 4))],
                        actor=OPERATOR,
                        address_id=address_id,
                    )
                    start, end = rng.choice(windows)
                    orders.send_to_delivery(
                        s,
                        order.id,
                        orders.Slot(rng.choice(couriers), day, start, end),
                        actor=OPERATOR,
                    )
                    created.append(order.id)
            # Reassign the orders of the previous batches that are due, so cancels travel too.
            with unit_of_work(sessions) as s:
                for order_id in created[-2 * BATCH : -BATCH]:
                    if order_id % REASSIGN_EVERY == 0:
                        order = s.get(Order, order_id)
                        assert order is not None and order.courier_id is not None
                        other = couriers[(couriers.index(order.courier_id) + 1) % COURIERS]
                        orders.reassign(s, order_id, orders.Slot(other, day), actor=OPERATOR)
            time.sleep(rng.uniform(0.1, 0.4))
        with unit_of_work(sessions) as s:
            for order_id in created[-BATCH:]:
                if order_id % REASSIGN_EVERY == 0:
                    order = s.get(Order, order_id)
                    assert order is not None and order.courier_id is not None
                    other = couriers[(couriers.index(order.courier_id) + 1) % COURIERS]
                    orders.reassign(s, order_id, orders.Slot(other, day), actor=OPERATOR)
        producer_done.set()
        produced_at = time.monotonic()
        phone_thread.join(max(1.0, deadline - time.monotonic()))
        phones_done_at = time.monotonic()
    finally:
        chaos.stop.set()
        chaos_thread.join(30)
    assert not chaos.errors, f"the chaos thread failed: {chaos.errors}\n{service.log_tail()}"
    assert not phone_errors, f"a phone failed: {phone_errors}"
    assert len(created) == ORDERS
    assert chaos.kills["service"] >= 3 and chaos.kills["relay"] >= 3, chaos.kills
    assert len(phones.acted) == ACT_ON, f"the couriers acted on {len(phones.acted)} tasks only"

    # Both are up again (the chaos thread always restarts what it killed): let them finish.
    if service.proc is None or service.proc.poll() is not None:
        service.start()
    if relay.proc is None or relay.proc.poll() is not None:
        relay.start()
    posted_ids = {p.event_id for p in phones.posted}
    settle_until = time.monotonic() + CONVERGE_S
    while True:
        with sessions() as s:
            waiting = outbox.queue_length(s)
            applied = s.scalar(select(func.count()).select_from(CourierEvent))
        if waiting == 0 and applied == len(posted_ids):
            settled_at = time.monotonic()
            break
        assert time.monotonic() < settle_until, (
            f"not settled after {CONVERGE_S}s: {waiting} messages waiting, "
            f"{applied}/{len(posted_ids)} events applied\nrelay log:\n"
            + "\n".join(relay.log_path.read_text(errors="replace").splitlines()[-20:])
        )
        time.sleep(0.2)
    relay.kill()
    service.stop()

    # ---- the service holds each task exactly once, at its latest version
    with sessions() as s:
        messages = s.execute(
            select(OutboxMessage.key, OutboxMessage.topic, OutboxMessage.payload)
        ).all()
        assert s.scalar(select(func.count()).where(OutboxMessage.failed_at.is_not(None))) == 0
        tasks = {t.uid: t for t in s.scalars(select(CourierTask))}
        expected_version = Counter[str]()
        for key, _, payload in messages:
            expected_version[key] = max(expected_version[key], payload["version"])
    service_engine = make_service_engine(service.db_url)
    with service_engine.connect() as conn:
        held = {
            r.task_id: r
            for r in conn.execute(text("SELECT task_id, version, status, payload FROM tasks"))
        }
        stored_events = conn.execute(text("SELECT event_id FROM events")).scalars().all()
    service_engine.dispose()
    live = {tid for tid, r in held.items() if r.status != "cancelled"}
    cancelled = {tid for tid, r in held.items() if r.status == "cancelled"}
    expected_cancelled = {uid for uid, t in tasks.items() if t.status is TaskStatus.CANCELLED}
    assert len(live) == ORDERS, f"the service holds {len(live)} live tasks, not {ORDERS}"
    assert live == set(tasks) - expected_cancelled
    assert cancelled == expected_cancelled and len(cancelled) == ORDERS // REASSIGN_EVERY
    wrong_version = {
        tid: (r.version, expected_version[tid])
        for tid, r in held.items()
        if r.version != expected_version[tid]
    }
    assert not wrong_version, f"tasks not at their latest version: {list(wrong_version)[:5]}"
    assert all(r.payload is not None for r in held.values())

    # ---- every event reached its order exactly once
    assert sorted(stored_events) == sorted(posted_ids), "the service lost or doubled an event"
    with sessions() as s:
        recorded = Counter(s.scalars(select(CourierEvent.event_id)).all())
        assert set(recorded) == posted_ids and max(recorded.values()) == 1
        outcomes = Counter(s.scalars(select(CourierEvent.outcome)).all())
        assert set(outcomes) == {"applied"}, outcomes
        by_order: dict[int, list[Posted]] = {}
        for p in phones.posted:
            by_order.setdefault(p.order_id, []).append(p)
        for order_id, events in by_order.items():
            order = s.get(Order, order_id)
            assert order is not None
            audit = Counter(
                s.scalars(
                    select(OrderEvent.action).where(
                        OrderEvent.order_id == order_id, OrderEvent.actor.like("courier:%")
                    )
                ).all()
            )
            kinds = [e.kind for e in events]
            final = events[-1]
            if final.kind == "done":
                assert order.state is OrderState.CLOSED, (order_id, kinds)
                assert order.collected_kop == final.collected_kop
                assert order.bottles_returned == final.bottles_returned
                assert audit["close"] == 1, (order_id, audit)
            elif final.kind == "failed":
                assert order.state is OrderState.INTEREST and order.needs_reschedule
                assert final.reason is not None and final.reason in order.fail_reason
                assert audit["fail"] == 1, (order_id, audit)
            else:
                assert order.state is OrderState.DELIVERY and order.courier_accepted_at
            assert audit["courier_accepted"] == kinds.count("accepted"), (order_id, audit)
    engine.dispose()
    print(
        f"\nchaos: {chaos.kills['service']} service kills, {chaos.kills['relay']} relay kills, "
        f"{len(posted_ids)} events ({phones.duplicates} posted twice), "
        f"{time.monotonic() - started:.0f}s (orders {produced_at - started:.0f}s, "
        f"phones +{phones_done_at - produced_at:.0f}s, settled +{settled_at - phones_done_at:.0f}s)"
    )

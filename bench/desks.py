"""Many desks on one PostgreSQL: calls at 10× an operator's pace, couriers' phones posting events.

--desks processes (default 30) each act as one workspace on the same PostgreSQL database:
every few seconds a call comes in (an operator takes ~300 calls in 8 hours, one per ~96 s;
--speed 10 makes it one per ~9.6 s on average, exponentially spread), and the desk does what
the window does through the same operations: logs the call, looks the caller up
(`look_up_caller`, timed), takes the order and sends it to a courier (`take_order` with the
call and an idempotency key, timed to its commit = "send"), ends the call; now and then it
reassigns one of its deliveries (`reassign`) or registers a caller's number twice and merges
the two (`create_client` + `merge_callers`, as a shift lead). Each desk runs its own relay
(`Relay.start()`, own site key), as the workspace does.

One more process plays --couriers phones (default 500) against the real sync service: each
long-polls its changes, reads its task list and posts accepted, then done or failed.

At the end every desk drains its outbox and the run is reconciled: the orders each desk says
it wrote against the database (lost, doubled by idempotency key) and their courier tasks
against the service (lost, doubled per order). Errors that reached a "user" are counted,
deadlocks and serialization failures apart.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import multiprocessing as mp
import random
import shutil
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from bench import machine
from bench.service import _exchange
from bench.stats import summary
from bench.sync import service_process

logger = logging.getLogger("bench.desks")
TARGETS = {"lookup_p99_ms": 3.0, "send_p99_ms": 50.0}
OPERATOR_CALLS_PER_8H = 300
LOCK_ERRORS = ("deadlock detected", "could not serialize", "lock timeout")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `python -m bench desks`."""
    parser.add_argument("--desks", type=int, default=30, help="desk processes")
    parser.add_argument("--couriers", type=int, default=500, help="couriers' phones")
    parser.add_argument("--minutes", type=float, default=10.0, help="how long the desks work")
    parser.add_argument("--speed", type=float, default=10.0, help="times a real operator's pace")
    parser.add_argument("--clients", type=int, default=20_000, help="clients seeded first")
    parser.add_argument("--workers", type=int, default=2, help="sync service worker processes")
    parser.add_argument("--seed", type=int, default=11)


# ---------------------------------------------------------------------------------- one desk
def _desk(index: int, cfg: dict[str, Any], out: Any) -> None:
    """One desk's working day (runs in its own process)."""
    logging.basicConfig(level=logging.WARNING)
    from courier_sync.client.relay import Relay, RelaySettings
    from dispatcher import interactions, orders
    from dispatcher.clients import AddressInput, NewClient
    from dispatcher.db import make_engine, session_factory, unit_of_work
    from dispatcher.errors import DomainError
    from dispatcher.models import ClientKind, Direction
    from dispatcher.operations import calls, clients
    from dispatcher.operations import orders as order_ops
    from dispatcher.users import Actor, UserRole

    rng = random.Random(cfg["seed"] * 1000 + index)
    actor = Actor(f"desk{index:02d}", f"Оператор {index}", UserRole.LEAD)
    engine = make_engine(cfg["db_url"])
    sessions = session_factory(engine)
    relay = Relay(sessions, RelaySettings(cfg["sync_url"], cfg["site_keys"][index]))
    relay.start()
    numbers, couriers = cfg["numbers"], cfg["couriers"]
    lookups: list[float] = []
    sends: list[float] = []
    ledger: list[dict[str, Any]] = []
    errors: Counter[str] = Counter()
    today = orders.moscow_today()

    def attempt(what: str, work: Any) -> Any:
        try:
            with unit_of_work(sessions) as s:
                return work(s)
        except DomainError as exc:  # a refusal the window shows as a message
            errors[f"{what}: {type(exc).__name__}"] += 1
        except Exception as exc:  # what a user would see as a failure
            kind = "lock" if any(t in str(exc) for t in LOCK_ERRORS) else "other"
            errors[f"{kind}: {what}: {type(exc).__name__}"] += 1
        return None

    def one_call(n: int) -> None:
        number = rng.choice(numbers)
        call_id = attempt(
            "log call",
            lambda s: (
                interactions.call_started(
                    s, number=number, direction=Direction.IN, operator=actor.login
                ).id
            ),
        )
        began = time.perf_counter()
        try:
            with sessions() as s:
                found = calls.look_up_caller(s, number)
        except Exception as exc:  # the pop would show an error: count it, take the next call
            errors[f"other: lookup: {type(exc).__name__}: {str(exc)[:80]}"] += 1
            return
        lookups.append((time.perf_counter() - began) * 1000)
        matches = found.matches if found is not None else []
        if not matches:
            return
        client = matches[0].client
        address = matches[0].addresses[0].id if matches[0].addresses else None
        key = f"desk{index}-{n}-{uuid.uuid4().hex[:8]}"
        new = order_ops.NewOrder(
            client.id,
            [orders.LineInput("W19", 1 + n % 3)],
            address_id=address,
            interaction_id=call_id,
            idempotency_key=key,
        )
        slot = orders.Slot(rng.choice(couriers), today)
        began = time.perf_counter()
        taken = attempt("take order", lambda s: order_ops.take_order(s, new, slot, actor=actor))
        if taken is not None:
            sends.append((time.perf_counter() - began) * 1000)
            ledger.append({"order": taken.id, "key": key, "task": taken.task_uid})
            relay.wake()
        if call_id is not None:
            attempt("end call", lambda s: interactions.call_ended(s, call_id))

    def reassign() -> None:
        if not ledger:
            return
        order_id = rng.choice(ledger[-20:])["order"]
        attempt(
            "reassign",
            lambda s: order_ops.reassign(
                s, order_id, actor=actor, courier_id=rng.choice(couriers), why="bench"
            ),
        )

    def merge(n: int) -> None:
        phone = f"+7999{index:03d}{n:04d}"
        made = []
        for copy in range(2):
            data = NewClient(
                ClientKind.PERSON,
                f"Дубль {index}-{n}-{copy}",
                phones=[phone],
                addresses=[AddressInput(f"г. Москва, ул. Дублей, д. {n}")],
            )
            made.append(
                attempt("new client", lambda s, d=data: clients.create_client(s, d, actor=actor))
            )
        if all(made):
            attempt(
                "merge",
                lambda s: calls.merge_callers(s, made[0].id, [made[1].id], phone, actor=actor),
            )

    interval = 8 * 3600 / OPERATOR_CALLS_PER_8H / cfg["speed"]
    deadline = time.monotonic() + cfg["seconds"]
    n = 0
    try:
        time.sleep(rng.uniform(0, interval))  # desks do not all ring at once
        while time.monotonic() < deadline:
            n += 1
            one_call(n)
            if rng.random() < 0.10:
                reassign()
            if rng.random() < 0.02:
                merge(n)
            time.sleep(min(rng.expovariate(1 / interval), max(0.0, deadline - time.monotonic())))
        relay.stop()
    except Exception as exc:  # the run must still end with this desk's report
        errors[f"desk crashed: {exc!r}"] += 1
    try:
        relay.run_once()  # the outbox must be empty before the reconciliation
    except Exception as exc:  # the relay's own trouble (feed events), not the operator's
        errors[f"relay drain: {type(exc).__name__}: {str(exc)[:60]}"] += 1
    out.put({"desk": index, "lookups": lookups, "sends": sends, "ledger": ledger, "errors": errors})
    engine.dispose()


# ---------------------------------------------------------------------------------- phones
async def _phones(port: int, tokens: dict[int, str], seconds: float, seed: int) -> dict[str, int]:
    """Couriers' phones: long-poll changes, read the day's list, post accepted then done/failed."""
    rng = random.Random(seed)
    counts: Counter[str] = Counter()
    day = dt.datetime.now(dt.timezone(dt.timedelta(hours=3))).date().isoformat()
    stop_at = time.monotonic() + seconds + 30  # the last tasks get their events too

    async def phone(token: str) -> None:
        await asyncio.sleep(rng.uniform(0, 5))
        conn: list[Any] = []

        async def call(method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
            # uvicorn closes a keep-alive connection idle for 5 s: open a new one, as a
            # browser does (a replayed event is harmless, events are idempotent).
            for _ in range(3):
                try:
                    if not conn:
                        conn.extend(await asyncio.open_connection("127.0.0.1", port))
                    return await _exchange(conn[0], conn[1], method, path, token, body)
                except (OSError, IndexError, ValueError, asyncio.IncompleteReadError):
                    if conn:
                        conn.pop(1).close()
                        conn.clear()
            counts["connection lost"] += 1
            return 0, b""

        seen: dict[str, str] = {}
        revision = 0
        while time.monotonic() < stop_at:
            path = f"/api/v1/courier/changes?after={revision}&wait=20"
            status, body = await call("GET", path)
            if status != 200:
                counts[f"changes {status}"] += 1
                await asyncio.sleep(1)
                continue
            revision = json.loads(body)["revision"]
            status, body = await call("GET", f"/api/v1/courier/tasks?date={day}")
            if status != 200:
                counts[f"tasks {status}"] += 1
                continue
            accepted = False
            for task in json.loads(body)["tasks"]:
                step = {"new": "accepted", "accepted": rng.choice(["done"] * 9 + ["failed"])}
                kind = step.get(task["status"])
                if kind is None or seen.get(task["task_id"]) == kind:
                    continue
                seen[task["task_id"]] = kind
                event = {
                    "event_id": f"ev-{uuid.uuid4().hex}",
                    "task_id": task["task_id"],
                    "kind": kind,
                    "at": dt.datetime.now(dt.UTC).isoformat(),
                }
                if kind == "failed":
                    event["reason"] = "не открыли дверь"
                accepted = accepted or kind == "accepted"
                status, _ = await call(
                    "POST",
                    f"/api/v1/courier/tasks/{task['task_id']}/events",
                    json.dumps(event).encode(),
                )
                counts[f"event {kind} {status}"] += 1
            if accepted:  # the delivery itself: done or failed comes a few seconds later
                await asyncio.sleep(rng.uniform(2, 6))

    outcomes = await asyncio.gather(*(phone(t) for t in tokens.values()), return_exceptions=True)
    counts["phone crashed"] = sum(isinstance(o, BaseException) for o in outcomes)
    return dict(counts)


def _phones_process(port: int, tokens: dict[int, str], seconds: float, seed: int, out: Any) -> None:
    out.put(asyncio.run(_phones(port, tokens, seconds, seed)))


# ---------------------------------------------------------------------------------- the run
def _prepare(args: argparse.Namespace, cluster: Any) -> dict[str, Any]:
    """Seed the desks' database, add couriers, and make the service's database and keys."""
    from courier_sync.server import auth
    from courier_sync.server.db import make_engine as make_service_engine
    from courier_sync.server.db import writing
    from courier_sync.server.migrate import upgrade as upgrade_service
    from dispatcher.couriers import add_courier
    from dispatcher.db import make_engine, session_factory, unit_of_work
    from dispatcher.demo.seeder import seed_demo
    from dispatcher.migrate import upgrade
    from dispatcher.models import Courier, Phone

    db_url = cluster.create_database("bench_desks")
    engine = make_engine(db_url)
    upgrade(engine)
    started = time.perf_counter()
    seed_demo(engine, args.clients, seed=args.seed, history_days=30)
    seeded = time.perf_counter() - started
    sessions = session_factory(engine)
    with unit_of_work(sessions) as s:
        have = s.scalar(select(func.count()).select_from(Courier)) or 0
        for i in range(have, args.couriers):
            add_courier(s, f"Курьер {i}")
    with sessions() as s:
        couriers = list(s.scalars(select(Courier.id).order_by(Courier.id).limit(args.couriers)))
        rng = random.Random(args.seed)
        numbers = list(s.scalars(select(Phone.e164).order_by(func.random()).limit(3000)))
    # One caller in ten is not in the database yet (the pop shows the new-client form).
    numbers += [f"+7985{rng.randrange(10**7):07d}" for _ in range(len(numbers) // 9)]
    engine.dispose()

    service_url = cluster.create_database("bench_desks_sync")
    service_engine = make_service_engine(service_url)
    upgrade_service(service_engine)
    with writing(service_engine) as conn:
        site_keys = [
            auth.issue_on(conn, auth.KIND_SITE, name=f"desk{i}")[0] for i in range(args.desks)
        ]
        tokens = {
            c: auth.issue_on(conn, auth.KIND_DEVICE, c, lifetime=dt.timedelta(days=1))[0]
            for c in couriers
        }
    service_engine.dispose()
    return {
        "db_url": db_url,
        "service_url": service_url,
        "seed_seconds": round(seeded, 1),
        "couriers": couriers,
        "numbers": numbers,
        "site_keys": site_keys,
        "tokens": tokens,
    }


def _reconcile(db_url: str, service_url: str, ledger: list[dict[str, Any]]) -> dict[str, int]:
    """What the desks say they wrote against what the database and the service hold."""
    from sqlalchemy import create_engine

    from courier_sync.server.db import make_engine as make_service_engine

    engine = create_engine(db_url)
    ids = [entry["order"] for entry in ledger]
    keys = [entry["key"] for entry in ledger]
    with engine.connect() as conn:
        found = set(
            conn.execute(text("SELECT id FROM orders WHERE id = ANY(:ids)"), {"ids": ids}).scalars()
        )
        by_key = conn.execute(
            text(
                "SELECT idempotency_key, count(*) FROM orders WHERE idempotency_key = ANY(:k) "
                "GROUP BY idempotency_key HAVING count(*) > 1"
            ),
            {"k": keys},
        ).all()
        db_tasks = conn.execute(
            text("SELECT uid, order_id, status FROM courier_tasks WHERE order_id = ANY(:ids)"),
            {"ids": ids},
        ).all()
    engine.dispose()
    service = make_service_engine(service_url)
    with service.connect() as conn:
        rows = conn.execute(text("SELECT task_id, status, payload FROM tasks")).all()
    service.dispose()
    held = {row.task_id: row for row in rows}
    live: Counter[int] = Counter()
    for row in rows:
        if row.payload and row.status != "cancelled":
            live[json.loads(row.payload)["order_id"]] += 1
    cancelled_here = [t for t in db_tasks if str(t.status).lower().endswith("cancelled")]
    return {
        "orders_written": len(ids),
        "orders_lost": len(set(ids) - found),
        "orders_doubled": len(by_key) + (len(ids) - len(set(ids))),
        "tasks_written": len(db_tasks),
        "tasks_lost": sum(1 for t in db_tasks if t.uid not in held),
        "tasks_doubled": sum(1 for order_id in set(ids) if live[order_id] > 1),
        "cancels_not_on_service": sum(
            1 for t in cancelled_here if t.uid in held and held[t.uid].status != "cancelled"
        ),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Seed, start the service, run the desks and the phones, and reconcile."""
    from devtools.postgres import ThrowawayPostgres

    logging.getLogger("courier_sync").setLevel(logging.WARNING)
    tmp = Path(tempfile.mkdtemp(prefix="bench-desks-"))
    # Durable, as a real server is: a send's commit waits for its WAL flush.
    cluster = ThrowawayPostgres(durable=True, settings=("max_connections=400",))
    cluster.start()
    try:
        return _run(args, cluster, tmp)
    finally:
        cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def _run(args: argparse.Namespace, cluster: Any, tmp: Path) -> dict[str, Any]:
    logger.info("seeding %d clients", args.clients)
    world = _prepare(args, cluster)
    seconds = args.minutes * 60
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    result: dict[str, Any] = {
        "benchmark": "desks",
        "machine": machine.describe(),
        "desks": args.desks,
        "couriers": args.couriers,
        "minutes": args.minutes,
        "speed": args.speed,
        "clients": args.clients,
        "seed_seconds": world["seed_seconds"],
        "service_workers": args.workers,
        "targets": TARGETS,
    }
    with service_process(world["service_url"], args.workers, tmp / "service.log") as (url, _):
        port = int(url.rsplit(":", 1)[1])
        cfg = {k: world[k] for k in ("db_url", "couriers", "numbers", "site_keys")}
        cfg |= {"sync_url": url, "seconds": seconds, "speed": args.speed, "seed": args.seed}
        phones = ctx.Process(
            target=_phones_process, args=(port, world["tokens"], seconds, args.seed, out)
        )
        phones.start()
        desks = [ctx.Process(target=_desk, args=(i, cfg, out)) for i in range(args.desks)]
        for desk in desks:
            desk.start()
        logger.info(
            "%d desks and %d phones at work for %.1f min", args.desks, args.couriers, args.minutes
        )
        reports = [out.get(timeout=seconds + 600) for _ in range(args.desks + 1)]
        for proc in [phones, *desks]:
            proc.join(60)
    desk_reports = [r for r in reports if "desk" in r]
    phone_counts = next(r for r in reports if "desk" not in r)
    lookups = [x for r in desk_reports for x in r["lookups"]]
    sends = [x for r in desk_reports for x in r["sends"]]
    errors: Counter[str] = Counter()
    for r in desk_reports:
        errors.update(r["errors"])
    ledger = [e for r in desk_reports for e in r["ledger"]]
    reconciled = _reconcile(world["db_url"], world["service_url"], ledger)
    result |= {
        "calls": len(lookups),
        "lookup": summary(lookups, 2),
        "send": summary(sends, 2),
        "lock_errors_to_user": sum(n for k, n in errors.items() if k.startswith("lock:")),
        "errors": dict(errors),
        "phones": phone_counts,
        "reconciliation": reconciled,
    }
    result["met"] = {
        "lookup_p99_ms": result["lookup"]["p99_ms"] <= TARGETS["lookup_p99_ms"],
        "send_p99_ms": result["send"]["p99_ms"] <= TARGETS["send_p99_ms"],
        "no_lock_errors": result["lock_errors_to_user"] == 0,
        "nothing_lost_or_doubled": not any(
            reconciled[k] for k in ("orders_lost", "orders_doubled", "tasks_lost", "tasks_doubled")
        ),
    }
    return result

"""Sync service long polls: how soon a parked request wakes, and how long an empty one waits.

The figures test_server_api.py used to assert: an empty feed poll asked to wait 0.5 s
answers in under 3 s; the site's event feed and a courier's `changes` poll wake within
1.5 s of the write, also when another service process wrote it. The tests keep that the
polls wake with the news; this benchmark keeps how soon. The service runs as
`python -m courier_sync serve` in subprocesses, on SQLite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from bench import machine
from bench.stats import summary
from bench.sync import _payload, _service
from courier_sync.server import auth
from courier_sync.server.db import make_engine as make_service_engine
from courier_sync.server.migrate import upgrade as upgrade_service

TARGETS = {"empty_wait_0_5_s_max_ms": 3000.0, "wake_max_ms": 1500.0}
PARK_S = 0.3  # time for a poll to reach the server and park before the write


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `python -m bench long_poll`."""
    parser.add_argument("--rounds", type=int, default=10, help="wake-ups timed per poll kind")


def _woken(poll: Callable[[], None], write: Callable[[], None]) -> float:
    """Seconds from ``write`` to the parked ``poll`` returning."""
    done: dict[str, float] = {}

    def waiter() -> None:
        poll()
        done["at"] = time.monotonic()

    thread = threading.Thread(target=waiter)
    thread.start()
    time.sleep(PARK_S)  # the poll must be parked, or this times a plain request
    wrote = time.monotonic()
    write()
    thread.join(30)
    return done["at"] - wrote


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Start two service processes on one database and time the polls."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-long-poll-"))
    try:
        return _run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _run(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    db_url = f"sqlite:///{tmp / 'sync.sqlite3'}"
    engine = make_service_engine(db_url)
    upgrade_service(engine)
    site_key = auth.issue(engine, auth.KIND_SITE, name="bench")
    token = auth.issue(engine, auth.KIND_DEVICE, 1)
    engine.dispose()
    site, phone = requests.Session(), requests.Session()
    site.headers["Authorization"] = f"Bearer {site_key}"
    phone.headers["Authorization"] = f"Bearer {token}"
    day = dt.date.today() + dt.timedelta(days=1)
    counter = iter(range(1, 1_000_000))

    def put(url: str) -> None:
        task = _payload(uuid.uuid4().hex, 1, day, next(counter))
        reply = site.put(f"{url}/api/v1/site/tasks/{task['task_id']}", json=task, timeout=10)
        reply.raise_for_status()

    def new_task(url: str) -> str:
        task_id = uuid.uuid4().hex
        site.put(
            f"{url}/api/v1/site/tasks/{task_id}",
            json=_payload(task_id, 1, day, next(counter)),
            timeout=10,
        ).raise_for_status()
        return task_id

    def post_event(url: str, task_id: str) -> None:
        body = {
            "event_id": f"ev-{uuid.uuid4().hex}",
            "task_id": task_id,
            "kind": "accepted",
            "at": dt.datetime.now(dt.UTC).isoformat(),
        }
        reply = phone.post(f"{url}/api/v1/courier/tasks/{task_id}/events", json=body, timeout=10)
        reply.raise_for_status()

    def cursor(url: str) -> int:
        return int(site.get(f"{url}/api/v1/site/events", timeout=10).json()["cursor"])

    def revision(url: str) -> int:
        return int(phone.get(f"{url}/api/v1/courier/changes", timeout=10).json()["revision"])

    empty, feed, changes, other = [], [], [], []
    with (
        _service(db_url, 1, tmp / "service.log") as url,
        _service(db_url, 1, tmp / "second.log") as second,
    ):
        for _ in range(args.rounds):
            task_id = new_task(url)
            after = cursor(url)
            started = time.monotonic()
            site.get(f"{url}/api/v1/site/events", params={"after": after, "wait": 0.5}, timeout=10)
            empty.append((time.monotonic() - started) * 1000)

            feed.append(
                _woken(
                    lambda a=after: site.get(
                        f"{url}/api/v1/site/events", params={"after": a, "wait": 20}, timeout=40
                    ),
                    lambda t=task_id: post_event(url, t),
                )
                * 1000
            )
            rev = revision(url)
            changes.append(
                _woken(
                    lambda r=rev: phone.get(
                        f"{url}/api/v1/courier/changes", params={"after": r, "wait": 5}, timeout=40
                    ),
                    lambda: put(url),
                )
                * 1000
            )
            rev = revision(url)
            other.append(
                _woken(
                    lambda r=rev: phone.get(
                        f"{url}/api/v1/courier/changes", params={"after": r, "wait": 10}, timeout=40
                    ),
                    lambda: put(second),
                )
                * 1000
            )
    result: dict[str, Any] = {
        "benchmark": "long_poll",
        "machine": machine.describe(),
        "rounds": args.rounds,
        "empty_wait_0_5_s": summary(empty, 1),
        "feed_wake": summary(feed, 1),
        "changes_wake": summary(changes, 1),
        "changes_wake_other_process": summary(other, 1),
        "targets": TARGETS,
    }
    wake_max = max(max(feed), max(changes), max(other))
    result["met"] = {
        "empty_wait_0_5_s_max_ms": max(empty) < TARGETS["empty_wait_0_5_s_max_ms"],
        "wake_max_ms": wake_max < TARGETS["wake_max_ms"],
    }
    return result

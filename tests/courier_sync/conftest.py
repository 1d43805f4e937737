"""The real sync service as a subprocess on loopback, its credentials, and a courier's phone."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from courier_sync.client.relay import Relay, RelaySettings
from courier_sync.server.db import make_engine as make_service_engine
from courier_sync.server.db import writing
from devtools.postgres import ThrowawayPostgres
from dispatcher import orders
from dispatcher.db import unit_of_work
from tests.dispatcher.conftest import OPERATOR, World, world  # noqa: F401  (the fixture)

ROOT = Path(__file__).resolve().parents[2]
SERVICE_BACKENDS = ["sqlite", "postgresql"]
_databases = itertools.count()


def free_port() -> int:
    """A TCP port on loopback nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(db_url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run `python -m courier_sync ARGS --db URL` as an admin would."""
    return subprocess.run(
        [sys.executable, "-m", "courier_sync", *args, "--db", db_url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=check,
    )


def issue_site_key(db_url: str) -> str:
    """A fresh site key, issued through the CLI."""
    return cli(db_url, "site-key", "issue").stdout.strip()


def issue_tokens(db_url: str, *courier_ids: int) -> dict[int, str]:
    """One fresh device token per courier, issued through the CLI in one run."""
    out = cli(db_url, "token", "issue", *map(str, courier_ids)).stdout.split()
    assert len(out) == len(courier_ids), out
    return dict(zip(courier_ids, out, strict=True))


@dataclass
class SyncService:
    """`courier-sync serve` in a subprocess; kill() is a SIGKILL, start() waits for readiness."""

    db_url: str
    log_path: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    extra_args: tuple[str, ...] = ()
    # "https" with --certfile/--keyfile in extra_args; `verify` is then the test CA's file.
    scheme: str = "http"
    verify: str | bool = True
    # Extra environment of the service (settings only read from it, such as token seconds).
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The service's base URL."""
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> None:
        """Start the service and wait until /healthz answers."""
        assert self.proc is None or self.proc.poll() is not None
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "courier_sync",
                "serve",
                "--db",
                self.db_url,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                *self.extra_args,
            ],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **self.env},
        )
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the sync service exited:\n{self.log_tail()}")
            with contextlib.suppress(requests.RequestException):
                ready = requests.get(self.url + "/healthz", timeout=1, verify=self.verify)
                if ready.status_code == 200:
                    return
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"the sync service did not get ready:\n{self.log_tail()}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no goodbye, as in a crash."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        """A clean stop (SIGTERM), a SIGKILL if it hangs."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_tail(self, lines: int = 40) -> str:
        """The end of the service's output, for failure messages."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def sqlite_service_db(tmp_path: Path) -> str:
    """A URL for a new SQLite file for the service."""
    return f"sqlite:///{tmp_path / f'sync{next(_databases)}.sqlite3'}"


def pg_service_db(cluster: ThrowawayPostgres | str) -> str:
    """A new, empty PostgreSQL database for the service."""
    if isinstance(cluster, str):
        pytest.skip("a given PostgreSQL server has one database: used by the dispatcher tests")
    return cluster.create_database(f"sync_{os.getpid()}_{next(_databases)}")


@pytest.fixture
def make_service(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[..., SyncService]]:
    """A factory of started services on `sqlite` or `postgresql`; all stopped at teardown."""
    started: list[SyncService] = []

    def make(backend: str = "sqlite", *extra_args: str) -> SyncService:
        if backend == "sqlite":
            url = sqlite_service_db(tmp_path)
        else:
            url = pg_service_db(request.getfixturevalue("pg_cluster"))
        service = SyncService(
            url, tmp_path / f"service{len(started)}.log", extra_args=tuple(extra_args)
        )
        started.append(service)
        service.start()
        return service

    yield make
    for service in started:
        service.kill()


@pytest.fixture
def service(make_service: Callable[..., SyncService]) -> SyncService:
    """One running service on a fresh SQLite database."""
    return make_service("sqlite")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """The system Chromium under Playwright, one per test module (starting it takes a while)."""
    from tests.conftest import missing_component
    from tests.courier_sync.browser import chromium_problem, launch_chromium

    problem = chromium_problem()
    if problem:
        missing_component(problem)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@dataclass
class Phone:
    """A courier's phone: the courier API with one device token."""

    base_url: str
    token: str
    session: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self) -> None:
        self.session.headers["Authorization"] = f"Bearer {self.token}"

    def get(self, path: str, **params: Any) -> requests.Response:
        """GET a courier endpoint."""
        return self.session.get(f"{self.base_url}/api/v1/courier/{path}", params=params, timeout=40)

    def tasks(self, day: dt.date) -> list[dict[str, Any]]:
        """The day's task list (asserting 200)."""
        response = self.get("tasks", date=day.isoformat())
        assert response.status_code == 200, response.text
        tasks: list[dict[str, Any]] = response.json()["tasks"]
        return tasks

    def post_event(self, task_id: str, kind: str, **fields: Any) -> requests.Response:
        """Post an event about a task; event_id and at are filled in unless given."""
        body = {
            "event_id": fields.pop("event_id", None) or f"ev-{os.urandom(8).hex()}",
            "task_id": task_id,
            "kind": kind,
            "at": fields.pop("at", None) or dt.datetime.now(dt.UTC).isoformat(),
            **fields,
        }
        return self.session.post(
            f"{self.base_url}/api/v1/courier/tasks/{task_id}/events", json=body, timeout=10
        )


@dataclass
class Site:
    """The desktop's side of the API with a site key (for tests that bypass the relay)."""

    base_url: str
    key: str
    session: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self) -> None:
        self.session.headers["Authorization"] = f"Bearer {self.key}"

    def put(self, task: dict[str, Any]) -> requests.Response:
        """PUT a task payload."""
        return self.session.put(
            f"{self.base_url}/api/v1/site/tasks/{task['task_id']}", json=task, timeout=10
        )

    def cancel(self, task_id: str, version: int, courier_id: int) -> requests.Response:
        """Cancel a task."""
        body = {"task_id": task_id, "version": version, "courier_id": courier_id, "reason": "x"}
        return self.session.post(
            f"{self.base_url}/api/v1/site/tasks/{task_id}/cancel", json=body, timeout=10
        )

    def events(self, after: int = 0, wait: float = 0) -> dict[str, Any]:
        """A page of the feed."""
        response = self.session.get(
            f"{self.base_url}/api/v1/site/events",
            params={"after": after, "wait": wait},
            timeout=40,
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


def deliver(
    sessions: sessionmaker[Session],
    w: World,
    courier_id: int,
    qty: int = 2,
    window: tuple[dt.time, dt.time] | None = (dt.time(10), dt.time(14)),
) -> int:
    """A new order for the private client, sent to delivery with `courier_id`; its id."""
    with unit_of_work(sessions) as s:
        order = orders.create_order(
            s,
            w.person_id,
            [orders.LineInput("W19", qty)],
            actor=OPERATOR,
            address_id=w.person_address_id,
        )
        start, end = window or (None, None)
        orders.send_to_delivery(
            s, order.id, orders.Slot(courier_id, w.tomorrow, start, end), actor=OPERATOR
        )
        return order.id


@dataclass
class SyncWorld:
    """A dispatcher database with its world, a running service, a relay and two phones."""

    w: World
    sessions: sessionmaker[Session]
    engine: Engine
    service: SyncService
    site_key: str
    relay: Relay
    phone_a: Phone
    phone_b: Phone

    def relay_settings(self, **changes: Any) -> RelaySettings:
        """Relay settings for this service, with test-friendly timeouts."""
        base: dict[str, Any] = {
            "sync_url": self.service.url,
            "api_key": self.site_key,
            "read_timeout": 5.0,
            "connect_timeout": 1.0,
            "feed_wait": 1.0,
        }
        return RelaySettings(**(base | changes))


@dataclass
class SharedService:
    """A service kept for a whole test module, with a site key and tokens of couriers 1..4."""

    service: SyncService
    site_key: str
    tokens: dict[int, str]

    def wipe(self) -> None:
        """Forget every task and event (credentials stay): a clean service for the next test."""
        engine = make_service_engine(self.service.db_url)
        with writing(engine) as conn:
            for table in ("tasks", "events", "receipts", "courier_state"):
                conn.execute(text(f"DELETE FROM {table}"))
        engine.dispose()


@pytest.fixture(scope="module")
def shared_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedService]:
    """One running SQLite-backed service for the module (starting one takes a second or two)."""
    tmp = tmp_path_factory.mktemp("sync")
    service = SyncService(sqlite_service_db(tmp), tmp / "service.log")
    service.start()
    yield SharedService(
        service, issue_site_key(service.db_url), issue_tokens(service.db_url, 1, 2, 3, 4)
    )
    service.kill()


@pytest.fixture
def sync_world(
    world: World,  # noqa: F811  (the imported fixture)
    sessions: sessionmaker[Session],
    engine: Engine,
    shared_service: SharedService,
) -> SyncWorld:
    """Everything a relay test needs, on each dispatcher backend, with an empty service."""
    shared_service.wipe()
    service = shared_service.service
    tokens = shared_service.tokens
    missing = [c for c in (world.courier_a, world.courier_b) if c not in tokens]
    if missing:
        tokens.update(issue_tokens(service.db_url, *missing))
    relay = Relay(
        sessions,
        RelaySettings(
            sync_url=service.url,
            api_key=shared_service.site_key,
            read_timeout=5.0,
            connect_timeout=1.0,
            feed_wait=1.0,
        ),
    )
    return SyncWorld(
        w=world,
        sessions=sessions,
        engine=engine,
        service=service,
        site_key=shared_service.site_key,
        relay=relay,
        phone_a=Phone(service.url, tokens[world.courier_a]),
        phone_b=Phone(service.url, tokens[world.courier_b]),
    )

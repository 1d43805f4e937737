"""The sync service's HTTP API, run as a real subprocess on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import text

from courier_sync.server.db import make_engine
from courier_sync.server.store import counts
from tests.courier_sync.conftest import (
    SERVICE_BACKENDS,
    Phone,
    Site,
    SyncService,
    cli,
    issue_site_key,
    issue_tokens,
    pg_service_db,
    sqlite_service_db,
)

DAY = dt.date(2026, 11, 24)
COURIERS = list(range(1001, 1031))
_couriers = iter(COURIERS)


class Api:
    """A running service with a site key and a pool of couriers with tokens."""

    def __init__(self, service: SyncService) -> None:
        self.service = service
        self.site = Site(service.url, issue_site_key(service.db_url))
        self.tokens = issue_tokens(service.db_url, *COURIERS)

    def phone(self) -> Phone:
        """A courier nobody else in the module uses."""
        courier_id = next(_couriers)
        return Phone(self.service.url, self.tokens[courier_id])

    def courier_id(self, phone: Phone) -> int:
        """The courier a phone belongs to."""
        return next(c for c, t in self.tokens.items() if t == phone.token)


@pytest.fixture(scope="module", params=SERVICE_BACKENDS)
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """One service per backend for the module; tests use couriers of their own."""
    global _couriers
    _couriers = iter(COURIERS)
    tmp: Path = tmp_path_factory.mktemp(f"api-{request.param}")
    if request.param == "sqlite":
        url = sqlite_service_db(tmp)
    else:
        url = pg_service_db(request.getfixturevalue("pg_cluster"))
    service = SyncService(url, tmp / "service.log")
    service.start()
    yield Api(service)
    service.kill()


def new_task(courier_id: int, **overrides: Any) -> dict[str, Any]:
    """A valid task for the courier with a fresh id."""
    body: dict[str, Any] = {
        "task_id": uuid.uuid4().hex,
        "version": 1,
        "order_id": 7,
        "courier_id": courier_id,
        "date": DAY.isoformat(),
        "window_start": "10:00",
        "window_end": "14:00",
        "address": {"text": "г. Москва, ул. Ленина, д. 1", "flat": "3"},
        "client_name": "Иванова Мария",
        "contact_phones": ["+79161234567"],
        "items": [{"code": "W19", "name": "Вода 19 л", "qty": 2, "price_kop": 35000}],
        "amount_kop": 70000,
        "payment_method": "cash",
        "comment": "позвонить за час",
    }
    body.update(overrides)
    return body


def test_openapi_lists_the_contract(api: Api) -> None:
    schema = requests.get(api.service.url + "/openapi.json", timeout=5).json()
    assert {
        "/api/v1/site/tasks/{task_id}",
        "/api/v1/site/tasks/{task_id}/cancel",
        "/api/v1/site/tasks:batch",
        "/api/v1/site/events",
        "/api/v1/courier/me",
        "/api/v1/courier/tasks",
        "/api/v1/courier/tasks/{task_id}",
        "/api/v1/courier/changes",
        "/api/v1/courier/tasks/{task_id}/events",
    } <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def test_a_task_is_visible_to_its_courier_only(api: Api) -> None:
    mine, other = api.phone(), api.phone()
    task = new_task(api.courier_id(mine))
    assert api.site.put(task).json() == {
        "task_id": task["task_id"],
        "version": 1,
        "applied": True,
    }
    listed = mine.tasks(DAY)
    assert [t["task_id"] for t in listed] == [task["task_id"]]
    assert listed[0]["status"] == "new"
    assert listed[0]["address"]["flat"] == "3" and listed[0]["amount_kop"] == 70000
    assert mine.get(f"tasks/{task['task_id']}").json()["comment"] == "позвонить за час"
    assert mine.get("me").json()["courier_id"] == api.courier_id(mine)
    assert other.tasks(DAY) == []
    assert other.get(f"tasks/{task['task_id']}").status_code == 404
    assert mine.get(f"tasks/{uuid.uuid4().hex}").status_code == 404
    assert mine.tasks(DAY + dt.timedelta(days=1)) == []


def test_repeated_and_older_upserts_change_nothing(api: Api) -> None:
    phone = api.phone()
    courier_id = api.courier_id(phone)
    task = new_task(courier_id)
    assert api.site.put(task).json()["applied"] is True
    assert api.site.put(task | {"comment": "changed, same version"}).json()["applied"] is False
    assert phone.tasks(DAY)[0]["comment"] == "позвонить за час"
    assert api.site.put(task | {"version": 3, "comment": "v3"}).json()["applied"] is True
    assert api.site.put(task | {"version": 2, "comment": "v2 late"}).json() == {
        "task_id": task["task_id"],
        "version": 3,
        "applied": False,
    }
    [seen] = phone.tasks(DAY)
    assert (seen["version"], seen["comment"]) == (3, "v3")


def test_a_cancel_leaves_a_tombstone_a_late_upsert_cannot_revive(api: Api) -> None:
    phone = api.phone()
    courier_id = api.courier_id(phone)
    ghost = new_task(courier_id)
    reply = api.site.cancel(ghost["task_id"], 2, courier_id)
    assert reply.json() == {"task_id": ghost["task_id"], "version": 2, "applied": True}
    assert api.site.put(ghost).json()["applied"] is False
    assert phone.tasks(DAY) == []
    assert phone.get(f"tasks/{ghost['task_id']}").status_code == 404

    live = new_task(courier_id)
    api.site.put(live)
    assert api.site.cancel(live["task_id"], 2, courier_id).json()["applied"] is True
    assert api.site.cancel(live["task_id"], 2, courier_id).json()["applied"] is False
    [seen] = phone.tasks(DAY)
    assert (seen["status"], seen["version"]) == ("cancelled", 2)


def test_tasks_are_listed_in_route_order(api: Api) -> None:
    phone = api.phone()
    courier_id = api.courier_id(phone)
    late = new_task(courier_id, window_start="15:00", window_end="18:00")
    anytime = new_task(courier_id, window_start=None, window_end=None)
    early_b = new_task(courier_id, address={"text": "Б-улица, 2"})
    early_a = new_task(courier_id, address={"text": "А-улица, 1"})
    for task in (late, anytime, early_b, early_a):
        api.site.put(task)
    order = [t["task_id"] for t in phone.tasks(DAY)]
    assert order == [t["task_id"] for t in (early_a, early_b, late, anytime)]


def test_wrong_missing_and_revoked_credentials_are_401(api: Api) -> None:
    url = api.service.url
    phone = api.phone()
    task = new_task(api.courier_id(phone))
    assert requests.get(f"{url}/api/v1/courier/me", timeout=5).status_code == 401
    bad = {"Authorization": "Bearer cdt_not-a-real-token"}
    assert requests.get(f"{url}/api/v1/courier/me", headers=bad, timeout=5).status_code == 401
    assert Site(url, "csk_wrong").put(task).status_code == 401
    # Each kind of secret opens only its own door.
    assert Site(url, phone.token).put(task).status_code == 401
    assert Phone(url, api.site.key).get("me").status_code == 401

    courier_id = 1999
    [token] = issue_tokens(api.service.db_url, courier_id).values()
    fresh = Phone(url, token)
    assert fresh.get("me").status_code == 200
    cli(api.service.db_url, "token", "revoke", str(courier_id))
    reply = fresh.get("me")
    assert reply.status_code == 401 and reply.json()["reason"] == "revoked"
    assert fresh.get("tasks", date=DAY.isoformat()).status_code == 401

    key = issue_site_key(api.service.db_url)
    assert Site(url, key).put(new_task(courier_id)).status_code == 200
    cli(api.service.db_url, "site-key", "revoke", key[:10])
    assert Site(url, key).put(new_task(courier_id)).status_code == 401
    assert api.site.put(new_task(courier_id)).status_code == 200  # other keys still work


def test_malformed_payloads_are_422_with_the_bad_fields_and_store_nothing(api: Api) -> None:
    phone = api.phone()
    courier_id = api.courier_id(phone)
    url = f"{api.service.url}/api/v1/site/tasks"
    before = counts(make_engine(api.service.db_url))
    task = new_task(courier_id)
    tid = task["task_id"]
    cases: list[tuple[dict[str, Any] | str, str]] = [
        (task | {"surprise": True}, "surprise"),
        (task | {"date": "2026-13-01"}, "date"),
        (task | {"amount_kop": -5}, "amount_kop"),
        (task | {"task_id": uuid.uuid4().hex}, "task_id"),
        (task | {"items": [{"code": "W", "name": "x", "qty": "many", "price_kop": 1}]}, "qty"),
        (task | {"comment": "nul\x00byte"}, "comment"),
        ("{not json", "json"),
    ]
    for body, word in cases:
        if isinstance(body, str):
            reply = api.site.session.put(
                f"{url}/{tid}", data=body, headers={"Content-Type": "application/json"}, timeout=5
            )
        else:
            reply = (
                api.site.put(body)
                if body["task_id"] == tid
                else api.site.session.put(f"{url}/{tid}", json=body, timeout=5)
            )
        assert reply.status_code == 422, (word, reply.text)
        assert word in reply.text.lower(), reply.text
    bad_event = {"event_id": "x", "task_id": tid, "kind": "done", "at": "yesterday"}
    reply = phone.session.post(
        f"{api.service.url}/api/v1/courier/tasks/{tid}/events", json=bad_event, timeout=5
    )
    assert reply.status_code == 422
    fields = {tuple(d["loc"])[-1] for d in reply.json()["detail"]}
    assert {"event_id", "at"} <= fields
    assert api.site.session.get(f"{url}/not-a-task-id", timeout=5).status_code in (404, 405)
    assert phone.get("tasks", date="24.11.2026").status_code == 422
    assert phone.get("changes", wait="nan").status_code == 422
    assert counts(make_engine(api.service.db_url)) == before
    assert phone.tasks(DAY) == []


def _stamps(db_url: str) -> tuple[dict[str, int], list[tuple[str, int]]]:
    """Row counts and the counters (revision, feed cursor): what a write would move."""
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            counters = [tuple(r) for r in conn.execute(text("SELECT name, value FROM counters"))]
        return counts(engine), sorted(counters)
    finally:
        engine.dispose()


def test_events_are_stored_once_and_fed_to_the_desktop_once(api: Api) -> None:
    phone, other = api.phone(), api.phone()
    courier_id = api.courier_id(phone)
    task = new_task(courier_id)
    api.site.put(task)
    cursor = api.site.events()["cursor"]
    event_id = f"ev-{uuid.uuid4()}"
    at = dt.datetime.now(dt.UTC).isoformat()
    first = phone.post_event(task["task_id"], "done", event_id=event_id, at=at, collected_kop=70000)
    assert first.json() == {"event_id": event_id, "applied": True}
    stamps = _stamps(api.service.db_url)
    again = phone.post_event(task["task_id"], "done", event_id=event_id, at=at, collected_kop=70000)
    assert again.status_code == 200 and again.json()["applied"] is False
    # The replay wrote nothing: no second row, no counter (change stamp) moved.
    assert _stamps(api.service.db_url) == stamps
    other_body = phone.post_event(
        task["task_id"], "done", event_id=event_id, at=at, collected_kop=1000
    )
    assert other_body.status_code == 409
    assert "different event" in other_body.json()["detail"]
    assert phone.tasks(DAY)[0]["status"] == "done"
    feed = api.site.events(after=cursor)
    assert [(e["event"]["event_id"], e["courier_id"]) for e in feed["events"]] == [
        (event_id, courier_id)
    ]
    assert feed["events"][0]["event"]["collected_kop"] == 70000
    assert api.site.events(after=feed["cursor"])["events"] == []

    assert other.post_event(task["task_id"], "accepted").status_code == 404
    cancelled = new_task(courier_id)
    api.site.put(cancelled)
    api.site.cancel(cancelled["task_id"], 2, courier_id)
    reply = phone.post_event(cancelled["task_id"], "accepted")
    assert reply.status_code == 409 and "cancelled" in reply.json()["detail"]
    assert api.site.events(after=feed["cursor"])["events"] == []


def test_the_feed_long_poll_answers_as_soon_as_an_event_arrives(api: Api) -> None:
    phone = api.phone()
    task = new_task(api.courier_id(phone))
    api.site.put(task)
    cursor = api.site.events()["cursor"]
    started = time.monotonic()
    empty = api.site.events(after=cursor, wait=0.5)
    assert empty == {"events": [], "cursor": cursor}
    assert time.monotonic() - started > 0.45  # it waited; how promptly: bench long_poll

    got: dict[str, Any] = {}

    def poll() -> None:
        begin = time.monotonic()
        got["feed"] = api.site.events(after=cursor, wait=20)
        got["seconds"] = time.monotonic() - begin

    waiter = threading.Thread(target=poll)
    waiter.start()
    time.sleep(0.5)  # on purpose: the poll must be parked at the service before the event
    phone.post_event(task["task_id"], "accepted")
    waiter.join(25)
    # Woken by the event, not by its 20 s wait running out (how soon: bench long_poll).
    assert len(got["feed"]["events"]) == 1
    assert got["seconds"] < 20


def test_the_changes_long_poll_wakes_the_couriers_phone(api: Api) -> None:
    phone, other = api.phone(), api.phone()
    revision = phone.get("changes").json()["revision"]
    got: dict[str, Any] = {}

    def poll(who: Phone, key: str) -> None:
        begin = time.monotonic()
        got[key] = who.get("changes", after=revision, wait=5).json()["revision"]
        got[key + "_s"] = time.monotonic() - begin

    other_revision = other.get("changes").json()["revision"]
    mine = threading.Thread(target=poll, args=(phone, "mine"))
    mine.start()
    time.sleep(0.3)  # on purpose: the poll must be parked at the service before the write
    api.site.put(new_task(api.courier_id(phone)))
    mine.join(10)
    # Woken by the write before its 5 s wait ran out (how soon: bench long_poll).
    assert got["mine"] > revision
    assert got["mine_s"] < 5
    assert other.get("changes").json()["revision"] == other_revision


def test_a_batch_applies_its_items_in_order(api: Api) -> None:
    phone = api.phone()
    courier_id = api.courier_id(phone)
    a, b = new_task(courier_id), new_task(courier_id, window_start="11:00", window_end="12:00")
    cancel = {"task_id": a["task_id"], "version": 2, "courier_id": courier_id, "reason": "x"}
    reply = api.site.session.post(
        f"{api.service.url}/api/v1/site/tasks:batch",
        json={
            "items": [
                {"op": "upsert", "task": a},
                {"op": "upsert", "task": b},
                {"op": "cancel", "cancel": cancel},
                {"op": "upsert", "task": a},
            ]
        },
        timeout=10,
    )
    assert reply.status_code == 200, reply.text
    assert [r["applied"] for r in reply.json()["results"]] == [True, True, True, False]
    statuses = {t["task_id"]: t["status"] for t in phone.tasks(DAY)}
    assert statuses == {a["task_id"]: "cancelled", b["task_id"]: "new"}


def test_the_courier_app_is_served(api: Api) -> None:
    reply = requests.get(api.service.url + "/", timeout=5)
    assert reply.status_code == 200 and reply.url.endswith("/courier/")
    assert requests.get(api.service.url + "/courier", timeout=5).url.endswith("/courier/")


def test_a_write_through_another_process_wakes_long_polls_here(api: Api, tmp_path: Path) -> None:
    second = SyncService(api.service.db_url, tmp_path / "second.log")
    second.start()
    try:
        phone = api.phone()
        revision = phone.get("changes").json()["revision"]
        got: dict[str, float] = {}

        def poll() -> None:
            begin = time.monotonic()
            got["revision"] = phone.get("changes", after=revision, wait=10).json()["revision"]
            got["seconds"] = time.monotonic() - begin

        waiter = threading.Thread(target=poll)
        waiter.start()
        time.sleep(0.3)  # on purpose: the poll must be parked here before the other write
        Site(second.url, api.site.key).put(new_task(api.courier_id(phone)))
        waiter.join(15)
        # The watcher noticed another process's write before the 10 s wait ran out (how
        # soon: bench long_poll).
        assert got["revision"] > revision
        assert got["seconds"] < 10, "the watcher should notice another process's write"
    finally:
        second.kill()


def test_keys_and_tokens_are_stored_hashed(api: Api) -> None:
    from sqlalchemy import text

    engine = make_engine(api.service.db_url)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash, prefix FROM credentials")).all()
    engine.dispose()
    secrets = {api.site.key, *api.tokens.values()}
    assert stored and all(h not in secrets and len(h) == 64 for h, _ in stored)
    listing = cli(api.service.db_url, "token", "list").stdout
    assert all(token not in listing for token in api.tokens.values())
    assert all(token[:12] in listing for token in itertools.islice(api.tokens.values(), 3))


@pytest.mark.parametrize("backend", SERVICE_BACKENDS)
def test_service_migrations_build_the_models_schema_and_go_down_again(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from courier_sync.server import migrate
    from courier_sync.server.models import Base

    if backend == "sqlite":
        url = sqlite_service_db(tmp_path)
    else:
        url = pg_service_db(request.getfixturevalue("pg_cluster"))
    engine = make_engine(url)
    migrate.upgrade(engine)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"version_table": migrate.VERSION_TABLE})
        assert compare_metadata(ctx, Base.metadata) == []
    assert migrate.current_revision(engine) == migrate.head_revision() == "0004"
    migrate.downgrade(engine, "base")
    assert migrate.current_revision(engine) is None
    migrate.upgrade(engine)
    assert counts(engine) == {"tasks": 0, "events": 0, "receipts": 0}
    engine.dispose()


def test_the_service_side_never_imports_the_dispatcher() -> None:
    import subprocess
    import sys

    probe = (
        "import sys, courier_sync.cli, courier_sync.server.app, courier_sync.contract;"
        "courier_sync.cli._parser();"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dispatcher', 'app')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert out.strip() == "[]"

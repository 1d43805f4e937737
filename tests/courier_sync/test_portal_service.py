"""The client portal's service side (docs/portal.md) on the real service, SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from courier_sync.server.portal_person import today
from tests.courier_sync.conftest import (
    SERVICE_BACKENDS,
    SyncService,
    issue_site_key,
    pg_service_db,
    sqlite_service_db,
)
from tests.helpers.wait import wait_until

_ids = itertools.count(1)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TOMORROW = today() + dt.timedelta(days=1)


class Desk:
    """The desk's side: publishes portal items with the site key, reads the portal feed."""

    def __init__(self, service: SyncService) -> None:
        self.url = service.url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {issue_site_key(service.db_url)}"

    def publish(self, *items: tuple[str, dict[str, Any]]) -> list[dict[str, Any]]:
        """POST a batch; the per-item results."""
        body = {"items": [{"topic": t, "payload": p} for t, p in items]}
        answer = self.session.post(f"{self.url}/api/v1/site/portal/batch", json=body, timeout=10)
        assert answer.status_code == 200, answer.text
        results: list[dict[str, Any]] = answer.json()["results"]
        return results

    def feed(self, after: int = 0, wait: float = 0) -> dict[str, Any]:
        """A page of the portal feed."""
        answer = self.session.get(
            f"{self.url}/api/v1/site/portal/feed",
            params={"after": after, "wait": wait},
            timeout=40,
        )
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    def client(self, client_id: int, version: int = 1, **changes: Any) -> None:
        """Publish a client with two products and two windows."""
        payload = {
            "client_id": client_id,
            "version": version,
            "name": f"ООО Клиент {client_id}",
            "kind": "company",
            "payment": "invoice",
            "prices": [
                {"code": "W19", "name": "Вода 19 л", "unit": "бут", "price_kop": 30000},
                {"code": "PUMP", "name": "Помпа", "price_kop": 50000},
            ],
            "windows": [{"start": "09:00", "end": "13:00"}, {"start": "14:00", "end": "18:00"}],
            "days_ahead": 10,
            "bottles": 4,
            "settlements": [{"month": "2026-11", "orders": 3, "delivered_kop": 90000}],
            **changes,
        }
        self.publish(("portal.client", payload))

    def invite(self, client_id: int, contact_id: int | None = None) -> str:
        """Publish an invitation; the code the person types."""
        code = uuid.uuid4().hex
        payload = {
            "invitation_id": next(_ids),
            "client_id": client_id,
            "contact_id": contact_id,
            "person_name": "Анна",
            "code_sha256": hashlib.sha256(code.encode()).hexdigest(),
            "expires_at": (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).isoformat(),
        }
        assert self.publish(("portal.invite", payload))[0]["applied"]
        return code

    def order(self, client_id: int, order_id: int, state: str, version: int, **extra: Any) -> bool:
        """Publish a desk order; whether it was applied."""
        payload = {
            "order_id": order_id,
            "client_id": client_id,
            "version": version,
            "state": state,
            "date": TOMORROW.isoformat(),
            "window_start": "09:00",
            "window_end": "13:00",
            "items": [{"code": "W19", "name": "Вода 19 л", "qty": 2, "price_kop": 30000}],
            "total_kop": 60000,
            "updated_at": dt.datetime.now(dt.UTC).isoformat(),
            **extra,
        }
        applied: bool = self.publish(("portal.order", payload))[0]["applied"]
        return applied


class Person:
    """A person's browser: the session cookie and the X-Portal header."""

    def __init__(self, url: str) -> None:
        self.url = url + "/portal/api/v1"
        self.session = requests.Session()
        self.session.headers["X-Portal"] = "1"

    def get(self, path: str, **params: Any) -> requests.Response:
        """GET a portal endpoint."""
        return self.session.get(self.url + path, params=params, timeout=10)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        """POST to a portal endpoint."""
        return self.session.post(self.url + path, timeout=20, **kwargs)

    def order(self, **changes: Any) -> requests.Response:
        """Place an order for two bottles tomorrow morning."""
        body = {
            "request_id": uuid.uuid4().hex,
            "items": [{"code": "W19", "qty": 2}],
            "date": TOMORROW.isoformat(),
            "window_start": "09:00",
            "window_end": "13:00",
            "comment": "",
            **changes,
        }
        return self.post("/orders", json=body)


class World:
    """A running service and its desk."""

    def __init__(self, service: SyncService) -> None:
        self.service = service
        self.desk = Desk(service)

    def person(self, client_id: int | None = None, contact_id: int | None = None) -> Person:
        """A signed-in person of a (new) published client."""
        client_id = client_id or next(_ids) + 500
        self.desk.client(client_id)
        code = self.desk.invite(client_id, contact_id)
        person = Person(self.service.url)
        login = f"p{uuid.uuid4().hex[:10]}@example.ru"
        answer = person.post(
            "/redeem", json={"code": code, "login": login, "password": "secret-123"}
        )
        assert answer.status_code == 200, answer.text
        return person


def _start(tmp: Path, backend: str, request: pytest.FixtureRequest, **env: str) -> SyncService:
    url = (
        sqlite_service_db(tmp)
        if backend == "sqlite"
        else pg_service_db(request.getfixturevalue("pg_cluster"))
    )
    service = SyncService(url, tmp / f"portal-{backend}.log", env=env)
    service.start()
    return service


@pytest.fixture(scope="module", params=SERVICE_BACKENDS)
def portal(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """One service per backend for the module; each test uses clients of its own."""
    service = _start(tmp_path_factory.mktemp(f"portal-{request.param}"), request.param, request)
    yield World(service)
    service.kill()


def test_an_invited_person_redeems_signs_in_and_sees_their_client(portal: World) -> None:
    client_id = next(_ids) + 500
    portal.desk.client(client_id)
    code = portal.desk.invite(client_id, contact_id=77)
    person = Person(portal.service.url)
    redeemed = person.post(
        "/redeem", json={"code": code, "login": "Anna@Example.ru", "password": "secret-123"}
    )
    assert redeemed.status_code == 200, redeemed.text
    cookie = redeemed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/portal/" in cookie
    again = Person(portal.service.url).post(
        "/redeem", json={"code": code, "login": "other@example.ru", "password": "secret-123"}
    )
    assert again.status_code == 410 and "already used" in again.json()["detail"]

    browser = Person(portal.service.url)
    assert browser.get("/me").status_code == 401
    wrong = browser.post("/login", json={"login": "anna@example.ru", "password": "nope-nope"})
    assert wrong.status_code == 401
    good = browser.post("/login", json={"login": "ANNA@example.ru", "password": "secret-123"})
    assert good.status_code == 200, good.text
    me = browser.get("/me").json()
    assert (me["client_id"], me["contact_id"], me["client_name"]) == (
        client_id,
        77,
        f"ООО Клиент {client_id}",
    )
    catalog = browser.get("/catalog").json()
    assert [p["code"] for p in catalog["prices"]] == ["W19", "PUMP"]
    assert catalog["first_date"] == today().isoformat()
    assert browser.get("/bottles").json()["bottles"] == 4
    assert browser.get("/settlements").json()["months"][0]["delivered_kop"] == 90000
    page = browser.session.get(portal.service.url + "/portal/", timeout=10)
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    # A POST without the header a foreign page cannot send is refused.
    del browser.session.headers["X-Portal"]
    assert browser.order().status_code == 403


def test_a_person_sees_nothing_of_another_client_by_any_id(portal: World) -> None:
    company_a, company_b = next(_ids) + 500, next(_ids) + 500
    anna, boris = portal.person(company_a), portal.person(company_b)
    portal.desk.order(company_b, order_id=next(_ids) + 9000, state="delivered", version=1)
    b_order = boris.order().json()["id"]
    b_ids = [o["id"] for o in boris.get("/orders").json()["orders"]]
    assert b_order in b_ids and len(b_ids) == 2
    for portal_id in b_ids:
        assert anna.get(f"/orders/{portal_id}").status_code == 404
        repeat = {
            "request_id": uuid.uuid4().hex,
            "date": TOMORROW.isoformat(),
            "window_start": "09:00",
            "window_end": "13:00",
        }
        assert anna.post(f"/orders/{portal_id}/repeat", json=repeat).status_code == 404
        claim = {"claim_id": uuid.uuid4().hex, "order_id": str(portal_id), "text": "x"}
        assert anna.post("/claims", data=claim).status_code == 404
    assert anna.get("/orders").json()["orders"] == []
    assert anna.get("/deliveries").json()["orders"] == []
    # A private client's person has no settlements.
    portal.desk.client(company_a, version=2, kind="person", payment="cash")
    assert anna.get("/settlements").status_code == 404


def test_bad_orders_get_a_clear_message_and_store_nothing(portal: World) -> None:
    person = portal.person()
    before = portal.desk.feed()["cursor"]
    cases = [
        ({"items": [{"code": "W19", "qty": 0}]}, "greater than or equal to 1"),
        ({"items": []}, "at least 1 item"),
        ({"date": (today() - dt.timedelta(days=1)).isoformat()}, "in the past"),
        ({"items": [{"code": "VODKA", "qty": 1}]}, "not in your price list"),
        ({"window_start": "08:00", "window_end": "09:00"}, "not offered"),
        ({"date": (today() + dt.timedelta(days=40)).isoformat()}, "orders are taken up to"),
    ]
    for changes, message in cases:
        answer = person.order(**changes)
        assert answer.status_code == 422, (changes, answer.text)
        assert message in json.dumps(answer.json()["detail"]), answer.text
    assert person.get("/orders").json()["orders"] == []
    assert portal.desk.feed(after=before)["events"] == []


def test_an_order_post_is_idempotent_and_wakes_the_desks_long_poll(portal: World) -> None:
    person = portal.person()
    cursor = portal.desk.feed()["cursor"]
    woke: dict[str, Any] = {}

    def poll() -> None:
        started = time.monotonic()
        woke["page"] = portal.desk.feed(after=cursor, wait=20)
        woke["after_s"] = time.monotonic() - started

    poller = threading.Thread(target=poll)
    poller.start()
    time.sleep(0.3)  # let the poll park (a wait on a condition is not possible across HTTP)
    request_id = uuid.uuid4().hex
    first = person.order(request_id=request_id, comment="<script>alert(1)</script>")
    second = person.order(request_id=request_id, comment="<script>alert(1)</script>")
    poller.join(25)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert first.json()["state"] == "to_confirm" and first.json()["total_kop"] == 60000
    assert first.json()["comment"] == "<script>alert(1)</script>"
    assert woke["after_s"] < 10
    events = portal.desk.feed(after=cursor)["events"]
    assert len(events) == 1
    assert events[0]["kind"] == "order" and events[0]["payload"]["request_id"] == request_id
    assert events[0]["payload"]["comment"] == "<script>alert(1)</script>"

    # The desk publishes it back: the same row, now with the desk's number and state.
    me = person.get("/me").json()
    order_id = next(_ids) + 9000
    assert portal.desk.order(me["client_id"], order_id, "taken", 1, request_id=request_id)
    orders = person.get("/orders").json()["orders"]
    assert [(o["id"], o["order_id"], o["state"]) for o in orders] == [
        (first.json()["id"], order_id, "taken")
    ]
    assert [o["order_id"] for o in person.get("/deliveries").json()["orders"]] == [order_id]


def test_an_older_version_never_overwrites_a_newer_one(portal: World) -> None:
    person = portal.person()
    client_id = person.get("/me").json()["client_id"]
    order_id = next(_ids) + 9000
    assert portal.desk.order(client_id, order_id, "on_phone", 3)
    assert not portal.desk.order(client_id, order_id, "taken", 2)
    assert not portal.desk.order(client_id, order_id, "taken", 3)
    assert [o["state"] for o in person.get("/orders").json()["orders"]] == ["on_phone"]
    portal.desk.client(client_id, version=5, bottles=9)
    portal.desk.client(client_id, version=4, bottles=1)
    assert person.get("/bottles").json()["bottles"] == 9


def test_a_claim_with_a_photo_reaches_the_desk_and_bad_photos_are_refused(portal: World) -> None:
    person = portal.person()
    client_id = person.get("/me").json()["client_id"]
    order_id = next(_ids) + 9000
    portal.desk.order(client_id, order_id, "delivered", 2)
    portal_id = person.get("/orders").json()["orders"][0]["id"]
    cursor = portal.desk.feed()["cursor"]
    form = {
        "claim_id": uuid.uuid4().hex,
        "order_id": str(portal_id),
        "text": "Одна бутыль треснула",
        "lines": json.dumps([{"code": "W19", "ordered": 2, "received": 1}]),
    }
    too_big = person.post(
        "/claims", data=form, files=[("photos", ("big.jpg", b"\xff\xd8\xff" + b"0" * 6_000_000))]
    )
    assert too_big.status_code == 413 and "over 5 MB" in too_big.json()["detail"]
    exe = person.post("/claims", data=form, files=[("photos", ("cat.jpg", b"MZ\x90\x00" * 100))])
    assert exe.status_code == 422 and "not a JPEG, PNG or WebP" in exe.json()["detail"]
    assert portal.desk.feed(after=cursor)["events"] == []

    filed = person.post("/claims", data=form, files=[("photos", ("a.png", PNG, "image/png"))])
    assert filed.status_code == 201, filed.text
    again = person.post("/claims", data=form, files=[("photos", ("a.png", PNG, "image/png"))])
    assert again.status_code == 200 and again.json() == filed.json()
    (event,) = portal.desk.feed(after=cursor)["events"]
    assert event["kind"] == "claim" and event["payload"]["order_id"] == order_id
    assert event["payload"]["lines"] == [{"code": "W19", "ordered": 2, "received": 1}]
    (photo,) = event["payload"]["photos"]
    fetched = portal.desk.session.get(
        f"{portal.service.url}/api/v1/site/portal/photos/{photo['photo_id']}", timeout=10
    )
    assert fetched.content == PNG and fetched.headers["content-type"] == "image/png"
    # A claim on an order that is not delivered is refused.
    live = person.order().json()["id"]
    refused = person.post("/claims", data={**form, "claim_id": uuid.uuid4().hex, "order_id": live})
    assert refused.status_code == 422 and "delivered order only" in refused.json()["detail"]


def test_messages_go_both_ways_and_revoking_ends_the_session(portal: World) -> None:
    person = portal.person(contact_id=5)
    client_id = person.get("/me").json()["client_id"]
    posted = person.post("/messages", json={"message_id": "msg-0001", "text": "<b>Когда?</b>"})
    assert posted.status_code == 201, posted.text
    portal.desk.publish(
        (
            "portal.reply",
            {
                "reply_id": next(_ids),
                "client_id": client_id,
                "message_id": "msg-0001",
                "text": "Завтра утром",
                "author": "Диспетчер",
                "at": dt.datetime.now(dt.UTC).isoformat(),
            },
        )
    )
    shown = person.get("/messages").json()["messages"]
    assert [(m["direction"], m["text"]) for m in shown] == [
        ("in", "<b>Когда?</b>"),
        ("out", "Завтра утром"),
    ]
    revoke = {"client_id": client_id, "contact_id": 5, "at": dt.datetime.now(dt.UTC).isoformat()}
    assert portal.desk.publish(("portal.revoke", revoke))[0]["applied"]
    assert person.get("/me").status_code == 401


def test_sessions_end_after_their_idle_and_absolute_lifetimes(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    service = _start(
        tmp_path, "sqlite", request, PORTAL_IDLE_SECONDS="1", PORTAL_SESSION_SECONDS="3"
    )
    try:
        portal = World(service)
        idle, busy = portal.person(), portal.person()
        signed_in = time.monotonic()
        token = busy.session.cookies["portal_session"]

        def busy_still_in_and_idle_out() -> bool:
            # The busy person keeps clicking (their idle lifetime moves); the other does not.
            assert busy.get("/me").status_code == 200
            return time.monotonic() - signed_in > 1.5

        wait_until(busy_still_in_and_idle_out, timeout=10, interval=0.3)
        assert idle.get("/me").status_code == 401

        def busy_ended() -> dict[str, Any] | None:
            # The cookie as sent, even after the browser dropped it at its max-age.
            answer = requests.get(
                f"{service.url}/portal/api/v1/me", cookies={"portal_session": token}, timeout=10
            )
            return answer.json() if answer.status_code == 401 else None

        ended = wait_until(busy_ended, timeout=10, interval=0.3)
        assert time.monotonic() - signed_in > 2.5
        assert "ended" in ended["detail"]
    finally:
        service.kill()

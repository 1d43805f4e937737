"""The courier page's sign-in over time, in headless Chromium: silent renewal, and expiry.

Device tokens live days; here the service hands out tokens that live minutes and ends a
renewed token's grace after 3 s, and the test backdates a token so that its half-life comes
a few seconds after the page signs in.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import select, update

from courier_sync.server import auth
from courier_sync.server.db import make_engine, reading, writing
from courier_sync.server.models import utcnow
from tests.conftest import missing_component
from tests.courier_sync.browser import (
    PHONE,
    card,
    chromium_problem,
    launch_chromium,
    make_task,
    screenshot,
    wait_for_feed,
)
from tests.courier_sync.conftest import Site, SyncService, sqlite_service_db

pytestmark = pytest.mark.timeout(120)
GRACE_S = 3
STORED_TOKEN = "JSON.parse(localStorage.getItem('dd.courier.token'))"
_couriers = count(801)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SyncService]:
    tmp = tmp_path_factory.mktemp("renewal")
    service = SyncService(
        sqlite_service_db(tmp),
        tmp / "service.log",
        env={
            "COURIER_SYNC_TOKEN_SECONDS": "600",
            "COURIER_SYNC_TOKEN_GRACE_SECONDS": str(GRACE_S),
        },
    )
    service.start()
    yield service
    service.kill()


@pytest.fixture(scope="module")
def site(service: SyncService) -> Site:
    engine = make_engine(service.db_url)
    try:
        return Site(service.url, auth.issue(engine, auth.KIND_SITE))
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    problem = chromium_problem()
    if problem:
        missing_component(problem)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


def _device_token(service: SyncService, courier_id: int, renew_in_s: float) -> str:
    """A 40 s token whose half-life (renew_after) comes `renew_in_s` from now."""
    engine = make_engine(service.db_url)
    try:
        token = auth.issue(engine, auth.KIND_DEVICE, courier_id, lifetime=dt.timedelta(seconds=40))
        now = utcnow()
        with writing(engine) as conn:
            conn.execute(
                update(auth.creds)
                .where(auth.creds.c.token_hash == auth.hash_token(token))
                .values(
                    created_at=now - dt.timedelta(seconds=20 - renew_in_s),
                    expires_at=now + dt.timedelta(seconds=20 + renew_in_s),
                )
            )
    finally:
        engine.dispose()
    return token


def _credential(service: SyncService, token: str) -> Any:
    engine = make_engine(service.db_url)
    try:
        with reading(engine) as conn:
            return conn.execute(
                select(auth.creds).where(auth.creds.c.token_hash == auth.hash_token(token))
            ).one()
    finally:
        engine.dispose()


def _me(service: SyncService, token: str) -> requests.Response:
    return requests.get(
        service.url + "/api/v1/courier/me",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )


def _open_page(chromium: Any, service: SyncService, token: str, locale: str = "ru-RU") -> Any:
    context = chromium.new_context(**(PHONE | {"locale": locale}))
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{service.url}/courier/")
    page.fill("#token-input", token)
    page.locator("#login-button").click()
    page.wait_for_selector("#tasks-screen:not([hidden])")
    return page


def test_the_page_renews_its_token_silently_and_the_old_one_ends_after_the_grace(
    chromium: Any, service: SyncService, site: Site, tmp_path: Path
) -> None:
    courier_id = next(_couriers)
    old = _device_token(service, courier_id, renew_in_s=4)
    first = make_task(courier_id, 1)
    assert site.put(first).status_code == 200
    page = _open_page(chromium, service, old)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        card(page, first).wait_for()
        # The courier keeps using the page past the token's half-life: a new task arrives.
        page.wait_for_function(
            "() => Date.now() > Date.parse(window.courierApp.state.me.renew_after)", polling=200
        )
        second = make_task(courier_id, 2, window_start="12:00", window_end="14:00")
        assert site.put(second).status_code == 200
        card(page, second).wait_for()
        page.wait_for_function(f"(old) => {STORED_TOKEN} !== old", arg=old, polling=200)
        fresh = page.evaluate(STORED_TOKEN)
        assert fresh.startswith("cdt_") and fresh != old
        assert page.locator("#login-screen").is_hidden()  # silently: no sign-in asked

        me = _me(service, fresh).json()
        lifetime = dt.datetime.fromisoformat(me["expires_at"]) - dt.datetime.now(dt.UTC)
        assert dt.timedelta(seconds=500) < lifetime <= dt.timedelta(seconds=600)
        # The old token ends GRACE_S after the renewal, long before its own expiry.
        renewed_at = _credential(service, fresh).created_at
        ends = _credential(service, old).expires_at
        assert abs((ends - renewed_at).total_seconds() - GRACE_S) < 1
        deadline = time.monotonic() + 20
        while (refused := _me(service, old)).status_code == 200:
            assert time.monotonic() < deadline, "the old token kept working past its grace"
            time.sleep(0.3)
        assert refused.status_code == 401 and refused.json()["reason"] == "expired"

        # The page goes on with the new token: a delivery reported now reaches the desk.
        card(page, first).get_by_role("button", name="Доставлено", exact=True).click()
        page.locator("#done-dialog").get_by_role("button", name="Подтвердить").click()
        done = wait_for_feed(
            site, lambda e: e["task_id"] == first["task_id"] and e["kind"] == "done"
        )
        assert len(done) == 1
        assert page.locator("#login-screen").is_hidden() and errors == []
    finally:
        page.context.close()


@pytest.mark.parametrize(
    ("locale", "expired", "not_said"),
    [
        ("ru-RU", "Срок входа истёк", "отозвали"),
        ("en-US", "Your sign-in has expired", "revoked"),
    ],
)
def test_an_expired_sign_in_says_so_and_asks_to_pair_again(
    chromium: Any, service: SyncService, site: Site, locale: str, expired: str, not_said: str
) -> None:
    courier_id = next(_couriers)
    token = _device_token(service, courier_id, renew_in_s=300)
    first = make_task(courier_id, 1)
    assert site.put(first).status_code == 200
    page = _open_page(chromium, service, token, locale)
    try:
        card(page, first).wait_for()
        # The phone lay unused past its token's life (no renewal could happen).
        engine = make_engine(service.db_url)
        with writing(engine) as conn:
            conn.execute(
                update(auth.creds)
                .where(auth.creds.c.token_hash == auth.hash_token(token))
                .values(expires_at=utcnow() - dt.timedelta(seconds=1))
            )
        engine.dispose()
        assert (
            site.put(make_task(courier_id, 2, window_start="12:00", window_end="14:00")).status_code
            == 200
        )
        page.wait_for_selector("#login-screen:not([hidden])")
        message = page.locator("#login-error").inner_text()
        assert expired in message and not_said not in message
        screenshot(page, f"sign-in-expired-{locale[:2]}")
        assert page.evaluate(STORED_TOKEN) is None
    finally:
        page.context.close()

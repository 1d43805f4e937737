"""The courier page signs a phone in with a one-time code, in Debian's headless Chromium against
the real sync service: from the QR link (/courier/#pair=CODE) by itself, or typed; used,
expired and revoked codes show what to do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import count
from typing import Any

import pytest
import requests
from sqlalchemy import select, update

from courier_sync.server.db import make_engine, writing
from courier_sync.server.models import PairingCode
from tests.courier_sync import test_web_app as web
from tests.courier_sync.browser import PHONE, card, make_task, screenshot
from tests.courier_sync.conftest import Site, SyncService
from tests.courier_sync.test_web_app import Phone, put

# The web app module's fixtures (one Chromium, one service and site key for this module).
web_service = web.web_service
site = web.site
phone = web.phone

pytestmark = pytest.mark.timeout(120)

_couriers = count(7001)
_orders = count(77001)


def issue(site: Site, courier_id: int, name: str = "") -> dict[str, Any]:
    """What the desk's "Issue phone sign-in" does: a new code and its QR link."""
    reply = site.session.post(
        f"{site.base_url}/api/v1/site/couriers/{courier_id}/pairing-codes",
        json={"name": name},
        timeout=10,
    )
    assert reply.status_code == 200, reply.text
    body: dict[str, Any] = reply.json()
    return body


def with_task(site: Site, courier_id: int) -> dict[str, Any]:
    """The courier has one delivery today."""
    task = make_task(courier_id, next(_orders), client_name="Кузнецова Мария")
    put(site, task)
    return task


def signed_in(phone: Phone) -> None:
    """Wait for the task list (the sign-in worked)."""
    phone.page.wait_for_selector("#tasks-screen:not([hidden])")


def pair_error(phone: Phone) -> str:
    """The sign-in view's message, once it shows."""
    error = phone.page.locator("#pair-error")
    error.wait_for(state="visible")
    return str(error.inner_text())


def test_the_scanned_link_signs_the_phone_in_and_shows_the_tasks(phone: Phone, site: Site) -> None:
    courier_id = next(_couriers)
    task = with_task(site, courier_id)
    issued = issue(site, courier_id, name="Петров Иван")

    phone.page.goto(issued["pair_url"])  # what the phone's camera opens
    signed_in(phone)
    page = phone.page
    card(page, task).wait_for()
    assert page.locator("#courier-name").inner_text() == "Петров Иван"
    # The code leaves the address bar (and history) at once.
    assert "pair=" not in page.url and issued["code"] not in page.url
    assert page.evaluate("localStorage.getItem('dd.courier.token')").startswith('"cdt_')
    screenshot(page, "paired")

    # The phone stays signed in: a reload opens the list again.
    page.reload()
    signed_in(phone)
    card(page, task).wait_for()


def test_a_typed_code_signs_the_phone_in(phone: Phone, site: Site) -> None:
    courier_id = next(_couriers)
    task = with_task(site, courier_id)
    code = issue(site, courier_id)["code"]

    phone.open()
    page = phone.page
    page.wait_for_selector("#login-screen:not([hidden])")
    screenshot(page, "sign-in")
    page.fill("#pair-code-input", "12")
    page.get_by_role("button", name="Подключить телефон").click()
    assert "8 цифр" in pair_error(phone)

    page.fill("#pair-code-input", f"{code[:4]} {code[4:]}")
    page.press("#pair-code-input", "Enter")
    signed_in(phone)
    card(page, task).wait_for()
    assert page.locator("#courier-name").inner_text() == f"Экспедитор № {courier_id}"


def test_a_used_code_says_so_and_signs_nothing_in(phone: Phone, site: Site) -> None:
    courier_id = next(_couriers)
    issued = issue(site, courier_id)
    first = requests.post(f"{site.base_url}/api/v1/pair", json={"code": issued["code"]}, timeout=10)
    assert first.status_code == 200  # another phone took it

    phone.page.goto(issued["pair_url"])
    assert "уже использован" in pair_error(phone)
    page = phone.page
    assert page.locator("#tasks-screen").is_hidden()
    assert page.evaluate("localStorage.getItem('dd.courier.token')") is None
    assert "pair=" not in page.url
    screenshot(page, "sign-in-used")


def test_an_expired_code_says_so(phone: Phone, site: Site, web_service: SyncService) -> None:
    courier_id = next(_couriers)
    code = issue(site, courier_id)["code"]
    # Ten minutes pass (the code's expiry moves into the past in the service's database).
    codes = PairingCode.__table__
    engine = make_engine(web_service.db_url)
    with writing(engine) as conn:
        expires = conn.execute(
            select(codes.c.expires_at).where(codes.c.courier_id == courier_id)
        ).scalar_one()
        conn.execute(
            update(codes)
            .where(codes.c.courier_id == courier_id)
            .values(expires_at=expires - dt.timedelta(minutes=11))
        )
    engine.dispose()

    phone.open()
    phone.page.fill("#pair-code-input", code)
    phone.page.press("#pair-code-input", "Enter")
    assert "Срок действия кода истёк" in pair_error(phone)


def test_a_revoked_phone_is_sent_back_to_sign_in(phone: Phone, site: Site) -> None:
    courier_id = next(_couriers)
    with_task(site, courier_id)
    phone.page.goto(issue(site, courier_id)["pair_url"])
    signed_in(phone)

    reply = site.session.post(
        f"{site.base_url}/api/v1/site/couriers/{courier_id}/devices/revoke", timeout=10
    )
    assert reply.json()["revoked_tokens"] == 1
    phone.page.click("#refresh-button")
    phone.page.wait_for_selector("#login-screen:not([hidden])")
    assert "новый код" in phone.page.locator("#login-error").inner_text()


@pytest.fixture
def english_phone(chromium: Any, web_service: SyncService) -> Iterator[Phone]:
    """A phone set to English."""
    context = chromium.new_context(**(PHONE | {"locale": "en-US"}))
    context.set_default_timeout(10_000)
    english = Phone(context, web_service.url)
    yield english
    context.close()
    assert english.errors == [], "the page raised JavaScript errors"


def test_an_english_phone_reads_the_sign_in_in_english(english_phone: Phone, site: Site) -> None:
    courier_id = next(_couriers)
    issued = issue(site, courier_id)
    assert requests.post(
        f"{site.base_url}/api/v1/pair", json={"code": issued["code"]}, timeout=10
    ).ok

    english_phone.page.goto(issued["pair_url"])
    assert pair_error(english_phone) == (
        "This code has already been used. Ask the shift lead for a new one."
    )
    assert english_phone.page.get_by_role("button", name="Connect this phone").is_visible()

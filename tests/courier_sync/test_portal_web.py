"""The client portal's pages in headless Chromium against the real sync service: an invited
contact sets a password, follows deliveries, repeats an order, writes, files a claim with a
photo; errors keep what was typed; a revoked session goes back to sign in; English."""

from __future__ import annotations

from typing import Any

import pytest

from tests.courier_sync.conftest import SyncService, issue_site_key
from tests.courier_sync.portal_page import (
    W19,
    PortalPage,
    PortalSite,
    client_item,
    revoke,
    seed,
    tiny_png,
)

CODE = "invite-code-0123456789abcdef"
LOGIN = "+79161234567"
PASSWORD = "correct horse battery"


@pytest.fixture
def site(service: SyncService) -> PortalSite:
    """The desk's side of a fresh service, with the company seeded and its contact invited."""
    portal_site = PortalSite(service.url, issue_site_key(service.db_url))
    seed(portal_site, CODE)
    return portal_site


@pytest.fixture
def client(chromium: Any, site: PortalSite) -> Any:
    """The invited contact's phone, signed in through the invitation link."""
    portal = PortalPage(chromium, site.base_url)
    portal.redeem(CODE, LOGIN, PASSWORD)
    yield portal
    portal.close()


def events_of(site: PortalSite, kind: str) -> list[dict[str, Any]]:
    """The feed's events of one kind."""
    return [e for e in site.feed() if e["kind"] == kind]


def test_invited_contact_follows_repeats_writes_and_claims(
    site: PortalSite, client: PortalPage
) -> None:
    page = client.page
    # Home: live deliveries with their state, the failure's note, the window.
    assert page.locator("#screen-title").text_content() == "Мои доставки"
    on_phone = client.order_card(503)
    assert on_phone.locator(".badge").text_content() == "У курьера"
    assert "09:00–13:00" in on_phone.text_content()
    failed = client.order_card(502)
    assert "Нет дома, перенесём на завтра" in failed.text_content()
    client.shot("home_ru")

    # History: repeat the delivered order in one tap, confirm the prefilled form.
    page.click('[data-tab="history"]')
    client.order_card(501).get_by_role("link", name="Повторить").click()
    page.wait_for_selector('#order-lines input[data-code="W19"]')
    assert page.input_value('#order-lines input[data-code="W19"]') == "2"
    assert page.locator("#order-total").text_content().startswith("760,00")
    page.select_option("#order-window", "13:00-18:00")
    client.shot("order_ru")
    page.click("#order-form button[type=submit]")
    pending = page.locator("#home-view article.order[data-state=to_confirm]")
    pending.wait_for()
    assert pending.locator(".badge").text_content() == "Ждёт подтверждения"
    [order] = events_of(site, "order")
    assert order["payload"]["repeat_of"] == 501
    assert order["payload"]["window_start"] == "13:00"

    # A message with markup is stored and shown as the text typed.
    script = "<script>alert(1)</script>"
    page.click('[data-tab="messages"]')
    page.fill("#message-text", script)
    page.click("#message-form button[type=submit]")
    bubble = page.locator(".bubble-in .bubble-text")
    bubble.wait_for()
    assert bubble.text_content() == script
    assert page.locator("#thread script").count() == 0
    assert [e["payload"]["text"] for e in events_of(site, "message")] == [script]

    # A claim on the delivered order: text, a photo, and "ordered 2, received 1".
    page.click('[data-tab="history"]')
    client.order_card(501).get_by_role("link", name="Претензия").click()
    page.fill("#claim-text", "Одна бутыль пришла треснутой")
    page.fill('#claim-lines input[data-code="W19"]', "1")
    page.set_input_files(
        "#claim-photos", [{"name": "crack.png", "mimeType": "image/png", "buffer": tiny_png()}]
    )
    assert "crack.png" in page.locator("#claim-files").text_content()
    client.shot("claim_ru")
    page.click("#claim-form button[type=submit]")
    page.wait_for_selector("#history-view:not([hidden])")
    [claim] = events_of(site, "claim")
    assert claim["payload"]["order_id"] == 501
    assert claim["payload"]["lines"] == [{"code": "W19", "ordered": 2, "received": 1}]
    assert [p["content_type"] for p in claim["payload"]["photos"]] == ["image/png"]

    # Bottles and the invoice company's settlements.
    page.click('[data-tab="account"]')
    page.wait_for_selector("#settlements tr")
    assert page.locator("#bottles").text_content() == "6 у вас"
    assert page.locator("#settlements tr").count() == 2


def test_errors_keep_what_was_typed_and_a_retry_does_not_double(
    site: PortalSite, client: PortalPage
) -> None:
    from playwright.sync_api import expect

    page = client.page
    # Offline: the message stays, "not sent"; the retry sends it once (same message_id).
    page.click('[data-tab="messages"]')
    page.wait_for_selector("#thread .empty")
    page.fill("#message-text", "Когда привезёте?")
    page.route("**/portal/api/v1/messages", lambda route: route.abort())
    page.click("#message-form button[type=submit]")
    error = page.locator("#message-form [data-error]")
    error.wait_for()
    assert "Не отправлено" in error.text_content()
    assert page.input_value("#message-text") == "Когда привезёте?"
    page.unroute("**/portal/api/v1/messages")
    page.get_by_role("button", name="Отправить ещё раз").click()
    page.locator(".bubble-in").wait_for()
    assert len(events_of(site, "message")) == 1

    # The company stops selling the pump while the form is open: the service's 422 is shown
    # next to the form, the quantities stay.
    page.click('[data-tab="order"]')
    page.locator('#order-lines input[data-code="PUMP"]').fill("3")
    site.publish(client_item(version=2, prices=[W19]))
    page.click("#order-form button[type=submit]")
    error = page.locator("#order-form [data-error]")
    error.wait_for()
    assert "PUMP" in error.text_content()
    assert page.input_value('#order-lines input[data-code="PUMP"]') == "3"
    assert events_of(site, "order") == []

    # Too many photos are refused before anything is sent.
    page.goto(f"{site.base_url}/portal/#/history")
    client.order_card(501).get_by_role("link", name="Претензия").click()
    photos = [
        {"name": f"p{n}.png", "mimeType": "image/png", "buffer": tiny_png()} for n in range(6)
    ]
    page.set_input_files("#claim-photos", photos)
    expect(page.locator("#claim-form [data-error]")).to_have_text("Не больше 5 фото.")

    # The operator revokes access: the next request goes back to sign in, saying why.
    revoke(site)
    page.click('[data-tab="home"]')
    notice = page.locator("#signin-notice")
    notice.wait_for()
    assert notice.text_content() == "Сеанс завершён. Войдите снова."


def test_english_is_remembered_and_sign_in_works(site: PortalSite, chromium: Any) -> None:
    from playwright.sync_api import expect

    first = PortalPage(chromium, site.base_url)
    first.redeem(CODE, LOGIN, PASSWORD)
    first.close()
    portal = PortalPage(chromium, site.base_url, locale="en-US")
    page = portal.page
    page.goto(f"{site.base_url}/portal/")
    expect(page.locator("#signin-screen h1")).to_have_text("Sign in")
    page.fill("#signin-login", LOGIN)
    page.fill("#signin-password", "wrong password")
    page.press("#signin-password", "Enter")
    expect(page.locator("#signin-form [data-error]")).to_have_text("Wrong login or password.")
    page.fill("#signin-password", PASSWORD)
    page.press("#signin-password", "Enter")
    page.wait_for_selector("#home-view:not([hidden]) article.order")
    assert page.locator("#screen-title").text_content() == "My deliveries"
    assert portal.order_card(503).locator(".badge").text_content() == "On the courier's phone"
    portal.shot("home_en")
    page.click('[data-tab="order"]')
    page.locator('#order-lines input[data-code="W19"]').fill("3")
    page.wait_for_function("document.querySelector('#order-total').textContent.includes('1,140')")
    portal.shot("order_en")
    page.click('[data-tab="history"]')
    portal.order_card(501).get_by_role("link", name="Claim").click()
    page.fill("#claim-text", "One bottle arrived cracked")
    page.fill('#claim-lines input[data-code="W19"]', "1")
    portal.shot("claim_en")
    # Switched to Russian: remembered after a reload.
    page.locator('#app [data-action="lang"]').click()
    assert page.locator('[data-tab="history"]').text_content() == "История"
    page.reload()
    page.wait_for_selector("#app:not([hidden])")
    expect(page.locator('[data-tab="home"]')).to_have_text("Доставки")
    assert page.evaluate("localStorage.getItem('dd.portal.lang')") == "ru"
    portal.close()

"""The courier's phone app, driven in Debian's headless Chromium against the real sync service.

One service process (real HTTP on loopback, real SQLite database) serves the whole module;
each test is a courier of its own with a fresh phone (browser context). Screenshots at phone
size go to docs/screenshots/courier-*.png.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from itertools import count
from typing import Any

import pytest

from tests.courier_sync.browser import (
    PHONE,
    card,
    feed,
    make_task,
    outbox_of,
    screenshot,
    wait_for_feed,
)
from tests.courier_sync.conftest import (
    Site,
    SyncService,
    issue_site_key,
    issue_tokens,
    sqlite_service_db,
)
from tests.helpers.wait import wait_until

pytestmark = pytest.mark.timeout(120)

_couriers = count(501)
_orders = count(9001)


@pytest.fixture(scope="module")
def web_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SyncService]:
    """One real service (SQLite) for the module: starting one per test would double the time."""
    workdir = tmp_path_factory.mktemp("courier_web")
    service = SyncService(sqlite_service_db(workdir), workdir / "service.log")
    service.start()
    yield service
    service.stop()


@pytest.fixture(scope="module")
def site(web_service: SyncService) -> Site:
    return Site(web_service.url, issue_site_key(web_service.db_url))


class Phone:
    """One courier's phone: a fresh browser profile with the app open."""

    def __init__(self, context: Any, base_url: str) -> None:
        self.context = context
        self.page = context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.base_url = base_url

    def open(self) -> None:
        self.page.goto(f"{self.base_url}/courier/")

    def log_in(self, token: str) -> None:
        self.open()
        self.page.fill("#token-input", token)
        self.page.get_by_role("button", name="Войти").click()
        self.page.wait_for_selector("#tasks-screen:not([hidden])")

    def outbox(self, courier_id: int) -> list[dict[str, Any]]:
        return outbox_of(self.page, courier_id)


@pytest.fixture
def phone(chromium: Any, web_service: SyncService) -> Iterator[Phone]:
    context = chromium.new_context(**PHONE)
    context.set_default_timeout(10_000)
    phone = Phone(context, web_service.url)
    yield phone
    context.close()
    assert phone.errors == [], "the page raised JavaScript errors"


def courier(service: SyncService) -> tuple[int, str]:
    """A new courier id and a device token for it, issued through the CLI."""
    courier_id = next(_couriers)
    return courier_id, issue_tokens(service.db_url, courier_id)[courier_id]


def put(site: Site, task: dict[str, Any]) -> None:
    """The desktop pushes a task."""
    reply = site.put(task)
    assert reply.status_code == 200, reply.text


def text_of(locator: Any) -> str:
    """Visible text with no-break spaces as plain spaces (money uses them)."""
    return " ".join(locator.inner_text().replace("\u00a0", " ").split())


def test_a_wrong_token_is_refused_with_a_clear_message(phone: Phone) -> None:
    phone.open()
    page = phone.page
    page.wait_for_selector("#login-screen:not([hidden])")
    screenshot(page, "login")

    page.fill("#token-input", "cdt_this-is-not-a-token")
    page.get_by_role("button", name="Войти").click()

    error = page.locator("#login-error")
    error.wait_for(state="visible")
    assert "Токен не принят" in error.inner_text()
    assert page.locator("#tasks-screen").is_hidden()
    assert page.evaluate("localStorage.getItem('dd.courier.token')") is None


def test_the_courier_sees_own_tasks_for_today_in_route_order(
    phone: Phone, web_service: SyncService, site: Site
) -> None:
    me, token = courier(web_service)
    other, _ = courier(web_service)
    afternoon = make_task(me, next(_orders), window_start="14:00", window_end="16:00")
    morning = make_task(
        me,
        next(_orders),
        window_start="09:00",
        window_end="11:00",
        amount_kop=123450,
        contact_phones=["+79161234567", "+74951234567"],
    )
    office = make_task(
        me,
        next(_orders),
        window_start="11:00",
        window_end="13:00",
        client_name="ООО «Вектор-Строй»",
        contact_name="Игорь, завхоз",
        address={"text": "Ленинский проспект, д. 32А, офис 410", "entrance": "1", "floor": "4"},
        items=[{"code": "W19", "name": "Вода «Родник» 19 л", "qty": 10, "price_kop": 35000}],
        amount_kop=350000,
        payment_method="invoice",
        comment="Пропуск заказан на фамилию водителя",
    )
    someone_elses = make_task(other, next(_orders), client_name="Чужой клиент")
    for task in (afternoon, morning, office, someone_elses):
        put(site, task)

    phone.log_in(token)
    page = phone.page
    page.wait_for_selector("article.task")
    assert page.locator("#list-title").inner_text() == "Задачи на сегодня"

    ids = page.locator("article.task").evaluate_all("els => els.map(e => e.dataset.taskId)")
    assert ids == [morning["task_id"], office["task_id"], afternoon["task_id"]]
    assert card(page, someone_elses).count() == 0
    assert "Чужой клиент" not in page.content()

    first = card(page, morning)
    assert "09:00–11:00" in text_of(first)
    assert "подъезд 3 · этаж 7 · кв. 112" in text_of(first)
    assert "Домофон не работает" in text_of(first)
    assert "Вода «Родник» 19 л × 3" in text_of(first)
    assert text_of(first.get_by_test_id("amount")) == "1 234,50 ₽"
    calls = first.locator('a[href^="tel:"]')
    assert calls.evaluate_all("els => els.map(e => e.getAttribute('href'))") == [
        "tel:+79161234567",
        "tel:+74951234567",
    ]
    assert text_of(calls.first) == "+7 916 123-45-67"
    assert first.locator('a[href^="geo:"]').count() == 1

    invoice = card(page, office)
    assert "по счёту, денег не брать" in text_of(invoice)
    assert invoice.get_by_test_id("amount").count() == 0
    assert "Игорь, завхоз" in text_of(invoice)
    assert "Пропуск заказан" in text_of(invoice)
    screenshot(page, "tasks")

    # The token stays on the phone: a reload opens the list, not the login.
    page.reload()
    card(page, morning).wait_for()
    assert page.locator("#login-screen").is_hidden()


def test_done_with_amount_and_bottles_reaches_the_service(
    phone: Phone, web_service: SyncService, site: Site
) -> None:
    me, token = courier(web_service)
    task = make_task(me, next(_orders), amount_kop=114000)
    put(site, task)
    phone.log_in(token)
    page = phone.page
    mine = card(page, task)

    mine.get_by_role("button", name="Принять задачу").click()
    mine.get_by_test_id("status").filter(has_text="Принята").wait_for()

    mine.get_by_role("button", name="Доставлено", exact=True).click()
    dialog = page.locator("#done-dialog")
    dialog.wait_for(state="visible")
    assert page.input_value("#collected-input") == "1140,00"
    page.fill("#collected-input", "1100,50")
    plus = dialog.get_by_role("button", name="Больше")
    plus.click()
    plus.click()
    assert page.input_value("#bottles-input") == "2"
    assert "Меньше суммы к оплате на 39,50 ₽" in text_of(dialog)
    screenshot(page, "done-dialog")
    dialog.get_by_role("button", name="Подтвердить").click()
    dialog.wait_for(state="hidden")

    events = wait_for_feed(site, lambda e: e["task_id"] == task["task_id"] and e["kind"] == "done")
    assert len(events) == 1
    done = events[0]
    assert done["event"]["collected_kop"] == 110050
    assert done["event"]["bottles_returned"] == 2
    assert done["courier_id"] == me
    kinds = [e["event"]["kind"] for e in feed(site) if e["event"]["task_id"] == task["task_id"]]
    assert kinds == ["accepted", "done"]

    mine.get_by_test_id("status").filter(has_text="Доставлено").wait_for()
    page.get_by_test_id("queue-count").wait_for(state="detached")
    assert "Получено 1 100,50 ₽ · тара: 2 бутыли" in text_of(mine)
    assert phone.outbox(me) == []


def test_a_lost_reply_is_retried_with_the_same_event_id_and_applied_once(
    chromium: Any, web_service: SyncService, site: Site
) -> None:
    """The service applies the event but the reply never reaches the phone (a dropped
    connection): the phone retries, and the service must see the same event_id."""
    me, token = courier(web_service)
    task = make_task(me, next(_orders))
    put(site, task)
    # No service worker here: Playwright's routing must see every request of the page.
    context = chromium.new_context(**PHONE, service_workers="block")
    try:
        phone = Phone(context, web_service.url)
        phone.log_in(token)
        page = phone.page
        posts: list[str] = []

        def apply_then_drop(route: Any) -> None:
            posts.append(route.request.post_data_json["event_id"])
            if len(posts) == 1:
                route.fetch()  # reaches the service, which applies it...
                route.abort("connectionreset")  # ...but the phone never hears back
            else:
                route.continue_()

        page.route("**/api/v1/courier/tasks/*/events", apply_then_drop)
        mine = card(page, task)
        mine.get_by_role("button", name="Доставлено", exact=True).click()
        page.locator("#done-dialog").get_by_role("button", name="Подтвердить").click()

        mine.get_by_test_id("status").filter(has_text="Доставлено").wait_for()
        # Polled from Python: the page's CSP forbids the eval a wait_for_function string needs.
        wait_until(lambda: not outbox_of(page, me), timeout=20)
        assert len(posts) >= 2 and len(set(posts)) == 1
        mine_in_feed = [e for e in feed(site) if e["event"]["task_id"] == task["task_id"]]
        assert [e["event"]["event_id"] for e in mine_in_feed] == posts[:1]
        assert phone.errors == []
    finally:
        context.close()


def test_failed_while_the_service_is_down_is_queued_and_delivered_once_after_restart(
    phone: Phone, web_service: SyncService, site: Site
) -> None:
    me, token = courier(web_service)
    first = make_task(me, next(_orders), window_start="09:00", window_end="11:00")
    second = make_task(
        me,
        next(_orders),
        window_start="12:00",
        window_end="14:00",
        address={"text": "ул. Вавилова, д. 7", "flat": "45"},
        client_name="Кузнецов Дмитрий",
        contact_phones=["+79261112233"],
        amount_kop=76050,
    )
    put(site, first)
    put(site, second)
    phone.log_in(token)
    page = phone.page
    card(page, second).wait_for()
    # The app shell is cached for offline start-up once the service worker is active.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")

    web_service.kill()
    target = card(page, second)
    target.get_by_role("button", name="Не доставлено").click()
    dialog = page.locator("#failed-dialog")
    dialog.wait_for(state="visible")
    dialog.get_by_role("button", name="Отправить").click()
    assert "Укажите причину" in text_of(dialog)  # a reason is required
    dialog.get_by_role("button", name="Нет дома").click()
    dialog.get_by_role("button", name="Завтра утром").click()
    assert page.input_value("#reason-input") == "Нет дома"
    assert page.input_value("#proposed-input").startswith("завтра утром")
    screenshot(page, "failed-dialog")
    dialog.get_by_role("button", name="Отправить").click()
    dialog.wait_for(state="hidden")

    target.get_by_test_id("queued").wait_for()
    assert text_of(target.get_by_test_id("status")) == "Не доставлено"
    banner = page.locator("#net-banner")
    banner.filter(has_text="Нет связи").wait_for()
    assert "Ждут отправки: 1" in text_of(banner)
    [queued] = phone.outbox(me)
    event_id = queued["event"]["event_id"]
    assert queued["event"]["reason"] == "Нет дома"

    # A reload while the service is down: the shell comes from the service worker's cache,
    # the list from the phone's cache, and the queued action is still there.
    page.reload()
    target.get_by_test_id("queued").wait_for()
    banner.filter(has_text="Нет связи").wait_for()
    assert card(page, first).count() == 1
    target.evaluate("e => e.scrollIntoView({block: 'end'})")
    screenshot(page, "offline-queued")
    assert [item["event"]["event_id"] for item in phone.outbox(me)] == [event_id]

    web_service.start()
    target.get_by_test_id("queued").wait_for(state="detached", timeout=30_000)
    banner.wait_for(state="hidden")
    assert wait_for_feed(site, lambda e: e["event_id"] == event_id)
    time.sleep(1.0)  # on purpose: let any duplicate send land before counting
    delivered = [e for e in feed(site) if e["event"]["task_id"] == second["task_id"]]
    assert [e["event"]["event_id"] for e in delivered] == [event_id]
    assert delivered[0]["event"]["kind"] == "failed"
    assert delivered[0]["event"]["reason"] == "Нет дома"
    assert delivered[0]["event"]["proposed_time"].startswith("завтра утром")
    assert phone.outbox(me) == []


def test_an_action_on_a_task_cancelled_meanwhile_is_dropped_with_a_notice(
    phone: Phone, web_service: SyncService, site: Site
) -> None:
    """Done while the phone is offline; the desktop cancels the task meanwhile. Back online,
    the service answers 409: the action leaves the queue and the courier is told."""
    me, token = courier(web_service)
    task = make_task(me, next(_orders))
    put(site, task)
    phone.log_in(token)
    page = phone.page
    mine = card(page, task)
    mine.wait_for()

    phone.context.set_offline(True)
    mine.get_by_role("button", name="Доставлено", exact=True).click()
    page.locator("#done-dialog").get_by_role("button", name="Подтвердить").click()
    mine.get_by_test_id("queued").wait_for()
    page.locator("#net-banner").filter(has_text="Нет связи").wait_for()
    cancelled = site.cancel(task["task_id"], task["version"] + 1, me)
    assert cancelled.status_code == 200, cancelled.text

    phone.context.set_offline(False)  # the `online` event: the queue is sent at once
    page.locator(".toast").filter(has_text="Задача отменена диспетчером").wait_for()
    mine.get_by_test_id("status").filter(has_text="Отменено").wait_for()
    assert mine.get_by_test_id("queued").count() == 0
    assert phone.outbox(me) == []
    assert [e for e in feed(site) if e["event"]["task_id"] == task["task_id"]] == []


def test_the_open_list_follows_the_desktop_by_itself(
    phone: Phone, web_service: SyncService, site: Site
) -> None:
    me, token = courier(web_service)
    kept = make_task(me, next(_orders), window_start="09:00", window_end="10:00")
    dropped = make_task(
        me,
        next(_orders),
        window_start="15:00",
        window_end="17:00",
        address={"text": "ул. Гарибальди, д. 11"},
        client_name="Орлова Мария",
    )
    put(site, kept)
    put(site, dropped)
    phone.log_in(token)
    page = phone.page
    card(page, dropped).wait_for()

    # The desktop adds a task: it appears without any touch.
    added = make_task(
        me,
        next(_orders),
        window_start="12:00",
        window_end="13:00",
        address={"text": "ул. Обручева, д. 30"},
        client_name="Новый клиент",
    )
    put(site, added)
    card(page, added).wait_for(timeout=5_000)  # within 5 s, or wait_for fails

    # The desktop moves a task to another window: the card follows.
    moved = {**kept, "version": 2, "window_start": "18:00", "window_end": "19:00"}
    put(site, moved)
    card(page, kept).filter(has_text="18:00–19:00").wait_for(timeout=5_000)

    # The desktop cancels a task: it is struck through as cancelled, with no buttons.
    cancelled = site.cancel(dropped["task_id"], dropped["version"] + 1, me)
    assert cancelled.status_code == 200, cancelled.text
    gone = card(page, dropped)
    gone.get_by_test_id("status").filter(has_text="Отменено").wait_for(timeout=5_000)
    assert gone.get_by_role("button").count() == 0
    decoration = gone.locator(".addr").evaluate("e => getComputedStyle(e).textDecorationLine")
    assert decoration == "line-through"
    ids = page.locator("article.task").evaluate_all("els => els.map(e => e.dataset.taskId)")
    assert ids == [added["task_id"], kept["task_id"], dropped["task_id"]]


def test_money_phones_and_plurals_read_as_a_russian_courier_expects(phone: Phone) -> None:
    phone.open()
    got = phone.page.evaluate(
        """async () => {
            const f = await import('./format.js');
            return {
                rub: [123450, 0, 5, 100000000].map(f.formatRub),
                parsed: ['1 234,5', '1234.50', '1234', '12,345', 'сто', '1\\u00a0100,50 ₽']
                    .map(f.parseRub),
                input: f.kopToInput(76050),
                phone: [f.formatPhone('+79161234567'), f.formatPhone('+4930123456')],
                tel: f.telHref('+79161234567'),
                bottles: [1, 2, 5, 11, 21, 22].map(n => f.plural(n, 'бутыль', 'бутыли', 'бутылей')),
                id: f.newEventId(),
                at: f.isoNowWithOffset(),
            };
        }"""
    )
    assert [r.replace("\u00a0", " ") for r in got["rub"]] == [
        "1 234,50 ₽",
        "0,00 ₽",
        "0,05 ₽",
        "1 000 000,00 ₽",
    ]
    assert got["parsed"] == [123450, 123450, 123400, None, None, 110050]
    assert got["input"] == "760,50"
    assert [p.replace("\u00a0", " ") for p in got["phone"]] == ["+7 916 123-45-67", "+4930123456"]
    assert got["tel"] == "tel:+79161234567"
    assert got["bottles"] == ["бутыль", "бутыли", "бутылей", "бутылей", "бутыль", "бутыли"]
    assert len(got["id"]) == 36
    assert got["at"][-6] in "+-" and got["at"][-3] == ":"

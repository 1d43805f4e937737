"""Helpers for driving the courier web app: Debian's Chromium under Playwright, a phone-sized
page, task payloads as the desktop pushes them, and reading the service's events feed.
The service itself is started with the package's own fixture code (`conftest.SyncService`).

Playwright's own browser downloads are never used: Chromium is the system one.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.courier_sync.conftest import Site

CHROMIUM = os.environ.get("COURIER_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A mid-size Android phone: what the couriers carry.
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "ru-RU",
}
REPO = Path(__file__).resolve().parents[2]
# `make screenshots` points this at docs/screenshots; a plain test run must not touch the
# committed pictures, so it writes them to a scratch directory.
SCREENSHOTS = Path(
    os.environ.get("DISPATCH_SCREENSHOTS_DIR")
    or Path(tempfile.gettempdir()) / "dispatch-desk-screenshots"
)


def chromium_problem() -> str | None:
    """Why the system Chromium cannot be used, or None when it can."""
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"Playwright's Python package is missing ({exc}): pip install -e '.[dev]'"
    return None


def launch_chromium(playwright: Any) -> Any:
    """The system Chromium, headless; never a downloaded browser."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


# --------------------------------------------------------------------------- the site side
def feed(site: Site) -> list[dict[str, Any]]:
    """The service's whole events feed (every page, no waiting)."""
    found: list[dict[str, Any]] = []
    after = 0
    while True:
        page = site.events(after=after)
        if not page["events"]:
            return found
        found += page["events"]
        after = page["cursor"]


def wait_for_feed(
    site: Site, predicate: Callable[[dict[str, Any]], bool], timeout: float = 10.0
) -> list[dict[str, Any]]:
    """The feed's entries whose event matches `predicate`, once there is at least one."""
    deadline = time.monotonic() + timeout
    while True:
        matching = [e for e in feed(site) if predicate(e["event"])]
        if matching or time.monotonic() > deadline:
            return matching
        time.sleep(0.2)


def make_task(courier_id: int, order_id: int, **overrides: Any) -> dict[str, Any]:
    """A task for today, shaped exactly like the desktop outbox's task payload."""
    task: dict[str, Any] = {
        "schema_version": 1,
        "task_id": uuid.uuid4().hex,
        "version": 1,
        "order_id": order_id,
        "courier_id": courier_id,
        "date": dt.date.today().isoformat(),
        "window_start": "10:00",
        "window_end": "12:00",
        "address": {
            "text": "ул. Профсоюзная, д. 56",
            "entrance": "3",
            "floor": "7",
            "flat": "112",
            "notes": "Домофон не работает — звонить за 10 минут",
            "lat": None,
            "lon": None,
        },
        "client_name": "Смирнова Анна Петровна",
        "contact_name": None,
        "contact_phones": ["+79161234567"],
        "items": [{"code": "W19", "name": "Вода «Родник» 19 л", "qty": 3, "price_kop": 38000}],
        "amount_kop": 114000,
        "payment_method": "cash",
        "comment": "",
    }
    task.update(overrides)
    return task


# --------------------------------------------------------------------------- the page
class CourierPage:
    """A courier's phone in its own browser profile, signed in and showing tomorrow's route
    (in Moscow, as the desk's "tomorrow", whatever zone the test machine has)."""

    def __init__(self, chromium: Any, base_url: str, token: str) -> None:
        self.context = chromium.new_context(**PHONE, timezone_id="Europe/Moscow")
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.goto(f"{base_url}/courier/")
        self.page.fill("#token-input", token)
        self.page.get_by_role("button", name="Войти").click()
        self.page.wait_for_selector("#tasks-screen:not([hidden])")
        self.page.click("#next-day")

    def active(self, task_uid: str) -> Any:
        """The task's card while it is new (not yet done, failed or cancelled)."""
        return self.page.locator(f'article.task[data-status="new"][data-task-id="{task_uid}"]')

    def close(self) -> None:
        """Close the profile; the page must not have raised JavaScript errors."""
        self.context.close()
        assert self.errors == [], "the page raised JavaScript errors"


def screenshot(page: Any, name: str) -> Path:
    """A phone-size screenshot, courier-<name>.png (docs/screenshots/ under make screenshots)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"courier-{name}.png"
    page.screenshot(path=str(path), animations="disabled", caret="hide")
    return path


def card(page: Any, task: dict[str, Any]) -> Any:
    """The task's card on the page."""
    return page.locator(f'article.task[data-task-id="{task["task_id"]}"]')


def outbox_of(page: Any, courier_id: int) -> list[dict[str, Any]]:
    """The courier's queued (unsent) events in the page's storage, oldest first."""
    items: list[dict[str, Any]] = page.evaluate(
        """(prefix) => Object.keys(localStorage)
            .filter((k) => k.startsWith(prefix))
            .map((k) => JSON.parse(localStorage.getItem(k)))
            .sort((a, b) => a.queued_at - b.queued_at)""",
        f"dd.courier.outbox.{courier_id}.",
    )
    return items

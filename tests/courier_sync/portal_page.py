"""Helpers for the client portal's browser tests: the desk's side of the portal API (batch and
feed with the site key), a seeded client, and a phone-sized page in headless Chromium."""

from __future__ import annotations

import datetime as dt
import hashlib
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from tests.courier_sync.browser import SCREENSHOTS

SITE_API = "/api/v1/site/portal"
# The phone the issue names: 360×740 CSS pixels.
SMALL_PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
CLIENT_ID = 7
CONTACT_ID = 70
W19 = {
    "code": "W19",
    "name": "Вода «Родник» 19 л",
    "kind": "goods",
    "unit": "бут.",
    "price_kop": 38000,
}
PUMP = {
    "code": "PUMP",
    "name": "Помпа механическая",
    "kind": "goods",
    "unit": "шт.",
    "price_kop": 45000,
}


def now() -> str:
    """Now as an aware ISO datetime."""
    return dt.datetime.now(dt.UTC).isoformat()


def moscow_today() -> dt.date:
    """The service's "today" (it takes orders by the Moscow date)."""
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=3)).date()


@dataclass
class PortalSite:
    """The desk's side of the portal: publish items, read what people did."""

    base_url: str
    key: str
    session: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self) -> None:
        self.session.headers["Authorization"] = f"Bearer {self.key}"

    def publish(self, *items: tuple[str, dict[str, Any]]) -> None:
        """Apply (topic, payload) items as the desk's relay would; all must be accepted."""
        body = {"items": [{"topic": topic, "payload": payload} for topic, payload in items]}
        response = self.session.post(f"{self.base_url}{SITE_API}/batch", json=body, timeout=10)
        assert response.status_code == 200, response.text

    def feed(self) -> list[dict[str, Any]]:
        """Every event of the portal feed so far."""
        response = self.session.get(
            f"{self.base_url}{SITE_API}/feed", params={"after": 0, "wait": 0}, timeout=10
        )
        assert response.status_code == 200, response.text
        events: list[dict[str, Any]] = response.json()["events"]
        return events


def client_item(
    version: int = 1, prices: list[dict[str, Any]] | None = None
) -> tuple[str, dict[str, Any]]:
    """`portal.client` of the seeded company: invoice payment, two products, two windows."""
    return (
        "portal.client",
        {
            "client_id": CLIENT_ID,
            "version": version,
            "name": "ООО «Ромашка»",
            "kind": "company",
            "payment": "invoice",
            "prices": [W19, PUMP] if prices is None else prices,
            "windows": [{"start": "09:00", "end": "13:00"}, {"start": "13:00", "end": "18:00"}],
            "days_ahead": 14,
            "bottles": 6,
            "settlements": [
                {"month": "2026-10", "orders": 9, "delivered_kop": 684000},
                {"month": "2026-11", "orders": 11, "delivered_kop": 836000},
            ],
        },
    )


def order_item(
    order_id: int, state: str, days: int, qty: int = 2, note: str = ""
) -> tuple[str, dict[str, Any]]:
    """`portal.order` of the seeded company: `qty` bottles of W19, `days` from today."""
    return (
        "portal.order",
        {
            "order_id": order_id,
            "client_id": CLIENT_ID,
            "version": 1,
            "state": state,
            "date": (moscow_today() + dt.timedelta(days=days)).isoformat(),
            "window_start": "09:00",
            "window_end": "13:00",
            "items": [{"code": "W19", "name": W19["name"], "qty": qty, "price_kop": 38000}],
            "total_kop": 38000 * qty,
            "note": note,
            "updated_at": now(),
        },
    )


def seed(site: PortalSite, code: str, invitation_id: int = 1) -> None:
    """An invited contact of a company with a delivered, a failed and an on-the-phone order."""
    invite = {
        "invitation_id": invitation_id,
        "client_id": CLIENT_ID,
        "contact_id": CONTACT_ID,
        "person_name": "Анна Смирнова",
        "code_sha256": hashlib.sha256(code.encode()).hexdigest(),
        "expires_at": (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).isoformat(),
    }
    site.publish(
        ("portal.invite", invite),
        client_item(),
        order_item(501, "delivered", -2),
        order_item(502, "failed", 0, qty=3, note="Нет дома, перенесём на завтра"),
        order_item(503, "on_phone", 1, qty=4),
    )


def revoke(site: PortalSite) -> None:
    """The operator revokes the contact's access."""
    site.publish(("portal.revoke", {"client_id": CLIENT_ID, "contact_id": CONTACT_ID, "at": now()}))


def tiny_png() -> bytes:
    """A valid 1×1 red PNG (the service checks magic bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


class PortalPage:
    """A client's phone in its own browser profile at /portal/."""

    def __init__(self, chromium: Any, base_url: str, locale: str = "ru-RU") -> None:
        self.base_url = base_url
        self.context = chromium.new_context(
            **SMALL_PHONE, locale=locale, timezone_id="Europe/Moscow"
        )
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.dialogs: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def redeem(self, code: str, login: str, password: str) -> None:
        """Open the invitation link and choose a login and password."""
        self.page.goto(f"{self.base_url}/portal/#invite={code}")
        self.page.fill("#redeem-login", login)
        self.page.fill("#redeem-password", password)
        self.page.fill("#redeem-confirm", password)
        self.page.press("#redeem-confirm", "Enter")
        self.page.wait_for_selector("#home-view:not([hidden]) article.order")

    def order_card(self, order_id: int) -> Any:
        """The card of the desk's order `order_id` on the shown list."""
        return self.page.locator(
            f"section:not([hidden]) article.order:has(h2:text-matches('{order_id}'))"
        )

    def shot(self, name: str) -> Path:
        """A phone-size screenshot, portal_<name>.png (docs/screenshots/ under make screenshots)."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"portal_{name}.png"
        self.page.screenshot(path=str(path), animations="disabled", caret="hide")
        return path

    def close(self) -> None:
        """Close the profile; the page must not have raised JavaScript errors or dialogs."""
        self.context.close()
        assert self.errors == [], self.errors
        assert self.dialogs == [], self.dialogs

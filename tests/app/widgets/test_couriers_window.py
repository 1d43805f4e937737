"""The Couriers window driven from the keyboard: deactivate, edit days, refusals, sign-in.

The phone sign-in runs against the real sync service, and the code is typed on the courier
page in headless Chromium: it signs the phone in once and fails the second time.
"""

from __future__ import annotations

import socket
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy.orm import Session, sessionmaker

from app.couriers import CouriersViewModel
from app.identity import Identity
from app.widgets.couriers_window import CouriersWindow
from dispatcher.models import Courier, UserRole
from dispatcher.users import Actor
from tests.app.keys import CTRL, type_into
from tests.courier_sync import test_web_app as web
from tests.courier_sync.conftest import (
    Site,
    SyncService,
    chromium,  # noqa: F401  (the fixture)
)
from tests.courier_sync.test_web_app import Phone
from tests.courier_sync.test_web_pairing import pair_error, signed_in
from tests.dispatcher.conftest import World

# The courier page's fixtures: one Chromium, one real service and its site key.
web_service = web.web_service
site = web.site
phone = web.phone

LEAD = Actor("lead", "Старший смены", UserRole.LEAD)
OPERATOR = Actor("op", "Оператор", UserRole.OPERATOR)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _open(
    qtbot: Any, worker: Any, actor: Actor, sync: tuple[str, str, str] = ("", "", "")
) -> CouriersWindow:
    vm = CouriersViewModel(worker, Identity(actor), lambda: sync)
    window = CouriersWindow(vm)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.table.rowCount() == 2)
    window.table.setFocus()
    return window


def _pick(qtbot: Any, window: CouriersWindow, name: str) -> None:
    """Down arrow until the courier called ``name`` is selected."""
    for _ in range(window.table.rowCount() + 1):
        item = window.table.item(window.table.currentRow(), 0)
        if item is not None and item.text() == name and window.name.text() == name:
            return
        qtbot.keyClick(window.table, Qt.Key.Key_Down)
    raise AssertionError(f"{name} is not in the list")


def _courier(sessions: sessionmaker[Session], courier_id: int) -> Courier:
    with sessions() as s:
        courier = s.get(Courier, courier_id)
        assert courier is not None
        s.expunge(courier)
        return courier


def test_a_lead_deactivates_a_courier_with_ctrl_d(
    qtbot: Any, worker: Any, world: World, sessions: sessionmaker[Session]
) -> None:
    window = _open(qtbot, worker, LEAD)
    _pick(qtbot, window, "Сидоров Семён")
    qtbot.keyClick(window.table, Qt.Key.Key_D, CTRL)
    qtbot.waitUntil(lambda: "deactivated" in window.message.text())
    assert not _courier(sessions, world.courier_b).active
    # Still listed (history kept), last, marked so; the button now activates.
    last = window.table.rowCount() - 1
    assert [window.table.item(last, c).text() for c in (0, 1)] == ["Сидоров Семён", "deactivated"]
    assert window.toggle_button.text().startswith("Activate")
    qtbot.keyClick(window.table, Qt.Key.Key_D, CTRL)
    qtbot.waitUntil(lambda: "takes deliveries again" in window.message.text())
    assert _courier(sessions, world.courier_b).active


def test_a_lead_edits_working_days_and_hours(
    qtbot: Any, worker: Any, world: World, sessions: sessionmaker[Session]
) -> None:
    window = _open(qtbot, worker, LEAD)
    _pick(qtbot, window, "Петров Пётр")
    sunday = window.days[6]
    sunday.setFocus()
    qtbot.keyClick(sunday, Qt.Key.Key_Space)
    type_into(qtbot, window.hours, "09:00-18:00")
    qtbot.keyClick(window.hours, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: window.message.text() == "Saved: Петров Пётр.")
    courier = _courier(sessions, world.courier_a)
    assert courier.work_days == 0b0111111
    assert f"{courier.work_start:%H:%M}-{courier.work_end:%H:%M}" == "09:00-18:00"
    row = next(r for r in range(2) if window.table.item(r, 0).text() == "Петров Пётр")
    assert window.table.item(row, 3).text() == "Mon, Tue, Wed, Thu, Fri, Sat"
    assert window.table.item(row, 4).text() == "09:00–18:00"


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("capacity", "-1", "at least one bottle"),
        ("capacity", "сорок", "is not a whole number of bottles"),
        ("hours", "18:00-09:00", "the end must be after the start"),
    ],
)
def test_bad_input_is_an_inline_message_and_keeps_what_was_typed(
    qtbot: Any,
    worker: Any,
    world: World,
    sessions: sessionmaker[Session],
    field: str,
    typed: str,
    message: str,
) -> None:
    window = _open(qtbot, worker, LEAD)
    _pick(qtbot, window, "Петров Пётр")
    line = getattr(window, field)
    type_into(qtbot, line, typed)
    qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: message in window.message.text())
    assert line.text() == typed
    assert _courier(sessions, world.courier_a).capacity == 40


def test_an_operator_is_refused_and_nothing_changes(
    qtbot: Any, worker: Any, world: World, sessions: sessionmaker[Session]
) -> None:
    window = _open(qtbot, worker, OPERATOR, ("http://127.0.0.1:9", "key", ""))
    _pick(qtbot, window, "Сидоров Семён")
    qtbot.keyClick(window.table, Qt.Key.Key_D, CTRL)
    qtbot.waitUntil(lambda: "You may not deactivate couriers" in window.message.text())
    assert _courier(sessions, world.courier_b).active
    # Issuing a phone sign-in is refused before any request leaves the desk.
    qtbot.keyClick(window.table, Qt.Key.Key_P, CTRL)
    assert "You may not issue or revoke couriers' phones" in window.message.text()
    assert window.vm.busy == 0 and window.code_label.text() == ""


def test_a_sync_service_that_is_down_is_said_so(qtbot: Any, worker: Any, world: World) -> None:
    window = _open(qtbot, worker, LEAD, (f"http://127.0.0.1:{_closed_port()}", "key", ""))
    _pick(qtbot, window, "Петров Пётр")
    qtbot.keyClick(window.table, Qt.Key.Key_P, CTRL)
    qtbot.waitUntil(lambda: "cannot be reached now" in window.message.text(), timeout=15_000)
    assert window.code_label.text() == ""


def test_a_wrong_site_key_is_said_so(
    qtbot: Any, worker: Any, world: World, web_service: SyncService
) -> None:
    window = _open(qtbot, worker, LEAD, (web_service.url, "not-the-key", ""))
    _pick(qtbot, window, "Петров Пётр")
    qtbot.keyClick(window.table, Qt.Key.Key_P, CTRL)
    qtbot.waitUntil(lambda: "refused this desk's site key" in window.message.text())


@pytest.mark.timeout(120)
def test_a_code_issued_at_the_desk_signs_the_phone_in_once(
    qtbot: Any,
    worker: Any,
    world: World,
    site: Site,
    phone: Phone,
    chromium: Any,  # noqa: F811
) -> None:
    window = _open(qtbot, worker, LEAD, (site.base_url, site.key, ""))
    _pick(qtbot, window, "Петров Пётр")
    qtbot.keyClick(window.table, Qt.Key.Key_P, CTRL)
    qtbot.waitUntil(lambda: window.code_label.text() != "", timeout=15_000)
    code = window.code_label.text()
    assert len(code.replace(" ", "")) == 8 and code.replace(" ", "").isdigit()
    assert "once" in window.expiry_label.text()
    assert not window.qr_label.pixmap().isNull()  # the QR code for the phone's camera

    phone.open()
    page = phone.page
    page.wait_for_selector("#login-screen:not([hidden])")
    page.fill("#pair-code-input", code)
    page.press("#pair-code-input", "Enter")
    signed_in(phone)
    assert page.locator("#courier-name").inner_text() == "Петров Пётр"

    # A second phone typing the same code is refused: a code works once.
    context = chromium.new_context(**web.PHONE)
    try:
        second = Phone(context, site.base_url)
        second.open()
        second.page.wait_for_selector("#login-screen:not([hidden])")
        second.page.fill("#pair-code-input", code)
        second.page.press("#pair-code-input", "Enter")
        assert "уже использован" in pair_error(second)
    finally:
        context.close()

    # A lost phone: revoking signs it out.
    window.revoke_button.setFocus()
    qtbot.keyClick(window.revoke_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: "Phone sign-in revoked: 1 phone(s)" in window.message.text())

"""During a call about an order in delivery, the caller goes to the courier in one key.

The phone is a FakePhone behind the real PhoneLine and intake (a blind transfer is the
engine's REFER, tested with real SIP peers in tests/telephony/test_engine_calls.py); the
database is real (SQLite) and the courier's number comes with the screen pop's lookup.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog
from pytestqt.qtbot import QtBot

from app.bridge import PhoneLine, TelephonyBridge
from app.calls_model import CallLog
from app.intake import IntakeViewModel
from app.widgets.main_window import MainWindow
from telephony.events import CallState
from tests.app.conftest import PERSON_PHONE, UNKNOWN_PHONE, Desk
from tests.app.fake_phone import FakePhone

TIMEOUT_MS = 5_000
COURIER = "+79031112233"  # Петров Пётр, who has the caller's delivery


@pytest.fixture
def bridge(qapp: Any) -> TelephonyBridge:
    """A TelephonyBridge of its own (no pjsua2 needed)."""
    return TelephonyBridge()


@pytest.fixture
def fake_phone(bridge: TelephonyBridge) -> FakePhone:
    """The SIP engine's stand-in."""
    return FakePhone(bridge)


@pytest.fixture
def phone(fake_phone: FakePhone, qapp: Any) -> Iterator[PhoneLine]:
    """The real PhoneLine over the FakePhone."""
    line = PhoneLine(fake_phone)
    yield line
    line.wait_idle()


@pytest.fixture
def window(qtbot: QtBot, intake: IntakeViewModel, worker: Any, phone: PhoneLine) -> MainWindow:
    """The operator's window, shown and active."""
    win = MainWindow(intake, CallLog(worker, phone, identity=intake.identity))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    return win


def on_the_line(qtbot: QtBot, window: MainWindow, fake_phone: FakePhone, number: str) -> int:
    """``number`` calls, the window pops, the operator answers (F2); returns the call id."""
    with qtbot.waitSignal(window.intake.popped, timeout=TIMEOUT_MS):
        call_id = fake_phone.ring(number).call_id
    qtbot.keyClick(window, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: window.call_bar.view.talking_enabled, timeout=TIMEOUT_MS)
    return call_id


def test_the_call_bar_shows_the_courier_and_shift_f7_transfers_the_caller(
    qtbot: QtBot, window: MainWindow, fake_phone: FakePhone, desk: Desk, phone: PhoneLine
) -> None:
    call_id = on_the_line(qtbot, window, fake_phone, PERSON_PHONE)
    bar = window.call_bar
    assert bar.courier_label.text() == (
        f"Courier of №{desk.delivery_order_id}: Петров Пётр, +7 903 111-22-33"
    )
    assert bar.forward_button.isEnabled() and bar.forward_button.text() == (
        "To the courier (Shift+F7)"
    )
    qtbot.keyClick(window, Qt.Key.Key_F7, Qt.KeyboardModifier.ShiftModifier)  # one key
    qtbot.waitUntil(lambda: fake_phone.sent("transfer") == [(call_id, COURIER)])


def test_f7_offers_the_couriers_number(
    qtbot: QtBot, window: MainWindow, fake_phone: FakePhone, desk: Desk
) -> None:
    call_id = on_the_line(qtbot, window, fake_phone, PERSON_PHONE)
    offered: list[str] = []

    def confirm() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog)
        offered.append(dialog.textValue())
        dialog.accept()

    QTimer.singleShot(200, confirm)
    qtbot.keyClick(window, Qt.Key.Key_F7)
    assert offered == [COURIER]
    qtbot.waitUntil(lambda: fake_phone.sent("transfer") == [(call_id, COURIER)])


def test_ctrl_f7_calls_the_courier_while_the_caller_waits_on_hold(
    qtbot: QtBot, window: MainWindow, fake_phone: FakePhone, desk: Desk
) -> None:
    client_call = on_the_line(qtbot, window, fake_phone, PERSON_PHONE)
    intake = window.intake
    names = window.caller_panel.view.caller_names
    qtbot.keyClick(window, Qt.Key.Key_F7, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: fake_phone.sent("dial") == [(COURIER,)], timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: intake.calls[client_call].held, timeout=TIMEOUT_MS)
    courier_call = next(c for c in intake.calls if c != client_call)
    qtbot.waitUntil(lambda: intake.focus_id == courier_call, timeout=TIMEOUT_MS)
    assert window.call_bar.view.current is not None
    assert window.call_bar.view.current.number == COURIER
    fake_phone.far_end_answers(courier_call)
    # The courier's number is nobody's client: the caller panel stays on the client.
    intake.worker.wait_idle()
    qtbot.wait(50)
    assert window.caller_panel.view.caller_names == names
    fake_phone.far_end_hangs_up(courier_call)
    qtbot.waitUntil(lambda: intake.focus_id == client_call, timeout=TIMEOUT_MS)
    assert intake.calls[client_call].state is CallState.HELD  # F6 takes the caller back


def test_no_courier_is_offered_for_a_caller_without_a_delivery(
    qtbot: QtBot, window: MainWindow, fake_phone: FakePhone, desk: Desk
) -> None:
    call_id = on_the_line(qtbot, window, fake_phone, UNKNOWN_PHONE)
    assert window.call_bar.courier_label.text() == ""
    assert not window.call_bar.forward_button.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_F7, Qt.KeyboardModifier.ShiftModifier)
    window.intake.phone.wait_idle()
    assert fake_phone.sent("transfer") == [] and call_id

"""Editing a client's card during a real SIP call, keyboard first, through the real window."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.calls_model import CallLog
from app.client_card import card_editors
from app.identity import Identity
from app.intake import IntakeViewModel
from app.widgets.main_window import MainWindow
from dispatcher.models import Address, ClientEvent, Order, UserRole
from dispatcher.users import Actor
from tests.app.conftest import PERSON_PHONE, UNKNOWN_PHONE, Caller, Desk
from tests.app.keys import CTRL, SHIFT, Keyboard

TIMEOUT_MS = 15_000
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def window(qtbot: QtBot, intake: IntakeViewModel, worker: Any, phone: Any) -> Iterator[MainWindow]:
    """The main window with the card editors, as the workspace wires them."""
    from app.new_client import NewClientViewModel
    from app.order_entry import OrderEntryViewModel

    identity = Identity(Actor("anna", "Анна", UserRole.OPERATOR))
    call_log = CallLog(worker, phone, identity=identity, dial=intake.place_call)
    order_vm = OrderEntryViewModel(worker, identity=identity)
    new_client_vm = NewClientViewModel(worker, identity=identity)
    win = MainWindow(intake, call_log, order_vm=order_vm, new_client_vm=new_client_vm)
    win.caller_panel.set_card_editor(*card_editors(worker, identity))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    yield win
    worker.wait_idle()


def ring(qtbot: QtBot, window: MainWindow, call_in: Caller, number: str) -> Any:
    """A real call comes in; returns the peer once the window popped with the data."""
    with qtbot.waitSignal(window.intake.popped, timeout=TIMEOUT_MS):
        return call_in(number)


def answer(qtbot: QtBot, keys: Keyboard, window: MainWindow) -> None:
    """F2, and wait until the call is up."""
    keys.press(Qt.Key.Key_F2)
    qtbot.waitUntil(
        lambda: window.intake.focused is not None and window.intake.focused.answered_at is not None,
        timeout=TIMEOUT_MS,
    )


def hang_up(qtbot: QtBot, keys: Keyboard, window: MainWindow) -> None:
    """F4, and wait until the call was logged as ended."""
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    with qtbot.waitSignal(window.intake.call_finished, timeout=TIMEOUT_MS):
        keys.press(Qt.Key.Key_F4)


def test_an_unknown_caller_is_attached_and_her_next_call_pops_her_card(
    qtbot: QtBot, window: MainWindow, desk: Desk, call_in: Caller, sessions: sessionmaker[Session]
) -> None:
    panel = window.caller_panel
    ring(qtbot, window, call_in, UNKNOWN_PHONE)
    assert panel.attach_button.isEnabled() and panel.matches.topLevelItemCount() == 0
    keys = Keyboard(qtbot, window)
    answer(qtbot, keys, window)
    keys.press(Qt.Key.Key_A, CTRL | SHIFT)  # «Attach to a client»
    qtbot.waitUntil(lambda: panel.attach_dialog is not None and panel.attach_dialog.isVisible())
    dialog = panel.attach_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.search)
    assert "+79037770011" in dialog.prompt.text()
    keys.type("Иванова Мария Петр")
    qtbot.waitUntil(lambda: dialog.results.count() == 1, timeout=TIMEOUT_MS)
    keys.press(Qt.Key.Key_Return)  # to the results
    keys.press(Qt.Key.Key_Return)  # this is her
    assert "Иванова Мария Петровна" in dialog.question.text()
    with qtbot.waitSignal(window.intake.lookup_ready, timeout=TIMEOUT_MS):
        keys.press(Qt.Key.Key_Return)  # attach
    # Her card is on the panel now, on this very call.
    assert panel.matches.topLevelItem(0).text(0) == "Иванова Мария Петровна"
    assert not panel.attach_button.isEnabled()
    hang_up(qtbot, keys, window)
    with sessions() as s:
        (event,) = s.scalars(select(ClientEvent))
        assert (event.client_id, event.actor) == (desk.world.person_id, "anna")

    # The next call from that number pops her card.
    ring(qtbot, window, call_in, UNKNOWN_PHONE)
    assert panel.selected_ids() == (desk.world.person_id, None)
    assert window.right.currentWidget() is window.order_panel
    hang_up(qtbot, keys, window)


def test_a_new_address_added_during_the_call_gets_the_order(
    qtbot: QtBot, window: MainWindow, desk: Desk, call_in: Caller, sessions: sessionmaker[Session]
) -> None:
    panel = window.caller_panel
    ring(qtbot, window, call_in, PERSON_PHONE)
    keys = Keyboard(qtbot, window)
    answer(qtbot, keys, window)
    keys.press(Qt.Key.Key_E, CTRL)  # the selected client's card
    qtbot.waitUntil(lambda: panel.card_dialog is not None and panel.card_dialog.isVisible())
    dialog = panel.card_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.vm.card is not None, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.new_phone)

    # Bad input first: a phone that is not a phone, an address without a house.
    keys.type("позвоните")
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.phone_message.isVisible(), timeout=TIMEOUT_MS)
    assert "позвоните" in dialog.phone_message.text()
    assert dialog.new_phone.text() == "позвоните"  # nothing typed is lost
    keys.press(Qt.Key.Key_A, ALT)  # the address field
    assert QApplication.focusWidget() is dialog.address_text
    keys.type("ул. Вавилова")
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.address_message.isVisible(), timeout=TIMEOUT_MS)
    assert "house number" in dialog.address_message.text()
    assert dialog.address_text.text() == "ул. Вавилова"
    keys.type(", д. 7")
    with qtbot.waitSignal(dialog.vm.saved, timeout=TIMEOUT_MS):
        keys.press(Qt.Key.Key_Return)
    assert not dialog.address_message.isVisible() and dialog.address_text.text() == ""
    assert any(
        "Вавилова" in dialog.addresses.item(i).text() for i in range(dialog.addresses.count())
    )
    assert "address added" in dialog.history.item(0).text()
    keys.press(Qt.Key.Key_T, ALT)  # notes
    keys.type("не звонить после 21:00")
    with qtbot.waitSignal(dialog.vm.saved, timeout=TIMEOUT_MS):
        keys.press(Qt.Key.Key_Return)
    with qtbot.waitSignal(window.intake.lookup_ready, timeout=TIMEOUT_MS):
        keys.press(Qt.Key.Key_Escape)  # close: the panel shows the card as it is now
    assert panel.notes_label.isVisible() and "не звонить после 21:00" in panel.notes_label.text()
    assert any("Вавилова" in panel.addresses.item(i).text() for i in range(panel.addresses.count()))

    order_vm: Any = window.order_vm
    keys.press(Qt.Key.Key_Return)  # this is the client
    qtbot.waitUntil(lambda: bool(order_vm.products) and not order_vm.busy, timeout=TIMEOUT_MS)
    with sessions() as s:
        new_id = s.scalar(select(Address.id).where(Address.text == "ул. Вавилова, д. 7"))
    order_panel: Any = window.order_panel
    order_panel.address.setFocus()
    combo_index = order_panel.address.findData(new_id)
    assert combo_index >= 0
    order_panel.address.setCurrentIndex(combo_index)  # the operator picks the new point
    qtbot.waitUntil(lambda: order_vm.address_id == new_id)
    order_panel.focus_first()
    keys.type("W19")
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(order_vm.lines) == 1 and order_vm.courier_id is not None)
    with qtbot.waitSignal(order_vm.sent, timeout=TIMEOUT_MS) as sent:
        keys.press(Qt.Key.Key_Return, CTRL)
    with sessions() as s:
        order = s.get(Order, sent.args[0])
        assert order is not None and order.address_id == new_id
    hang_up(qtbot, keys, window)

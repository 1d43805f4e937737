"""The whole window, driven by the keyboard only, with real SIP calls from a second process.

Every key goes to the widget that has the focus, as the operator's keyboard would; the
tests count the keys. Waiting for the database or the SIP peer costs no key.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.calls_model import CallLog
from app.intake import IntakeViewModel
from app.widgets.caller_panel import WARNING_BACKGROUND
from app.widgets.main_window import MainWindow
from dispatcher.interactions import CallResult
from dispatcher.models import (
    Client,
    CourierTask,
    Direction,
    Interaction,
    Order,
    OrderState,
    OutboxMessage,
    TaskStatus,
)
from tests.app.conftest import (
    COMPANY_PHONE,
    FAIL_REASON,
    LEAD,
    PERSON_PHONE,
    UNKNOWN_PHONE,
    Caller,
    Desk,
    desk_identity,
)
from tests.app.keys import CTRL, Keyboard

TIMEOUT_MS = 15_000


@pytest.fixture
def window(qtbot: QtBot, intake: IntakeViewModel, worker: Any, phone: Any) -> Iterator[MainWindow]:
    """The main window over the real view models, shown and active."""
    from app.new_client import NewClientViewModel
    from app.order_entry import OrderEntryViewModel

    call_log = CallLog(worker, phone, identity=desk_identity(), dial=intake.place_call)
    order_vm = OrderEntryViewModel(worker, identity=desk_identity())
    new_client_vm = NewClientViewModel(worker, identity=desk_identity())
    win = MainWindow(intake, call_log, order_vm=order_vm, new_client_vm=new_client_vm)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    yield win
    worker.wait_idle()


def ring(qtbot: QtBot, window: MainWindow, call_in: Caller, number: str, *extra: str) -> Any:
    """A real call comes in; returns the peer once the window popped with the data."""
    with qtbot.waitSignal(window.intake.popped, timeout=TIMEOUT_MS):
        peer = call_in(number, *extra)
    return peer


def answered(window: MainWindow) -> bool:
    """The focused call was picked up."""
    call = window.intake.focused
    return call is not None and call.answered_at is not None


def orders_of(sessions: sessionmaker[Session], client_id: int) -> list[Order]:
    """A client's orders, newest first."""
    with sessions() as s:
        return list(
            s.scalars(select(Order).where(Order.client_id == client_id).order_by(Order.id.desc()))
        )


def assert_delivered_with_one_task(sessions: sessionmaker[Session], order_id: int) -> None:
    """The order is with a courier: one active task and one outbox message for it."""
    with sessions() as s:
        order = s.get(Order, order_id)
        assert order is not None and order.state is OrderState.DELIVERY
        tasks = list(s.scalars(select(CourierTask).where(CourierTask.order_id == order_id)))
        assert len(tasks) == 1 and tasks[0].status is TaskStatus.NEW
        messages = list(s.scalars(select(OutboxMessage).where(OutboxMessage.key == tasks[0].uid)))
        assert len(messages) == 1


def test_known_caller_pops_and_repeats_the_last_order_in_five_keys(
    qtbot: QtBot,
    window: MainWindow,
    desk: Desk,
    call_in: Caller,
    sessions: sessionmaker[Session],
) -> None:
    ring(qtbot, window, call_in, PERSON_PHONE)
    panel = window.caller_panel
    assert window.isActiveWindow()
    # The right client first, its duplicate marked, the active delivery and the last order.
    assert panel.matches.topLevelItemCount() == 2
    first, second = panel.matches.topLevelItem(0), panel.matches.topLevelItem(1)
    assert first.text(0) == "Иванова Мария Петровна" and second.text(0) == "Иванова Мария"
    assert "DUPLICATE" in first.text(3) and "same phone" in second.text(3)
    assert panel.selected_ids() == (desk.world.person_id, None)
    row = [panel.deliveries.item(0, c).text() for c in range(4)]
    tomorrow = desk.world.tomorrow.strftime("%d.%m.%Y")
    assert row == [
        f"№{desk.delivery_order_id}",
        "Петров Пётр",
        f"{tomorrow} 10:00–14:00",
        "in delivery",
    ]
    assert f"№{desk.last_order_id}" in panel.last_order_label.text()
    assert window.intake.last_pop is not None and window.intake.last_pop.ms > 0

    bar = window.call_bar
    # The caller rang the desk's line directly, not through a trusted PBX: From is unverified.
    assert (bar.state_label.text(), bar.number_label.text()) == (
        "Ringing",
        "+7 916 123-45-67 (unverified)",
    )
    assert bar.answer_button.isEnabled() and not bar.hold_button.isEnabled()

    keys = Keyboard(qtbot, window)
    order_vm: Any = window.order_vm
    keys.press(Qt.Key.Key_F2)  # answer
    qtbot.waitUntil(lambda: answered(window), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: bar.state_label.text() == "On the line")
    assert bar.hold_button.isEnabled() and not bar.answer_button.isEnabled()
    keys.press(Qt.Key.Key_Return)  # this is the client
    qtbot.waitUntil(lambda: order_vm.can_repeat, timeout=TIMEOUT_MS)
    keys.press(Qt.Key.Key_R, CTRL)  # repeat the last order
    qtbot.waitUntil(lambda: bool(order_vm.lines) and order_vm.courier_id is not None)
    keys.press(Qt.Key.Key_Return)  # the suggested slot is fine
    with qtbot.waitSignal(order_vm.sent, timeout=TIMEOUT_MS) as sent:
        keys.press(Qt.Key.Key_Return, CTRL)  # send to delivery
    assert keys.count == 5

    order_id = sent.args[0]
    (newest, *_older) = orders_of(sessions, desk.world.person_id)
    assert newest.id == order_id
    assert_delivered_with_one_task(sessions, order_id)
    with qtbot.waitSignal(window.intake.call_finished, timeout=TIMEOUT_MS):
        keys.press(Qt.Key.Key_F4)  # hang up
    with sessions() as s:
        (call,) = s.scalars(select(Interaction))
        assert call.order_id == order_id and call.client_id == desk.world.person_id
        assert call.result == CallResult.ORDER_TAKEN
    qtbot.waitUntil(lambda: window.call_log.today.rowCount() == 1, timeout=TIMEOUT_MS)
    assert window.call_log.today.data(window.call_log.today.index(0, 4)) == "order taken"


def test_unknown_caller_becomes_a_client_with_an_order_within_sixty_keys(
    qtbot: QtBot,
    window: MainWindow,
    desk: Desk,
    call_in: Caller,
    sessions: sessionmaker[Session],
) -> None:
    ring(qtbot, window, call_in, UNKNOWN_PHONE)
    form: Any = window.new_client_form
    assert window.right.currentWidget() is form
    assert "9037770011" in form.phones.text().replace(" ", "").replace("-", "")

    keys = Keyboard(qtbot, window)
    order_vm: Any = window.order_vm
    keys.press(Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: answered(window), timeout=TIMEOUT_MS)
    keys.type("Орлов Иван")  # the name field has the focus
    while QApplication.focusWidget() is not form.address_boxes[0].text:
        keys.press(Qt.Key.Key_Tab)
    keys.type("Тверская 7")
    with qtbot.waitSignal(window.new_client_vm.created, timeout=TIMEOUT_MS) as created:  # type: ignore[union-attr]
        keys.press(Qt.Key.Key_Return)  # save the client
    client_id = created.args[0]
    qtbot.waitUntil(lambda: order_vm.client_id == client_id and bool(order_vm.products))
    keys.type("W19")
    keys.press(Qt.Key.Key_Return)  # add the product
    qtbot.waitUntil(lambda: len(order_vm.lines) == 1 and order_vm.courier_id is not None)
    keys.press(Qt.Key.Key_Return)  # products done: on to the slot
    keys.press(Qt.Key.Key_Return)  # the suggested slot is fine
    with qtbot.waitSignal(order_vm.sent, timeout=TIMEOUT_MS) as sent:
        keys.press(Qt.Key.Key_Return, CTRL)
    assert keys.count <= 60, keys.count

    with sessions() as s:
        client = s.get(Client, client_id)
        assert client is not None and client.name == "Орлов Иван"
        assert [p.e164 for p in client.phones] == ["+79037770011"]
        (address,) = client.addresses
        assert address.text == "Тверская 7"
    assert_delivered_with_one_task(sessions, sent.args[0])
    with sessions() as s:
        (call,) = s.scalars(select(Interaction))
        assert call.client_id == client_id and call.order_id == sent.args[0]


def test_withheld_caller_is_found_by_typing(
    qtbot: QtBot, window: MainWindow, desk: Desk, call_in: Caller, sessions: sessionmaker[Session]
) -> None:
    ring(qtbot, window, call_in, "anonymous")
    panel = window.caller_panel
    assert QApplication.focusWidget() is panel.search_edit
    assert "Withheld number" in panel.status_label.text()

    keys = Keyboard(qtbot, window)
    keys.press(Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: answered(window), timeout=TIMEOUT_MS)
    keys.type("Ромашка")
    qtbot.waitUntil(lambda: panel.matches.topLevelItemCount() == 1, timeout=TIMEOUT_MS)
    assert panel.matches.topLevelItem(0).text(0) == 'ООО "Ромашка"'
    keys.press(Qt.Key.Key_Return)  # to the results
    with qtbot.waitSignal(window.intake.client_confirmed) as confirmed:
        keys.press(Qt.Key.Key_Return)  # this is the client
    assert confirmed.args[0] == desk.world.company_id
    qtbot.waitUntil(lambda: window.order_vm.client_id == desk.world.company_id)  # type: ignore[union-attr]
    window.intake.worker.wait_idle()
    qtbot.wait(50)
    with sessions() as s:
        (call,) = s.scalars(select(Interaction))
        assert call.number == "" and call.client_id == desk.world.company_id


def test_missed_call_lands_on_the_callback_list_and_is_called_back(
    qtbot: QtBot, window: MainWindow, desk: Desk, call_in: Caller, sessions: sessionmaker[Session]
) -> None:
    with qtbot.waitSignal(window.call_log.refreshed, timeout=TIMEOUT_MS):
        call_in(COMPANY_PHONE, "--cancel-after-ring", "0.5", "--timeout", "20")
    callbacks = window.call_log.callbacks
    assert callbacks.rowCount() == 1
    assert callbacks.data(callbacks.index(0, 2)) == "+74951234567"
    assert callbacks.data(callbacks.index(0, 3)) == 'ООО "Ромашка"'
    assert window.calls_list.tabText(1) == "Call back (1)"

    keys = Keyboard(qtbot, window)
    keys.press(Qt.Key.Key_L, CTRL)  # the callback list
    assert window.calls_list.currentIndex() == 1
    with qtbot.waitSignal(window.call_log.refreshed, timeout=TIMEOUT_MS):
        keys.press(Qt.Key.Key_D, CTRL)  # call back
    assert callbacks.rowCount() == 0

    # The call-back is a call too: logged outbound, to the same number, and it ends.
    def dialling() -> bool:
        call = window.intake.focused
        return call is not None and call.direction is Direction.OUT and bool(call.interaction_id)

    qtbot.waitUntil(dialling, timeout=TIMEOUT_MS)
    with qtbot.waitSignal(window.intake.call_finished, timeout=TIMEOUT_MS):
        keys.press(Qt.Key.Key_F4)  # nobody answers there: hang up
    qtbot.waitUntil(lambda: window.call_log.today.rowCount() == 2, timeout=TIMEOUT_MS)
    with sessions() as s:
        missed, back = s.scalars(select(Interaction).order_by(Interaction.id))
        assert missed.result == CallResult.MISSED and missed.reviewed
        assert back.direction is Direction.OUT and back.number == "+74951234567"
        assert back.ended_at is not None


def test_failed_delivery_shows_up_flagged(
    qtbot: QtBot, window: MainWindow, desk: Desk, call_in: Caller
) -> None:
    ring(qtbot, window, call_in, COMPANY_PHONE)
    panel = window.caller_panel
    assert panel.selected_ids() == (desk.world.company_id, None)
    assert panel.flagged_rows() == [0]
    number, _courier, _slot, state = (panel.deliveries.item(0, c) for c in range(4))
    assert number.text() == f"№{desk.failed_order_id}"
    assert state.text() == f"⚠ TO RESCHEDULE: {FAIL_REASON}"
    assert state.background().color() == WARNING_BACKGROUND


def test_shift_lead_merges_the_duplicate_keeping_its_history(
    qtbot: QtBot,
    intake: IntakeViewModel,
    worker: Any,
    phone: Any,
    desk: Desk,
    call_in: Caller,
    sessions: sessionmaker[Session],
) -> None:
    intake.identity.set_actor(LEAD)
    window = MainWindow(intake, CallLog(worker, phone, identity=intake.identity), lead=True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    ring(qtbot, window, call_in, PERSON_PHONE)
    panel = window.caller_panel
    assert panel.merge_button.isVisible() and panel.merge_button.isEnabled()

    def confirm() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        yes = box.button(QMessageBox.StandardButton.Yes)
        yes.setFocus()
        qtbot.keyClick(yes, Qt.Key.Key_Space)

    QTimer.singleShot(200, confirm)
    with qtbot.waitSignal(intake.lookup_ready, timeout=TIMEOUT_MS) as shown:
        qtbot.keyClick(
            panel.matches,
            Qt.Key.Key_M,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    result = shown.args[0]
    assert {m.client.id for m in result.matches} == {desk.world.person_id}
    assert result.duplicate_groups == ()
    assert panel.matches.topLevelItemCount() == 1
    with sessions() as s:
        merged = s.get(Client, desk.duplicate_id)
        assert merged is not None and merged.merged_into_id == desk.world.person_id
        kept = s.get(Client, desk.world.person_id)
        assert kept is not None
        assert len(kept.addresses) == 2  # the duplicate's address moved over


def test_an_operator_pressing_merge_is_told_why_and_nothing_is_merged(
    qtbot: QtBot,
    intake: IntakeViewModel,
    worker: Any,
    phone: Any,
    desk: Desk,
    call_in: Caller,
    sessions: sessionmaker[Session],
) -> None:
    # The intake fixture's desk is signed in as an operator.
    window = MainWindow(intake, CallLog(worker, phone, identity=intake.identity))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    ring(qtbot, window, call_in, PERSON_PHONE)
    panel = window.caller_panel
    assert not panel.merge_button.isVisible(), "the button is offered to shift leads"

    def confirm() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        yes = box.button(QMessageBox.StandardButton.Yes)
        yes.setFocus()
        qtbot.keyClick(yes, Qt.Key.Key_Space)

    # The key still reaches the operation, which refuses: roles do not hang on a button.
    QTimer.singleShot(200, confirm)
    with qtbot.waitSignal(intake.error, timeout=TIMEOUT_MS) as refused:
        qtbot.keyClick(
            panel.matches,
            Qt.Key.Key_M,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    assert "You may not merge clients: only a shift lead or an admin" in refused.args[0]
    assert refused.args[0] in window.statusBar().currentMessage()
    with sessions() as s:
        duplicate = s.get(Client, desk.duplicate_id)
        assert duplicate is not None and duplicate.merged_into_id is None

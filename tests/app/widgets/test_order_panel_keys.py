"""The order panel and new-client form driven from the keyboard only, keystrokes counted.

The issue's goal: a repeat order for a known caller in at most 5 keystrokes after the call
is answered (answer, confirm client, repeat last, confirm slot, send) — the panel's share is
the last 3; a new private client with one address and a one-product order in at most 60,
of which 2 are the call's own (answer, confirm) and most of the rest is typing.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QHBoxLayout, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.new_client import NewClientViewModel
from app.order_entry import OrderEntryViewModel, OrderMode
from app.shortcuts import Key
from app.widgets.new_client_form import NewClientForm
from app.widgets.order_panel import OrderPanel
from app.worker import DbWorker
from dispatcher import orders
from dispatcher.db import unit_of_work
from dispatcher.models import Client, CourierTask, Order, OrderState, OutboxMessage, TaskStatus
from tests.app.conftest import desk_identity
from tests.app.keys import Keyboard
from tests.dispatcher.conftest import OPERATOR, World
from tests.dispatcher.conftest import world as world_fixture  # noqa: F401 (registers `world`)

CALL_KEYS = 2  # answer + confirm client: the call bar's and caller panel's keys
REPEAT_BUDGET = 5
NEW_CLIENT_BUDGET = 60


@pytest.fixture
def db_url(sqlite_template: Path, tmp_path: Path) -> str:
    """SQLite only: the workspace logic does not depend on the backend (dispatcher tests do)."""
    path = tmp_path / "app.sqlite3"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def worker(sessions: sessionmaker[Session], qtbot: QtBot) -> Iterator[DbWorker]:
    """The DbWorker both view models save through."""
    w = DbWorker(sessions)
    yield w
    w.wait_idle()


@pytest.fixture
def vm(worker: DbWorker) -> OrderEntryViewModel:
    """The order panel's view model, for operator-1."""
    return OrderEntryViewModel(worker, identity=desk_identity())


@pytest.fixture
def panel(vm: OrderEntryViewModel, qtbot: QtBot) -> OrderPanel:
    """The order panel shown in its own active window."""
    widget = OrderPanel(vm)
    qtbot.addWidget(widget)
    with qtbot.waitActive(widget):
        widget.show()
        widget.activateWindow()
    return widget


def settle(qtbot: QtBot, vm: OrderEntryViewModel) -> None:
    """Wait until the view model's jobs came back (the operator is never that fast)."""
    qtbot.waitUntil(lambda: not vm.busy, timeout=5000)


def earlier_order(sessions: sessionmaker[Session], world: World, *, close: bool) -> int:
    """The private client's earlier order: 2 × W19 with courier A."""
    with unit_of_work(sessions) as s:
        order = orders.create_order(
            s, world.person_id, [orders.LineInput("W19", 2)], actor=OPERATOR
        )
        orders.send_to_delivery(
            s, order.id, orders.Slot(world.courier_a, world.tomorrow), actor=OPERATOR
        )
        if close:
            orders.close(s, order.id, actor=OPERATOR)
        return order.id


def active_tasks(sessions: sessionmaker[Session], order_id: int) -> list[CourierTask]:
    """The order's tasks still on a courier's phone."""
    with sessions() as s:
        return list(
            s.scalars(
                select(CourierTask).where(
                    CourierTask.order_id == order_id,
                    CourierTask.status.in_([TaskStatus.NEW, TaskStatus.SENT]),
                )
            )
        )


def test_repeat_order_for_a_known_caller_takes_three_keys(
    panel: OrderPanel,
    vm: OrderEntryViewModel,
    world: World,
    qtbot: QtBot,
    sessions: sessionmaker[Session],
) -> None:
    earlier_order(sessions, world, close=True)
    vm.load_client(world.person_id)  # the caller panel's "confirm client"
    settle(qtbot, vm)
    panel.focus_first()
    keys = Keyboard(qtbot)

    keys.shortcut(Key.REPEAT_LAST)
    assert [(line.code, line.qty) for line in vm.lines] == [("W19", 2)]
    assert panel.lines_table.rowCount() == 1
    assert QApplication.focusWidget() is panel.slot_button
    assert vm.courier_name in panel.slot_button.text()
    keys.shortcut(Key.CONFIRM)
    assert vm.slot_confirmed
    assert QApplication.focusWidget() is panel.send_button
    with qtbot.waitSignal(vm.sent) as sent:
        keys.shortcut(Key.SEND_TO_DELIVERY)

    assert keys.count + CALL_KEYS <= REPEAT_BUDGET
    order_id = sent.args[0]
    with sessions() as s:
        order = s.get(Order, order_id)
        assert order is not None and order.state is OrderState.DELIVERY
        [task] = active_tasks(sessions, order_id)
        assert task.courier_id == order.courier_id
        messages = s.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.key == task.uid)
        )
        assert messages == 1
    settle(qtbot, vm)
    assert panel.status_label.text().startswith(f"Order #{order_id} sent to delivery")


def test_new_private_client_and_a_one_product_order_within_budget(
    vm: OrderEntryViewModel,
    worker: DbWorker,
    world: World,
    qtbot: QtBot,
    sessions: sessionmaker[Session],
) -> None:
    # One window holding both, as the main window does.
    window = QWidget()
    new_vm = NewClientViewModel(worker, identity=desk_identity())
    form = NewClientForm(new_vm)
    panel = OrderPanel(vm)
    layout = QHBoxLayout(window)
    layout.addWidget(form)
    layout.addWidget(panel)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    keys = Keyboard(qtbot)

    # Ctrl+N in the window opens the form with the caller's number in it.
    keys.count += 1
    new_vm.start("+7 903 765-43-21")
    form.focus_first()
    keys.type("Орлов Иван")
    keys.press(Qt.Key.Key_Tab)  # phone: already there
    assert QApplication.focusWidget() is form.phones
    keys.press(Qt.Key.Key_Tab)
    keys.type("ул. Лесная, 5")
    for _ in range(3):  # entrance, floor -> flat
        keys.press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is form.address_boxes[0].flat
    keys.type("12")
    with qtbot.waitSignal(new_vm.created) as created:
        keys.shortcut(Key.CONFIRM)
    client_id = created.args[0]

    # The window hands the new client to the order panel (no key).
    vm.load_client(client_id)
    settle(qtbot, vm)
    panel.focus_first()
    keys.type("вода")
    assert panel.product_matches.isVisible()
    keys.shortcut(Key.CONFIRM)  # adds the highlighted match
    assert [(line.code, line.qty) for line in vm.lines] == [("W19", 1)]
    keys.shortcut(Key.CONFIRM)  # nothing typed: on to the slot
    assert QApplication.focusWidget() is panel.slot_button
    keys.shortcut(Key.CONFIRM)  # the client agrees
    with qtbot.waitSignal(vm.sent) as sent:
        keys.shortcut(Key.SEND_TO_DELIVERY)

    assert keys.count <= NEW_CLIENT_BUDGET - CALL_KEYS, keys.count
    with sessions() as s:
        client = s.get(Client, client_id)
        assert client is not None and client.name == "Орлов Иван"
        order = s.get(Order, sent.args[0])
        assert order is not None and order.state is OrderState.DELIVERY
        assert order.client_id == client_id
        assert order.address is not None and order.address.flat == "12"
    assert len(active_tasks(sessions, sent.args[0])) == 1


def test_reassigning_an_order_by_number_from_the_keyboard(
    panel: OrderPanel,
    vm: OrderEntryViewModel,
    world: World,
    qtbot: QtBot,
    sessions: sessionmaker[Session],
) -> None:
    order_id = earlier_order(sessions, world, close=False)
    [old] = active_tasks(sessions, order_id)
    keys = Keyboard(qtbot)

    panel.ask_order_number()  # the window's Ctrl+O
    keys.type(str(order_id))
    keys.shortcut(Key.CONFIRM)
    settle(qtbot, vm)
    assert vm.mode is OrderMode.REASSIGN
    assert f"Order #{order_id} is out for delivery" in panel.mode_banner.text()
    assert QApplication.focusWidget() is panel.courier
    assert panel.courier.currentText() == "Петров Пётр"
    keys.press(Qt.Key.Key_Down)
    assert vm.courier_id == world.courier_b
    with qtbot.waitSignal(vm.sent):
        keys.shortcut(Key.SEND_TO_DELIVERY)

    with sessions() as s:
        assert s.get(CourierTask, old.id).status is TaskStatus.CANCELLED  # type: ignore[union-attr]
    [new] = active_tasks(sessions, order_id)
    assert new.courier_id == world.courier_b


def test_an_active_delivery_opens_from_the_clients_list(
    panel: OrderPanel,
    vm: OrderEntryViewModel,
    world: World,
    qtbot: QtBot,
    sessions: sessionmaker[Session],
) -> None:
    order_id = earlier_order(sessions, world, close=False)
    vm.load_client(world.person_id)
    settle(qtbot, vm)
    assert panel.deliveries.count() == 1
    assert panel.deliveries.item(0).text().startswith(f"#{order_id} · ")
    panel.deliveries.setFocus()
    panel.deliveries.setCurrentRow(0)
    Keyboard(qtbot).shortcut(Key.CONFIRM)
    settle(qtbot, vm)
    assert vm.mode is OrderMode.REASSIGN and vm.order_id == order_id
    assert panel.send_button.text().startswith("Save changes")


def test_plus_minus_and_delete_edit_the_lines(
    panel: OrderPanel, vm: OrderEntryViewModel, world: World, qtbot: QtBot
) -> None:
    vm.load_client(world.person_id)
    settle(qtbot, vm)
    panel.focus_first()
    keys = Keyboard(qtbot)

    keys.type("w19")
    keys.shortcut(Key.CONFIRM)
    keys.press(Qt.Key.Key_Plus)  # nothing typed: + raises the line just added
    keys.press(Qt.Key.Key_Plus)
    assert vm.lines[0].qty == 3
    assert panel.lines_table.item(0, 1).text() == "3"
    assert panel.total_label.text() == "Total: 1\u00a0050,00\u00a0₽"
    keys.type("пом")
    keys.shortcut(Key.CONFIRM)
    assert [line.code for line in vm.lines] == ["W19", "PUMP"]

    keys.press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is panel.lines_table
    keys.press(Qt.Key.Key_Minus)
    assert vm.lines[1].qty == 1, "never below one"
    keys.press(Qt.Key.Key_Up)
    keys.press(Qt.Key.Key_Minus)
    assert vm.lines[0].qty == 2
    keys.press(Qt.Key.Key_Delete)
    assert [line.code for line in vm.lines] == ["PUMP"]
    assert panel.lines_table.rowCount() == 1


def test_slot_fields_are_one_shortcut_away(
    panel: OrderPanel, vm: OrderEntryViewModel, world: World, qtbot: QtBot
) -> None:
    vm.load_client(world.person_id)
    settle(qtbot, vm)
    panel.focus_first()
    keys = Keyboard(qtbot)
    for key, widget in (
        (Key.COURIER, panel.courier),
        (Key.DATE, panel.date),
        (Key.WINDOW, panel.window),
        (Key.COMMENT, panel.comment),
        (Key.ADD_PRODUCT, panel.search),
    ):
        keys.shortcut(key)
        assert QApplication.focusWidget() is widget, key
    keys.shortcut(Key.WINDOW)
    before = vm.window
    keys.press(Qt.Key.Key_Down)
    assert vm.window != before
    assert panel.date.displayFormat() == "dd.MM.yyyy"


def test_rejecting_from_the_keyboard_records_the_reason(
    panel: OrderPanel,
    vm: OrderEntryViewModel,
    world: World,
    qtbot: QtBot,
    sessions: sessionmaker[Session],
) -> None:
    vm.load_client(world.person_id)
    settle(qtbot, vm)
    panel.focus_first()
    keys = Keyboard(qtbot)
    keys.shortcut(Key.REJECT_ORDER)
    dialog = panel.reject_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.reasons)
    keys.press(Qt.Key.Key_Down)
    chosen = dialog.reason_id()
    with qtbot.waitSignal(vm.rejected) as rejected:
        keys.shortcut(Key.CONFIRM)
    with sessions() as s:
        order = s.get(Order, rejected.args[0])
        assert order is not None and order.state is OrderState.REJECTED
        assert order.reject_reason_id == chosen


def test_each_field_of_the_order_panel_answers_bad_input_under_itself(
    panel: OrderPanel, vm: OrderEntryViewModel, world: World, qtbot: QtBot
) -> None:
    import datetime as dt

    from app.order_entry import COMMENT_LIMIT

    vm.load_client(world.person_id)
    settle(qtbot, vm)
    assert not panel.lines_message.isVisible(), "an empty order is not scolded while typing"

    # Send with nothing: the button answers with messages, not an exception or silence.
    vm.set_address(None)
    vm.set_courier(None)
    panel.send_button.setFocus()
    with qtbot.waitSignal(vm.error) as summary:
        qtbot.keyClick(panel.send_button, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert summary.args[0].startswith("To send the order, add a delivery address, ")
    assert panel.address_message.isVisible()
    assert panel.address_message.text() == "Choose the delivery address."
    assert panel.lines_message.text() == "Add at least one product."
    assert panel.courier_message.text() == "Choose a courier."
    assert panel.courier.toolTip() == "Choose a courier.", "the field says it too on hover"

    # Filling a field takes its message away.
    vm.set_address(world.person_address_id)
    vm.add_line("W19")
    vm.set_courier(world.courier_a)
    settle(qtbot, vm)
    assert not panel.address_message.isVisible()
    assert not panel.lines_message.isVisible()
    assert not panel.courier_message.isVisible()

    vm.set_qty(0, 20_000)
    assert panel.lines_message.text() == "Quantity must be between 1 and 10 000."
    vm.set_qty(0, 3)
    assert not panel.lines_message.isVisible()

    vm.set_window(dt.time(14), dt.time(10))
    assert panel.window_message.text() == "A time window needs a start before its end."
    vm.set_window(dt.time(10), dt.time(14))
    assert not panel.window_message.isVisible()

    yesterday = orders.moscow_today() - dt.timedelta(days=1)
    vm.set_date(yesterday)
    settle(qtbot, vm)
    assert panel.date_message.text() == (
        f"{yesterday:%d.%m.%Y} is in the past: choose today or a later day."
    )
    assert panel.date.date().toPython() == yesterday, "the wrong day is shown, not hidden"
    vm.set_date(world.tomorrow)
    settle(qtbot, vm)
    assert not panel.date_message.isVisible()

    panel.comment.setText("x" * (COMMENT_LIMIT + 1))
    panel.comment.textEdited.emit(panel.comment.text())
    assert panel.comment_message.text() == (
        f"The comment is {COMMENT_LIMIT + 1} characters long; the courier's phone takes 2000."
    )
    assert not vm.can_send
    with qtbot.waitSignal(vm.error) as refused:
        vm.send_to_delivery()
    assert refused.args == [panel.comment_message.text()]
    panel.comment.setText("Позвонить за час")
    panel.comment.textEdited.emit(panel.comment.text())
    assert not panel.comment_message.isVisible()
    assert vm.can_send

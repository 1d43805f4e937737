"""An order already with its courier, changed and cancelled in the order panel, keyboard first."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.order_entry import OrderEntryViewModel, OrderMode
from app.shortcuts import Key
from app.widgets.cancel_dialog import CancelDialog
from app.widgets.order_panel import OrderPanel
from dispatcher import orders
from dispatcher.db import unit_of_work
from dispatcher.models import CourierTask, Order, OrderState, OutboxMessage, TaskStatus
from tests.app.keys import Keyboard
from tests.app.widgets.test_order_panel_keys import (  # the panel's fixtures
    db_url as db_url,
)
from tests.app.widgets.test_order_panel_keys import earlier_order, settle
from tests.app.widgets.test_order_panel_keys import panel as panel
from tests.app.widgets.test_order_panel_keys import vm as vm
from tests.app.widgets.test_order_panel_keys import worker as worker
from tests.dispatcher.conftest import World
from tests.dispatcher.conftest import world as world_fixture  # noqa: F401 (registers `world`)


def _open(panel: OrderPanel, vm: OrderEntryViewModel, qtbot: QtBot, order_id: int) -> Keyboard:
    """Ctrl+O's field: the order number and Return open it."""
    keys = Keyboard(qtbot)
    panel.ask_order_number()
    keys.type(str(order_id))
    keys.press(Qt.Key.Key_Return)
    settle(qtbot, vm)
    assert vm.mode is OrderMode.REASSIGN and vm.order_id == order_id
    return keys


def _tasks(sessions: sessionmaker[Session], order_id: int) -> list[CourierTask]:
    with sessions() as s:
        return list(s.scalars(select(CourierTask).where(CourierTask.order_id == order_id)))


def test_one_more_bottle_and_a_comment_update_the_same_task(
    panel: OrderPanel,
    vm: OrderEntryViewModel,
    world: World,
    qtbot: QtBot,
    sessions: sessionmaker[Session],
) -> None:
    order_id = earlier_order(sessions, world, close=False)  # 2 × W19 with courier A
    keys = _open(panel, vm, qtbot, order_id)
    assert panel.send_button.text().startswith("Save changes")
    assert not panel.send_button.isEnabled(), "nothing changed yet"

    keys.shortcut(Key.ADD_PRODUCT)
    keys.type("w19")
    keys.press(Qt.Key.Key_Return)  # the product already on the order: one more
    assert [(line.code, line.qty) for line in vm.lines] == [("W19", 3)]
    assert panel.lines_table.item(0, 1).text() == "3"
    keys.shortcut(Key.COMMENT)
    keys.type("Позвонить за час")
    with qtbot.waitSignal(vm.reassigned):
        keys.shortcut(Key.SEND_TO_DELIVERY)

    [task] = _tasks(sessions, order_id)  # the same task, not a new one
    assert task.version == 2 and task.courier_id == world.courier_a
    assert task.items[0]["qty"] == 3
    with sessions() as s:
        last = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
        assert last is not None and last.topic == "task.upsert"
        assert last.payload["changes"]["items"][0] | {"name": ""} == {
            "code": "W19",
            "name": "",
            "was": 2,
            "now": 3,
        }
        assert last.payload["changes"]["comment"] is True
        assert s.get(Order, order_id).comment == "Позвонить за час"  # type: ignore[union-attr]
    settle(qtbot, vm)  # the client card reloads after a save
    assert f"Order #{order_id} saved" in panel.status_label.text()


def test_a_refused_save_keeps_what_was_typed(
    panel: OrderPanel,
    vm: OrderEntryViewModel,
    world: World,
    qtbot: QtBot,
    sessions: sessionmaker[Session],
) -> None:
    order_id = earlier_order(sessions, world, close=False)
    keys = _open(panel, vm, qtbot, order_id)
    with unit_of_work(sessions) as s:  # another desk changes the order meanwhile
        orders.edit_order(s, order_id, actor="desk-2", comment="Домофон 45")
    keys.shortcut(Key.ADD_PRODUCT)
    keys.type("w19")
    keys.press(Qt.Key.Key_Return)
    with qtbot.waitSignal(vm.error) as refused:
        keys.shortcut(Key.SEND_TO_DELIVERY)
    assert "changed by someone else" in refused.args[0]
    settle(qtbot, vm)
    assert [(line.code, line.qty) for line in vm.lines] == [("W19", 3)], "nothing typed lost"
    assert "changed by someone else" in panel.error_label.text()


def test_cancel_with_a_reason_takes_the_task_off(
    panel: OrderPanel,
    vm: OrderEntryViewModel,
    world: World,
    qtbot: QtBot,
    sessions: sessionmaker[Session],
) -> None:
    order_id = earlier_order(sessions, world, close=False)
    keys = _open(panel, vm, qtbot, order_id)
    keys.shortcut(Key.CANCEL_ORDER)
    dialog = panel.cancel_dialog
    assert isinstance(dialog, CancelDialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.reason)
    keys.press(Qt.Key.Key_Backspace)  # the usual reason is selected: typing replaces it
    keys.press(Qt.Key.Key_Return)
    assert "Say why" in dialog.message.text(), "an empty reason is refused in the dialog"
    keys.type("Клиент уехал на дачу")
    with qtbot.waitSignal(vm.cancelled):
        keys.press(Qt.Key.Key_Return)
    with sessions() as s:
        assert s.get(Order, order_id).state is OrderState.CANCELLED  # type: ignore[union-attr]
    [task] = _tasks(sessions, order_id)
    assert (task.status, task.failure_reason) == (TaskStatus.CANCELLED, "Клиент уехал на дачу")
    settle(qtbot, vm)
    assert f"Order #{order_id} cancelled" in panel.status_label.text()


def test_an_order_that_was_delivered_meanwhile_says_so(
    panel: OrderPanel,
    vm: OrderEntryViewModel,
    world: World,
    qtbot: QtBot,
    sessions: sessionmaker[Session],
) -> None:
    order_id = earlier_order(sessions, world, close=False)
    keys = _open(panel, vm, qtbot, order_id)
    with unit_of_work(sessions) as s:  # the courier's "done" arrives while the desk edits
        orders.close(s, order_id, actor="courier:1")
    keys.shortcut(Key.ADD_PRODUCT)
    keys.type("w19")
    keys.press(Qt.Key.Key_Return)
    with qtbot.waitSignal(vm.error) as refused:
        keys.shortcut(Key.SEND_TO_DELIVERY)
    assert "already delivered" in refused.args[0]

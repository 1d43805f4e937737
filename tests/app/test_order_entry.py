"""The order-entry view model against a real SQLite database, without a window."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.order_entry import OrderEntryViewModel, OrderMode
from app.worker import DbWorker
from dispatcher import interactions, orders
from dispatcher.db import unit_of_work
from dispatcher.models import (
    Courier,
    CourierTask,
    Direction,
    Interaction,
    Order,
    OrderState,
    OutboxMessage,
    TaskStatus,
)
from tests.app.conftest import desk_identity
from tests.dispatcher.conftest import OPERATOR, World
from tests.dispatcher.conftest import world as world_fixture  # noqa: F401 (registers `world`)


@pytest.fixture
def db_url(sqlite_template: Path, tmp_path: Path) -> str:
    """SQLite only: the workspace logic does not depend on the backend (dispatcher tests do)."""
    path = tmp_path / "app.sqlite3"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def worker(sessions: sessionmaker[Session], qtbot: QtBot) -> Iterator[DbWorker]:
    """The DbWorker the view model saves through."""
    w = DbWorker(sessions)
    yield w
    w.wait_idle()


@pytest.fixture
def vm(worker: DbWorker, qtbot: QtBot) -> OrderEntryViewModel:
    """A view model for operator-1, with its error messages collected in ``vm.errors``."""
    model = OrderEntryViewModel(worker, identity=desk_identity())
    model.errors = []  # type: ignore[attr-defined]
    model.error.connect(model.errors.append)  # type: ignore[attr-defined]
    return model


def settle(qtbot: QtBot, vm: OrderEntryViewModel) -> None:
    """Wait until the view model's jobs came back."""
    qtbot.waitUntil(lambda: not vm.busy, timeout=5000)


def load(qtbot: QtBot, vm: OrderEntryViewModel, client_id: int, **kwargs: int) -> None:
    """Load a client and wait for the card."""
    vm.load_client(client_id, **kwargs)
    settle(qtbot, vm)


def count(sessions: sessionmaker[Session], model: type, *where: object) -> int:
    """Rows of ``model`` matching ``where``."""
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where)) or 0


def delivered_order(sessions: sessionmaker[Session], world: World, *, close: bool) -> int:
    """An earlier order of the private client: 2 × W19 + 1 × BTL, with courier A."""
    with unit_of_work(sessions) as s:
        order = orders.create_order(
            s,
            world.person_id,
            [orders.LineInput("W19", 2), orders.LineInput("BTL", 1)],
            actor=OPERATOR,
        )
        orders.send_to_delivery(
            s, order.id, orders.Slot(world.courier_a, world.tomorrow), actor=OPERATOR
        )
        if close:
            orders.close(s, order.id, actor=OPERATOR)
        return order.id


def test_loading_a_client_shows_address_prices_courier_and_slot(
    vm: OrderEntryViewModel, world: World, qtbot: QtBot
) -> None:
    load(qtbot, vm, world.person_id)

    assert vm.mode is OrderMode.NEW
    assert vm.client_name == "Иванова Мария Петровна"
    assert vm.address_id == world.person_address_id  # the only address is preselected
    assert [a.label for a in vm.addresses] == ["г. Москва, ул. Профсоюзная, д. 12, flat 45"]
    assert {p.code: p.price_kop for p in vm.products}["W19"] == 35000
    assert vm.courier_id in (world.courier_a, world.courier_b)
    assert vm.suggestion_text.startswith("Suggested: ")
    assert vm.date is not None and vm.date >= orders.moscow_today()
    assert vm.window != (None, None)
    assert vm.missing == ["at least one product"]
    assert not vm.can_send
    assert {c.id for c in vm.couriers()} == {world.courier_a, world.courier_b}
    assert vm.reject_reasons(), "the seeded reject reasons are offered"


def test_company_contact_gets_its_own_delivery_point_and_contract_price(
    vm: OrderEntryViewModel, world: World, qtbot: QtBot
) -> None:
    load(qtbot, vm, world.company_id, contact_id=world.company_contact_id)

    chosen = next(a for a in vm.addresses if a.id == vm.address_id)
    assert "Ленинский" in chosen.label
    assert vm.addresses[0].id == vm.address_id, "the contact's point is listed first"
    vm.add_line("W19", 3)
    assert vm.lines[0].price_text == "290,00\u00a0₽"
    assert vm.total_text == "870,00\u00a0₽"


def test_lines_add_merge_change_and_remove(
    vm: OrderEntryViewModel, world: World, qtbot: QtBot
) -> None:
    load(qtbot, vm, world.person_id)
    water = next(p for p in vm.products if p.code == "W19")

    assert vm.add_line("w19") == 0
    assert vm.add_line(water.product_id, 2) == 0, "the same product raises the quantity"
    assert vm.add_line("PUMP") == 1
    assert [(line.code, line.qty) for line in vm.lines] == [("W19", 3), ("PUMP", 1)]
    assert vm.total_text == "1\u00a0500,00\u00a0₽"

    vm.change_qty(1, -1)
    assert vm.lines[1].qty == 1, "a quantity never drops below one"
    vm.change_qty(0, +1)
    assert vm.lines[0].qty == 4
    vm.remove_line(1)
    assert [line.code for line in vm.lines] == ["W19"]

    assert vm.add_line("NOPE") is None
    assert vm.errors == ["NOPE is not in this client's price list."]


def test_search_finds_products_by_code_and_name(
    vm: OrderEntryViewModel, world: World, qtbot: QtBot
) -> None:
    load(qtbot, vm, world.person_id)

    assert [p.code for p in vm.matches("w19")] == ["W19"]
    assert [p.code for p in vm.matches("вода")] == ["W19"]
    assert [p.code for p in vm.matches("кулер")] == ["SAN"]
    assert vm.matches("   ") == []


def test_send_creates_the_order_task_and_outbox_message_in_one_go(
    vm: OrderEntryViewModel, world: World, qtbot: QtBot, sessions: sessionmaker[Session]
) -> None:
    with unit_of_work(sessions) as s:
        call = interactions.call_started(
            s, number="+7 916 123-45-67", direction=Direction.IN, operator=OPERATOR
        ).id
    load(qtbot, vm, world.person_id, interaction_id=call)
    vm.add_line("W19", 2)
    vm.set_courier(world.courier_b)
    vm.set_date(world.tomorrow)
    vm.set_window(dt.time(9), dt.time(12))
    vm.set_comment("Позвонить за час")
    assert vm.can_send

    with qtbot.waitSignal(vm.sent) as sent:
        vm.send_to_delivery()
    order_id = sent.args[0]

    with sessions() as s:
        order = s.get(Order, order_id)
        assert order is not None
        assert order.state is OrderState.DELIVERY
        assert (order.courier_id, order.delivery_date) == (world.courier_b, world.tomorrow)
        assert order.comment == "Позвонить за час"
        assert order.source_interaction_id == call
        task = s.scalars(select(CourierTask).where(CourierTask.order_id == order_id)).one()
        assert task.status is TaskStatus.NEW and task.amount_kop == 70000
        assert s.get(Interaction, call).order_id == order_id  # type: ignore[union-attr]
    assert count(sessions, OutboxMessage, OutboxMessage.key == task.uid) == 1
    settle(qtbot, vm)
    assert vm.status_text.startswith(f"Order #{order_id} sent to delivery: Сидоров Семён, ")
    assert vm.lines == (), "the panel is ready for the next order"
    assert [o.id for o in vm.active_deliveries] == [order_id]
    assert vm.errors == []


def test_a_call_logged_after_the_client_was_confirmed_is_linked_to_the_order(
    vm: OrderEntryViewModel, world: World, qtbot: QtBot, sessions: sessionmaker[Session]
) -> None:
    # The operator confirms the caller before the call's log row is written.
    vm.load_client(world.person_id)
    with unit_of_work(sessions) as s:
        call = interactions.call_started(
            s, number="+7 916 123-45-67", direction=Direction.IN, operator=OPERATOR
        ).id
    vm.attach_call(call)
    settle(qtbot, vm)
    vm.add_line("W19", 1)
    vm.set_courier(world.courier_b)
    vm.set_date(world.tomorrow)
    with qtbot.waitSignal(vm.sent) as sent:
        vm.send_to_delivery()
    with sessions() as s:
        assert s.get(Interaction, call).order_id == sent.args[0]  # type: ignore[union-attr]
        assert s.get(Order, sent.args[0]).source_interaction_id == call  # type: ignore[union-attr]


def test_nothing_is_written_when_sending_fails(
    vm: OrderEntryViewModel, world: World, qtbot: QtBot, sessions: sessionmaker[Session]
) -> None:
    load(qtbot, vm, world.person_id)
    vm.send_to_delivery()
    assert vm.errors == ["To send the order, add at least one product."]

    vm.add_line("W19")
    vm.set_courier(world.courier_a)
    with unit_of_work(sessions) as s:  # the courier quits while the operator is talking
        s.get(Courier, world.courier_a).active = False  # type: ignore[union-attr]
    with qtbot.waitSignal(vm.error) as failed:
        vm.send_to_delivery()
    assert failed.args == [
        "Not saved: Courier Петров Пётр is not working any more. "
        "Your input is kept; press Ctrl+Return to try again."
    ]
    assert count(sessions, Order) == 0, "no half-written interest is left behind"
    assert count(sessions, OutboxMessage) == 0
    assert [line.code for line in vm.lines] == ["W19"], "the draft is kept for another try"


def test_a_second_send_while_saving_does_not_create_a_second_order(
    vm: OrderEntryViewModel, world: World, qtbot: QtBot, sessions: sessionmaker[Session]
) -> None:
    load(qtbot, vm, world.person_id)
    vm.add_line("W19")
    with qtbot.waitSignal(vm.sent):
        vm.send_to_delivery()
        vm.send_to_delivery()
    settle(qtbot, vm)
    assert count(sessions, Order) == 1


def test_send_pressed_before_the_card_arrived_goes_out_once_it_did(
    vm: OrderEntryViewModel, world: World, qtbot: QtBot, sessions: sessionmaker[Session]
) -> None:
    delivered_order(sessions, world, close=True)
    load(qtbot, vm, world.person_id)
    assert vm.repeat_last()
    vm.set_address(None)  # make the panel wait for a suggestion again
    vm.set_address(world.person_address_id)
    assert vm.busy
    with qtbot.waitSignal(vm.sent):
        vm.send_to_delivery()
    assert count(sessions, Order, Order.state == OrderState.DELIVERY) == 1


def test_repeat_last_copies_lines_and_address_at_todays_prices(
    vm: OrderEntryViewModel, world: World, qtbot: QtBot, sessions: sessionmaker[Session]
) -> None:
    first = delivered_order(sessions, world, close=True)
    load(qtbot, vm, world.person_id)
    assert vm.can_repeat
    assert vm.last_order_text.startswith(f"Last order #{first} of ")

    assert vm.repeat_last()
    assert [(line.code, line.qty) for line in vm.lines] == [("W19", 2), ("BTL", 1)]
    assert vm.address_id == world.person_address_id
    assert vm.total_text == "1\u00a0000,00\u00a0₽"
    assert vm.can_send
    with qtbot.waitSignal(vm.sent) as sent:
        vm.send_to_delivery()
    with sessions() as s:
        order = s.get(Order, sent.args[0])
        assert order is not None and order.id != first
        assert [(line.product.code, line.qty) for line in order.lines] == [("W19", 2), ("BTL", 1)]
        assert order.state is OrderState.DELIVERY


def test_repeat_without_an_earlier_order_says_so(
    vm: OrderEntryViewModel, world: World, qtbot: QtBot
) -> None:
    load(qtbot, vm, world.person_id)
    assert not vm.can_repeat
    assert not vm.repeat_last()
    assert vm.errors == ["Иванова Мария Петровна has no earlier order to repeat."]


def test_reject_records_the_lost_interest_with_its_reason(
    vm: OrderEntryViewModel, world: World, qtbot: QtBot, sessions: sessionmaker[Session]
) -> None:
    load(qtbot, vm, world.person_id)
    vm.add_line("PUMP")
    reason = vm.reject_reasons()[0]
    with qtbot.waitSignal(vm.rejected) as rejected:
        vm.reject(reason.id)
    with sessions() as s:
        order = s.get(Order, rejected.args[0])
        assert order is not None
        assert order.state is OrderState.REJECTED
        assert order.reject_reason_id == reason.id
    assert count(sessions, CourierTask) == 0


def test_reassigning_an_order_in_delivery_moves_the_task_to_the_new_courier(
    vm: OrderEntryViewModel, world: World, qtbot: QtBot, sessions: sessionmaker[Session]
) -> None:
    order_id = delivered_order(sessions, world, close=False)
    vm.open_order(order_id)
    settle(qtbot, vm)
    assert vm.mode is OrderMode.REASSIGN
    assert vm.order_id == order_id
    assert vm.courier_id == world.courier_a
    assert vm.missing == ["a change: products, address, comment, payment, courier or slot"]
    assert vm.lines_editable and vm.address_editable and vm.payment == "cash"

    vm.set_courier(world.courier_b)
    reassigned: list[int] = []
    vm.reassigned.connect(reassigned.append)
    with qtbot.waitSignal(vm.sent):
        vm.send_to_delivery()  # Ctrl+Return saves the reassignment
    assert reassigned == [order_id]
    with sessions() as s:
        tasks = s.scalars(
            select(CourierTask).where(CourierTask.order_id == order_id).order_by(CourierTask.id)
        ).all()
        assert [(t.courier_id, t.status) for t in tasks] == [
            (world.courier_a, TaskStatus.CANCELLED),
            (world.courier_b, TaskStatus.NEW),
        ]
    assert count(sessions, OutboxMessage, OutboxMessage.topic == "task.cancel") == 1


def test_a_failed_delivery_opens_for_a_new_slot_and_goes_out_again(
    vm: OrderEntryViewModel, world: World, qtbot: QtBot, sessions: sessionmaker[Session]
) -> None:
    order_id = delivered_order(sessions, world, close=False)
    with unit_of_work(sessions) as s:
        orders.fail(s, order_id, reason="Никого нет дома", actor="courier")
    load(qtbot, vm, world.person_id)
    assert [o.id for o in vm.active_deliveries] == [order_id], "listed to reschedule"

    vm.open_order(order_id)
    settle(qtbot, vm)
    assert vm.mode is OrderMode.RESEND
    assert [(line.code, line.qty) for line in vm.lines] == [("W19", 2), ("BTL", 1)]
    vm.set_date(world.tomorrow + dt.timedelta(days=1))
    with qtbot.waitSignal(vm.sent) as sent:
        vm.send_to_delivery()
    assert sent.args == [order_id]
    with sessions() as s:
        order = s.get(Order, order_id)
        assert order is not None and order.state is OrderState.DELIVERY
        assert not order.needs_reschedule


def test_a_closed_order_does_not_open(
    vm: OrderEntryViewModel, world: World, qtbot: QtBot, sessions: sessionmaker[Session]
) -> None:
    order_id = delivered_order(sessions, world, close=True)
    vm.open_order(order_id)
    settle(qtbot, vm)
    assert vm.mode is OrderMode.EMPTY
    assert vm.errors == [f"Order #{order_id} is closed: it cannot be changed any more."]

    vm.open_order(99999)
    settle(qtbot, vm)
    assert vm.errors[-1] == "Order #99999 does not exist."


def test_the_last_client_asked_for_wins(
    vm: OrderEntryViewModel, world: World, qtbot: QtBot
) -> None:
    vm.load_client(world.person_id)
    vm.load_client(world.company_id)
    settle(qtbot, vm)
    assert vm.client_name == 'ООО "Ромашка"'
    vm.clear()
    assert vm.mode is OrderMode.EMPTY and vm.missing == ["a client"]


def test_rules_point_at_empty_fields_only_after_send_and_at_a_past_date_at_once() -> None:
    from app.order_entry.draft import OrderField
    from app.order_entry.rules import DraftFacts, field_messages, missing

    today = dt.date(2025, 5, 12)
    typing = DraftFacts(has_client=True, mode=OrderMode.NEW, today=today)
    assert field_messages(typing) == {}
    assert missing(typing) == [
        "a delivery address",
        "at least one product",
        "a courier",
        "a delivery date",
    ]
    pressed = DraftFacts(
        has_client=True,
        mode=OrderMode.NEW,
        today=today,
        send_pressed=True,
        day=today - dt.timedelta(days=1),
    )
    messages = field_messages(pressed)
    assert set(messages) == {
        OrderField.ADDRESS,
        OrderField.LINES,
        OrderField.COURIER,
        OrderField.DATE,
    }
    assert "is in the past" in messages[OrderField.DATE]


def test_rules_refuse_a_reassignment_to_the_same_slot() -> None:
    from app.order_entry.rules import DraftFacts, missing
    from dispatcher.lookup import OrderSummary

    day = dt.date(2025, 5, 13)
    saved = OrderSummary(
        id=7,
        state=OrderState.DELIVERY,
        created_at=dt.datetime(2025, 5, 12, tzinfo=dt.UTC),
        delivery_date=day,
        window_start=dt.time(10),
        window_end=dt.time(14),
        courier_id=1,
        courier_name="Петров Пётр",
        address_id=3,
        needs_reschedule=False,
        fail_reason="",
        version=2,
        lines=(),
    )
    same = DraftFacts(
        has_client=True,
        mode=OrderMode.REASSIGN,
        today=dt.date(2025, 5, 12),
        order=saved,
        has_lines=True,
        courier_id=1,
        day=day,
        window=(dt.time(10), dt.time(14)),
    )
    assert missing(same) == ["a change: products, address, comment, payment, courier or slot"]

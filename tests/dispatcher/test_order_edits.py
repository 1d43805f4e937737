"""Changing or cancelling an order after it was sent: one task updated, or taken off the phone."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from courier_sync import contract
from dispatcher import orders, outbox
from dispatcher.catalog import default_price_list, product_by_code
from dispatcher.db import unit_of_work
from dispatcher.errors import ConcurrentEditError, IllegalTransitionError, ValidationError
from dispatcher.models import (
    CourierTask,
    Order,
    OrderEvent,
    OrderState,
    OutboxMessage,
    PaymentTerms,
    Price,
    TaskStatus,
)
from dispatcher.operations import orders as order_ops
from dispatcher.orders import LineInput, Slot
from dispatcher.users import Actor, UserRole
from tests.dispatcher.conftest import OPERATOR, World

DESK = Actor(OPERATOR, "Операторова Ольга", UserRole.OPERATOR)
TEN, TWO = dt.time(10), dt.time(14)


def _delivery(sessions: sessionmaker[Session], world: World, qty: int = 2) -> int:
    with unit_of_work(sessions) as s:
        order = orders.create_order(s, world.person_id, [LineInput("W19", qty)], actor=OPERATOR)
        orders.send_to_delivery(
            s, order.id, Slot(world.courier_a, world.tomorrow, TEN, TWO), actor=OPERATOR
        )
        return order.id


def _reprice(s: Session, code: str, amount_kop: int) -> None:
    """Today's standard price of a product (the catalogue's dated prices are another part)."""
    product = product_by_code(s, code)
    price = s.scalars(
        select(Price).where(
            Price.price_list_id == default_price_list(s).id, Price.product_id == product.id
        )
    ).one()
    price.amount_kop = amount_kop


def _messages(s: Session) -> list[OutboxMessage]:
    return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _tasks(s: Session, order_id: int) -> list[CourierTask]:
    return list(s.scalars(select(CourierTask).where(CourierTask.order_id == order_id)))


def test_one_more_bottle_updates_the_same_task_with_a_notice_of_the_change(
    sessions: sessionmaker[Session], world: World
) -> None:
    order_id = _delivery(sessions, world)
    with sessions() as s:
        version = s.get(Order, order_id).version  # type: ignore[union-attr]
        sent = len(_messages(s))
    with unit_of_work(sessions) as s:
        result = order_ops.edit_order(
            s, order_id, lines=[LineInput("W19", 3)], actor=DESK, expected_version=version
        )
    assert result.state is OrderState.DELIVERY and result.version > version
    with sessions() as s:
        (task,) = _tasks(s, order_id)
        assert task.uid == result.task_uid and task.version == 2
        assert task.items[0]["qty"] == 3 and task.amount_kop == 3 * 35000
        messages = _messages(s)
        assert len(messages) == sent + 1  # exactly one new message: the upsert
        payload = messages[-1].payload
        assert (messages[-1].topic, messages[-1].key) == (outbox.TOPIC_TASK_UPSERT, task.uid)
        assert payload["version"] == 2
        assert payload["changes"] == {
            "items": [{"code": "W19", "name": "Вода 19 л", "was": 2, "now": 3}],
            "address": False,
            "comment": False,
            "payment": False,
        }
        contract.Task.model_validate(payload)  # the phone takes it
        event = s.scalars(select(OrderEvent).order_by(OrderEvent.id.desc())).first()
        assert event is not None
        assert (event.action, event.actor) == ("edit", OPERATOR)
        assert "Вода 19 л: 2 → 3" in event.why


def test_kept_lines_keep_their_price_and_new_products_get_todays(
    sessions: sessionmaker[Session], world: World
) -> None:
    order_id = _delivery(sessions, world)
    with unit_of_work(sessions) as s:
        _reprice(s, "W19", 40000)
        _reprice(s, "PUMP", 50000)
    with unit_of_work(sessions) as s:
        orders.edit_order(
            s,
            order_id,
            actor=OPERATOR,
            lines=[LineInput("W19", 4), LineInput("PUMP", 1)],
            comment="Позвонить за час",
            payment_method=PaymentTerms.INVOICE,
        )
    with sessions() as s:
        order = s.get(Order, order_id)
        assert order is not None
        assert [(line.product.code, line.qty, line.price_kop) for line in order.lines] == [
            ("W19", 4, 35000),
            ("PUMP", 1, 50000),
        ]
        (task,) = _tasks(s, order_id)
        assert task.amount_kop == 0  # by invoice: nothing to collect
        changes = _messages(s)[-1].payload["changes"]
        assert changes["items"] == [
            {"code": "W19", "name": "Вода 19 л", "was": 2, "now": 4},
            {"code": "PUMP", "name": "Помпа механическая", "was": 0, "now": 1},
        ]
        assert (changes["comment"], changes["payment"], changes["address"]) == (True, True, False)


def test_a_new_address_goes_to_the_same_task(sessions: sessionmaker[Session], world: World) -> None:
    with unit_of_work(sessions) as s:
        office, warehouse = sorted(
            (a for a in orders.get_client(s, world.company_id).addresses),
            key=lambda a: a.contact_id or 0,
        )
        order = orders.create_order(
            s, world.company_id, [LineInput("W19", 2)], actor=OPERATOR, address_id=office.id
        )
        orders.send_to_delivery(s, order.id, Slot(world.courier_a, world.tomorrow), actor=OPERATOR)
        order_id, target, text = order.id, warehouse.id, warehouse.text
    with unit_of_work(sessions) as s:
        orders.edit_order(s, order_id, actor=OPERATOR, address_id=target)
    with sessions() as s:
        (task,) = _tasks(s, order_id)
        assert task.address_snapshot["text"] == text
        assert _messages(s)[-1].payload["changes"]["address"] is True


def test_cancel_takes_the_task_off_the_phone(sessions: sessionmaker[Session], world: World) -> None:
    order_id = _delivery(sessions, world)
    with unit_of_work(sessions) as s:
        result = order_ops.cancel_order(s, order_id, reason="Клиент передумал", actor=DESK)
    assert result.state is OrderState.CANCELLED and result.task_uid is None
    with sessions() as s:
        (task,) = _tasks(s, order_id)
        assert task.status is TaskStatus.CANCELLED and task.version == 2
        last = _messages(s)[-1]
        assert (last.topic, last.key) == (outbox.TOPIC_TASK_CANCEL, task.uid)
        assert last.payload["reason"] == "Клиент передумал"
        contract.TaskCancel.model_validate(last.payload)
        event = s.scalars(select(OrderEvent).order_by(OrderEvent.id.desc())).first()
        assert event is not None
        assert (event.action, event.to_state, event.why) == (
            "cancel",
            OrderState.CANCELLED,
            "Клиент передумал",
        )


def test_a_cancel_needs_a_reason(sessions: sessionmaker[Session], world: World) -> None:
    order_id = _delivery(sessions, world)
    with pytest.raises(ValidationError, match="Say why"), unit_of_work(sessions) as s:
        orders.cancel(s, order_id, reason="  ", actor=OPERATOR)


def test_a_change_after_the_courier_delivered_is_refused_with_that_message(
    sessions: sessionmaker[Session], world: World
) -> None:
    order_id = _delivery(sessions, world)
    with unit_of_work(sessions) as s:
        orders.close(s, order_id, actor="courier:1", collected_kop=70000)
    for attempt in (
        lambda s: orders.edit_order(s, order_id, actor=OPERATOR, lines=[LineInput("W19", 3)]),
        lambda s: orders.cancel(s, order_id, reason="Клиент передумал", actor=OPERATOR),
    ):
        with (
            pytest.raises(IllegalTransitionError, match="already delivered"),
            unit_of_work(sessions) as s,
        ):
            attempt(s)


def test_a_change_after_the_courier_failed_the_delivery_is_refused_with_that_message(
    sessions: sessionmaker[Session], world: World
) -> None:
    order_id = _delivery(sessions, world)
    with sessions() as s:
        seen = s.get(Order, order_id).version  # type: ignore[union-attr]
    with unit_of_work(sessions) as s:  # the courier's "failed" arrives while the desk edits
        orders.fail(s, order_id, reason="Никого нет дома", actor="courier:1", notify_courier=False)
    refused = pytest.raises(IllegalTransitionError, match=r"not delivered \(Никого нет дома\)")
    with refused, unit_of_work(sessions) as s:
        orders.edit_order(
            s, order_id, actor=OPERATOR, lines=[LineInput("W19", 3)], expected_version=seen
        )
    with pytest.raises(IllegalTransitionError, match="not delivered"), unit_of_work(sessions) as s:
        orders.cancel(s, order_id, reason="Передумал", actor=OPERATOR, expected_version=seen)


def test_a_stale_version_is_refused_and_nothing_is_sent(
    sessions: sessionmaker[Session], world: World
) -> None:
    order_id = _delivery(sessions, world)
    with sessions() as s:
        seen = s.get(Order, order_id).version  # type: ignore[union-attr]
    with unit_of_work(sessions) as s:  # another desk saves first
        orders.edit_order(s, order_id, actor="desk-2", comment="Домофон не работает")
    with sessions() as s:
        sent = len(_messages(s))
    with pytest.raises(ConcurrentEditError), unit_of_work(sessions) as s:
        orders.edit_order(
            s, order_id, actor=OPERATOR, lines=[LineInput("W19", 5)], expected_version=seen
        )
    with sessions() as s:
        assert len(_messages(s)) == sent
        assert _tasks(s, order_id)[0].items[0]["qty"] == 2


def test_editing_an_interest_touches_no_task(sessions: sessionmaker[Session], world: World) -> None:
    with unit_of_work(sessions) as s:
        order_id = orders.create_order(s, world.person_id, [LineInput("W19", 2)], actor=OPERATOR).id
    with unit_of_work(sessions) as s:
        order = orders.edit_order(s, order_id, actor=OPERATOR, lines=[LineInput("W19", 3)])
        assert order.state is OrderState.INTEREST
    with sessions() as s:
        assert _tasks(s, order_id) == [] and _messages(s) == []


def test_saving_the_same_values_says_there_is_nothing_to_change(
    sessions: sessionmaker[Session], world: World
) -> None:
    order_id = _delivery(sessions, world)
    with pytest.raises(ValidationError, match="nothing to change"), unit_of_work(sessions) as s:
        orders.edit_order(s, order_id, actor=OPERATOR, lines=[LineInput("W19", 2)])


def test_a_delivery_cannot_lose_its_last_line(
    sessions: sessionmaker[Session], world: World
) -> None:
    order_id = _delivery(sessions, world)
    with pytest.raises(ValidationError, match="cancel the order"), unit_of_work(sessions) as s:
        orders.edit_order(s, order_id, actor=OPERATOR, lines=[])


def test_an_unknown_payment_method_is_refused_by_the_operation(
    sessions: sessionmaker[Session], world: World
) -> None:
    order_id = _delivery(sessions, world)
    with pytest.raises(ValidationError, match="cash or invoice"), unit_of_work(sessions) as s:
        order_ops.edit_order(s, order_id, payment_method="barter", actor=DESK)

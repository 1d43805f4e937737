"""The order life cycle as operators and couriers drive it."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from dispatcher import orders, outbox
from dispatcher.db import unit_of_work
from dispatcher.errors import (
    ConcurrentEditError,
    IllegalTransitionError,
    NotFoundError,
    ValidationError,
)
from dispatcher.models import (
    CourierTask,
    Order,
    OrderEvent,
    OrderState,
    OutboxMessage,
    PaymentTerms,
    TaskStatus,
)
from dispatcher.orders import Action, LineInput, Slot
from tests.dispatcher.conftest import OPERATOR, World

TEN, TWO = dt.time(10), dt.time(14)


def _interest(sessions: sessionmaker[Session], world: World, qty: int = 2) -> int:
    with unit_of_work(sessions) as s:
        return orders.create_order(s, world.person_id, [LineInput("W19", qty)], actor=OPERATOR).id


def _deliver(sessions: sessionmaker[Session], world: World, order_id: int) -> None:
    with unit_of_work(sessions) as s:
        orders.send_to_delivery(
            s, order_id, Slot(world.courier_a, world.tomorrow, TEN, TWO), actor=OPERATOR
        )


def _count(s: Session, model: type, **where: object) -> int:
    stmt = select(func.count()).select_from(model)
    for key, value in where.items():
        stmt = stmt.where(getattr(model, key) == value)
    return int(s.scalar(stmt) or 0)


def _state_for(sessions: sessionmaker[Session], world: World, state: OrderState) -> int:
    """An order brought to `state` through the legal path."""
    order_id = _interest(sessions, world)
    if state is OrderState.INTEREST:
        return order_id
    if state is OrderState.REJECTED:
        with unit_of_work(sessions) as s:
            orders.reject(s, order_id, reason_id=1, actor=OPERATOR)
        return order_id
    _deliver(sessions, world, order_id)
    if state is OrderState.CLOSED:
        with unit_of_work(sessions) as s:
            orders.close(s, order_id, actor=OPERATOR, collected_kop=70000)
    if state is OrderState.CANCELLED:
        with unit_of_work(sessions) as s:
            orders.cancel(s, order_id, reason="Клиент передумал", actor=OPERATOR)
    return order_id


def _do(s: Session, action: Action, order_id: int, world: World) -> Order:
    if action is Action.DELIVER:
        return orders.send_to_delivery(
            s, order_id, Slot(world.courier_a, world.tomorrow, TEN, TWO), actor=OPERATOR
        )
    if action is Action.CLOSE:
        return orders.close(s, order_id, actor=OPERATOR)
    if action is Action.REJECT:
        return orders.reject(s, order_id, reason_id=1, actor=OPERATOR)
    if action is Action.FAIL:
        return orders.fail(s, order_id, reason="Клиента нет дома", actor=OPERATOR)
    if action is Action.CANCEL:
        return orders.cancel(s, order_id, reason="Клиент передумал", actor=OPERATOR)
    return orders.reassign(
        s, order_id, Slot(world.courier_b, world.tomorrow, TEN, TWO), actor=OPERATOR
    )


@pytest.mark.parametrize("state", list(OrderState))
@pytest.mark.parametrize("action", list(Action))
def test_every_transition_is_allowed_or_refused_with_a_readable_message(
    sessions: sessionmaker[Session], world: World, state: OrderState, action: Action
) -> None:
    order_id = _state_for(sessions, world, state)
    allowed, target = orders.TRANSITIONS[action]
    if state in allowed:
        with unit_of_work(sessions) as s:
            order = _do(s, action, order_id, world)
            assert order.state is target
            assert order.events[-1].action == action.value
            assert order.events[-1].from_state is state
            assert order.events[-1].to_state is target
    else:
        with pytest.raises(IllegalTransitionError) as err, unit_of_work(sessions) as s:
            _do(s, action, order_id, world)
        if (state, action) == (OrderState.CLOSED, Action.CANCEL):
            # A delivered order says what happened rather than only its state.
            assert "was already delivered" in str(err.value)
        else:
            assert f"Order #{order_id} is {orders.STATE_NAMES[state]}" in str(err.value)
        with sessions() as s:
            assert s.get(Order, order_id).state is state  # type: ignore[union-attr]


def test_sending_to_delivery_creates_one_task_and_one_outbox_message(
    sessions: sessionmaker[Session], world: World
) -> None:
    order_id = _interest(sessions, world, qty=3)
    _deliver(sessions, world, order_id)
    with sessions() as s:
        tasks = s.scalars(select(CourierTask).where(CourierTask.order_id == order_id)).all()
        assert len(tasks) == 1
        task = tasks[0]
        assert task.status is TaskStatus.NEW
        assert task.courier_id == world.courier_a
        assert task.amount_kop == 3 * 35000
        assert task.address_snapshot["flat"] == "45"
        assert task.items == [{"code": "W19", "name": "Вода 19 л", "qty": 3, "price_kop": 35000}]
        messages = s.scalars(select(OutboxMessage)).all()
        assert [(m.topic, m.key) for m in messages] == [(outbox.TOPIC_TASK_UPSERT, task.uid)]
        payload = messages[0].payload
        assert payload["client_name"] == "Иванова Мария Петровна"
        assert payload["contact_phones"] == ["+79161234567"]
        assert payload["window_start"] == "10:00"
        assert payload["date"] == world.tomorrow.isoformat()


def test_a_failure_in_the_middle_of_sending_leaves_neither_task_nor_message(
    sessions: sessionmaker[Session], world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    order_id = _interest(sessions, world)

    def broken_payload(*args: object) -> dict[str, object]:
        raise RuntimeError("disk full")

    monkeypatch.setattr(outbox, "task_payload", broken_payload)
    with pytest.raises(RuntimeError), unit_of_work(sessions) as s:
        orders.send_to_delivery(s, order_id, Slot(world.courier_a, world.tomorrow), actor=OPERATOR)
    with sessions() as s:
        assert s.get(Order, order_id).state is OrderState.INTEREST  # type: ignore[union-attr]
        assert _count(s, CourierTask) == 0
        assert _count(s, OutboxMessage) == 0
        assert _count(s, OrderEvent, order_id=order_id) == 1  # only "create"


@pytest.mark.parametrize(
    ("what", "message"),
    [
        ("no address", "without a delivery address"),
        ("past date", "is in the past"),
        ("bad window", "ends before it starts"),
        ("unknown courier", "Courier #999 does not exist"),
    ],
)
def test_delivery_requirements_are_explained(
    sessions: sessionmaker[Session], world: World, what: str, message: str
) -> None:
    with unit_of_work(sessions) as s:
        order = orders.create_order(s, world.company_id, [LineInput("W19", 1)], actor=OPERATOR)
        if what != "no address":
            order.address = order.client.addresses[0]
        order_id = order.id
    slot = {
        "no address": Slot(world.courier_a, world.tomorrow),
        "past date": Slot(world.courier_a, world.tomorrow - dt.timedelta(days=3)),
        "bad window": Slot(world.courier_a, world.tomorrow, TWO, TEN),
        "unknown courier": Slot(999, world.tomorrow),
    }[what]
    with (
        pytest.raises((ValidationError, NotFoundError), match=message),
        unit_of_work(sessions) as s,
    ):
        orders.send_to_delivery(s, order_id, slot, actor=OPERATOR)
    with sessions() as s:
        assert _count(s, CourierTask) == 0
        assert _count(s, OutboxMessage) == 0


def test_an_order_without_lines_cannot_go_to_delivery(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        order_id = orders.create_order(s, world.person_id, [], actor=OPERATOR).id
    with pytest.raises(ValidationError, match="at least one product"), unit_of_work(sessions) as s:
        orders.send_to_delivery(s, order_id, Slot(world.courier_a, world.tomorrow), actor="x")


def test_company_pays_its_contract_price_by_invoice(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        order = orders.create_order(
            s,
            world.company_id,
            [LineInput("W19", 10), LineInput("PUMP", 1)],
            actor=OPERATOR,
            contact_id=world.company_contact_id,
        )
        assert [line.price_kop for line in order.lines] == [29000, 45000]
        assert order.payment_method is PaymentTerms.INVOICE
        contact_point = next(a for a in order.client.addresses if a.contact_id)
        orders.send_to_delivery(
            s,
            order.id,
            Slot(world.courier_a, world.tomorrow),
            actor=OPERATOR,
            address_id=contact_point.id,
        )
        task = orders.active_task(s, order)
        assert task is not None
        assert task.amount_kop == 0  # invoiced at month end, the courier collects nothing
        assert task.address_snapshot["text"].startswith("г. Москва, Ленинский")


def test_reject_needs_a_reason_from_the_list(sessions: sessionmaker[Session], world: World) -> None:
    order_id = _interest(sessions, world)
    with pytest.raises(ValidationError, match="Choose why"), unit_of_work(sessions) as s:
        orders.reject(s, order_id, reason_id=None, actor=OPERATOR)
    with pytest.raises(ValidationError, match="not in the list"), unit_of_work(sessions) as s:
        orders.reject(s, order_id, reason_id=12345, actor=OPERATOR)
    with unit_of_work(sessions) as s:
        reason = orders.add_reject_reason(s, "Слишком далеко")
        order = orders.reject(s, order_id, reason_id=reason.id, actor=OPERATOR)
        assert order.reject_reason is not None
        assert order.events[-1].why == "Слишком далеко"


def test_a_retired_reject_reason_is_no_longer_offered(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        first = orders.reject_reasons(s)[0]
        orders.deactivate_reject_reason(s, first.id)
    with unit_of_work(sessions) as s:
        assert first.id not in [r.id for r in orders.reject_reasons(s)]
    order_id = _interest(sessions, world)
    with pytest.raises(ValidationError), unit_of_work(sessions) as s:
        orders.reject(s, order_id, reason_id=first.id, actor=OPERATOR)


def test_failed_delivery_returns_to_interest_flagged_and_cancels_the_task(
    sessions: sessionmaker[Session], world: World
) -> None:
    order_id = _interest(sessions, world)
    _deliver(sessions, world, order_id)
    with unit_of_work(sessions) as s:
        orders.fail(s, order_id, reason="Никого нет дома", actor=OPERATOR)
    with sessions() as s:
        order = s.get(Order, order_id)
        assert order is not None
        assert order.state is OrderState.INTEREST
        assert order.needs_reschedule
        assert order.fail_reason == "Никого нет дома"
        assert [t.status for t in order.tasks] == [TaskStatus.FAILED]
        topics = [m.topic for m in s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
        assert topics == [outbox.TOPIC_TASK_UPSERT, outbox.TOPIC_TASK_CANCEL]
    # Rescheduling sends it again with a fresh task and clears the flag.
    _deliver(sessions, world, order_id)
    with sessions() as s:
        order = s.get(Order, order_id)
        assert order is not None
        assert not order.needs_reschedule
        assert [t.status for t in order.tasks] == [TaskStatus.FAILED, TaskStatus.NEW]


def test_failure_reported_by_the_courier_does_not_echo_back_to_the_phone(
    sessions: sessionmaker[Session], world: World
) -> None:
    order_id = _interest(sessions, world)
    _deliver(sessions, world, order_id)
    with unit_of_work(sessions) as s:
        orders.fail(s, order_id, reason="Закрыт шлагбаум", actor="courier", notify_courier=False)
    with sessions() as s:
        assert _count(s, OutboxMessage, topic=outbox.TOPIC_TASK_CANCEL) == 0


def test_failure_needs_a_reason(sessions: sessionmaker[Session], world: World) -> None:
    order_id = _interest(sessions, world)
    _deliver(sessions, world, order_id)
    with (
        pytest.raises(ValidationError, match="why the delivery failed"),
        unit_of_work(sessions) as s,
    ):
        orders.fail(s, order_id, reason="  ", actor=OPERATOR)


def test_reassigning_cancels_the_old_task_and_creates_a_new_one(
    sessions: sessionmaker[Session], world: World
) -> None:
    order_id = _interest(sessions, world)
    _deliver(sessions, world, order_id)
    with unit_of_work(sessions) as s:
        orders.reassign(
            s,
            order_id,
            Slot(world.courier_b, world.tomorrow, TEN, TWO),
            actor="lead",
            why="Петров заболел",
        )
    with sessions() as s:
        order = s.get(Order, order_id)
        assert order is not None
        assert order.courier_id == world.courier_b
        old, new = order.tasks
        assert (old.courier_id, old.status) == (world.courier_a, TaskStatus.CANCELLED)
        assert (new.courier_id, new.status) == (world.courier_b, TaskStatus.NEW)
        messages = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [(m.topic, m.key) for m in messages] == [
            (outbox.TOPIC_TASK_UPSERT, old.uid),
            (outbox.TOPIC_TASK_CANCEL, old.uid),
            (outbox.TOPIC_TASK_UPSERT, new.uid),
        ]
        assert messages[1].payload["version"] == 2
        assert order.events[-1].actor == "lead"
        assert "Петров заболел" in order.events[-1].why
        assert "Сидоров Семён" in order.events[-1].why


def test_reassigning_only_the_window_also_moves_the_task(
    sessions: sessionmaker[Session], world: World
) -> None:
    order_id = _interest(sessions, world)
    _deliver(sessions, world, order_id)
    with unit_of_work(sessions) as s:
        orders.reassign(
            s,
            order_id,
            Slot(world.courier_a, world.tomorrow, dt.time(15), dt.time(18)),
            actor=OPERATOR,
        )
    with sessions() as s:
        task = orders.active_task(s, s.get(Order, order_id))  # type: ignore[arg-type]
        assert task is not None
        assert task.window_start == dt.time(15)


def test_reassigning_to_the_same_slot_is_refused(
    sessions: sessionmaker[Session], world: World
) -> None:
    order_id = _interest(sessions, world)
    _deliver(sessions, world, order_id)
    with (
        pytest.raises(ValidationError, match="already has this courier"),
        unit_of_work(sessions) as s,
    ):
        orders.reassign(
            s, order_id, Slot(world.courier_a, world.tomorrow, TEN, TWO), actor=OPERATOR
        )


def test_every_change_is_in_the_audit_trail(sessions: sessionmaker[Session], world: World) -> None:
    order_id = _interest(sessions, world)
    _deliver(sessions, world, order_id)
    with unit_of_work(sessions) as s:
        orders.close(s, order_id, actor="courier-7", collected_kop=70000, bottles_returned=2)
    with sessions() as s:
        order = s.get(Order, order_id)
        assert order is not None
        trail = [(e.action, e.from_state, e.to_state, e.actor) for e in order.events]
        assert trail == [
            ("create", None, OrderState.INTEREST, OPERATOR),
            ("deliver", OrderState.INTEREST, OrderState.DELIVERY, OPERATOR),
            ("close", OrderState.DELIVERY, OrderState.CLOSED, "courier-7"),
        ]
        assert all(e.at.tzinfo is not None for e in order.events)
        assert order.collected_kop == 70000
        assert order.tasks[0].status is TaskStatus.DONE


def test_a_stale_version_is_refused_instead_of_overwriting(
    sessions: sessionmaker[Session], world: World
) -> None:
    order_id = _interest(sessions, world)
    with sessions() as s:
        seen_version = s.get(Order, order_id).version  # type: ignore[union-attr]
    _deliver(sessions, world, order_id)  # another operator acts first
    with (
        pytest.raises(ConcurrentEditError, match="changed by someone else"),
        unit_of_work(sessions) as s,
    ):
        orders.fail(s, order_id, reason="x", actor=OPERATOR, expected_version=seen_version)


def test_two_operators_saving_at_once_cannot_both_win(
    sessions: sessionmaker[Session], world: World
) -> None:
    order_id = _interest(sessions, world)
    _deliver(sessions, world, order_id)
    # Both load the same version, then both try to reassign it.
    first, second = sessions(), sessions()
    try:
        seen_by_first = orders.get_order(first, order_id)
        seen_by_second = orders.get_order(second, order_id)
        assert seen_by_first.version == seen_by_second.version
        orders.reassign(first, order_id, Slot(world.courier_b, world.tomorrow), actor="a")
        first.commit()
        results: list[BaseException | None] = []

        def late() -> None:
            try:
                orders.reassign(
                    second,
                    order_id,
                    Slot(world.courier_b, world.tomorrow, TEN, TWO),
                    actor="b",
                )
                second.commit()
                results.append(None)
            except BaseException as exc:
                second.rollback()
                results.append(exc)

        worker = threading.Thread(target=late)
        worker.start()
        worker.join(30)
        assert len(results) == 1
        assert results[0] is not None, "the second save silently overwrote the first"
    finally:
        first.close()
        second.close()
    with sessions() as s:
        order = s.get(Order, order_id)
        assert order is not None
        assert [t.status for t in order.tasks].count(TaskStatus.NEW) == 1


def test_repeat_order_copies_lines_and_address_at_todays_prices(
    sessions: sessionmaker[Session], world: World
) -> None:
    order_id = _interest(sessions, world, qty=4)
    with unit_of_work(sessions) as s:
        again = orders.repeat_order(s, order_id, actor=OPERATOR)
        assert again.id != order_id
        assert [(line.product.code, line.qty) for line in again.lines] == [("W19", 4)]
        assert again.address_id == world.person_address_id


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([LineInput("NOPE", 1)], "no product with code 'NOPE'"),
        ([LineInput("W19", 0)], "at least 1"),
        ([LineInput("W19", -3)], "at least 1"),
    ],
)
def test_bad_order_lines_are_refused_and_nothing_is_written(
    sessions: sessionmaker[Session], world: World, lines: list[LineInput], message: str
) -> None:
    with (
        pytest.raises((ValidationError, NotFoundError), match=message),
        unit_of_work(sessions) as s,
    ):
        orders.create_order(s, world.person_id, lines, actor=OPERATOR)
    with sessions() as s:
        assert _count(s, Order) == 0


def test_window_text_is_parsed_or_explained() -> None:
    assert Slot.parse_window("10:00-14:00") == (TEN, TWO)
    assert Slot.parse_window("9:00 – 12:30") == (dt.time(9), dt.time(12, 30))
    with pytest.raises(ValidationError, match="HH:MM-HH:MM"):
        Slot.parse_window("утром")

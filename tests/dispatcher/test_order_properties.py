"""Random sequences of operator and courier actions never break the order's invariants."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from dispatcher import orders
from dispatcher.db import unit_of_work
from dispatcher.errors import DomainError
from dispatcher.models import (
    ACTIVE_TASK_STATUSES,
    CourierTask,
    Order,
    OrderEvent,
    OrderState,
    OutboxMessage,
)
from dispatcher.orders import Action, LineInput, Slot
from tests.dispatcher.conftest import World

actions = st.lists(
    st.tuples(st.sampled_from(list(Action)), st.booleans(), st.integers(0, 3)),
    min_size=1,
    max_size=12,
)


def _apply(s: Session, world: World, order_id: int, step: tuple[Action, bool, int]) -> None:
    action, other_courier, day = step
    courier = world.courier_b if other_courier else world.courier_a
    slot = Slot(courier, world.tomorrow + dt.timedelta(days=day))
    if action is Action.DELIVER:
        orders.send_to_delivery(s, order_id, slot, actor="p")
    elif action is Action.CLOSE:
        orders.close(s, order_id, actor="p")
    elif action is Action.REJECT:
        orders.reject(s, order_id, reason_id=1, actor="p")
    elif action is Action.FAIL:
        orders.fail(s, order_id, reason="нет дома", actor="p", notify_courier=other_courier)
    else:
        orders.reassign(s, order_id, slot, actor="p")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=actions)
def test_any_sequence_keeps_one_live_task_and_a_complete_audit_trail(
    sessions: sessionmaker[Session], world: World, steps: list[tuple[Action, bool, int]]
) -> None:
    with unit_of_work(sessions) as s:
        order_id = orders.create_order(s, world.person_id, [LineInput("W19", 1)], actor="p").id
    applied = 0
    for step in steps:
        try:
            with unit_of_work(sessions) as s:
                _apply(s, world, order_id, step)
            applied += 1
        except DomainError:
            pass
        with sessions() as s:
            order = s.get(Order, order_id)
            assert order is not None
            live = s.scalar(
                select(func.count()).where(
                    CourierTask.order_id == order_id, CourierTask.status.in_(ACTIVE_TASK_STATUSES)
                )
            )
            # Exactly one live task while in delivery, none otherwise.
            assert live == (1 if order.state is OrderState.DELIVERY else 0)
            events = s.scalar(select(func.count()).where(OrderEvent.order_id == order_id))
            assert events == applied + 1
            # Every task was announced to the phone exactly once.
            uids = s.scalars(select(CourierTask.uid).where(CourierTask.order_id == order_id)).all()
            upserts = s.scalars(
                select(OutboxMessage.key).where(OutboxMessage.topic == "task.upsert")
            ).all()
            assert sorted(uids) == sorted(u for u in upserts if u in set(uids))
            assert len([u for u in upserts if u in set(uids)]) == len(uids)

"""Closing or cancelling an order on the desk ends its task on the courier's phone.

Through the real relay and the real sync service: the phone's list shows the task as
withdrawn (the courier app moves it out of the route) and a late Done is refused.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dispatcher import outbox
from dispatcher.db import unit_of_work
from dispatcher.models import OutboxMessage, UserRole
from dispatcher.operations import orders as order_ops
from dispatcher.users import Actor
from tests.courier_sync.conftest import SyncWorld, deliver

LEAD = Actor("lead", "Старший смены", UserRole.LEAD)


def _end_on_desk(sw: SyncWorld, order_id: int, how: str) -> None:
    with unit_of_work(sw.sessions) as s:
        if how == "close":
            order_ops.close(s, order_id, actor=LEAD, collected_kop=70000)
        else:
            order_ops.cancel_order(s, order_id, reason="Клиент уехал на дачу", actor=LEAD)


@pytest.mark.parametrize(
    ("how", "reason"),
    [("close", "closed by the dispatcher"), ("cancel", "Клиент уехал на дачу")],
)
def test_an_order_ended_on_the_desk_leaves_the_couriers_route(
    sync_world: SyncWorld, how: str, reason: str
) -> None:
    sw = sync_world
    order_id = deliver(sw.sessions, sw.w, sw.w.courier_a)
    sw.relay.run_once()
    [task] = sw.phone_a.tasks(sw.w.tomorrow)
    assert task["status"] == "new"

    _end_on_desk(sw, order_id, how)
    assert sw.relay.run_once()["sent"] == 1

    [ended] = sw.phone_a.tasks(sw.w.tomorrow)
    assert (ended["task_id"], ended["status"]) == (task["task_id"], "cancelled")
    assert ended["cancel_reason"] == reason
    assert [t for t in sw.phone_a.tasks(sw.w.tomorrow) if t["status"] != "cancelled"] == []
    # The courier cannot deliver what the desk already ended.
    assert sw.phone_a.post_event(task["task_id"], "done", collected_kop=1).status_code == 409


def test_done_from_the_phone_sends_nothing_back(sync_world: SyncWorld) -> None:
    sw = sync_world
    order_id = deliver(sw.sessions, sw.w, sw.w.courier_a)
    sw.relay.run_once()
    [task] = sw.phone_a.tasks(sw.w.tomorrow)
    assert sw.phone_a.post_event(task["task_id"], "done", collected_kop=70000).status_code < 300
    sw.relay.run_once()
    with sw.sessions() as s:
        state = order_ops.order_details(s, order_id)["state"]
        cancels = s.scalar(
            select(func.count()).where(OutboxMessage.topic == outbox.TOPIC_TASK_CANCEL)
        )
    assert (state, cancels) == ("closed", 0)
    [done] = sw.phone_a.tasks(sw.w.tomorrow)
    assert done["status"] == "done"

"""The relay between a real dispatcher database (SQLite, PostgreSQL) and the real service."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from courier_sync.client import relay as relay_module
from courier_sync.client.api import TransientError
from courier_sync.client.relay import Relay
from courier_sync.client.status import RelayStatus
from courier_sync.server.db import make_engine as make_service_engine
from dispatcher import courier_events, feed_lease, orders, outbox
from dispatcher.db import unit_of_work
from dispatcher.models import (
    CourierEvent,
    CourierTask,
    Order,
    OrderEvent,
    OrderState,
    OutboxMessage,
    RelayState,
    TaskStatus,
)
from tests.courier_sync.conftest import OPERATOR, ROOT, SyncWorld, deliver, free_port
from tests.helpers.wait import wait_until


def _task(s: Session, order_id: int) -> CourierTask:
    task = orders.active_task(s, s.get(Order, order_id))  # type: ignore[arg-type]
    assert task is not None
    return task


def _order(sw: SyncWorld, order_id: int) -> Order:
    with sw.sessions() as s:
        order = s.get(Order, order_id)
        assert order is not None
        s.expunge(order)
        return order


def _service_receipts(sw: SyncWorld) -> list[tuple[str, int, str, bool]]:
    engine = make_service_engine(sw.service.db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT task_id, version, op, applied FROM receipts ORDER BY id")
        ).all()
    engine.dispose()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_an_order_sent_to_delivery_reaches_its_courier_only(sync_world: SyncWorld) -> None:
    sw = sync_world
    order_id = deliver(sw.sessions, sw.w, sw.w.courier_a, qty=3)
    assert sw.relay.run_once() == {"sent": 1, "failed": 0, "events": 0, "portal_events": 0}
    [task] = sw.phone_a.tasks(sw.w.tomorrow)
    assert task["order_id"] == order_id
    assert task["amount_kop"] == 3 * 35000
    assert task["client_name"] == "Иванова Мария Петровна"
    assert task["address"]["flat"] == "45"
    assert task["contact_phones"] == ["+79161234567"]
    assert (task["window_start"], task["window_end"]) == ("10:00", "14:00")
    assert sw.phone_b.tasks(sw.w.tomorrow) == []
    assert sw.phone_b.get(f"tasks/{task['task_id']}").status_code == 404
    with sw.sessions() as s:
        assert outbox.queue_length(s) == 0
        assert s.scalar(select(OutboxMessage.sent_at)) is not None
        assert _task(s, order_id).status is TaskStatus.SENT
    status = sw.relay.status()
    assert status.connected and status.queue_length == 0 and status.last_success_at


def test_reassigning_cancels_the_old_task_and_the_new_courier_sees_it(
    sync_world: SyncWorld,
) -> None:
    sw = sync_world
    order_id = deliver(sw.sessions, sw.w, sw.w.courier_a)
    sw.relay.run_once()
    with unit_of_work(sw.sessions) as s:
        orders.reassign(
            s,
            order_id,
            orders.Slot(sw.w.courier_b, sw.w.tomorrow, dt.time(15), dt.time(18)),
            actor=OPERATOR,
            why="Петров заболел",
        )
    sw.relay.run_once()
    [old] = sw.phone_a.tasks(sw.w.tomorrow)
    assert (old["status"], old["version"]) == ("cancelled", 2)
    [new] = sw.phone_b.tasks(sw.w.tomorrow)
    assert new["status"] == "new" and new["order_id"] == order_id
    assert new["window_start"] == "15:00"
    assert sw.phone_a.post_event(old["task_id"], "done", collected_kop=1).status_code == 409


def test_done_from_the_courier_closes_the_order_with_the_collected_amount(
    sync_world: SyncWorld,
) -> None:
    sw = sync_world
    order_id = deliver(sw.sessions, sw.w, sw.w.courier_a)
    sw.relay.run_once()
    [task] = sw.phone_a.tasks(sw.w.tomorrow)
    assert sw.phone_a.post_event(task["task_id"], "accepted").status_code == 200
    sw.relay.run_once()
    accepted = _order(sw, order_id)
    assert accepted.state is OrderState.DELIVERY and accepted.courier_accepted_at is not None
    reply = sw.phone_a.post_event(task["task_id"], "done", collected_kop=65000, bottles_returned=2)
    assert reply.json()["applied"] is True
    assert sw.relay.run_once()["events"] == 1
    order = _order(sw, order_id)
    assert order.state is OrderState.CLOSED
    assert (order.collected_kop, order.bottles_returned) == (65000, 2)
    with sw.sessions() as s:
        assert s.get(CourierTask, _task_id(s, task["task_id"])).status is TaskStatus.DONE  # type: ignore[union-attr]
        actors = s.scalars(
            select(OrderEvent.actor).where(
                OrderEvent.order_id == order_id, OrderEvent.action == "close"
            )
        ).all()
        assert actors == [f"courier:{sw.w.courier_a}"]
        outcomes = [e.outcome for e in courier_events.events_of_order(s, order_id)]
        assert outcomes == ["applied", "applied"]


def _task_id(s: Session, uid: str) -> int:
    return s.scalar(select(CourierTask.id).where(CourierTask.uid == uid))  # type: ignore[return-value]


def test_failed_from_the_courier_puts_the_order_back_with_the_reason(
    sync_world: SyncWorld,
) -> None:
    sw = sync_world
    order_id = deliver(sw.sessions, sw.w, sw.w.courier_a)
    sw.relay.run_once()
    [task] = sw.phone_a.tasks(sw.w.tomorrow)
    sw.phone_a.post_event(
        task["task_id"], "failed", reason="никого нет дома", proposed_time="завтра после 18:00"
    )
    sw.relay.run_once()
    order = _order(sw, order_id)
    assert order.state is OrderState.INTEREST and order.needs_reschedule
    assert "никого нет дома" in order.fail_reason
    assert "завтра после 18:00" in order.fail_reason
    with sw.sessions() as s:
        # The courier already knows: no cancel goes back to the phone.
        assert s.scalar(select(func.count()).where(OutboxMessage.topic == "task.cancel")) == 0
    assert sw.phone_a.tasks(sw.w.tomorrow)[0]["status"] == "failed"


def test_repeated_events_are_applied_once(sync_world: SyncWorld) -> None:
    sw = sync_world
    order_id = deliver(sw.sessions, sw.w, sw.w.courier_a)
    sw.relay.run_once()
    [task] = sw.phone_a.tasks(sw.w.tomorrow)
    for _ in range(2):  # the phone retried: the service keeps one
        sw.phone_a.post_event(task["task_id"], "done", event_id="done-once-1", collected_kop=7)
    assert sw.relay.run_once()["events"] == 1
    # As if the relay crashed after applying but the cursor was lost: the feed is read again.
    with unit_of_work(sw.sessions) as s:
        s.execute(
            update(RelayState)
            .where(RelayState.name == courier_events.FEED_CURSOR)
            .values(value="0")
        )
    assert sw.relay.run_once()["events"] == 1
    with sw.sessions() as s:
        assert s.scalar(select(func.count()).select_from(CourierEvent)) == 1
        closes = s.scalar(
            select(func.count()).where(
                OrderEvent.order_id == order_id, OrderEvent.action == "close"
            )
        )
        assert closes == 1
        assert courier_events.feed_cursor(s) >= 1


def test_an_event_for_a_task_that_is_no_longer_live_changes_nothing(
    sync_world: SyncWorld,
) -> None:
    sw = sync_world
    order_id = deliver(sw.sessions, sw.w, sw.w.courier_a)
    sw.relay.run_once()
    [old] = sw.phone_a.tasks(sw.w.tomorrow)
    with unit_of_work(sw.sessions) as s:
        orders.reassign(s, order_id, orders.Slot(sw.w.courier_b, sw.w.tomorrow), actor=OPERATOR)
    # The old courier taps Done before the cancel reached the phone.
    assert sw.phone_a.post_event(old["task_id"], "done", collected_kop=1).status_code == 200
    sw.relay.run_once()
    order = _order(sw, order_id)
    assert order.state is OrderState.DELIVERY and order.courier_id == sw.w.courier_b
    with sw.sessions() as s:
        [event] = courier_events.events_of_order(s, order_id)
        assert event.outcome == "stale"


def test_messages_of_one_task_are_sent_in_order_one_at_a_time(sync_world: SyncWorld) -> None:
    sw = sync_world
    order_id = deliver(sw.sessions, sw.w, sw.w.courier_a)
    with unit_of_work(sw.sessions) as s:
        first_uid = _task(s, order_id).uid
        orders.reassign(s, order_id, orders.Slot(sw.w.courier_b, sw.w.tomorrow), actor=OPERATOR)
    with sw.sessions() as s:
        claimed = outbox.claim(s, "probe", 100)
        s.rollback()
    # The cancel of the first task waits for its upsert; the new task's upsert does not.
    assert [(m.key, m.topic) for m in claimed] == [
        (first_uid, "task.upsert"),
        (claimed[1].key, "task.upsert"),
    ]
    sw.relay.run_once()
    receipts = [(tid, op) for tid, _, op, _ in _service_receipts(sw) if tid == first_uid]
    assert receipts == [(first_uid, "upsert"), (first_uid, "cancel")]


def test_a_refused_message_is_kept_as_failed_and_the_rest_go_on(
    sync_world: SyncWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    sw = sync_world
    good = deliver(sw.sessions, sw.w, sw.w.courier_a)
    with unit_of_work(sw.sessions) as s:
        bad_local = outbox.enqueue(s, "task.upsert", "f" * 32, {"task_id": "f" * 32})
        payload = dict(_task_payload(s, good), task_id="e" * 32, comment="bad\x00")
        bad_remote = outbox.enqueue(s, "task.upsert", "e" * 32, payload)
    # The relay validates before sending; skip that to see the service refuse it too.
    real = relay_module._operation

    def lenient(message: outbox.Claimed) -> dict[str, Any]:
        if message.key == "e" * 32:
            return {"op": "upsert", "task": message.payload}
        return real(message)

    monkeypatch.setattr(relay_module, "_operation", lenient)
    totals = sw.relay.run_once()
    assert totals == {"sent": 1, "failed": 2, "events": 0, "portal_events": 0}
    with sw.sessions() as s:
        local = s.get(OutboxMessage, bad_local.id)
        remote = s.get(OutboxMessage, bad_remote.id)
        assert local is not None and remote is not None
        assert local.failed_at and "invalid payload" in local.last_error
        assert remote.failed_at and "refused by the sync service" in remote.last_error
        assert "comment" in remote.last_error
        assert outbox.queue_length(s) == 0 and outbox.failed_count(s) == 2
    assert sw.relay.status().failed_count == 2
    assert [t["order_id"] for t in sw.phone_a.tasks(sw.w.tomorrow)] == [good]
    assert sw.relay.run_once()["sent"] == 0  # refused messages are not retried by themselves
    with unit_of_work(sw.sessions) as s:
        assert outbox.retry_failed(s, [bad_local.id]) == 1
        assert outbox.queue_length(s) == 1


def _task_payload(s: Session, order_id: int) -> dict[str, Any]:
    message = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
    assert message is not None
    return dict(message.payload)


@pytest.mark.expect_log("courier_sync.client.relay", "cannot reach the sync service")
def test_the_relay_reports_an_unreachable_service_and_keeps_the_messages(
    sync_world: SyncWorld,
) -> None:
    sw = sync_world
    deliver(sw.sessions, sw.w, sw.w.courier_a)
    seen: list[RelayStatus] = []
    down = Relay(
        sw.sessions,
        sw.relay_settings(sync_url=f"http://127.0.0.1:{free_port()}", backoff_base=0.01),
        on_status=seen.append,
    )
    with pytest.raises(TransientError, match="cannot reach"):
        down.run_once()
    assert not down.status().connected and "cannot reach" in down.status().last_error
    with sw.sessions() as s:
        message = s.scalars(select(OutboxMessage)).one()
        assert message.sent_at is None and message.attempts == 3 and message.claimed_by is None
    db = sw.engine.url.render_as_string(hide_password=False)
    cmd = [sys.executable, "-m", "courier_sync", "relay", "--db", db]
    run = subprocess.run(
        [*cmd, "--sync-url", f"http://127.0.0.1:{free_port()}", "--api-key", "x", "--once"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 3, run.stderr
    assert "cannot reach the sync service" in run.stderr and "1 message(s)" in run.stderr
    run = subprocess.run(
        [*cmd, "--sync-url", sw.service.url, "--api-key", sw.site_key, "--once"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert "sent 1" in run.stdout
    assert len(sw.phone_a.tasks(sw.w.tomorrow)) == 1


def test_the_running_relay_delivers_at_once_and_reports_its_state(
    sync_world: SyncWorld,
) -> None:
    sw = sync_world
    seen: list[RelayStatus] = []
    relay = Relay(sw.sessions, sw.relay_settings(), on_status=seen.append)
    relay.start()
    try:
        # How soon (p99 under a second): `python -m bench sync`, its latency figures.
        for _ in range(5):
            order_id = deliver(sw.sessions, sw.w, sw.w.courier_a)
            wait_until(
                lambda o=order_id: any(t["order_id"] == o for t in sw.phone_a.tasks(sw.w.tomorrow)),
                5,
                interval=0.01,
                what="the task to reach the phone",
            )
        [task, *_] = sw.phone_a.tasks(sw.w.tomorrow)
        sw.phone_a.post_event(task["task_id"], "done", collected_kop=1)
        wait_until(
            lambda: _order(sw, task["order_id"]).state is OrderState.CLOSED,
            5,
            interval=0.05,
            what="the done event to reach the order",
        )
    finally:
        relay.stop()
    assert seen and seen[-1].connected and seen[-1].queue_length == 0


def test_parallel_relays_send_each_message_exactly_once(sync_world: SyncWorld) -> None:
    sw = sync_world
    order_ids = [deliver(sw.sessions, sw.w, sw.w.courier_a) for _ in range(120)]
    with unit_of_work(sw.sessions) as s:
        for order_id in order_ids[::4]:
            orders.reassign(s, order_id, orders.Slot(sw.w.courier_b, sw.w.tomorrow), actor=OPERATOR)
    relays = [Relay(sw.sessions, sw.relay_settings(batch_size=7)) for _ in range(3)]
    errors: list[BaseException] = []

    def drain(relay: Relay) -> None:
        try:
            relay.run_once()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=drain, args=(r,)) for r in relays]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    # A relay's run_once stops when nothing is claimable; one more pass sends stragglers.
    relays[0].run_once()
    with sw.sessions() as s:
        messages = s.execute(select(OutboxMessage.key, OutboxMessage.topic)).all()
        assert outbox.queue_length(s) == 0
    receipts = _service_receipts(sw)
    sent = Counter((tid, op) for tid, _, op, _ in receipts)
    duplicates = {k: n for k, n in sent.items() if n > 1}
    assert not duplicates, f"sent more than once: {duplicates}"
    assert len(receipts) == len(messages) == 120 + 2 * 30
    assert all(applied for *_, applied in receipts)


def _applied(sw: SyncWorld) -> list[tuple[str, str]]:
    with sw.sessions() as s:
        return [tuple(r) for r in s.execute(select(CourierEvent.event_id, CourierEvent.outcome))]  # type: ignore[misc]


def test_desks_sharing_a_database_apply_each_courier_event_once_and_take_over(
    sync_world: SyncWorld,
) -> None:
    sw = sync_world
    for _ in range(6):
        deliver(sw.sessions, sw.w, sw.w.courier_a)
    settings = {"feed_lease": 2.0, "standby_interval": 0.1, "feed_wait": 0.5}
    relays = {}
    for _ in range(3):
        relay = Relay(sw.sessions, sw.relay_settings(**settings))
        relays[relay.settings.owner] = relay
        relay.start()
    try:
        tasks = wait_until(
            lambda: len(found := sw.phone_a.tasks(sw.w.tomorrow)) == 6 and found,
            10,
            what="six tasks on the phone",
        )
        for task in tasks:
            assert sw.phone_a.post_event(task["task_id"], "accepted").status_code == 200
        wait_until(lambda: len(_applied(sw)) == 6, 10, what="the accepted events")

        # The pulling desk closes: another takes the feed over at once.
        with sw.sessions() as s:
            first = feed_lease.holder(s)
        assert first in relays
        relays.pop(first).stop()  # type: ignore[arg-type]
        for task in tasks[:3]:
            sw.phone_a.post_event(task["task_id"], "done", collected_kop=100)
        wait_until(lambda: len(_applied(sw)) == 9, 10, what="done events after the stop")
        with sw.sessions() as s:
            assert feed_lease.holder(s) in relays

        # A desk that holds the lease dies (stops renewing it): the others wait it out.
        with unit_of_work(sw.sessions) as s:
            s.execute(
                update(RelayState)
                .where(RelayState.name == feed_lease.FEED_LEASE)
                .values(value="dead-desk", updated_at=dt.datetime.now(dt.UTC))
            )
        for task in tasks[3:]:
            sw.phone_a.post_event(task["task_id"], "done", collected_kop=100)
        wait_until(lambda: len(_applied(sw)) == 12, 15, what="done events after the death")
        with sw.sessions() as s:
            assert feed_lease.holder(s) in relays
    finally:
        for relay in relays.values():
            relay.stop()
    applied = _applied(sw)
    assert len({event_id for event_id, _ in applied}) == 12
    assert {outcome for _, outcome in applied} == {courier_events.APPLIED}
    with sw.sessions() as s:
        assert s.scalar(select(func.count()).where(Order.state == OrderState.CLOSED)) == 6
        assert feed_lease.holder(s) is None  # the last desk gave the lease up

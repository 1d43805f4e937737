"""The contract: the desktop's own payloads pass it, malformed ones are refused readably."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from courier_sync.contract import Batch, Task, TaskCancel, TaskEvent
from dispatcher import orders
from dispatcher.db import unit_of_work
from dispatcher.models import OutboxMessage
from tests.courier_sync.conftest import OPERATOR, deliver
from tests.dispatcher.conftest import World

TASK_ID = "0123456789abcdef0123456789abcdef"


def task(**overrides: Any) -> dict[str, Any]:
    """A valid task payload with some fields replaced."""
    body: dict[str, Any] = {
        "task_id": TASK_ID,
        "version": 1,
        "order_id": 10,
        "courier_id": 3,
        "date": "2026-11-24",
        "window_start": "10:00",
        "window_end": "14:00",
        "address": {
            "text": "г. Москва, ул. Профсоюзная, д. 12",
            "entrance": "2",
            "floor": "5",
            "flat": "45",
            "notes": "домофон не работает",
            "lat": 55.67,
            "lon": 37.55,
        },
        "client_name": "Иванова Мария Петровна",
        "contact_name": None,
        "contact_phones": ["+79161234567"],
        "items": [{"code": "W19", "name": "Вода 19 л", "qty": 2, "price_kop": 35000}],
        "amount_kop": 70000,
        "payment_method": "cash",
        "comment": "",
    }
    body.update(overrides)
    return body


def event(**overrides: Any) -> dict[str, Any]:
    """A valid done event with some fields replaced."""
    body: dict[str, Any] = {
        "event_id": "3f1c2d9e-0000-4000-8000-000000000001",
        "task_id": TASK_ID,
        "kind": "done",
        "at": "2026-11-24T11:20:00+03:00",
        "collected_kop": 70000,
        "bottles_returned": 2,
        "reason": None,
        "proposed_time": None,
    }
    body.update(overrides)
    return body


def test_the_outbox_payloads_of_the_desktop_pass_the_contract(
    sessions: sessionmaker[Session], world: World
) -> None:
    order_id = deliver(sessions, world, world.courier_a)
    with unit_of_work(sessions) as s:
        orders.reassign(
            s,
            order_id,
            orders.Slot(world.courier_b, world.tomorrow, dt.time(15), dt.time(18)),
            actor=OPERATOR,
        )
    with sessions() as s:
        messages = list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    upserts = [Task.model_validate(m.payload) for m in messages if m.topic == "task.upsert"]
    cancels = [TaskCancel.model_validate(m.payload) for m in messages if m.topic == "task.cancel"]
    assert [t.courier_id for t in upserts] == [world.courier_a, world.courier_b]
    assert upserts[0].order_id == order_id and upserts[0].amount_kop == 70000
    assert [(c.task_id, c.version) for c in cancels] == [(upserts[0].task_id, 2)]


def test_a_task_round_trips_through_json() -> None:
    parsed = Task.model_validate_json(Task.model_validate(task()).model_dump_json())
    assert parsed.date == dt.date(2026, 11, 24)
    assert parsed.model_dump(mode="json")["date"] == "2026-11-24"
    assert parsed.schema_version == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"surprise": 1}, "surprise"),
        ({"task_id": "not-hex"}, "task_id"),
        ({"version": 0}, "version"),
        ({"date": "24.11.2026"}, "date"),
        ({"date": "2026-02-30"}, "date"),
        ({"window_start": "25:00"}, "window_start"),
        ({"window_end": None}, "window"),
        ({"window_start": "15:00"}, "window"),
        ({"contact_phones": ["8 916 123-45-67"]}, "contact_phones"),
        ({"items": [{"code": "W19", "name": "x", "qty": 0, "price_kop": 1}]}, "qty"),
        ({"amount_kop": -1}, "amount_kop"),
        ({"payment_method": "barter"}, "payment_method"),
        ({"comment": "a\x00b"}, "NUL"),
        ({"address": {"text": ""}}, "text"),
        ({"address": {"text": "x", "lat": float("nan")}}, "lat"),
        ({"schema_version": 2}, "schema_version"),
    ],
)
def test_malformed_tasks_are_refused_naming_the_field(change: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        Task.model_validate(task(**change))
    assert field in str(info.value)


def test_events_carry_the_fields_of_their_kind() -> None:
    assert TaskEvent.model_validate(event()).collected_kop == 70000
    failed = TaskEvent.model_validate(
        event(
            kind="failed",
            collected_kop=None,
            bottles_returned=None,
            reason="никого нет дома",
            proposed_time="завтра после 18",
        )
    )
    assert failed.reason == "никого нет дома"
    for bad, words in [
        (event(kind="failed", collected_kop=None, bottles_returned=None), "non-empty reason"),
        (
            event(kind="failed", collected_kop=None, bottles_returned=None, reason="  "),
            "non-empty reason",
        ),
        (event(kind="accepted"), "done delivery only"),
        (event(reason="why"), "failed delivery only"),
        (event(at="2026-11-24T11:20:00"), "timezone"),
        (event(at="9999-12-31T23:59:59-23:59"), "between the years"),
        (event(event_id="short"), "event_id"),
        (event(event_id="has space in it"), "event_id"),
        (event(kind="lost"), "kind"),
    ]:
        with pytest.raises(ValidationError) as info:
            TaskEvent.model_validate(bad)
        assert words in str(info.value), (bad, str(info.value))


def test_a_batch_item_carries_exactly_one_body() -> None:
    ok = Batch.model_validate({"items": [{"op": "upsert", "task": task()}]})
    assert ok.items[0].task_id == TASK_ID
    for item in (
        {"op": "upsert"},
        {"op": "cancel", "task": task()},
        {"op": "upsert", "task": task(), "cancel": {"task_id": TASK_ID, "version": 2}},
    ):
        with pytest.raises(ValidationError):
            Batch.model_validate({"items": [item]})
    with pytest.raises(ValidationError):
        Batch.model_validate({"items": []})

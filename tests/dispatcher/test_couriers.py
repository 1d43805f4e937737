"""Couriers as a shift lead runs them: edits, deactivation, working days and hours, roles."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session, sessionmaker

from dispatcher import couriers
from dispatcher.couriers import Availability, check_slot, courier_availability
from dispatcher.db import unit_of_work
from dispatcher.errors import PermissionDenied, ValidationError
from dispatcher.models import UserRole
from dispatcher.operations import couriers as courier_ops
from dispatcher.operations.order_form import load_order_form
from dispatcher.planning import suggest_courier
from dispatcher.users import Actor
from tests.dispatcher.conftest import World
from tests.dispatcher.test_planning import _client_at, _deliver

LEAD = Actor("lead", "Старший смены", UserRole.LEAD)
OPERATOR = Actor("op", "Оператор", UserRole.OPERATOR)
NOT_SUNDAY = couriers.parse_days("mon,tue,wed,thu,fri,sat")


def _next(weekday: int, after: dt.date) -> dt.date:
    return after + dt.timedelta(days=(weekday - after.weekday()) % 7 or 7)


def test_a_deactivated_courier_is_never_suggested_nor_offered(
    sessions: sessionmaker[Session], world: World
) -> None:
    day = world.tomorrow
    with unit_of_work(sessions) as s:
        # B already delivers on the client's street that day: B would be suggested first.
        _deliver(s, world.person_id, world.courier_b, day, world.person_address_id)
        _, new_address = _client_at(s, "Новый Клиент", "Москва, Профсоюзная улица, 40")
        gone = courier_ops.deactivate_courier(s, world.courier_b, actor=LEAD)
    assert not gone.active
    with sessions() as s:
        suggestion = suggest_courier(s, new_address, day)
        offered = [c.id for c in load_order_form(s, world.person_id).couriers]
    assert suggestion is not None and suggestion.courier_id == world.courier_a
    assert offered == [world.courier_a]
    with unit_of_work(sessions) as s:
        # History is kept: the courier is still listed, and comes back when activated.
        listed = {c.id: c.active for c in courier_ops.list_couriers(s)}
        assert listed == {world.courier_a: True, world.courier_b: False}
        courier_ops.activate_courier(s, world.courier_b, actor=LEAD)
    with sessions() as s:
        assert suggest_courier(s, new_address, day).courier_id == world.courier_b  # type: ignore[union-attr]


def test_a_courier_off_on_sunday_is_not_suggested_for_sunday(
    sessions: sessionmaker[Session], world: World
) -> None:
    sunday = _next(6, world.tomorrow)
    saturday = sunday - dt.timedelta(days=1)
    with unit_of_work(sessions) as s:
        for day in (saturday, sunday):
            _deliver(s, world.person_id, world.courier_b, day, world.person_address_id)
        _, new_address = _client_at(s, "Новый Клиент", "Москва, Профсоюзная улица, 40")
        # B's days change after the deliveries were planned: Sundays off from now on.
        edited = courier_ops.edit_courier(
            s, world.courier_b, courier_ops.CourierEdit(work_days=NOT_SUNDAY), actor=LEAD
        )
    assert edited.days == "mon,tue,wed,thu,fri,sat"
    with sessions() as s:
        on_sunday = suggest_courier(s, new_address, sunday)
        on_saturday = suggest_courier(s, new_address, saturday)
        check = courier_availability(s, world.courier_b, sunday)
    assert on_sunday is not None and on_sunday.courier_id == world.courier_a
    assert on_saturday is not None and on_saturday.courier_id == world.courier_b
    assert check.status is Availability.OFF_DAY and check.refused
    assert str(check) == f"Сидоров Семён does not work on Sunday ({sunday:%d.%m})."


def test_a_slot_outside_the_couriers_hours_is_a_warning_not_a_refusal(
    sessions: sessionmaker[Session], world: World
) -> None:
    day = world.tomorrow
    with unit_of_work(sessions) as s:
        courier_ops.edit_courier(
            s,
            world.courier_a,
            courier_ops.CourierEdit(hours=couriers.parse_hours("09:00-15:00")),
            actor=LEAD,
        )
    with sessions() as s:
        late = courier_availability(s, world.courier_a, day, (dt.time(15), dt.time(18)))
        early = courier_availability(s, world.courier_a, day, (dt.time(9), dt.time(12)))
        choice = next(c for c in load_order_form(s, world.person_id).couriers if c.id == 1)
    assert late.status is Availability.OUTSIDE_HOURS and not late.refused
    assert str(late) == "15:00–18:00 is outside Петров Пётр's hours (09:00–15:00)."
    assert early.ok
    # The order form carries the schedule, so the panel warns without asking the database.
    assert choice.check(day, (dt.time(15), dt.time(18))) == late
    # A courier with any hours takes any slot.
    with sessions() as s:
        assert courier_availability(s, world.courier_b, day, (dt.time(18), dt.time(21))).ok


def test_an_inactive_courier_cannot_take_a_slot(world: World) -> None:
    schedule = couriers.Schedule("Петров Пётр", active=False)
    check = check_slot(schedule, world.tomorrow)
    assert check.status is Availability.INACTIVE
    assert str(check) == "Петров Пётр is deactivated and takes no deliveries."


@pytest.mark.parametrize(
    "operation",
    [
        lambda s, cid: courier_ops.edit_courier(
            s, cid, courier_ops.CourierEdit(capacity=10), actor=OPERATOR
        ),
        lambda s, cid: courier_ops.deactivate_courier(s, cid, actor=OPERATOR),
        lambda s, cid: courier_ops.activate_courier(s, cid, actor=OPERATOR),
        lambda s, cid: courier_ops.add_courier(s, "Новиков Ной", actor=OPERATOR),
    ],
    ids=["edit", "deactivate", "activate", "add"],
)
def test_an_operator_may_not_change_couriers(
    sessions: sessionmaker[Session], world: World, operation: object
) -> None:
    denied = pytest.raises(PermissionDenied, match="only a shift lead or an admin")
    with denied as refused, unit_of_work(sessions) as s:
        operation(s, world.courier_a)  # type: ignore[operator]
    assert "You are signed in as operator" in str(refused.value)
    with sessions() as s:
        assert [c.capacity for c in courier_ops.list_couriers(s)] == [40, 40]
        assert all(c.active for c in courier_ops.list_couriers(s))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda: courier_ops.CourierEdit(capacity=-1), "at least one bottle"),
        (lambda: courier_ops.CourierEdit(capacity=5000), "more than 1000: a typing slip"),
        (lambda: courier_ops.CourierEdit(name="  "), "name is empty"),
        (lambda: courier_ops.CourierEdit(phone="12"), "Courier's phone '12'"),
        (lambda: courier_ops.CourierEdit(work_days=0), "at least one day of the week"),
        (lambda: courier_ops.CourierEdit(hours=(dt.time(18), dt.time(9))), "end must be after"),
        (lambda: courier_ops.CourierEdit(hours=couriers.parse_hours("18:00-09:00")), "end must"),
        (lambda: courier_ops.CourierEdit(work_days=couriers.parse_days("mon,fun")), "'fun' is not"),
        (lambda: courier_ops.CourierEdit(hours=couriers.parse_hours("9-18")), "HH:MM-HH:MM"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_changes_nothing(
    sessions: sessionmaker[Session], world: World, edit: object, message: str
) -> None:
    with pytest.raises(ValidationError, match=message), unit_of_work(sessions) as s:
        courier_ops.edit_courier(s, world.courier_a, edit(), actor=LEAD)  # type: ignore[operator]
    with sessions() as s:
        a = next(c for c in courier_ops.list_couriers(s) if c.id == world.courier_a)
    assert (a.name, a.capacity, a.days, a.hours) == (
        "Петров Пётр",
        40,
        couriers.days_codes(127),
        "",
    )


def test_day_names_read_in_english_and_russian() -> None:
    assert couriers.parse_days("mon, tue,Fri") == 0b10011
    assert couriers.parse_days("пн,вт,пт") == 0b10011
    assert couriers.parse_days("all") == 0b1111111
    assert couriers.days_codes(couriers.parse_days("sat,sun")) == "sat,sun"


def test_a_lead_adds_a_courier_with_days_and_hours(sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as s:
        added = courier_ops.add_courier(
            s,
            "  Новиков   Ной ",
            "8 903 000 00 01",
            30,
            work_days=couriers.parse_days("mon,wed,fri"),
            hours=(dt.time(10), dt.time(19)),
            actor=LEAD,
        )
    assert (added.name, added.phone, added.capacity) == ("Новиков Ной", "+79030000001", 30)
    assert (added.days, added.hours) == ("mon,wed,fri", "10:00-19:00")

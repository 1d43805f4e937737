"""Call logging as the calls list and the callback queue show it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session, sessionmaker

from dispatcher import interactions as calls
from dispatcher import orders
from dispatcher.db import unit_of_work
from dispatcher.errors import NotFoundError, ValidationError
from dispatcher.interactions import CallResult
from dispatcher.models import Direction, Interaction
from dispatcher.orders import MOSCOW, LineInput
from tests.dispatcher.conftest import OPERATOR, World

DAY = dt.date(2026, 12, 3)


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    """A Moscow wall-clock moment."""
    return dt.datetime.combine(day, dt.time(hour, minute), MOSCOW)


def _call(
    s: Session,
    number: str,
    start: dt.datetime,
    *,
    answered: bool,
    direction: Direction = Direction.IN,
    operator: str = OPERATOR,
    result: CallResult | None = None,
) -> int:
    row = calls.call_started(
        s, number=number, direction=direction, operator=operator, started_at=start
    )
    if answered:
        calls.call_answered(s, row.id, at=start + dt.timedelta(seconds=5))
    calls.call_ended(s, row.id, at=start + dt.timedelta(seconds=40), result=result)
    return row.id


def test_an_answered_call_is_logged_with_its_times_and_result(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        row = calls.call_started(
            s,
            number="8 (916) 123-45-67",
            direction=Direction.IN,
            operator=OPERATOR,
            started_at=at(10),
            client_id=world.person_id,
        )
        calls.call_answered(s, row.id, at=at(10, 1))
        order = orders.create_order(s, world.person_id, [LineInput("W19", 2)], actor=OPERATOR)
        calls.link_call(s, row.id, order_id=order.id)
        calls.call_ended(s, row.id, result=CallResult.ORDER_TAKEN, at=at(10, 3))
        call_id, order_id = row.id, order.id
    with sessions() as s:
        (record,) = calls.todays_calls(s, day=DAY)
    assert record.id == call_id
    assert record.number == "+79161234567"
    assert record.direction is Direction.IN
    assert (record.started_at, record.answered_at, record.ended_at) == (
        at(10),
        at(10, 1),
        at(10, 3),
    )
    assert record.result is CallResult.ORDER_TAKEN
    assert (record.client_id, record.client_name) == (world.person_id, "Иванова Мария Петровна")
    assert record.order_id == order_id
    assert record.operator == OPERATOR
    with sessions() as s:
        assert calls.callback_list(s) == []


def test_an_unanswered_inbound_call_is_missed_and_waits_for_a_callback(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        call_id = _call(s, "+7 905 111-22-33", at(9), answered=False)
        interaction = s.get(Interaction, call_id)
        assert interaction is not None
        assert interaction.review_after is not None
    with sessions() as s:
        (record,) = calls.callback_list(s)
    assert record.id == call_id
    assert record.result is CallResult.MISSED
    assert record.reviewed is False


def test_an_unanswered_outbound_call_needs_no_callback(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        _call(s, "+7 905 111-22-33", at(9), answered=False, direction=Direction.OUT)
    with sessions() as s:
        assert calls.callback_list(s) == []
        (record,) = calls.todays_calls(s, day=DAY)
    assert record.result is CallResult.MISSED


def test_the_callback_list_shows_each_number_once_with_its_latest_miss(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        _call(s, "+7 905 111-22-33", at(9), answered=False)
        latest = _call(s, "89051112233", at(9, 30), answered=False)
        other = _call(s, "+7 905 999-88-77", at(9, 10), answered=False)
    with sessions() as s:
        waiting = calls.callback_list(s)
    # The longest waiting number first (its latest miss counts).
    assert [r.id for r in waiting] == [other, latest]


def test_a_number_drops_off_when_a_later_call_with_it_is_answered(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        _call(s, "+7 905 111-22-33", at(9), answered=False)
        _call(s, "+7 905 444-55-66", at(9), answered=False)
        # They got through later; we reached the other one with a callback.
        _call(s, "8 905 111 22 33", at(11), answered=True)
        _call(s, "+7 905 444-55-66", at(12), answered=True, direction=Direction.OUT)
        still = _call(s, "+7 905 777-00-00", at(12), answered=False)
        # An unanswered callback attempt does not count as called back.
        _call(s, "+7 905 777-00-00", at(12, 30), answered=False, direction=Direction.OUT)
    with sessions() as s:
        assert [r.id for r in calls.callback_list(s)] == [still]


def test_a_miss_after_an_answered_call_waits_again(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        _call(s, "+7 905 111-22-33", at(9), answered=True)
        missed = _call(s, "+7 905 111-22-33", at(10), answered=False)
    with sessions() as s:
        assert [r.id for r in calls.callback_list(s)] == [missed]


def test_marking_called_back_reviews_every_miss_of_the_number(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        first = _call(s, "+7 905 111-22-33", at(9), answered=False)
        second = _call(s, "+7 905 111-22-33", at(9, 5), answered=False)
        other = _call(s, "+7 905 999-88-77", at(9, 10), answered=False)
    with unit_of_work(sessions) as s:
        calls.mark_called_back(s, second, operator="lead")
    with sessions() as s:
        assert [r.id for r in calls.callback_list(s)] == [other]
        reviewed = {r.id: r.reviewed for r in calls.todays_calls(s, day=DAY)}
        notes = s.get(Interaction, first).notes  # type: ignore[union-attr]
    assert reviewed == {first: True, second: True, other: False}
    assert "called back by lead" in notes


def test_withheld_numbers_cannot_be_called_back(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        _call(s, "", at(9), answered=False)
        _call(s, "anonymous", at(9, 1), answered=False)
    with sessions() as s:
        assert [r.number for r in calls.callback_list(s)] == ["anonymous"]


def test_todays_calls_are_the_moscow_day_newest_first_per_operator(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        # 00:30 in Moscow is still the previous day in UTC.
        early = _call(s, "+7 905 000-00-01", at(0, 30), answered=True)
        late = _call(s, "+7 905 000-00-02", at(23, 50), answered=True, operator="other")
        _call(s, "+7 905 000-00-03", at(23, 59, DAY - dt.timedelta(days=1)), answered=True)
        _call(s, "+7 905 000-00-04", at(0, 0, DAY + dt.timedelta(days=1)), answered=True)
    with sessions() as s:
        assert [r.id for r in calls.todays_calls(s, day=DAY)] == [late, early]
        assert [r.id for r in calls.todays_calls(s, day=DAY, operator=OPERATOR)] == [early]


def test_todays_calls_default_to_today(sessions: sessionmaker[Session], world: World) -> None:
    with unit_of_work(sessions) as s:
        row = calls.call_started(s, number="+79051112233", direction=Direction.IN, operator="x")
    with sessions() as s:
        (record,) = calls.todays_calls(s)
    assert record.id == row.id
    assert record.result is None and record.ended_at is None


def test_ending_twice_keeps_the_first_end_and_takes_the_new_result(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        call_id = _call(s, "+7 905 111-22-33", at(9), answered=True)
        calls.call_ended(s, call_id, result=CallResult.NO_ORDER, at=at(9, 30))
        calls.call_ended(s, call_id)
        row = s.get(Interaction, call_id)
        assert row is not None
        assert row.ended_at == at(9, 0) + dt.timedelta(seconds=40)
        assert row.result == CallResult.NO_ORDER


def test_linking_a_client_and_an_order(sessions: sessionmaker[Session], world: World) -> None:
    with unit_of_work(sessions) as s:
        order = orders.create_order(s, world.company_id, [LineInput("W19", 1)], actor=OPERATOR)
        call_id = _call(s, "+7 905 111-22-33", at(9), answered=True)
        calls.link_call(s, call_id, client_id=world.person_id)
        assert s.get(Interaction, call_id).client_id == world.person_id  # type: ignore[union-attr]
        with pytest.raises(ValidationError, match="is not an order of client"):
            calls.link_call(s, call_id, client_id=world.person_id, order_id=order.id)
        calls.link_call(s, call_id, order_id=order.id)
        row = s.get(Interaction, call_id)
        assert row is not None
        assert (row.client_id, row.order_id) == (world.company_id, order.id)


def test_unknown_calls_clients_and_orders_are_refused_readably(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        with pytest.raises(NotFoundError, match="Call #999 does not exist"):
            calls.call_answered(s, 999)
        with pytest.raises(NotFoundError, match="Client #999"):
            calls.call_started(s, number="1", direction=Direction.IN, operator="x", client_id=999)
        call_id = _call(s, "+7 905 111-22-33", at(9), answered=True)
        with pytest.raises(NotFoundError, match="Order #999"):
            calls.link_call(s, call_id, order_id=999)
        with pytest.raises(ValidationError, match="time zone"):
            calls.call_started(
                s,
                number="+7 905 111-22-33",
                direction=Direction.IN,
                operator="x",
                started_at=dt.datetime(2026, 1, 1, 10, 0),
            )

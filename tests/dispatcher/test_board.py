"""The shift lead's board on both databases: a hand-built day, its problems, and moves."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dispatcher import orders
from dispatcher.board import BoardDay, ProblemKind, board_day, is_bottle
from dispatcher.courier_events import IncomingEvent, apply_event
from dispatcher.couriers import add_courier
from dispatcher.db import unit_of_work
from dispatcher.errors import ConcurrentEditError, PermissionDenied
from dispatcher.models import (
    Courier,
    CourierTask,
    OrderEvent,
    OrderState,
    ProductKind,
    TaskStatus,
    UserRole,
)
from dispatcher.moscow import MOSCOW, moscow_today
from dispatcher.operations.board import move_delivery, reschedule_failed
from dispatcher.orders import LineInput, Slot
from dispatcher.users import Actor
from tests.dispatcher.conftest import OPERATOR, World

LEAD = Actor("lead", "Старший смены", UserRole.LEAD)
OPERATOR_ACTOR = Actor("op", "Оператор", UserRole.OPERATOR)
T = dt.time


@dataclass(frozen=True)
class Day:
    """The orders of the hand-built day, by what happened to them."""

    day: dt.date
    early: int  # courier A, 10:00-12:00, new
    accepted: int  # courier A, 12:00-14:00, accepted by the phone
    late: int  # courier A, 18:00-20:00, outside A's hours
    done: int  # courier A, 09:00-10:00, delivered, 700 rub collected
    failed: int  # courier B, failed with a reason and a proposed time
    off: int  # courier C, who does not work that day
    gone: int  # courier D, deactivated
    moved: int  # first on B, then moved to A
    interest: int  # taken, not sent


_cursor = iter(range(1, 10_000))


def _event(session: Session, order_id: int, kind: str, **extra: object) -> None:
    task = session.scalars(
        select(CourierTask).where(CourierTask.order_id == order_id).order_by(CourierTask.id.desc())
    ).first()
    assert task is not None
    n = next(_cursor)
    at = dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=n)
    outcome = apply_event(
        session,
        IncomingEvent(n, task.courier_id, f"ev-{n}", task.uid, kind, at, **extra),  # type: ignore[arg-type]
    )
    assert outcome.outcome == "applied", outcome


def _send(s: Session, w: World, courier: int, day: dt.date, window: tuple[T, T], qty: int) -> int:
    order = orders.create_order(
        s,
        w.person_id,
        [LineInput("W19", qty), LineInput("PUMP", 1)],
        actor=OPERATOR,
        address_id=w.person_address_id,
    )
    orders.send_to_delivery(s, order.id, Slot(courier, day, *window), actor=OPERATOR)
    return order.id


@pytest.fixture
def day(sessions: sessionmaker[Session], world: World) -> Day:
    """Tomorrow: couriers A (capacity 5, 09-18), B, C (off that day), D (deactivated)."""
    d = world.tomorrow
    with unit_of_work(sessions) as s:
        c = add_courier(s, "Васильев Василий", "+7 903 777-00-00").id
        g = add_courier(s, "Григорьев Гриша", "+7 903 888-00-00").id
        a = s.get(Courier, world.courier_a)
        assert a is not None
        a.capacity, a.work_start, a.work_end = 5, T(9), T(18)
        early = _send(s, world, world.courier_a, d, (T(10), T(12)), 2)
        accepted = _send(s, world, world.courier_a, d, (T(12), T(14)), 2)
        late = _send(s, world, world.courier_a, d, (T(18), T(20)), 1)
        done = _send(s, world, world.courier_a, d, (T(9), T(10)), 1)
        failed = _send(s, world, world.courier_b, d, (T(10), T(12)), 1)
        off = _send(s, world, c, d, (T(10), T(12)), 1)
        gone = _send(s, world, g, d, (T(10), T(12)), 1)
        moved = _send(s, world, world.courier_b, d, (T(14), T(16)), 1)
        orders.reassign(s, moved, Slot(world.courier_a, d, T(14), T(16)), actor=OPERATOR)
        interest = orders.create_order(s, world.person_id, [LineInput("W19", 1)], actor=OPERATOR)
        _event(s, accepted, "accepted")
        _event(s, done, "done", collected_kop=70000)
        _event(s, failed, "failed", reason="Никого нет дома", proposed_time="завтра после 18")
        courier_c = s.get(Courier, c)
        gone_courier = s.get(Courier, g)
        assert courier_c is not None and gone_courier is not None
        courier_c.work_days = 0b1111111 & ~(1 << d.weekday())
        gone_courier.active = False
    return Day(d, early, accepted, late, done, failed, off, gone, moved, interest.id)


def _board(sessions: sessionmaker[Session], day: dt.date, now: dt.datetime) -> BoardDay:
    with sessions() as s:
        return board_day(s, day, now)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, T(hour, minute), MOSCOW)


def test_columns_show_each_courier_with_tasks_in_slot_order_load_and_progress(
    sessions: sessionmaker[Session], world: World, day: Day
) -> None:
    board = _board(sessions, day.day, _at(day.day, 7))
    names = [c.name for c in board.columns]
    # Off-day and deactivated couriers are shown because they hold deliveries that day.
    assert names == ["Васильев Василий", "Григорьев Гриша", "Петров Пётр", "Сидоров Семён"]
    a = next(c for c in board.columns if c.courier_id == world.courier_a)
    assert [t.order_id for t in a.tasks] == [day.done, day.early, day.accepted, day.moved, day.late]
    assert [t.status for t in a.tasks] == ["done", "new", "accepted", "new", "new"]
    assert a.bottles_planned == 1 + 2 + 2 + 1 + 1
    assert a.capacity == 5 and a.over_capacity
    assert a.per_window == (
        ("09:00–10:00", 1),
        ("10:00–12:00", 1),
        ("12:00–14:00", 1),
        ("14:00–16:00", 1),
        ("18:00–20:00", 1),
    )
    assert [t.outside_hours for t in a.tasks] == [False, False, False, False, True]
    assert (a.done, a.failed, a.left) == (1, 0, 4)
    assert a.collected_kop == 70000
    assert a.to_collect_kop == sum(t.amount_kop for t in a.tasks)
    assert a.last_action_at is not None and a.last_action_at == a.tasks[0].last_event_at
    first = a.tasks[0]
    assert first.client_name == "Иванова Мария Петровна" and first.client_phone == "+79161234567"
    assert "Профсоюзная" in first.address and "кв. 45" in first.address
    assert first.items.startswith("Вода 19 л × 1") and first.bottles == 1
    b = next(c for c in board.columns if c.courier_id == world.courier_b)
    # The moved delivery left B's column; the failed one stays with the courier's reason.
    assert [(t.order_id, t.status) for t in b.tasks] == [(day.failed, "failed")]
    assert "Никого нет дома" in b.tasks[0].failure_reason
    assert (b.done, b.failed, b.left, b.to_collect_kop) == (0, 1, 0, 0)


def test_problems_come_first_with_what_the_lead_needs(
    sessions: sessionmaker[Session], world: World, day: Day
) -> None:
    board = _board(sessions, day.day, _at(day.day, 7))
    kinds = [p.kind for p in board.problems]
    assert kinds[0] is ProblemKind.FAILED
    failed = board.problems[0]
    assert failed.order_id == day.failed and failed.courier_id == world.courier_b
    assert failed.reason == "Никого нет дома" and failed.proposed == "завтра после 18"
    assert failed.client_phone == "+79161234567" and failed.since is not None
    unavailable = {
        p.order_id: p for p in board.problems if p.kind is ProblemKind.COURIER_UNAVAILABLE
    }
    assert set(unavailable) == {day.off, day.gone}
    assert "does not work" in str(unavailable[day.off].reason)
    assert "deactivated" in str(unavailable[day.gone].reason)
    # 07:00 is more than an hour before every window: nobody is late to accept yet.
    assert not [p for p in board.problems if p.kind is ProblemKind.NOT_ACCEPTED]


def test_a_delivery_not_accepted_an_hour_before_its_window_is_a_problem(
    sessions: sessionmaker[Session], day: Day
) -> None:
    def late(now: dt.datetime) -> set[int]:
        board = _board(sessions, day.day, now)
        return {p.order_id for p in board.problems if p.kind is ProblemKind.NOT_ACCEPTED}

    assert late(_at(day.day, 8, 59)) == set()
    # 09:00: the 10:00 windows are due; the accepted 12:00 one and later ones are not.
    assert late(_at(day.day, 9)) == {day.early, day.off, day.gone}
    assert late(_at(day.day, 17)) == {day.early, day.off, day.gone, day.moved, day.late}


def test_an_interest_taken_today_and_not_sent_is_a_problem_of_today(
    sessions: sessionmaker[Session], day: Day
) -> None:
    today = moscow_today()
    board = _board(sessions, today, dt.datetime.now(dt.UTC))
    assert [p.order_id for p in board.problems if p.kind is ProblemKind.NOT_SENT] == [day.interest]
    tomorrow = _board(sessions, day.day, _at(day.day, 7))
    assert not [p for p in tomorrow.problems if p.kind is ProblemKind.NOT_SENT]


def test_bottles_are_19_litre_goods() -> None:
    assert is_bottle(ProductKind.GOODS, "Вода 19 л", "шт")
    assert is_bottle(ProductKind.GOODS, "Вода питьевая", "бут")
    assert not is_bottle(ProductKind.GOODS, "Вода 5 л", "шт")
    assert not is_bottle(ProductKind.DEPOSIT, "Залог за бутыль 19 л", "шт")


def test_a_lead_moves_a_delivery_the_old_task_is_cancelled_and_audited(
    sessions: sessionmaker[Session], world: World, day: Day
) -> None:
    board = _board(sessions, day.day, _at(day.day, 7))
    task = next(t for c in board.columns for t in c.tasks if t.order_id == day.early)
    with unit_of_work(sessions) as s:
        moved = move_delivery(
            s,
            day.early,
            courier_id=world.courier_b,
            window=(T(16), T(18)),
            actor=LEAD,
            expected_version=task.version,
            why="у Петрова перегруз",
        )
    assert moved.courier_id == world.courier_b and moved.window_start == T(16)
    with sessions() as s:
        tasks = s.scalars(select(CourierTask).where(CourierTask.order_id == day.early)).all()
        assert [(t.courier_id, t.status) for t in tasks] == [
            (world.courier_a, TaskStatus.CANCELLED),
            (world.courier_b, TaskStatus.NEW),
        ]
        audit = s.scalars(select(OrderEvent).where(OrderEvent.order_id == day.early)).all()[-1]
        assert audit.actor == "lead" and audit.why.startswith("у Петрова перегруз")
    after = _board(sessions, day.day, _at(day.day, 7))
    b = next(c for c in after.columns if c.courier_id == world.courier_b)
    assert day.early in [t.order_id for t in b.tasks]
    # A second lead still holding the old version is refused, and nothing moves.
    stale = pytest.raises(ConcurrentEditError, match="changed by someone else")
    with stale, unit_of_work(sessions) as s:
        move_delivery(
            s, day.early, courier_id=world.courier_a, actor=LEAD, expected_version=task.version
        )
    with pytest.raises(PermissionDenied), unit_of_work(sessions) as s:
        move_delivery(
            s, day.early, day=day.day, actor=OPERATOR_ACTOR, expected_version=moved.version
        )


def test_a_failed_delivery_is_rescheduled_to_a_new_day_and_courier(
    sessions: sessionmaker[Session], world: World, day: Day
) -> None:
    board = _board(sessions, day.day, _at(day.day, 7))
    problem = board.problems[0]
    new_day = day.day + dt.timedelta(days=1)
    with unit_of_work(sessions) as s:
        result = reschedule_failed(
            s,
            problem.order_id,
            day=new_day,
            window=(T(18), T(20)),
            courier_id=world.courier_a,
            actor=LEAD,
            expected_version=problem.version,
            why="клиент просит после 18",
        )
    assert result.state is OrderState.DELIVERY and result.day == new_day
    assert result.task_uid is not None
    after = _board(sessions, day.day, _at(day.day, 7))
    assert problem.order_id not in [p.order_id for p in after.problems]
    with sessions() as s:
        audit = s.scalars(select(OrderEvent).where(OrderEvent.order_id == problem.order_id)).all()
        assert (audit[-1].actor, audit[-1].action) == ("lead", "reschedule")

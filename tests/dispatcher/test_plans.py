"""Planned interactions: plan, remind (next due), do by a call, review, notes, journals."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from dispatcher import interactions
from dispatcher.errors import NotFoundError, ValidationError
from dispatcher.models import Direction, InteractionKind, UserRole
from dispatcher.moscow import MOSCOW
from dispatcher.operations import plans
from dispatcher.users import Actor, add_user
from tests.dispatcher.conftest import World

OLGA = Actor("olga", "Оператор Ольга", UserRole.OPERATOR)
ADMIN = Actor("boss", "Админ", UserRole.ADMIN)
IRA = Actor("ira", "Оператор Ира", UserRole.OPERATOR)
FRIDAY_10 = dt.datetime(2030, 5, 10, 10, 0, tzinfo=MOSCOW)


@pytest.fixture
def operators(session: Session) -> None:
    for actor in (OLGA, IRA):
        add_user(session, actor.login, actor.name, actor.role, "password-123", actor=ADMIN)
    session.flush()


def test_a_plan_is_due_for_its_responsible_and_done_by_the_call(
    session: Session, world: World, operators: None
) -> None:
    plan = plans.plan_interaction(
        session, world.person_id, FRIDAY_10, "про кулер", actor=OLGA, responsible="ira"
    )
    assert (plan.responsible, plan.planned_by, plan.number) == ("ira", "olga", "+79161234567")
    assert plans.next_due(session, "ira") == FRIDAY_10
    assert plans.next_due(session, "olga") is None
    assert plans.open_plans(session, responsible="ira", due_by=FRIDAY_10 - dt.timedelta(1)) == []
    call = interactions.call_started(
        session, number="+79161234567", direction=Direction.OUT, operator="ira"
    )
    done = plans.complete_plan(session, plan.id, actor=IRA, call_id=call.id)
    assert done.done_call_id == call.id and done.done_at is not None
    assert plans.next_due(session, "ira") is None
    journal = plans.journal(session, client_id=world.person_id)
    by_id = {e.id: e for e in journal}
    assert by_id[plan.id].planned and by_id[plan.id].done
    assert by_id[call.id].client_id == world.person_id and "про кулер" in by_id[call.id].notes
    with pytest.raises(ValidationError, match="already done"):
        plans.complete_plan(session, plan.id, actor=IRA)


def test_review_after_reviewed_and_typed_notes_show_in_the_journals(
    session: Session, world: World, operators: None
) -> None:
    sms = plans.add_note(
        session, world.company_id, InteractionKind.SMS, "Отправили счёт по SMS", actor=OLGA
    )
    later = FRIDAY_10 + dt.timedelta(days=3)
    entry = plans.set_review(session, sms.id, actor=OLGA, review_after=later)
    assert entry.review_after == later and not entry.reviewed
    entry = plans.set_review(session, sms.id, actor=OLGA, reviewed=True)
    assert entry.reviewed and "reviewed by olga" in entry.notes
    plans.plan_interaction(session, world.company_id, FRIDAY_10, "сверка", actor=OLGA)
    mine = plans.journal(session, operator="olga")
    assert [(e.kind, e.planned) for e in mine] == [
        (InteractionKind.CALL, True),
        (InteractionKind.SMS, False),
    ]
    assert plans.journal(session, operator="ira") == []


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"subject": "  "}, ValidationError, "what the planned call is about"),
        ({"responsible": "nobody"}, NotFoundError, "no active user 'nobody'"),
        ({"client_id": 999}, NotFoundError, "Client #999"),
        ({"due_at": dt.datetime(2030, 5, 10, 10)}, ValidationError, "time zone"),
    ],
)
def test_bad_plans_are_refused(
    session: Session,
    world: World,
    operators: None,
    kwargs: dict[str, object],
    error: type[Exception],
    message: str,
) -> None:
    args: dict[str, object] = {
        "client_id": world.person_id,
        "due_at": FRIDAY_10,
        "subject": "про кулер",
    } | kwargs
    with pytest.raises(error, match=message):
        plans.plan_interaction(session, actor=OLGA, **args)  # type: ignore[arg-type]


def test_due_times_are_read_in_moscow() -> None:
    assert plans.parse_due("2030-05-10 10:00") == FRIDAY_10
    assert plans.parse_due("10.05.2030 10:00") == FRIDAY_10
    with pytest.raises(ValidationError, match="YYYY-MM-DD HH:MM"):
        plans.parse_due("в пятницу")


def test_a_call_cannot_be_planned_for_a_time_already_past(
    session: Session, world: World, operators: None
) -> None:
    yesterday = dt.datetime.now(MOSCOW) - dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="already passed"):
        plans.plan_interaction(session, world.person_id, yesterday, "про кулер", actor=OLGA)
    # "Now", typed a minute late, is still accepted.
    soon = dt.datetime.now(MOSCOW) - dt.timedelta(minutes=1)
    assert plans.plan_interaction(session, world.person_id, soon, "про кулер", actor=OLGA)

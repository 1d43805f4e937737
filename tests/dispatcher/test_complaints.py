"""Complaints through their operations: deadlines, the rule against oneself, threads, escalation."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session, sessionmaker

from dispatcher.complaints import open_complaints
from dispatcher.db import unit_of_work
from dispatcher.errors import PermissionDenied, ValidationError
from dispatcher.models import ComplaintStatus, User, UserRole
from dispatcher.operations import complaints as ops
from dispatcher.users import Actor
from tests.dispatcher.conftest import World

OPERATOR = Actor("olga", "Ольга", UserRole.OPERATOR)
LEAD = Actor("lead", "Старший смены", UserRole.LEAD)
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def people(sessions: sessionmaker[Session], world: World) -> World:
    """The world with an operator, a second operator and a lead who can sign in."""
    with unit_of_work(sessions) as s:
        # Rows written directly: these tests never sign in, and hashing takes a while.
        for login, role in (("olga", UserRole.OPERATOR), ("ivan", UserRole.OPERATOR)):
            s.add(User(login=login, name=login.title(), role=role, password_hash="-"))
        s.add(User(login="lead", name="Старший", role=UserRole.LEAD, password_hash="-"))
    return world


def _register(s: Session, world: World, **kw: object) -> ops.ComplaintRow:
    args: dict[str, object] = {"actor": OPERATOR, "now": NOW}
    args.update(kw)
    return ops.register_complaint(
        s, world.person_id, "Опоздание курьера", "Привезли в 23:00 вместо 10-12", **args
    )


def test_the_deadline_is_the_reasons_standard_time_unless_a_day_is_given(
    sessions: sessionmaker[Session], people: World
) -> None:
    with unit_of_work(sessions) as s:
        standard = _register(s, people)
        given = _register(s, people, deadline=dt.date(2026, 3, 5))
    assert standard.deadline == NOW + dt.timedelta(hours=24)
    assert standard.status is ComplaintStatus.REGISTERED and standard.registered_by == "olga"
    # The end of that Moscow day.
    assert given.deadline == dt.datetime(2026, 3, 5, 21, 0, tzinfo=dt.UTC)


def test_a_complaint_against_oneself_needs_a_leads_confirmation(
    sessions: sessionmaker[Session], people: World
) -> None:
    with unit_of_work(sessions) as s:
        with pytest.raises(ValidationError, match="both the guilty person and the responsible"):
            _register(s, people, guilty_person="olga", responsible="olga")
        with pytest.raises(ValidationError, match="cannot confirm"):
            _register(s, people, guilty_person="olga", responsible="olga", confirmed_by="ivan")
        # Guilty or responsible alone is fine; both need the lead.
        assert (
            _register(s, people, guilty_person="olga", responsible="ivan").guilty_person == "olga"
        )
        confirmed = _register(
            s, people, guilty_person="OLGA", responsible="olga", confirmed_by="lead"
        )
    assert confirmed.confirmed_by == "lead" and confirmed.responsible == "olga"
    with unit_of_work(sessions) as s:
        details = ops.complaint_details(s, confirmed.id, actor=LEAD)
    assert "confirmed by lead" in details.history[0].detail


def test_taking_discussing_and_resolving_leave_a_history(
    sessions: sessionmaker[Session], people: World
) -> None:
    with unit_of_work(sessions) as s:
        c = _register(s, people)
        ops.take_into_work(s, c.id, actor=Actor("ivan", "Иван", UserRole.OPERATOR))
        thread = ops.add_department(
            s, c.id, "Логистика", dt.date(2026, 3, 3), actor=Actor("ivan", "", UserRole.OPERATOR)
        )
        ops.post_message(s, thread.id, "Водитель стоял в пробке", actor=LEAD)
        with pytest.raises(ValidationError, match="already has a thread"):
            ops.add_department(s, c.id, "логистика", dt.date(2026, 3, 3), actor=LEAD)
        with pytest.raises(ValidationError, match="cannot be empty"):
            ops.resolve_complaint(s, c.id, "  ", True, actor=LEAD)
        with pytest.raises(PermissionDenied):
            ops.resolve_complaint(s, c.id, "Скидка", True, actor=OPERATOR)  # not responsible
        done = ops.resolve_complaint(s, c.id, "Скидка 10% на заказ", True, actor=LEAD)
    assert done.status is ComplaintStatus.RESOLVED and done.satisfied is True
    with unit_of_work(sessions) as s:
        details = ops.complaint_details(s, c.id, actor=LEAD)
    assert [h.action for h in details.history] == [
        "registered",
        "taken",
        "department_added",
        "message",
        "resolved",
    ]
    assert details.threads[0].messages[0].text == "Водитель стоял в пробке"
    assert not details.threads[0].open


def test_overdue_complaints_threads_and_unsatisfied_reviews_escalate(
    sessions: sessionmaker[Session], people: World
) -> None:
    with unit_of_work(sessions) as s:
        late = _register(s, people)
        fine = _register(s, people, deadline=dt.date(2026, 4, 1))
        ops.add_department(s, fine.id, "Склад", dt.date(2026, 3, 2), actor=LEAD)
        unhappy = _register(s, people, deadline=dt.date(2026, 4, 1))
        ops.resolve_complaint(s, unhappy.id, "Отказали", False, actor=LEAD, now=NOW)
    later = NOW + dt.timedelta(days=2)
    with unit_of_work(sessions) as s:
        with pytest.raises(PermissionDenied):
            ops.escalations(s, actor=OPERATOR, now=later)
        found = ops.escalations(s, actor=LEAD, now=later)
        listed = ops.list_complaints(s, actor=OPERATOR, client_id=people.person_id, now=later)
        only = ops.list_complaints(s, actor=OPERATOR, overdue=True, now=later)
    assert [c.id for c in found.complaints] == [late.id]
    assert [t.department for t in found.threads] == ["Склад"]
    assert [c.id for c in found.reviews] == [unhappy.id]
    assert found.count == 3
    assert listed[0].id == late.id and listed[0].overdue  # overdue first
    assert [c.id for c in only] == [late.id]
    with unit_of_work(sessions) as s:
        ops.mark_reviewed(s, unhappy.id, "Разобрали", actor=LEAD)
        reopened = ops.reopen_complaint(s, unhappy.id, "Клиент перезвонил", actor=LEAD, now=later)
        assert ops.escalations(s, actor=LEAD, now=later).reviews == ()
    assert reopened.status is ComplaintStatus.IN_WORK


def test_search_finds_by_client_text_and_reason_and_open_ones_are_listed(
    sessions: sessionmaker[Session], people: World
) -> None:
    with unit_of_work(sessions) as s:
        late = _register(s, people)
        cooler = ops.register_complaint(
            s, people.company_id, "Поломка кулера", "Кулер течёт", actor=OPERATOR, now=NOW
        )
        ops.resolve_complaint(s, late.id, "Извинились", True, actor=LEAD)
    with unit_of_work(sessions) as s:
        by_word = ops.list_complaints(s, actor=OPERATOR, text="кулер теч")
        by_client = ops.list_complaints(s, actor=OPERATOR, text="иванова")
        by_reason = ops.list_complaints(s, actor=OPERATOR, text="опоздан")
        nothing = ops.list_complaints(s, actor=OPERATOR, text="жираф")
        still_open = open_complaints(s, people.company_id)
        none_open = open_complaints(s, people.person_id)
    assert [c.id for c in by_word] == [cooler.id]
    assert [c.id for c in by_client] == [late.id]
    assert [c.id for c in by_reason] == [late.id]
    assert nothing == []
    assert [c.id for c in still_open] == [cooler.id] and none_open == []


def test_bad_input_is_refused_with_a_message(
    sessions: sessionmaker[Session], people: World
) -> None:
    with unit_of_work(sessions) as s:
        with pytest.raises(ValidationError, match="no complaint reason 'Жираф'"):
            ops.register_complaint(s, people.person_id, "Жираф", "x", actor=OPERATOR)
        with pytest.raises(ValidationError, match="in the past"):
            _register(s, people, deadline=dt.date(2026, 3, 1))
        with pytest.raises(ValidationError, match="no active user"):
            _register(s, people, responsible="nobody")
        with pytest.raises(PermissionDenied):
            ops.add_complaint_reason(s, "Шум", 24, actor=OPERATOR)
        added = ops.add_complaint_reason(s, "Шумный курьер", 12, actor=LEAD)
        assert added in ops.list_complaint_reasons(s, actor=OPERATOR)

"""Digits typed from the middle of a number find its owner through an index, on both databases."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from dispatcher.db import unit_of_work
from dispatcher.models import Phone
from dispatcher.search import _phone_query, search_clients
from tests.dispatcher.conftest import World


def _found(sessions: sessionmaker[Session], typed: str) -> list[int]:
    with sessions() as s:
        return sorted(hit.client.id for hit in search_clients(s, typed))


def test_digits_from_the_middle_of_a_number_find_its_owners(
    sessions: sessionmaker[Session], world: World
) -> None:
    # +7 916 123-45-67 (a person) and +7 495 123-45-67 (a company) both hold these.
    both = sorted([world.person_id, world.company_id])
    assert _found(sessions, "45-67") == both
    assert _found(sessions, "1234567") == both
    assert _found(sessions, "916 123") == [world.person_id]
    # The contact's +7 926 000-11-22 answers for its company.
    assert _found(sessions, "000-11") == [world.company_id]
    assert _found(sessions, "5555") == []


def test_a_changed_or_removed_number_is_found_by_its_new_digits_only(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        phone = s.scalars(select(Phone).where(Phone.client_id == world.person_id)).one()
        phone.e164 = "+79167778899"
    assert world.person_id not in _found(sessions, "45-67")
    assert _found(sessions, "777-88") == [world.person_id]
    with unit_of_work(sessions) as s:
        s.delete(s.scalars(select(Phone).where(Phone.client_id == world.person_id)).one())
    assert _found(sessions, "777-88") == []


def _plan(s: Session, typed: str, digits: str) -> str:
    stmt = _phone_query(typed, digits, "RU", 20)
    sql = str(stmt.compile(s.get_bind(), compile_kwargs={"literal_binds": True}))
    if s.get_bind().dialect.name == "sqlite":
        return "\n".join(str(row[-1]) for row in s.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
    return "\n".join(row[0] for row in s.execute(text(f"EXPLAIN {sql}")))


def test_the_fragment_search_reads_the_digits_index_not_the_phones(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        if s.get_bind().dialect.name == "postgresql":
            # Enough numbers that the planner weighs an index against a scan for real.
            s.execute(
                text(
                    "INSERT INTO phones (client_id, e164, raw, kind)"
                    " SELECT :client, '+7999' || lpad(g::text, 7, '0'), 'x', 'other'"
                    " FROM generate_series(1, 20000) AS g"
                ),
                {"client": world.company_id},
            )
    with sessions() as s:
        if s.get_bind().dialect.name == "postgresql":
            s.execute(text("ANALYZE phones"))
            s.execute(text("ANALYZE phone_digits"))
        plan = _plan(s, "45-67", "4567")
    if "SCAN phones" in plan or "Seq Scan on phones" in plan:
        raise AssertionError(plan)
    assert "phone_digits" in plan, plan
    assert "PRIMARY KEY" in plan or "pk_phone_digits" in plan, plan


def test_a_seeded_database_finds_its_numbers_from_the_middle(engine: Any) -> None:
    from dispatcher.db import session_factory
    from dispatcher.demo import seed_demo

    report = seed_demo(engine, clients=40, history_days=3)
    sessions = session_factory(engine)
    with sessions() as s:
        e164 = s.execute(text("SELECT e164 FROM phones ORDER BY id LIMIT 1")).scalar_one()
        middle = e164[-7:-2]  # five digits from inside the number
        hits = search_clients(s, f"{middle[:2]}-{middle[2:]}")
    assert report.phones and hits

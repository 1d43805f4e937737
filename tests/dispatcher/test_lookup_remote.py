"""The pop's lookup on PostgreSQL: one round trip, the same answer, a dead connection survived."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from dispatcher import orders
from dispatcher.clients import NewClient, add_client
from dispatcher.db import make_engine, session_factory, unit_of_work
from dispatcher.lookup import LookupStatus, _lookup, lookup
from dispatcher.models import ClientKind
from dispatcher.orders import LineInput, Slot
from dispatcher.phones import parse_phone
from tests.dispatcher.conftest import OPERATOR, World

pytestmark = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


@contextmanager
def _traced(driver: Any) -> Iterator[list[str]]:
    """The protocol messages the client sends on this psycopg connection meanwhile."""
    from psycopg.pq import Trace

    sent: list[str] = []
    with tempfile.TemporaryFile("w+") as log:
        driver.pgconn.trace(log.fileno())
        driver.pgconn.set_trace_flags(Trace.SUPPRESS_TIMESTAMPS)
        try:
            yield sent
        finally:
            driver.pgconn.untrace()
            os.fsync(log.fileno())
            log.seek(0)
            sent.extend(line.split("\t")[2] for line in log if line.startswith("F\t"))


def _round_trips(sent: list[str]) -> int:
    # A simple query is one message; an extended one ends with Sync: each waits for an answer.
    return sum(1 for message in sent if message in ("Query", "Sync"))


@pytest.fixture
def one_connection(db_url: str) -> Iterator[Engine]:
    """An engine with a single pooled connection, so each session gets the same one."""
    eng = make_engine(db_url, pool_size=1, max_overflow=0)
    yield eng
    eng.dispose()


def test_a_lookup_costs_one_round_trip_checkout_and_end_included(
    one_connection: Engine, world: World
) -> None:
    sessions = session_factory(one_connection)
    with sessions() as s:  # the first lookup on a connection prepares the statement
        assert lookup(s, "+7 916 123-45-67").status is LookupStatus.FOUND
        driver = s.connection().connection.driver_connection
    for number in ("+7 916 123-45-67", "8 926 000 11 22", "+7 900 000-00-00"):
        with _traced(driver) as sent, sessions() as s:
            result = lookup(s, number)
        assert result.status in (LookupStatus.FOUND, LookupStatus.UNKNOWN)
        assert _round_trips(sent) == 1, sent


def test_the_old_path_cost_four_round_trips(one_connection: Engine, world: World) -> None:
    # The baseline `bench lookup` compares against: pre-ping, BEGIN, owners, the rest.
    pinged = make_engine(str(one_connection.url), pool_size=1, pool_pre_ping=True)
    sessions = session_factory(pinged)
    parsed = parse_phone("+7 916 123-45-67")
    with sessions() as s:
        _lookup(s, "+7 916 123-45-67", parsed, one_trip=False)
        driver = s.connection().connection.driver_connection
    with _traced(driver) as sent, sessions() as s:
        _lookup(s, "+7 916 123-45-67", parsed, one_trip=False)
    pinged.dispose()
    assert _round_trips(sent) >= 4, sent


def test_the_one_trip_answer_is_the_step_by_step_answer(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        order = orders.create_order(s, world.person_id, [LineInput("W19", 2)], actor=OPERATOR)
        orders.send_to_delivery(s, order.id, Slot(world.courier_a, world.tomorrow), actor="o")
        orders.create_order(s, world.company_id, [LineInput("PUMP", 1)], actor=OPERATOR)
        twin = add_client(s, NewClient(ClientKind.COMPANY, 'ООО "Ромашка"', inn="7707083893"))
        merged = add_client(s, NewClient(ClientKind.PERSON, "Мария", phones=["89055554433"]))
        merged.merged_into_id = world.person_id
        add_client(s, NewClient(ClientKind.PERSON, "Иванов Пётр", phones=["89161234567"]))
        assert twin.id
    numbers = ["89161234567", "84951234567", "89260001122", "89055554433", "89000000000"]
    for number in numbers:
        with sessions() as s:
            one = lookup(s, number)
        with sessions() as s:
            stepwise = _lookup(s, number, parse_phone(number), one_trip=False)
        assert one == stepwise
    with sessions() as s:
        found = lookup(s, "84951234567")
    assert found.duplicate_groups and found.matches[0].last_order is not None
    assert lookup_in(sessions, "89161234567").matches[0].active_deliveries[0].lines


def lookup_in(sessions: sessionmaker[Session], number: str) -> Any:
    """One lookup in a session of its own."""
    with sessions() as s:
        return lookup(s, number)


@pytest.mark.expect_log("dispatcher.db", "Reconnecting")
def test_a_lookup_after_the_server_dropped_the_connection_still_answers(
    one_connection: Engine, world: World
) -> None:
    sessions = session_factory(one_connection)
    assert lookup_in(sessions, "+7 916 123-45-67").status is LookupStatus.FOUND
    _terminate_backends(one_connection)
    assert lookup_in(sessions, "+7 916 123-45-67").status is LookupStatus.FOUND


def test_a_connection_dropped_under_a_started_session_is_retried_once(
    one_connection: Engine, world: World
) -> None:
    sessions = session_factory(one_connection)
    with sessions() as s:
        s.connection()  # checked out: the checkout's own check has passed
        _terminate_backends(one_connection)
        assert lookup(s, "+7 916 123-45-67").status is LookupStatus.FOUND


def _terminate_backends(engine: Engine) -> None:
    """End the server processes of the engine's database, as a restart would."""
    killer = make_engine(str(engine.url))
    with killer.connect() as conn:
        ended = conn.execute(
            text(
                "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).all()
    killer.dispose()
    assert ended

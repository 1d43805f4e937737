"""Whether there is anything to seed, and whom the demo caller rings."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from dispatcher.cli import main
from dispatcher.demo import seed_demo
from dispatcher.demo.status import is_empty, sample_numbers
from dispatcher.models import Client, Order, OrderState, Phone
from tests.dispatcher.conftest import World

TODAY = dt.date(2026, 11, 23)


def test_a_fresh_database_is_empty_and_a_seeded_one_is_not(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    with sessions() as s:
        assert is_empty(s)
    seed_demo(engine, clients=30, seed=2, today=TODAY)
    with sessions() as s:
        assert not is_empty(s)


def test_a_database_with_one_client_typed_in_is_not_empty(
    sessions: sessionmaker[Session], world: World
) -> None:
    with sessions() as s:
        assert not is_empty(s)


def test_sample_numbers_ring_clients_with_a_delivery_under_way(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    seed_demo(engine, clients=200, seed=2, today=TODAY)
    with sessions() as s:
        numbers = sample_numbers(s, 5)
        assert len(numbers) == len(set(numbers)) == 5
        for number in numbers:
            delivering = s.scalar(
                select(func.count())
                .select_from(Phone)
                .join(Order, Order.client_id == Phone.client_id)
                .where(Phone.raw == number, Order.state == OrderState.DELIVERY)
            )
            assert delivering, number
        assert sample_numbers(s, 2) == numbers[:2]


def test_sample_numbers_fall_back_to_any_client_without_deliveries(
    sessions: sessionmaker[Session], world: World
) -> None:
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Order)) == 0
        assert sample_numbers(s, 5) == ["+7 916 123-45-67", "8 (495) 123-45-67", "+7 926 000-11-22"]


def test_seed_demo_if_empty_leaves_a_seeded_database_alone(
    db_url: str, engine: Engine, sessions: sessionmaker[Session], capsys: pytest.CaptureFixture[str]
) -> None:
    def dispatch(*argv: str) -> dict[str, object]:
        capsys.readouterr()
        assert main(["--db", db_url, "--json", "seed-demo", *argv]) == 0
        return dict(json.loads(capsys.readouterr().out))

    first = dispatch("--clients", "40", "--if-empty")
    assert first["clients"] == 40
    second = dispatch("--clients", "70", "--if-empty")
    assert second["skipped"] is True
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Client)) == 40

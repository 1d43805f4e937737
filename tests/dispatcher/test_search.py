"""Searching for a withheld caller as the operator types: name, address, phone, INN, order."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from dispatcher import orders
from dispatcher.clients import NewClient, add_client
from dispatcher.db import unit_of_work
from dispatcher.models import Client, ClientKind
from dispatcher.orders import LineInput
from dispatcher.search import SearchHit, search_clients
from tests.dispatcher.conftest import OPERATOR, World


def _found(sessions: sessionmaker[Session], text: str) -> list[SearchHit]:
    with sessions() as s:
        return search_clients(s, text)


@pytest.mark.parametrize(
    "fragment", ["иванова", "ИВАНОВА", "Мария", "иванова мар", "мария иванова", "Петровна"]
)
def test_a_name_fragment_finds_the_client_whatever_the_case_or_word_order(
    sessions: sessionmaker[Session], world: World, fragment: str
) -> None:
    hits = _found(sessions, fragment)
    assert [(h.client.id, h.matched_on) for h in hits] == [(world.person_id, "name")]
    assert hits[0].client.name == "Иванова Мария Петровна"


def test_yo_and_ye_are_the_same_letter(sessions: sessionmaker[Session], world: World) -> None:
    with unit_of_work(sessions) as s:
        fyodor = add_client(s, NewClient(ClientKind.PERSON, "Королёв Фёдор")).id
    assert [h.client.id for h in _found(sessions, "королев федор")] == [fyodor]
    assert [h.client.id for h in _found(sessions, "Королё")] == [fyodor]


def test_a_company_is_found_without_its_legal_form(
    sessions: sessionmaker[Session], world: World
) -> None:
    assert [h.client.id for h in _found(sessions, "ромаш")] == [world.company_id]
    assert [h.client.id for h in _found(sessions, 'ООО "Ромашка"')] == [world.company_id]


@pytest.mark.parametrize(
    "fragment", ["4567", "123-45-67", "916 123", "8916123", "+7916", "8 (916) 123-45-67"]
)
def test_a_phone_fragment_finds_the_owner_in_any_written_form(
    sessions: sessionmaker[Session], world: World, fragment: str
) -> None:
    hits = [h for h in _found(sessions, fragment) if h.client.id == world.person_id]
    assert hits, fragment
    assert hits[0].matched_on == "phone"
    assert hits[0].detail == "+7 916 123-45-67"


def test_a_contacts_phone_finds_the_company(sessions: sessionmaker[Session], world: World) -> None:
    hits = _found(sessions, "926 000-11")
    assert [(h.client.id, h.matched_on, h.detail) for h in hits] == [
        (world.company_id, "phone", "+7 926 000-11-22")
    ]


def test_three_digits_are_not_searched_as_a_phone(
    sessions: sessionmaker[Session], world: World
) -> None:
    assert [h for h in _found(sessions, "916") if h.matched_on == "phone"] == []


def test_an_address_fragment_finds_the_client_and_shows_the_address(
    sessions: sessionmaker[Session], world: World
) -> None:
    hits = _found(sessions, "профсоюзная 12")
    assert [(h.client.id, h.matched_on) for h in hits] == [(world.person_id, "address")]
    assert hits[0].detail == "г. Москва, ул. Профсоюзная, д. 12"
    # A contact's delivery point belongs to the company.
    assert [h.client.id for h in _found(sessions, "Ленинский пр")] == [world.company_id]


def test_an_inn_finds_the_company(sessions: sessionmaker[Session], world: World) -> None:
    hits = _found(sessions, "7707083893")
    assert [(h.client.id, h.matched_on, h.detail) for h in hits] == [
        (world.company_id, "inn", "7707083893")
    ]


@pytest.mark.parametrize("form", ["#{}", "№{}", "№ {}", " #{} "])
def test_an_order_number_finds_its_client(
    sessions: sessionmaker[Session], world: World, form: str
) -> None:
    with unit_of_work(sessions) as s:
        order_id = orders.create_order(
            s, world.company_id, [LineInput("W19", 2)], actor=OPERATOR
        ).id
    hits = _found(sessions, form.format(order_id))
    assert [(h.client.id, h.matched_on, h.detail) for h in hits] == [
        (world.company_id, "order", f"Order #{order_id}")
    ]
    assert _found(sessions, f"#{order_id + 1000}") == []
    assert _found(sessions, "#99999999999999") == []


def test_merged_duplicates_are_not_offered(sessions: sessionmaker[Session], world: World) -> None:
    with unit_of_work(sessions) as s:
        old = add_client(s, NewClient(ClientKind.PERSON, "Иванова Мария", phones=["89057770011"]))
        old.merged_into_id = world.person_id
    assert [h.client.id for h in _found(sessions, "иванова")] == [world.person_id]
    assert _found(sessions, "905 777") == []


def test_each_client_is_listed_once_with_its_best_match(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        add_client(s, NewClient(ClientKind.PERSON, "Профсоюзов Иван"))
    hits = _found(sessions, "профсоюз")
    assert sorted((h.client.name, h.matched_on) for h in hits) == [
        ("Иванова Мария Петровна", "address"),
        ("Профсоюзов Иван", "name"),
    ]


def test_the_limit_is_kept(sessions: sessionmaker[Session], world: World) -> None:
    with unit_of_work(sessions) as s:
        for i in range(30):
            s.add(Client(kind=ClientKind.PERSON, name=f"Петров {i}", name_key=f"{i} петров"))
    with sessions() as s:
        assert len(search_clients(s, "петров", limit=5)) == 5
        assert len(search_clients(s, "петров")) == 20


@pytest.mark.parametrize("text", ["", " ", "и", "#", "№", "  a  "])
def test_too_short_text_finds_nothing(
    sessions: sessionmaker[Session], world: World, text: str
) -> None:
    assert _found(sessions, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "%",
        "%%",
        "__",
        "\x00\x00",
        "'; DROP TABLE clients; --",
        "ул.",
        "+",
        "+" * 500,
        "😀😀",
        "#-1",
    ],
)
def test_odd_text_never_raises(sessions: sessionmaker[Session], world: World, text: str) -> None:
    assert isinstance(_found(sessions, text), list)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=40))
def test_any_text_never_raises(sessions: sessionmaker[Session], world: World, text: str) -> None:
    with sessions() as s:
        hits = search_clients(s, text)
    assert all(h.matched_on in {"name", "phone", "address", "inn", "order"} for h in hits)


def test_typing_is_answered_quickly(sessions: sessionmaker[Session], world: World) -> None:
    with unit_of_work(sessions) as s:
        for i in range(500):
            s.add(Client(kind=ClientKind.PERSON, name=f"Клиент {i}", name_key=f"{i} клиент"))
    with sessions() as s:
        search_clients(s, "кл")  # warm-up
        started = time.perf_counter()
        for text in ["кл", "кли", "клие", "клиент 4", "8916", "89161", "профс"]:
            search_clients(s, text)
        elapsed = time.perf_counter() - started
    # Seven keystrokes, generous for a busy shared test machine.
    assert elapsed < 1.0

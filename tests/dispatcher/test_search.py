"""Searching for a withheld caller as the operator types: name, address, phone, INN, order."""

from __future__ import annotations

from typing import Any

import pytest
from alembic import command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from dispatcher import migrate, orders
from dispatcher.clients import AddressInput, NewClient, add_address, add_client, add_contact
from dispatcher.db import make_engine, session_factory, unit_of_work
from dispatcher.merge import merge_clients
from dispatcher.models import Address, Client, ClientKind, SearchTerm
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


def test_every_keystroke_of_a_typed_name_is_answered(
    sessions: sessionmaker[Session], world: World
) -> None:
    # How fast the seven keystrokes are answered (< 1 s): `python -m bench search_typing`.
    with unit_of_work(sessions) as s:
        for i in range(500):
            s.add(Client(kind=ClientKind.PERSON, name=f"Клиент {i}", name_key=f"{i} клиент"))
    with sessions() as s:
        for text in ["кл", "кли", "клие", "клиент 4", "8916", "89161", "профс"]:
            assert isinstance(search_clients(s, text), list)


# -- the word index -------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["иван проф", "проф иван", "ИВАН ПРОФСОЮЗ 12", "мар профс"])
def test_words_of_the_name_and_the_address_narrow_down_together(
    sessions: sessionmaker[Session], world: World, typed: str
) -> None:
    with unit_of_work(sessions) as s:
        add_client(
            s,
            NewClient(
                ClientKind.PERSON,
                "Иванов Пётр",
                addresses=[AddressInput("г. Москва, ул. Тверская, д. 12")],
            ),
        )
    hits = _found(sessions, typed)
    assert [(h.client.id, h.matched_on) for h in hits] == [(world.person_id, "address")]
    assert hits[0].detail == "г. Москва, ул. Профсоюзная, д. 12"


def test_every_typed_word_must_match_and_name_matches_come_first(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        street = add_client(
            s,
            NewClient(
                ClientKind.PERSON,
                "Петров Семён",
                addresses=[AddressInput("Москва, Ивановская ул., 7")],
            ),
        ).id
        named = add_client(s, NewClient(ClientKind.PERSON, "Ивановский Семён")).id
    assert [(h.client.id, h.matched_on) for h in _found(sessions, "иванов")] == [
        (world.person_id, "name"),
        (named, "name"),
        (street, "address"),
    ]
    assert [h.client.id for h in _found(sessions, "семен иванов")] == [named, street]
    assert _found(sessions, "иванова семен") == []


def test_an_exact_word_comes_before_longer_words(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        longer = add_client(s, NewClient(ClientKind.PERSON, "Аверина Ольга")).id
        exact = add_client(s, NewClient(ClientKind.PERSON, "Яшина Ива")).id
    assert [h.client.id for h in _found(sessions, "ива")] == [exact, world.person_id]
    assert [h.client.id for h in _found(sessions, "аве")] == [longer]


@pytest.mark.parametrize("typed", ["Фёдоров Семён", "федоров семен", "ФЕДОР", "сЕмЁ"])
def test_yo_ye_and_case_do_not_matter_in_the_index(
    sessions: sessionmaker[Session], world: World, typed: str
) -> None:
    with unit_of_work(sessions) as s:
        fedorov = add_client(s, NewClient(ClientKind.PERSON, "ФЕДОРОВ Семен")).id
    assert [h.client.id for h in _found(sessions, typed)] == [fedorov]


def test_a_contacts_name_finds_the_company(sessions: sessionmaker[Session], world: World) -> None:
    hits = _found(sessions, "смирн олег")
    assert [(h.client.id, h.matched_on, h.detail) for h in hits] == [
        (world.company_id, "name", "Смирнов Олег")
    ]


def test_a_new_client_contact_and_address_are_found_at_once(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        cid = add_client(s, NewClient(ClientKind.PERSON, "Зайцева Нина")).id
        assert [h.client.id for h in search_clients(s, "зайц")] == [cid]
        add_address(s, cid, AddressInput("ул. Вавилова, д. 3"))
        add_contact(s, world.company_id, "Кузнецов Игорь")
        # Found in the same transaction, before the commit.
        assert [h.client.id for h in search_clients(s, "зайц вавил 3")] == [cid]
        assert [h.client.id for h in search_clients(s, "кузнец")] == [world.company_id]
    assert [h.client.id for h in _found(sessions, "вавилова")] == [cid]


def test_a_renamed_client_or_moved_address_is_found_by_its_new_words_only(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        client = s.get(Client, world.person_id)
        assert client is not None
        client.name = "Сергеева Мария Петровна"
        client.name_key = "мария петровна сергеева"
        address = s.get(Address, world.person_address_id)
        assert address is not None
        address.text = "г. Москва, ул. Лесная, д. 5"
    assert [h.client.id for h in _found(sessions, "сергеева")] == [world.person_id]
    assert [h.client.id for h in _found(sessions, "лесная 5")] == [world.person_id]
    assert _found(sessions, "иванова") == []
    assert _found(sessions, "профсоюзная") == []


def test_a_merged_client_is_not_found_but_the_kept_one_is_by_its_words(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        dup = add_client(
            s,
            NewClient(
                ClientKind.PERSON,
                "Иванова-Кузьмина Маша",
                addresses=[AddressInput("ул. Садовая, д. 9")],
            ),
        ).id
        assert [h.client.id for h in search_clients(s, "кузьмина")] == [dup]
        merge_clients(s, world.person_id, [dup], actor=OPERATOR)
    assert [(h.client.id, h.matched_on) for h in _found(sessions, "кузьмина маша")] == [
        (world.person_id, "name")
    ]
    assert [h.client.id for h in _found(sessions, "садовая 9")] == [world.person_id]
    assert dup not in {h.client.id for h in _found(sessions, "иванова")}
    with sessions() as s:
        assert s.scalar(select(func.count()).where(SearchTerm.client_id == dup)) == 0


def test_the_migration_fills_the_index_from_existing_rows(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        sessions = session_factory(engine)
        with unit_of_work(sessions) as s:
            kept = add_client(
                s,
                NewClient(
                    ClientKind.COMPANY,
                    'ООО "Лютик"',
                    addresses=[AddressInput("г. Москва, Ленинский пр-т, д. 30")],
                ),
            ).id
            add_contact(s, kept, "Орлова Вера", address=AddressInput("ул. Земляной Вал, 4"))
            merged = add_client(s, NewClient(ClientKind.PERSON, "Лютиков Фёдор")).id
            s.get_one(Client, merged).merged_into_id = kept
        # Back to a database of 0004 with these rows in it, as an older installation has.
        cfg = migrate.alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0004")
        assert migrate.current_revision(engine) == "0004"
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        with sessions() as s:
            words = {tuple(r) for r in s.execute(select(SearchTerm.kind, SearchTerm.term))}
            assert {h.client.id for h in search_clients(s, "лютик")} == {kept}
            assert [h.client.id for h in search_clients(s, "лютиков федор")] == [kept]
            assert [h.client.id for h in search_clients(s, "земл вал 4")] == [kept]
            assert [h.client.id for h in search_clients(s, "орлова")] == [kept]
        assert words == {
            ("name", "лютик"),
            ("name", "лютиков"),
            ("name", "федор"),
            ("name", "орлова"),
            ("name", "вера"),
            ("address", "ленинский"),
            ("address", "30"),
            ("address", "земляной"),
            ("address", "вал"),
            ("address", "4"),
        }
    finally:
        engine.dispose()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.lists(
        st.text(alphabet="аеёиклмнопрстуюя0123456789 .,-#№+ЁЯ\u00a0\U0010ffff", max_size=9),
        max_size=4,
    ).map(" ".join)
)
def test_typed_words_of_any_shape_never_raise(
    sessions: sessionmaker[Session], world: World, text: str
) -> None:
    with sessions() as s:
        hits = search_clients(s, text, limit=5)
    assert len(hits) <= 5
    assert len({h.client.id for h in hits}) == len(hits)


def test_two_typed_words_are_three_statements(
    engine: Any, sessions: sessionmaker[Session], world: World
) -> None:
    """Each statement is a round trip on PostgreSQL: the typed words' counts, the matches,
    the listed clients with their names and addresses; never one per word or per kind."""
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        hits = _found(sessions, "иванова мар")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert [h.client.id for h in hits] == [world.person_id]
    assert len(statements) == 3, statements

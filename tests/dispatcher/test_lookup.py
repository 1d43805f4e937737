"""Caller lookup as the screen pop uses it: owners, duplicates, live orders, bad input."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.orm import Session, sessionmaker

from dispatcher import lookup as lookup_module
from dispatcher import orders
from dispatcher.clients import AddressInput, NewClient, add_client, add_phone
from dispatcher.db import unit_of_work
from dispatcher.lookup import DuplicateReason, LookupStatus, lookup, lookup_caller
from dispatcher.models import Client, ClientKind, OrderState
from dispatcher.orders import LineInput, Slot
from tests.dispatcher.conftest import OPERATOR, World


@pytest.mark.parametrize(
    "written", ["+7 916 123-45-67", "89161234567", "9161234567", "7 (916) 123 45 67"]
)
def test_a_known_number_is_found_however_it_is_written(
    sessions: sessionmaker[Session], world: World, written: str
) -> None:
    with sessions() as s:
        result = lookup(s, written)
    assert result.status is LookupStatus.FOUND
    assert result.e164 == "+79161234567"
    assert [m.client.id for m in result.matches] == [world.person_id]
    match = result.matches[0]
    assert match.client.name == "Иванова Мария Петровна"
    assert match.contact is None
    assert [a.flat for a in match.addresses] == ["45"]
    assert result.duplicate_groups == ()


def test_a_contacts_number_finds_the_company_and_the_contact(
    sessions: sessionmaker[Session], world: World
) -> None:
    with sessions() as s:
        result = lookup(s, "8-926-000-11-22")
    (match,) = result.matches
    assert match.client.id == world.company_id
    assert match.client.kind is ClientKind.COMPANY
    assert match.contact is not None
    assert (match.contact.id, match.contact.name) == (world.company_contact_id, "Смирнов Олег")
    # Both delivery points are offered; the contact's own one is marked as such.
    assert sorted(a.contact_id or 0 for a in match.addresses) == [0, world.company_contact_id]


def test_active_deliveries_reschedules_and_last_order_come_with_the_match(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        first = orders.create_order(s, world.person_id, [LineInput("W19", 2)], actor=OPERATOR)
        orders.send_to_delivery(s, first.id, Slot(world.courier_a, world.tomorrow), actor="o")
        failed = orders.create_order(s, world.person_id, [LineInput("PUMP", 1)], actor="o")
        orders.send_to_delivery(s, failed.id, Slot(world.courier_b, world.tomorrow), actor="o")
        orders.fail(s, failed.id, reason="Не открыли дверь", actor="courier")
        last = orders.create_order(s, world.person_id, [LineInput("SAN", 1)], actor="o")
        ids = first.id, failed.id, last.id
    with sessions() as s:
        match = lookup(s, "+79161234567").matches[0]
    (delivery,) = match.active_deliveries
    assert delivery.id == ids[0]
    assert delivery.state is OrderState.DELIVERY
    assert delivery.courier_name == "Петров Пётр"
    assert delivery.courier_phone == "+79031112233"  # the operator may forward the call
    assert delivery.delivery_date == world.tomorrow
    assert [(ln.product_code, ln.qty) for ln in delivery.lines] == [("W19", 2)]
    assert delivery.total_kop == 70000
    (flagged,) = match.to_reschedule
    assert (flagged.id, flagged.fail_reason) == (ids[1], "Не открыли дверь")
    assert match.last_order is not None
    assert match.last_order.id == ids[2]


def test_a_number_shared_by_two_clients_is_a_duplicate_group(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        other = add_client(
            s, NewClient(ClientKind.PERSON, "Иванов Пётр Сергеевич", phones=["89161234567"])
        ).id
    with sessions() as s:
        result = lookup(s, "+7 916 123 45 67")
    assert sorted(m.client.id for m in result.matches) == sorted([world.person_id, other])
    (group,) = result.duplicate_groups
    assert group.reason is DuplicateReason.SAME_PHONE
    assert sorted(c.id for c in group.clients) == sorted([world.person_id, other])


@pytest.mark.parametrize(
    "second_name",
    ["Иванова Мария", "иванова мария петровна", "Иванова Мариа Петровна", "Мария Иванова"],
)
def test_the_same_person_entered_twice_at_one_address_is_flagged(
    sessions: sessionmaker[Session], world: World, second_name: str
) -> None:
    with unit_of_work(sessions) as s:
        twin = add_client(
            s,
            NewClient(
                ClientKind.PERSON,
                second_name,
                phones=["+7 999 888-77-66"],
                addresses=[AddressInput("Москва, Профсоюзная улица, дом 12", flat="кв. 45")],
            ),
        ).id
    with sessions() as s:
        result = lookup(s, "89161234567")
    (group,) = result.duplicate_groups
    assert group.reason is DuplicateReason.SIMILAR_NAME
    assert [c.id for c in group.clients] == [world.person_id, twin]


def test_a_namesake_at_another_address_is_not_a_duplicate(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        add_client(
            s,
            NewClient(
                ClientKind.PERSON,
                "Иванова Мария Петровна",
                phones=["+7 999 888-77-66"],
                addresses=[AddressInput("г. Москва, ул. Профсоюзная, д. 12", flat="46")],
            ),
        )
    with sessions() as s:
        assert lookup(s, "89161234567").duplicate_groups == ()


def test_a_company_registered_twice_is_found_by_name_and_by_inn(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        same_name = add_client(s, NewClient(ClientKind.COMPANY, "Ромашка ООО")).id
        same_inn = add_client(
            s, NewClient(ClientKind.COMPANY, "Ромашка-Сервис", inn="7707083893")
        ).id
    with sessions() as s:
        groups = lookup(s, "+74951234567").duplicate_groups
    by_reason = {g.reason: [c.id for c in g.clients] for g in groups}
    assert by_reason[DuplicateReason.SAME_INN] == [world.company_id, same_inn]
    assert by_reason[DuplicateReason.SIMILAR_NAME] == [world.company_id, same_name]


def test_a_merged_duplicate_answers_as_the_client_it_was_merged_into(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        old = add_client(s, NewClient(ClientKind.PERSON, "Мария", phones=["+7 905 555-44-33"]))
        old.merged_into_id = world.person_id
        old_id = old.id
    with sessions() as s:
        (match,) = lookup(s, "89055554433").matches
    assert match.client.id == world.person_id
    assert match.merged_from == old_id


def test_an_unknown_number_is_reported_as_new(
    sessions: sessionmaker[Session], world: World
) -> None:
    with sessions() as s:
        result = lookup(s, "8 (916) 000-00-01")
    assert result.status is LookupStatus.UNKNOWN
    assert result.e164 == "+79160000001"
    assert result.matches == ()
    assert result.message


@pytest.mark.parametrize("raw", ["", "   ", "abc", "звоните", "1" * 40, None, "+", "\x00\xff"])
def test_bad_input_is_not_a_phone_number_and_never_raises(
    sessions: sessionmaker[Session], world: World, raw: str | None
) -> None:
    with sessions() as s:
        result = lookup(s, raw)
    assert result.status is LookupStatus.INVALID
    assert "Not a phone number" in result.message
    assert result.matches == ()


def test_a_short_internal_number_is_recognised(
    sessions: sessionmaker[Session], world: World
) -> None:
    with sessions() as s:
        result = lookup(s, "101")
    assert result.status is LookupStatus.INTERNAL
    assert "internal" in result.message


def test_the_result_serialises_to_json(sessions: sessionmaker[Session], world: World) -> None:
    with unit_of_work(sessions) as s:
        order = orders.create_order(s, world.person_id, [LineInput("W19", 1)], actor="o")
        orders.send_to_delivery(s, order.id, Slot(world.courier_a, world.tomorrow), actor="o")
        add_phone(s, world.person_id, "+7 (495) 765-43-21")
    with sessions() as s:
        data = json.loads(json.dumps(lookup(s, "89161234567").to_dict()))
    assert data["status"] == "found"
    assert data["matches"][0]["active_deliveries"][0]["delivery_date"] == world.tomorrow.isoformat()
    with sessions() as s:
        assert s.get(Client, world.person_id) is not None


def test_the_screen_pop_finds_the_caller_from_telephonys_number_without_parsing_it_again(
    sessions: sessionmaker[Session], world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def second_parse(*args: object) -> object:
        raise AssertionError("the caller id was parsed a second time")

    monkeypatch.setattr(lookup_module, "parse_phone", second_parse)
    with sessions() as s:
        result = lookup_caller(s, "+79161234567")
        internal = lookup_caller(s, "101")
    assert result.status is LookupStatus.FOUND
    assert [m.client.id for m in result.matches] == [world.person_id]
    assert result.display == "+7 916 123-45-67"
    assert internal.status is LookupStatus.INTERNAL


def test_the_pop_works_on_a_connection_the_relay_used_before(
    sessions: sessionmaker[Session], world: World
) -> None:
    # Found by `bench desks` (98 failed pops in 469 calls): a query committed five times on
    # a connection (the relay's outbox poll) gets prepared by psycopg itself; its next
    # rollback then deallocated every prepared statement, the lookup's too, and the next pop
    # on that pooled connection failed with "prepared statement ... does not exist".
    from sqlalchemy import select

    for _ in range(3):
        for _ in range(6):
            with unit_of_work(sessions) as s:
                s.scalar(select(Client.name).where(Client.id == world.person_id))
        with sessions() as s:  # a pop: read, then the session closes with a rollback
            result = lookup_caller(s, "+79161234567")
        assert [m.client.id for m in result.matches] == [world.person_id]

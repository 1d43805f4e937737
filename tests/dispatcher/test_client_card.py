"""Editing a known client's card, as the card editor and `dispatch client …` drive it."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dispatcher.clients import AddressInput, has_house_number
from dispatcher.db import unit_of_work
from dispatcher.errors import NotFoundError, ValidationError
from dispatcher.lookup import DuplicateReason, LookupStatus, lookup
from dispatcher.models import ClientEvent, PaymentTerms, UserRole
from dispatcher.operations import client_card as card_ops
from dispatcher.operations import order_form
from dispatcher.search import search_clients
from dispatcher.users import Actor
from tests.dispatcher.conftest import World

OPERATOR = Actor("anna", "Анна Operator", UserRole.OPERATOR)
NEW_NUMBER = "+7 916 765-43-21"


def _events(sessions: sessionmaker[Session], client_id: int) -> list[tuple[str, str, str]]:
    with sessions() as s:
        rows = s.scalars(
            select(ClientEvent).where(ClientEvent.client_id == client_id).order_by(ClientEvent.id)
        )
        return [(e.actor, e.action, e.detail) for e in rows]


@pytest.mark.parametrize("written", ["+7 916 765-43-21", "89167654321", "9167654321"])
def test_a_phone_added_in_any_form_is_found_by_lookup_in_every_form(
    world: World, sessions: sessionmaker[Session], written: str
) -> None:
    with unit_of_work(sessions) as s:
        change = card_ops.add_phone(s, world.person_id, written, actor=OPERATOR)
    assert "+79167654321" in [p.e164 for p in change.card.phones]
    assert change.also_on == ()
    for form in ("+7 916 765-43-21", "89167654321", "9167654321", "7 (916) 765 43 21"):
        with sessions() as s:
            found = lookup(s, form)
        assert found.status is LookupStatus.FOUND
        assert [m.client.id for m in found.matches] == [world.person_id]
    assert _events(sessions, world.person_id) == [("anna", card_ops.PHONE_ADDED, written)]


def test_a_phone_of_another_client_is_added_and_reported_as_a_duplicate(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with unit_of_work(sessions) as s:
        change = card_ops.add_phone(s, world.company_id, "8 916 123 45 67", actor=OPERATOR)
    assert [c.id for c in change.also_on] == [world.person_id]
    with sessions() as s:
        found = lookup(s, "89161234567")
    assert {m.client.id for m in found.matches} == {world.person_id, world.company_id}
    assert DuplicateReason.SAME_PHONE in [g.reason for g in found.duplicate_groups]


def test_a_phone_to_a_contact_belongs_to_the_contact(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with unit_of_work(sessions) as s:
        card_ops.add_phone(
            s, world.company_id, NEW_NUMBER, actor=OPERATOR, contact_id=world.company_contact_id
        )
    with sessions() as s:
        (match,) = lookup(s, NEW_NUMBER).matches
    assert match.contact is not None and match.contact.id == world.company_contact_id


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("привет", "Phone 'привет'"),
        ("12", "Phone '12'"),
        ("+7 916 123-45-67", "+7 916 123-45-67 is already on this client's card."),
        ("8 (916) 123 45 67", "+7 916 123-45-67 is already on this client's card."),
    ],
)
def test_bad_phones_are_refused_with_a_message_and_nothing_is_written(
    world: World, sessions: sessionmaker[Session], raw: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused, unit_of_work(sessions) as s:
        card_ops.add_phone(s, world.person_id, raw, actor=OPERATOR)
    assert message in str(refused.value)
    assert _events(sessions, world.person_id) == []


def test_removing_a_phone_typed_in_another_form(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with unit_of_work(sessions) as s:
        change = card_ops.remove_phone(s, world.person_id, "89161234567", actor=OPERATOR)
    assert change.card.phones == ()
    with sessions() as s:
        assert lookup(s, "+79161234567").status is LookupStatus.UNKNOWN
    with pytest.raises(NotFoundError), unit_of_work(sessions) as s:
        card_ops.remove_phone(s, world.person_id, "89161234567", actor=OPERATOR)
    assert [a for _who, a, _d in _events(sessions, world.person_id)] == [card_ops.PHONE_REMOVED]


def test_a_new_address_is_found_by_search_at_once_and_offered_for_orders(
    world: World, sessions: sessionmaker[Session]
) -> None:
    data = AddressInput(
        "г. Москва, ул. Вавилова, д. 7", entrance="2", floor="5", flat="18", intercom="18К"
    )
    with unit_of_work(sessions) as s:
        change = card_ops.add_address(s, world.person_id, data, actor=OPERATOR)
        added = change.card.addresses[-1]
        # Same transaction: the search index was rebuilt by the flush already.
        assert [h.client.id for h in search_clients(s, "вавилова")] == [world.person_id]
    assert (added.text, added.intercom, added.flat, added.retired) == (
        "г. Москва, ул. Вавилова, д. 7",
        "18К",
        "18",
        False,
    )
    with sessions() as s:
        assert [h.client.id for h in search_clients(s, "вавилова 7")] == [world.person_id]
        form = order_form.load_order_form(s, world.person_id)
    assert added.id in [a.id for a in form.card.addresses]
    ((who, action, detail),) = _events(sessions, world.person_id)
    assert (who, action) == ("anna", card_ops.ADDRESS_ADDED) and "домофон 18К" in detail


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("г. Москва, ул. Профсоюзная", "has no house number"),
        ("ул. 8 Марта", "has no house number"),
        ("   ", "The delivery address is empty."),
    ],
)
def test_an_address_without_a_house_is_refused(
    world: World, sessions: sessionmaker[Session], text: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused, unit_of_work(sessions) as s:
        card_ops.add_address(s, world.person_id, AddressInput(text), actor=OPERATOR)
    assert message in str(refused.value)
    assert _events(sessions, world.person_id) == []


def test_house_numbers_are_told_from_street_numbers() -> None:
    assert has_house_number("Тверская 7")
    assert has_house_number("ул. 8 Марта, 14")
    assert has_house_number("Ленинский пр-т, д. 30, склад")
    assert not has_house_number("ул. 8 Марта")
    assert not has_house_number("1-я Тверская-Ямская ул.")


def test_an_edited_address_is_searched_by_its_new_street(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with unit_of_work(sessions) as s:
        change = card_ops.edit_address(
            s,
            world.person_id,
            world.person_address_id,
            AddressInput("г. Москва, ул. Обручева, д. 4", flat="45", courier_notes="code 45"),
            actor=OPERATOR,
        )
    (address,) = change.card.addresses
    assert (address.text, address.courier_notes) == ("г. Москва, ул. Обручева, д. 4", "code 45")
    with sessions() as s:
        assert [h.client.id for h in search_clients(s, "обручева")] == [world.person_id]


def test_a_retired_address_is_not_offered_but_stays_on_old_orders(
    world: World, sessions: sessionmaker[Session]
) -> None:
    from dispatcher.orders import LineInput, create_order

    with unit_of_work(sessions) as s:
        order = create_order(
            s,
            world.person_id,
            [LineInput("W19", 1)],
            actor="anna",
            address_id=world.person_address_id,
        )
        card_ops.add_address(s, world.person_id, AddressInput("Ленина 5", flat="1"), actor=OPERATOR)
        change = card_ops.retire_address(
            s, world.person_id, world.person_address_id, actor=OPERATOR
        )
        order_id = order.id
    assert [a.retired for a in change.card.addresses] == [True, False]
    with sessions() as s:
        new = order_form.load_order_form(s, world.person_id)
        old = order_form.open_order_form(s, order_id)
    assert world.person_address_id not in [a.id for a in new.card.addresses]
    assert new.address_id != world.person_address_id
    assert world.person_address_id in [a.id for a in old.card.addresses]
    with pytest.raises(ValidationError), unit_of_work(sessions) as s:
        card_ops.retire_address(s, world.person_id, world.person_address_id, actor=OPERATOR)


def test_a_contact_with_own_phone_and_point_is_found_by_name_and_number(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with unit_of_work(sessions) as s:
        change = card_ops.add_contact(
            s,
            world.company_id,
            "Кузнецова Ольга",
            actor=OPERATOR,
            role="бухгалтер",
            phones=[NEW_NUMBER],
            address=AddressInput("г. Москва, ул. Гиляровского, д. 10"),
        )
    contact = change.card.contacts[-1]
    assert (contact.name, contact.role) == ("Кузнецова Ольга", "бухгалтер")
    assert any(a.contact_id == contact.id for a in change.card.addresses)
    with sessions() as s:
        assert [h.client.id for h in search_clients(s, "кузнецова")] == [world.company_id]
        assert [h.client.id for h in search_clients(s, "гиляровского")] == [world.company_id]
        (match,) = lookup(s, "89167654321").matches
    assert match.contact is not None and match.contact.name == "Кузнецова Ольга"
    with unit_of_work(sessions) as s:
        card_ops.edit_contact(
            s, world.company_id, contact.id, actor=OPERATOR, name="Кузнецова О. В.", role="гл. бух"
        )
    actions = [a for _w, a, _d in _events(sessions, world.company_id)]
    assert actions == [card_ops.CONTACT_ADDED, card_ops.PHONE_ADDED, card_ops.CONTACT_CHANGED]


def test_a_contact_with_a_bad_point_is_not_added(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with pytest.raises(ValidationError), unit_of_work(sessions) as s:
        card_ops.add_contact(
            s, world.company_id, "Без Дома", actor=OPERATOR, address=AddressInput("Москва")
        )
    with sessions() as s:
        assert search_clients(s, "без дома") == []


def test_notes_are_in_the_pops_lookup(world: World, sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as s:
        card_ops.set_notes(s, world.person_id, " не звонить после 21:00 ", actor=OPERATOR)
    with sessions() as s:
        (match,) = lookup(s, "89161234567").matches
    assert match.notes == "не звонить после 21:00"


def test_payment_terms_and_inn(world: World, sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as s:
        change = card_ops.set_payment_terms(s, world.company_id, "cash", actor=OPERATOR)
        assert change.card.payment_terms is PaymentTerms.CASH
        change = card_ops.set_inn(s, world.company_id, "500100732259", actor=OPERATOR)
        assert change.card.inn == "500100732259"
    with pytest.raises(ValidationError, match="not valid"), unit_of_work(sessions) as s:
        card_ops.set_inn(s, world.company_id, "7707083894", actor=OPERATOR)
    with pytest.raises(ValidationError, match="Only a company"), unit_of_work(sessions) as s:
        card_ops.set_inn(s, world.person_id, "7707083893", actor=OPERATOR)
    with pytest.raises(ValidationError, match="cash or invoice"), unit_of_work(sessions) as s:
        card_ops.set_payment_terms(s, world.person_id, "barter", actor=OPERATOR)
    with sessions() as s:
        history = card_ops.card_details(s, world.company_id).history
    assert [(h.actor, h.action) for h in history] == [
        ("anna", card_ops.INN_SET),
        ("anna", card_ops.PAYMENT_TERMS_SET),
    ]


def test_an_unknown_callers_number_is_attached_and_then_pops_her_card(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with sessions() as s:
        assert lookup(s, "+79037770011").status is LookupStatus.UNKNOWN
    with unit_of_work(sessions) as s:
        card_ops.attach_number(s, world.person_id, "+79037770011", actor=OPERATOR)
    with sessions() as s:
        (match,) = lookup(s, "89037770011").matches
    assert match.client.id == world.person_id
    assert _events(sessions, world.person_id) == [("anna", card_ops.PHONE_ATTACHED, "+79037770011")]

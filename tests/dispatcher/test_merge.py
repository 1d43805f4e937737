"""The shift lead merges duplicate clients: one client remains, with all the history."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from dispatcher import interactions as calls
from dispatcher import orders
from dispatcher.clients import AddressInput, NewClient, add_client, add_contact
from dispatcher.db import unit_of_work
from dispatcher.errors import DomainError, NotFoundError, ValidationError
from dispatcher.lookup import LookupStatus, lookup
from dispatcher.merge import merge_clients
from dispatcher.models import (
    Address,
    Client,
    ClientKind,
    Contact,
    CourierTask,
    Direction,
    Interaction,
    Order,
    OrderState,
    Phone,
)
from dispatcher.orders import LineInput, Slot
from dispatcher.search import search_clients
from tests.dispatcher.conftest import OPERATOR, World


def _duplicate(sessions: sessionmaker[Session], world: World) -> tuple[int, int, int]:
    """A second record of Иванова with her own phone, a shared phone, an order and a call."""
    with unit_of_work(sessions) as s:
        dup = add_client(
            s,
            NewClient(
                ClientKind.PERSON,
                "Иванова Мария",
                phones=["8 905 555-44-33", "8 916 123 45 67"],
                addresses=[AddressInput("Москва, Профсоюзная улица, 12", flat="45")],
            ),
        )
        order = orders.create_order(s, dup.id, [LineInput("W19", 3)], actor=OPERATOR)
        orders.send_to_delivery(s, order.id, Slot(world.courier_a, world.tomorrow), actor=OPERATOR)
        call = calls.call_started(
            s, number="89055554433", direction=Direction.IN, operator=OPERATOR, client_id=dup.id
        )
        return dup.id, order.id, call.id


def test_after_a_merge_the_old_number_finds_only_the_kept_client(
    sessions: sessionmaker[Session], world: World
) -> None:
    dup, order_id, _ = _duplicate(sessions, world)
    with sessions() as s:
        before = lookup(s, "+79161234567")
    assert sorted(m.client.id for m in before.matches) == sorted([world.person_id, dup])

    with unit_of_work(sessions) as s:
        merge_clients(s, world.person_id, [dup], actor="lead")

    with sessions() as s:
        for number in ("89055554433", "+79161234567"):
            result = lookup(s, number)
            assert result.status is LookupStatus.FOUND
            assert [m.client.id for m in result.matches] == [world.person_id]
            assert result.duplicate_groups == ()
        (match,) = lookup(s, "89055554433").matches
    # The duplicate's live delivery now shows on the kept client.
    assert [o.id for o in match.active_deliveries] == [order_id]
    assert len(match.addresses) == 2


def test_all_history_moves_to_the_kept_client(
    sessions: sessionmaker[Session], world: World
) -> None:
    dup, order_id, call_id = _duplicate(sessions, world)
    with unit_of_work(sessions) as s:
        kept = merge_clients(s, world.person_id, [dup], actor="lead")
        assert sorted(p.e164 for p in kept.phones) == ["+79055554433", "+79161234567"]
        assert len(kept.addresses) == 2
    with sessions() as s:
        order = s.get(Order, order_id)
        assert order is not None and order.client_id == world.person_id
        assert order.state is OrderState.DELIVERY
        assert s.get(Interaction, call_id).client_id == world.person_id  # type: ignore[union-attr]
        task = s.scalars(select(CourierTask).where(CourierTask.order_id == order_id)).one()
        assert task.order.client_id == world.person_id
        left = s.scalar(select(func.count()).select_from(Phone).where(Phone.client_id == dup))
        assert left == 0
        assert (
            s.scalar(select(func.count()).select_from(Address).where(Address.client_id == dup)) == 0
        )
        merged = s.get(Client, dup)
        assert merged is not None and merged.merged_into_id == world.person_id


def test_the_same_number_is_not_stored_twice_on_the_kept_client(
    sessions: sessionmaker[Session], world: World
) -> None:
    dup, _, _ = _duplicate(sessions, world)
    with unit_of_work(sessions) as s:
        merge_clients(s, world.person_id, [dup], actor="lead")
    with sessions() as s:
        numbers = list(s.scalars(select(Phone.e164).where(Phone.client_id == world.person_id)))
    assert sorted(numbers) == ["+79055554433", "+79161234567"]


def test_a_merged_company_brings_its_contacts_with_their_phones_and_points(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        dup = add_client(s, NewClient(ClientKind.COMPANY, "Ромашка", phones=["+7 495 765-43-21"]))
        contact = add_contact(
            s,
            dup.id,
            "Кузнецова Анна",
            phones=["+7 926 333-44-55"],
            address=AddressInput("Москва, ул. Арбат, д. 5"),
        )
        dup_id, contact_id = dup.id, contact.id
    with unit_of_work(sessions) as s:
        kept = merge_clients(s, world.company_id, [dup_id], actor="lead")
        assert sorted(c.name for c in kept.contacts) == ["Кузнецова Анна", "Смирнов Олег"]
        assert s.get(Contact, contact_id).client_id == world.company_id  # type: ignore[union-attr]
    with sessions() as s:
        (match,) = lookup(s, "89263334455").matches
    assert match.client.id == world.company_id
    assert match.contact is not None and match.contact.name == "Кузнецова Анна"
    assert "Москва, ул. Арбат, д. 5" in [a.text for a in match.addresses]


def test_the_merge_is_recorded_with_who_and_what(
    sessions: sessionmaker[Session], world: World
) -> None:
    dup, _, _ = _duplicate(sessions, world)
    with unit_of_work(sessions) as s:
        merge_clients(s, world.person_id, [dup], actor="lead-anna")
    with sessions() as s:
        kept = s.get(Client, world.person_id)
        merged = s.get(Client, dup)
        assert kept is not None and merged is not None
    assert "lead-anna merged duplicates into this client" in kept.notes
    assert f"#{dup} Иванова Мария" in kept.notes
    assert f"Merged into #{world.person_id}" in merged.notes
    assert "lead-anna" in merged.notes


def test_merged_clients_disappear_from_search_and_take_no_orders(
    sessions: sessionmaker[Session], world: World
) -> None:
    dup, _, _ = _duplicate(sessions, world)
    with unit_of_work(sessions) as s:
        merge_clients(s, world.person_id, [dup], actor="lead")
    with sessions() as s:
        assert [h.client.id for h in search_clients(s, "иванова")] == [world.person_id]
    with unit_of_work(sessions) as s, pytest.raises(ValidationError, match="was merged into"):
        orders.create_order(s, dup, [LineInput("W19", 1)], actor=OPERATOR)


def test_several_duplicates_and_earlier_merges_end_up_on_the_kept_client(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        a = add_client(s, NewClient(ClientKind.PERSON, "Иванова М.", phones=["89050000001"]))
        b = add_client(s, NewClient(ClientKind.PERSON, "Иванова М. П.", phones=["89050000002"]))
        older = add_client(s, NewClient(ClientKind.PERSON, "Иванова", phones=["89050000003"]))
        ids = a.id, b.id, older.id
    with unit_of_work(sessions) as s:
        merge_clients(s, ids[0], [ids[2]], actor="lead")
    with unit_of_work(sessions) as s:
        merge_clients(s, world.person_id, [ids[0], ids[1], ids[1]], actor="lead")
    with sessions() as s:
        assert {s.get(Client, i).merged_into_id for i in ids} == {world.person_id}  # type: ignore[union-attr]
        for number in ("89050000001", "89050000002", "89050000003"):
            assert [m.client.id for m in lookup(s, number).matches] == [world.person_id]


@pytest.mark.parametrize(
    ("case", "error", "message"),
    [
        ("self", ValidationError, "cannot be merged into itself"),
        ("none", ValidationError, "at least one duplicate"),
        ("unknown_keep", NotFoundError, "Client #9999 does not exist"),
        ("unknown_other", NotFoundError, "Client #9999 does not exist"),
        ("merged_other", ValidationError, "was already merged into"),
        ("merged_keep", ValidationError, "was already merged into"),
    ],
)
def test_bad_merges_are_refused_readably_and_change_nothing(
    sessions: sessionmaker[Session], world: World, case: str, error: type[DomainError], message: str
) -> None:
    dup, _, _ = _duplicate(sessions, world)
    with unit_of_work(sessions) as s:
        gone = add_client(s, NewClient(ClientKind.PERSON, "Старый дубль"))
        gone.merged_into_id = world.person_id
        gone_id = gone.id
    keep, others = {
        "self": (world.person_id, [dup, world.person_id]),
        "none": (world.person_id, []),
        "unknown_keep": (9999, [dup]),
        "unknown_other": (world.person_id, [dup, 9999]),
        "merged_other": (world.person_id, [gone_id]),
        "merged_keep": (gone_id, [dup]),
    }[case]
    with pytest.raises(error, match=message), unit_of_work(sessions) as s:
        merge_clients(s, keep, others, actor="lead")
    with sessions() as s:
        assert s.get(Client, dup).merged_into_id is None  # type: ignore[union-attr]
        assert len(lookup(s, "89055554433").matches) == 1
        assert lookup(s, "89055554433").matches[0].client.id == dup

"""The order flow's operations, driven as the workspace and the CLI drive them.

Each test runs one user action in a unit of work and checks what a person would see
afterwards: the order's state, the courier's task, the call's link, the list contents.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from dispatcher import interactions
from dispatcher.clients import AddressInput, NewClient
from dispatcher.db import unit_of_work
from dispatcher.errors import PermissionDenied, ValidationError
from dispatcher.models import (
    Client,
    ClientKind,
    CourierTask,
    Direction,
    Interaction,
    Order,
    OrderState,
    TaskStatus,
    UserRole,
)
from dispatcher.operations import calls, catalog, clients, order_form
from dispatcher.operations import orders as ops
from dispatcher.orders import LineInput, Slot
from dispatcher.users import Actor
from tests.dispatcher.conftest import OPERATOR, World

CLERK = Actor(OPERATOR, "Оператор Ольга", UserRole.OPERATOR)
LEAD = Actor("lead", "Старший смены", UserRole.LEAD)


def _call(sessions: sessionmaker[Session]) -> int:
    with unit_of_work(sessions) as s:
        row = interactions.call_started(
            s, number="+79161234567", direction=Direction.IN, operator=OPERATOR
        )
        return row.id


def _new(world: World, interaction_id: int | None = None, qty: int = 2) -> ops.NewOrder:
    return ops.NewOrder(
        world.person_id,
        [LineInput("W19", qty)],
        address_id=world.person_address_id,
        interaction_id=interaction_id,
    )


def _slot(world: World, courier: int | None = None) -> Slot:
    return Slot(courier or world.courier_a, world.tomorrow, dt.time(10), dt.time(14))


def test_take_order_sends_it_with_one_task_and_links_the_call(
    world: World, sessions: sessionmaker[Session]
) -> None:
    call_id = _call(sessions)
    with unit_of_work(sessions) as s:
        taken = ops.take_order(s, _new(world, call_id), _slot(world), actor=CLERK)
    assert taken.state is OrderState.DELIVERY and taken.courier_id == world.courier_a
    assert taken.task_uid is not None
    with sessions() as s:
        (task,) = s.scalars(select(CourierTask).where(CourierTask.order_id == taken.id))
        assert task.uid == taken.task_uid and task.status is TaskStatus.NEW
        call = s.get(Interaction, call_id)
        assert call is not None
        assert (call.order_id, call.client_id) == (taken.id, world.person_id)


def test_a_take_that_fails_writes_nothing(world: World, sessions: sessionmaker[Session]) -> None:
    call_id = _call(sessions)
    past = Slot(world.courier_a, world.tomorrow - dt.timedelta(days=3))
    with pytest.raises(ValidationError, match="in the past"), unit_of_work(sessions) as s:
        ops.take_order(s, _new(world, call_id), past, actor=CLERK)
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Order)) == 0
        assert s.get(Interaction, call_id).order_id is None  # type: ignore[union-attr]


def test_an_interest_saved_without_a_slot_can_be_sent_later(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with unit_of_work(sessions) as s:
        saved = ops.save_interest(s, _new(world), actor=CLERK)
    assert saved.state is OrderState.INTEREST and saved.task_uid is None
    call_id = _call(sessions)
    with unit_of_work(sessions) as s:
        sent = ops.deliver(
            s,
            saved.id,
            _slot(world),
            actor=CLERK,
            expected_version=saved.version,
            interaction_id=call_id,
        )
    assert sent.state is OrderState.DELIVERY and sent.version > saved.version
    with sessions() as s:
        assert s.get(Interaction, call_id).order_id == saved.id  # type: ignore[union-attr]


def test_reassign_keeps_what_is_not_given(world: World, sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as s:
        taken = ops.take_order(s, _new(world), _slot(world), actor=CLERK)
    with unit_of_work(sessions) as s:
        moved = ops.reassign(s, taken.id, actor=CLERK, courier_id=world.courier_b, why="болен")
    assert moved.courier_id == world.courier_b and moved.task_uid != taken.task_uid
    with sessions() as s:
        order = s.get(Order, taken.id)
        assert order is not None
        assert (order.delivery_date, order.window_start, order.window_end) == (
            world.tomorrow,
            dt.time(10),
            dt.time(14),
        )
        statuses = [t.status for t in sorted(order.tasks, key=lambda t: t.id)]
        assert statuses == [TaskStatus.CANCELLED, TaskStatus.NEW]


def test_rejecting_a_new_order_saves_it_as_a_rejected_interest_linked_to_the_call(
    world: World, sessions: sessionmaker[Session]
) -> None:
    call_id = _call(sessions)
    with unit_of_work(sessions) as s:
        reason = ops.add_reject_reason(s, "Дорого", actor=LEAD)
    with unit_of_work(sessions) as s:
        rejected = ops.reject(s, _new(world, call_id), reason="дорого", actor=CLERK)
    assert rejected.state is OrderState.REJECTED
    with sessions() as s:
        order = s.get(Order, rejected.id)
        assert order is not None and order.reject_reason_id == reason.id
        assert s.get(Interaction, call_id).order_id == rejected.id  # type: ignore[union-attr]


def test_a_reason_not_in_the_list_is_named(world: World, sessions: sessionmaker[Session]) -> None:
    with pytest.raises(ValidationError, match="not in the list"), unit_of_work(sessions) as s:
        ops.reject(s, _new(world), reason="луна", actor=CLERK)
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Order)) == 0


def test_fail_then_close_after_a_new_slot(world: World, sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as s:
        taken = ops.take_order(s, _new(world), _slot(world), actor=CLERK)
    with unit_of_work(sessions) as s:
        failed = ops.fail(s, taken.id, reason="Никого нет дома", actor=CLERK)
    assert failed.state is OrderState.INTEREST and failed.task_uid is None
    with unit_of_work(sessions) as s:
        ops.deliver(s, taken.id, _slot(world, world.courier_b), actor=CLERK)
    with unit_of_work(sessions) as s:
        closed = ops.close(s, taken.id, actor=CLERK, collected_kop=70000, bottles_returned=2)
    assert closed.state is OrderState.CLOSED
    with sessions() as s:
        events = ops.order_details(s, taken.id)["events"]
    assert [e["action"] for e in events] == ["create", "deliver", "fail", "deliver", "close"]


def test_reject_reasons_can_be_added_and_removed(sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as s:
        added = ops.add_reject_reason(s, "  Слишком   далеко ", actor=LEAD)
    assert added.name == "Слишком далеко" and added.active
    with unit_of_work(sessions) as s:
        assert "Слишком далеко" in [r.name for r in ops.list_reject_reasons(s)]
        ops.remove_reject_reason(s, added.id, actor=LEAD)
    with unit_of_work(sessions) as s:
        assert "Слишком далеко" not in [r.name for r in ops.list_reject_reasons(s)]


def test_the_order_form_opens_with_the_clients_point_a_slot_and_the_lists(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with unit_of_work(sessions) as s:
        removed = ops.add_reject_reason(s, "Уехал на дачу", actor=LEAD)
        ops.remove_reject_reason(s, removed.id, actor=LEAD)
        offered = [r.name for r in ops.list_reject_reasons(s)]
    with unit_of_work(sessions) as s:
        form = order_form.load_order_form(s, world.company_id, world.company_contact_id)
    # The contact's own delivery point comes first when the contact is calling.
    own = next(a for a in form.card.addresses if a.contact_id == world.company_contact_id)
    assert form.address_id == own.id and form.contact_id == world.company_contact_id
    assert {c.label for c in form.couriers} == {"Петров Пётр", "Сидоров Семён"}
    assert [r.label for r in form.reasons] == offered and "Уехал на дачу" not in offered
    assert form.order is None and form.window[0] is not None


def test_a_saved_order_opens_with_its_summary(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with unit_of_work(sessions) as s:
        taken = ops.take_order(s, _new(world), _slot(world), actor=CLERK)
    with unit_of_work(sessions) as s:
        form = order_form.open_order_form(s, taken.id)
    assert form.order is not None and form.order.id == taken.id
    assert form.order.state is OrderState.DELIVERY and form.card.client.id == world.person_id


def test_created_client_is_found_by_its_number(sessions: sessionmaker[Session]) -> None:
    data = NewClient(
        ClientKind.PERSON,
        "Орлов Иван",
        phones=["8 903 777-00-11"],
        addresses=[AddressInput("Тверская 7")],
    )
    with unit_of_work(sessions) as s:
        created = clients.create_client(s, data, actor=CLERK)
    with unit_of_work(sessions) as s:
        found = calls.look_up_caller(s, "89037770011")
    assert found is not None and [m.client.id for m in found.matches] == [created.id]
    with unit_of_work(sessions) as s:
        assert calls.look_up_caller(s, "") is None  # withheld: nothing to look up


def test_merging_on_a_call_shows_one_client_with_both_histories(
    world: World, sessions: sessionmaker[Session]
) -> None:
    data = NewClient(ClientKind.PERSON, "Иванова Мария", phones=["+7 916 123-45-67"])
    with unit_of_work(sessions) as s:
        duplicate = clients.create_client(s, data, actor=CLERK)
        ops.save_interest(s, ops.NewOrder(duplicate.id, [LineInput("W19", 1)]), actor=CLERK)
    with unit_of_work(sessions) as s:
        shown = calls.merge_callers(s, world.person_id, [duplicate.id], "89161234567", actor=LEAD)
    assert [m.client.id for m in shown.matches] == [world.person_id]
    with sessions() as s:
        assert s.get(Client, duplicate.id).merged_into_id == world.person_id  # type: ignore[union-attr]
        owners = set(s.scalars(select(Order.client_id)))
        assert owners == {world.person_id}


def test_a_client_picked_by_hand_is_shown_by_its_first_number(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with unit_of_work(sessions) as s:
        shown = calls.show_client(s, world.company_id)
        assert shown is not None and shown.matches[0].client.id == world.company_id
        nameless = clients.create_client(
            s,
            NewClient(ClientKind.PERSON, "Без телефона", addresses=[AddressInput("Тверская 9")]),
            actor=CLERK,
        )
        assert calls.show_client(s, nameless.id) is None


def test_courier_product_lists_and_overview(world: World, sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as s:
        added = catalog.add_courier(s, "Новиков Ной", "8 903 000 00 01", 30, actor=LEAD)
        catalog.add_product(s, "CUP", "Стаканчики", 5000, actor=LEAD)
    assert added.phone == "+79030000001" and added.capacity == 30
    with unit_of_work(sessions) as s:
        names = [c.name for c in catalog.list_couriers(s)]
        products = {p.code: p.price_kop for p in catalog.list_products(s)}
        overview = catalog.database_overview(s)
    assert names == ["Петров Пётр", "Сидоров Семён", "Новиков Ной"]
    assert products["CUP"] == 5000 and products["W19"] == 35000
    assert (overview.clients, overview.orders, overview.couriers) == (2, 0, 3)
    assert overview.sample_numbers == ("+7 916 123-45-67", "8 (495) 123-45-67")


# ---- roles: the operations check them, whatever screen or script calls them ---------------


def test_an_operator_may_not_merge_clients_and_nothing_is_merged(
    world: World, sessions: sessionmaker[Session]
) -> None:
    data = NewClient(ClientKind.PERSON, "Иванова Мария", phones=["+7 916 123-45-67"])
    with unit_of_work(sessions) as s:
        duplicate = clients.create_client(s, data, actor=CLERK)
    refused = pytest.raises(PermissionDenied, match="merge clients: only a shift lead or an admin")
    with refused, unit_of_work(sessions) as s:
        calls.merge_callers(s, world.person_id, [duplicate.id], "89161234567", actor=CLERK)
    with sessions() as s:
        assert s.get(Client, duplicate.id).merged_into_id is None  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("action", "words"),
    [
        (lambda s: catalog.add_courier(s, "Новиков Ной", actor=CLERK), "add couriers"),
        (lambda s: catalog.add_product(s, "CUP", "Стаканчики", 5000, actor=CLERK), "add products"),
        (lambda s: ops.add_reject_reason(s, "Дорого", actor=CLERK), "edit the reject reasons"),
    ],
)
def test_lead_only_catalogue_changes_are_refused_for_an_operator(
    world: World, sessions: sessionmaker[Session], action: Any, words: str
) -> None:
    with pytest.raises(PermissionDenied, match=f"You may not {words}"), unit_of_work(sessions) as s:
        action(s)
    with sessions() as s:
        assert [c.name for c in catalog.list_couriers(s)] == ["Петров Пётр", "Сидоров Семён"]
        assert "CUP" not in {p.code for p in catalog.list_products(s)}


def test_the_audit_trail_names_the_signed_in_login(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with unit_of_work(sessions) as s:
        taken = ops.take_order(s, _new(world), _slot(world), actor=LEAD)
    with sessions() as s:
        events = ops.order_details(s, taken.id)["events"]
    assert {e["actor"] for e in events} == {"lead"}

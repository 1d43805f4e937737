"""The catalogue as a shift lead runs it: dated prices, contract prices, products, reasons."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dispatcher import orders
from dispatcher.db import unit_of_work
from dispatcher.errors import PermissionDenied, ValidationError
from dispatcher.models import Client, ClientEvent, UserRole
from dispatcher.operations import catalogue as ops
from dispatcher.orders import LineInput, moscow_today
from dispatcher.planning import price_items
from dispatcher.users import Actor
from tests.dispatcher.conftest import World

LEAD = Actor("lead", "Старший смены", UserRole.LEAD)
OPERATOR = Actor("op", "Диспетчер", UserRole.OPERATOR)
TODAY = moscow_today()
TOMORROW = TODAY + dt.timedelta(days=1)


def _take(s: Session, client_id: int, code: str = "W19") -> int:
    """A new order for one unit of ``code``; its line's price."""
    order = orders.create_order(s, client_id, [LineInput(code, 1)], actor="op")
    return order.lines[0].price_kop


def _offered(s: Session, client_id: int, day: dt.date | None = None) -> dict[str, tuple[int, bool]]:
    client = s.get(Client, client_id)
    assert client is not None
    return {i.code: (i.price_kop, i.contract) for i in price_items(s, client, day)}


def test_a_price_from_tomorrow_applies_to_orders_taken_from_tomorrow_on(
    sessions: sessionmaker[Session], world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    with unit_of_work(sessions) as s:
        row = ops.set_standard_price(s, "W19", 40000, TOMORROW, actor=LEAD)
        assert (row.amount_kop, row.valid_from, row.until) == (40000, TOMORROW, None)
        taken_today = _take(s, world.person_id)
    assert taken_today == 35000
    # The next day new orders and the order form get the new price; the earlier order keeps its.
    monkeypatch.setattr("dispatcher.catalog.moscow_today", lambda: TOMORROW)
    monkeypatch.setattr("dispatcher.planning.moscow_today", lambda: TOMORROW)
    with unit_of_work(sessions) as s:
        assert _take(s, world.person_id) == 40000
        assert _offered(s, world.person_id)["W19"] == (40000, False)
        kept = s.scalars(select(orders.OrderLine.price_kop).order_by(orders.OrderLine.id)).first()
        assert kept == 35000
        history = ops.price_history(s, "W19", actor=OPERATOR)
    standard = [(r.amount_kop, r.until) for r in history if not r.contract]
    assert standard == [(35000, TODAY), (40000, None)]


def test_a_company_pays_its_contract_price_while_the_contract_lasts(
    sessions: sessionmaker[Session], world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    with unit_of_work(sessions) as s:
        view = ops.set_contract_price(
            s, world.company_id, "PUMP", 41000, TODAY, TOMORROW, actor=LEAD
        )
        assert (view.valid_to, {r.product_code for r in view.prices}) == (TOMORROW, {"W19", "PUMP"})
        assert _take(s, world.company_id, "PUMP") == 41000
        assert _offered(s, world.company_id)["PUMP"] == (41000, True)
        assert _offered(s, world.company_id)["SAN"] == (80000, False)
        # The person buys at the standard price.
        assert _take(s, world.person_id, "PUMP") == 45000
        audit = s.scalars(select(ClientEvent.detail).where(ClientEvent.actor == "lead")).all()
        assert any("PUMP" in detail for detail in audit)
    after = TOMORROW + dt.timedelta(days=1)
    monkeypatch.setattr("dispatcher.catalog.moscow_today", lambda: after)
    monkeypatch.setattr("dispatcher.planning.moscow_today", lambda: after)
    with unit_of_work(sessions) as s:
        assert _take(s, world.company_id, "PUMP") == 45000
        assert _offered(s, world.company_id)["W19"] == (35000, False)


def test_a_private_person_gets_no_contract_and_a_company_gets_one_made(
    sessions: sessionmaker[Session], world: World
) -> None:
    with (
        unit_of_work(sessions) as s,
        pytest.raises(ValidationError, match="contract prices are for companies"),
    ):
        ops.set_contract_price(s, world.person_id, "W19", 30000, actor=LEAD)
    with unit_of_work(sessions) as s:
        company = s.get(Client, world.company_id)
        assert company is not None
        company.price_list_id = None  # a company without a contract yet
    with unit_of_work(sessions) as s:
        view = ops.set_contract_price(s, world.company_id, "W19", 30000, actor=LEAD)
        assert (view.valid_from, view.valid_to) == (TODAY, None)
        assert _offered(s, world.company_id)["W19"] == (30000, True)


def test_an_ended_contract_needs_a_new_end_date_for_new_prices(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        ops.set_contract_price(s, world.company_id, "W19", 28000, TODAY, TODAY, actor=LEAD)
    with unit_of_work(sessions) as s, pytest.raises(ValidationError, match="new end date"):
        ops.set_contract_price(s, world.company_id, "W19", 27000, TOMORROW, actor=LEAD)


@pytest.mark.parametrize(
    ("price", "start", "message"),
    [
        (-100, None, "cannot be negative"),
        (500_000_000, None, "not a believable price"),
        (35000, TODAY - dt.timedelta(days=1), "cannot start in the past"),
    ],
)
def test_a_wrong_price_is_refused_with_a_reason(
    sessions: sessionmaker[Session], world: World, price: int, start: dt.date | None, message: str
) -> None:
    with unit_of_work(sessions) as s, pytest.raises(ValidationError, match=message):
        ops.set_standard_price(s, "W19", price, start, actor=LEAD)
    with unit_of_work(sessions) as s, pytest.raises(ValidationError, match=message):
        ops.set_contract_price(s, world.company_id, "W19", price, start, actor=LEAD)


def test_a_disabled_product_is_not_offered_but_old_orders_keep_it(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        _take(s, world.person_id, "PUMP")
        row = ops.disable_product(s, "PUMP", actor=LEAD)
        assert not row.active
        assert "PUMP" not in _offered(s, world.person_id)
        with pytest.raises(ValidationError, match="no longer sold"):
            _take(s, world.person_id, "PUMP")
        assert [p.active for p in ops.list_products(s, actor=LEAD) if p.code == "PUMP"] == [False]
        ops.enable_product(s, "PUMP", actor=LEAD)
        assert _offered(s, world.person_id)["PUMP"] == (45000, False)


def test_products_are_added_and_edited(sessions: sessionmaker[Session], world: World) -> None:
    with unit_of_work(sessions) as s:
        added = ops.add_product(s, "COOL", "Кулер напольный", 990000, kind="goods", actor=LEAD)
        assert (added.code, added.price_kop, added.unit) == ("COOL", 990000, "шт")
        edited = ops.edit_product(
            s, "COOL", name="Кулер  с охлаждением", kind="deposit", actor=LEAD
        )
        assert (edited.name, str(edited.kind)) == ("Кулер с охлаждением", "deposit")
        with pytest.raises(ValidationError, match="is not a kind of product"):
            ops.edit_product(s, "COOL", kind="gadget", actor=LEAD)
        with pytest.raises(ValidationError, match="cannot be empty"):
            ops.edit_product(s, "COOL", name="  ", actor=LEAD)
        with pytest.raises(ValidationError, match="already exists"):
            ops.add_product(s, "W19", "Вода", 100, actor=LEAD)


def test_reject_reasons_are_added_renamed_and_deactivated(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        added = ops.add_reject_reason(s, "Уехал на дачу", actor=LEAD)
        ops.add_reject_reason(s, "Дорого", actor=LEAD)
        renamed = ops.rename_reject_reason(s, added.id, "Уехал за город", actor=LEAD)
        assert renamed.name == "Уехал за город"
        with pytest.raises(ValidationError, match="already exists"):
            ops.rename_reject_reason(s, added.id, "Дорого", actor=LEAD)
        ops.deactivate_reject_reason(s, added.id, actor=LEAD)
        listed = {r.name: r.active for r in ops.list_reject_reasons(s, actor=OPERATOR)}
        offered = [r.name for r in orders.reject_reasons(s)]
    assert listed["Уехал за город"] is False
    assert "Уехал за город" not in offered and "Дорого" in offered


def test_an_operator_may_look_but_not_change_the_catalogue(
    sessions: sessionmaker[Session], world: World
) -> None:
    changes = [
        lambda s: ops.add_product(s, "X1", "Стаканчики", 5000, actor=OPERATOR),
        lambda s: ops.edit_product(s, "W19", name="Вода", actor=OPERATOR),
        lambda s: ops.disable_product(s, "W19", actor=OPERATOR),
        lambda s: ops.enable_product(s, "W19", actor=OPERATOR),
        lambda s: ops.set_standard_price(s, "W19", 1, actor=OPERATOR),
        lambda s: ops.set_contract_price(s, world.company_id, "W19", 1, actor=OPERATOR),
        lambda s: ops.add_reject_reason(s, "Нет денег", actor=OPERATOR),
        lambda s: ops.rename_reject_reason(s, 1, "Нет денег", actor=OPERATOR),
        lambda s: ops.deactivate_reject_reason(s, 1, actor=OPERATOR),
    ]
    for change in changes:
        with unit_of_work(sessions) as s, pytest.raises(PermissionDenied, match="shift lead"):
            change(s)
    with unit_of_work(sessions) as s:
        assert {p.code: p.price_kop for p in ops.list_products(s, actor=OPERATOR)}["W19"] == 35000
        assert [c.name for c in ops.find_companies(s, "Ромашка", actor=OPERATOR)] == [
            'ООО "Ромашка"'
        ]

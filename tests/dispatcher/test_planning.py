"""The order panel's services: client card, price list, default slot, courier, duplicates."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session, sessionmaker

from dispatcher import orders
from dispatcher.catalog import price_for, product_by_code
from dispatcher.clients import AddressInput, NewClient, add_client, get_client
from dispatcher.db import unit_of_work
from dispatcher.errors import NotFoundError
from dispatcher.models import ClientKind, Courier, OrderState, PaymentTerms, Product, ProductKind
from dispatcher.orders import MOSCOW, LineInput, Slot
from dispatcher.planning import (
    DELIVERY_WINDOWS,
    client_card,
    default_slot,
    new_client_warnings,
    order_summary,
    street_of,
    suggest_courier,
)
from dispatcher.similarity import STREET_TYPES
from tests.dispatcher.conftest import OPERATOR, World


def _client_at(
    s: Session, name: str, text: str, lat: float | None = None, lon: float | None = None
) -> tuple[int, int]:
    client = add_client(
        s, NewClient(ClientKind.PERSON, name, addresses=[AddressInput(text, lat=lat, lon=lon)])
    )
    return client.id, client.addresses[0].id


def _deliver(s: Session, client_id: int, courier_id: int, day: dt.date, address_id: int) -> int:
    order = orders.create_order(
        s, client_id, [LineInput("W19", 1)], actor=OPERATOR, address_id=address_id
    )
    orders.send_to_delivery(s, order.id, Slot(courier_id, day), actor=OPERATOR)
    return order.id


# --- client card -------------------------------------------------------------------------


def test_a_companys_card_has_contract_prices_contacts_points_and_phones(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        s.add(Product(code="OLD", name="Снятый товар", active=False))
    with sessions() as s:
        card = client_card(s, world.company_id)
        company = get_client(s, world.company_id)
        expected = {
            code: price_for(s, company, product_by_code(s, code))
            for code in ("W19", "PUMP", "BTL", "SAN")
        }
    assert card.client.name == 'ООО "Ромашка"'
    assert card.payment_terms is PaymentTerms.INVOICE
    assert [(c.name, c.role) for c in card.contacts] == [("Смирнов Олег", "завхоз")]
    assert [a.text for a in card.addresses] == [
        "г. Москва, Тверская ул., д. 1, офис 5",
        "г. Москва, Ленинский пр-т, д. 30, склад",
    ]
    assert card.addresses[1].contact_id == world.company_contact_id
    assert card.phones == ("8 (495) 123-45-67", "+7 926 000-11-22")
    prices = {p.code: p.price_kop for p in card.products}
    assert prices == expected
    assert prices["W19"] == 29000  # the contract price, not the standard 350 ₽
    assert "OLD" not in prices
    assert card.products[0].kind is ProductKind.GOODS
    assert card.last_order is None and card.active_deliveries == () and card.to_reschedule == ()


def test_a_persons_card_shows_standard_prices_and_live_orders(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        delivering = _deliver(
            s, world.person_id, world.courier_a, world.tomorrow, world.person_address_id
        )
        failed = _deliver(
            s, world.person_id, world.courier_b, world.tomorrow, world.person_address_id
        )
        orders.fail(s, failed, reason="никого нет дома", actor=OPERATOR)
        last = orders.create_order(s, world.person_id, [LineInput("PUMP", 1)], actor=OPERATOR).id
    with sessions() as s:
        card = client_card(s, world.person_id)
    assert {p.code: p.price_kop for p in card.products}["W19"] == 35000
    assert card.payment_terms is PaymentTerms.CASH
    assert [o.id for o in card.active_deliveries] == [delivering]
    assert card.active_deliveries[0].courier_name == "Петров Пётр"
    assert [(o.id, o.fail_reason) for o in card.to_reschedule] == [(failed, "никого нет дома")]
    assert card.last_order is not None and card.last_order.id == last
    assert [(ln.product_code, ln.qty) for ln in card.last_order.lines] == [("PUMP", 1)]
    assert card.last_order.total_kop == 45000


def test_a_merged_duplicates_card_is_the_kept_clients(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        dup = add_client(s, NewClient(ClientKind.PERSON, "Иванова М."))
        dup.merged_into_id = world.person_id
        dup_id = dup.id
    with sessions() as s:
        assert client_card(s, dup_id).client.id == world.person_id
        with pytest.raises(NotFoundError, match="Client #9999 does not exist"):
            client_card(s, 9999)


def test_an_order_opens_by_number(sessions: sessionmaker[Session], world: World) -> None:
    with unit_of_work(sessions) as s:
        office = client_card(s, world.company_id).addresses[0].id
        order_id = _deliver(s, world.company_id, world.courier_b, world.tomorrow, office)
    with sessions() as s:
        summary = order_summary(s, order_id)
        with pytest.raises(NotFoundError, match=f"Order #{order_id + 1} does not exist"):
            order_summary(s, order_id + 1)
    assert summary.state is OrderState.DELIVERY
    assert summary.courier_name == "Сидоров Семён"
    assert summary.delivery_date == world.tomorrow
    assert [(ln.product_code, ln.price_kop) for ln in summary.lines] == [("W19", 29000)]


# --- default slot ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (dt.datetime(2026, 12, 3, 7, 30, tzinfo=MOSCOW), (3, 9, 12)),
        (dt.datetime(2026, 12, 3, 8, 0, tzinfo=MOSCOW), (3, 9, 12)),
        (dt.datetime(2026, 12, 3, 8, 1, tzinfo=MOSCOW), (3, 12, 15)),
        (dt.datetime(2026, 12, 3, 16, 59, tzinfo=MOSCOW), (3, 18, 21)),
        (dt.datetime(2026, 12, 3, 17, 1, tzinfo=MOSCOW), (4, 9, 12)),
        (dt.datetime(2026, 12, 3, 23, 50, tzinfo=MOSCOW), (4, 9, 12)),
        # 05:00 UTC is 08:00 in Moscow; 22:30 UTC is already the next Moscow day.
        (dt.datetime(2026, 12, 3, 5, 0, tzinfo=dt.UTC), (3, 9, 12)),
        (dt.datetime(2026, 12, 3, 22, 30, tzinfo=dt.UTC), (4, 9, 12)),
        # A naive time is Moscow wall-clock time.
        (dt.datetime(2026, 12, 3, 10, 0), (3, 12, 15)),
    ],
)
def test_the_default_slot_is_the_next_window_an_hour_away(
    now: dt.datetime, expected: tuple[int, int, int]
) -> None:
    day, start, end = default_slot(now)
    assert (day, start, end) == (
        dt.date(2026, 12, expected[0]),
        dt.time(expected[1]),
        dt.time(expected[2]),
    )
    assert (start, end) in DELIVERY_WINDOWS


def test_the_default_slot_without_a_time_is_in_the_future() -> None:
    day, start, _ = default_slot()
    assert dt.datetime.combine(day, start, MOSCOW) > dt.datetime.now(MOSCOW)


# --- courier suggestion ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("г. Москва, ул. Профсоюзная, д. 12", "Москва, Профсоюзная улица, 40"),
        ("ул. Ленина, д. 5", "Ленина ул., 7, кв. 3"),
        ("г. Москва, Тверская ул., д. 1, офис 5", "ул. Тверская, д. 9"),
        ("Королёвский пр-т, 3", "пр-т Королевский, д. 1"),
    ],
)
def test_one_street_written_two_ways_is_one_street(a: str, b: str) -> None:
    assert street_of(a)[0] == street_of(b)[0] != ""


def test_different_streets_differ() -> None:
    assert street_of("ул. Арбат, д. 1")[0] != street_of("ул. Новый Арбат, д. 1")[0]
    assert street_of("")[0] == ""


def test_a_courier_already_on_the_street_that_day_is_suggested(
    sessions: sessionmaker[Session], world: World
) -> None:
    day = world.tomorrow
    with unit_of_work(sessions) as s:
        _deliver(s, world.person_id, world.courier_b, day, world.person_address_id)
        # Courier A is busier elsewhere, which must not matter.
        for house in (1, 3):
            client_id, address_id = _client_at(s, f"Клиент {house}", f"ул. Арбат, д. {house}")
            _deliver(s, client_id, world.courier_a, day, address_id)
        _, new_address = _client_at(s, "Новый Клиент", "Москва, Профсоюзная улица, 40")
    with sessions() as s:
        suggestion = suggest_courier(s, new_address, day)
        # Another day has nobody on that street.
        other_day = suggest_courier(s, new_address, day + dt.timedelta(days=1))
    assert suggestion is not None
    assert (suggestion.courier_id, suggestion.name) == (world.courier_b, "Сидоров Семён")
    assert suggestion.reason == f"already delivers on Профсоюзная улица on {day:%d.%m}"
    assert other_day is not None and "already delivers" not in other_day.reason


def test_a_courier_delivering_nearby_is_suggested_next(
    sessions: sessionmaker[Session], world: World
) -> None:
    day = world.tomorrow
    with unit_of_work(sessions) as s:
        near = _client_at(s, "Сосед Один", "ул. Вавилова, д. 1", 55.7000, 37.5800)
        near2 = _client_at(s, "Сосед Два", "ул. Дмитрия Ульянова, д. 2", 55.7050, 37.5850)
        far = _client_at(s, "Далеко Три", "ул. Исаковского, д. 3", 55.8000, 37.4000)
        far2 = _client_at(s, "Далеко Четыре", "ул. Исаковского, д. 5", 55.8000, 37.4010)
        _deliver(s, near[0], world.courier_a, day, near[1])
        _deliver(s, near2[0], world.courier_a, day, near2[1])
        _deliver(s, far[0], world.courier_b, day, far[1])
        _deliver(s, far2[0], world.courier_b, day, far2[1])
        _, new_address = _client_at(s, "Новый", "Ленинский пр-т, д. 60", 55.7010, 37.5810)
    with sessions() as s:
        suggestion = suggest_courier(s, new_address, day)
    assert suggestion is not None
    assert suggestion.courier_id == world.courier_a
    assert suggestion.reason == f"has 2 deliveries nearby on {day:%d.%m}"


def test_the_courier_of_the_clients_last_delivery_comes_next(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        order_id = _deliver(
            s, world.person_id, world.courier_b, world.tomorrow, world.person_address_id
        )
        orders.close(s, order_id, actor=OPERATOR)
        # That day B is busier than A, far away and without coordinates: history wins.
        other = _client_at(s, "Кто-то", "ул. Арбат, д. 1")
        _deliver(s, other[0], world.courier_b, world.tomorrow + dt.timedelta(days=1), other[1])
    day = world.tomorrow + dt.timedelta(days=1)
    with sessions() as s:
        suggestion = suggest_courier(s, world.person_address_id, day)
    assert suggestion is not None
    assert suggestion.courier_id == world.courier_b
    assert suggestion.reason == f"delivered this client's last order on {world.tomorrow:%d.%m}"


def test_otherwise_the_least_busy_active_courier(
    sessions: sessionmaker[Session], world: World
) -> None:
    day = world.tomorrow
    with unit_of_work(sessions) as s:
        other = _client_at(s, "Кто-то", "ул. Арбат, д. 1")
        _deliver(s, other[0], world.courier_a, day, other[1])
    with sessions() as s:
        suggestion = suggest_courier(s, world.person_address_id, day)
    assert suggestion is not None
    assert suggestion.courier_id == world.courier_b
    assert suggestion.reason == f"has the fewest deliveries on {day:%d.%m} (0)"


def test_inactive_couriers_are_never_suggested(
    sessions: sessionmaker[Session], world: World
) -> None:
    day = world.tomorrow
    with unit_of_work(sessions) as s:
        order_id = _deliver(s, world.person_id, world.courier_b, day, world.person_address_id)
        orders.close(s, order_id, actor=OPERATOR)
        _deliver(s, world.person_id, world.courier_b, day, world.person_address_id)
        s.get(Courier, world.courier_b).active = False  # type: ignore[union-attr]
    with sessions() as s:
        suggestion = suggest_courier(s, world.person_address_id, day)
        assert suggestion is not None and suggestion.courier_id == world.courier_a
    with unit_of_work(sessions) as s:
        s.get(Courier, world.courier_a).active = False  # type: ignore[union-attr]
    with sessions() as s:
        assert suggest_courier(s, world.person_address_id, day) is None
        with pytest.raises(NotFoundError, match="Address #9999 does not exist"):
            suggest_courier(s, 9999, day)


# --- duplicate warnings for a new client -------------------------------------------------


@pytest.mark.parametrize("written", ["89161234567", "+7 (916) 123-45-67", "916 123 45 67"])
def test_a_known_phone_warns_in_any_written_form(
    sessions: sessionmaker[Session], world: World, written: str
) -> None:
    with sessions() as s:
        warnings = new_client_warnings(s, phones=["not a phone", "", written], name="Пётр")
    assert [(w.client.id, w.reason, w.detail) for w in warnings] == [
        (world.person_id, "same_phone", "+7 916 123-45-67")
    ]


def test_a_contacts_phone_warns_about_the_company(
    sessions: sessionmaker[Session], world: World
) -> None:
    with sessions() as s:
        warnings = new_client_warnings(s, phones=["8 926 000 11 22"], name="")
    assert [(w.client.id, w.reason) for w in warnings] == [(world.company_id, "same_phone")]


def test_a_known_inn_warns(sessions: sessionmaker[Session], world: World) -> None:
    with sessions() as s:
        warnings = new_client_warnings(s, phones=[], name="Лютик", inn=" 7707083893 ")
    assert [(w.client.id, w.reason, w.detail) for w in warnings] == [
        (world.company_id, "same_inn", "7707083893")
    ]


@pytest.mark.parametrize(
    "address",
    [
        "Москва, Профсоюзная ул., 12",
        "г. Москва, ул. Профсоюзная, д. 12, кв. 45",
        "Профсоюзная 12 кв 7",
    ],
)
def test_a_similar_name_at_the_same_building_warns(
    sessions: sessionmaker[Session], world: World, address: str
) -> None:
    with sessions() as s:
        warnings = new_client_warnings(s, phones=[], name="иванова мария", address=address)
    assert [(w.client.id, w.reason) for w in warnings] == [
        (world.person_id, "similar_name_address")
    ]
    assert "Профсоюзная" in warnings[0].detail


def test_a_different_name_or_building_does_not_warn(
    sessions: sessionmaker[Session], world: World
) -> None:
    with sessions() as s:
        assert (
            new_client_warnings(s, phones=[], name="Петров Иван", address="ул. Профсоюзная, д. 12")
            == []
        )
        assert (
            new_client_warnings(
                s, phones=[], name="Иванова Мария", address="ул. Профсоюзная, д. 14"
            )
            == []
        )
        assert new_client_warnings(s, phones=[], name="", address="") == []


def test_merged_duplicates_warn_as_the_client_they_joined(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        dup = add_client(s, NewClient(ClientKind.PERSON, "Дубль", phones=["89051234567"]))
        dup.merged_into_id = world.person_id
    with sessions() as s:
        warnings = new_client_warnings(s, phones=["+79051234567", "89161234567"], name="x")
    assert [(w.client.id, w.reason) for w in warnings] == [(world.person_id, "same_phone")]


@pytest.mark.parametrize("kind", sorted(STREET_TYPES))
def test_every_street_type_marks_the_street_and_is_not_part_of_its_name(kind: str) -> None:
    assert street_of(f"г. Москва, {kind}. Ленина, д. 5")[0] == "ленина"
    assert street_of(f"Ленина {kind.upper()} 5, кв 3")[0] == "ленина"

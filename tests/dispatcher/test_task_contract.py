"""Whatever the domain commits as a courier task is a payload the courier-sync contract accepts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError as ContractRefusal
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from courier_sync import contract
from dispatcher import orders, outbox, task_limits
from dispatcher.catalog import add_product
from dispatcher.clients import AddressInput, NewClient, add_client, add_contact
from dispatcher.db import unit_of_work
from dispatcher.errors import DomainError, ValidationError
from dispatcher.models import (
    ClientKind,
    CourierTask,
    Order,
    OrderState,
    OutboxMessage,
)
from dispatcher.orders import LineInput, Slot
from tests.dispatcher.conftest import OPERATOR, World

LONG = "L" * task_limits.PRODUCT_CODE_MAX  # a product code as long as the phone takes


def _count(s: Session, model: type) -> int:
    return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _outbox_is_what_the_contract_takes(s: Session) -> int:
    """Validate every outbox message with the model the relay and the service use."""
    messages = list(s.scalars(select(OutboxMessage)))
    for message in messages:
        if message.topic == outbox.TOPIC_TASK_UPSERT:
            contract.Task.model_validate(message.payload)
        else:
            contract.TaskCancel.model_validate(message.payload)
    return len(messages)


# --------------------------------------------------------------------------- the two lists


def _payload() -> dict[str, Any]:
    """A task payload both sides accept, to push one field at a time to its limit."""
    return {
        "task_id": "a" * 32,
        "version": 1,
        "order_id": 1,
        "courier_id": 1,
        "date": "2030-01-02",
        "window_start": "10:00",
        "window_end": "14:00",
        "address": {"text": "ул. Ленина, 5", "entrance": "", "floor": "", "flat": "", "notes": ""},
        "client_name": "Иванов",
        "contact_name": None,
        "contact_phones": ["+79161234567"],
        "items": [{"code": "W19", "name": "Вода", "qty": 1, "price_kop": 100}],
        "amount_kop": 100,
        "payment_method": "cash",
        "comment": "",
    }


TEXT_LIMITS = [
    (("comment",), task_limits.COMMENT_MAX),
    (("client_name",), task_limits.CLIENT_NAME_MAX),
    (("contact_name",), task_limits.CONTACT_NAME_MAX),
    (("address", "text"), task_limits.ADDRESS_TEXT_MAX),
    (("address", "entrance"), task_limits.ADDRESS_PART_MAX),
    (("address", "floor"), task_limits.ADDRESS_PART_MAX),
    (("address", "flat"), task_limits.ADDRESS_PART_MAX),
    (("address", "notes"), task_limits.ADDRESS_NOTES_MAX),
    (("items", 0, "code"), task_limits.PRODUCT_CODE_MAX),
    (("items", 0, "name"), task_limits.PRODUCT_NAME_MAX),
]


def _with(path: tuple[Any, ...], value: object) -> dict[str, Any]:
    payload = _payload()
    target: Any = payload
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return payload


@pytest.mark.parametrize(("path", "limit"), TEXT_LIMITS, ids=lambda p: str(p))
def test_a_text_at_the_limit_passes_both_sides_and_one_more_character_neither(
    path: tuple[Any, ...], limit: int
) -> None:
    at_limit = _with(path, "ж" * limit)
    task_limits.check_task(at_limit)
    contract.Task.model_validate(at_limit)
    over = _with(path, "ж" * (limit + 1))
    with pytest.raises(ValidationError, match=f"is {limit + 1} characters long"):
        task_limits.check_task(over)
    with pytest.raises(ContractRefusal):
        contract.Task.model_validate(over)


@pytest.mark.parametrize(("path", "limit"), TEXT_LIMITS, ids=lambda p: str(p))
def test_a_nul_is_refused_by_both_sides(path: tuple[Any, ...], limit: int) -> None:
    bad = _with(path, "a\x00b")
    with pytest.raises(ValidationError, match="cannot take"):
        task_limits.check_task(bad)
    with pytest.raises(ContractRefusal):
        contract.Task.model_validate(bad)


def test_the_numeric_limits_of_the_domain_fit_inside_the_contract() -> None:
    # The domain may be stricter (its own columns are smaller), never looser.
    assert task_limits.KOP_MAX <= contract.MAX_KOP
    item_qty = contract.Item.model_fields["qty"].metadata
    assert any(getattr(m, "le", None) and m.le >= task_limits.QTY_MAX for m in item_qty)
    assert task_limits.E164_PATTERN == contract.E164_PATTERN
    lists = {"items": task_limits.LINES_MAX, "contact_phones": task_limits.PHONES_MAX}
    for name, limit in lists.items():
        (max_len,) = [
            m.max_length
            for m in contract.Task.model_fields[name].metadata
            if hasattr(m, "max_length")
        ]
        assert max_len == limit, name
    reason = contract.TaskCancel.model_fields["reason"].metadata
    assert [m.max_length for m in reason if hasattr(m, "max_length")] == [
        task_limits.CANCEL_REASON_MAX
    ]


# --------------------------------------------------------------------- refused, nothing kept


def test_a_too_long_comment_is_refused_and_nothing_is_written(
    sessions: sessionmaker[Session], world: World
) -> None:
    comment = "к" * 2500
    # Take an order in one step (create + send, as the workspace does): nothing is created.
    with pytest.raises(ValidationError) as refused, unit_of_work(sessions) as s:
        order = orders.create_order(
            s, world.person_id, [LineInput("W19", 2)], actor=OPERATOR, comment=comment
        )
        orders.send_to_delivery(s, order.id, Slot(world.courier_a, world.tomorrow), actor=OPERATOR)
    assert str(refused.value) == (
        "The comment is 2500 characters long; the courier's phone takes 2000."
    )
    with sessions() as s:
        assert _count(s, Order) == 0
        assert _count(s, CourierTask) == 0
        assert _count(s, OutboxMessage) == 0


def test_an_interest_that_holds_a_too_long_comment_stays_an_interest(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        order = orders.create_order(s, world.person_id, [LineInput("W19", 2)], actor=OPERATOR)
        order.comment = "к" * 2001  # written before the limit was checked (an old database)
        order_id = order.id
    with (
        pytest.raises(ValidationError, match="courier's phone takes 2000"),
        unit_of_work(sessions) as s,
    ):
        orders.send_to_delivery(s, order_id, Slot(world.courier_a, world.tomorrow), actor=OPERATOR)
    with sessions() as s:
        assert s.get(Order, order_id).state is OrderState.INTEREST  # type: ignore[union-attr]
        assert _count(s, CourierTask) == 0
        assert _count(s, OutboxMessage) == 0


def test_long_courier_notes_keep_the_order_from_delivery_with_a_message(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        client = add_client(
            s,
            NewClient(
                ClientKind.PERSON,
                "Пётр",
                phones=["+7 916 555-00-11"],
                addresses=[AddressInput("ул. Ленина, 5", courier_notes="н" * 2001)],
            ),
        )
        order_id = orders.create_order(s, client.id, [LineInput("W19", 1)], actor=OPERATOR).id
    with pytest.raises(ValidationError) as refused, unit_of_work(sessions) as s:
        orders.send_to_delivery(s, order_id, Slot(world.courier_a, world.tomorrow), actor=OPERATOR)
    assert str(refused.value) == (
        "The note for the courier is 2001 characters long; the courier's phone takes 2000."
    )
    with sessions() as s:
        assert _count(s, OutboxMessage) == 0


def test_more_lines_than_the_phone_lists_are_refused_when_the_order_is_taken(
    sessions: sessionmaker[Session], world: World
) -> None:
    lines = [LineInput("W19", 1)] * (task_limits.LINES_MAX + 1)
    with pytest.raises(ValidationError, match="has 201 lines"), unit_of_work(sessions) as s:
        orders.create_order(s, world.person_id, lines, actor=OPERATOR)
    with sessions() as s:
        assert _count(s, Order) == 0


def test_a_failure_reason_too_long_for_the_phone_is_refused(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        order_id = orders.create_order(s, world.person_id, [LineInput("W19", 1)], actor=OPERATOR).id
        orders.send_to_delivery(s, order_id, Slot(world.courier_a, world.tomorrow), actor=OPERATOR)
    with pytest.raises(ValidationError, match="The reason is 501"), unit_of_work(sessions) as s:
        orders.fail(s, order_id, reason="р" * 501, actor=OPERATOR)
    with sessions() as s:
        assert s.get(Order, order_id).state is OrderState.DELIVERY  # type: ignore[union-attr]
        assert _outbox_is_what_the_contract_takes(s) == 1


def test_a_window_shorter_than_a_minute_is_refused(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        order_id = orders.create_order(s, world.person_id, [LineInput("W19", 1)], actor=OPERATOR).id
    slot = Slot(world.courier_a, world.tomorrow, dt.time(10, 0, 10), dt.time(10, 0, 50))
    with pytest.raises(ValidationError, match="ends before it starts"), unit_of_work(sessions) as s:
        orders.send_to_delivery(s, order_id, slot, actor=OPERATOR)


def test_the_courier_gets_at_most_the_phones_the_contract_lists(
    sessions: sessionmaker[Session], world: World
) -> None:
    numbers = [f"+7 916 100-00-{n:02d}" for n in range(task_limits.PHONES_MAX + 5)]
    with unit_of_work(sessions) as s:
        client = add_client(
            s,
            NewClient(
                ClientKind.PERSON,
                "Много Телефонов",
                phones=numbers,
                addresses=[AddressInput("ул. Мира, 1")],
            ),
        )
        order_id = orders.create_order(s, client.id, [LineInput("W19", 1)], actor=OPERATOR).id
        orders.send_to_delivery(s, order_id, Slot(world.courier_a, world.tomorrow), actor=OPERATOR)
    with sessions() as s:
        assert _outbox_is_what_the_contract_takes(s) == 1
        (message,) = s.scalars(select(OutboxMessage))
        assert message.payload["contact_phones"][0] == "+79161000000"
        assert len(message.payload["contact_phones"]) == task_limits.PHONES_MAX


# ------------------------------------------------------------------------------ the property

# Unusual text: Cyrillic, combining marks, right-to-left, zero-width, emoji (astral plane),
# CJK, control characters other than NUL. NUL and lone surrogates are refused by the
# databases before the domain sees them, so they are tested above, on the payload.
_CHARS = st.characters(
    codec="utf-8",
    exclude_characters="\x00",
)
_SPECIAL = st.sampled_from(
    ["ё", "й", "\u0301", "\u200b", "\u202e", "👩", "\u200d", "👧", "水", "\t", "\u00a0", " "]
)


def _text(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    pieces = st.one_of(_CHARS, _SPECIAL)
    short = st.text(pieces, min_size=min_size, max_size=min(max_size, 30))
    near_limit = st.integers(max(min_size, max_size - 3), max_size).flatmap(
        lambda n: st.text(pieces, min_size=n, max_size=n)
    )
    return st.one_of(short, near_limit)


def _limit_text(limit: int) -> st.SearchStrategy[str]:
    """Texts up to a few characters past ``limit``: either side of it, with repeats."""
    return st.one_of(
        _text(0, 30),
        st.integers(limit - 2, limit + 2).flatmap(lambda n: st.just("ж" * n)),
        st.integers(limit - 2, limit + 2).flatmap(
            lambda n: st.text(_SPECIAL, min_size=n, max_size=n)
        ),
    )


orders_to_take = st.fixed_dictionaries(
    {
        "name": _text(1, 300).filter(lambda t: t.strip()),
        "address": _text(1, 500).filter(lambda t: t.strip()),
        "entrance": _text(0, 20),
        "flat": _text(0, 20),
        "notes": _limit_text(task_limits.ADDRESS_NOTES_MAX),
        "coords": st.one_of(
            st.none(),
            st.tuples(st.floats(-90, 90, allow_nan=False), st.floats(-180, 180, allow_nan=False)),
        ),
        "contact": st.one_of(st.none(), _text(1, 300).filter(lambda t: t.strip())),
        "company": st.booleans(),
        "lines": st.lists(
            st.tuples(st.sampled_from(["W19", "PUMP", "BTL", "SAN", LONG]), st.integers(1, 10_000)),
            min_size=1,
            max_size=4,
        ),
        "comment": _limit_text(task_limits.COMMENT_MAX),
        "window": st.one_of(
            st.none(),
            st.tuples(st.integers(0, 22), st.integers(0, 59), st.integers(1, 120)),
        ),
        "days": st.integers(0, 400),
    }
)


@pytest.fixture
def long_product(sessions: sessionmaker[Session], world: World) -> str:
    """A product whose code and name are as long as the phone takes, in unusual letters."""
    name = ("Ёж\u0301👩\u200d👩\u200d👧水" * 40)[: task_limits.PRODUCT_NAME_MAX]
    with unit_of_work(sessions) as s:
        add_product(s, LONG, name, 2_000_000)
    return LONG


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=orders_to_take)
def test_every_task_the_domain_commits_is_one_the_contract_accepts(
    sessions: sessionmaker[Session], world: World, long_product: str, data: dict[str, Any]
) -> None:
    try:
        with unit_of_work(sessions) as s:
            lat, lon = data["coords"] or (None, None)
            client = add_client(
                s,
                NewClient(
                    ClientKind.COMPANY if data["company"] else ClientKind.PERSON,
                    data["name"],
                    phones=["+7 916 123-45-67"],
                    addresses=[
                        AddressInput(
                            data["address"],
                            entrance=data["entrance"],
                            flat=data["flat"],
                            courier_notes=data["notes"],
                            lat=lat,
                            lon=lon,
                        )
                    ],
                ),
            )
            contact_id = (
                add_contact(s, client.id, data["contact"], phones=["+7 926 000-11-22"]).id
                if data["contact"]
                else None
            )
            client_id, address_id = client.id, client.addresses[0].id
    except DomainError:
        assume(False)  # not a client the domain takes; nothing to send
    window = data["window"]
    start = end = None
    if window is not None:
        start = dt.time(window[0], window[1])
        minutes = min(window[0] * 60 + window[1] + window[2], 23 * 60 + 59)
        end = dt.time(minutes // 60, minutes % 60)
    slot = Slot(world.courier_a, world.tomorrow + dt.timedelta(days=data["days"]), start, end)
    with sessions() as s:
        before = _count(s, OutboxMessage)
        orders_before = _count(s, Order)
    try:
        with unit_of_work(sessions) as s:
            order = orders.create_order(
                s,
                client_id,
                [LineInput(code, qty) for code, qty in data["lines"]],
                actor=OPERATOR,
                address_id=address_id,
                contact_id=contact_id,
                comment=data["comment"],
            )
            orders.send_to_delivery(s, order.id, slot, actor=OPERATOR)
        taken = True
    except DomainError:
        taken = False
    with sessions() as s:
        # Refused: nothing of the order was kept. Taken: one task the phone can receive.
        assert _count(s, OutboxMessage) == before + (1 if taken else 0)
        assert _count(s, Order) == orders_before + (1 if taken else 0)
        for message in s.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(1)):
            contract.Task.model_validate(message.payload)


def test_a_total_too_large_for_the_phone_is_refused(
    sessions: sessionmaker[Session], world: World, long_product: str
) -> None:
    with pytest.raises(ValidationError, match="amount to collect"), unit_of_work(sessions) as s:
        order = orders.create_order(
            s, world.person_id, [LineInput(long_product, 10_000)], actor=OPERATOR
        )
        # 10 000 × 20 000 ₽ is more than the amount column and the phone take.
        orders.send_to_delivery(s, order.id, Slot(world.courier_a, world.tomorrow), actor=OPERATOR)
    with sessions() as s:
        assert _count(s, Order) == 0
        assert _count(s, OutboxMessage) == 0

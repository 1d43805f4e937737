"""Domain messages carry an English template and its values; str() stays the English text."""

from __future__ import annotations

import datetime as dt
import pickle
import string

import pytest
from sqlalchemy.orm import Session, sessionmaker

from dispatcher import orders
from dispatcher.catalog import parse_money
from dispatcher.clients import NewClient, add_client
from dispatcher.db import unit_of_work
from dispatcher.errors import DomainError, DomainText, NotFoundError, ValidationError
from dispatcher.models import ClientKind
from dispatcher.orders import LineInput, Slot
from dispatcher.planning import suggest_courier
from tests.dispatcher.conftest import OPERATOR, World


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _english(error: DomainError) -> str:
    return error.template.format(**error.params)


def _check(error: DomainError) -> None:
    assert _english(error) == str(error)
    assert _fields(error.template) == set(error.params)


def test_an_error_raised_with_a_template_formats_to_its_message() -> None:
    error = ValidationError.of("Order #{order_id} is {state}.", order_id=7, state="closed")
    assert str(error) == "Order #7 is closed."
    assert error.template == "Order #{order_id} is {state}."
    assert error.params == {"order_id": 7, "state": "closed"}


def test_a_plain_message_is_a_template_without_values() -> None:
    error = ValidationError("Braces {like this} stay as written.")
    assert str(error) == "Braces {like this} stay as written."
    assert error.params == {}
    assert _english(error) == str(error)


def test_a_pickled_error_keeps_its_template() -> None:
    error = pickle.loads(pickle.dumps(NotFoundError.of("Order #{order_id} is gone.", order_id=3)))
    assert isinstance(error, NotFoundError)
    assert (str(error), error.template, error.params) == (
        "Order #3 is gone.",
        "Order #{order_id} is gone.",
        {"order_id": 3},
    )


def test_the_time_window_error() -> None:
    with pytest.raises(ValidationError) as err:
        Slot.parse_window("10-14")
    assert str(err.value) == (
        "Time window '10-14' is not in the form HH:MM-HH:MM, e.g. 10:00-14:00."
    )
    assert err.value.params == {"text": "10-14"}
    _check(err.value)


def test_money_errors() -> None:
    for text in ("abc", "1.005", "999999999999"):
        with pytest.raises(ValidationError) as err:
            parse_money(text)
        _check(err.value)


def test_a_date_is_a_value_the_template_formats(
    sessions: sessionmaker[Session], world: World
) -> None:
    yesterday = world.tomorrow - dt.timedelta(days=2)
    with unit_of_work(sessions) as s:
        order = orders.create_order(s, world.person_id, [LineInput("W19", 1)], actor=OPERATOR)
        order_id = order.id
    with pytest.raises(ValidationError) as err, unit_of_work(sessions) as s:
        orders.send_to_delivery(s, order_id, Slot(world.courier_a, yesterday), actor=OPERATOR)
    assert err.value.template == "Delivery date {date:%d.%m.%Y} is in the past."
    assert err.value.params == {"date": yesterday}
    assert str(err.value) == f"Delivery date {yesterday:%d.%m.%Y} is in the past."


def test_a_refused_transition_names_the_state_as_a_translatable_text(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        order_id = orders.create_order(s, world.person_id, [LineInput("W19", 1)], actor=OPERATOR).id
    with pytest.raises(DomainError) as err, unit_of_work(sessions) as s:
        orders.close(s, order_id, actor=OPERATOR)
    assert str(err.value) == f"Order #{order_id} is an interest: it cannot be closed."
    state = err.value.params["state"]
    assert isinstance(state, DomainText) and state.template == "an interest"
    _check(err.value)


def test_lookups_and_validation_of_clients(sessions: sessionmaker[Session], world: World) -> None:
    with pytest.raises(NotFoundError) as missing, unit_of_work(sessions) as s:
        orders.get_order(s, 987_654)
    assert missing.value.params == {"order_id": 987_654}
    _check(missing.value)
    with pytest.raises(ValidationError) as bad_phone, unit_of_work(sessions) as s:
        add_client(s, NewClient(ClientKind.PERSON, "Кто-то", phones=["12ab"]))
    problem = bad_phone.value.params["problem"]
    assert isinstance(problem, DomainText) and problem.template.startswith("Not a phone number")
    _check(bad_phone.value)


def test_a_suggestion_reason_is_its_template_formatted(
    sessions: sessionmaker[Session], world: World
) -> None:
    with sessions() as s:
        suggestion = suggest_courier(s, world.person_address_id, world.tomorrow)
    assert suggestion is not None
    assert suggestion.reason_template == "has the fewest deliveries on {day:%d.%m} ({n})"
    assert suggestion.reason_params == {"day": world.tomorrow, "n": 0}
    assert suggestion.reason_template.format(**suggestion.reason_params) == suggestion.reason

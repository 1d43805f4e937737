"""`dispatch price …` and `dispatch product edit|disable|enable` as admins and scripts use them."""

from __future__ import annotations

import datetime as dt

from dispatcher.models import UserRole
from dispatcher.orders import moscow_today
from tests.dispatcher.test_cli import Runner, add_account
from tests.dispatcher.test_cli import dispatch as dispatch  # the fixture, re-exported

TOMORROW = moscow_today() + dt.timedelta(days=1)


def _company(dispatch: Runner) -> int:
    dispatch.json("product", "add", "--code", "W19", "--name", "Вода 19 л", "--price", "350")
    company = dispatch.json(
        "client", "add", "--kind", "company", "--name", 'ООО "Ромашка"',
        "--phone", "8 495 123 45 67", "--address", "г. Москва, Тверская ул., д. 1",
    )  # fmt: skip
    return int(company["id"])  # type: ignore[index]


def test_prices_are_set_from_a_date_and_listed(dispatch: Runner) -> None:
    company_id = _company(dispatch)
    row = dispatch.json("price", "set", "W19", "400", "--from", TOMORROW.isoformat())
    assert (row["amount_kop"], row["valid_from"]) == (40000, TOMORROW.isoformat())  # type: ignore[index]
    contract = dispatch.json(
        "price", "set", "W19", "290", "--client", str(company_id), "--to", TOMORROW.isoformat()
    )
    assert contract["valid_to"] == TOMORROW.isoformat()  # type: ignore[index]
    code, out, _err = dispatch("price", "list", "W19")
    assert code == 0
    assert "350,00 ₽" in out and "400,00 ₽" in out and "290,00 ₽" in out and "Ромашка" in out
    listed = dispatch.json("product", "list")
    assert listed[0]["price_kop"] == 35000  # type: ignore[index]


def test_price_mistakes_exit_2_with_a_message(dispatch: Runner) -> None:
    _company(dispatch)
    person = dispatch.json(
        "client", "add", "--kind", "person", "--name", "Иванова Мария", "--phone", "89161234567"
    )
    yesterday = (moscow_today() - dt.timedelta(days=1)).isoformat()
    for argv, message in [
        (("price", "set", "W19", "-1"), "cannot be negative"),
        (("price", "set", "W19", "abc"), "not an amount of money"),
        (("price", "set", "W19", "300", "--from", yesterday), "cannot start in the past"),
        (("price", "set", "W19", "300", "--client", str(person["id"])), "for companies"),  # type: ignore[index]
        (("price", "set", "W19", "300", "--to", TOMORROW.isoformat()), "give --client"),
        (("price", "set", "NOPE", "300"), "no product with code"),
    ]:
        code, _out, err = dispatch(*argv)
        assert (code, message in err, "Traceback" in err) == (2, True, False), (argv, err)


def test_products_are_edited_disabled_and_enabled(dispatch: Runner) -> None:
    _company(dispatch)
    edited = dispatch.json(
        "product", "edit", "W19", "--name", "Вода питьевая 19 л", "--unit", "бут"
    )
    assert (edited["name"], edited["unit"]) == ("Вода питьевая 19 л", "бут")  # type: ignore[index]
    assert dispatch.json("product", "disable", "W19")["active"] is False  # type: ignore[index]
    _code, out, _err = dispatch("product", "list")
    assert "не продаётся" in out
    assert dispatch.json("product", "enable", "W19")["active"] is True  # type: ignore[index]


def test_an_operator_is_refused_with_exit_2(dispatch: Runner) -> None:
    _company(dispatch)
    add_account(dispatch.db_url, "olga", UserRole.OPERATOR)
    olga = Runner(dispatch.db_url, dispatch.capsys, user="olga")
    for argv in (
        ("price", "set", "W19", "300"),
        ("product", "disable", "W19"),
        ("product", "edit", "W19", "--name", "Вода"),
    ):
        code, _out, err = olga(*argv)
        assert code == 2 and "only a shift lead or an admin" in err, (argv, err)
    code, out, _err = olga("price", "list", "W19")
    assert code == 0 and "350,00 ₽" in out

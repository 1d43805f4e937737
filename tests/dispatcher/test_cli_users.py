"""`dispatch` as a signed-in user: `--user`, the first account, `user …`, refused roles."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dispatcher.db import make_engine, session_factory
from dispatcher.models import Client, UserRole
from tests.dispatcher.test_cli import ADMIN, PASSWORD, Runner, add_account

LEAD_LOGIN, CLERK_LOGIN = "lead", "clerk"


@pytest.fixture
def anonymous(db_url: str, capsys: pytest.CaptureFixture[str]) -> Runner:
    """`dispatch` without --user."""
    return Runner(db_url, capsys, user=None)


@pytest.fixture
def accounts(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """An admin, a shift lead and an operator, all with PASSWORD."""
    for login, role in ((ADMIN, UserRole.ADMIN), (LEAD_LOGIN, UserRole.LEAD)):
        add_account(db_url, login, role)
    add_account(db_url, CLERK_LOGIN, UserRole.OPERATOR)
    monkeypatch.setenv("DISPATCH_PASSWORD", PASSWORD)


def as_user(db_url: str, capsys: pytest.CaptureFixture[str], login: str) -> Runner:
    return Runner(db_url, capsys, user=login)


def test_the_first_admin_is_added_without_signing_in_and_the_second_is_refused(
    anonymous: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISPATCH_NEW_PASSWORD", "first admin password")
    first = anonymous.json("user", "add", "anna", "--name", "Анна Смирнова", "--role", "admin")
    assert first == {
        "login": "anna",
        "name": "Анна Смирнова",
        "role": "admin",
        "active": True,
        "last_login_at": None,
        "locked_until": None,
    }
    code, _, err = anonymous("user", "add", "boris", "--name", "Борис", "--role", "admin")
    assert code == 2
    assert "dispatch --user LOGIN user add" in err and "Traceback" not in err

    # Signed in as the first admin, the second account is added.
    monkeypatch.setenv("DISPATCH_PASSWORD", "first admin password")
    anonymous.user = "anna"
    second = anonymous.json("user", "add", "boris", "--name", "Борис", "--role", "operator")
    assert second["role"] == "operator"  # type: ignore[index]
    listed = anonymous.json("user", "list")
    assert [u["login"] for u in listed] == ["anna", "boris"]  # type: ignore[union-attr]
    assert all("hash" not in key for u in listed for key in u)  # type: ignore[union-attr]


@pytest.mark.usefixtures("accounts")
def test_without_user_only_the_schema_demo_and_lookups_work(anonymous: Runner) -> None:
    assert anonymous.json("db", "status")["up_to_date"] is True  # type: ignore[index]
    code, _, _ = anonymous("lookup", "89161234567")
    assert code == 0
    code, _, err = anonymous("courier", "list")
    assert code == 2
    assert "`dispatch courier` acts as a signed-in user: pass --user LOGIN" in err


@pytest.mark.usefixtures("accounts")
def test_a_wrong_password_exits_2_with_the_message(
    db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISPATCH_PASSWORD", "not the password")
    code, _, err = as_user(db_url, capsys, CLERK_LOGIN)("courier", "list")
    assert (code, err.strip()) == (2, "error: Wrong login or password.")


@pytest.mark.usefixtures("accounts")
def test_merging_clients_is_refused_for_an_operator_and_done_for_a_lead(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    clerk, lead = as_user(db_url, capsys, CLERK_LOGIN), as_user(db_url, capsys, LEAD_LOGIN)
    ids = [
        clerk.json("client", "add", "--kind", "person", "--name", "Иванова Мария",
                   "--phone", phone)["id"]  # type: ignore[index]
        for phone in ("+7 916 123-45-67", "+7 495 765-43-21")
    ]  # fmt: skip
    code, _, err = clerk("client", "merge", str(ids[0]), str(ids[1]))
    assert code == 2
    assert "You may not merge clients: only a shift lead or an admin may do that." in err
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as s:
            assert s.scalars(select(Client.merged_into_id)).all() == [None, None]
        merged = lead.json("client", "merge", str(ids[0]), str(ids[1]))
        assert merged["id"] == ids[0]  # type: ignore[index]
        with session_factory(engine)() as s:
            assert s.get(Client, ids[1]).merged_into_id == ids[0]  # type: ignore[union-attr]
    finally:
        engine.dispose()


@pytest.mark.usefixtures("accounts")
@pytest.mark.parametrize(
    "argv",
    [
        ["courier", "add", "--name", "Новиков Ной"],
        ["product", "add", "--code", "CUP", "--name", "Стаканчики", "--price", "50"],
        ["reason", "add", "Дорого"],
        ["user", "disable", "lead"],
    ],
)
def test_lead_and_admin_commands_are_refused_for_an_operator(
    db_url: str, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, out, err = as_user(db_url, capsys, CLERK_LOGIN)(*argv)
    assert (code, out) == (2, "")
    assert "You may not" in err and "You are signed in as operator." in err


@pytest.mark.usefixtures("accounts")
def test_an_admin_disables_and_enables_an_account(
    db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = as_user(db_url, capsys, ADMIN)
    assert admin.json("user", "disable", CLERK_LOGIN)["active"] is False  # type: ignore[index]
    code, _, err = as_user(db_url, capsys, CLERK_LOGIN)("courier", "list")
    assert code == 2 and "disabled" in err
    assert admin.json("user", "enable", CLERK_LOGIN)["active"] is True  # type: ignore[index]
    monkeypatch.setenv("DISPATCH_NEW_PASSWORD", "a new long password")
    admin.json("user", "password", CLERK_LOGIN)
    monkeypatch.setenv("DISPATCH_PASSWORD", "a new long password")
    code, _, _ = as_user(db_url, capsys, CLERK_LOGIN)("courier", "list")
    assert code == 0

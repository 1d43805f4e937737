"""Operator accounts and signing in, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dispatcher import users
from dispatcher.db import unit_of_work
from dispatcher.errors import DomainError, PermissionDenied, ValidationError
from dispatcher.models import User, UserRole
from dispatcher.users import (
    MAX_DELAY,
    Actor,
    actor_of,
    add_user,
    authenticate,
    delay_after,
    disable_user,
    enable_user,
    first_user_needed,
    list_users,
    require_role,
    set_password,
)

PASSWORD = "correct horse"
ADMIN = Actor("boss", "Админов Антон", UserRole.ADMIN)
LEAD = Actor("lead", "Старшая Светлана", UserRole.LEAD)
OPERATOR = Actor("op", "Операторова Ольга", UserRole.OPERATOR)
T0 = dt.datetime(2026, 12, 8, 9, 0, tzinfo=dt.UTC)


def at(seconds: float) -> dt.datetime:
    """The injected clock: ``seconds`` after T0."""
    return T0 + dt.timedelta(seconds=seconds)


# Argon2 at its real cost takes a good part of a second on a busy machine; the rules are
# the same at the lowest cost argon2-cffi allows.
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
REAL = users._hasher


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash at the lowest cost in these tests."""
    monkeypatch.setattr(users, "_hasher", CHEAP)
    monkeypatch.setattr(users, "_dummy_hash", None)


@pytest.fixture
def accounts(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """An admin (the first account, added without signing in) and an operator, Ivanova."""
    with unit_of_work(sessions) as s:
        add_user(s, "boss", "Админов Антон", UserRole.ADMIN, PASSWORD, actor=None)
        add_user(s, "Ivanova", "Иванова Мария", "operator", PASSWORD, actor=ADMIN)
    return sessions


def sign_in(sessions: sessionmaker[Session], login: str, password: str, now: dt.datetime) -> Actor:
    """authenticate() in its own unit of work, as the desk and the CLI run it."""
    with unit_of_work(sessions) as s:
        return authenticate(s, login, password, now=now)


def refusal(sessions: sessionmaker[Session], login: str, password: str, now: dt.datetime) -> str:
    """The message a refused sign-in gives."""
    with pytest.raises(PermissionDenied) as caught:
        sign_in(sessions, login, password, now)
    return str(caught.value)


def stored(sessions: sessionmaker[Session], login: str) -> User:
    """The account's row as committed."""
    with sessions() as s:
        user = s.scalars(select(User).where(User.login == login)).one()
        s.expunge(user)
        return user


# ---- accounts -------------------------------------------------------------------------


def test_the_first_account_needs_nobody_signed_in(sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as s:
        assert first_user_needed(s)
        info = add_user(s, "  Boss ", "Админов  Антон", UserRole.ADMIN, PASSWORD, actor=None)
        assert not first_user_needed(s)
    assert (info.login, info.name, info.role, info.active) == (
        "boss",
        "Админов Антон",
        UserRole.ADMIN,
        True,
    )
    row = stored(sessions, "boss")
    assert row.password_hash.startswith("$argon2id$")
    assert PASSWORD not in row.password_hash


def test_after_the_first_account_only_an_admin_adds_users(
    accounts: sessionmaker[Session],
) -> None:
    with unit_of_work(accounts) as s:
        with pytest.raises(PermissionDenied, match="Sign in as an admin to add users"):
            add_user(s, "petrov", "Петров", UserRole.OPERATOR, PASSWORD, actor=None)
        with pytest.raises(PermissionDenied, match="only an admin"):
            add_user(s, "petrov", "Петров", UserRole.OPERATOR, PASSWORD, actor=LEAD)
        add_user(s, "petrov", "Петров", UserRole.OPERATOR, PASSWORD, actor=ADMIN)


def test_a_duplicate_login_is_refused_whatever_its_case(accounts: sessionmaker[Session]) -> None:
    with unit_of_work(accounts) as s, pytest.raises(ValidationError) as caught:
        add_user(s, "IVANOVA", "Другая Иванова", UserRole.OPERATOR, PASSWORD, actor=ADMIN)
    assert str(caught.value) == "A user with login 'ivanova' already exists."
    assert caught.value.template == "A user with login {login!r} already exists."


@pytest.mark.parametrize(
    ("login", "name", "role", "password", "message"),
    [
        ("x", "Имя", "operator", PASSWORD, "Login 'x' is not valid"),
        ("a" * 65, "Имя", "operator", PASSWORD, "is not valid: use 2 to 64"),
        ("ivan ov", "Имя", "operator", PASSWORD, "Login 'ivan ov' is not valid"),
        ("ivan@ov", "Имя", "operator", PASSWORD, "is not valid"),
        ("petrov", "  ", "operator", PASSWORD, "A user needs a name."),
        ("petrov", "Имя", "courier", PASSWORD, "'courier' is not a role"),
        ("petrov", "Имя", "operator", "1234567", "too short: at least 8 characters"),
        ("petrov", "Имя", "operator", "x" * 257, "too long: at most 256 characters"),
    ],
)
def test_bad_input_is_refused_with_a_message(
    accounts: sessionmaker[Session], login: str, name: str, role: str, password: str, message: str
) -> None:
    with unit_of_work(accounts) as s, pytest.raises(ValidationError, match=message):
        add_user(s, login, name, role, password, actor=ADMIN)


def test_logins_may_use_any_letters_dots_dashes_and_underscores(
    accounts: sessionmaker[Session],
) -> None:
    with unit_of_work(accounts) as s:
        info = add_user(s, "Петров_П.-2", "Петров", UserRole.LEAD, "12345678", actor=ADMIN)
    assert info.login == "петров_п.-2"
    assert sign_in(accounts, "ПЕТРОВ_П.-2", "12345678", T0).role is UserRole.LEAD


def test_leads_list_users_operators_may_not(accounts: sessionmaker[Session]) -> None:
    with unit_of_work(accounts) as s:
        assert [(u.login, u.role) for u in list_users(s, actor=LEAD)] == [
            ("boss", UserRole.ADMIN),
            ("ivanova", UserRole.OPERATOR),
        ]
        with pytest.raises(PermissionDenied, match="You may not list users"):
            list_users(s, actor=OPERATOR)


# ---- signing in -----------------------------------------------------------------------


def test_the_right_password_signs_in_as_an_actor(accounts: sessionmaker[Session]) -> None:
    actor = sign_in(accounts, " IVANOVA ", PASSWORD, T0)
    assert actor == Actor("ivanova", "Иванова Мария", UserRole.OPERATOR)
    assert stored(accounts, "ivanova").last_login_at == T0


def test_unknown_login_and_wrong_password_say_the_same(accounts: sessionmaker[Session]) -> None:
    wrong = refusal(accounts, "ivanova", "not the password", T0)
    unknown = refusal(accounts, "nobody", PASSWORD, T0)
    assert wrong == unknown == "Wrong login or password."


def test_a_disabled_account_cannot_sign_in_until_enabled(accounts: sessionmaker[Session]) -> None:
    with unit_of_work(accounts) as s:
        info = disable_user(s, "Ivanova", actor=ADMIN)
    assert not info.active
    assert refusal(accounts, "ivanova", PASSWORD, T0) == (
        "The account 'ivanova' is disabled. Ask an admin."
    )
    # A wrong password does not tell that the account exists, disabled or not.
    assert refusal(accounts, "ivanova", "guessing", T0) == "Wrong login or password."
    with unit_of_work(accounts) as s:
        enable_user(s, "ivanova", actor=ADMIN)
    assert sign_in(accounts, "ivanova", PASSWORD, T0).login == "ivanova"


def test_the_demo_signs_in_an_active_account_without_its_password(
    accounts: sessionmaker[Session],
) -> None:
    with unit_of_work(accounts) as s:
        assert actor_of(s, "BOSS") == Actor("boss", "Админов Антон", UserRole.ADMIN)
        disable_user(s, "ivanova", actor=ADMIN)
        with pytest.raises(PermissionDenied, match="disabled"):
            actor_of(s, "ivanova")
        with pytest.raises(ValidationError, match="no user"):
            actor_of(s, "nobody")


def test_only_an_admin_disables_and_never_the_last_admin(accounts: sessionmaker[Session]) -> None:
    with unit_of_work(accounts) as s:
        with pytest.raises(PermissionDenied, match="You may not disable users"):
            disable_user(s, "ivanova", actor=LEAD)
        with pytest.raises(ValidationError, match="last active admin"):
            disable_user(s, "boss", actor=ADMIN)
        with pytest.raises(ValidationError, match="no user with login 'nobody'"):
            disable_user(s, "nobody", actor=ADMIN)


def test_wrong_passwords_are_counted_even_though_the_sign_in_fails(
    accounts: sessionmaker[Session],
) -> None:
    refusal(accounts, "ivanova", "wrong-1", T0)
    refusal(accounts, "ivanova", "wrong-2", at(1))
    # The count was committed although the unit of work of each attempt rolled back.
    assert stored(accounts, "ivanova").failed_logins == 2
    sign_in(accounts, "ivanova", PASSWORD, at(2))
    row = stored(accounts, "ivanova")
    assert (row.failed_logins, row.locked_until) == (0, None)


def test_from_the_third_wrong_password_each_try_waits_longer(
    accounts: sessionmaker[Session],
) -> None:
    assert refusal(accounts, "ivanova", "wrong", at(0)) == "Wrong login or password."
    assert refusal(accounts, "ivanova", "wrong", at(0)) == "Wrong login or password."
    third = refusal(accounts, "ivanova", "wrong", at(0))
    assert third == "Too many wrong passwords in a row. Try again in 1 s."
    assert stored(accounts, "ivanova").locked_until == at(1)
    # Refused while waiting: even the right password, and nothing more is counted.
    assert refusal(accounts, "ivanova", PASSWORD, at(0.5)) == third
    assert stored(accounts, "ivanova").failed_logins == 3
    fourth = refusal(accounts, "ivanova", "wrong", at(1))
    assert fourth == "Too many wrong passwords in a row. Try again in 2 s."
    fifth = refusal(accounts, "ivanova", "wrong", at(3))
    assert fifth == "Too many wrong passwords in a row. Try again in 4 s."
    assert refusal(accounts, "ivanova", PASSWORD, at(6)) == (
        "Too many wrong passwords in a row. Try again in 1 s."
    )
    # Once the delay passed, the right password signs in and the count starts over.
    assert sign_in(accounts, "ivanova", PASSWORD, at(7)).login == "ivanova"
    assert refusal(accounts, "ivanova", "wrong", at(8)) == "Wrong login or password."


def test_a_long_wait_is_said_in_minutes(accounts: sessionmaker[Session]) -> None:
    with unit_of_work(accounts) as s:
        s.scalars(select(User).where(User.login == "ivanova")).one().failed_logins = 20
    message = refusal(accounts, "ivanova", "wrong", T0)
    assert message == "Too many wrong passwords in a row. Try again in 5 min."
    assert stored(accounts, "ivanova").locked_until == T0 + MAX_DELAY


def test_one_account_s_wrong_passwords_do_not_slow_down_another(
    accounts: sessionmaker[Session],
) -> None:
    for _ in range(3):
        refusal(accounts, "ivanova", "wrong", T0)
    assert sign_in(accounts, "boss", PASSWORD, T0).role is UserRole.ADMIN


def test_delays_double_up_to_five_minutes() -> None:
    seconds = [delay_after(n).total_seconds() for n in range(1, 14)]
    assert seconds == [0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]
    assert delay_after(10_000) == MAX_DELAY


def test_a_new_password_lifts_the_wait(accounts: sessionmaker[Session]) -> None:
    for _ in range(4):
        refusal(accounts, "ivanova", "wrong", T0)
    with unit_of_work(accounts) as s:
        set_password(s, "ivanova", "a new secret", actor=ADMIN)
    assert sign_in(accounts, "ivanova", "a new secret", T0).login == "ivanova"
    assert refusal(accounts, "ivanova", PASSWORD, T0) == "Wrong login or password."


def test_people_change_their_own_password_knowing_the_current_one(
    accounts: sessionmaker[Session],
) -> None:
    me = Actor("ivanova", "Иванова Мария", UserRole.OPERATOR)
    with unit_of_work(accounts) as s:
        with pytest.raises(ValidationError, match="current password is wrong"):
            set_password(s, "ivanova", "a new secret", actor=me, current_password="guess")
        with pytest.raises(PermissionDenied, match="set other users' passwords"):
            set_password(s, "boss", "a new secret", actor=me)
        with pytest.raises(ValidationError, match="too short"):
            set_password(s, "ivanova", "short", actor=me, current_password=PASSWORD)
        set_password(s, "ivanova", "a new secret", actor=me, current_password=PASSWORD)
    assert sign_in(accounts, "ivanova", "a new secret", T0) == me


def test_a_hash_made_with_weaker_settings_is_renewed_at_sign_in(
    accounts: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    monkeypatch.setattr(users, "_hasher", stronger)
    assert stronger.check_needs_rehash(stored(accounts, "ivanova").password_hash)
    sign_in(accounts, "ivanova", PASSWORD, T0)
    assert not stronger.check_needs_rehash(stored(accounts, "ivanova").password_hash)
    assert sign_in(accounts, "ivanova", PASSWORD, T0).login == "ivanova"


def test_real_hashes_use_argon2id_at_its_recommended_cost() -> None:
    # The module's own hasher, not the cheap one of these tests.
    assert REAL.hash(PASSWORD).startswith("$argon2id$v=19$m=65536,t=3,p=4$")


# ---- roles ----------------------------------------------------------------------------

ALLOWED = {
    (UserRole.OPERATOR, UserRole.OPERATOR),
    (UserRole.LEAD, UserRole.OPERATOR),
    (UserRole.LEAD, UserRole.LEAD),
    (UserRole.ADMIN, UserRole.OPERATOR),
    (UserRole.ADMIN, UserRole.LEAD),
    (UserRole.ADMIN, UserRole.ADMIN),
}


@pytest.mark.parametrize("needed", list(UserRole))
@pytest.mark.parametrize("held", list(UserRole))
def test_require_role_ranks_operator_lead_admin(held: UserRole, needed: UserRole) -> None:
    actor = Actor("someone", "Кто-то", held)
    if (held, needed) in ALLOWED:
        require_role(actor, needed, action="merge clients")
        return
    with pytest.raises(PermissionDenied) as caught:
        require_role(actor, needed, action="merge clients")
    assert isinstance(caught.value, DomainError)
    message = str(caught.value)
    assert message.startswith("You may not merge clients: only ")
    assert ("only an admin" in message) is (needed is UserRole.ADMIN)
    assert ("only a shift lead or an admin" in message) is (needed is UserRole.LEAD)


def test_a_refusal_names_the_action_and_the_role_to_translate() -> None:
    with pytest.raises(PermissionDenied) as caught:
        require_role(OPERATOR, UserRole.LEAD, action="merge clients")
    assert str(caught.value) == (
        "You may not merge clients: only a shift lead or an admin may do that. "
        "You are signed in as operator."
    )
    # The action and the role are texts of their own: the workspace translates each.
    assert caught.value.params["action"].template == "merge clients"
    assert caught.value.params["role"].template == "operator"


@pytest.mark.parametrize(
    ("needed", "message"),
    [
        (UserRole.OPERATOR, "Sign in to take orders."),
        (UserRole.LEAD, "Sign in as a shift lead or an admin to take orders."),
        (UserRole.ADMIN, "Sign in as an admin to take orders."),
    ],
)
def test_nobody_signed_in_is_told_to_sign_in(needed: UserRole, message: str) -> None:
    with pytest.raises(PermissionDenied) as caught:
        require_role(None, needed, action="take orders")
    assert str(caught.value) == message

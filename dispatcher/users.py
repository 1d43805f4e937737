"""Operator accounts: adding and disabling them, passwords, signing in, and role checks.

Passwords are hashed with Argon2id (argon2-cffi, the algorithm OWASP recommends). Signing
in is slowed down per account: from the third wrong password in a row each attempt is
refused, without even checking the hash, until a delay that doubles with every further
wrong password (1 s, 2 s, 4 s … at most 5 minutes) has passed. An unknown login and a
wrong password get the same message, so the sign-in does not tell which logins exist.

Every operation a person does carries an `Actor` (who signed in) and calls `require_role`
before it changes anything: roles are enforced here, not by hiding buttons.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatcher.errors import DomainText, PermissionDenied, ValidationError, translatable
from dispatcher.models import User, UserRole, utcnow

logger = logging.getLogger(__name__)

LOGIN_MIN, LOGIN_MAX = 2, 64
PASSWORD_MIN = 8
# Far above any password a person types; bounds the hashing work one request can ask for.
PASSWORD_MAX = 256
NAME_MAX = 200  # the column size of User.name

# Wrong passwords in a row that are answered at once; from the next one on, a delay.
FREE_ATTEMPTS = 2
MAX_DELAY = dt.timedelta(minutes=5)

_LOGIN = re.compile(r"[\w.-]+")  # \w: letters and digits of any script, and "_"

_RANK = {UserRole.OPERATOR: 0, UserRole.LEAD: 1, UserRole.ADMIN: 2}
_ROLE_TITLES = {
    UserRole.OPERATOR: DomainText(translatable("operator")),
    UserRole.LEAD: DomainText(translatable("shift lead")),
    UserRole.ADMIN: DomainText(translatable("admin")),
}

_hasher = PasswordHasher()
# Checked against when the login is unknown, so that it takes as long as a wrong password.
_dummy_hash: str | None = None


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is signed in: what every audited operation carries and checks the role of."""

    login: str
    name: str
    role: UserRole

    def __str__(self) -> str:
        return self.login


@dataclass(frozen=True, slots=True)
class UserInfo:
    """An account as lists and the CLI show it (never the password hash)."""

    login: str
    name: str
    role: UserRole
    active: bool
    last_login_at: dt.datetime | None
    locked_until: dt.datetime | None

    @classmethod
    def of(cls, user: User) -> UserInfo:
        """The account's public fields."""
        return cls(
            login=user.login,
            name=user.name,
            role=UserRole(user.role),
            active=user.active,
            last_login_at=user.last_login_at,
            locked_until=user.locked_until,
        )


def role_title(role: UserRole | str) -> DomainText:
    """The role as people call it ("shift lead"), translatable."""
    return _ROLE_TITLES[UserRole(role)]


# ---- roles ----------------------------------------------------------------------------


def has_role(actor: Actor | None, role: UserRole) -> bool:
    """``actor`` holds ``role`` or a higher one (operator < lead < admin)."""
    return actor is not None and _RANK[UserRole(actor.role)] >= _RANK[role]


def require_role(actor: Actor | None, role: UserRole, *, action: str | DomainText) -> None:
    """Raise PermissionDenied naming ``action`` unless ``actor`` holds ``role`` or higher.

    ``action`` completes "You may not …" ("merge clients"); a plain literal is listed for
    the translators by scripts/domain-strings.
    """
    if has_role(actor, role):
        return
    what = action if isinstance(action, DomainText) else DomainText(action)
    if actor is None:
        if role is UserRole.ADMIN:
            raise PermissionDenied.of("Sign in as an admin to {action}.", action=what)
        if role is UserRole.LEAD:
            raise PermissionDenied.of(
                "Sign in as a shift lead or an admin to {action}.", action=what
            )
        raise PermissionDenied.of("Sign in to {action}.", action=what)
    logger.info("refused %s to %s (%s)", what, actor.login, actor.role)
    if role is UserRole.ADMIN:
        raise PermissionDenied.of(
            "You may not {action}: only an admin may do that. You are signed in as {role}.",
            action=what,
            role=role_title(actor.role),
        )
    raise PermissionDenied.of(
        "You may not {action}: only a shift lead or an admin may do that. "
        "You are signed in as {role}.",
        action=what,
        role=role_title(actor.role),
    )


# ---- accounts -------------------------------------------------------------------------


def normalize_login(login: str) -> str:
    """The login as stored and looked up: trimmed, lower case (logins ignore case)."""
    return login.strip().lower()


def _check_login(login: str) -> str:
    key = normalize_login(login)
    if not LOGIN_MIN <= len(key) <= LOGIN_MAX or not _LOGIN.fullmatch(key):
        raise ValidationError.of(
            "Login {login!r} is not valid: use {low} to {high} letters, digits, dots, "
            "dashes or underscores.",
            login=login.strip(),
            low=LOGIN_MIN,
            high=LOGIN_MAX,
        )
    return key


def _check_password(password: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise ValidationError.of(
            "The password is too short: at least {count} characters.", count=PASSWORD_MIN
        )
    if len(password) > PASSWORD_MAX:
        raise ValidationError.of(
            "The password is too long: at most {count} characters.", count=PASSWORD_MAX
        )


def _check_role(role: UserRole | str) -> UserRole:
    try:
        return UserRole(role)
    except ValueError:
        raise ValidationError.of(
            "{role!r} is not a role: operator, lead or admin.", role=str(role)
        ) from None


def _find(session: Session, login: str, *, for_update: bool = False) -> User | None:
    query = select(User).where(User.login == normalize_login(login))
    if for_update:
        # Two desks guessing at once must not lose a count (PostgreSQL; SQLite serialises writes).
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def _get(session: Session, login: str) -> User:
    user = _find(session, login)
    if user is None:
        raise ValidationError.of("There is no user with login {login!r}.", login=login.strip())
    return user


def first_user_needed(session: Session) -> bool:
    """No account exists yet: the first one may be added without signing in."""
    return session.scalar(select(func.count()).select_from(User)) == 0


def add_user(
    session: Session,
    login: str,
    name: str,
    role: UserRole | str,
    password: str,
    *,
    actor: Actor | None,
) -> UserInfo:
    """Create an account (admins only; anyone while no account exists yet)."""
    if not first_user_needed(session):
        require_role(actor, UserRole.ADMIN, action="add users")
    key = _check_login(login)
    name = " ".join(name.split())
    if not name:
        raise ValidationError.of("A user needs a name.")
    if len(name) > NAME_MAX:
        raise ValidationError.of(
            "The name is too long: at most {count} characters.", count=NAME_MAX
        )
    checked_role = _check_role(role)
    _check_password(password)
    if _find(session, key) is not None:
        raise ValidationError.of("A user with login {login!r} already exists.", login=key)
    user = User(
        login=key,
        name=name,
        role=checked_role,
        password_hash=_hasher.hash(password),
        active=True,
        failed_logins=0,
    )
    session.add(user)
    session.flush()
    logger.info("user added", extra={"login": key, "role": str(checked_role), "actor": str(actor)})
    return UserInfo.of(user)


def list_users(session: Session, *, actor: Actor | None) -> list[UserInfo]:
    """Every account, by login (shift leads and admins)."""
    require_role(actor, UserRole.LEAD, action="list users")
    return [UserInfo.of(u) for u in session.scalars(select(User).order_by(User.login))]


def _active_admins(session: Session) -> int:
    query = select(func.count()).select_from(User).where(User.active, User.role == UserRole.ADMIN)
    return session.scalar(query) or 0


def disable_user(session: Session, login: str, *, actor: Actor | None) -> UserInfo:
    """Stop an account from signing in; its history keeps its name (admins only)."""
    require_role(actor, UserRole.ADMIN, action="disable users")
    user = _get(session, login)
    if user.active and user.role == UserRole.ADMIN and _active_admins(session) <= 1:
        # Nobody could add or enable accounts any more without editing the database.
        raise ValidationError.of(
            "{login!r} is the last active admin: add another admin first.", login=user.login
        )
    user.active = False
    session.flush()
    logger.info("user disabled", extra={"login": user.login, "actor": str(actor)})
    return UserInfo.of(user)


def enable_user(session: Session, login: str, *, actor: Actor | None) -> UserInfo:
    """Let a disabled account sign in again (admins only)."""
    require_role(actor, UserRole.ADMIN, action="enable users")
    user = _get(session, login)
    user.active = True
    user.failed_logins = 0
    user.locked_until = None
    session.flush()
    logger.info("user enabled", extra={"login": user.login, "actor": str(actor)})
    return UserInfo.of(user)


def set_password(
    session: Session,
    login: str,
    password: str,
    *,
    actor: Actor | None,
    current_password: str | None = None,
) -> UserInfo:
    """Give an account a new password and lift its sign-in delay.

    An admin may set anyone's; a person may change their own given the current one.
    """
    own = actor is not None and normalize_login(login) == actor.login
    if not own:
        require_role(actor, UserRole.ADMIN, action="set other users' passwords")
    user = _get(session, login)
    # An admin changing their own password is not asked the current one: they may set anyone's.
    checks_current = own and not has_role(actor, UserRole.ADMIN)
    if checks_current and (
        current_password is None or not _verify(user.password_hash, current_password)
    ):
        raise ValidationError.of("The current password is wrong.")
    _check_password(password)
    user.password_hash = _hasher.hash(password)
    user.failed_logins = 0
    user.locked_until = None
    session.flush()
    logger.info("password set", extra={"login": user.login, "actor": str(actor)})
    return UserInfo.of(user)


# ---- signing in -----------------------------------------------------------------------


def actor_of(session: Session, login: str) -> Actor:
    """The Actor of an active account, without a password: the embedded demo's own sign-in.

    Never for what a person typed: that goes through `authenticate`.
    """
    user = _get(session, login)
    if not user.active:
        raise PermissionDenied.of(
            "The account {login!r} is disabled. Ask an admin.", login=user.login
        )
    return Actor(login=user.login, name=user.name, role=UserRole(user.role))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except InvalidHashError:
        logger.error("a stored password hash is not an Argon2 hash")
        return False
    except VerificationError:  # VerifyMismatchError is the wrong password
        return False


def _waste_time(password: str) -> None:
    """Spend as long as checking a real hash (an unknown login must not answer faster)."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash("not a password anyone has")
    _verify(_dummy_hash, password)


def delay_after(failures: int) -> dt.timedelta:
    """How long sign-in is refused after ``failures`` wrong passwords in a row."""
    if failures <= FREE_ATTEMPTS:
        return dt.timedelta(0)
    # Capped before the power grows: 2**n for a long-lasting attack would overflow timedelta.
    exponent = min(failures - FREE_ATTEMPTS - 1, 16)
    return min(dt.timedelta(seconds=2**exponent), MAX_DELAY)


def _locked(until: dt.datetime, now: dt.datetime) -> PermissionDenied:
    seconds = max(1, math.ceil((until - now).total_seconds()))
    if seconds < 60:
        return PermissionDenied.of(
            "Too many wrong passwords in a row. Try again in {seconds} s.", seconds=seconds
        )
    return PermissionDenied.of(
        "Too many wrong passwords in a row. Try again in {minutes} min.",
        minutes=math.ceil(seconds / 60),
    )


def _wrong() -> PermissionDenied:
    return PermissionDenied.of("Wrong login or password.")


def authenticate(
    session: Session, login: str, password: str, now: dt.datetime | None = None
) -> Actor:
    """The Actor whose login and password these are; PermissionDenied otherwise.

    A wrong password is counted and committed before the error is raised: the caller's unit
    of work rolls back on errors, and the count must survive the refusal.
    """
    now = now or utcnow()
    user = _find(session, login, for_update=True)
    if user is None:
        _waste_time(password)
        raise _wrong()
    if user.locked_until is not None and now < user.locked_until:
        raise _locked(user.locked_until, now)
    if not _verify(user.password_hash, password):
        user.failed_logins = (user.failed_logins or 0) + 1
        delay = delay_after(user.failed_logins)
        user.locked_until = now + delay if delay else None
        session.commit()
        logger.info("wrong password for %s (%d in a row)", user.login, user.failed_logins)
        raise _locked(now + delay, now) if delay else _wrong()
    user.failed_logins = 0
    user.locked_until = None
    if not user.active:
        session.commit()
        # Said only once the password was right: it tells nothing to someone guessing.
        raise PermissionDenied.of(
            "The account {login!r} is disabled. Ask an admin.", login=user.login
        )
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)  # stronger parameters since it was set
    user.last_login_at = now
    session.flush()
    logger.info("signed in", extra={"login": user.login, "role": str(user.role)})
    return Actor(login=user.login, name=user.name, role=UserRole(user.role))

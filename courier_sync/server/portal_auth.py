"""Who is signed in to the client portal: invitations redeemed, passwords, cookie sessions.

A session token is 256 random bits in an HttpOnly cookie; only its SHA-256 is stored. A
session ends at its absolute expiry, after its idle lifetime without a request, when the
person signs out, when the password is reset, or when the desk revokes the person.
Wrong passwords and codes are counted per client address and per login in the pairing
failures table (`pairing.failure_wait`), so guessing slows down across worker processes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, insert, select, update

from courier_sync.portal_contract import PortalMe
from courier_sync.server import pairing
from courier_sync.server.db import reading, writing
from courier_sync.server.models import (
    PortalAccount,
    PortalClientRow,
    PortalInvitation,
    PortalSession,
    utcnow,
)
from courier_sync.server.store import StoreError

logger = logging.getLogger(__name__)

accounts = PortalAccount.__table__
sessions = PortalSession.__table__
invitations = PortalInvitation.__table__
clients = PortalClientRow.__table__

COOKIE = "portal_session"
COOKIE_PATH = "/portal/"
HOURS_ENV = "PORTAL_SESSION_HOURS"
IDLE_ENV = "PORTAL_IDLE_MINUTES"
# Tests and demos: lifetimes in seconds instead of hours and minutes.
SECONDS_ENV = "PORTAL_SESSION_SECONDS"
IDLE_SECONDS_ENV = "PORTAL_IDLE_SECONDS"
MAX_FAILURES_ENV = "PORTAL_LOGIN_MAX_FAILURES"
_hasher = PasswordHasher()
# Verified against when a login is unknown, so that the answer takes as long as a real one.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class PortalError(StoreError):
    """A portal request the data refuses, with its HTTP status and a readable detail."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.headers = headers or {}


def not_found(what: str = "not found") -> PortalError:
    """404: also for anything of another client (never a hint that it exists)."""
    return PortalError(404, what)


@dataclass(frozen=True, slots=True)
class PortalSettings:
    """Session lifetimes and the sign-in failure limit (env PORTAL_SESSION_HOURS etc.)."""

    session: dt.timedelta = dt.timedelta(hours=12)
    idle: dt.timedelta = dt.timedelta(minutes=60)
    max_failures: int = 10
    failure_window: dt.timedelta = dt.timedelta(minutes=10)

    @classmethod
    def from_env(cls) -> PortalSettings:
        """Settings from PORTAL_SESSION_HOURS, PORTAL_IDLE_MINUTES (and the *_SECONDS forms)."""
        values: dict[str, Any] = {}
        for env, name, unit in (
            (HOURS_ENV, "session", "hours"),
            (IDLE_ENV, "idle", "minutes"),
            (SECONDS_ENV, "session", "seconds"),
            (IDLE_SECONDS_ENV, "idle", "seconds"),
            (MAX_FAILURES_ENV, "max_failures", ""),
        ):
            raw = os.environ.get(env, "").strip()
            if not raw:
                continue
            if not raw.isdigit() or not 1 <= int(raw) <= 1_000_000:
                raise ValueError(f"{env} must be a whole number from 1 to 1000000, not {raw!r}")
            values[name] = dt.timedelta(**{unit: int(raw)}) if unit else int(raw)
        return cls(**values)


@dataclass(frozen=True, slots=True)
class Who:
    """The signed-in person of a request."""

    account_id: int
    client_id: int
    contact_id: int | None
    login: str
    person_name: str
    token_hash: str
    expires_at: dt.datetime


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A new session: the cookie's value (never stored) and who it is."""

    token: str
    me: PortalMe


def token_hash(token: str) -> str:
    """The stored form of a session token or an invitation code."""
    return hashlib.sha256(token.encode()).hexdigest()


def person_key(client_id: int, contact_id: int | None) -> str:
    """The one-account-per-person key."""
    return f"{client_id}:{contact_id or ''}"


def _login_key(login: str) -> str:
    return login.strip().casefold()


def _throttle(engine: Engine, keys: list[str], settings: PortalSettings, now: dt.datetime) -> None:
    for key in keys:
        wait = pairing.failure_wait(
            engine, key, settings.failure_window, settings.max_failures, now
        )
        if wait is not None:
            raise PortalError(
                429,
                f"too many wrong attempts: try again in {wait} s",
                {"Retry-After": str(wait)},
            )


def _fail(engine: Engine, keys: list[str], settings: PortalSettings, now: dt.datetime) -> None:
    for key in keys:
        pairing.record_failure(engine, key, settings.failure_window, now)


def _failure_keys(address: str, login: str | None = None) -> list[str]:
    keys = [f"portal:{address}"[:64]]
    if login:
        keys.append("portal-login:" + token_hash(_login_key(login))[:40])
    return keys


def _me(conn: Any, account: Any, expires_at: dt.datetime) -> PortalMe:
    row = conn.execute(
        select(clients.c.payload).where(clients.c.client_id == account.client_id)
    ).first()
    client = json.loads(row.payload) if row is not None else {}
    return PortalMe(
        account_id=account.id,
        login=account.login,
        person_name=account.person_name,
        client_id=account.client_id,
        contact_id=account.contact_id,
        client_name=client.get("name", ""),
        client_kind=client.get("kind"),
        payment=client.get("payment"),
        session_expires_at=expires_at,
    )


def _open_session(conn: Any, account: Any, settings: PortalSettings, now: dt.datetime) -> SignedIn:
    token = secrets.token_urlsafe(32)
    expires_at = now + settings.session
    conn.execute(
        insert(sessions).values(
            token_hash=token_hash(token),
            account_id=account.id,
            created_at=now,
            last_seen_at=now,
            expires_at=expires_at,
        )
    )
    # Ended sessions say nothing any more: keep the table small.
    conn.execute(
        delete(sessions).where(sessions.c.account_id == account.id, sessions.c.expires_at <= now)
    )
    return SignedIn(token=token, me=_me(conn, account, expires_at))


def redeem(
    engine: Engine,
    code: str,
    login: str,
    password: str,
    address: str,
    settings: PortalSettings,
) -> SignedIn:
    """Trade an invitation code for an account (new, or the person's with a new password)."""
    now = utcnow()
    keys = _failure_keys(address)
    _throttle(engine, keys, settings, now)
    login = login.strip()
    if len(login) < 3:
        raise PortalError(422, "a login is 3 to 100 characters (your phone or e-mail)")
    password_hash = _hasher.hash(password)
    with writing(engine) as conn:
        invitation = conn.execute(
            select(invitations).where(invitations.c.code_sha256 == token_hash(code.strip()))
        ).first()
        problem = None
        if invitation is None:
            problem = (404, "no such invitation: check the code or ask for a new one")
        elif invitation.voided_at is not None:
            problem = (410, "this invitation was replaced by a newer one or cancelled")
        elif invitation.used_at is not None:
            problem = (410, "this invitation was already used: ask for a new one")
        elif invitation.expires_at <= now:
            problem = (410, "this invitation has expired: ask for a new one")
        if problem is None:
            key = person_key(invitation.client_id, invitation.contact_id)
            account = conn.execute(select(accounts).where(accounts.c.person_key == key)).first()
            taken = conn.execute(
                select(accounts.c.id).where(
                    accounts.c.login_key == _login_key(login), accounts.c.person_key != key
                )
            ).first()
            if taken is not None:
                raise PortalError(409, "this login is taken: choose another one")
            values = {
                "login": login,
                "login_key": _login_key(login),
                "password_hash": password_hash,
                "person_name": invitation.person_name,
                "disabled_at": None,
            }
            if account is None:
                conn.execute(
                    insert(accounts).values(
                        person_key=key,
                        client_id=invitation.client_id,
                        contact_id=invitation.contact_id,
                        created_at=now,
                        **values,
                    )
                )
            else:
                conn.execute(update(accounts).where(accounts.c.id == account.id).values(**values))
                # A new password ends every session of the old one.
                conn.execute(delete(sessions).where(sessions.c.account_id == account.id))
            conn.execute(
                update(invitations).where(invitations.c.id == invitation.id).values(used_at=now)
            )
            account = conn.execute(select(accounts).where(accounts.c.person_key == key)).one()
            logger.info("portal invitation %d redeemed by account %d", invitation.id, account.id)
            return _open_session(conn, account, settings, now)
    _fail(engine, keys, settings, now)
    raise PortalError(*problem)


def login(
    engine: Engine, login_text: str, password: str, address: str, settings: PortalSettings
) -> SignedIn:
    """A new session for the right login and password; 401 (and a counted failure) otherwise."""
    now = utcnow()
    keys = _failure_keys(address, login_text)
    _throttle(engine, keys, settings, now)
    with reading(engine) as conn:
        account = conn.execute(
            select(accounts).where(accounts.c.login_key == _login_key(login_text))
        ).first()
    try:
        _hasher.verify(account.password_hash if account else _DUMMY_HASH, password)
        good = account is not None and account.disabled_at is None
    except (VerificationError, InvalidHashError):
        good = False
    if not good:
        _fail(engine, keys, settings, now)
        raise PortalError(401, "wrong login or password")
    with writing(engine) as conn:
        return _open_session(conn, account, settings, now)


def identify(engine: Engine, token: str | None, settings: PortalSettings) -> Who:
    """The person a session cookie belongs to; 401 when it is missing or ended."""
    if not token:
        raise PortalError(401, "please sign in")
    now = utcnow()
    hashed = token_hash(token)
    with reading(engine) as conn:
        row = conn.execute(
            select(
                sessions.c.last_seen_at,
                sessions.c.expires_at,
                accounts.c.id,
                accounts.c.client_id,
                accounts.c.contact_id,
                accounts.c.login,
                accounts.c.person_name,
                accounts.c.disabled_at,
            )
            .join(accounts, accounts.c.id == sessions.c.account_id)
            .where(sessions.c.token_hash == hashed)
        ).first()
    if row is None or row.disabled_at is not None:
        raise PortalError(401, "please sign in")
    if row.expires_at <= now or row.last_seen_at + settings.idle <= now:
        raise PortalError(401, "your session has ended: please sign in again")
    # Writing last_seen on every request would make every page view a write: a tenth of the
    # idle lifetime (at most a minute) late is close enough.
    if now - row.last_seen_at > min(settings.idle / 10, dt.timedelta(minutes=1)):
        with writing(engine) as conn:
            conn.execute(
                update(sessions).where(sessions.c.token_hash == hashed).values(last_seen_at=now)
            )
    return Who(
        account_id=row.id,
        client_id=row.client_id,
        contact_id=row.contact_id,
        login=row.login,
        person_name=row.person_name,
        token_hash=hashed,
        expires_at=row.expires_at,
    )


def me(engine: Engine, who: Who) -> PortalMe:
    """The signed-in person and their client."""
    with reading(engine) as conn:
        account = conn.execute(select(accounts).where(accounts.c.id == who.account_id)).one()
        return _me(conn, account, who.expires_at)


def logout(engine: Engine, who: Who) -> None:
    """End this session."""
    with writing(engine) as conn:
        conn.execute(delete(sessions).where(sessions.c.token_hash == who.token_hash))

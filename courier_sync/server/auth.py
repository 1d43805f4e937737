"""Site keys and device tokens: random secrets shown once, stored as SHA-256 hashes.

The secrets carry 256 random bits, so a plain SHA-256 is enough (no slow KDF): nobody can
brute-force a preimage, and lookups stay one indexed query per request. Revocation is
checked on every request, so `token revoke` takes effect at once, in every process.
Device tokens expire (`PairingSettings.token_days`); the phone swaps its token for a fresh one
(`renew`) once half of its life has passed, so a phone in use never meets the expiry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException
from sqlalchemy import Connection, Engine, bindparam, insert, select, update

from courier_sync.server.db import reading, writing
from courier_sync.server.models import CourierState, Credential, utcnow

KIND_SITE = "site"
KIND_DEVICE = "device"
_TOKEN_PREFIX = {KIND_SITE: "csk_", KIND_DEVICE: "cdt_"}
PREFIX_LEN = 12
MAX_TOKEN_LEN = 200
# How long a renewed token keeps working: requests already on their way (or another tab that
# has not read the new token yet) must not be refused (`PairingSettings.renew_grace_seconds`).
RENEW_GRACE = dt.timedelta(minutes=5)
# Why a secret was refused, in the 401's `reason`: the phone tells an expired sign-in (pair
# again, nothing is wrong) from a revoked or unknown one.
REFUSED_UNKNOWN = "unknown"
REFUSED_REVOKED = "revoked"
REFUSED_EXPIRED = "expired"
_REFUSAL_DETAIL = {
    REFUSED_UNKNOWN: "the token is unknown",
    REFUSED_REVOKED: "the token was revoked",
    REFUSED_EXPIRED: "the device token has expired: pair the phone again",
}

creds = Credential.__table__
courier_state = CourierState.__table__


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a valid secret belongs to: the site, or the device of one courier."""

    kind: str
    courier_id: int | None
    name: str
    created_at: dt.datetime | None = None
    expires_at: dt.datetime | None = None

    @property
    def renew_after(self) -> dt.datetime | None:
        """When the phone should swap this token for a fresh one: half-way through its life."""
        if self.expires_at is None or self.created_at is None:
            return None
        return self.created_at + (self.expires_at - self.created_at) / 2

    def __repr__(self) -> str:
        return f"Identity(kind={self.kind!r}, courier_id={self.courier_id!r})"


@dataclass(frozen=True, slots=True)
class Renewed:
    """A fresh device token that replaces the one the phone used."""

    token: str
    courier_id: int
    expires_at: dt.datetime


@dataclass(frozen=True, slots=True)
class CredentialInfo:
    """A credential as `token list` shows it (never the secret itself)."""

    id: int
    kind: str
    courier_id: int | None
    name: str
    prefix: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    expires_at: dt.datetime | None = None


def hash_token(token: str) -> str:
    """The stored form of a secret."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def issue(
    engine: Engine,
    kind: str,
    courier_id: int | None = None,
    name: str = "",
    lifetime: dt.timedelta | None = None,
) -> str:
    """Create a credential and return its secret; only its hash is kept."""
    if kind == KIND_DEVICE and (courier_id is None or courier_id < 1):
        raise ValueError("a device token needs the courier's id (a positive number)")
    with writing(engine) as conn:
        token, _ = issue_on(conn, kind, courier_id, name, lifetime)
    return token


def issue_on(
    conn: Connection,
    kind: str,
    courier_id: int | None = None,
    name: str = "",
    lifetime: dt.timedelta | None = None,
) -> tuple[str, int]:
    """`issue` inside the caller's transaction (pairing); returns the secret and its row id."""
    token = _TOKEN_PREFIX[kind] + secrets.token_urlsafe(32)
    now = utcnow()
    row_id = conn.execute(
        insert(creds)
        .values(
            kind=kind,
            courier_id=courier_id if kind == KIND_DEVICE else None,
            name=name,
            prefix=token[:PREFIX_LEN],
            token_hash=hash_token(token),
            created_at=now,
            expires_at=now + lifetime if lifetime is not None and kind == KIND_DEVICE else None,
        )
        .returning(creds.c.id)
    ).scalar_one()
    return token, int(row_id)


def revoke(engine: Engine, kind: str, target: str) -> int:
    """Revoke by courier id (all of a courier's tokens), by prefix, or by the secret itself."""
    target = target.strip()
    now = utcnow()
    stmt = update(creds).where(creds.c.kind == kind, creds.c.revoked_at.is_(None))
    if kind == KIND_DEVICE and target.isdigit():
        stmt = stmt.where(creds.c.courier_id == int(target))
    elif len(target) > PREFIX_LEN:
        stmt = stmt.where(creds.c.token_hash == hash_token(target))
    elif len(target) >= 6:
        stmt = stmt.where(creds.c.prefix.startswith(target, autoescape=True))
    else:
        raise ValueError("give a courier id, a token, or at least 6 leading characters of one")
    with writing(engine) as conn:
        return conn.execute(stmt.values(revoked_at=now)).rowcount


def list_credentials(engine: Engine, kind: str | None = None) -> list[CredentialInfo]:
    """All credentials, revoked ones included, oldest first."""
    stmt = select(creds).order_by(creds.c.id)
    if kind:
        stmt = stmt.where(creds.c.kind == kind)
    with reading(engine) as conn:
        return [
            CredentialInfo(
                id=r.id,
                kind=r.kind,
                courier_id=r.courier_id,
                name=r.name,
                prefix=r.prefix,
                created_at=r.created_at,
                revoked_at=r.revoked_at,
                expires_at=r.expires_at,
            )
            for r in conn.execute(stmt)
        ]


def _alive(row: Any, now: dt.datetime) -> bool:
    return row.revoked_at is None and (row.expires_at is None or row.expires_at > now)


def identify(conn: Connection, token: str) -> Identity | None:
    """The owner of a secret that is known, not revoked and not expired, else None."""
    if not token or len(token) > MAX_TOKEN_LEN:
        return None
    row = conn.execute(
        select(
            creds.c.kind,
            creds.c.courier_id,
            creds.c.name,
            creds.c.revoked_at,
            creds.c.created_at,
            creds.c.expires_at,
        ).where(creds.c.token_hash == hash_token(token))
    ).first()
    if row is None or not _alive(row, utcnow()):
        return None
    return Identity(row.kind, row.courier_id, row.name, row.created_at, row.expires_at)


# Built once: the task-list path runs it on every request.
_IDENTIFY_WITH_REVISION = (
    select(
        creds.c.kind,
        creds.c.courier_id,
        creds.c.name,
        creds.c.revoked_at,
        creds.c.expires_at,
        courier_state.c.revision,
    )
    .select_from(creds.outerjoin(courier_state, courier_state.c.courier_id == creds.c.courier_id))
    .where(creds.c.token_hash == bindparam("token_hash"))
)


def identify_with_revision(conn: Connection, token: str) -> tuple[Identity | None, int]:
    """`identify` plus the courier's task-set revision, in one query (the task-list path)."""
    if not token or len(token) > MAX_TOKEN_LEN:
        return None, 0
    row = conn.execute(_IDENTIFY_WITH_REVISION, {"token_hash": hash_token(token)}).first()
    if row is None or not _alive(row, utcnow()):
        return None, 0
    who = Identity(
        kind=row.kind, courier_id=row.courier_id, name=row.name, expires_at=row.expires_at
    )
    return who, int(row.revision or 0)


class TokenRefused(HTTPException):
    """401 for a secret that is not (or no longer) valid; `reason` is one of REFUSED_*."""

    def __init__(self, reason: str = REFUSED_UNKNOWN, detail: str | None = None) -> None:
        super().__init__(
            401,
            detail=detail or _REFUSAL_DETAIL[reason],
            headers={"WWW-Authenticate": "Bearer"},
        )
        self.reason = reason

    def body(self) -> dict[str, Any]:
        """The JSON answer: `detail` for people, `reason` for the page."""
        return {"detail": self.detail, "reason": self.reason}


def refused(conn: Connection, token: str) -> TokenRefused:
    """The 401 for a secret `identify` did not accept, saying why (expired, revoked, unknown)."""
    row = None
    if token and len(token) <= MAX_TOKEN_LEN:
        row = conn.execute(
            select(creds.c.revoked_at, creds.c.expires_at).where(
                creds.c.token_hash == hash_token(token)
            )
        ).first()
    if row is None:
        return TokenRefused(REFUSED_UNKNOWN)
    if row.revoked_at is not None:
        return TokenRefused(REFUSED_REVOKED)
    if row.expires_at is not None and row.expires_at <= utcnow():
        return TokenRefused(REFUSED_EXPIRED)
    return TokenRefused(REFUSED_UNKNOWN, "the token is not valid here")


def renew(
    engine: Engine, token: str, lifetime: dt.timedelta, grace: dt.timedelta = RENEW_GRACE
) -> Renewed | None:
    """A new device token for the owner of `token`; the old one ends after `grace`.

    None when `token` is not a live device token (the phone must pair again).
    """
    now = utcnow()
    with writing(engine) as conn:
        row = conn.execute(
            select(creds).where(
                creds.c.token_hash == hash_token(token), creds.c.kind == KIND_DEVICE
            )
        ).first()
        if row is None or not _alive(row, now):
            return None
        fresh, _ = issue_on(conn, KIND_DEVICE, row.courier_id, row.name, lifetime)
        ends = now + grace
        if row.expires_at is None or row.expires_at > ends:
            conn.execute(update(creds).where(creds.c.id == row.id).values(expires_at=ends))
    return Renewed(token=fresh, courier_id=int(row.courier_id), expires_at=now + lifetime)

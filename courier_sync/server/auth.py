"""Site keys and device tokens: random secrets shown once, stored as SHA-256 hashes.

The secrets carry 256 random bits, so a plain SHA-256 is enough (no slow KDF): nobody can
brute-force a preimage, and lookups stay one indexed query per request. Revocation is
checked on every request, so `token revoke` takes effect at once, in every process.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, bindparam, insert, select, update

from courier_sync.server.db import reading, writing
from courier_sync.server.models import CourierState, Credential, utcnow

KIND_SITE = "site"
KIND_DEVICE = "device"
_TOKEN_PREFIX = {KIND_SITE: "csk_", KIND_DEVICE: "cdt_"}
PREFIX_LEN = 12
MAX_TOKEN_LEN = 200

creds = Credential.__table__
courier_state = CourierState.__table__


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a valid secret belongs to: the site, or the device of one courier."""

    kind: str
    courier_id: int | None
    name: str


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


def hash_token(token: str) -> str:
    """The stored form of a secret."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def issue(engine: Engine, kind: str, courier_id: int | None = None, name: str = "") -> str:
    """Create a credential and return its secret; only its hash is kept."""
    if kind == KIND_DEVICE and (courier_id is None or courier_id < 1):
        raise ValueError("a device token needs the courier's id (a positive number)")
    with writing(engine) as conn:
        token, _ = issue_on(conn, kind, courier_id, name)
    return token


def issue_on(
    conn: Connection, kind: str, courier_id: int | None = None, name: str = ""
) -> tuple[str, int]:
    """`issue` inside the caller's transaction (pairing); returns the secret and its row id."""
    token = _TOKEN_PREFIX[kind] + secrets.token_urlsafe(32)
    row_id = conn.execute(
        insert(creds)
        .values(
            kind=kind,
            courier_id=courier_id if kind == KIND_DEVICE else None,
            name=name,
            prefix=token[:PREFIX_LEN],
            token_hash=hash_token(token),
            created_at=utcnow(),
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
            )
            for r in conn.execute(stmt)
        ]


def identify(conn: Connection, token: str) -> Identity | None:
    """The owner of a secret that is known and not revoked, else None."""
    if not token or len(token) > MAX_TOKEN_LEN:
        return None
    row = conn.execute(
        select(creds.c.kind, creds.c.courier_id, creds.c.name, creds.c.revoked_at).where(
            creds.c.token_hash == hash_token(token)
        )
    ).first()
    if row is None or row.revoked_at is not None:
        return None
    return Identity(kind=row.kind, courier_id=row.courier_id, name=row.name)


# Built once: the task-list path runs it on every request.
_IDENTIFY_WITH_REVISION = (
    select(
        creds.c.kind,
        creds.c.courier_id,
        creds.c.name,
        creds.c.revoked_at,
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
    if row is None or row.revoked_at is not None:
        return None, 0
    who = Identity(kind=row.kind, courier_id=row.courier_id, name=row.name)
    return who, int(row.revision or 0)

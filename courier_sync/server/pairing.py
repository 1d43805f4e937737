"""One-time pairing codes: the desk asks for one, the courier's phone trades it for a device token.

A code is 8 digits (a courier types it on a numeric keypad, or scans it as a QR link). It
lives a few minutes, works once, and a newer code for the same courier voids the older
ones. Only a salted scrypt hash is stored: 8 digits are ~27 bits, so a plain SHA-256 (as
for the 256-bit tokens) would give a copied database its live codes in seconds.

Because each code has its own salt, a code cannot be found by an indexed lookup: a
redeem hashes the sent code once per recent code (a handful at a time). Guessing is
slowed by counting wrong codes per client address in the database (so every worker
process and a restart see the same count) and refusing that address for a while.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import os
import re
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, update

from courier_sync.server import auth
from courier_sync.server.db import reading, writing
from courier_sync.server.models import PairingCode, PairingFailure, utcnow

logger = logging.getLogger(__name__)

codes = PairingCode.__table__
failures = PairingFailure.__table__

CODE_DIGITS = 8
MAX_COURIER_ID = 2**31 - 1
# Used and expired codes are still recognised this long, to say "already used" / "expired"
# rather than "unknown"; older ones are not even hashed against.
RECOGNISE_FOR = dt.timedelta(hours=1)
# scrypt at 4 MiB per hash, ~10 ms: cheap for a handful of codes per redeem, while trying all
# 10^8 codes against one copied hash takes CPU-days, far beyond a code's minutes of life.
_SCRYPT = {"n": 2**12, "r": 8, "p": 1, "dklen": 32}
_SEPARATORS = re.compile(r"[\s\-‐-―.]+")

MINUTES_ENV = "COURIER_SYNC_PAIRING_MINUTES"
MAX_FAILURES_ENV = "COURIER_SYNC_PAIRING_MAX_FAILURES"
PUBLIC_URL_ENV = "COURIER_SYNC_PUBLIC_URL"
TOKEN_DAYS_ENV = "COURIER_SYNC_TOKEN_DAYS"
TOKEN_SECONDS_ENV = "COURIER_SYNC_TOKEN_SECONDS"
GRACE_SECONDS_ENV = "COURIER_SYNC_TOKEN_GRACE_SECONDS"
MAX_TOKEN_DAYS = 3650

REASON_UNKNOWN = "unknown"
REASON_EXPIRED = "expired"
REASON_USED = "used"
REASON_VOID = "void"
REASON_MALFORMED = "malformed"
REASON_RATE_LIMITED = "rate_limited"


@dataclass(frozen=True, slots=True)
class PairingSettings:
    """How long codes live and how many wrong codes an address may send."""

    minutes: int = 10
    max_minutes: int = 60
    max_failures: int = 10
    failure_window: dt.timedelta = dt.timedelta(minutes=10)
    # The courier page's address as phones reach it (behind a proxy); None: the request's own.
    public_url: str | None = None
    # How long a phone's device token works; the phone renews it half-way, so only a phone
    # unused for half of this must pair again.
    token_days: int = 30
    # Tests and demos: a lifetime in seconds instead of days (COURIER_SYNC_TOKEN_SECONDS).
    token_seconds: int | None = None
    # How long a renewed token keeps working (requests on their way, other tabs).
    renew_grace_seconds: int = 300

    @property
    def token_lifetime(self) -> dt.timedelta:
        """The lifetime of a device token issued now."""
        if self.token_seconds is not None:
            return dt.timedelta(seconds=self.token_seconds)
        return dt.timedelta(days=self.token_days)

    @property
    def renew_grace(self) -> dt.timedelta:
        """How long the token a phone renewed keeps working."""
        return dt.timedelta(seconds=self.renew_grace_seconds)

    @classmethod
    def from_env(cls, **overrides: Any) -> PairingSettings:
        """Settings from COURIER_SYNC_PAIRING_MINUTES, ..._MAX_FAILURES and ..._PUBLIC_URL."""
        values: dict[str, Any] = {}
        for name, env in (
            ("minutes", MINUTES_ENV),
            ("max_failures", MAX_FAILURES_ENV),
            ("token_days", TOKEN_DAYS_ENV),
            ("token_seconds", TOKEN_SECONDS_ENV),
            ("renew_grace_seconds", GRACE_SECONDS_ENV),
        ):
            raw = os.environ.get(env, "").strip()
            if raw:
                if not raw.isdigit() or int(raw) < 1:
                    raise ValueError(f"{env} must be a positive whole number, not {raw!r}")
                values[name] = int(raw)
        public_url = os.environ.get(PUBLIC_URL_ENV, "").strip()
        if public_url:
            values["public_url"] = public_url
        values |= {k: v for k, v in overrides.items() if v is not None}
        settings = cls(**values)
        if not 1 <= settings.minutes <= settings.max_minutes:
            raise ValueError(f"pairing codes live 1 to {settings.max_minutes} minutes")
        if not 1 <= settings.token_days <= MAX_TOKEN_DAYS:
            raise ValueError(f"device tokens live 1 to {MAX_TOKEN_DAYS} days")
        if settings.token_seconds is not None and settings.token_seconds > MAX_TOKEN_DAYS * 86_400:
            raise ValueError(f"{TOKEN_SECONDS_ENV} is over {MAX_TOKEN_DAYS} days")
        if settings.public_url and not settings.public_url.startswith(("http://", "https://")):
            raise ValueError(
                f"a public URL starts with http:// or https://: {settings.public_url!r}"
            )
        return settings


@dataclass(frozen=True, slots=True)
class IssuedCode:
    """A fresh code: shown to the shift lead once, never stored in clear."""

    code: str
    courier_id: int
    expires_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Paired:
    """The device token a code was exchanged for."""

    token: str
    courier_id: int


class PairingRefused(Exception):
    """A code that does not sign a phone in; `reason` is for the page, `status` for HTTP."""

    def __init__(
        self, status: int, reason: str, detail: str, retry_after: int | None = None
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.reason = reason
        self.detail = detail
        self.retry_after = retry_after


def pair_path(code: str) -> str:
    """The courier page's path that pairs by itself (what the QR code encodes after the host)."""
    return f"/courier/#pair={code}"


def normalize_code(raw: str) -> str:
    """The 8 digits of a code as typed ("1234 5678", "1234-5678"), or PairingRefused (422)."""
    code = _SEPARATORS.sub("", raw or "")
    if len(code) != CODE_DIGITS or not code.isascii() or not code.isdigit():
        raise PairingRefused(
            422, REASON_MALFORMED, f"a pairing code is {CODE_DIGITS} digits, like 1234 5678"
        )
    return code


def _hash(code: str, salt: str) -> str:
    return hashlib.scrypt(code.encode(), salt=bytes.fromhex(salt), **_SCRYPT).hex()


def _check_courier(courier_id: int) -> None:
    if not 1 <= courier_id <= MAX_COURIER_ID:
        raise ValueError("a courier id must be a positive number")


def issue_code(
    engine: Engine,
    courier_id: int,
    minutes: int,
    *,
    name: str = "",
    max_minutes: int = 60,
    now: dt.datetime | None = None,
) -> IssuedCode:
    """A new code for the courier, valid `minutes`; the courier's older unused codes are void."""
    _check_courier(courier_id)
    if not 1 <= minutes <= max_minutes:
        raise ValueError(f"a code lives 1 to {max_minutes} minutes, not {minutes}")
    now = now or utcnow()
    with reading(engine) as conn:
        live = conn.execute(
            select(codes.c.salt, codes.c.code_hash).where(
                codes.c.expires_at > now, codes.c.used_at.is_(None), codes.c.voided_at.is_(None)
            )
        ).all()
    # Two live codes with the same digits would make a redeem ambiguous: draw again.
    while True:
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        if not any(hmac.compare_digest(_hash(code, r.salt), r.code_hash) for r in live):
            break
    salt = secrets.token_hex(16)
    expires_at = now + dt.timedelta(minutes=minutes)
    with writing(engine) as conn:
        conn.execute(
            update(codes)
            .where(
                codes.c.courier_id == courier_id,
                codes.c.used_at.is_(None),
                codes.c.voided_at.is_(None),
            )
            .values(voided_at=now)
        )
        conn.execute(
            insert(codes).values(
                courier_id=courier_id,
                name=name.strip()[:200],
                salt=salt,
                code_hash=_hash(code, salt),
                created_at=now,
                expires_at=expires_at,
            )
        )
    logger.info("pairing code issued for courier %d, valid %d min", courier_id, minutes)
    return IssuedCode(code=code, courier_id=courier_id, expires_at=expires_at)


def failure_wait(
    engine: Engine, address: str, window: dt.timedelta, max_failures: int, now: dt.datetime
) -> int | None:
    """Seconds `address` must wait after `max_failures` failures within `window`; None: go on.

    Also used by the portal's sign-in (with addresses of its own), so that every worker
    process and a restart see the same count.
    """
    since = now - window
    with reading(engine) as conn:
        count, oldest = conn.execute(
            select(func.count(), func.min(failures.c.failed_at)).where(
                failures.c.address == address, failures.c.failed_at > since
            )
        ).one()
    if count < max_failures:
        return None
    # SQLite hands the aggregate back as text: compare against the window in seconds.
    oldest_at = oldest if isinstance(oldest, dt.datetime) else dt.datetime.fromisoformat(oldest)
    if oldest_at.tzinfo is None:
        oldest_at = oldest_at.replace(tzinfo=dt.UTC)
    return max(1, int((oldest_at + window - now).total_seconds()) + 1)


def record_failure(engine: Engine, address: str, window: dt.timedelta, now: dt.datetime) -> None:
    """Count one failure of `address` (and forget failures older than `window`)."""
    with writing(engine) as conn:
        conn.execute(insert(failures).values(address=address[:64], failed_at=now))
        # Old failures say nothing any more: keep the table small.
        conn.execute(delete(failures).where(failures.c.failed_at < now - window))


def _refuse_if_throttled(
    engine: Engine, address: str, settings: PairingSettings, now: dt.datetime
) -> None:
    wait = failure_wait(engine, address, settings.failure_window, settings.max_failures, now)
    if wait is not None:
        raise PairingRefused(
            429,
            REASON_RATE_LIMITED,
            f"too many wrong codes from this address: try again in {wait} s",
            retry_after=wait,
        )


def _record_failure(
    engine: Engine, address: str, settings: PairingSettings, now: dt.datetime
) -> None:
    record_failure(engine, address, settings.failure_window, now)


def redeem(
    engine: Engine,
    raw_code: str,
    address: str,
    settings: PairingSettings,
    *,
    now: dt.datetime | None = None,
) -> Paired:
    """Exchange a code for a new device token of its courier, once; PairingRefused otherwise."""
    now = now or utcnow()
    address = (address or "unknown")[:64]
    _refuse_if_throttled(engine, address, settings, now)
    code = normalize_code(raw_code)
    with reading(engine) as conn:
        recent = conn.execute(
            select(codes)
            .where(codes.c.expires_at > now - RECOGNISE_FOR)
            .order_by(codes.c.id.desc())
        ).all()
    match = next((r for r in recent if hmac.compare_digest(_hash(code, r.salt), r.code_hash)), None)
    if (
        match is not None
        and match.used_at is None
        and match.voided_at is None
        and match.expires_at > now
    ):
        with writing(engine) as conn:
            # Conditional: of two phones racing with one code (or a revoke), exactly one wins.
            won = conn.execute(
                update(codes)
                .where(
                    codes.c.id == match.id,
                    codes.c.used_at.is_(None),
                    codes.c.voided_at.is_(None),
                )
                .values(used_at=now)
            ).rowcount
            if won == 1:
                token, credential_id = auth.issue_on(
                    conn, auth.KIND_DEVICE, match.courier_id, match.name, settings.token_lifetime
                )
                conn.execute(
                    update(codes).where(codes.c.id == match.id).values(credential_id=credential_id)
                )
                logger.info("courier %d paired a phone by code", match.courier_id)
                return Paired(token=token, courier_id=match.courier_id)
    _record_failure(engine, address, settings, now)
    if match is None:
        raise PairingRefused(
            404, REASON_UNKNOWN, "no such pairing code: check the digits or ask for a new code"
        )
    if match.voided_at is not None and match.used_at is None:
        raise PairingRefused(
            410, REASON_VOID, "this pairing code was replaced by a newer one or cancelled"
        )
    if match.used_at is not None or match.expires_at > now:
        raise PairingRefused(
            410, REASON_USED, "this pairing code was already used: ask for a new code"
        )
    raise PairingRefused(410, REASON_EXPIRED, "this pairing code has expired: ask for a new code")


@dataclass(frozen=True, slots=True)
class Revoked:
    """What a device revoke did."""

    courier_id: int
    revoked_tokens: int
    voided_codes: int


def revoke_devices(engine: Engine, courier_id: int, *, now: dt.datetime | None = None) -> Revoked:
    """A lost phone: revoke all of the courier's device tokens and void their unused codes."""
    _check_courier(courier_id)
    now = now or utcnow()
    tokens = auth.revoke(engine, auth.KIND_DEVICE, str(courier_id))
    with writing(engine) as conn:
        voided = conn.execute(
            update(codes)
            .where(
                codes.c.courier_id == courier_id,
                codes.c.used_at.is_(None),
                codes.c.voided_at.is_(None),
                codes.c.expires_at > now,
            )
            .values(voided_at=now)
        ).rowcount
    logger.info(
        "courier %d: %d device token(s) revoked, %d code(s) voided", courier_id, tokens, voided
    )
    return Revoked(courier_id=courier_id, revoked_tokens=tokens, voided_codes=voided)

"""The service's tables: credentials, tasks, events, counters, pairing codes, the client portal."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.timestamps import UTCDateTime, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Counters the service keeps: `revision` numbers every change of a task, `feed` numbers events.
COUNTER_REVISION = "revision"
COUNTER_FEED = "feed"
# An autoincrementing 64-bit key: SQLite only autoincrements an INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    """Declarative base with constraint names Alembic can address."""

    metadata = MetaData(naming_convention=NAMING)


class Credential(Base):
    """A site key (the desktop relay) or a courier device token, stored as a SHA-256 hash."""

    __tablename__ = "credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "site" or "device"
    courier_id: Mapped[int | None] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    # The first characters of the secret: enough to tell tokens apart in a list, not to use one.
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Device tokens stop working then (the phone renews before); NULL: never (site keys).
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Counter(Base):
    """A named sequence; its row lock also orders concurrent writers on PostgreSQL."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Task(Base):
    """The newest known state of a courier task, or a tombstone left by a cancel."""

    __tablename__ = "tasks"
    __table_args__ = (Index("ix_tasks_courier_date", "courier_id", "task_date"),)

    task_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    courier_id: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    # NULL for a tombstone: a cancel for a task the service never saw.
    task_date: Mapped[dt.date | None] = mapped_column(Date)
    window_start: Mapped[str | None] = mapped_column(String(5))
    address_text: Mapped[str] = mapped_column(String(500), default="")
    # The contract's Task as JSON text, served as it is (no re-encoding per request).
    payload: Mapped[str | None] = mapped_column(Text)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class CourierState(Base):
    """The revision of a courier's task set: the phone's list is stale when it moved on."""

    __tablename__ = "courier_state"

    courier_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    revision: Mapped[int] = mapped_column(BigInteger, index=True)


class Receipt(Base):
    """Every upsert and cancel received, applied or not: the audit of what the relay sent."""

    __tablename__ = "receipts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    task_id: Mapped[str] = mapped_column(String(32), index=True)
    version: Mapped[int] = mapped_column(Integer)
    op: Mapped[str] = mapped_column(String(8))
    applied: Mapped[bool] = mapped_column(Boolean)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Event(Base):
    """A courier's event; `cursor` orders the desktop's feed and never goes back."""

    __tablename__ = "events"

    cursor: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    task_id: Mapped[str] = mapped_column(String(32), index=True)
    courier_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    payload: Mapped[str] = mapped_column(Text)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class PairingCode(Base):
    """A one-time code that signs a courier's phone in; only a salted scrypt hash is kept."""

    __tablename__ = "pairing_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    courier_id: Mapped[int] = mapped_column(Integer, index=True)
    # The courier's name as the desk knows it: the paired token carries it (the page shows it).
    name: Mapped[str] = mapped_column(String(200), default="")
    # The code has only ~27 bits: a per-code salt and a slow hash keep a copied database from
    # yielding a live code within its minutes of life.
    salt: Mapped[str] = mapped_column(String(32))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Set when a newer code or a device revoke for the same courier made this one void.
    voided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The device token the code was exchanged for (so `token list` and revoke can relate them).
    credential_id: Mapped[int | None] = mapped_column(Integer)


class PairingFailure(Base):
    """A wrong code sent from a client address: counted to slow guessing down."""

    __tablename__ = "pairing_failures"
    __table_args__ = (Index("ix_pairing_failures_address_at", "address", "failed_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    address: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


# ------------------------------------------------------------ the client portal (docs/portal.md)
COUNTER_PORTAL_FEED = "portal_feed"


class PortalInvitation(Base):
    """An invitation the desk published; only the code's SHA-256 is known here."""

    __tablename__ = "portal_invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    client_id: Mapped[int] = mapped_column(Integer, index=True)
    contact_id: Mapped[int | None] = mapped_column(Integer)
    person_name: Mapped[str] = mapped_column(String(300), default="")
    code_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    voided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class PortalAccount(Base):
    """One person of one client who signs in to the portal."""

    __tablename__ = "portal_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "client:contact" (contact empty for a private client): one account per person.
    person_key: Mapped[str] = mapped_column(String(32), unique=True)
    login: Mapped[str] = mapped_column(String(100))
    # The login case-folded: logins are unique whatever the case typed.
    login_key: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    client_id: Mapped[int] = mapped_column(Integer, index=True)
    contact_id: Mapped[int | None] = mapped_column(Integer)
    person_name: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class PortalSession(Base):
    """A signed-in browser: the cookie's token as a SHA-256, with both of its expiries."""

    __tablename__ = "portal_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class PortalClientRow(Base):
    """The newest `PortalClient` the desk published (prices, windows, bottles, settlements)."""

    __tablename__ = "portal_clients"

    client_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class PortalOrderRow(Base):
    """An order a person sees: placed on the portal (order_id NULL until the desk has it)
    or published by the desk; `version` 0 until the desk's first publication."""

    __tablename__ = "portal_orders"
    __table_args__ = (Index("ix_portal_orders_client_id_id", "client_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    client_id: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(16))
    order_date: Mapped[dt.date | None] = mapped_column(Date)
    # Items, window, total, note and comment as JSON (what the page shows).
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class PortalFeedRow(Base):
    """What a person did, for the desk; `cursor` orders the portal feed and never goes back."""

    __tablename__ = "portal_feed"

    cursor: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    event_id: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    client_id: Mapped[int] = mapped_column(Integer)
    contact_id: Mapped[int | None] = mapped_column(Integer)
    account_id: Mapped[int] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class PortalClaim(Base):
    """A claim a person filed on a delivered order, and the desk's answer to it."""

    __tablename__ = "portal_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[int] = mapped_column(Integer, index=True)
    account_id: Mapped[int] = mapped_column(Integer)
    portal_order_id: Mapped[int] = mapped_column(Integer)
    # Text, discrepancy lines and photo references as JSON.
    payload: Mapped[str] = mapped_column(Text)
    complaint_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(100), default="")
    result: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class PortalPhoto(Base):
    """A claim's photo, kept until the desk fetched it (and after, for the person's page)."""

    __tablename__ = "portal_photos"

    photo_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    claim_id: Mapped[str] = mapped_column(String(64), index=True)
    client_id: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class PortalMessage(Base):
    """One message of a client's conversation: a person's (`in`) or the desk's reply (`out`)."""

    __tablename__ = "portal_messages"
    __table_args__ = (Index("ix_portal_messages_client_id_id", "client_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The page's message_id for `in`, "reply:<reply_id>" for `out`.
    message_id: Mapped[str] = mapped_column(String(80), unique=True)
    client_id: Mapped[int] = mapped_column(Integer)
    direction: Mapped[str] = mapped_column(String(3))
    account_id: Mapped[int | None] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text)
    reply_to: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

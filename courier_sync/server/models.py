"""The service's tables: credentials, tasks (with tombstones), events, counters, pairing codes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Index,
    Integer,
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

# Long (over 500 lines): one metadata whose tables refer to each other.
"""The domain's tables: clients, phones, addresses, catalog, couriers, orders, tasks, outbox."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.timestamps import UTCDateTime, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_uid() -> str:
    """A fresh public identifier for rows other systems refer to (tasks, outbox messages)."""
    return uuid.uuid4().hex


def _enum(cls: type[enum.Enum], length: int = 16) -> Enum:
    # Stored as plain strings: readable in SQL, no native PG enum to migrate.
    return Enum(
        cls,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    """Declarative base with constraint names Alembic can address."""

    metadata = MetaData(naming_convention=NAMING)


class ClientKind(enum.StrEnum):
    """A private person (ФЛ) or a company (ЮЛ)."""

    PERSON = "person"
    COMPANY = "company"


class PaymentTerms(enum.StrEnum):
    """How a client pays: cash to the courier, or a monthly invoice."""

    CASH = "cash"
    INVOICE = "invoice"


class ProductKind(enum.StrEnum):
    """Goods, a service, or a deposit (returnable bottles, rented coolers)."""

    GOODS = "goods"
    SERVICE = "service"
    DEPOSIT = "deposit"


class PriceListKind(enum.StrEnum):
    """The standard list for private clients or a company's contract prices."""

    STANDARD = "standard"
    CONTRACT = "contract"


class OrderState(enum.StrEnum):
    """Where an order is in its life: interest, out for delivery, closed, or rejected."""

    INTEREST = "interest"
    DELIVERY = "delivery"
    CLOSED = "closed"
    REJECTED = "rejected"
    # A delivery the client called off after it was sent (the courier's task is cancelled).
    CANCELLED = "cancelled"


class TaskStatus(enum.StrEnum):
    """The courier task's life as the courier's phone sees it."""

    NEW = "new"
    SENT = "sent"
    ACCEPTED = "accepted"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE_TASK_STATUSES = (TaskStatus.NEW, TaskStatus.SENT, TaskStatus.ACCEPTED)


class UserRole(enum.StrEnum):
    """What a signed-in person may do: take orders, also run the day, also run the system."""

    OPERATOR = "operator"
    LEAD = "lead"
    ADMIN = "admin"


# Courier working days as a bit mask: Monday is bit 0 (date.weekday()), all week by default.
ALL_WEEK = 0b1111111


class InteractionKind(enum.StrEnum):
    """A call, an SMS, an e-mail or a meeting."""

    CALL = "call"
    SMS = "sms"
    EMAIL = "email"
    MEETING = "meeting"
    MESSAGE = "message"  # a portal message (migration 0015)


class Direction(enum.StrEnum):
    """Incoming or outgoing."""

    IN = "in"
    OUT = "out"


class Client(Base):
    """Who pays: a private person or a company."""

    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ClientKind] = mapped_column(_enum(ClientKind))
    name: Mapped[str] = mapped_column(String(300))
    # Normalised name used to find near-identical duplicates through an index.
    name_key: Mapped[str] = mapped_column(String(300), index=True)
    inn: Mapped[str | None] = mapped_column(String(12), index=True)
    price_list_id: Mapped[int | None] = mapped_column(ForeignKey("price_lists.id"))
    payment_terms: Mapped[PaymentTerms] = mapped_column(
        _enum(PaymentTerms), default=PaymentTerms.CASH
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    contacts: Mapped[list[Contact]] = relationship(back_populates="client")
    phones: Mapped[list[Phone]] = relationship(back_populates="client")
    addresses: Mapped[list[Address]] = relationship(back_populates="client")
    price_list: Mapped[PriceList | None] = relationship()


class Contact(Base):
    """A person of a client; may own phones and a delivery point of its own."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(200), default="")

    client: Mapped[Client] = relationship(back_populates="contacts")


class Phone(Base):
    """A phone number of a client, or of one of its contacts when contact_id is set."""

    __tablename__ = "phones"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    e164: Mapped[str] = mapped_column(String(20), index=True)
    raw: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16), default="other")
    extension: Mapped[str | None] = mapped_column(String(10))

    client: Mapped[Client] = relationship(back_populates="phones")


class Address(Base):
    """A delivery point of a client, or of one of its contacts when contact_id is set."""

    __tablename__ = "addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    text: Mapped[str] = mapped_column(String(500))
    entrance: Mapped[str] = mapped_column(String(20), default="")
    floor: Mapped[str] = mapped_column(String(20), default="")
    flat: Mapped[str] = mapped_column(String(20), default="")
    courier_notes: Mapped[str] = mapped_column(Text, default="")
    intercom: Mapped[str] = mapped_column(String(20), default="", server_default="")
    # A point the client no longer uses: not offered for new orders, kept for old ones.
    retired: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    lat: Mapped[float | None] = mapped_column()
    lon: Mapped[float | None] = mapped_column()
    # Normalised text + flat: finds the same delivery point typed twice.
    address_key: Mapped[str] = mapped_column(String(520), index=True)

    client: Mapped[Client] = relationship(back_populates="addresses")


# Byte order on PostgreSQL too: `term >= 'ива' AND term < 'ивб'` must be exactly the words
# starting with "ива", which a linguistic collation does not promise. SQLite compares bytes.
SEARCH_TERM = String(40).with_variant(String(40, collation="C"), "postgresql")
SEARCH_LABEL = String(16).with_variant(String(16, collation="C"), "postgresql")


class SearchTerm(Base):
    """One normalised word of a client's name, a contact's name or an address, for prefix search.

    Maintained by `dispatcher.search_index`: rows are rebuilt per client whenever a flush
    touches its name, contacts or addresses; merged clients have none (their names are
    words of the client they were merged into).
    """

    __tablename__ = "search_terms"
    __table_args__ = (
        Index("ix_search_terms_client_id_term", "client_id", "term"),
        # The primary key is the table on SQLite: one b-tree instead of a table plus a copy.
        {"sqlite_with_rowid": False},
    )

    # Key order serves the search: one kind, a range of words, then by name.
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    term: Mapped[str] = mapped_column(SEARCH_TERM, primary_key=True)
    label: Mapped[str] = mapped_column(SEARCH_LABEL, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), primary_key=True)


class Product(Base):
    """Something sold: water, a cooler, a service, a bottle deposit."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[ProductKind] = mapped_column(_enum(ProductKind), default=ProductKind.GOODS)
    unit: Mapped[str] = mapped_column(String(20), default="шт")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PriceList(Base):
    """A set of prices: the standard list or a company's contract (Соглашение)."""

    __tablename__ = "price_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[PriceListKind] = mapped_column(_enum(PriceListKind))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    # A contract (Соглашение, the company's Client.price_list) applies between these dates.
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)

    prices: Mapped[list[Price]] = relationship(back_populates="price_list")


class Price(Base):
    """The price of one product in one price list from a day on, in kopecks."""

    __tablename__ = "prices"
    __table_args__ = (
        UniqueConstraint("price_list_id", "product_id", "valid_from", name="uq_prices_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    price_list_id: Mapped[int] = mapped_column(ForeignKey("price_lists.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    amount_kop: Mapped[int] = mapped_column(Integer)
    # The first day (Moscow) the price applies; orders keep the price they were taken at.
    valid_from: Mapped[dt.date] = mapped_column(
        Date, default=dt.date(2000, 1, 1), server_default=text("'2000-01-01'")
    )

    price_list: Mapped[PriceList] = relationship(back_populates="prices")
    product: Mapped[Product] = relationship()


class Courier(Base):
    """A courier (экспедитор) who drives the deliveries."""

    __tablename__ = "couriers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(20), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    capacity: Mapped[int] = mapped_column(Integer, default=40)
    work_days: Mapped[int] = mapped_column(Integer, default=ALL_WEEK, server_default=str(ALL_WEEK))
    work_start: Mapped[dt.time | None] = mapped_column(Time)
    work_end: Mapped[dt.time | None] = mapped_column(Time)


class RejectReason(Base):
    """An entry of the editable list of reasons an interest was lost."""

    __tablename__ = "reject_reasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Order(Base):
    """A client's demand: an interest that becomes a delivery and is closed or rejected."""

    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_client_id_id", "client_id", "id"),
        Index("ix_orders_state_delivery_date", "state", "delivery_date"),
        Index("ix_orders_client_id_state_created_at", "client_id", "state", "created_at"),
        Index("ux_orders_idempotency_key", "idempotency_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    address_id: Mapped[int | None] = mapped_column(ForeignKey("addresses.id"))
    courier_id: Mapped[int | None] = mapped_column(ForeignKey("couriers.id"))
    delivery_date: Mapped[dt.date | None] = mapped_column(Date)
    window_start: Mapped[dt.time | None] = mapped_column(Time)
    window_end: Mapped[dt.time | None] = mapped_column(Time)
    state: Mapped[OrderState] = mapped_column(_enum(OrderState), default=OrderState.INTEREST)
    reject_reason_id: Mapped[int | None] = mapped_column(ForeignKey("reject_reasons.id"))
    fail_reason: Mapped[str] = mapped_column(Text, default="")
    needs_reschedule: Mapped[bool] = mapped_column(Boolean, default=False)
    payment_method: Mapped[PaymentTerms] = mapped_column(
        _enum(PaymentTerms), default=PaymentTerms.CASH
    )
    # The call that captured the order; no FK because interactions also point here.
    source_interaction_id: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    collected_kop: Mapped[int | None] = mapped_column(Integer)
    bottles_returned: Mapped[int | None] = mapped_column(Integer)
    courier_accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    # The desk's key for the draft this order was taken from (migration 0011): a retry of a
    # send whose reply was lost finds the order instead of writing a second one.
    idempotency_key: Mapped[str | None] = mapped_column(String(64))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    client: Mapped[Client] = relationship()
    contact: Mapped[Contact | None] = relationship()
    address: Mapped[Address | None] = relationship()
    courier: Mapped[Courier | None] = relationship()
    reject_reason: Mapped[RejectReason | None] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.id"
    )
    events: Mapped[list[OrderEvent]] = relationship(
        back_populates="order", order_by="OrderEvent.id"
    )
    tasks: Mapped[list[CourierTask]] = relationship(
        back_populates="order", order_by="CourierTask.id"
    )

    @property
    def total_kop(self) -> int:
        """The order's amount in kopecks."""
        return sum(line.qty * line.price_kop for line in self.lines)


class OrderLine(Base):
    """One product of an order with its quantity and the price it was sold at."""

    __tablename__ = "order_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    qty: Mapped[int] = mapped_column(Integer)
    price_kop: Mapped[int] = mapped_column(Integer)

    order: Mapped[Order] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()


class OrderEvent(Base):
    """The audit trail of an order: who changed what, when, from which state to which, why."""

    __tablename__ = "order_events"
    # Reports: the orders closed or taken in a period (migration 0008).
    __table_args__ = (Index("ix_order_events_action_at", "action", "at", "order_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[OrderState | None] = mapped_column(_enum(OrderState))
    to_state: Mapped[OrderState] = mapped_column(_enum(OrderState))
    why: Mapped[str] = mapped_column(Text, default="")

    order: Mapped[Order] = relationship(back_populates="events")


class CourierTask(Base):
    """The unit pushed to a courier's phone: one delivery of one order."""

    __tablename__ = "courier_tasks"
    __table_args__ = (
        # At most one live task per order, whatever the code above does.
        Index(
            "uq_courier_tasks_active_order",
            "order_id",
            unique=True,
            sqlite_where=text("status IN ('new', 'sent', 'accepted')"),
            postgresql_where=text("status IN ('new', 'sent', 'accepted')"),
        ),
        Index("ix_courier_tasks_courier_date", "courier_id", "delivery_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True, default=new_uid)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    courier_id: Mapped[int] = mapped_column(ForeignKey("couriers.id"))
    delivery_date: Mapped[dt.date] = mapped_column(Date)
    window_start: Mapped[dt.time | None] = mapped_column(Time)
    window_end: Mapped[dt.time | None] = mapped_column(Time)
    address_snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    amount_kop: Mapped[int] = mapped_column(Integer)
    payment_method: Mapped[PaymentTerms] = mapped_column(_enum(PaymentTerms))
    status: Mapped[TaskStatus] = mapped_column(_enum(TaskStatus), default=TaskStatus.NEW)
    failure_reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    order: Mapped[Order] = relationship(back_populates="tasks")
    courier: Mapped[Courier] = relationship()


class OutboxMessage(Base):
    """A message for the sync service, written with the change and sent later by the relay."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "sent_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True, default=new_uid)
    topic: Mapped[str] = mapped_column(String(40))
    # Messages with one key (a task uid) must be delivered in id order.
    key: Mapped[str] = mapped_column(String(64), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    available_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # A relay's claim: no other relay sends the message until the lease runs out.
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The service refused the message (bad payload): kept for the admin, never resent by itself.
    failed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class CourierEvent(Base):
    """A courier's event read from the sync service's feed, applied at most once."""

    __tablename__ = "courier_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    # The feed position it was read at (the service's cursor).
    cursor: Mapped[int] = mapped_column(BigInteger)
    task_uid: Mapped[str] = mapped_column(String(32), index=True)
    courier_id: Mapped[int] = mapped_column(Integer)
    # No FK: an event may name a task (and so an order) this database does not know.
    order_id: Mapped[int | None] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    # applied / stale (the task is no longer the order's live one) / unknown_task / refused
    outcome: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class RelayState(Base):
    """Small named values the relay keeps with the data, e.g. its position in the events feed."""

    __tablename__ = "relay_state"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class User(Base):
    """A person who signs in at a desk or runs `dispatch`: operator, shift lead or admin."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[UserRole] = mapped_column(_enum(UserRole), default=UserRole.OPERATOR)
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Wrong passwords in a row, and until when sign-in is refused: guessing is slowed down.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClientEvent(Base):
    """The audit trail of a client's card: who changed what, when (phones, addresses, notes…)."""

    __tablename__ = "client_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")


class Interaction(Base):
    """A call, SMS, e-mail or meeting with a client, done or planned (Взаимодействие)."""

    __tablename__ = "interactions"
    __table_args__ = (
        Index("ix_interactions_planned_review", "planned", "review_after"),
        # The reminders' "next due" query: one responsible's open plans in due order.
        Index("ix_interactions_responsible_done_due", "responsible", "done_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[InteractionKind] = mapped_column(_enum(InteractionKind))
    direction: Mapped[Direction] = mapped_column(_enum(Direction))
    number: Mapped[str] = mapped_column(String(100), default="", index=True)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    result: Mapped[str] = mapped_column(String(40), default="")
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    operator: Mapped[str] = mapped_column(String(100), default="")
    planned: Mapped[bool] = mapped_column(Boolean, default=False)
    review_after: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reviewed: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    # A planned interaction (planned=True): what about, when, who does it; done_at and
    # done_call_id say when and by which logged call it was done (dispatcher.planned).
    subject: Mapped[str] = mapped_column(String(300), default="")
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    responsible: Mapped[str] = mapped_column(String(64), default="")
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    done_call_id: Mapped[int | None] = mapped_column(ForeignKey("interactions.id"))
    # The interaction (usually a call) it was planned from: the seed's "Предмет".
    planned_from_id: Mapped[int | None] = mapped_column(ForeignKey("interactions.id"))
    # A portal message's answer deadline (0015); cleared by the reply (dispatcher.portal).
    reply_due: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)


class ChangeStamp(Base):
    """One row whose value goes up with every write to orders and tasks (dispatcher.changes).

    Bumped by the triggers of migration 0007 on SQLite; PostgreSQL's triggers use a sequence
    and NOTIFY instead (no row lock every writer would queue on).
    """

    __tablename__ = "change_stamp"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


# ---- complaints (претензии / рекламации), migration 0012 -------------------------------


class ComplaintStatus(enum.StrEnum):
    """Where a complaint is: registered, being worked on, or resolved."""

    REGISTERED = "registered"
    IN_WORK = "in_work"
    RESOLVED = "resolved"


OPEN_COMPLAINT_STATUSES = (ComplaintStatus.REGISTERED, ComplaintStatus.IN_WORK)


class ComplaintPriority(enum.StrEnum):
    """How urgent a complaint is."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


class ComplaintRemedy(enum.StrEnum):
    """What the client asks for: nothing named, a redelivery, a replacement or a refund."""

    NONE = "none"
    REDELIVERY = "redelivery"
    REPLACEMENT = "replacement"
    REFUND = "refund"


class ComplaintReason(Base):
    """An entry of the lead-maintained list of complaint reasons, with its standard time."""

    __tablename__ = "complaint_reasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # The standard time to resolve: a complaint's deadline is registration + this.
    hours: Mapped[int] = mapped_column(Integer, default=72)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


complaint_orders = Table(
    "complaint_orders",
    Base.metadata,
    Column("complaint_id", ForeignKey("complaints.id"), primary_key=True),
    Column("order_id", ForeignKey("orders.id"), primary_key=True, index=True),
)


class Complaint(Base):
    """A client's claim (Претензия): reason, guilty, responsible, deadline, status, result."""

    __tablename__ = "complaints"
    __table_args__ = (
        Index("ix_complaints_client_id_id", "client_id", "id"),
        # Escalation reads only the open complaints past their deadline, from the index.
        Index("ix_complaints_status_deadline", "status", "deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    reason_id: Mapped[int] = mapped_column(ForeignKey("complaint_reasons.id"))
    description: Mapped[str] = mapped_column(Text)
    guilty_department: Mapped[str] = mapped_column(String(100), default="")
    # A user's login when the guilty one is a user (the rule against oneself compares it).
    guilty_person: Mapped[str] = mapped_column(String(200), default="")
    responsible: Mapped[str] = mapped_column(String(64), default="")
    priority: Mapped[ComplaintPriority] = mapped_column(
        _enum(ComplaintPriority), default=ComplaintPriority.NORMAL
    )
    remedy: Mapped[ComplaintRemedy] = mapped_column(
        _enum(ComplaintRemedy), default=ComplaintRemedy.NONE
    )
    deadline: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    status: Mapped[ComplaintStatus] = mapped_column(
        _enum(ComplaintStatus), default=ComplaintStatus.REGISTERED
    )
    satisfied: Mapped[bool | None] = mapped_column(Boolean)
    result: Mapped[str] = mapped_column(Text, default="")
    registered_by: Mapped[str] = mapped_column(String(64))
    registered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The lead who allowed the registrar to be both guilty and responsible.
    confirmed_by: Mapped[str | None] = mapped_column(String(64))
    # A resolved complaint the client was not satisfied with waits for a lead's review.
    review_due: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    # The call it was registered in, when it was (no FK, as Order.source_interaction_id).
    source_interaction_id: Mapped[int | None] = mapped_column(Integer)

    client: Mapped[Client] = relationship()
    reason: Mapped[ComplaintReason] = relationship()
    orders: Mapped[list[Order]] = relationship(secondary=complaint_orders, order_by="Order.id")
    events: Mapped[list[ComplaintEvent]] = relationship(order_by="ComplaintEvent.id")
    threads: Mapped[list[ComplaintThread]] = relationship(order_by="ComplaintThread.id")


class ComplaintEvent(Base):
    """The audit trail of a complaint: who did what, when."""

    __tablename__ = "complaint_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")


class ComplaintThread(Base):
    """One department's discussion of a complaint, with its own planned date and status."""

    __tablename__ = "complaint_threads"
    __table_args__ = (
        UniqueConstraint("complaint_id", "department", name="uq_complaint_threads_department"),
        Index("ix_complaint_threads_open_due", "open", "due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"))
    department: Mapped[str] = mapped_column(String(100))
    due: Mapped[dt.date] = mapped_column(Date)
    open: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    messages: Mapped[list[ComplaintMessage]] = relationship(order_by="ComplaintMessage.id")


class ComplaintMessage(Base):
    """One message of a department's thread."""

    __tablename__ = "complaint_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("complaint_threads.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    author: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)


class ComplaintTerm(Base):
    """One normalised word of a complaint's client name, description or reason (search)."""

    __tablename__ = "complaint_terms"
    __table_args__ = (
        Index("ix_complaint_terms_complaint_id_term", "complaint_id", "term"),
        {"sqlite_with_rowid": False},
    )

    term: Mapped[str] = mapped_column(SEARCH_TERM, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), primary_key=True)


class OrderChange(Base):
    """An order written at position ``pos``: the board re-reads only these (dispatcher.board_live).

    Filled and pruned by the triggers of migration 0009, never by the ORM. ``pos`` is the log's
    own counter on SQLite (one writer at a time: positions commit in order) and the writer's
    transaction id on PostgreSQL (see the migration for why that is safe to read after).
    """

    __tablename__ = "order_changes"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    pos: Mapped[int] = mapped_column(BigInteger, index=True)
    order_id: Mapped[int] = mapped_column(Integer)


class KbArticle(Base):
    """A knowledge-base article: a question operators hear and its answer (база знаний)."""

    __tablename__ = "kb_articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(String(500))
    answer: Mapped[str] = mapped_column(Text)
    keywords: Mapped[str] = mapped_column(String(500), default="")
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class KbTerm(Base):
    """One stemmed word of an article, for prefix search (maintained by dispatcher.knowledge)."""

    __tablename__ = "kb_terms"
    __table_args__ = (
        # The ranking's per-candidate seek: (article, term range) -> weight, index only.
        Index("ix_kb_terms_article_term", "article_id", "term", "weight"),
        {"sqlite_with_rowid": False},
    )

    # Key order (term, weight, article): a prefix range yields the best-placed words without
    # reading the table (PostgreSQL's index-only scan; SQLite stores the rows in this order).
    term: Mapped[str] = mapped_column(SEARCH_TERM, primary_key=True)
    # 3 keyword, 2 question, 1 answer: where the word stands says how well it answers.
    weight: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_articles.id"), primary_key=True)


class PhoneDigits(Base):
    """A tail of a phone's digits (four digits and longer), for numbers typed from the middle.

    Every substring of a number is the start of one of its tails, so "45-67" is a key range
    here. Kept by the triggers of migration 0014 on every write to phones, whoever writes.
    """

    __tablename__ = "phone_digits"
    __table_args__ = ({"sqlite_with_rowid": False},)

    suffix: Mapped[str] = mapped_column(
        String(20).with_variant(String(20, collation="C"), "postgresql"), primary_key=True
    )
    phone_id: Mapped[int] = mapped_column(Integer, primary_key=True)


class ReportDayLine(Base):
    """Delivered lines rolled up per Moscow day × courier × client kind × product (reports).

    Kept by the database triggers of migration 0010 (dispatcher.reports.rollups), in the
    transaction that closes, re-dates or moves an order; courier 0 stands for none.
    """

    __tablename__ = "report_day_lines"
    __table_args__ = ({"sqlite_with_rowid": False},)

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    courier_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    product_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    qty: Mapped[int] = mapped_column(BigInteger, default=0)
    sum_kop: Mapped[int] = mapped_column(BigInteger, default=0)


class ReportDayOrders(Base):
    """Delivered orders per Moscow day × courier × client kind × payment (reports, 0010)."""

    __tablename__ = "report_day_orders"
    __table_args__ = ({"sqlite_with_rowid": False},)

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    courier_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    payment_method: Mapped[str] = mapped_column(String(16), primary_key=True)
    orders: Mapped[int] = mapped_column(BigInteger, default=0)
    goods_orders: Mapped[int] = mapped_column(BigInteger, default=0)
    due_kop: Mapped[int] = mapped_column(BigInteger, default=0)
    collected_kop: Mapped[int] = mapped_column(BigInteger, default=0)


class ReportDayClient(Base):
    """Which clients got goods from which courier on a Moscow day (distinct counts, 0010)."""

    __tablename__ = "report_day_clients"
    __table_args__ = (
        Index("ix_report_day_clients_kind_client", "client_kind", "client_id", "day", "orders"),
        Index(
            "ix_report_day_clients_day", "day", "courier_id", "client_kind", "client_id", "orders"
        ),
        {"sqlite_with_rowid": False},
    )

    courier_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    client_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    orders: Mapped[int] = mapped_column(BigInteger, default=0)


class ReportClientBottles(Base):
    """Bottles delivered and empties returned per client × Moscow day × courier × kind (0010).

    The client is the one a merged duplicate went into; the bottles report's balance is the
    client's sum up to a day.
    """

    __tablename__ = "report_client_bottles"
    __table_args__ = (
        Index(
            "ix_report_client_bottles_day",
            "day",
            "client_id",
            "courier_id",
            "client_kind",
            "delivered",
            "returned",
        ),
        {"sqlite_with_rowid": False},
    )

    client_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    courier_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    delivered: Mapped[int] = mapped_column(BigInteger, default=0)
    returned: Mapped[int] = mapped_column(BigInteger, default=0)


class ReportDayTaken(Base):
    """Orders taken per Moscow day × operator × state now × reject reason × failed once (0016).

    Kept by the triggers of dispatcher.reports.desk_rollups; reason 0 stands for none.
    """

    __tablename__ = "report_day_taken"
    __table_args__ = ({"sqlite_with_rowid": False},)

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    operator: Mapped[str] = mapped_column(String(100), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), primary_key=True)
    reason_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    failed: Mapped[int] = mapped_column(Integer, primary_key=True)
    orders: Mapped[int] = mapped_column(BigInteger, default=0)


class ReportDayCalls(Base):
    """Calls per Moscow day × operator: all, answered, missed (0016, kept by triggers)."""

    __tablename__ = "report_day_calls"
    __table_args__ = ({"sqlite_with_rowid": False},)

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    operator: Mapped[str] = mapped_column(String(100), primary_key=True)
    calls: Mapped[int] = mapped_column(BigInteger, default=0)
    answered: Mapped[int] = mapped_column(BigInteger, default=0)
    missed: Mapped[int] = mapped_column(BigInteger, default=0)


class ReportClientSummary(Base):
    """Per client (duplicates merged in): last order, orders, their sum, the usual product (0016).

    Counts the orders not rejected or cancelled; the usual product is the one in most of them
    (the lowest id on a tie), with the orders it is in and its whole quantity.
    """

    __tablename__ = "report_client_summary"
    __table_args__ = (Index("ix_report_client_summary_last", "last_order_at", "client_id"),)

    client_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_order_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    orders: Mapped[int] = mapped_column(BigInteger, default=0)
    sum_kop: Mapped[int] = mapped_column(BigInteger, default=0)
    usual_product_id: Mapped[int | None] = mapped_column(Integer)
    usual_orders: Mapped[int] = mapped_column(BigInteger, default=0)
    usual_qty: Mapped[int] = mapped_column(BigInteger, default=0)


# ---- client portal, migration 0015 ----------------------------------------------------


class PortalInvitation(Base):
    """A one-time code that lets a client's person set up a portal account (only its hash)."""

    __tablename__ = "portal_invitations"
    __table_args__ = (Index("ix_portal_invitations_client_contact", "client_id", "contact_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    code_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # A newer invitation for the same person voids this one; revoking ends the access.
    voided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(64))


class PortalRequest(Base):
    """An order placed on the portal: waits in the "to confirm" queue until an operator acts."""

    __tablename__ = "portal_requests"
    __table_args__ = (
        Index("ix_portal_requests_confirmed_received", "confirmed_at", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    request_id: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # What the client asked for (the desk picks the courier when confirming).
    wanted_date: Mapped[dt.date | None] = mapped_column(Date)
    window_start: Mapped[dt.time | None] = mapped_column(Time)
    window_end: Mapped[dt.time | None] = mapped_column(Time)
    # Set when the desk refused it on arrival (unknown product, bad date): never in the queue.
    rejected: Mapped[str] = mapped_column(Text, default="")
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    confirmed_by: Mapped[str | None] = mapped_column(String(64))

    order: Mapped[Order] = relationship()


class ComplaintAttachment(Base):
    """A file attached to a complaint (a portal claim's photo), kept in the database."""

    __tablename__ = "complaint_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class PortalEvent(Base):
    """A portal feed item applied here, by its event id: a repeated item changes nothing."""

    __tablename__ = "portal_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    cursor: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    client_id: Mapped[int | None] = mapped_column(Integer)
    # The portal's own id of the item (message_id, claim_id, request_id) and the desk row it
    # became (interaction, complaint, order): a reply names the portal message it answers.
    ref: Mapped[str] = mapped_column(String(64), default="")
    target_id: Mapped[int | None] = mapped_column(Integer, index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

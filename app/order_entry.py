"""OrderEntryViewModel: one order on the operator's screen, from the client card to the courier.

The view model holds the draft (address, lines, courier, date and window, comment) and turns
the operator's commands into ``dispatcher.orders`` calls run on the DbWorker. A new order is
created and sent to delivery in ONE job, so a failed send leaves nothing half-written. An
order already in delivery opens in reassign mode; a failed delivery waiting for a new slot
opens in resend mode.

Signals:
    changed(): anything the panel shows changed.
    sent(int): the order is with a courier (sent to delivery, or reassigned).
    reassigned(int): the order in delivery got another courier or slot (after ``sent``).
    rejected(int): the interest was closed as lost.
    error(str): a readable message; nothing was written.
    suggestion(str): the courier suggestion for the chosen address and day, as text.

Bad input is answered per field (``field_messages``): malformed values (a date in the past,
a comment too long for the courier's phone, a refused quantity or window) at once, empty
required fields once Send was pressed. When a send fails (e.g. the database is locked or
down) the draft stays on screen and, given a DraftStore, on disk until a send succeeds;
``restore_draft()`` reopens it after a restart. Retrying is pressing Send again: no timer
re-sends behind the operator's back (the client agreed to a slot on the phone; an order
written minutes later, or twice after the operator re-typed it, would surprise everyone).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from sqlalchemy.orm import Session

from app.domain_text import translate_domain
from app.drafts import ORDER, DraftStore
from app.formatting import to_moscow
from app.shortcuts import Key, sequence
from app.worker import UNEXPECTED, DbWorker
from dispatcher import orders, planning, task_limits
from dispatcher.catalog import format_money
from dispatcher.couriers import active_couriers
from dispatcher.interactions import link_call
from dispatcher.lookup import AddressSummary, OrderSummary
from dispatcher.models import OrderState

logger = logging.getLogger(__name__)

# What the courier's phone takes, stated once in the domain (dispatcher.task_limits).
COMMENT_LIMIT = task_limits.COMMENT_MAX
MAX_QTY = task_limits.QTY_MAX


class OrderField(StrEnum):
    """The parts of the order panel that carry their own message."""

    ADDRESS = "address"
    LINES = "lines"
    QUANTITY = "quantity"
    COURIER = "courier"
    DATE = "date"
    WINDOW = "window"
    COMMENT = "comment"


class OrderMode(StrEnum):
    """What the panel is doing with the order on screen."""

    EMPTY = "empty"  # no client loaded
    NEW = "new"  # capturing a new interest
    RESEND = "resend"  # an interest already saved (a failed delivery) waiting for a slot
    REASSIGN = "reassign"  # an order in delivery: change its courier or slot


@dataclass(frozen=True, slots=True)
class DraftLine:
    """One product of the draft at the client's price."""

    product_id: int
    code: str
    name: str
    price_kop: int
    qty: int

    @property
    def amount_kop(self) -> int:
        """Price times quantity, in kopecks."""
        return self.price_kop * self.qty

    @property
    def price_text(self) -> str:
        """The price as the operator reads it."""
        return format_money(self.price_kop)

    @property
    def amount_text(self) -> str:
        """The line's amount as the operator reads it."""
        return format_money(self.amount_kop)


@dataclass(frozen=True, slots=True)
class OrderDraft:
    """The panel's input as it is written to the DraftStore (ids, codes and ISO texts)."""

    client_id: int
    contact_id: int | None = None
    interaction_id: int | None = None
    order_id: int | None = None  # a saved order being re-sent or reassigned
    lines: list[dict[str, Any]] = field(default_factory=list)  # code, name, qty
    address_id: int | None = None
    courier_id: int | None = None
    date: str | None = None
    window_start: str | None = None
    window_end: str | None = None
    comment: str = ""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OrderDraft:
        """The draft from its JSON form; raises KeyError/TypeError/ValueError when malformed."""
        known = set(cls.__dataclass_fields__)
        draft = cls(**{k: v for k, v in data.items() if k in known})
        _ = draft.day, draft.window  # malformed dates fail here, not later in the panel
        return draft

    @property
    def day(self) -> dt.date | None:
        """The delivery date."""
        return dt.date.fromisoformat(self.date) if self.date else None

    @property
    def window(self) -> tuple[dt.time | None, dt.time | None]:
        """The delivery window, or (None, None)."""
        if not (self.window_start and self.window_end):
            return (None, None)
        return dt.time.fromisoformat(self.window_start), dt.time.fromisoformat(self.window_end)


@dataclass(frozen=True, slots=True)
class Choice:
    """An item of a pick list: a courier, a reject reason, an address."""

    id: int
    label: str


@dataclass(frozen=True, slots=True)
class _Loaded:
    """What one load job brings back for the panel."""

    card: Any  # planning.ClientCard
    couriers: tuple[Choice, ...]
    reasons: tuple[Choice, ...]
    windows: tuple[tuple[dt.time, dt.time], ...]
    day: dt.date
    window: tuple[dt.time | None, dt.time | None]
    address_id: int | None
    suggestion: Any  # planning.CourierSuggestion | None
    order: OrderSummary | None = None
    contact_id: int | None = None


def address_label(address: AddressSummary) -> str:
    """One line for an address: text, flat, entrance, floor."""
    parts = [address.text]
    if address.flat:
        parts.append(
            QCoreApplication.translate("OrderEntryViewModel", "flat {0}").format(address.flat)
        )
    if address.entrance:
        parts.append(
            QCoreApplication.translate("OrderEntryViewModel", "entrance {0}").format(
                address.entrance
            )
        )
    if address.floor:
        parts.append(
            QCoreApplication.translate("OrderEntryViewModel", "floor {0}").format(address.floor)
        )
    return ", ".join(parts)


def window_label(start: dt.time | None, end: dt.time | None) -> str:
    """'10:00–14:00', or 'any time' without a window."""
    if start is None or end is None:
        return QCoreApplication.translate("OrderEntryViewModel", "any time")
    return f"{start:%H:%M}–{end:%H:%M}"


def order_label(order: OrderSummary) -> str:
    """An order as one line: number, date, window, courier, amount."""
    when = order.delivery_date.strftime("%d.%m.%Y") if order.delivery_date else "—"
    return QCoreApplication.translate("OrderEntryViewModel", "#{0} · {1} {2} · {3} · {4}").format(
        order.id,
        when,
        window_label(order.window_start, order.window_end),
        order.courier_name or QCoreApplication.translate("OrderEntryViewModel", "no courier"),
        format_money(order.total_kop),
    )


def _matches_query(item: Any, words: Sequence[str]) -> bool:
    haystack = f"{item.code} {item.name}".casefold().replace("ё", "е")
    return all(word in haystack for word in words)


class OrderEntryViewModel(QObject):
    """The order panel's state and commands; every database call runs on the worker."""

    changed = Signal()
    sent = Signal(int)
    reassigned = Signal(int)
    rejected = Signal(int)
    error = Signal(str)
    suggestion = Signal(str)

    def __init__(
        self,
        worker: DbWorker,
        *,
        actor: str,
        region: str = "RU",
        drafts: DraftStore | None = None,
        parent: QObject | None = None,
    ) -> None:
        """A view model saving through ``worker`` on behalf of operator ``actor``.

        With ``drafts``, an order whose send failed is kept on disk until a send succeeds.
        """
        super().__init__(parent)
        self._worker = worker
        self._actor = actor
        self._region = region
        self._drafts = drafts
        # A restored draft waits for its client card before it is put on screen.
        self._pending_restore: tuple[OrderDraft, dt.datetime] | None = None
        # Each load/suggestion bumps its generation; answers to an older one are dropped.
        self._load_gen = 0
        self._suggest_gen = 0
        self._loading = 0
        self._suggesting = 0
        self._saving = False
        self._send_when_ready = False
        self._couriers: tuple[Choice, ...] = ()
        self._reasons: tuple[Choice, ...] = ()
        self._windows: tuple[tuple[dt.time, dt.time], ...] = tuple(planning.DELIVERY_WINDOWS)
        self._status = ""
        self._reset_client()
        # While a failed send's draft is on disk, every change goes there too.
        self.changed.connect(self._keep_draft)

    # ---- state ------------------------------------------------------------------------

    def _reset_client(self) -> None:
        self._card: Any = None
        self._client_id: int | None = None
        self._contact_id: int | None = None
        self._interaction_id: int | None = None
        # Another client's order: a pending draft stays on disk (restored at the next start).
        self._draft_pending = False
        self._restored_at: dt.datetime | None = None
        self._reset_draft()

    def _reset_draft(self) -> None:
        self._mode = OrderMode.NEW if self._card is not None else OrderMode.EMPTY
        self._order: OrderSummary | None = None
        self._repeat_source: OrderSummary | None = None
        self._lines: list[DraftLine] = []
        self._address_id: int | None = None
        self._courier_id: int | None = None
        self._courier_by_operator = False
        self._suggestion_text = ""
        self._day: dt.date | None = None
        self._window: tuple[dt.time | None, dt.time | None] = (None, None)
        self._comment = ""
        self._slot_confirmed = False
        self._send_when_ready = False
        # Edits the panel refused, by field; cleared when that field is changed successfully.
        self._refused: dict[OrderField, str] = {}
        # Empty required fields are pointed at only after Send was pressed, not while typing.
        self._send_pressed = False

    @property
    def mode(self) -> OrderMode:
        """New interest, re-send of a saved interest, reassignment, or no client yet."""
        return self._mode

    @property
    def client_id(self) -> int | None:
        """The client the order is for."""
        return self._client_id

    @property
    def client_name(self) -> str:
        """The client's display name, or '' before a client is loaded."""
        return self._card.client.name if self._card is not None else ""

    @property
    def order_id(self) -> int | None:
        """The number of the saved order on screen (resend / reassign), else None."""
        return self._order.id if self._order is not None else None

    @property
    def lines(self) -> tuple[DraftLine, ...]:
        """The order's lines with names and the client's prices."""
        return tuple(self._lines)

    @property
    def total_kop(self) -> int:
        """The order's amount in kopecks."""
        return sum(line.amount_kop for line in self._lines)

    @property
    def total_text(self) -> str:
        """The order's amount as the operator reads it."""
        return format_money(self.total_kop)

    @property
    def lines_editable(self) -> bool:
        """Lines can change only while capturing a new interest."""
        return self._mode is OrderMode.NEW

    @property
    def address_editable(self) -> bool:
        """A delivery in progress keeps its address; only courier and slot change."""
        return self._mode in (OrderMode.NEW, OrderMode.RESEND)

    @property
    def products(self) -> tuple[Any, ...]:
        """The client's price list: PriceItem(product_id, code, name, kind, price_kop)."""
        return tuple(self._card.products) if self._card is not None else ()

    @property
    def addresses(self) -> tuple[Choice, ...]:
        """The client's delivery points (a contact's own point first when one is chosen)."""
        if self._card is None:
            return ()
        items = sorted(
            self._card.addresses,
            key=lambda a: (self._contact_id is None or a.contact_id != self._contact_id, a.id),
        )
        return tuple(Choice(a.id, address_label(a)) for a in items)

    @property
    def address_id(self) -> int | None:
        """The chosen delivery point."""
        return self._address_id

    @property
    def courier_id(self) -> int | None:
        """The chosen (or suggested) courier."""
        return self._courier_id

    @property
    def courier_name(self) -> str:
        """The chosen courier's name, or ''."""
        return next((c.label for c in self._couriers if c.id == self._courier_id), "")

    @property
    def suggestion_text(self) -> str:
        """Why the courier was suggested, or what to do when nobody could be."""
        return self._suggestion_text

    @property
    def windows(self) -> tuple[tuple[dt.time, dt.time], ...]:
        """The delivery windows a client can choose from."""
        return self._windows

    @property
    def date(self) -> dt.date | None:
        """The delivery date (Moscow)."""
        return self._day

    @property
    def window(self) -> tuple[dt.time | None, dt.time | None]:
        """The delivery window (start, end), or (None, None) for any time of the day."""
        return self._window

    @property
    def slot_text(self) -> str:
        """Courier, date and window in one line, e.g. 'Петров Пётр, 12.05.2025, 10:00–14:00'."""
        if self._day is None:
            return ""
        courier = self.courier_name or self.tr("no courier")
        return f"{courier}, {self._day:%d.%m.%Y}, {window_label(*self._window)}"

    @property
    def slot_confirmed(self) -> bool:
        """Whether the operator confirmed the suggested slot with the client."""
        return self._slot_confirmed

    @property
    def comment(self) -> str:
        """The comment for the courier."""
        return self._comment

    @property
    def busy(self) -> bool:
        """A load, suggestion or save is running."""
        return bool(self._loading or self._suggesting or self._saving)

    @property
    def saving(self) -> bool:
        """A send, reassignment or rejection is being written."""
        return self._saving

    @property
    def status_text(self) -> str:
        """What happened last (e.g. 'Order #12 sent to delivery: …'), or ''."""
        return self._status

    @property
    def can_repeat(self) -> bool:
        """The client has a last order and the panel is capturing a new one."""
        return (
            self._mode is OrderMode.NEW
            and self._card is not None
            and self._card.last_order is not None
        )

    @property
    def last_order_text(self) -> str:
        """The client's last order as one line, or ''."""
        last = self._card.last_order if self._card is not None else None
        if last is None:
            return ""
        items = ", ".join(f"{line.product_name} × {line.qty}" for line in last.lines)
        return self.tr("Last order #{0} of {1}: {2} — {3}").format(
            last.id,
            f"{last.created_at.astimezone(orders.MOSCOW):%d.%m.%Y}",
            items,
            format_money(last.total_kop),
        )

    @property
    def active_deliveries(self) -> tuple[OrderSummary, ...]:
        """The client's orders in delivery and failed ones waiting for a new slot."""
        if self._card is None:
            return ()
        return tuple(self._card.active_deliveries) + tuple(self._card.to_reschedule)

    @property
    def missing(self) -> list[str]:
        """What still stops the order from being sent, as readable phrases."""
        if self._card is None:
            return [self.tr("a client")]
        if self._mode is OrderMode.REASSIGN:
            out = self._slot_missing()
            if not out and self._order is not None and not self._slot_differs(self._order):
                out.append(self.tr("another courier or slot"))
            return out
        out = []
        if self._address_id is None:
            out.append(self.tr("a delivery address"))
        if not self._lines:
            out.append(self.tr("at least one product"))
        return out + self._slot_missing()

    def _slot_missing(self) -> list[str]:
        out = []
        if self._courier_id is None:
            out.append(self.tr("a courier"))
        if self._day is None:
            out.append(self.tr("a delivery date"))
        elif self._day < orders.moscow_today():
            out.append(self.tr("a delivery date from today on"))
        return out

    @property
    def field_messages(self) -> dict[OrderField, str]:
        """Each field's problem to show next to it."""
        if self._card is None:
            return {}
        out: dict[OrderField, str] = {}
        required = self._send_pressed
        if self._mode is not OrderMode.REASSIGN and required:
            if self._address_id is None:
                out[OrderField.ADDRESS] = self.tr("Choose the delivery address.")
            if not self._lines:
                out[OrderField.LINES] = self.tr("Add at least one product.")
        if self._courier_id is None and required:
            out[OrderField.COURIER] = self.tr("Choose a courier.")
        if self._day is None:
            if required:
                out[OrderField.DATE] = self.tr("Choose the delivery date.")
        elif self._day < orders.moscow_today():
            out[OrderField.DATE] = self.tr(
                "{0:%d.%m.%Y} is in the past: choose today or a later day."
            ).format(self._day)
        start, end = self._window
        if start is not None and end is not None and start >= end:
            out[OrderField.WINDOW] = self.tr("The window must end after it starts.")
        if len(self._comment) > COMMENT_LIMIT:
            out[OrderField.COMMENT] = self.tr(
                "The comment is {0} characters long; the courier's phone takes {1}."
            ).format(len(self._comment), COMMENT_LIMIT)
        if (
            self._mode is OrderMode.REASSIGN
            and required
            and self._order is not None
            and not self._slot_missing()
            and not self._slot_differs(self._order)
        ):
            out[OrderField.COURIER] = self.tr("Choose another courier, date or window.")
        out.update(self._refused)
        return out

    def _malformed(self) -> list[str]:
        """Messages of values that are wrong (not merely missing) and stop a send."""
        out = []
        if len(self._comment) > COMMENT_LIMIT and self._mode is OrderMode.NEW:
            out.append(self.field_messages[OrderField.COMMENT])
        return out

    @property
    def can_send(self) -> bool:
        """Everything is filled in and nothing is being written."""
        return not self._saving and not self.missing and not self._malformed()

    @property
    def draft_pending(self) -> bool:
        """The order on screen is kept on disk because a send did not go through."""
        return self._draft_pending

    @property
    def restored_text(self) -> str:
        """'An unsaved order from … was restored', after ``restore_draft()``; else ''."""
        if self._restored_at is None:
            return ""
        when = to_moscow(self._restored_at)
        return self.tr("An unsaved order from {0} was restored.").format(f"{when:%d.%m.%Y %H:%M}")

    def couriers(self) -> list[Choice]:
        """The active couriers, by name."""
        return list(self._couriers)

    def reject_reasons(self) -> list[Choice]:
        """The reasons an interest can be rejected with."""
        return list(self._reasons)

    def matches(self, text: str, limit: int = 8) -> list[Any]:
        """Price-list items for what the operator typed: exact code, code prefix, name words."""
        query = text.strip().casefold().replace("ё", "е")
        if not query:
            return []
        items = self.products
        exact = [i for i in items if i.code.casefold() == query]
        prefix = [i for i in items if i.code.casefold().startswith(query) and i not in exact]
        words = query.split()
        rest = [i for i in items if i not in exact and i not in prefix and _matches_query(i, words)]
        return (exact + prefix + rest)[:limit]

    # ---- loading ----------------------------------------------------------------------

    def load_client(
        self, client_id: int, contact_id: int | None = None, interaction_id: int | None = None
    ) -> None:
        """Load the client card (addresses, price list, last order, deliveries) for a new order."""
        self._pending_restore = None
        self._load_gen += 1
        gen = self._load_gen
        self._reset_client()
        self._client_id = client_id
        self._contact_id = contact_id
        self._interaction_id = interaction_id
        self._status = ""
        self._loading += 1
        self.changed.emit()

        def job(session: Session) -> _Loaded:
            return _load(session, client_id, contact_id)

        self._worker.submit(
            job,
            lambda loaded: self._on_loaded(gen, loaded, interaction_id),
            lambda message: self._on_load_failed(gen, message),
        )

    def open_order(self, order_id: int) -> None:
        """Open a saved order: in delivery to reassign it, a failed delivery to send it again."""
        self._pending_restore = None
        self._load_gen += 1
        gen = self._load_gen
        interaction_id = self._interaction_id
        self._reset_client()
        self._interaction_id = interaction_id
        self._status = ""
        self._loading += 1
        self.changed.emit()

        def job(session: Session) -> _Loaded:
            order = orders.get_order(session, order_id)
            loaded = _load(session, order.client_id, order.contact_id)
            summary = planning.order_summary(session, order_id)
            return replace(loaded, order=summary, contact_id=order.contact_id)

        self._worker.submit(
            job,
            lambda loaded: self._on_loaded(gen, loaded, interaction_id),
            lambda message: self._on_load_failed(gen, message),
        )

    def _on_load_failed(self, gen: int, message: str) -> None:
        self._loading -= 1
        if gen == self._load_gen:
            self._send_when_ready = False
            if self._pending_restore is not None:
                # The draft stays on disk: the next start (or restore_draft()) tries again.
                self._pending_restore = None
                message = self.tr(
                    "The unsaved order could not be reopened: {0} It stays saved on this computer."
                ).format(message)
            self.error.emit(message)
        self.changed.emit()

    def _on_loaded(self, gen: int, loaded: _Loaded, interaction_id: int | None) -> None:
        self._loading -= 1
        if gen != self._load_gen:
            self.changed.emit()
            return
        order = loaded.order
        if order is not None and order.state not in (OrderState.DELIVERY, OrderState.INTEREST):
            if self._pending_restore is not None and self._drafts is not None:
                # Someone finished the order meanwhile: its draft has nothing left to change.
                logger.info("dropping the draft of order #%s: it is %s", order.id, order.state)
                self._drafts.clear(ORDER)
            self._pending_restore = None
            self._reset_client()
            self.error.emit(
                self.tr("Order #{0} is {1}: it cannot be changed any more.").format(
                    order.id, self._state_name(order.state)
                )
            )
            self.changed.emit()
            return
        self._card = loaded.card
        self._client_id = loaded.card.client.id
        self._contact_id = loaded.contact_id
        self._interaction_id = interaction_id
        self._couriers = loaded.couriers
        self._reasons = loaded.reasons
        self._windows = loaded.windows
        self._reset_draft()
        self._day = loaded.day
        self._window = loaded.window
        self._address_id = loaded.address_id
        if order is None:
            self._mode = OrderMode.NEW
            self._apply_suggestion(loaded.suggestion)
        else:
            self._order = order
            self._lines = [self._line_from_summary(line) for line in order.lines]
            if order.address_id is not None:
                self._address_id = order.address_id
            if order.state is OrderState.DELIVERY:
                self._mode = OrderMode.REASSIGN
                self._courier_id = order.courier_id
                self._courier_by_operator = True
                self._day = order.delivery_date
                self._window = (order.window_start, order.window_end)
                self._suggestion_text = ""
            else:
                self._mode = OrderMode.RESEND
                self._apply_suggestion(loaded.suggestion)
                if self._courier_id is None:
                    self._courier_id = order.courier_id
        if self._pending_restore is not None:
            self._apply_draft(*self._pending_restore)
            self._pending_restore = None
        self.changed.emit()
        self._run_pending_send()

    def _line_from_summary(self, line: Any) -> DraftLine:
        item = next((p for p in self.products if p.code == line.product_code), None)
        return DraftLine(
            product_id=item.product_id if item is not None else 0,
            code=line.product_code,
            name=line.product_name,
            # Saved orders keep the price they were sold at; a repeat is priced anew.
            price_kop=line.price_kop,
            qty=line.qty,
        )

    def _state_name(self, state: OrderState) -> str:
        names = {
            OrderState.CLOSED: self.tr("closed"),
            OrderState.REJECTED: self.tr("rejected"),
            OrderState.DELIVERY: self.tr("out for delivery"),
            OrderState.INTEREST: self.tr("an interest"),
        }
        return names[state]

    def set_identity(self, *, actor: str, region: str) -> None:
        """Who is recorded on the orders and the default phone region (Settings changed)."""
        self._actor = actor
        self._region = region

    def clear(self) -> None:
        """Forget the client and the draft (the call ended or another client was chosen)."""
        self._pending_restore = None
        self._load_gen += 1
        self._suggest_gen += 1
        self._reset_client()
        self._status = ""
        self.changed.emit()

    # ---- editing ----------------------------------------------------------------------

    def repeat_last(self) -> bool:
        """Copy the last order's lines (at today's prices) and address; suggest courier and slot."""
        if not self._require_editable():
            return False
        last = self._card.last_order
        if last is None:
            self.error.emit(self.tr("{0} has no earlier order to repeat.").format(self.client_name))
            return False
        lines = []
        for line in last.lines:
            item = next((p for p in self.products if p.code == line.product_code), None)
            if item is None:
                self.error.emit(
                    self.tr("{0} is not in this client's price list any more.").format(
                        line.product_name
                    )
                )
                continue
            lines.append(DraftLine(item.product_id, item.code, item.name, item.price_kop, line.qty))
        self._lines = lines
        self._repeat_source = last
        if last.address_id is not None and any(a.id == last.address_id for a in self.addresses):
            address_changed = last.address_id != self._address_id
            self._address_id = last.address_id
        else:
            address_changed = False
        self._slot_confirmed = False
        if not self._courier_by_operator and self._courier_id is None and last.courier_id:
            # Nobody is suggested for the area yet: the courier who delivered last time is.
            self._courier_id = self._active_courier(last.courier_id)
        self.changed.emit()
        if address_changed:
            self._request_suggestion()
        return True

    def add_line(self, product: int | str, qty: int = 1) -> int | None:
        """Add a product (by id or code) or raise its quantity; returns the line's index."""
        if not self._require_editable():
            return None
        if isinstance(product, str):
            code = product.strip().casefold()
            item = next((p for p in self.products if p.code.casefold() == code), None)
        else:
            item = next((p for p in self.products if p.product_id == product), None)
        if item is None:
            self._refuse(
                OrderField.LINES, self.tr("{0} is not in this client's price list.").format(product)
            )
            return None
        for index, line in enumerate(self._lines):
            if line.product_id == item.product_id:
                return index if self.change_qty(index, qty) else None
        if not 1 <= qty <= MAX_QTY:
            self._refuse(OrderField.QUANTITY, self.tr("Quantity must be between 1 and 10 000."))
            return None
        self._lines.append(DraftLine(item.product_id, item.code, item.name, item.price_kop, qty))
        self._accept(OrderField.LINES, OrderField.QUANTITY)
        self.changed.emit()
        return len(self._lines) - 1

    def change_qty(self, index: int, delta: int) -> bool:
        """Raise or lower a line's quantity; it never drops below one (Delete removes)."""
        return self.set_qty(index, self._lines[index].qty + delta) if self._has(index) else False

    def set_qty(self, index: int, qty: int) -> bool:
        """Set a line's quantity (1 to 10 000)."""
        if not self._require_editable() or not self._has(index):
            return False
        qty = max(1, qty)
        if qty > MAX_QTY:
            self._refuse(OrderField.QUANTITY, self.tr("Quantity must be between 1 and 10 000."))
            return False
        self._accept(OrderField.QUANTITY)
        if qty != self._lines[index].qty:
            self._lines[index] = replace(self._lines[index], qty=qty)
        self.changed.emit()
        return True

    def remove_line(self, index: int) -> bool:
        """Remove a line from the draft."""
        if not self._require_editable() or not self._has(index):
            return False
        del self._lines[index]
        self.changed.emit()
        return True

    def set_address(self, address_id: int | None) -> None:
        """Choose the delivery point; the courier suggestion follows it."""
        if address_id == self._address_id or self._mode is OrderMode.REASSIGN:
            return
        if address_id is not None and all(a.id != address_id for a in self.addresses):
            self._refuse(
                OrderField.ADDRESS, self.tr("This address is not a delivery point of the client.")
            )
            return
        self._accept(OrderField.ADDRESS)
        self._address_id = address_id
        self._slot_confirmed = False
        self.changed.emit()
        self._request_suggestion()

    def set_courier(self, courier_id: int | None) -> None:
        """Choose the courier; suggestions no longer override the operator's choice."""
        if courier_id == self._courier_id:
            return
        self._courier_id = courier_id
        self._courier_by_operator = courier_id is not None
        self._slot_confirmed = False
        self.changed.emit()

    def set_date(self, day: dt.date) -> None:
        """Choose the delivery date; the courier suggestion follows it."""
        if day == self._day:
            return
        self._day = day
        self._slot_confirmed = False
        self.changed.emit()
        self._request_suggestion()

    def set_window(self, start: dt.time | None, end: dt.time | None) -> None:
        """Choose the delivery window, or (None, None) for any time of the day."""
        if (start is None) != (end is None) or (start and end and start >= end):
            self._refuse(OrderField.WINDOW, self.tr("A time window needs a start before its end."))
            return
        if self._refused.pop(OrderField.WINDOW, None) is not None:
            self.changed.emit()
        if (start, end) == self._window:
            return
        self._window = (start, end)
        self._slot_confirmed = False
        self.changed.emit()

    def set_comment(self, text: str) -> None:
        """The comment the courier sees."""
        if text != self._comment:
            self._comment = text
            self.changed.emit()

    def confirm_slot(self) -> None:
        """The client agreed to the courier, date and window on screen."""
        if not self._slot_confirmed:
            self._slot_confirmed = True
            self.changed.emit()

    def _has(self, index: int) -> bool:
        return 0 <= index < len(self._lines)

    def _refuse(self, where: OrderField, message: str) -> None:
        """The edit was not taken: say why next to the field and in the error line."""
        self._refused[where] = message
        self.changed.emit()
        self.error.emit(message)

    def _accept(self, *fields: OrderField) -> None:
        for where in fields:
            self._refused.pop(where, None)

    def _require_editable(self) -> bool:
        if self._card is None:
            self.error.emit(self.tr("Choose the client first."))
            return False
        if self._mode is not OrderMode.NEW:
            self.error.emit(
                self.tr("The products of saved order #{0} cannot be changed here.").format(
                    self.order_id
                )
            )
            return False
        return True

    def _active_courier(self, courier_id: int | None) -> int | None:
        return courier_id if any(c.id == courier_id for c in self._couriers) else None

    # ---- courier suggestion -----------------------------------------------------------

    def _request_suggestion(self) -> None:
        if self._mode is OrderMode.REASSIGN or self._address_id is None or self._day is None:
            return
        self._suggest_gen += 1
        gen = self._suggest_gen
        address_id, day = self._address_id, self._day
        self._suggesting += 1
        self.changed.emit()
        self._worker.submit(
            lambda session: planning.suggest_courier(session, address_id, day),
            lambda found: self._on_suggested(gen, found),
            lambda message: self._on_suggest_failed(gen, message),
        )

    def _on_suggested(self, gen: int, found: Any) -> None:
        self._suggesting -= 1
        if gen == self._suggest_gen:
            self._apply_suggestion(found)
        self.changed.emit()
        self._run_pending_send()

    def _on_suggest_failed(self, gen: int, message: str) -> None:
        # A suggestion is a convenience: the operator can still choose a courier.
        self._suggesting -= 1
        logger.warning("courier suggestion failed: %s", message)
        self.changed.emit()
        self._run_pending_send()

    def _apply_suggestion(self, found: Any) -> None:
        if found is not None and self._active_courier(found.courier_id) is not None:
            if not self._courier_by_operator:
                self._courier_id = found.courier_id
            reason = (
                translate_domain(found.reason_template, found.reason_params)
                if found.reason_template
                else found.reason
            )
            text = self.tr("Suggested: {0} — {1}").format(found.name, reason)
        else:
            text = self.tr("No courier serves this address yet: choose one ({0}).").format(
                sequence(Key.COURIER)
            )
        self._suggestion_text = text
        self.suggestion.emit(text)

    # ---- saving -----------------------------------------------------------------------

    def _saved_interest(self) -> Callable[[Session], tuple[int, int | None]]:
        """A job step: the order on screen as a saved interest -> (order id, version to expect).

        A new draft is created from the lines on screen, even after a repeat: the operator may
        have changed them, and create_order prices them from today's price list.
        """
        client_id, contact_id = self._client_id, self._contact_id
        address_id, interaction_id, actor = self._address_id, self._interaction_id, self._actor
        comment, existing = self._comment, self._order
        lines = [orders.LineInput(line.code, line.qty) for line in self._lines]

        def saved(session: Session) -> tuple[int, int | None]:
            if existing is not None:
                return existing.id, existing.version
            order = orders.create_order(
                session,
                client_id,
                lines,
                actor=actor,
                address_id=address_id,
                contact_id=contact_id,
                comment=comment,
                source_interaction_id=interaction_id,
            )
            return order.id, None

        return saved

    def send_to_delivery(self) -> None:
        """Create (if needed) and send the order to delivery in one job, or save a reassignment."""
        if self._saving:
            return  # a second Ctrl+Return must not create a second order
        if self._loading or self._suggesting:
            # The operator is faster than the database: send once the card/suggestion is in.
            self._send_when_ready = True
            return
        if self._mode is OrderMode.REASSIGN:
            self.save_reassignment()
            return
        self._send_pressed = True
        missing = self.missing
        if missing:
            self.changed.emit()  # the fields now point at what they lack
            self.error.emit(self.tr("To send the order, add {0}.").format(", ".join(missing)))
            return
        malformed = self._malformed()
        if malformed:
            self.changed.emit()
            self.error.emit(" ".join(malformed))
            return
        slot = self._slot()
        client_id, address_id = self._client_id, self._address_id
        interaction_id, actor = self._interaction_id, self._actor
        saved = self._saved_interest()

        def job(session: Session) -> int:
            order_id, version = saved(session)
            orders.send_to_delivery(
                session,
                order_id,
                slot,
                actor=actor,
                expected_version=version,
                address_id=address_id,
            )
            _link_call(session, interaction_id, client_id=client_id, order_id=order_id)
            return order_id

        self._save(job, self._on_sent, Key.SEND_TO_DELIVERY)

    def save_reassignment(self) -> None:
        """Give the order in delivery the courier and slot on screen (old task cancelled)."""
        if self._saving:
            return
        if self._mode is not OrderMode.REASSIGN or self._order is None:
            self.error.emit(self.tr("Open an order that is out for delivery first."))
            return
        self._send_pressed = True
        missing = self.missing
        if missing:
            self.changed.emit()
            self.error.emit(
                self.tr("To reassign the order, choose {0}.").format(", ".join(missing))
            )
            return
        slot = self._slot()
        order_id, version, actor = self._order.id, self._order.version, self._actor

        def job(session: Session) -> int:
            orders.reassign(session, order_id, slot, actor=actor, expected_version=version)
            return order_id

        self._save(job, self._on_reassigned, Key.SEND_TO_DELIVERY)

    def reject(self, reason_id: int, why: str = "") -> None:
        """Close the interest as lost with a reason; a draft is saved as a rejected interest."""
        if self._saving:
            return
        if self._card is None:
            self.error.emit(self.tr("Choose the client first."))
            return
        client_id, interaction_id, actor = self._client_id, self._interaction_id, self._actor
        # A draft is saved before it is rejected: reports count why callers did not order.
        saved = self._saved_interest()

        def job(session: Session) -> int:
            order_id, version = saved(session)
            orders.reject(
                session,
                order_id,
                reason_id=reason_id,
                actor=actor,
                why=why,
                expected_version=version,
            )
            _link_call(session, interaction_id, client_id=client_id, order_id=order_id)
            return order_id

        self._save(job, self._on_rejected, Key.REJECT_ORDER)

    def _slot(self) -> orders.Slot:
        assert self._courier_id is not None and self._day is not None
        return orders.Slot(self._courier_id, self._day, *self._window)

    def _slot_differs(self, order: OrderSummary) -> bool:
        return (
            order.courier_id != self._courier_id
            or order.delivery_date != self._day
            or (order.window_start, order.window_end) != self._window
        )

    def _save(
        self, job: Callable[[Session], int], on_done: Callable[[int], None], retry: Key
    ) -> None:
        self._saving = True
        self._send_when_ready = False
        self.changed.emit()
        self._worker.submit(job, on_done, lambda message: self._on_save_failed(message, retry))

    def _on_save_failed(self, message: str, retry: Key) -> None:
        # The job rolled back as a whole; the draft stays on screen and, if we can, on disk.
        self._saving = False
        self._draft_pending = self._drafts is not None
        kept = self._write_draft()
        if message == UNEXPECTED:
            # The worker's generic text is for unexpected errors: a locked or absent database.
            reason = self.tr("the database could not be written (details are in the log)")
        else:
            reason = message.rstrip(". ")
        if kept:
            text = self.tr(
                "Not saved: {0}. Your input is kept and saved on this computer; "
                "press {1} to try again."
            )
        else:
            text = self.tr("Not saved: {0}. Your input is kept; press {1} to try again.")
        self.error.emit(text.format(reason, sequence(retry)))
        self.changed.emit()

    def _finish(self, status: str) -> None:
        self._saving = False
        if self._draft_pending and self._drafts is not None:
            self._drafts.clear(ORDER)  # written to the database: nothing is pending any more
        self._draft_pending = False
        self._status = status
        client_id, contact_id, interaction_id = (
            self._client_id,
            self._contact_id,
            self._interaction_id,
        )
        status_kept = self._status
        # Reload the card: the new order is now the last one and among active deliveries.
        if client_id is not None:
            self.load_client(client_id, contact_id, interaction_id)
        self._status = status_kept
        self.changed.emit()

    def _on_sent(self, order_id: int) -> None:
        status = self.tr("Order #{0} sent to delivery: {1}.").format(order_id, self.slot_text)
        self.sent.emit(order_id)
        self._finish(status)

    def _on_reassigned(self, order_id: int) -> None:
        status = self.tr("Order #{0} reassigned: {1}.").format(order_id, self.slot_text)
        self.sent.emit(order_id)
        self.reassigned.emit(order_id)
        self._finish(status)

    def _on_rejected(self, order_id: int) -> None:
        status = self.tr("Order #{0} rejected.").format(order_id)
        self.rejected.emit(order_id)
        self._finish(status)

    def _run_pending_send(self) -> None:
        if self._send_when_ready and not (self._loading or self._suggesting):
            self._send_when_ready = False
            self.send_to_delivery()

    # ---- drafts -----------------------------------------------------------------------

    def draft(self) -> OrderDraft | None:
        """The order on screen as a draft, or None without a client."""
        if self._card is None or self._client_id is None:
            return None
        start, end = self._window
        return OrderDraft(
            client_id=self._client_id,
            contact_id=self._contact_id,
            interaction_id=self._interaction_id,
            order_id=self.order_id,
            lines=[{"code": x.code, "name": x.name, "qty": x.qty} for x in self._lines],
            address_id=self._address_id,
            courier_id=self._courier_id,
            date=self._day.isoformat() if self._day else None,
            window_start=start.isoformat("minutes") if start else None,
            window_end=end.isoformat("minutes") if end else None,
            comment=self._comment,
        )

    def _write_draft(self) -> bool:
        draft = self.draft()
        return self._drafts is not None and draft is not None and self._drafts.save(ORDER, draft)

    def _keep_draft(self) -> None:
        if self._draft_pending and not self._loading and not self._saving:
            self._write_draft()

    def restore_draft(self) -> bool:
        """Reopen an order kept on disk (its client card loads first); False when there is none."""
        saved = self._drafts.load(ORDER) if self._drafts is not None else None
        if saved is None:
            return False
        try:
            draft = OrderDraft.from_json(saved.data)
        except (KeyError, TypeError, ValueError):
            logger.exception("The order draft cannot be used: %r", saved.data)
            return False
        if draft.order_id is not None:
            self._interaction_id = draft.interaction_id
            self.open_order(draft.order_id)
        else:
            self.load_client(draft.client_id, draft.contact_id, draft.interaction_id)
        # Set after the load started: starting a load forgets any older pending restore.
        self._pending_restore = (draft, saved.saved_at)
        return True

    def discard_draft(self) -> None:
        """Forget the order draft on disk (the operator does not want it); the panel stays."""
        if self._drafts is not None:
            self._drafts.clear(ORDER)
        self._draft_pending = False
        self._restored_at = None
        self.changed.emit()

    def _apply_draft(self, draft: OrderDraft, saved_at: dt.datetime) -> None:
        """Put a restored draft over the freshly loaded card (today's prices and couriers)."""
        if self._mode is OrderMode.NEW:
            lines = []
            for line in draft.lines:
                item = next((p for p in self.products if p.code == line.get("code")), None)
                if item is None:
                    self.error.emit(
                        self.tr("{0} is not in this client's price list any more.").format(
                            line.get("name") or line.get("code")
                        )
                    )
                    continue
                qty = min(max(1, int(line.get("qty", 1))), MAX_QTY)
                lines.append(DraftLine(item.product_id, item.code, item.name, item.price_kop, qty))
            self._lines = lines
            self._comment = draft.comment
        if self.address_editable and any(a.id == draft.address_id for a in self.addresses):
            self._address_id = draft.address_id
        courier = self._active_courier(draft.courier_id)
        if courier is not None:
            self._courier_id = courier
            self._courier_by_operator = True
        if draft.day is not None:
            self._day = draft.day  # a day now in the past is kept and pointed at, not changed
        start, end = draft.window
        if start is None or end is None or start < end:
            self._window = (start, end)
        self._draft_pending = True  # only on disk still: a successful send removes it
        self._restored_at = saved_at


def _default_address(card: Any, contact_id: int | None) -> int | None:
    """The contact's own point, the only point, the last order's point, or the first one."""
    addresses = list(card.addresses)
    if not addresses:
        return None
    if contact_id is not None:
        own = [a for a in addresses if a.contact_id == contact_id]
        if own:
            return own[0].id
    last = card.last_order
    if last is not None and any(a.id == last.address_id for a in addresses):
        return last.address_id
    return addresses[0].id


def _load(session: Session, client_id: int, contact_id: int | None) -> _Loaded:
    """The client card plus everything the pick lists need, read in one unit of work."""
    card = planning.client_card(session, client_id)
    address_id = _default_address(card, contact_id)
    day, start, end = planning.default_slot()
    suggestion = planning.suggest_courier(session, address_id, day) if address_id else None
    return _Loaded(
        card=card,
        couriers=tuple(Choice(c.id, c.name) for c in active_couriers(session)),
        reasons=tuple(Choice(r.id, r.name) for r in orders.reject_reasons(session)),
        windows=tuple(planning.DELIVERY_WINDOWS),
        day=day,
        window=(start, end),
        address_id=address_id,
        suggestion=suggestion,
        contact_id=contact_id,
    )


def _link_call(
    session: Session, interaction_id: int | None, *, client_id: int | None, order_id: int
) -> None:
    """Attach the order to the call it was taken on, in the same transaction."""
    if interaction_id is None:
        return
    link_call(session, interaction_id, client_id=client_id, order_id=order_id)

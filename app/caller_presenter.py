"""What the caller panel shows: a lookup or search turned into rows, badges and texts.

`app.widgets.caller_panel` only lays these out. Everything the operator reads there is
decided here, without a window: the status line, each match's kind and duplicate badge,
the selected match's addresses, its deliveries (failed ones flagged "to reschedule"), its
last order, and which duplicates a shift lead may merge into it. Texts keep the
"CallerPanel" translation context they had when the panel made them (spelled out at each
call: lupdate only finds ``QCoreApplication.translate`` written in full).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication

from app.domain_text import translate_domain
from app.formatting import format_date
from dispatcher.lookup import (
    AddressSummary,
    DuplicateReason,
    LookupResult,
    LookupStatus,
    Match,
    OrderSummary,
)
from dispatcher.models import ClientKind, OrderState
from dispatcher.search import SearchHit

logger = logging.getLogger(__name__)

__all__ = [
    "CallerView",
    "DeliveryRow",
    "LookupResult",
    "MatchDetails",
    "MatchRow",
    "SearchHit",
    "merge_question",
    "notes_text",
    "present_hits",
    "present_lookup",
    "present_search_prompt",
    "slot_text",
    "waiting_view",
]

WARNING_MARK = "⚠"


@dataclass(frozen=True, slots=True)
class MatchRow:
    """One line of the matches list: client, contact, kind and the duplicate badge."""

    client_id: int
    contact_id: int | None
    name: str
    contact: str
    kind: str
    badge: str = ""  # "⚠ DUPLICATE: same phone, similar name", or "" for a single client
    badge_tooltip: str = ""

    @property
    def duplicate(self) -> bool:
        """The client is probably the same as another one listed."""
        return bool(self.badge)

    @property
    def cells(self) -> tuple[str, str, str, str]:
        """The four columns: client, contact, kind, duplicate."""
        return (self.name, self.contact, self.kind, self.badge)


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    """One line of the deliveries table; ``flagged`` rows wait for a new slot."""

    order_id: int
    cells: tuple[str, str, str, str]  # order №, courier, slot, state
    flagged: bool = False
    tooltip: str = ""


@dataclass(frozen=True, slots=True)
class MatchDetails:
    """What the panel shows under the matches for the selected one."""

    addresses: tuple[str, ...] = ()
    deliveries: tuple[DeliveryRow, ...] = ()
    last_order: str = ""
    notes: str = ""  # the client's notes, to be read before talking ("" when none)


@dataclass(frozen=True, slots=True)
class CallerView:
    """Everything the caller panel shows for one lookup, search or prompt."""

    status: str
    rows: tuple[MatchRow, ...] = ()
    merge_number: str = ""  # the number a merge is logged under; "" when nothing can merge
    attach_number: str = ""  # an unknown caller's number, to attach to a known client
    _matches: tuple[Match, ...] = ()
    _groups: tuple[tuple[int, ...], ...] = field(default=())

    @property
    def show_contact_column(self) -> bool:
        """Some row names a contact person (otherwise the names get the room)."""
        return any(row.contact for row in self.rows)

    @property
    def show_badge_column(self) -> bool:
        """Some row carries a duplicate badge."""
        return any(row.badge for row in self.rows)

    @property
    def caller_names(self) -> str:
        """The matched clients' names, once each, for the tray notification."""
        return ", ".join(dict.fromkeys(match.client.name for match in self._matches))

    def duplicates_of(self, client_id: int) -> list[int]:
        """The other clients grouped with ``client_id`` as probable duplicates."""
        others: list[int] = []
        for ids in self._groups:
            if client_id in ids:
                others.extend(i for i in ids if i != client_id and i not in others)
        return others

    @property
    def can_attach(self) -> bool:
        """The number is nobody's yet: it can be attached to an existing client."""
        return bool(self.attach_number)

    def can_merge(self, client_id: int | None, *, lead: bool) -> bool:
        """A shift lead may merge the selected client's duplicates into it."""
        return lead and client_id is not None and bool(self.duplicates_of(client_id))

    def details(self, client_id: int, contact_id: int | None) -> MatchDetails:
        """Addresses, deliveries and last order of the selected row (empty for search hits)."""
        for match in self._matches:
            owner = match.contact.id if match.contact else None
            if match.client.id == client_id and owner == contact_id:
                return _details(match)
        return MatchDetails()


def present_lookup(result: LookupResult) -> CallerView:
    """The matches of a lookup, then duplicates found by name or address only, badged."""
    groups = tuple(
        (group.reason, tuple(client.id for client in group.clients))
        for group in result.duplicate_groups
    )
    reasons: dict[int, list[DuplicateReason]] = {}
    for reason, ids in groups:
        for client_id in ids:
            reasons.setdefault(client_id, []).append(reason)
    rows: list[MatchRow] = []
    listed: set[int] = set()
    for match in result.matches:
        listed.add(match.client.id)
        contact = match.contact
        rows.append(
            _row(
                match.client.id,
                contact.id if contact else None,
                match.client.name,
                contact.name if contact else "",
                match.client.kind,
                reasons.get(match.client.id, []),
            )
        )
    for group in result.duplicate_groups:
        for client in group.clients:
            if client.id not in listed:  # a duplicate found by name or address only
                listed.add(client.id)
                rows.append(_row(client.id, None, client.name, "", client.kind, reasons[client.id]))
    unknown = result.status is LookupStatus.UNKNOWN
    return CallerView(
        status=_status(result, duplicates=bool(groups)),
        rows=tuple(rows),
        merge_number=result.e164 or result.query,
        attach_number=(result.e164 or "") if unknown else "",
        _matches=result.matches,
        _groups=tuple(ids for _reason, ids in groups),
    )


def present_hits(hits: list[SearchHit]) -> CallerView:
    """Search results: name, what matched, "company" for companies; no badges."""
    rows = tuple(
        MatchRow(
            hit.client.id,
            None,
            hit.client.name,
            hit.detail,
            QCoreApplication.translate("CallerPanel", "company")
            if hit.client.kind is ClientKind.COMPANY
            else "",
        )
        for hit in hits
    )
    status = (
        QCoreApplication.translate("CallerPanel", "%1 client(s) found").replace(
            "%1", str(len(hits))
        )
        if hits
        else QCoreApplication.translate(
            "CallerPanel", "Nothing found yet: type a name, address or phone"
        )
    )
    return CallerView(status=status, rows=rows)


def present_search_prompt(label: str) -> CallerView:
    """Withheld or unusable number: an empty panel asking to search."""
    return CallerView(
        QCoreApplication.translate(
            "CallerPanel", "%1 — search the client by name, address or phone"
        ).replace("%1", label)
    )


def waiting_view() -> CallerView:
    """Before the first call."""
    return CallerView(QCoreApplication.translate("CallerPanel", "Waiting for a call"))


def merge_question(count: int) -> str:
    """The confirmation a shift lead answers before ``count`` duplicates are merged."""
    return QCoreApplication.translate(
        "CallerPanel",
        "Merge %1 duplicate(s) into the selected client? Their phones, addresses, orders "
        "and calls move to it. This cannot be undone.",
    ).replace("%1", str(count))


def slot_text(order: OrderSummary) -> str:
    """dd.MM.yyyy HH:MM–HH:MM (or as much of it as is known)."""
    if order.delivery_date is None:
        return ""
    text = format_date(order.delivery_date)
    if order.window_start is not None and order.window_end is not None:
        text += f" {order.window_start:%H:%M}–{order.window_end:%H:%M}"
    return text


def _status(result: LookupResult, *, duplicates: bool) -> str:
    if result.status is LookupStatus.FOUND:
        found = len({match.client.id for match in result.matches})
        text = (
            QCoreApplication.translate("CallerPanel", "%1: %2 client(s)")
            .replace("%1", result.display)
            .replace("%2", str(found))
        )
        if duplicates:
            text += " — " + QCoreApplication.translate(
                "CallerPanel", "possible duplicates, pick the right one"
            )
        return text
    if result.status is LookupStatus.UNKNOWN:
        return QCoreApplication.translate("CallerPanel", "%1: unknown number — new client").replace(
            "%1", result.display
        )
    return translate_domain(result.message)  # the phone parser's English, as a template


def _row(
    client_id: int,
    contact_id: int | None,
    name: str,
    contact: str,
    kind: ClientKind,
    reasons: list[DuplicateReason],
) -> MatchRow:
    kind_text = (
        QCoreApplication.translate("CallerPanel", "company")
        if kind is ClientKind.COMPANY
        else QCoreApplication.translate("CallerPanel", "person")
    )
    if not reasons:
        return MatchRow(client_id, contact_id, name, contact, kind_text)
    badge = (
        f"{WARNING_MARK} "
        + QCoreApplication.translate("CallerPanel", "DUPLICATE")
        + ": "
        + ", ".join(map(_reason, reasons))
    )
    tooltip = QCoreApplication.translate(
        "CallerPanel", "Probably the same client: choose one, or merge them"
    )
    return MatchRow(client_id, contact_id, name, contact, kind_text, badge, tooltip)


def _reason(reason: DuplicateReason) -> str:
    return {
        DuplicateReason.SAME_PHONE: QCoreApplication.translate("CallerPanel", "same phone"),
        DuplicateReason.SIMILAR_NAME: QCoreApplication.translate("CallerPanel", "similar name"),
        DuplicateReason.SAME_INN: QCoreApplication.translate("CallerPanel", "same INN"),
    }.get(reason, str(reason))


def _details(match: Match) -> MatchDetails:
    orders = (*match.to_reschedule, *match.active_deliveries)
    last = match.last_order
    if last is None:
        last_text = QCoreApplication.translate("CallerPanel", "No orders yet")
    else:
        lines = ", ".join(f"{line.product_name} × {line.qty}" for line in last.lines)
        last_text = (
            QCoreApplication.translate("CallerPanel", "Last order №%1 of %2: %3")
            .replace("%1", str(last.id))
            .replace("%2", last.created_at.strftime("%d.%m.%Y"))
            .replace("%3", lines)
        )
    return MatchDetails(
        addresses=tuple(_address(address) for address in match.addresses),
        deliveries=tuple(_delivery(order) for order in orders),
        last_order=last_text,
        notes="\n".join(
            text
            for text in (complaints_text(match.open_complaints), notes_text(match.notes))
            if text
        ),
    )


def complaints_text(open_complaints: tuple[str, ...]) -> str:
    """The flag of a client's open complaints, read before talking ("" when none)."""
    if not open_complaints:
        return ""
    return f"{WARNING_MARK} " + QCoreApplication.translate(
        "CallerPanel", "Open complaint: %1"
    ).replace("%1", "; ".join(open_complaints))


def notes_text(notes: str) -> str:
    """The client's notes as the panel shows them under the status ("" when none)."""
    if not notes.strip():
        return ""
    return f"{WARNING_MARK} " + QCoreApplication.translate("CallerPanel", "Note: %1").replace(
        "%1", notes.strip()
    )


def _address(address: AddressSummary) -> str:
    parts = [address.text]
    if address.flat:
        parts.append(
            QCoreApplication.translate("CallerPanel", "flat %1").replace("%1", address.flat)
        )
    if address.courier_notes:
        parts.append(f"({address.courier_notes})")
    return ", ".join(parts)


def _delivery(order: OrderSummary) -> DeliveryRow:
    # A failed delivery back in INTEREST waits for a new slot; one re-sent is live again.
    flagged = order.needs_reschedule and order.state is not OrderState.DELIVERY
    if flagged:
        state = f"{WARNING_MARK} " + QCoreApplication.translate(
            "CallerPanel", "TO RESCHEDULE: %1"
        ).replace("%1", order.fail_reason or "—")
        tooltip = QCoreApplication.translate("CallerPanel", "The delivery failed: %1").replace(
            "%1", order.fail_reason
        )
    else:
        state, tooltip = _state(order.state), ""
    cells = (f"№{order.id}", order.courier_name or "", slot_text(order), state)
    return DeliveryRow(order.id, cells, flagged, tooltip)


def _state(state: OrderState) -> str:
    return {
        OrderState.INTEREST: QCoreApplication.translate("CallerPanel", "interest"),
        OrderState.DELIVERY: QCoreApplication.translate("CallerPanel", "in delivery"),
        OrderState.CLOSED: QCoreApplication.translate("CallerPanel", "closed"),
        OrderState.REJECTED: QCoreApplication.translate("CallerPanel", "rejected"),
    }.get(state, str(state))

"""What the portal queue says: its rows, the badge on the menu and window, confirmations."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.formatting import format_date, format_datetime, format_money
from dispatcher.models import OrderState
from dispatcher.operations.portal import Confirmed, QueueRow


def headers() -> list[str]:
    """The queue's column titles."""
    return [
        QCoreApplication.translate("Portal", "Order"),
        QCoreApplication.translate("Portal", "Received"),
        QCoreApplication.translate("Portal", "Client"),
        QCoreApplication.translate("Portal", "Phone"),
        QCoreApplication.translate("Portal", "Wanted"),
        QCoreApplication.translate("Portal", "Items"),
        QCoreApplication.translate("Portal", "Total"),
        QCoreApplication.translate("Portal", "Comment"),
    ]


def cells(row: QueueRow) -> list[str]:
    """One queued order as the table shows it."""
    wanted = format_date(row.date) if row.date else ""
    if row.window_start and row.window_end:
        wanted += f" {row.window_start:%H:%M}–{row.window_end:%H:%M}"
    client = f"{row.client_name} ({row.contact_name})" if row.contact_name else row.client_name
    return [
        f"#{row.order_id}",
        format_datetime(row.received_at),
        client,
        row.phone,
        wanted,
        row.items,
        format_money(row.total_kop),
        row.comment,
    ]


def badge_text(count: int) -> str:
    """The queue's title with its count: "Portal (3)"; the plain title when empty."""
    title = QCoreApplication.translate("Portal", "Portal orders to confirm")
    return f"{title} ({count})" if count else title


def confirmed_text(result: Confirmed) -> str:
    """What happened to the order just confirmed."""
    if result.state is OrderState.DELIVERY and result.date is not None:
        return QCoreApplication.translate(
            "Portal", "Order #{order} sent to {courier} for {date}."
        ).format(order=result.order_id, courier=result.courier_name, date=format_date(result.date))
    return QCoreApplication.translate(
        "Portal", "Order #{order} taken as an interest: plan its delivery."
    ).format(order=result.order_id)

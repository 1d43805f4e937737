"""What the Couriers window shows: the rows, the day boxes, sign-in texts and sync errors.

`app.widgets.couriers_window` lays these out; `app.couriers` holds the state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from courier_sync.client.devices import (
    DeviceRequestRefused,
    PairingCode,
    ServiceUnavailable,
    SiteKeyRefused,
)
from dispatcher.models import ALL_WEEK
from dispatcher.operations.couriers import CourierDetails

CONTEXT = "Couriers"


def day_labels() -> tuple[str, ...]:
    """Monday first, as the working days' bits count."""
    return (
        QCoreApplication.translate("Couriers", "Mon"),
        QCoreApplication.translate("Couriers", "Tue"),
        QCoreApplication.translate("Couriers", "Wed"),
        QCoreApplication.translate("Couriers", "Thu"),
        QCoreApplication.translate("Couriers", "Fri"),
        QCoreApplication.translate("Couriers", "Sat"),
        QCoreApplication.translate("Couriers", "Sun"),
    )


@dataclass(frozen=True, slots=True)
class CourierRow:
    """One line of the couriers table."""

    id: int
    name: str
    active: str
    capacity: str
    days: str
    hours: str
    phone: str
    inactive: bool  # shown greyed


def days_text(work_days: int) -> str:
    """The working days as "Mon, Tue, Fri", or "every day"."""
    if work_days == ALL_WEEK:
        return QCoreApplication.translate("Couriers", "every day")
    return ", ".join(label for i, label in enumerate(day_labels()) if work_days & (1 << i))


def hours_text(courier: CourierDetails) -> str:
    """The working hours as "09:00–18:00", or "any time"."""
    if courier.work_start is None or courier.work_end is None:
        return QCoreApplication.translate("Couriers", "any time")
    return f"{courier.work_start:%H:%M}–{courier.work_end:%H:%M}"


def rows(couriers: tuple[CourierDetails, ...]) -> list[CourierRow]:
    """The table: active couriers first, then by name."""
    ordered = sorted(couriers, key=lambda c: (not c.active, c.name, c.id))
    return [
        CourierRow(
            id=c.id,
            name=c.name,
            active=QCoreApplication.translate("Couriers", "active")
            if c.active
            else QCoreApplication.translate("Couriers", "deactivated"),
            capacity=str(c.capacity),
            days=days_text(c.work_days),
            hours=hours_text(c),
            phone=c.phone,
            inactive=not c.active,
        )
        for c in ordered
    ]


def toggle_label(courier: CourierDetails | None) -> str:
    """The deactivate button's text for the selected courier."""
    if courier is not None and not courier.active:
        return QCoreApplication.translate("Couriers", "Activate")
    return QCoreApplication.translate("Couriers", "Deactivate")


def code_text(code: PairingCode) -> str:
    """The code as the courier types it."""
    return code.display_code


def expiry_text(code: PairingCode, now: dt.datetime | None = None) -> str:
    """ "Valid until 14:35 (10 min), once." in the desk's local time."""
    now = now or dt.datetime.now(dt.UTC)
    local = code.expires_at.astimezone()
    minutes = max(0, round((code.expires_at - now).total_seconds() / 60))
    return QCoreApplication.translate("Couriers", "Valid until {0} ({1} min), once.").format(
        f"{local:%H:%M}", minutes
    )


def sync_error_text(error: Exception) -> str:
    """What the lead reads when the sync service is down or refuses."""
    if isinstance(error, SiteKeyRefused):
        return QCoreApplication.translate(
            "Couriers",
            "The courier sync service refused this desk's site key: "
            "ask the admin to check the sync settings.",
        )
    if isinstance(error, ServiceUnavailable):
        return QCoreApplication.translate(
            "Couriers",
            "The courier sync service cannot be reached now; nothing was issued. "
            "Try again in a minute ({0}).",
        ).format(error)
    if isinstance(error, DeviceRequestRefused):
        return QCoreApplication.translate(
            "Couriers", "The courier sync service refused: {0}"
        ).format(error.detail)
    return QCoreApplication.translate(
        "Couriers", "The phone sign-in failed; details are in the log."
    )

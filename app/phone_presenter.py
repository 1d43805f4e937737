"""What the phone parts of the window show: the call bar and the SIP registration state.

`app.widgets.call_bar` and `app.widgets.settings_dialog` lay these out; which call buttons
work in which call state, the state and timer texts and the registration line are decided
here, without a window. Texts keep the "CallBar" and "SettingsDialog" translation contexts.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

import phonenumbers
from PySide6.QtCore import QCoreApplication

from app.intake import LiveCall, courier_order
from telephony.events import CallState, RegistrationChanged, RegState

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CallBarView:
    """The call bar for a list of live calls: texts and which buttons work."""

    current: LiveCall | None  # the focused call on the line (None: no call, or only waiting)
    state: str
    number: str
    waiting: str  # "Waiting: …", or ""
    answer_enabled: bool  # a call rings: Answer and Reject work
    hangup_enabled: bool
    talking_enabled: bool  # hold, transfer, DTMF and mute: only with someone on the line
    hold_label: str  # "Hold" or "Resume", without its key
    mute_label: str  # "Mute" or "Unmute", without its key
    courier: str  # "Courier of №12: Петров Пётр, +7 903 111-22-33", or ""
    courier_phone: str  # E.164 of that courier: F7 offers it, Shift+F7 transfers to it


def present_call_bar(calls: Sequence[LiveCall]) -> CallBarView:
    """The bar for ``calls`` (the focused one first, as the intake lists them)."""
    current = calls[0] if calls and not calls[0].waiting else None
    waiting = [_caller_text(call) for call in calls if call.waiting]
    talking = current is not None and current.state in (CallState.ANSWERED, CallState.HELD)
    if current is None:
        state, number = QCoreApplication.translate("CallBar", "No call"), ""
    else:
        state, number = call_state_text(current.state), _caller_text(current, client=False)
    held = current is not None and current.held
    muted = current is not None and current.muted
    return CallBarView(
        current=current,
        state=state,
        number=number,
        waiting=(
            QCoreApplication.translate("CallBar", "Waiting: %1").replace("%1", ", ".join(waiting))
            if waiting
            else ""
        ),
        answer_enabled=any(call.state is CallState.RINGING for call in calls),
        hangup_enabled=current is not None,
        talking_enabled=talking,
        hold_label=(
            QCoreApplication.translate("CallBar", "Resume")
            if held
            else QCoreApplication.translate("CallBar", "Hold")
        ),
        mute_label=(
            QCoreApplication.translate("CallBar", "Unmute")
            if muted
            else QCoreApplication.translate("CallBar", "Mute")
        ),
        **_courier(current),
    )


def _caller_text(call: LiveCall, *, client: bool = True) -> str:
    """Number, name and looked-up client of a call: "+7 916 … — Иван — ООО Ромашка".

    The focused call's client is in the caller panel; a waiting call names it here.
    """
    parts = [call.label]
    if not call.verified:
        parts[0] += " " + QCoreApplication.translate("CallBar", "(unverified)")
    if call.complaint:  # the complaint number or the IVR's complaint choice
        parts[0] += " " + QCoreApplication.translate("CallBar", "[complaint line]")
    if call.display_name:
        parts.append(call.display_name)
    clients = [m.client.name for m in call.lookup.matches] if client and call.lookup else []
    if client and call.client_id is not None and call.lookup is not None:
        clients = [m.client.name for m in call.lookup.matches if m.client.id == call.client_id]
    if clients and clients[0] not in parts:
        parts.append(clients[0])
    return " — ".join(parts)


def _courier(call: LiveCall | None) -> dict[str, str]:
    """The courier of the order the call is about, for forwarding the caller to them."""
    order = courier_order(call)
    if order is None:
        return {"courier": "", "courier_phone": ""}
    text = (
        QCoreApplication.translate("CallBar", "Courier of №%1: %2, %3")
        .replace("%1", str(order.id))
        .replace("%2", order.courier_name or "")
        .replace("%3", phone_text(order.courier_phone))
    )
    return {"courier": text, "courier_phone": order.courier_phone}


def phone_text(e164: str) -> str:
    """An E.164 number as the operator reads it: "+7 903 111-22-33"."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def call_state_text(state: CallState) -> str:
    """A call state as the bar names it."""
    texts = {
        CallState.RINGING: QCoreApplication.translate("CallBar", "Ringing"),
        CallState.CALLING: QCoreApplication.translate("CallBar", "Calling"),
        CallState.EARLY: QCoreApplication.translate("CallBar", "Ringing back"),
        CallState.ANSWERED: QCoreApplication.translate("CallBar", "On the line"),
        CallState.HELD: QCoreApplication.translate("CallBar", "On hold"),
        CallState.REMOTE_HELD: QCoreApplication.translate("CallBar", "Held by caller"),
        CallState.ENDED: QCoreApplication.translate("CallBar", "Ended"),
    }
    return texts.get(state, str(state))


def timer_text(
    call: LiveCall, *, wall_ns: int | None = None, monotonic: float | None = None
) -> str:
    """MM:SS since the call rang, or since it was answered once it was."""
    if call.answered_at is None:
        now_ns = time.time_ns() if wall_ns is None else wall_ns
        seconds = int((now_ns - call.received_ns) / 1e9)
    else:
        now = time.monotonic() if monotonic is None else monotonic
        seconds = int(now - call.answered_at)
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def describe_registration(event: RegistrationChanged) -> tuple[str, bool]:
    """A RegistrationChanged as (text in the interface language, ok) for the state label."""
    detail = f" ({event.code} {event.reason})".rstrip() if event.code or event.reason else ""
    if event.certificate_refused:
        detail = f" ({event.reason})"
    if event.state == RegState.REGISTERED:
        return QCoreApplication.translate("SettingsDialog", "Registered") + detail, True
    if event.state == RegState.REGISTERING:
        return QCoreApplication.translate("SettingsDialog", "Registering…"), False
    if event.state == RegState.UNREGISTERED:
        return QCoreApplication.translate("SettingsDialog", "Not registered") + detail, False
    return QCoreApplication.translate("SettingsDialog", "Registration failed") + detail, False

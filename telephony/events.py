"""What the SIP engine reports: frozen event dataclasses and the listener interface.

Events are built on the SIP thread from copies of pjsua2 data (never pjsua2 objects) and
delivered to the listener on the engine's dispatch thread, so a listener may keep them.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from telephony.caller_id import CallerId

logger = logging.getLogger(__name__)


class RegState(StrEnum):
    """Registration state of one SIP account at its registrar."""

    REGISTERING = "registering"
    REGISTERED = "registered"
    FAILED = "failed"
    UNREGISTERED = "unregistered"


class CallState(StrEnum):
    """Call state as the operator sees it."""

    RINGING = "ringing"  # incoming, not answered yet
    CALLING = "calling"  # outgoing, INVITE sent
    EARLY = "early"  # outgoing, the far end rings (18x)
    ANSWERED = "answered"
    HELD = "held"  # we put the call on hold
    REMOTE_HELD = "remote_held"  # the far end put us on hold
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class RegistrationChanged:
    """An account's registration changed: registering, registered, failed or unregistered."""

    account: str
    state: RegState
    code: int
    reason: str
    expires: int
    # The desk refused the PBX's TLS certificate (``reason`` says why); no PBX answered.
    certificate_refused: bool = False


@dataclass(frozen=True, slots=True)
class IncomingCall:
    """A new incoming call is ringing; ``received_ns`` is time.time_ns() of the INVITE callback."""

    call_id: int
    caller: CallerId
    called: str
    line: str
    headers: dict[str, list[str]]
    received_ns: int


@dataclass(frozen=True, slots=True)
class CallStateChanged:
    """A call moved to a new state; ``code``/``reason`` are the last SIP status of the call."""

    call_id: int
    state: CallState
    code: int
    reason: str
    duration_s: float
    talk_s: float
    direction: str  # "in" | "out"


@dataclass(frozen=True, slots=True)
class DtmfReceived:
    """The far end pressed a key (RFC 4733 telephone-event)."""

    call_id: int
    digit: str


Event = RegistrationChanged | IncomingCall | CallStateChanged | DtmfReceived

_EVENT_NAMES: dict[type, str] = {
    RegistrationChanged: "registration_changed",
    IncomingCall: "incoming_call",
    CallStateChanged: "call_state_changed",
    DtmfReceived: "dtmf_received",
}


def event_name(event: Event) -> str:
    """The snake_case name of an event as used in JSON ("incoming_call", ...)."""
    return _EVENT_NAMES[type(event)]


def event_to_dict(event: Event) -> dict[str, object]:
    """A JSON-ready dict of an event, with "event" naming its kind.

    An incoming call is flattened for scripts: "caller" is the normalized number (or the number
    as received when it does not normalize), "caller_id" holds every caller-id field.
    """
    out: dict[str, object] = {"event": event_name(event)}
    if isinstance(event, IncomingCall):
        caller = event.caller
        out.update(
            call_id=event.call_id,
            caller=caller.normalized or caller.number,
            caller_raw=caller.number,
            display_name=caller.display_name,
            withheld=caller.withheld,
            caller_label=caller.label(),
            caller_id={
                "number": caller.number,
                "normalized": caller.normalized,
                "display_name": caller.display_name,
                "withheld": caller.withheld,
                "source": str(caller.source),
            },
            called=event.called,
            line=event.line,
            headers={name: list(values) for name, values in event.headers.items()},
            received_ns=event.received_ns,
        )
        return out
    for field in dataclasses.fields(event):
        value = getattr(event, field.name)
        out[field.name] = str(value) if isinstance(value, StrEnum) else value
    return out


class EngineListener(Protocol):
    """Receives engine events on the engine's dispatch thread (never inside pjsip)."""

    def on_event(self, event: Event) -> None:
        """Handle one event; must not block (hand heavy work to another thread)."""
        ...

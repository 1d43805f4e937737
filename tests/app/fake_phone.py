"""FakePhone: the SIP engine's command interface without SIP, for view-model tests.

It records every command it is given (`commands`; a command for a call that ended raises
CallGoneError, as the engine does) and, like `telephony.engine.SipEngine`,
reports what follows from them to its listener: answering a ringing call reports
ANSWERED, hanging up reports ENDED, hold and resume report HELD and ANSWERED. A test plays
the far end with `ring`, `far_end_answers` and `far_end_hangs_up`, or emits any event with
`emit`. Events go to the listener on the calling thread (the engine's dispatch thread in
the real thing); the TelephonyBridge turns them into GUI-thread signals either way.

The end-to-end tests keep real SIP peers; this double is for the view models' logic.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field

from telephony.caller_id import identify
from telephony.errors import CallGoneError
from telephony.events import (
    CallState,
    CallStateChanged,
    EngineListener,
    Event,
    IncomingCall,
)


@dataclass(frozen=True, slots=True)
class Command:
    """One command the workspace gave the phone: its name and arguments."""

    name: str
    args: tuple[object, ...] = ()


@dataclass
class FakeCall:
    """A call the fake knows about."""

    call_id: int
    direction: str  # "in" | "out"
    state: CallState
    started: float = field(default_factory=time.monotonic)
    answered: float | None = None


class FakePhone:
    """A `app.bridge.Phone` (the SipEngine's commands) that records commands and plays calls."""

    def __init__(self, listener: EngineListener, region: str = "RU") -> None:
        """Events go to ``listener`` (a TelephonyBridge); caller ids parsed for ``region``."""
        self.listener = listener
        self.region = region
        self.commands: list[Command] = []
        self.calls: dict[int, FakeCall] = {}
        self.dtmf_sent: list[str] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    # --- the far end (the test) -------------------------------------------------------------

    def emit(self, event: Event) -> None:
        """Report ``event`` to the listener, as the engine's dispatch thread does."""
        self.listener.on_event(event)

    def ring(self, number: str, display_name: str = "") -> IncomingCall:
        """An incoming call from ``number`` ("anonymous": withheld) starts ringing."""
        host = "anonymous.invalid" if number == "anonymous" else "127.0.0.1"
        name = f'"{display_name}" ' if display_name else ""
        headers = {"From": [f"{name}<sip:{number}@{host}>;tag=fake"]}
        with self._lock:
            call_id = next(self._ids)
            self.calls[call_id] = FakeCall(call_id, "in", CallState.RINGING)
        event = IncomingCall(
            call_id=call_id,
            caller=identify(headers, self.region),
            called="sip:operator@127.0.0.1",
            line="",
            headers=headers,
            received_ns=time.time_ns(),
        )
        self.emit(event)
        return event

    def far_end_answers(self, call_id: int) -> None:
        """The person we dialled picks up."""
        self._move(call_id, CallState.ANSWERED, 200, "OK")

    def far_end_hangs_up(self, call_id: int) -> None:
        """The other side ends the call (or cancels it while it rings)."""
        call = self.calls.get(call_id)
        code, reason = (200, "OK") if call and call.answered else (487, "Request Terminated")
        self._move(call_id, CallState.ENDED, code, reason)

    def sent(self, name: str) -> list[tuple[object, ...]]:
        """The arguments of every ``name`` command given so far, in order."""
        with self._lock:
            return [c.args for c in self.commands if c.name == name]

    # --- the engine's commands (app.bridge.Phone) -------------------------------------------

    def answer(self, call_id: int) -> None:
        """Answer a ringing call: ANSWERED follows."""
        self._record("answer", call_id)
        self._move(call_id, CallState.ANSWERED, 200, "OK")

    def reject(self, call_id: int, busy: bool = True) -> None:
        """Refuse a ringing call: ENDED (486 or 603) follows."""
        self._record("reject", call_id, busy)
        code, reason = (486, "Busy Here") if busy else (603, "Decline")
        self._move(call_id, CallState.ENDED, code, reason)

    def hangup(self, call_id: int) -> None:
        """End a call: ENDED follows."""
        self._record("hangup", call_id)
        self._move(call_id, CallState.ENDED, 200, "OK")

    def hold(self, call_id: int) -> None:
        """Put a call on hold: HELD follows."""
        self._record("hold", call_id)
        self._move(call_id, CallState.HELD, 200, "OK")

    def unhold(self, call_id: int) -> None:
        """Resume a held call: ANSWERED follows."""
        self._record("unhold", call_id)
        self._move(call_id, CallState.ANSWERED, 200, "OK")

    def transfer(self, call_id: int, target: str) -> None:
        """Blind transfer (recorded only: the far end decides what happens)."""
        self._record("transfer", call_id, target)

    def send_dtmf(self, call_id: int, digits: str) -> None:
        """Send DTMF digits (recorded)."""
        self._record("send_dtmf", call_id, digits)
        self.dtmf_sent.append(digits)

    def mute(self, call_id: int, muted: bool) -> None:
        """Mute or unmute the microphone (recorded)."""
        self._record("mute", call_id, muted)

    def dial(self, target: str) -> int:
        """Call ``target``: returns the new call's id; CALLING is reported."""
        self._record("dial", target)
        with self._lock:
            call_id = next(self._ids)
            self.calls[call_id] = FakeCall(call_id, "out", CallState.CALLING)
        self._report(self.calls[call_id], 0, "")
        return call_id

    def active_calls(self) -> list[int]:
        """Ids of the calls that have not ended."""
        with self._lock:
            return [c.call_id for c in self.calls.values() if c.state is not CallState.ENDED]

    # --- inside -------------------------------------------------------------------------------

    def _record(self, name: str, *args: object) -> None:
        with self._lock:
            self.commands.append(Command(name, args))
        if name != "dial":
            call = self.calls.get(args[0])  # type: ignore[arg-type]
            if call is None or call.state is CallState.ENDED:
                raise CallGoneError(args[0])  # type: ignore[arg-type]

    def _move(self, call_id: int, state: CallState, code: int, reason: str) -> None:
        call = self.calls.get(call_id)
        if call is None or call.state is CallState.ENDED:
            return
        call.state = state
        if state is CallState.ANSWERED and call.answered is None:
            call.answered = time.monotonic()
        self._report(call, code, reason)

    def _report(self, call: FakeCall, code: int, reason: str) -> None:
        now = time.monotonic()
        self.emit(
            CallStateChanged(
                call_id=call.call_id,
                state=call.state,
                code=code,
                reason=reason,
                duration_s=now - call.started,
                talk_s=now - call.answered if call.answered is not None else 0.0,
                direction=call.direction,
            )
        )

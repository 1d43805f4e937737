"""The Qt side of the softphone: telephony events as GUI-thread signals, commands off it.

`TelephonyBridge` is the SIP engine's listener. The engine calls `on_event` on its dispatch
thread; the bridge only emits a Qt signal there. The bridge object lives on the GUI thread,
so Qt delivers each signal to GUI-thread receivers as a queued call (AutoConnection sees
the emitting thread differs from the receiver's): no slot ever runs on a telephony thread.

`PhoneLine` runs the engine's commands (which wait up to 5 s for the SIP thread) on a
private thread pool and hands outcomes back through `app.gui_thread.GuiThreadRelay`, the
workspace's one way back to the GUI thread; failures arrive as readable messages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app.gui_thread import GuiThreadRelay
from telephony.errors import CallGoneError, TelephonyError
from telephony.events import (
    CallStateChanged,
    DtmfReceived,
    Event,
    IncomingCall,
    RegistrationChanged,
)

logger = logging.getLogger(__name__)


class TelephonyBridge(QObject):
    """EngineListener that turns telephony events into Qt signals on the GUI thread.

    Signals:
        incoming_call(IncomingCall), call_state_changed(CallStateChanged),
        registration_changed(RegistrationChanged), dtmf(DtmfReceived)
    """

    incoming_call = Signal(object)
    call_state_changed = Signal(object)
    registration_changed = Signal(object)
    dtmf = Signal(object)

    def on_event(self, event: Event) -> None:
        """Emit the signal for ``event``; runs on the engine's dispatch thread, never blocks."""
        if isinstance(event, IncomingCall):
            self.incoming_call.emit(event)
        elif isinstance(event, CallStateChanged):
            self.call_state_changed.emit(event)
        elif isinstance(event, RegistrationChanged):
            self.registration_changed.emit(event)
        elif isinstance(event, DtmfReceived):
            self.dtmf.emit(event)
        else:  # a newer engine event this workspace does not know yet
            logger.debug("Ignoring telephony event %r", event)


class Phone(Protocol):
    """The engine commands the workspace uses (telephony.engine.SipEngine has them all)."""

    def answer(self, call_id: int) -> None: ...
    def reject(self, call_id: int, busy: bool = True) -> None: ...
    def hangup(self, call_id: int) -> None: ...
    def hold(self, call_id: int) -> None: ...
    def unhold(self, call_id: int) -> None: ...
    def transfer(self, call_id: int, target: str) -> None: ...
    def send_dtmf(self, call_id: int, digits: str) -> None: ...
    def mute(self, call_id: int, muted: bool) -> None: ...
    def dial(self, target: str) -> int: ...


class _Command(QRunnable):
    def __init__(
        self,
        what: str,
        action: Callable[[], Any],
        results: GuiThreadRelay,
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[str], None],
    ) -> None:
        super().__init__()
        self._what = what
        self._action = action
        self._results = results
        self._on_done = on_done
        self._on_error = on_error

    def run(self) -> None:
        try:
            value = self._action()
        except CallGoneError:
            self._results.deliver(self._on_error, "The call has already ended.")
        except TelephonyError as exc:
            self._results.deliver(self._on_error, f"{self._what}: {exc}")
        except Exception:
            logger.exception("Telephony command %s failed", self._what)
            self._results.deliver(
                self._on_error, f"{self._what}: the phone did not respond; details are in the log."
            )
        else:
            self._results.deliver(self._on_done, value)


class PhoneLine(QObject):
    """Engine commands run off the GUI thread; failures arrive as `error(str)` messages.

    Signals:
        error(str): a command failed; the text is written for the operator.
    """

    error = Signal(str)

    def __init__(self, phone: Phone | None, parent: QObject | None = None) -> None:
        """Commands go to ``phone`` (None: no SIP engine, every command reports that)."""
        super().__init__(parent)
        self.phone = phone
        # One thread: commands reach the SIP thread in the order the operator gave them.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._results = GuiThreadRelay(self)

    @property
    def available(self) -> bool:
        """True when a SIP engine is attached."""
        return self.phone is not None

    def _run(
        self,
        what: str,
        action: Callable[[Phone], Any],
        on_done: Callable[[Any], None] | None = None,
    ) -> None:
        phone = self.phone
        if phone is None:
            self.error.emit(self.tr("The phone is not available: see the status bar."))
            return
        self._pool.start(
            _Command(what, lambda: action(phone), self._results, on_done, self.error.emit)
        )

    def answer(self, call_id: int) -> None:
        """Answer a ringing call."""
        self._run("Answer", lambda p: p.answer(call_id))

    def reject(self, call_id: int) -> None:
        """Refuse a ringing call with 486 Busy Here."""
        self._run("Reject", lambda p: p.reject(call_id, True))

    def hangup(self, call_id: int) -> None:
        """End a call."""
        self._run("Hang up", lambda p: p.hangup(call_id))

    def hold(self, call_id: int, held: bool) -> None:
        """Put a call on hold (True) or resume it (False)."""
        if held:
            self._run("Hold", lambda p: p.hold(call_id))
        else:
            self._run("Resume", lambda p: p.unhold(call_id))

    def transfer(self, call_id: int, target: str) -> None:
        """Blind-transfer a call to a number or SIP URI."""
        self._run("Transfer", lambda p: p.transfer(call_id, target))

    def send_dtmf(self, call_id: int, digits: str) -> None:
        """Send DTMF digits on a call."""
        self._run("DTMF", lambda p: p.send_dtmf(call_id, digits))

    def mute(self, call_id: int, muted: bool) -> None:
        """Mute or unmute the microphone on a call."""
        self._run("Mute", lambda p: p.mute(call_id, muted))

    def dial(self, target: str, on_dialled: Callable[[int], None] | None = None) -> None:
        """Call a number or SIP URI; ``on_dialled(call_id)`` runs on the GUI thread."""
        self._run("Dial", lambda p: p.dial(target), on_dialled)

    def wait_idle(self, timeout_ms: int = 10_000) -> bool:
        """Block until queued commands finished (shutdown and tests)."""
        return self._pool.waitForDone(timeout_ms)

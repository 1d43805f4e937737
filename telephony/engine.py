"""SipEngine: the softphone's public face - commands in, events out, pjsua2 on one thread."""

from __future__ import annotations

import atexit
import logging
import threading
from collections.abc import Callable, Mapping
from typing import TypeVar

from telephony.config import EngineConfig
from telephony.errors import CallGoneError, TelephonyError
from telephony.events import EngineListener
from telephony.sip_stack import AudioDevice, CallTimes, SipStack
from telephony.sip_thread import EventDispatcher, SipThread

logger = logging.getLogger(__name__)

__all__ = ["AudioDevice", "CallGoneError", "CallTimes", "SipEngine", "TelephonyError"]

T = TypeVar("T")

COMMAND_TIMEOUT_S = 5.0


class SipEngine:
    """Owns the pjsua2 Endpoint on one SIP thread: a libHandleEvents loop and a command queue.

    pjsua2 runs with ``threadCnt = 0`` and ``mainThreadOnly = True``; callbacks turn into
    frozen events that a separate dispatch thread hands to the listener.
    """

    def __init__(self, config: EngineConfig, listener: EngineListener) -> None:
        """An engine for ``config`` reporting to ``listener``; nothing runs until start()."""
        self.config = config
        self._dispatcher = EventDispatcher(listener)
        self._stack = SipStack(config, self._dispatcher.put)
        self._thread = SipThread(
            setup=self._stack.start,
            poll=self._stack.pump,
            teardown=self._stack.shutdown,
        )
        self._state_lock = threading.Lock()
        self._started = False
        self._stopped = False

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self, timeout: float = 10) -> None:
        """Start pjsua2 and the transports; raise TelephonyError (e.g. port in use) if not."""
        with self._state_lock:
            if self._started:
                raise TelephonyError("The SIP engine has already been started.")
            self._started = True
        self._dispatcher.start()
        try:
            self._thread.start(timeout)
        except BaseException:
            self._stopped = True
            self._thread.stop(timeout)
            self._dispatcher.close(timeout)
            raise
        # A forgotten stop() must not leave pjsua2 running into interpreter shutdown.
        atexit.register(self.stop)

    def stop(self, timeout: float = 10) -> None:
        """Hang up, delete calls and accounts, libDestroy - on the SIP thread; idempotent."""
        with self._state_lock:
            if self._stopped or not self._started:
                self._stopped = True
                return
            self._stopped = True
        atexit.unregister(self.stop)
        if not self._thread.stop(timeout):
            logger.error("The SIP thread did not finish within %g s", timeout)
        self._dispatcher.close(timeout)

    @property
    def running(self) -> bool:
        """True between a successful start() and stop()."""
        return self._thread.running

    @property
    def bound_port(self) -> int:
        """The UDP port the engine listens on (the real one when configured with port 0)."""
        return self._stack.bound_port

    @property
    def tcp_port(self) -> int | None:
        """The TCP port the engine listens on, if TCP is enabled."""
        return self._stack.tcp_port

    # --- commands ----------------------------------------------------------------------------

    def _do(self, action: Callable[[], T]) -> T:
        return self._thread.call(action, COMMAND_TIMEOUT_S)

    def answer(self, call_id: int) -> None:
        """Answer a ringing incoming call."""
        self._do(lambda: self._stack.answer(call_id))

    def reject(self, call_id: int, busy: bool = True) -> None:
        """Refuse a ringing call: 486 Busy Here, or 603 Decline with ``busy=False``."""
        self._do(lambda: self._stack.reject(call_id, busy))

    def hangup(self, call_id: int) -> None:
        """End a call, whatever its state."""
        self._do(lambda: self._stack.hangup(call_id))

    def hold(self, call_id: int) -> None:
        """Put a call on hold; a CallStateChanged(HELD) follows."""
        self._do(lambda: self._stack.hold(call_id))

    def unhold(self, call_id: int) -> None:
        """Resume a held call; a CallStateChanged(ANSWERED) follows."""
        self._do(lambda: self._stack.unhold(call_id))

    def transfer(self, call_id: int, target: str) -> None:
        """Blind transfer (REFER) to "sip:..." or a number/extension (sip:target@domain)."""
        self._do(lambda: self._stack.transfer(call_id, target))

    def send_dtmf(self, call_id: int, digits: str) -> None:
        """Send DTMF digits (RFC 4733 telephone-events)."""
        self._do(lambda: self._stack.send_dtmf(call_id, digits))

    def mute(self, call_id: int, muted: bool) -> None:
        """Stop (True) or resume (False) sending the microphone to the call."""
        self._do(lambda: self._stack.mute(call_id, muted))

    def dial(
        self,
        target: str,
        account_id: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> int:
        """Call a SIP URI or number; returns the new call's id (events follow)."""
        return self._do(lambda: self._stack.dial(target, account_id, headers))

    def audio_devices(self) -> list[AudioDevice]:
        """The sound devices pjsua2 sees, for the settings' capture/playback choice."""
        return self._do(self._stack.audio_devices)

    def active_calls(self) -> list[int]:
        """Ids of the calls that have not ended."""
        return self._do(self._stack.active_calls)

    def set_auto_answer(self, enabled: bool) -> None:
        """Answer new incoming calls at once (200 OK) instead of ringing."""

        def apply() -> None:
            self._stack.auto_answer = enabled

        self._do(apply)

    def call_times(self, call_id: int) -> CallTimes:
        """When a live call was created, its INVITE sent, answered (wall clock, ns)."""
        return self._do(lambda: self._stack.call_times(call_id))

"""The SIP thread (owns pjsua2, polls it, runs posted commands) and the event dispatch thread."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

from telephony.errors import TelephonyError, without_frames
from telephony.events import EngineListener, Event

logger = logging.getLogger(__name__)

T = TypeVar("T")

# libHandleEvents timeout: the longest a posted command waits for the loop to come round.
POLL_MS = 10


class SipThread:
    """One thread that calls ``setup``, loops ``poll`` + posted commands, then ``teardown``.

    All of pjsua2 lives on it (pjsip's ``mainThreadOnly`` model): other threads only post
    callables with :meth:`call` and wait for their result.
    """

    def __init__(
        self,
        setup: Callable[[], None],
        poll: Callable[[int], None],
        teardown: Callable[[], None],
        name: str = "sip",
    ) -> None:
        """A thread running ``setup``, then ``poll(POLL_MS)`` in a loop, then ``teardown``."""
        self._setup = setup
        self._poll = poll
        self._teardown = teardown
        self._commands: queue.SimpleQueue[tuple[Callable[[], object], Future[object]]] = (
            queue.SimpleQueue()
        )
        self._stopping = threading.Event()
        self._started: Future[None] = Future()
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)
        self._accepting = False
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        """True while the thread accepts commands."""
        return self._accepting

    def on_thread(self) -> bool:
        """True when called from the SIP thread itself."""
        return threading.current_thread() is self._thread

    def start(self, timeout: float) -> None:
        """Start the thread and wait until ``setup`` finished; re-raise its error."""
        self._thread.start()
        try:
            self._started.result(timeout)
        except FutureTimeout:
            self._stopping.set()
            raise TelephonyError(f"The SIP engine did not start within {timeout:g} s.") from None

    def call(self, action: Callable[[], T], timeout: float) -> T:
        """Run ``action`` on the SIP thread and return its result (or raise its error)."""
        if self.on_thread():
            return action()
        future: Future[object] = Future()
        with self._lock:
            if not self._accepting:
                raise TelephonyError("The SIP engine is not running.")
            self._commands.put((action, future))
        try:
            return future.result(timeout)  # type: ignore[return-value]
        except FutureTimeout:
            future.cancel()
            raise TelephonyError(f"The SIP engine did not respond within {timeout:g} s.") from None

    def stop(self, timeout: float) -> bool:
        """Ask the loop to finish (it runs ``teardown``) and wait; False if it did not end."""
        with self._lock:
            self._accepting = False
        self._stopping.set()
        if self._thread.is_alive() and not self.on_thread():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def _main(self) -> None:
        try:
            self._setup()
        except BaseException as exc:
            self._started.set_exception(without_frames(exc))
            return
        with self._lock:
            self._accepting = not self._stopping.is_set()
        self._started.set_result(None)
        try:
            while not self._stopping.is_set():
                try:
                    self._poll(POLL_MS)
                except Exception:
                    logger.exception("SIP event loop error")
                self._run_commands()
        finally:
            with self._lock:
                self._accepting = False
            self._run_commands()  # whatever got in before the gate closed
            try:
                self._teardown()
            except Exception:
                logger.exception("SIP engine shutdown failed")

    def _run_commands(self) -> None:
        while True:
            try:
                action, future = self._commands.get_nowait()
            except queue.Empty:
                return
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(action())
            except BaseException as exc:
                future.set_exception(without_frames(exc))


_STOP = object()


class EventDispatcher:
    """Delivers events to the listener on its own thread, so pjsip never waits for it."""

    def __init__(self, listener: EngineListener, name: str = "sip-events") -> None:
        """A dispatcher calling ``listener.on_event`` for every queued event, in order."""
        self._listener = listener
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)
        self._closed = False

    def start(self) -> None:
        """Start the dispatch thread."""
        self._thread.start()

    def put(self, event: Event) -> None:
        """Queue an event (any thread; never blocks)."""
        self._queue.put(event)

    def close(self, timeout: float) -> None:
        """Deliver what is queued, then end the thread."""
        if not self._closed:
            self._closed = True
            self._queue.put(_STOP)
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def _main(self) -> None:
        while True:
            event = self._queue.get()
            if event is _STOP:
                return
            try:
                self._listener.on_event(event)  # type: ignore[arg-type]
            except Exception:
                # The event itself stays out of the log: it carries callers' numbers.
                logger.exception(
                    "Telephony listener failed on %s (call %s)",
                    type(event).__name__,
                    getattr(event, "call_id", "-"),
                )

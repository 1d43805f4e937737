"""Fixtures for the SIP engine tests: a real engine in this process, real peers outside it."""

from __future__ import annotations

import importlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import pytest

from tests.helpers.wait import wait_until
from tests.telephony.peers import Peers

IN_CI = os.environ.get("CI", "").lower() == "true"

E = TypeVar("E")


def require_pjsua2() -> ModuleType:
    """Import pjsua2; under CI its absence fails the run, elsewhere it skips the module."""
    if IN_CI:
        return importlib.import_module("pjsua2")
    return pytest.importorskip(
        "pjsua2", reason="pjsua2 is not installed (pip install -e '.[telephony]')"
    )


class EventLog:
    """An EngineListener that records events and lets a test wait for one."""

    def __init__(self) -> None:
        """An empty log."""
        self.events: list[Any] = []
        self._cond = threading.Condition()

    def on_event(self, event: Any) -> None:
        """Record an event (called on the engine's dispatch thread)."""
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def clear(self) -> None:
        """Forget everything recorded so far."""
        with self._cond:
            self.events.clear()

    def snapshot(self) -> list[Any]:
        """A copy of the events so far."""
        with self._cond:
            return list(self.events)

    def mark(self) -> int:
        """A position in the log; pass it as ``since`` to wait only for later events."""
        with self._cond:
            return len(self.events)

    def wait_for(
        self,
        predicate: Callable[[Any], bool],
        timeout: float = 10,
        what: str = "an event",
        since: int = 0,
    ) -> Any:
        """The first event (from ``since`` on) matching ``predicate``; waits up to ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for event in self.events[since:]:
                    if predicate(event):
                        return event
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"no {what} within {timeout} s; events: {self.events[-30:]}"
                    )
                self._cond.wait(min(remaining, 0.1))

    def wait_count(
        self, predicate: Callable[[Any], bool], count: int, timeout: float = 30
    ) -> list[Any]:
        """Wait until ``count`` events match; returns them."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [event for event in self.events if predicate(event)]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"only {len(found)} of {count} events in {timeout} s")
                self._cond.wait(min(remaining, 0.1))

    def of_type(self, kind: type[E]) -> list[E]:
        """Recorded events of one class."""
        with self._cond:
            return [event for event in self.events if isinstance(event, kind)]


@pytest.fixture(scope="module")
def pj() -> ModuleType:
    """The pjsua2 module (skips/fails the module when it is missing, see require_pjsua2)."""
    return require_pjsua2()


@pytest.fixture(scope="module")
def engine_log() -> EventLog:
    """The event log of the module's engine."""
    return EventLog()


@pytest.fixture(scope="module")
def sip_engine(pj: ModuleType, engine_log: EventLog) -> Iterator[Any]:
    """One real engine per test module on a free loopback port, null audio."""
    from telephony.config import EngineConfig
    from telephony.engine import SipEngine

    # Peers on this computer play the PBX here: their P-Asserted-Identity is believed.
    # Tests ring several calls from one host: the per-sender limit is the phone's own.
    config = EngineConfig(
        udp_port=0, null_audio=True, trusted_hosts=("127.0.0.1",), max_ringing_per_source=4
    )
    engine = SipEngine(config, engine_log)
    engine.start()
    yield engine
    engine.stop()


@pytest.fixture
def engine(sip_engine: Any, engine_log: EventLog) -> Iterator[Any]:
    """The module's engine, with no call left over from the previous test (and none leaked)."""
    engine_log.clear()
    sip_engine.set_auto_answer(False)
    yield sip_engine
    for call_id in sip_engine.active_calls():
        try:
            sip_engine.hangup(call_id)
        except Exception:  # it may end by itself meanwhile
            continue
    wait_until(lambda: sip_engine.active_calls() == [], 10, what="a call outlived its test")


@pytest.fixture
def peers(tmp_path: Path) -> Iterator[Peers]:
    """Starts `python -m telephony` peers; all are stopped after the test."""
    started = Peers(tmp_path)
    yield started
    started.close()


@pytest.fixture
def engine_uri(engine: Any) -> str:
    """The SIP URI peers dial to reach the engine's operator account."""
    return f"sip:operator@127.0.0.1:{engine.bound_port}"

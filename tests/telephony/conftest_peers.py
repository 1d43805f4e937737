"""Fixtures with real SIP peers (Kamailio, baresip) around an in-process SipEngine.

Imported explicitly by test_registrar.py and test_baresip.py (``tests/telephony/conftest.py``
belongs to the engine's own tests). A missing kamailio/baresip fails the test under CI=true
and skips it elsewhere, with the install hint in the message.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pytest

from devtools.baresip import BaresipPeer, BaresipUnavailable
from devtools.kamailio import KamailioRegistrar, KamailioUnavailable
from telephony.config import EngineConfig
from telephony.events import Event

if TYPE_CHECKING:
    # Imported lazily at run time: it loads pjsua2, which may be missing (skip, not error).
    from telephony.engine import SipEngine

IN_CI = os.environ.get("CI", "").lower() == "true"

E = TypeVar("E")

# The registrar's users: the operator's line and a second extension for a peer.
OPERATOR = "operator"
OPERATOR_PASSWORD = "s3cret-op"
EXTENSION = "102"
EXTENSION_PASSWORD = "ext-102-pw"
USERS = {OPERATOR: OPERATOR_PASSWORD, EXTENSION: EXTENSION_PASSWORD}


def missing_component(message: str) -> None:
    """Fail under CI (a missing real component is a broken machine), skip elsewhere."""
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def pjsua2_or_skip() -> None:
    """Skip (fail under CI) when the pjsua2 binding is not installed."""
    try:
        import pjsua2  # noqa: F401
    except ImportError as exc:
        missing_component(f"pjsua2 is not installed ({exc}): pip install -e '.[telephony]'")


class EventLog:
    """An EngineListener that keeps every event and lets a test wait for one."""

    def __init__(self) -> None:
        """An empty log."""
        self.events: list[Event] = []
        self._changed = threading.Condition()

    def on_event(self, event: Event) -> None:
        """Store the event (runs on the engine's dispatch thread)."""
        with self._changed:
            self.events.append(event)
            self._changed.notify_all()

    def mark(self) -> int:
        """A position in the log: wait_for(..., after=mark) sees only later events."""
        with self._changed:
            return len(self.events)

    def wait_for(
        self,
        kind: type[E],
        where: Callable[[E], bool] = lambda _event: True,
        timeout: float = 10,
        after: int = 0,
    ) -> E:
        """The first event of kind (from position after) that matches where; fails the test."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for event in self.events[after:]:
                    if isinstance(event, kind) and where(event):
                        return event
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    pytest.fail(
                        f"no {kind.__name__} matching the condition within {timeout} s; "
                        f"events: {self.events[after:]}",
                        pytrace=False,
                    )
                self._changed.wait(remaining)

    def of_kind(self, kind: type[E], after: int = 0) -> list[E]:
        """All events of kind seen so far (from position after)."""
        with self._changed:
            return [event for event in self.events[after:] if isinstance(event, kind)]


@pytest.fixture
def kamailio(tmp_path: Path) -> Iterator[KamailioRegistrar]:
    """A running Kamailio registrar with USERS, on a free loopback port."""
    try:
        registrar = KamailioRegistrar(users=USERS, root=tmp_path / "kamailio")
    except KamailioUnavailable as exc:
        missing_component(str(exc))
        raise
    registrar.start()
    try:
        yield registrar
    finally:
        registrar.close()


@pytest.fixture
def baresip_peers() -> Iterator[Callable[..., BaresipPeer]]:
    """A factory of started baresip peers (BaresipPeer arguments); all are closed afterwards."""
    peers: list[BaresipPeer] = []

    def make(**kwargs: object) -> BaresipPeer:
        try:
            peer = BaresipPeer(**kwargs)  # type: ignore[arg-type]
        except BaresipUnavailable as exc:
            missing_component(str(exc))
            raise
        peers.append(peer)
        peer.start()
        return peer

    try:
        yield make
    finally:
        for peer in peers:
            with contextlib.suppress(Exception):
                peer.close()


@contextlib.contextmanager
def running_engine(config: EngineConfig) -> Iterator[tuple[SipEngine, EventLog]]:
    """A started in-process SipEngine for config and the EventLog it reports to."""
    pjsua2_or_skip()
    from telephony.engine import SipEngine

    log = EventLog()
    engine = SipEngine(config, log)
    engine.start()
    try:
        yield engine, log
    finally:
        engine.stop()

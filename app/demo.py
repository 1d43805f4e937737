"""The demo: the embedded database seeded on first run, and test calls into the workspace.

Shared by `dispatch-desk --demo` (`app.main`) and `python -m app.screenshots`. The calls
come from a second process (`python -m telephony dial`), so they are real SIP calls over
loopback and the workspace cannot tell them from a PBX's.
"""

from __future__ import annotations

import itertools
import logging
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from dispatcher.db import session_factory
from dispatcher.demo import seed_demo
from dispatcher.demo.status import is_empty

logger = logging.getLogger(__name__)

DEMO_SIP_PORT = 5062
DEMO_CLIENTS = 300
DEMO_HANGUP_AFTER_S = 30
RING_ONLY_S = 20
FALLBACK_NUMBER = "+79161234567"  # an empty database has no client numbers to call from
# The dialer runs from the source tree that holds this app, whatever the caller's directory.
ROOT = Path(__file__).resolve().parents[1]


def seed_demo_if_empty(engine: Engine, clients: int = DEMO_CLIENTS) -> bool:
    """Seed the demo data unless the database has clients already; True when seeded."""
    with session_factory(engine)() as session:
        if not is_empty(session):
            return False
    report = seed_demo(engine, clients=clients)
    logger.info("Seeded %d demo clients in %.1f s", report.clients, report.seconds)
    return True


@dataclass
class DemoCaller:
    """Places test calls into the workspace with `python -m telephony dial`."""

    port: int
    numbers: list[str] = field(default_factory=list)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._cycle: Iterator[str] = itertools.cycle(self.numbers or [FALLBACK_NUMBER])

    def command(self, number: str, *, ring_only: bool = False) -> list[str]:
        """The command line of one test call from ``number``.

        An answered call hangs up after DEMO_HANGUP_AFTER_S; a ``ring_only`` call is one
        nobody answers (screenshots of a ringing call), cancelled after RING_ONLY_S.
        """
        ending = (
            ["--cancel-after-ring", str(RING_ONLY_S)]
            if ring_only
            else ["--hangup-after", str(DEMO_HANGUP_AFTER_S)]
        )
        target = f"sip:operator@127.0.0.1:{self.port}"
        return [sys.executable, "-m", "telephony", "dial", target, "--from", number, *ending]

    def call(self, number: str, *, ring_only: bool = False) -> None:
        """Dial in from ``number`` (a child process; never blocks)."""
        self.processes = [p for p in self.processes if p.poll() is None]
        command = self.command(number, ring_only=ring_only)
        logger.info("Demo call: %s", " ".join(command))
        self.processes.append(
            subprocess.Popen(
                command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        )

    def place_call(self) -> None:
        """Dial in from the next demo client's number (Demo → Place a test call)."""
        self.call(next(self._cycle))

    def stop(self) -> None:
        """End the test calls still running."""
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()

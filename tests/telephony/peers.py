"""Real SIP peers for tests: ``python -m telephony listen/dial`` child processes.

Each peer is a separate process with its own pjsua2 Endpoint. Its stdout JSON lines are
collected by a reader thread; tests wait for the line they expect.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

Line = dict[str, Any]


class PeerError(AssertionError):
    """A peer did not print what the test waited for."""


class Peer:
    """A ``python -m telephony`` child process and the JSON lines it printed."""

    def __init__(self, argv: Sequence[str], crash_log: Path | None = None) -> None:
        """Start ``python -m telephony *argv``."""
        self.argv = list(argv)
        command = [sys.executable, "-m", "telephony", *self.argv]
        if crash_log is not None:
            command += ["--crash-log", str(crash_log)]
        env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONPATH=str(ROOT))
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.lines: list[Line] = []
        self.stderr_lines: list[str] = []
        self.bad_lines: list[str] = []
        self._cond = threading.Condition()
        self._readers = [
            threading.Thread(target=self._read_stdout, daemon=True),
            threading.Thread(target=self._read_stderr, daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    # --- constructors ------------------------------------------------------------------------

    @classmethod
    def listen(cls, *extra: str, auto_answer: bool = False, crash_log: Path | None = None) -> Peer:
        """A listening peer on a free port; returns once it printed its "ready" line."""
        argv = ["listen", "--port", "0", *extra]
        if auto_answer:
            argv.append("--auto-answer")
        peer = cls(argv, crash_log)
        peer.wait_for(lambda line: line.get("event") == "ready", timeout=15, what="ready")
        return peer

    @classmethod
    def dial(cls, uri: str, from_number: str, *extra: str, crash_log: Path | None = None) -> Peer:
        """A peer calling ``uri`` as ``from_number`` (extra: --display, --dtmf, ...)."""
        return cls(["dial", uri, "--from", from_number, *extra], crash_log)

    # --- reading -----------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The SIP port a listening peer reported."""
        return int(self.find(lambda line: line.get("event") == "ready")["port"])

    @property
    def stderr(self) -> str:
        """Everything the peer wrote to stderr so far."""
        with self._cond:
            return "".join(self.stderr_lines)

    def find(self, predicate: Callable[[Line], bool]) -> Line:
        """The first line so far matching ``predicate`` (PeerError if none)."""
        with self._cond:
            for line in self.lines:
                if predicate(line):
                    return line
        raise PeerError(f"no such line yet; got {self.lines}")

    def mark(self) -> int:
        """A position in the output; pass it as ``since`` to wait only for later lines."""
        with self._cond:
            return len(self.lines)

    def wait_for(
        self,
        predicate: Callable[[Line], bool],
        timeout: float = 10,
        what: str = "a line",
        since: int = 0,
    ) -> Line:
        """Wait for the first JSON line (from ``since`` on) matching ``predicate``."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for line in self.lines[since:]:
                    if predicate(line):
                        return line
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (self.process.poll() is not None and self._eof):
                    raise PeerError(
                        f"peer {self.argv[0]} did not print {what} within {timeout} s "
                        f"(exit {self.process.poll()}); lines: {self.lines}; "
                        f"stderr: {''.join(self.stderr_lines)[-2000:]}"
                    )
                self._cond.wait(min(remaining, 0.1))

    def wait_state(self, state: str, timeout: float = 10, since: int = 0, **fields: object) -> Line:
        """Wait for a call_state_changed line with ``state`` (and matching fields)."""

        def match(line: Line) -> bool:
            return (
                line.get("event") == "call_state_changed"
                and line.get("state") == state
                and all(line.get(key) == value for key, value in fields.items())
            )

        what = f"call state {state} {fields or ''}".strip()
        return self.wait_for(match, timeout, what=what, since=since)

    def events(self, name: str) -> list[Line]:
        """All lines so far of one event kind."""
        with self._cond:
            return [line for line in self.lines if line.get("event") == name]

    # --- ending ------------------------------------------------------------------------------

    def wait_exit(self, timeout: float = 15) -> int:
        """Wait for the process to end by itself; its exit code."""
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            raise PeerError(
                f"peer {self.argv} still running after {timeout} s; lines: {self.lines}"
            ) from None
        for reader in self._readers:
            reader.join(5)
        return code

    def terminate(self, timeout: float = 10) -> int:
        """SIGTERM (the peer hangs up and exits cleanly); kill if it hangs; the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait(5)
        for reader in self._readers:
            reader.join(5)
        return code

    def close(self) -> None:
        """Make sure the process is gone (test teardown)."""
        if self.process.poll() is None:
            self.terminate()
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()

    # --- readers -----------------------------------------------------------------------------

    _eof = False

    def _read_stdout(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            text = raw.strip()
            if not text:
                continue
            with self._cond:
                try:
                    self.lines.append(json.loads(text))
                except json.JSONDecodeError:
                    self.bad_lines.append(text)
                self._cond.notify_all()
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for raw in self.process.stderr:
            with self._cond:
                self.stderr_lines.append(raw)


class Peers:
    """Starts peers for one test and makes sure none outlives it."""

    def __init__(self, crash_dir: Path) -> None:
        """Peers whose crash logs go to ``crash_dir``."""
        self._crash_dir = crash_dir
        self._started: list[Peer] = []

    def listen(self, *extra: str, auto_answer: bool = False) -> Peer:
        """Start a listening peer (see Peer.listen)."""
        peer = Peer.listen(*extra, auto_answer=auto_answer, crash_log=self._crash_log())
        self._started.append(peer)
        return peer

    def dial(self, uri: str, from_number: str = "89161234567", *extra: str) -> Peer:
        """Start a dialling peer (see Peer.dial)."""
        peer = Peer.dial(uri, from_number, *extra, crash_log=self._crash_log())
        self._started.append(peer)
        return peer

    def _crash_log(self) -> Path:
        return self._crash_dir / f"peer-{len(self._started)}-crash.log"

    def close(self) -> None:
        """Stop every peer still running."""
        for peer in self._started:
            peer.close()

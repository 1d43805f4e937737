"""Waiting on a condition instead of sleeping a fixed time."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def wait_until(
    predicate: Callable[[], T], timeout: float = 5.0, *, interval: float = 0.02, what: str = ""
) -> T:
    """Poll ``predicate`` until it is truthy and return its value; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what or predicate}")
        time.sleep(interval)


def wait_for_log_line(
    process: subprocess.Popen[str], log_dir: Path, line: str, timeout: float = 60.0
) -> None:
    """Wait until a child desk's JSON log in ``log_dir`` holds ``line``; fail if it exits."""

    def logged() -> bool:
        assert process.poll() is None, process.communicate()[1]
        return any(
            line in log.read_text(encoding="utf-8", errors="replace")
            for log in log_dir.glob("*.log*")
        )

    wait_until(logged, timeout, interval=0.2, what=f"{line!r} in {log_dir}")

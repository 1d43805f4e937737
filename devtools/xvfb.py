"""A throwaway X server (Xvfb) on a free display number, for tests that need a real desktop."""

from __future__ import annotations

import os
import select
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path


class XvfbUnavailable(RuntimeError):
    """Xvfb is not installed on this machine."""


def _read_line(fd: int, timeout_s: float) -> str:
    """The first line written to ``fd`` ('' on timeout or EOF).

    Xvfb writes the number and the newline with two write() calls and dies ("Cannot write
    display number") when the pipe is closed between them: read up to the newline.
    """
    deadline = time.monotonic() + timeout_s
    data = b""
    while b"\n" not in data:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(fd, 32) if ready else b""
        if not chunk:
            break
        data += chunk
    return data.decode().strip() if b"\n" in data else ""


@dataclass
class VirtualDisplay:
    """An Xvfb server on the free display number it picked itself; stop() ends it."""

    size: str = "1280x800x24"
    process: subprocess.Popen[bytes] | None = None
    display: str = ""
    log: Path = field(
        default_factory=lambda: Path(tempfile.mkstemp(prefix="xvfb-", suffix=".log")[1])
    )

    def start(self, timeout_s: float = 15.0) -> VirtualDisplay:
        """Start the server and wait until it has announced its display number."""
        binary = shutil.which("Xvfb")
        if binary is None:
            raise XvfbUnavailable("Xvfb is not installed: run `make bootstrap` (Debian's xvfb)")
        read_fd, write_fd = os.pipe()
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    binary,
                    "-displayfd",
                    str(write_fd),
                    "-screen",
                    "0",
                    self.size,
                    "-nolisten",
                    "tcp",
                    # Our readiness probe is a client too: without this the server resets
                    # when it leaves and refuses the next connection for a moment.
                    "-noreset",
                ],
                pass_fds=(write_fd,),
                stdout=log,
                stderr=log,
            )
        os.close(write_fd)
        # Xvfb writes the display number to the pipe once it has started.
        number = _read_line(read_fd, timeout_s)
        os.close(read_fd)
        if not number:
            self.stop()
            raise XvfbUnavailable(f"Xvfb did not start: {self.log.read_text(errors='replace')}")
        self.display = f":{number}"
        self._wait_for_socket(Path(f"/tmp/.X11-unix/X{number}"), timeout_s)
        return self

    def _wait_for_socket(self, path: Path, timeout_s: float) -> None:
        # Xvfb announces the number a moment before its socket accepts connections.
        deadline = time.monotonic() + timeout_s
        while True:
            with socket.socket(socket.AF_UNIX) as probe:
                try:
                    probe.connect(str(path))
                    return
                except OSError:
                    if time.monotonic() > deadline:
                        self.stop()
                        message = f"Xvfb on {self.display} refuses connections"
                        raise XvfbUnavailable(message) from None
            time.sleep(0.02)

    def environ(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """An environment for a child process that opens its windows on this display."""
        env = dict(os.environ if base is None else base)
        env["DISPLAY"] = self.display
        env.pop("WAYLAND_DISPLAY", None)
        env["QT_QPA_PLATFORM"] = "xcb"
        return env

    def stop(self) -> None:
        """End the server (idempotent)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.unlink(missing_ok=True)

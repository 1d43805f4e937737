"""Files that hold secrets or clients' data, created readable and writable by their owner only.

Logs, the SIP trace, drafts, the config file and the service's SQLite database name clients
and may carry credentials: on a shared PC (or a server with other accounts) nobody else may
read them. The mode is given to `os.open`, so there is no moment the file is world-readable.
"""

from __future__ import annotations

import logging.handlers
import os
import stat
from pathlib import Path
from typing import IO, Any

PRIVATE_MODE = 0o600


def make_private(path: str | os.PathLike[str]) -> None:
    """Create `path` empty with mode 0600 if missing; take group/other access off if present."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_MODE)
    try:
        if os.name == "posix" and stat.S_IMODE(os.fstat(fd).st_mode) & 0o077:
            os.fchmod(fd, PRIVATE_MODE)
    finally:
        os.close(fd)


def open_private(
    path: str | os.PathLike[str], mode: str = "a", encoding: str | None = "utf-8", **kwargs: Any
) -> IO[Any]:
    """`open(path, mode)` for appending or writing, the file created (or made) 0600."""
    make_private(path)
    return Path(path).open(mode, encoding=encoding, **kwargs)


def readable_by_others(path: str | os.PathLike[str]) -> bool:
    """True when users other than the owner may read the file (POSIX; False elsewhere)."""
    if os.name != "posix":
        return False
    return bool(stat.S_IMODE(os.stat(path).st_mode) & 0o044)


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A RotatingFileHandler whose files (the current one and each new one) are 0600."""

    def _open(self) -> IO[Any]:
        return open_private(self.baseFilename, self.mode, self.encoding, errors=self.errors)

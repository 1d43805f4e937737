"""The workspace's log: JSON lines in a rotating file, and a crash log for native faults.

One JSON object per line (``ts``, ``level``, ``logger``, ``msg`` and every ``extra`` field),
so an admin can ``grep``/``jq`` it: e.g. ``jq 'select(.event == "screen_pop") | .ms'``.
The file is ``dispatch-desk.log`` in the directory the caller passes (the settings decide
which: `app.settings.log_dir_for`); ``crash.log`` next to it receives faulthandler's
tracebacks. This module knows nothing of the settings, so the settings may name log paths
without importing it.
"""

from __future__ import annotations

import datetime as dt
import faulthandler
import json
import logging
import logging.handlers
from pathlib import Path
from typing import IO, Any

from storage.private_files import PrivateRotatingFileHandler, open_private

LOG_FILE = "dispatch-desk.log"
CRASH_FILE = "crash.log"
MAX_BYTES = 5 * 1024 * 1024
BACKUPS = 5
SCREEN_POP_LOGGER = "app.screen_pop"

# Attributes every LogRecord has; anything else on a record came from ``extra``.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}

_handler: logging.Handler | None = None
_crash_stream: IO[str] | None = None


class JsonLinesFormatter(logging.Formatter):
    """A record as one JSON object: ts, level, logger, msg, the extra fields, exc."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a single line of JSON (non-ASCII kept readable)."""
        data: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created)
            .astimezone()
            .isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                data[key] = value
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            data["stack"] = self.formatStack(record.stack_info)
        # default=str: an odd extra value (a Path, a datetime) must not lose the record.
        return json.dumps(data, ensure_ascii=False, default=str)


def setup_logging(log_dir: Path, level: int = logging.INFO) -> Path:
    """Log JSON lines to ``log_dir``/dispatch-desk.log (5 MB x 5) and return the file's path.

    Calling it again (another directory after a settings change) replaces the handler.
    Also enables faulthandler into ``log_dir``/crash.log, since a fault inside pjsua2 or Qt
    leaves no Python traceback otherwise.
    """
    global _handler, _crash_stream
    log_dir = Path(log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_FILE
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
        _handler.close()
    handler = PrivateRotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
    )
    handler.setFormatter(JsonLinesFormatter())
    root.addHandler(handler)
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
    _handler = handler

    crash = open_private(log_dir / CRASH_FILE, "a")
    faulthandler.enable(file=crash, all_threads=True)
    if _crash_stream is not None:
        _crash_stream.close()
    _crash_stream = crash
    return path


def current_log_file() -> Path | None:
    """The file `setup_logging` writes to, or None before it was called."""
    if isinstance(_handler, logging.FileHandler):
        return Path(_handler.baseFilename)
    return None


def log_screen_pop(number: str, client_ids: list[int], ms: float, status: str) -> None:
    """Record one screen pop: caller number, matched client ids, INVITE-to-popup ms, status."""
    logging.getLogger(SCREEN_POP_LOGGER).info(
        "screen pop",
        extra={
            "event": "screen_pop",
            "number": number,
            "client_ids": [int(client_id) for client_id in client_ids],
            "ms": round(float(ms), 1),
            "status": status,
        },
    )

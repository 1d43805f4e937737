"""pjsip's log into Python logging, and SIP message traces into a rotating file for admins."""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

import pjsua2 as pj

logger = logging.getLogger(__name__)

# pjsip's own chatter goes to this logger (levels 0-1 errors, 2 warnings, 3 info, 4+ debug).
pjsip_logger = logging.getLogger("telephony.pjsip")

TRACE_MAX_BYTES = 10 * 1024 * 1024
TRACE_BACKUPS = 5
# pjsua logs each SIP message at this level, when LogConfig.msgLogging is on.
SIP_MESSAGE_LEVEL = 4


def _python_level(pj_level: int) -> int:
    if pj_level <= 1:
        return logging.ERROR
    if pj_level == 2:
        return logging.WARNING
    if pj_level == 3:
        return logging.INFO
    return logging.DEBUG


# Credential headers: a digest response with its nonce lets a dictionary find the password.
_CREDENTIALS = re.compile(
    r"^((?:proxy-)?authorization[ \t]*:[ \t]*)(\S+)[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*",
    re.IGNORECASE | re.MULTILINE,
)


def mask_credentials(text: str) -> str:
    """``text`` with every Authorization/Proxy-Authorization value replaced by its scheme."""
    return _CREDENTIALS.sub(lambda m: f"{m.group(1)}{m.group(2)} <masked>", text)


def _is_sip_message(text: str) -> bool:
    # "TX 512 bytes Request msg INVITE/cseq=1 (tdta0x..) to UDP 127.0.0.1:5060:\nINVITE ..."
    return text.startswith(("TX ", "RX ")) and " bytes " in text[:40]


class SipLogBridge(pj.LogWriter):
    """A pjsua2 LogWriter: pjsip lines to ``telephony.pjsip``, SIP messages to the trace file.

    pjsip may call ``write`` from any of its threads (the binding takes the GIL), so it only
    hands text to ``logging``, which is thread-safe, and never raises.
    """

    def __init__(self, console_level: int, trace_path: str | None) -> None:
        """Forward lines up to ``console_level``; with ``trace_path``, trace SIP messages."""
        pj.LogWriter.__init__(self)
        self._console_level = console_level
        self._trace: logging.Logger | None = None
        self._handler: logging.Handler | None = None
        if trace_path:
            path = Path(trace_path)
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.handlers.RotatingFileHandler(
                path, maxBytes=TRACE_MAX_BYTES, backupCount=TRACE_BACKUPS, encoding="utf-8"
            )
            handler.setFormatter(logging.Formatter("%(asctime)s %(message)s\n"))
            trace = logging.getLogger(f"telephony.sip_trace.{id(self)}")
            trace.propagate = False
            trace.setLevel(logging.INFO)
            trace.addHandler(handler)
            self._trace, self._handler = trace, handler

    @property
    def pj_level(self) -> int:
        """The pjsip log level the endpoint must be configured with to feed this writer."""
        return max(self._console_level, SIP_MESSAGE_LEVEL if self._trace else 0)

    @property
    def traces(self) -> bool:
        """True when SIP messages are written to a trace file."""
        return self._trace is not None

    def write(self, entry: pj.LogEntry) -> None:
        """Called by pjsip for every log line."""
        try:
            text = entry.msg
            level = entry.level
            if self._trace is not None and level == SIP_MESSAGE_LEVEL and _is_sip_message(text):
                self._trace.info(mask_credentials(text.rstrip()))
                return
            if level <= self._console_level:
                pjsip_logger.log(_python_level(level), "%s", text.rstrip())
        except Exception:  # a log line must never take pjsip down
            pass

    def close(self) -> None:
        """Flush and close the trace file (after libDestroy: nothing writes any more)."""
        if self._trace is not None and self._handler is not None:
            self._trace.removeHandler(self._handler)
            self._handler.close()
            self._trace = None
            self._handler = None

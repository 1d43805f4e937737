"""Errors the telephony engine raises; ``str()`` of each is meant for the operator."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


class TelephonyError(Exception):
    """A telephony operation failed; the message says what happened in plain words."""


class CallGoneError(TelephonyError):
    """The call a command was meant for has already ended (or never existed)."""

    def __init__(self, call_id: int, message: str | None = None) -> None:
        self.call_id = call_id
        super().__init__(message or f"Call {call_id} has already ended.")


class ConfigError(TelephonyError):
    """A telephony configuration file or value is invalid."""


def without_frames(exc: BaseException) -> BaseException:
    """``exc`` with the tracebacks of it and its cause/context chain dropped; returns it.

    Used for exceptions leaving the SIP thread: their frames hold pjsua2 objects (a Call in a
    command's locals, the Endpoint in a wrapper's ``self``), and an exception kept by a caller
    would keep those alive past their deletion, to be destroyed later on the wrong thread.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.__traceback__ = None
        current = current.__cause__ or current.__context__
    return exc

"""The complaint line: which incoming calls are complaints, from the called number or the IVR.

A PBX routes the complaint number (or its menu's "press 3 for a complaint") to the desk's
line; the INVITE's called party (To / Request-URI user) and a configured header carry it
(seed 004: "для регистрации жалобы нажмите 3"). The intake tags such a call; the desk opens
the complaint form for the caller when the operator answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.settings.model import SipSettings


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _same_number(called: str, configured: str) -> bool:
    if called.strip().lower() == configured.strip().lower():
        return True
    a, b = _digits(called), _digits(configured)
    # "+7 800 100-20-30", "88001002030" and "8001002030" are one trunk number: the last
    # ten digits decide (shorter ones, extensions, must match whole).
    if len(a) >= 10 and len(b) >= 10:
        return a[-10:] == b[-10:]
    return bool(a) and a == b and len(a) == len(called.strip().lstrip("+"))


@dataclass(frozen=True, slots=True)
class ComplaintLine:
    """The settings that make a call a complaint; empty = no complaint line."""

    numbers: tuple[str, ...] = ()
    header: str = ""  # e.g. "X-IVR-Choice"
    values: tuple[str, ...] = ()  # e.g. ("3",)

    @classmethod
    def from_settings(cls, sip: SipSettings) -> ComplaintLine:
        """The complaint line of the desk's [sip] settings."""
        return cls(sip.complaint_numbers, sip.ivr_header, sip.complaint_ivr_values)

    def matches(self, called: str, headers: Mapping[str, Sequence[str] | str]) -> bool:
        """True when a call to ``called`` with ``headers`` (names lower-case) is a complaint."""
        if called and any(_same_number(called, number) for number in self.numbers):
            return True
        if not self.header or not self.values:
            return False
        found = headers.get(self.header.strip().lower(), ())
        given = [found] if isinstance(found, str) else list(found)
        wanted = {value.strip().lower() for value in self.values}
        return any(value.strip().lower() in wanted for value in given)

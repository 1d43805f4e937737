"""Argument types the command lines share: numbers and texts checked before any work starts.

A value out of range is argparse's own error (usage, one line, exit 2), not a traceback
from deep inside (an id past the database's INTEGER, a port past 65535, a name of a
megabyte). No Qt, no domain: ``dispatch``, ``courier-sync`` and ``python -m telephony``
all use these.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import Any

INT_MAX = 2**31 - 1  # an INTEGER column on PostgreSQL, where ids live
PORT_MAX = 65535
_SHOWN = 40  # characters of a rejected value quoted back: the message stays one line


def _shown(text: str) -> str:
    short = text if len(text) <= _SHOWN else text[:_SHOWN] + "…"
    return repr(short)


def _ranged(
    what: str, convert: Callable[[str], int | float], kind: str, low: float, high: float
) -> Callable[[str], Any]:
    def parse(text: str) -> int | float:
        try:
            value = convert(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be {kind}, not {_shown(text)}") from None
        if not (math.isfinite(value) and low <= value <= high):
            # Ids start at 1: "positive" says it in the word people use.
            bounds = f"positive, up to {high}" if low == 1 else f"from {low} to {high}"
            raise argparse.ArgumentTypeError(f"{what} must be {bounds}, not {_shown(text)}")
        return value

    parse.__name__ = what  # argparse names a type by its function in some messages
    return parse


def whole_number(what: str, low: int = -INT_MAX - 1, high: int = INT_MAX) -> Callable[[str], int]:
    """A type for a whole number from ``low`` to ``high``; ``what`` names it in the message."""
    return _ranged(what, int, "a whole number", low, high)


def real_number(what: str, low: float, high: float) -> Callable[[str], float]:
    """A type for a finite number from ``low`` to ``high`` (seconds, intervals)."""
    return _ranged(what, float, "a number", low, high)


def text_up_to(what: str, limit: int) -> Callable[[str], str]:
    """A type for a text of at most ``limit`` characters (names, labels)."""

    def parse(text: str) -> str:
        if len(text) > limit:
            raise argparse.ArgumentTypeError(
                f"{what} may have at most {limit} characters, not {len(text)}"
            )
        return text

    parse.__name__ = what
    return parse


def bound_whole_numbers(parser: argparse.ArgumentParser) -> None:
    """Give every plain ``type=int`` argument of ``parser`` and its subcommands the INTEGER range.

    Ids and counts then fail in argparse with a message instead of overflowing a database
    column; arguments with a narrower type of their own keep it.
    """
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                bound_whole_numbers(child)
        elif action.type is int:
            action.type = whole_number(action.metavar or action.dest.replace("_", " "))


ID = whole_number("an id", 1, INT_MAX)
PORT = whole_number("a port", 0, PORT_MAX)

"""Arbitrary command lines for a CLI: its real subcommands and option names, with junk values.

Used to check that no argv a person could type ends in a traceback: each example is a path
of real subcommands followed by a mix of that command's real option names and junk
(huge and negative numbers, empty strings, unicode, very long strings).
"""

from __future__ import annotations

import argparse
import contextlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hypothesis import strategies as st

# What no real argv holds: NUL ends a C string, and surrogates are not text.
_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=12,
)
JUNK = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(
        ["", " ", "0", "-1", "1", "99999999999999999999", "65536", "1e309", "nan", "-inf", "--"]
    ),
    _TEXT,
    _TEXT.map(lambda text: (text or "я") * 2000),  # very long
)


def command_paths(
    parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every runnable subcommand path of ``parser`` with the parser that reads its options."""
    paths: list[tuple[tuple[str, ...], argparse.ArgumentParser]] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                paths.extend(command_paths(child, (*prefix, name)))
    return paths or [(prefix, parser)]


def _options(parser: argparse.ArgumentParser, skip: frozenset[str]) -> list[str]:
    return sorted(
        option
        for action in parser._actions
        for option in action.option_strings
        if option not in skip and option.startswith("--")
    )


def argv_for(
    parser: argparse.ArgumentParser,
    *,
    skip_options: Sequence[str] = ("--help", "--db"),
    skip_commands: Sequence[tuple[str, ...]] = (),
) -> st.SearchStrategy[list[str]]:
    """Command lines of ``parser``: a real command path, then real options and junk mixed."""
    skip = frozenset(skip_options)
    paths = [(path, p) for path, p in command_paths(parser) if path not in skip_commands]

    def tail(item: tuple[tuple[str, ...], argparse.ArgumentParser]) -> st.SearchStrategy[list[str]]:
        path, leaf = item
        words = st.one_of(st.sampled_from(_options(leaf, skip) or ["--"]), JUNK)
        return st.lists(words, max_size=6).map(lambda rest: [*path, *rest])

    return st.sampled_from(paths).flatmap(tail)


@dataclass(frozen=True)
class Outcome:
    """How an in-process run of a CLI's main function ended."""

    code: int
    stderr: str


def run_main(main: Callable[[list[str]], int | None], argv: list[str]) -> Outcome:
    """Call ``main(argv)`` in this process; its exit code (SystemExit too) and its stderr.

    An exception escaping ``main`` is not caught: it is the traceback the test looks for.
    """
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            code = main(argv)
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 2)
    return Outcome(int(code or 0), err.getvalue())

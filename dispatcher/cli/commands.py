"""The `dispatch` grammar assembled from the command modules, and its entry point."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from dispatcher.cli.base import Command, Parser, accept_globals_anywhere, run
from dispatcher.cli.catalog import PRODUCT
from dispatcher.cli.clients import CLIENT, DEMO, LOOKUP
from dispatcher.cli.complaints import COMPLAINT
from dispatcher.cli.couriers import COURIER
from dispatcher.cli.db import DB
from dispatcher.cli.knowledge import KB
from dispatcher.cli.orders import ORDER, REASON
from dispatcher.cli.outbox import OUTBOX
from dispatcher.cli.plans import PLAN
from dispatcher.cli.portal import PORTAL
from dispatcher.cli.prices import PRICE
from dispatcher.cli.reports import REPORT
from dispatcher.cli.seed import SEED_DEMO
from dispatcher.cli.users import USER
from storage.cli_args import bound_whole_numbers

# One line per top-level command; this order is the order `dispatch --help` lists them in.
COMMANDS: tuple[Command, ...] = (
    DB,
    USER,
    CLIENT,
    COURIER,
    PRODUCT,
    PRICE,
    REASON,
    SEED_DEMO,
    LOOKUP,
    ORDER,
    DEMO,
    OUTBOX,
    REPORT,
    COMPLAINT,
    PLAN,
    KB,
    PORTAL,
)


def version_text() -> str:
    """`dispatch --version`: the installed parts' versions, from package metadata only.

    The domain imports neither Qt nor pjsua2, so their versions are the installed wheels'.
    """
    import platform
    from importlib import metadata

    def installed(*names: str) -> str:
        for name in names:
            try:
                return metadata.version(name).split(".post")[0]
            except metadata.PackageNotFoundError:
                continue
        return "not installed"

    return (
        f"Dispatch Desk {installed('dispatch-desk')}: "
        f"pjsip {installed('pjsua2-python')} (pjsua2), "
        f"Qt {installed('PySide6_Essentials', 'PySide6')} (PySide6), "
        f"Python {platform.python_version()}"
    )


def build_parser() -> argparse.ArgumentParser:
    """The command line grammar."""
    p = Parser(prog="dispatch", description="Dispatch Desk administration and scripting.")
    p.add_argument("--version", action="version", version=version_text())
    p.add_argument("--check", action="store_true", help="check the database, exit 0 when usable")
    p.add_argument("--db", help="database URL or SQLite file (default: the embedded database)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument(
        "--user",
        metavar="LOGIN",
        default=None,
        help="act as this user (password from DISPATCH_PASSWORD or a prompt)",
    )
    p.add_argument("--region", default=None, help="default phone region (RU)")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)
    for command in COMMANDS:
        command.add_parser(sub)
    # After every command is added: the flags go on the innermost parsers.
    accept_globals_anywhere(p)
    # Ids and counts past the database's INTEGER are argparse's one-line error, not an overflow.
    bound_whole_numbers(p)
    return p


def main(argv: Sequence[str] | None = None, out: Callable[[str], None] = print) -> int:
    """Entry point of `dispatch` / `python -m dispatcher`; returns the exit code."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--check" in argv:  # as `dispatch-desk --check`: is this PC's database usable?
        argv = [a for a in argv if a != "--check"] + ["db", "check"]
    args = build_parser().parse_args(argv)
    command = next(c for c in COMMANDS if c.name == args.command)
    return run(command, args, out)

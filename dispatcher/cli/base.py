"""What every `dispatch` command shares: the parser, argument types, the invocation, errors."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn, TypeAlias

from sqlalchemy import Engine, exc

from dispatcher import orders
from dispatcher.catalog import parse_money
from dispatcher.config import DomainSettings, default_db_url
from dispatcher.db import make_engine, normalize_url, session_factory
from dispatcher.errors import DomainError, ValidationError
from dispatcher.migrate import current_revision, head_revision, upgrade

logger = logging.getLogger(__name__)

EXIT_USER_ERROR = 2

# argparse's subparsers action is generic only to type checkers, hence the quoted alias.
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


class UserError(Exception):
    """A mistake in the command line or its environment, reported without a traceback."""


class Parser(argparse.ArgumentParser):
    """An argument parser that exits with EXIT_USER_ERROR like every other user mistake."""

    def error(self, message: str) -> NoReturn:
        """Print the usage and the mistake, then exit with EXIT_USER_ERROR."""
        self.print_usage(sys.stderr)
        self.exit(EXIT_USER_ERROR, f"error: {message}\n")


def date_arg(text: str) -> dt.date:
    """A date typed as YYYY-MM-DD, dd.mm.yyyy, today/сегодня or tomorrow/завтра."""
    today = orders.moscow_today()
    words = {"today": 0, "сегодня": 0, "tomorrow": 1, "завтра": 1}
    if text.lower() in words:
        return today + dt.timedelta(days=words[text.lower()])
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD, dd.mm.yyyy, today)")


def line_arg(text: str) -> orders.LineInput:
    """An order line typed as CODE:QTY, or CODE alone for one."""
    code, sep, qty = text.rpartition(":")
    if not sep or not code:
        code, qty = text, "1"
    try:
        return orders.LineInput(code, int(qty))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not CODE:QTY (e.g. W19:2)") from None


def money_arg(text: str) -> int:
    """Kopecks from roubles typed as 350 or 350.50."""
    try:
        return parse_money(text)
    except ValidationError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def window_arg(text: str) -> tuple[dt.time, dt.time]:
    """A delivery window typed as HH:MM-HH:MM."""
    try:
        return orders.Slot.parse_window(text)
    except ValidationError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def accept_globals_anywhere(parser: argparse.ArgumentParser, top: bool = True) -> None:
    """Let `--json`/`--db` also follow the subcommand (`dispatch lookup N --json`)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                accept_globals_anywhere(child, top=False)
    # SUPPRESS keeps a value given before the subcommand when the flag is absent after it.
    if not top and not any(isinstance(a, argparse._SubParsersAction) for a in parser._actions):
        parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
        parser.add_argument("--db", default=argparse.SUPPRESS)


class Cli:
    """One invocation: the parsed arguments, the engine and the output format."""

    def __init__(self, args: argparse.Namespace, engine: Engine, out: Callable[[str], None]):
        self.args = args
        self.engine = engine
        self.sessions = session_factory(engine)
        self.out = out
        self.region = (args.region or DomainSettings.from_env().phone_region).upper()
        self.actor = args.actor or f"cli:{_user()}"

    def emit(self, data: Any, text: str) -> None:
        """Print the result as JSON or as a line for people."""
        if self.args.json:
            self.out(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        else:
            self.out(text)

    def ensure_schema(self) -> None:
        """Migrate the embedded SQLite file silently; ask for `db upgrade` elsewhere."""
        current, head = current_revision(self.engine), head_revision()
        if current == head:
            return
        if self.engine.dialect.name == "sqlite":
            upgrade(self.engine)
            return
        raise UserError(
            f"The database is at schema {current or 'none'}, the program needs {head}: "
            "run `dispatch --db URL db upgrade` first."
        )


@dataclass(frozen=True)
class Command:
    """One top-level subcommand: how its arguments are added and what runs it."""

    name: str
    add_parser: Callable[[Subparsers], None]
    run: Callable[[Cli], int]
    # `db` itself creates and reports the schema, so it must run on an outdated one.
    needs_schema: bool = True


def run(command: Command, args: argparse.Namespace, out: Callable[[str], None]) -> int:
    """Run one parsed invocation; the user's mistakes become a message and EXIT_USER_ERROR."""
    engine: Engine | None = None
    try:
        url = normalize_url(args.db or default_db_url())
        engine = make_engine(url)
        cli = Cli(args, engine, out)
        if command.needs_schema:
            cli.ensure_schema()
        return command.run(cli)
    except (DomainError, UserError) as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USER_ERROR
    except exc.ArgumentError as err:
        print(f"error: {args.db!r} is not a database URL or file: {err}", file=sys.stderr)
        return EXIT_USER_ERROR
    except exc.DBAPIError as err:
        logger.debug("database error", exc_info=True)
        print(f"error: cannot use the database: {err.orig}", file=sys.stderr)
        return EXIT_USER_ERROR
    except exc.NoSuchModuleError as err:
        print(f"error: unsupported database URL {args.db!r}: {err}", file=sys.stderr)
        return EXIT_USER_ERROR
    finally:
        if engine is not None:
            engine.dispose()


def safe_url(engine: Engine) -> str:
    """The database URL to show, with its password hidden."""
    return engine.url.render_as_string(hide_password=True)


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"

"""What every `dispatch` command shares: the parser, argument types, the invocation, errors.

`dispatch` acts as a signed-in user: ``--user LOGIN`` with the password from
``DISPATCH_PASSWORD`` or a prompt. A command that may run without signing in says so with
its `Command.anonymous` (the schema, the demo, read-only look-ups, the first account).
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn, TypeAlias

from sqlalchemy import Engine, exc

from dispatcher import orders
from dispatcher.catalog import parse_money
from dispatcher.config import DomainSettings, default_db_url
from dispatcher.db import make_engine, normalize_url, session_factory, unit_of_work
from dispatcher.errors import DomainError, ValidationError
from dispatcher.migrate import (
    MigrationFailed,
    current_revision,
    head_revision,
    upgrade_with_backup,
)
from dispatcher.users import Actor, authenticate

logger = logging.getLogger(__name__)

EXIT_USER_ERROR = 2
PASSWORD_ENV = "DISPATCH_PASSWORD"

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
    """Let `--json`/`--db`/`--user` also follow the subcommand (`dispatch lookup N --json`)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                accept_globals_anywhere(child, top=False)
    # SUPPRESS keeps a value given before the subcommand when the flag is absent after it.
    if not top and not any(isinstance(a, argparse._SubParsersAction) for a in parser._actions):
        parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
        parser.add_argument("--db", default=argparse.SUPPRESS)
        parser.add_argument("--user", default=argparse.SUPPRESS)


class Cli:
    """One invocation: the parsed arguments, the engine and the output format."""

    def __init__(self, args: argparse.Namespace, engine: Engine, out: Callable[[str], None]):
        self.args = args
        self.engine = engine
        self.sessions = session_factory(engine)
        self.out = out
        self.region = (args.region or DomainSettings.from_env().phone_region).upper()
        # Who runs the command; set by `run` after the password was checked (None: nobody).
        self.actor: Actor | None = None
        self.current_password: str | None = None

    def require_actor(self) -> Actor:
        """The signed-in user; a command that needs one and got none is refused."""
        if self.actor is None:
            raise UserError(_SIGN_IN_HINT.format(command=self.args.command))
        return self.actor

    def sign_in(self, login: str) -> Actor:
        """Check ``login``'s password (DISPATCH_PASSWORD or a prompt); the Actor or an error."""
        password = os.environ.get(PASSWORD_ENV)
        if password is None:
            if not sys.stdin.isatty():
                raise UserError(
                    f"No password for {login!r}: set {PASSWORD_ENV} or run from a terminal."
                )
            password = getpass.getpass(f"Password for {login}: ")
        with unit_of_work(self.sessions) as session:
            self.actor = authenticate(session, login, password)
        # Kept for `user password` on one's own account, which asks for the current one.
        self.current_password = password
        return self.actor

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
            try:  # backed up first, restored when a migration fails
                upgrade_with_backup(self.engine)
            except MigrationFailed as exc:
                raise UserError(str(exc)) from None
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
    # Whether this invocation may run without --user (the schema, the demo, look-ups).
    anonymous: Callable[[argparse.Namespace], bool] = lambda _args: False


def always(_args: argparse.Namespace) -> bool:
    """A command anyone may run without signing in."""
    return True


_SIGN_IN_HINT = (
    "`dispatch {command}` acts as a signed-in user: pass --user LOGIN "
    f"(the password from {PASSWORD_ENV} or a prompt)."
)


def run(command: Command, args: argparse.Namespace, out: Callable[[str], None]) -> int:
    """Run one parsed invocation; the user's mistakes become a message and EXIT_USER_ERROR."""
    engine: Engine | None = None
    try:
        url = normalize_url(args.db or default_db_url())
        engine = make_engine(url)
        cli = Cli(args, engine, out)
        if command.needs_schema:
            cli.ensure_schema()
        if args.user and command.needs_schema:
            cli.sign_in(args.user)
        elif not args.user and not command.anonymous(args):
            raise UserError(_SIGN_IN_HINT.format(command=args.command))
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

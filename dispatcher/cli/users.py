"""`dispatch user …`: operator accounts — add, list, disable, enable, set a password.

`user add` runs without --user while no account exists (the first admin); every other
change needs a signed-in admin, which `dispatcher.users` checks. New passwords come from
``DISPATCH_NEW_PASSWORD`` or a prompt typed twice, never from the command line (it would
stay in the shell history and the process list).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from dataclasses import asdict
from typing import Any

from dispatcher import users
from dispatcher.cli.base import Cli, Command, Subparsers, UserError
from dispatcher.db import unit_of_work
from dispatcher.models import UserRole
from dispatcher.users import UserInfo

NEW_PASSWORD_ENV = "DISPATCH_NEW_PASSWORD"


def add_user_parser(sub: Subparsers) -> None:
    """Add `user` and its subcommands."""
    user = sub.add_parser("user", help="operator accounts").add_subparsers(
        dest="sub", required=True
    )
    add = user.add_parser("add", help=f"add an account (password from {NEW_PASSWORD_ENV})")
    add.add_argument("login")
    add.add_argument("--name", required=True)
    add.add_argument("--role", choices=[r.value for r in UserRole], default="operator")
    user.add_parser("list", help="list the accounts")
    for name, text in (
        ("disable", "stop an account from signing in"),
        ("enable", "let a disabled account sign in again"),
        ("password", f"set an account's password (from {NEW_PASSWORD_ENV} or a prompt)"),
    ):
        user.add_parser(name, help=text).add_argument("login")


def _new_password(login: str) -> str:
    password = os.environ.get(NEW_PASSWORD_ENV)
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise UserError(
            f"No password for {login!r}: set {NEW_PASSWORD_ENV} or run from a terminal."
        )
    first = getpass.getpass(f"New password for {login}: ")
    if getpass.getpass("Again: ") != first:
        raise UserError("The two passwords differ: nothing was changed.")
    return first


def _record(info: UserInfo) -> dict[str, Any]:
    record = asdict(info)
    record["role"] = str(info.role)
    return record


def _line(info: UserInfo) -> str:
    state = "" if info.active else " (disabled)"
    return f"{info.login:<16} {info.role!s:<9} {info.name}{state}"


def run_user(cli: Cli) -> int:
    """`dispatch user add|list|disable|enable|password`."""
    a = cli.args
    with unit_of_work(cli.sessions) as s:
        if a.sub == "add":
            if cli.actor is None and not users.first_user_needed(s):
                raise UserError(
                    "Accounts exist already: an admin adds the next one with "
                    "`dispatch --user LOGIN user add …`."
                )
            password = _new_password(a.login)
            info = users.add_user(s, a.login, a.name, a.role, password, actor=cli.actor)
        elif a.sub == "list":
            rows = users.list_users(s, actor=cli.require_actor())
            cli.emit([_record(r) for r in rows], "\n".join(_line(r) for r in rows))
            return 0
        elif a.sub == "disable":
            info = users.disable_user(s, a.login, actor=cli.require_actor())
        elif a.sub == "enable":
            info = users.enable_user(s, a.login, actor=cli.require_actor())
        else:
            actor = cli.require_actor()
            info = users.set_password(
                s,
                a.login,
                _new_password(a.login),
                actor=actor,
                current_password=cli.current_password,
            )
    cli.emit(_record(info), _line(info))
    return 0


def _anonymous(args: argparse.Namespace) -> bool:
    # Only the first account may be added without signing in; run_user checks the table.
    return bool(args.sub == "add")


USER = Command("user", add_user_parser, run_user, anonymous=_anonymous)

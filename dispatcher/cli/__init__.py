"""`dispatch`: the admin and scripting command line over the domain services.

One module per command group (`db`, `clients`, `catalog`, `couriers`, `orders`, `outbox`,
`seed`), each defining its `Command`s; `commands.COMMANDS` lists them; `base` holds what they share.
"""

from dispatcher.cli.base import EXIT_USER_ERROR, Cli, Command, UserError
from dispatcher.cli.clients import describe_lookup
from dispatcher.cli.commands import COMMANDS, build_parser, main

__all__ = [
    "COMMANDS",
    "EXIT_USER_ERROR",
    "Cli",
    "Command",
    "UserError",
    "build_parser",
    "describe_lookup",
    "main",
]

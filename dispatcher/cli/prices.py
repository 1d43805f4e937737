"""`dispatch price …`: standard prices from a date, companies' contract prices, price history."""

from __future__ import annotations

from dataclasses import asdict

from dispatcher.catalog import format_money, parse_price
from dispatcher.cli.base import Cli, Command, Subparsers, date_arg
from dispatcher.db import unit_of_work
from dispatcher.errors import ValidationError
from dispatcher.operations import catalogue as catalogue_ops
from dispatcher.operations.catalogue import PriceRow


def add_price_parser(sub: Subparsers) -> None:
    """Add `price` and its subcommands."""
    price = sub.add_parser("price", help="prices").add_subparsers(dest="sub", required=True)
    ps = price.add_parser(
        "set", help="a standard price from a date, or with --client a company's contract price"
    )
    ps.add_argument("code", help="product code")
    # A string, parsed below: argparse would take "-1" for an option and say nothing useful.
    ps.add_argument("price", help="roubles, e.g. 350 or 350.50")
    ps.add_argument(
        "--from", dest="valid_from", type=date_arg, help="first day it applies (default: today)"
    )
    ps.add_argument("--client", type=int, help="the company whose contract price this is")
    ps.add_argument("--to", dest="valid_to", type=date_arg, help="last day of the contract")
    pl = price.add_parser("list", help="a product's prices: standard and contract, by date")
    pl.add_argument("code")


def _line(row: PriceRow) -> str:
    until = f"{row.until:%d.%m.%Y}" if row.until else "…"
    who = f"#{row.client_id} {row.client_name}" if row.contract else "стандарт"
    return f"{row.valid_from:%d.%m.%Y} – {until:<10} {format_money(row.amount_kop, ' '):>14}  {who}"


def run_price(cli: Cli) -> int:
    """`dispatch price set|list`."""
    a = cli.args
    if a.sub == "set":
        amount = parse_price(a.price)
        if a.valid_to is not None and a.client is None:
            raise ValidationError.of("--to ends a company's contract: give --client as well.")
    with unit_of_work(cli.sessions) as s:
        actor = cli.require_actor()
        if a.sub == "list":
            rows = catalogue_ops.price_history(s, a.code, actor=actor)
            cli.emit([asdict(r) for r in rows], "\n".join(_line(r) for r in rows))
            return 0
        if a.client is None:
            row = catalogue_ops.set_standard_price(s, a.code, amount, a.valid_from, actor=actor)
            cli.emit(asdict(row), f"{row.product_code}: {_line(row)}")
            return 0
        view = catalogue_ops.set_contract_price(
            s, a.client, a.code, amount, a.valid_from, a.valid_to, actor=actor
        )
    term = " – ".join(f"{d:%d.%m.%Y}" if d else "…" for d in (view.valid_from, view.valid_to))
    cli.emit(
        asdict(view),
        "\n".join(
            [f"#{view.client_id} {view.client_name}, договор {term}"]
            + [f"{r.product_code:<8} {_line(r)}" for r in view.prices]
        ),
    )
    return 0


PRICE = Command("price", add_price_parser, run_price)

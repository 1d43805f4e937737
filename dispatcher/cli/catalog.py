"""`dispatch product …`: what is sold (`dispatch courier …` is in dispatcher.cli.couriers)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from dispatcher.catalog import format_money
from dispatcher.cli.base import Cli, Command, Subparsers, money_arg
from dispatcher.db import unit_of_work
from dispatcher.models import ProductKind
from dispatcher.operations import catalogue as catalogue_ops


def add_product_parser(sub: Subparsers) -> None:
    """Add `product` and its subcommands."""
    product = sub.add_parser("product", help="products").add_subparsers(dest="sub", required=True)
    pa = product.add_parser("add", help="add a product with its standard price from today")
    pa.add_argument("--code", required=True)
    pa.add_argument("--name", required=True)
    pa.add_argument("--price", type=money_arg, required=True, help="roubles, e.g. 350 or 350.50")
    pa.add_argument("--kind", choices=[k.value for k in ProductKind], default="goods")
    pa.add_argument("--unit", default="шт")
    product.add_parser("list", help="list products with today's standard prices")
    pe = product.add_parser("edit", help="change a product's name, kind or unit")
    pe.add_argument("code")
    pe.add_argument("--name")
    pe.add_argument("--kind", choices=[k.value for k in ProductKind])
    pe.add_argument("--unit")
    pd = product.add_parser("disable", help="stop offering a product (its history stays)")
    pd.add_argument("code")
    pn = product.add_parser("enable", help="offer a disabled product again")
    pn.add_argument("code")


def _product_line(p: dict[str, Any]) -> str:
    price = format_money(p["price_kop"]) if p["price_kop"] is not None else "-"
    off = "" if p["active"] else "  (не продаётся)"
    return f"{p['code']:<8} {p['name']:<32} {price}{off}"


def run_product(cli: Cli) -> int:
    """`dispatch product add|list|edit|disable|enable`."""
    a = cli.args
    with unit_of_work(cli.sessions) as s:
        actor = cli.require_actor()
        if a.sub == "list":
            records = [asdict(p) for p in catalogue_ops.list_products(s, actor=actor)]
            cli.emit(records, "\n".join(_product_line(r) for r in records))
            return 0
        if a.sub == "add":
            row = catalogue_ops.add_product(
                s, a.code, a.name, a.price, kind=a.kind, unit=a.unit, actor=actor
            )
        elif a.sub == "edit":
            row = catalogue_ops.edit_product(
                s, a.code, name=a.name, kind=a.kind, unit=a.unit, actor=actor
            )
        elif a.sub == "disable":
            row = catalogue_ops.disable_product(s, a.code, actor=actor)
        else:
            row = catalogue_ops.enable_product(s, a.code, actor=actor)
    record = asdict(row)
    cli.emit(record, f"Product #{row.id} {_product_line(record)}")
    return 0


PRODUCT = Command("product", add_product_parser, run_product)

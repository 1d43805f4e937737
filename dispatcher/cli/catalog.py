"""`dispatch product …`: what is sold (`dispatch courier …` is in dispatcher.cli.couriers)."""

from __future__ import annotations

from dataclasses import asdict

from dispatcher.catalog import format_money
from dispatcher.cli.base import Cli, Command, Subparsers, money_arg
from dispatcher.db import unit_of_work
from dispatcher.models import ProductKind
from dispatcher.operations import catalog as catalog_ops


def add_product_parser(sub: Subparsers) -> None:
    """Add `product` and its subcommands."""
    product = sub.add_parser("product", help="products").add_subparsers(dest="sub", required=True)
    pa = product.add_parser("add", help="add a product with its standard price")
    pa.add_argument("--code", required=True)
    pa.add_argument("--name", required=True)
    pa.add_argument("--price", type=money_arg, required=True, help="roubles, e.g. 350 or 350.50")
    pa.add_argument("--kind", choices=[k.value for k in ProductKind], default="goods")
    pa.add_argument("--unit", default="шт")
    product.add_parser("list", help="list products with standard prices")


def run_product(cli: Cli) -> int:
    """`dispatch product add|list`."""
    a = cli.args
    with unit_of_work(cli.sessions) as s:
        if a.sub == "add":
            product = catalog_ops.add_product(
                s, a.code, a.name, a.price, ProductKind(a.kind), a.unit
            )
            cli.emit(
                asdict(product),
                f"Product #{product.id} {product.code} {product.name} {format_money(a.price)}",
            )
            return 0
        records = [asdict(p) for p in catalog_ops.list_products(s)]
    cli.emit(
        records,
        "\n".join(
            f"{r['code']:<8} {r['name']:<32} "
            f"{format_money(r['price_kop']) if r['price_kop'] is not None else '-'}"
            for r in records
        ),
    )
    return 0


PRODUCT = Command("product", add_product_parser, run_product)

"""`dispatch product …` and `dispatch courier …`: what is sold and who delivers it."""

from __future__ import annotations

from dataclasses import asdict

from dispatcher.catalog import format_money
from dispatcher.cli.base import Cli, Command, Subparsers, money_arg
from dispatcher.db import unit_of_work
from dispatcher.models import ProductKind
from dispatcher.operations import catalog as catalog_ops


def add_courier_parser(sub: Subparsers) -> None:
    """Add `courier` and its subcommands."""
    courier = sub.add_parser("courier", help="couriers").add_subparsers(dest="sub", required=True)
    cra = courier.add_parser("add", help="register a courier")
    cra.add_argument("--name", required=True)
    cra.add_argument("--phone", default="")
    cra.add_argument("--capacity", type=int, default=40)
    courier.add_parser("list", help="list couriers")


def run_courier(cli: Cli) -> int:
    """`dispatch courier add|list`."""
    a = cli.args
    with unit_of_work(cli.sessions) as s:
        if a.sub == "add":
            courier = catalog_ops.add_courier(
                s, a.name, a.phone, a.capacity, actor=cli.require_actor(), region=cli.region
            )
            cli.emit(asdict(courier), f"Courier #{courier.id} {courier.name}")
            return 0
        rows = [asdict(c) for c in catalog_ops.list_couriers(s)]
    cli.emit(rows, "\n".join(f"#{c['id']:<4} {c['name']} {c['phone']}" for c in rows))
    return 0


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
                s, a.code, a.name, a.price, ProductKind(a.kind), a.unit, actor=cli.require_actor()
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


COURIER = Command("courier", add_courier_parser, run_courier)
PRODUCT = Command("product", add_product_parser, run_product)

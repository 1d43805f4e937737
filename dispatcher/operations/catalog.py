"""Couriers and products as the admin manages them, and what a database holds."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatcher import catalog, couriers
from dispatcher.models import Client, Courier, Order, Price, Product, ProductKind, UserRole
from dispatcher.users import Actor, require_role

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CourierInfo:
    """A courier as the admin lists it."""

    id: int
    name: str
    phone: str
    active: bool
    capacity: int


@dataclass(frozen=True, slots=True)
class ProductInfo:
    """A product with its standard price (None when it has none)."""

    id: int
    code: str
    name: str
    kind: str
    unit: str
    active: bool
    price_kop: int | None


@dataclass(frozen=True, slots=True)
class DatabaseOverview:
    """How many clients, orders and couriers a database holds, and a few callers' numbers."""

    clients: int
    orders: int
    couriers: int
    sample_numbers: tuple[str, ...]


def _courier_info(courier: Courier) -> CourierInfo:
    return CourierInfo(courier.id, courier.name, courier.phone, courier.active, courier.capacity)


def _product_info(product: Product, price_kop: int | None) -> ProductInfo:
    return ProductInfo(
        product.id,
        product.code,
        product.name,
        str(product.kind),
        product.unit,
        product.active,
        price_kop,
    )


def add_courier(
    session: Session,
    name: str,
    phone: str = "",
    capacity: int = 40,
    *,
    actor: Actor,
    region: str = "RU",
) -> CourierInfo:
    """Register a courier (shift leads and admins)."""
    require_role(actor, UserRole.LEAD, action="add couriers")
    return _courier_info(couriers.add_courier(session, name, phone, capacity, region=region))


def list_couriers(session: Session) -> list[CourierInfo]:
    """Every courier, active or not, in the order they were registered."""
    return [_courier_info(c) for c in session.scalars(select(Courier).order_by(Courier.id))]


def add_product(
    session: Session,
    code: str,
    name: str,
    price_kop: int,
    kind: ProductKind = ProductKind.GOODS,
    unit: str = "шт",
    *,
    actor: Actor,
) -> ProductInfo:
    """Add a product with its standard price (shift leads and admins)."""
    require_role(actor, UserRole.LEAD, action="add products")
    product = catalog.add_product(session, code, name, price_kop, kind, unit)
    return _product_info(product, price_kop)


def list_products(session: Session) -> list[ProductInfo]:
    """Every product by code, with its standard price."""
    plist = catalog.default_price_list(session).id
    rows = session.execute(
        select(Product, Price.amount_kop)
        .outerjoin(Price, (Price.product_id == Product.id) & (Price.price_list_id == plist))
        .order_by(Product.code)
    ).all()
    return [_product_info(product, price) for product, price in rows]


def client_count(session: Session) -> int:
    """How many clients the database holds (0: an empty database)."""
    return session.scalar(select(func.count()).select_from(Client)) or 0


def database_overview(session: Session, samples: int = 3) -> DatabaseOverview:
    """Counts of clients, orders and couriers, and the first phone of the first clients."""
    first = session.scalars(
        select(Client).where(Client.merged_into_id.is_(None)).order_by(Client.id).limit(samples)
    )
    return DatabaseOverview(
        clients=client_count(session),
        orders=session.scalar(select(func.count()).select_from(Order)) or 0,
        couriers=session.scalar(select(func.count()).select_from(Courier)) or 0,
        sample_numbers=tuple(c.phones[0].raw for c in first if c.phones),
    )

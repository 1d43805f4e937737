"""Products, price lists and the price a given client pays."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.errors import NotFoundError, ValidationError
from dispatcher.models import Client, Price, PriceList, PriceListKind, Product, ProductKind


def parse_money(text: str) -> int:
    """Kopecks from a rouble amount typed as '350', '350.50' or '350,50'."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError.of("{text!r} is not an amount of money.", text=text) from None
    if not value.is_finite() or value < 0:
        raise ValidationError.of("{text!r} is not an amount of money.", text=text)
    if value > Decimal("100000000"):
        raise ValidationError.of("{text!r} is too large an amount.", text=text)
    kop = value * 100
    if kop != kop.to_integral_value():
        raise ValidationError.of("{text!r} has fractions of a kopeck.", text=text)
    return int(kop)


def format_money(kop: int, space: str = "\u00a0") -> str:
    """Roubles as the operator reads them: '1 234,50 ₽', digit groups and ₽ set off by ``space``.

    The default no-break space keeps an amount on one line wherever it is shown.
    """
    roubles, rest = divmod(abs(int(kop)), 100)
    sign = "-" if kop < 0 else ""
    return f"{sign}{roubles:,}".replace(",", space) + f",{rest:02d}{space}₽"


def default_price_list(session: Session) -> PriceList:
    """The standard price list private clients buy from."""
    plist = session.scalars(select(PriceList).where(PriceList.is_default.is_(True))).first()
    if plist is None:
        plist = PriceList(name="Стандартный прайс", kind=PriceListKind.STANDARD, is_default=True)
        session.add(plist)
        session.flush()
    return plist


def add_product(
    session: Session,
    code: str,
    name: str,
    price_kop: int,
    kind: ProductKind = ProductKind.GOODS,
    unit: str = "шт",
) -> Product:
    """Add a product with its price in the standard price list."""
    code = code.strip()
    name = " ".join(name.split())
    if not code or not name:
        raise ValidationError.of("A product needs a code and a name.")
    if session.scalars(select(Product).where(Product.code == code)).first() is not None:
        raise ValidationError.of("A product with code {code!r} already exists.", code=code)
    product = Product(code=code, name=name, kind=kind, unit=unit)
    session.add(product)
    session.flush()
    session.add(
        Price(
            price_list_id=default_price_list(session).id,
            product_id=product.id,
            amount_kop=price_kop,
        )
    )
    session.flush()
    return product


def product_by_code(session: Session, code: str) -> Product:
    """The product with this code, or a NotFoundError an operator can read."""
    product = session.scalars(select(Product).where(Product.code == code.strip())).first()
    if product is None:
        raise NotFoundError.of("There is no product with code {code!r}.", code=code)
    return product


def price_for(session: Session, client: Client, product: Product) -> int:
    """The client's price in kopecks: its contract price if it has one, else the standard price."""
    list_ids = [client.price_list_id] if client.price_list_id else []
    list_ids.append(default_price_list(session).id)
    for list_id in list_ids:
        amount = session.scalars(
            select(Price.amount_kop).where(
                Price.price_list_id == list_id, Price.product_id == product.id
            )
        ).first()
        if amount is not None:
            return amount
    raise ValidationError.of(
        "{product} has no price for {client}.", product=product.name, client=client.name
    )


def set_contract_price(session: Session, client_id: int, product_id: int, amount_kop: int) -> Price:
    """Give a company its own price for a product, creating its contract price list when needed."""
    client = session.get(Client, client_id)
    if client is None:
        raise NotFoundError.of("Client #{client_id} does not exist.", client_id=client_id)
    if client.price_list_id is None:
        plist = PriceList(name=f"Договор: {client.name}"[:200], kind=PriceListKind.CONTRACT)
        session.add(plist)
        session.flush()
        client.price_list_id = plist.id
    existing = session.scalars(
        select(Price).where(
            Price.price_list_id == client.price_list_id, Price.product_id == product_id
        )
    ).first()
    if existing is not None:
        existing.amount_kop = amount_kop
        return existing
    price = Price(price_list_id=client.price_list_id, product_id=product_id, amount_kop=amount_kop)
    session.add(price)
    session.flush()
    return price

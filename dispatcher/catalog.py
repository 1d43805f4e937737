"""Products, price lists and the price a given client pays on a given day.

A price applies from its ``valid_from`` day (Moscow) until the next price of the same list
and product starts. A company's contract list (``Client.price_list``) applies between its
own ``valid_from`` and ``valid_to``; on a day it does not cover, or for a product it has no
price for yet, the standard price applies. Orders are priced on the day they are taken and
keep that price (``OrderLine.price_kop``): a later change never touches them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.errors import NotFoundError, ValidationError
from dispatcher.models import (
    Client,
    ClientKind,
    Price,
    PriceList,
    PriceListKind,
    Product,
    ProductKind,
)
from dispatcher.moscow import moscow_today

# The day a price without a start date applies from: before any order was taken.
FROM_THE_START = dt.date(2000, 1, 1)
# One unit of anything this business sells costs far less; more is a typing slip.
PRICE_MAX_KOP = 100_000_000  # 1 000 000 roubles


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


def parse_price(text: str) -> int:
    """Kopecks from a price typed in roubles; a negative one is kept for `check_price` to name."""
    cleaned = text.strip()
    if cleaned.startswith("-"):
        return -parse_money(cleaned[1:])
    return parse_money(cleaned)


def format_money(kop: int, space: str = "\u00a0") -> str:
    """Roubles as the operator reads them: '1 234,50 ₽', digit groups and ₽ set off by ``space``.

    The default no-break space keeps an amount on one line wherever it is shown.
    """
    roubles, rest = divmod(abs(int(kop)), 100)
    sign = "-" if kop < 0 else ""
    return f"{sign}{roubles:,}".replace(",", space) + f",{rest:02d}{space}₽"


def check_price(amount_kop: int) -> int:
    """``amount_kop`` if it can be a unit price; a ValidationError that says why otherwise."""
    if amount_kop < 0:
        raise ValidationError.of(
            "A price cannot be negative ({amount}).", amount=format_money(amount_kop)
        )
    if amount_kop > PRICE_MAX_KOP:
        raise ValidationError.of(
            "{amount} is not a believable price: at most {limit} a unit.",
            amount=format_money(amount_kop),
            limit=format_money(PRICE_MAX_KOP),
        )
    return amount_kop


def default_price_list(session: Session) -> PriceList:
    """The standard price list private clients buy from."""
    plist = session.scalars(
        select(PriceList).where(PriceList.is_default.is_(True)).order_by(PriceList.id)
    ).first()
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
    valid_from: dt.date = FROM_THE_START,
) -> Product:
    """Add a product with its price in the standard price list (from ``valid_from`` on)."""
    code = code.strip()
    name = " ".join(name.split())
    if not code or not name:
        raise ValidationError.of("A product needs a code and a name.")
    check_price(price_kop)
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
            valid_from=valid_from,
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


def contract_applies(plist: PriceList | None, day: dt.date) -> bool:
    """``plist`` is a list whose validity covers ``day`` (a contract without dates always does)."""
    if plist is None:
        return False
    if plist.valid_from is not None and day < plist.valid_from:
        return False
    return plist.valid_to is None or day <= plist.valid_to


def prices_on(
    session: Session, list_ids: Iterable[int], day: dt.date, product_ids: Iterable[int] = ()
) -> dict[tuple[int, int], int]:
    """(list id, product id) → the price in force on ``day``: the latest that started by then."""
    ids = list(list_ids)
    if not ids:
        return {}
    query = select(Price.price_list_id, Price.product_id, Price.amount_kop).where(
        Price.price_list_id.in_(ids), Price.valid_from <= day
    )
    wanted = list(product_ids)
    if wanted:
        query = query.where(Price.product_id.in_(wanted))
    found: dict[tuple[int, int], int] = {}
    # Oldest first, so that each later start overwrites the price it replaced.
    for list_id, product_id, amount in session.execute(query.order_by(Price.valid_from)):
        found[(list_id, product_id)] = amount
    return found


@dataclass(frozen=True, slots=True)
class ClientPrice:
    """What a client pays for one unit on a day, and whether it is their contract price."""

    amount_kop: int
    contract: bool


def client_list_ids(
    session: Session, client: Client, day: dt.date
) -> tuple[int | None, int | None]:
    """The client's own list when it applies on ``day`` (else None), and the standard list.

    Only reads: a database without a standard list yet has no standard prices (None).
    """
    own = client.price_list_id if contract_applies(client.price_list, day) else None
    return own, standard_list_id(session)


def standard_list_id(session: Session) -> int | None:
    """The id of the standard price list, None while there is none (reads only)."""
    return session.scalars(
        select(PriceList.id).where(PriceList.is_default.is_(True)).order_by(PriceList.id)
    ).first()


def client_price(
    session: Session, client: Client, product: Product, day: dt.date | None = None
) -> ClientPrice:
    """The client's price on ``day`` (today): the contract price in force, else the standard."""
    day = day or moscow_today()
    own, standard = client_list_ids(session, client, day)
    found = prices_on(session, [i for i in (own, standard) if i], day, [product.id])
    if own is not None and (own, product.id) in found:
        return ClientPrice(found[(own, product.id)], True)
    if standard is not None and (standard, product.id) in found:
        return ClientPrice(found[(standard, product.id)], False)
    raise ValidationError.of(
        "{product} has no price for {client}.", product=product.name, client=client.name
    )


def price_for(
    session: Session, client: Client, product: Product, day: dt.date | None = None
) -> int:
    """The client's price in kopecks on ``day`` (today): contract price in force, else standard."""
    return client_price(session, client, product, day).amount_kop


def _upsert_price(
    session: Session, list_id: int, product_id: int, amount_kop: int, valid_from: dt.date
) -> Price:
    # A second price from the same day corrects the first (one price per list, product, day).
    existing = session.scalars(
        select(Price).where(
            Price.price_list_id == list_id,
            Price.product_id == product_id,
            Price.valid_from == valid_from,
        )
    ).first()
    if existing is not None:
        existing.amount_kop = amount_kop
        session.flush()
        return existing
    price = Price(
        price_list_id=list_id, product_id=product_id, amount_kop=amount_kop, valid_from=valid_from
    )
    session.add(price)
    session.flush()
    return price


def set_standard_price(
    session: Session, product: Product, amount_kop: int, valid_from: dt.date
) -> Price:
    """The standard price of ``product`` from ``valid_from`` on; orders taken keep theirs."""
    check_price(amount_kop)
    return _upsert_price(
        session, default_price_list(session).id, product.id, amount_kop, valid_from
    )


def get_company(session: Session, client_id: int) -> Client:
    """The company with this id; a message when it is missing or a private person."""
    client = session.get(Client, client_id)
    if client is None:
        raise NotFoundError.of("Client #{client_id} does not exist.", client_id=client_id)
    if client.kind != ClientKind.COMPANY:
        raise ValidationError.of(
            "{client} is a private person: contract prices are for companies.",
            client=client.name,
        )
    if client.merged_into_id is not None:
        raise ValidationError.of(
            "Client #{client_id} was merged into #{target_id}: use that one.",
            client_id=client.id,
            target_id=client.merged_into_id,
        )
    return client


def set_contract_price(
    session: Session,
    client_id: int,
    product_id: int,
    amount_kop: int,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> Price:
    """A company's own price for a product from ``valid_from``, creating its contract when needed.

    ``valid_to`` (when given) sets the last day of the company's contract; a contract that
    starts later than this price is moved back to start with it.
    """
    check_price(amount_kop)
    client = get_company(session, client_id)
    start = valid_from or FROM_THE_START
    if valid_to is not None and valid_to < start:
        raise ValidationError.of(
            "The contract cannot end ({end:%d.%m.%Y}) before the price starts ({start:%d.%m.%Y}).",
            end=valid_to,
            start=start,
        )
    plist = client.price_list
    if plist is None:
        plist = PriceList(
            name=f"Договор: {client.name}"[:200],
            kind=PriceListKind.CONTRACT,
            valid_from=valid_from,
            valid_to=valid_to,
        )
        session.add(plist)
        session.flush()
        client.price_list_id = plist.id
        client.price_list = plist
    else:
        if valid_to is not None:
            plist.valid_to = valid_to
        if plist.valid_to is not None and start > plist.valid_to:
            raise ValidationError.of(
                "The contract of {client} ended on {end:%d.%m.%Y}: give its new end date.",
                client=client.name,
                end=plist.valid_to,
            )
        if plist.valid_from is not None and start < plist.valid_from:
            plist.valid_from = start
    return _upsert_price(session, plist.id, product_id, amount_kop, start)

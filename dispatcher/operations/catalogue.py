"""The catalogue as a shift lead runs it: products, dated prices, contract prices, reject reasons.

Every change is for shift leads and admins (``require_role``); reading the catalogue is open
to anyone signed in, since operators quote the same prices on the phone.

A new price starts today or later, never in the past: orders already taken keep the price
they were taken at anyway, so a back-dated price would change no order and only make the
price history say something that was not true on those days.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher import catalog, orders
from dispatcher.errors import DomainText, NotFoundError, ValidationError, translatable
from dispatcher.models import (
    Client,
    ClientEvent,
    ClientKind,
    Price,
    PriceList,
    Product,
    ProductKind,
    RejectReason,
    UserRole,
)
from dispatcher.moscow import moscow_today
from dispatcher.search import search_clients
from dispatcher.users import Actor, require_role

logger = logging.getLogger(__name__)

CODE_MAX, NAME_MAX, UNIT_MAX, REASON_MAX = 40, 300, 20, 200


@dataclass(frozen=True, slots=True)
class ProductRow:
    """A product as the catalogue lists it, with its standard price today (None: none yet)."""

    id: int
    code: str
    name: str
    kind: ProductKind
    unit: str
    active: bool
    price_kop: int | None


@dataclass(frozen=True, slots=True)
class PriceRow:
    """One price of a product in one list, and the days it applies (``until`` None: open)."""

    product_code: str
    product_name: str
    amount_kop: int
    valid_from: dt.date
    until: dt.date | None
    contract: bool
    client_id: int | None = None
    client_name: str = ""


@dataclass(frozen=True, slots=True)
class ContractView:
    """A company's contract: its validity and its prices (empty when it has none)."""

    client_id: int
    client_name: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    prices: tuple[PriceRow, ...]


@dataclass(frozen=True, slots=True)
class CompanyRow:
    """A company found for the contract prices tab."""

    id: int
    name: str
    inn: str | None


@dataclass(frozen=True, slots=True)
class ReasonRow:
    """A reject reason as the catalogue lists it."""

    id: int
    name: str
    active: bool


# ---- products ---------------------------------------------------------------------------


def _row(session: Session, product: Product, day: dt.date) -> ProductRow:
    standard = catalog.standard_list_id(session)
    found = catalog.prices_on(session, [standard] if standard else [], day, [product.id])
    return ProductRow(
        product.id,
        product.code,
        product.name,
        ProductKind(product.kind),
        product.unit,
        product.active,
        found.get((standard or 0, product.id)),
    )


def _kind(kind: ProductKind | str) -> ProductKind:
    try:
        return ProductKind(kind)
    except ValueError:
        raise ValidationError.of(
            "{kind!r} is not a kind of product: goods, service or deposit.", kind=str(kind)
        ) from None


_PRODUCT_CODE = DomainText(translatable("product code"))
_PRODUCT_NAME = DomainText(translatable("product name"))
_UNIT = DomainText(translatable("unit"))
_REASON = DomainText(translatable("reject reason"))


def _text(value: str, limit: int, what: DomainText) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise ValidationError.of("The {what} cannot be empty.", what=what)
    if len(cleaned) > limit:
        raise ValidationError.of(
            "The {what} is too long: at most {count} characters.", what=what, count=limit
        )
    return cleaned


def _start(valid_from: dt.date | None, today: dt.date | None) -> dt.date:
    today = today or moscow_today()
    start = valid_from or today
    if start < today:
        raise ValidationError.of(
            "A price cannot start in the past ({date:%d.%m.%Y}): orders already taken keep "
            "their prices. Start it today or later.",
            date=start,
        )
    return start


def list_products(
    session: Session, *, actor: Actor, today: dt.date | None = None
) -> list[ProductRow]:
    """Every product by code, active or not, with its standard price today."""
    day = today or moscow_today()
    standard = catalog.standard_list_id(session)
    found = catalog.prices_on(session, [standard] if standard else [], day)
    return [
        ProductRow(
            p.id,
            p.code,
            p.name,
            ProductKind(p.kind),
            p.unit,
            p.active,
            found.get((standard or 0, p.id)),
        )
        for p in session.scalars(select(Product).order_by(Product.code))
    ]


def add_product(
    session: Session,
    code: str,
    name: str,
    price_kop: int,
    *,
    actor: Actor,
    kind: ProductKind | str = ProductKind.GOODS,
    unit: str = "шт",
    today: dt.date | None = None,
) -> ProductRow:
    """Add a product with its standard price from today."""
    require_role(actor, UserRole.LEAD, action="change the catalogue")
    code = _text(code, CODE_MAX, _PRODUCT_CODE).replace(" ", "")
    day = today or moscow_today()
    product = catalog.add_product(
        session,
        code,
        _text(name, NAME_MAX, _PRODUCT_NAME),
        price_kop,
        _kind(kind),
        _text(unit, UNIT_MAX, _UNIT),
        valid_from=day,
    )
    logger.info("product added", extra={"code": code, "actor": actor.login})
    return _row(session, product, day)


def edit_product(
    session: Session,
    code: str,
    *,
    actor: Actor,
    name: str | None = None,
    kind: ProductKind | str | None = None,
    unit: str | None = None,
    new_code: str | None = None,
) -> ProductRow:
    """Change a product's name, kind, unit or code; what is not given stays as it is."""
    require_role(actor, UserRole.LEAD, action="change the catalogue")
    product = catalog.product_by_code(session, code)
    if new_code is not None and new_code.strip() != product.code:
        wanted = _text(new_code, CODE_MAX, _PRODUCT_CODE).replace(" ", "")
        taken = session.scalars(select(Product).where(Product.code == wanted)).first()
        if taken is not None:
            raise ValidationError.of("A product with code {code!r} already exists.", code=wanted)
        product.code = wanted
    if name is not None:
        product.name = _text(name, NAME_MAX, _PRODUCT_NAME)
    if kind is not None:
        product.kind = _kind(kind)
    if unit is not None:
        product.unit = _text(unit, UNIT_MAX, _UNIT)
    session.flush()
    logger.info("product edited", extra={"code": product.code, "actor": actor.login})
    return _row(session, product, moscow_today())


def _set_active(session: Session, code: str, active: bool, actor: Actor) -> ProductRow:
    require_role(actor, UserRole.LEAD, action="change the catalogue")
    product = catalog.product_by_code(session, code)
    product.active = active
    session.flush()
    logger.info(
        "product %s",
        "enabled" if active else "disabled",
        extra={"code": product.code, "actor": actor.login},
    )
    return _row(session, product, moscow_today())


def disable_product(session: Session, code: str, *, actor: Actor) -> ProductRow:
    """Stop offering a product for new orders; orders and prices that name it keep it."""
    return _set_active(session, code, False, actor)


def enable_product(session: Session, code: str, *, actor: Actor) -> ProductRow:
    """Offer a disabled product again."""
    return _set_active(session, code, True, actor)


# ---- prices -----------------------------------------------------------------------------


def set_standard_price(
    session: Session,
    code: str,
    price_kop: int,
    valid_from: dt.date | None = None,
    *,
    actor: Actor,
    today: dt.date | None = None,
) -> PriceRow:
    """The standard price of a product from ``valid_from`` (today) on; taken orders keep theirs."""
    require_role(actor, UserRole.LEAD, action="change prices")
    product = catalog.product_by_code(session, code)
    catalog.check_price(price_kop)
    start = _start(valid_from, today)
    catalog.set_standard_price(session, product, price_kop, start)
    logger.info(
        "standard price set",
        extra={"code": product.code, "kop": price_kop, "from": str(start), "actor": actor.login},
    )
    return next(r for r in _history(session, product) if r.valid_from == start and not r.contract)


def set_contract_price(
    session: Session,
    client_id: int,
    code: str,
    price_kop: int,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    *,
    actor: Actor,
    today: dt.date | None = None,
) -> ContractView:
    """A company's contract price from ``valid_from`` (today); ``valid_to`` ends its contract.

    A company without a contract gets one; a private person is refused (they buy at the
    standard prices).
    """
    require_role(actor, UserRole.LEAD, action="change prices")
    product = catalog.product_by_code(session, code)
    catalog.check_price(price_kop)
    start = _start(valid_from, today)
    catalog.set_contract_price(session, client_id, product.id, price_kop, start, valid_to)
    detail = f"{product.code}: {catalog.format_money(price_kop, space=' ')} с {start:%d.%m.%Y}"
    if valid_to is not None:
        detail += f", договор до {valid_to:%d.%m.%Y}"
    session.add(
        ClientEvent(client_id=client_id, actor=actor.login, action="contract_price", detail=detail)
    )
    session.flush()
    logger.info("contract price set", extra={"client": client_id, "actor": actor.login})
    return contract_prices(session, client_id, actor=actor)


def _with_until(rows: list[tuple[Price, Product, Client | None]]) -> list[PriceRow]:
    """Each price with the day before the next one of its list and product starts."""
    result: list[PriceRow] = []
    for i, (price, product, client) in enumerate(rows):
        nxt = rows[i + 1][0] if i + 1 < len(rows) else None
        same = nxt is not None and (nxt.price_list_id, nxt.product_id) == (
            price.price_list_id,
            price.product_id,
        )
        until = nxt.valid_from - dt.timedelta(days=1) if same and nxt else None
        if client is not None and client.price_list is not None:
            end = client.price_list.valid_to
            until = min(until, end) if until and end else (until or end)
        result.append(
            PriceRow(
                product.code,
                product.name,
                price.amount_kop,
                price.valid_from,
                until,
                contract=client is not None,
                client_id=client.id if client else None,
                client_name=client.name if client else "",
            )
        )
    return result


def _history(session: Session, product: Product) -> list[PriceRow]:
    rows = session.execute(
        select(Price, Product, Client)
        .join(Product, Product.id == Price.product_id)
        .join(PriceList, PriceList.id == Price.price_list_id)
        .outerjoin(Client, (Client.price_list_id == PriceList.id) & PriceList.is_default.is_(False))
        .where(Price.product_id == product.id)
        .order_by(Price.price_list_id, Price.valid_from)
    ).all()
    return _with_until([(p, pr, c) for p, pr, c in rows])


def price_history(session: Session, code: str, *, actor: Actor) -> list[PriceRow]:
    """Every price a product had and will have: standard first, then companies' contracts."""
    rows = _history(session, catalog.product_by_code(session, code))
    return sorted(rows, key=lambda r: (r.contract, r.client_name, r.valid_from))


def find_companies(
    session: Session, text: str, *, actor: Actor, limit: int = 20
) -> list[CompanyRow]:
    """Companies whose name, INN, phone or address matches ``text``."""
    hits = search_clients(session, text, limit=limit * 3)
    return [
        CompanyRow(h.client.id, h.client.name, h.client.inn)
        for h in hits
        if h.client.kind == ClientKind.COMPANY
    ][:limit]


def contract_prices(session: Session, client_id: int, *, actor: Actor) -> ContractView:
    """A company's contract validity and prices (none yet: an empty contract)."""
    client = catalog.get_company(session, client_id)
    plist = client.price_list
    if plist is None:
        return ContractView(client.id, client.name, None, None, ())
    rows = session.execute(
        select(Price, Product)
        .join(Product, Product.id == Price.product_id)
        .where(Price.price_list_id == plist.id)
        .order_by(Price.product_id, Price.valid_from)
    ).all()
    prices = _with_until([(p, pr, client) for p, pr in rows])
    return ContractView(
        client.id,
        client.name,
        plist.valid_from,
        plist.valid_to,
        tuple(sorted(prices, key=lambda r: (r.product_code, r.valid_from))),
    )


# ---- reject reasons ---------------------------------------------------------------------


def _reason(reason: RejectReason) -> ReasonRow:
    return ReasonRow(reason.id, reason.name, reason.active)


def list_reject_reasons(session: Session, *, actor: Actor) -> list[ReasonRow]:
    """Every reject reason, offered or not, in the order they were added."""
    return [_reason(r) for r in orders.reject_reasons(session, include_inactive=True)]


def add_reject_reason(session: Session, name: str, *, actor: Actor) -> ReasonRow:
    """Offer one more reason to operators (an old one with the same text is offered again)."""
    require_role(actor, UserRole.LEAD, action="change the reject reasons")
    reason = orders.add_reject_reason(session, _text(name, REASON_MAX, _REASON))
    session.flush()
    logger.info("reject reason added", extra={"reason": reason.name, "actor": actor.login})
    return _reason(reason)


def rename_reject_reason(session: Session, reason_id: int, name: str, *, actor: Actor) -> ReasonRow:
    """Give a reason a new text; orders rejected with it show the new text."""
    require_role(actor, UserRole.LEAD, action="change the reject reasons")
    reason = session.get(RejectReason, reason_id)
    if reason is None:
        raise NotFoundError.of("Reject reason #{reason_id} does not exist.", reason_id=reason_id)
    text = _text(name, REASON_MAX, _REASON)
    other = session.scalars(
        select(RejectReason).where(RejectReason.name == text, RejectReason.id != reason_id)
    ).first()
    if other is not None:
        raise ValidationError.of("The reject reason {name!r} already exists.", name=text)
    reason.name = text
    session.flush()
    logger.info("reject reason renamed", extra={"reason": reason_id, "actor": actor.login})
    return _reason(reason)


def deactivate_reject_reason(session: Session, reason_id: int, *, actor: Actor) -> ReasonRow:
    """Stop offering a reason; orders rejected with it keep it."""
    require_role(actor, UserRole.LEAD, action="change the reject reasons")
    reason = orders.deactivate_reject_reason(session, reason_id)
    session.flush()
    logger.info("reject reason deactivated", extra={"reason": reason_id, "actor": actor.login})
    return _reason(reason)

"""Lost clients: the clients who became lost in the period, having not ordered for N months.

A client is lost N calendar months after their last order (not rejected, not cancelled),
when no order followed up to `date_to`; the list holds those lost on a day of the period,
i.e. whose last order was taken between N months before `date_from` and N months before
`date_to` (so a month's report names that month's losses, and clients lost long before
are not listed again and again). Merged duplicates count as the client they were merged
into. The newest losses come first, a page at a time (dispatcher.reports.paging): a year's
list has hundreds of thousands of clients. Each row has what the client usually took (the
product in most of their orders, and how many per order as a rule) and their phone, so that
an operator can work through the list.

Read from the per-client summary (dispatcher.reports.desk_rollups): the clients lost in the
period are a range of its index on the last order. Only the clients who came back after the
period (a past period) are counted from their orders, as of the period's end.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, cast, func, or_, select
from sqlalchemy.orm import Session

from dispatcher.errors import translatable
from dispatcher.models import (
    Client,
    ClientKind,
    Order,
    OrderLine,
    OrderState,
    Product,
    ReportClientSummary,
)
from dispatcher.moscow import MOSCOW
from dispatcher.reports.common import (
    canonical_client,
    chunks,
    first_phones,
    moscow_midnight,
    with_duplicates,
)
from dispatcher.reports.model import Column, ColumnKind, Cursor, Report, ReportParams
from dispatcher.reports.paging import Row, cursor_after

NAME = "lost-clients"

COLUMNS = (
    Column("client_id", translatable("Client no."), ColumnKind.QTY),
    Column("client", translatable("Client")),
    Column("kind", translatable("Kind")),
    Column("phone", translatable("Phone")),
    Column("last_order", translatable("Last order"), ColumnKind.DATE),
    Column("orders", translatable("Orders"), ColumnKind.QTY),
    Column("usual_product", translatable("Usually took")),
    Column("usual_qty", translatable("Usual quantity"), ColumnKind.QTY),
    Column("sum_kop", translatable("Sum of orders"), ColumnKind.MONEY),
)
_COUNTED = (OrderState.INTEREST, OrderState.DELIVERY, OrderState.CLOSED)
_NOT_COUNTED = tuple(state for state in OrderState if state not in _COUNTED)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (the month's last day if it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def _range(params: ReportParams) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
    """[earliest, latest) of the last orders that make a client lost in the period, and its end."""
    cutoff = months_before(params.date_to, params.months)
    earliest = moscow_midnight(months_before(params.date_from, params.months))
    latest = moscow_midnight(cutoff + dt.timedelta(1))
    return earliest, latest, moscow_midnight(params.date_to + dt.timedelta(1))


def _key(row: Row) -> tuple[dt.datetime, int]:
    """The sort key, newest loss first: the freshest losses are the easiest to win back."""
    return row["last_at"], row["client_id"]


def head(session: Session, params: ReportParams, limit: int) -> Report:
    """The first page, the count and the totals of the lost-clients list judged on `date_to`."""
    earliest, latest, end = _range(params)
    # The clients who came back after the period are counted from their orders, once: few
    # for a recent period, and the pages after this one take them from the cursor.
    back = _back_since(session, params, end, earliest, latest)
    back.sort(key=_key, reverse=True)
    s = ReportClientSummary
    stmt = select(func.count(), func.sum(s.orders), func.sum(s.sum_kop)).where(
        s.last_order_at >= earliest, s.last_order_at < latest
    )
    if params.client_kind is not None:
        stmt = stmt.join(Client, Client.id == s.client_id).where(
            Client.kind == ClientKind(params.client_kind)
        )
    count, n_orders, money = session.execute(stmt).one()
    totals: dict[str, Any] = {
        "clients": int(count) + len(back),
        "orders": int(n_orders or 0) + sum(r["orders"] for r in back),
        "sum_kop": int(money or 0) + sum(r["sum_kop"] for r in back),
    }
    rows, cursor = page(session, Cursor(NAME, params, (), tuple(back)), limit)
    return Report(NAME, params, COLUMNS, tuple(rows), totals, None, totals["clients"], None, cursor)


def page(session: Session, cursor: Cursor, limit: int) -> tuple[list[Row], Cursor | None]:
    """Up to ``limit`` lost clients after the cursor (newest loss first), and the next cursor."""
    earliest, latest, _end = _range(cursor.params)
    after = cursor.after
    rows = _summarised(session, cursor.params, earliest, latest, after, limit)
    rows += [dict(r) for r in cursor.state if not after or _key(r) < after][:limit]
    rows.sort(key=_key, reverse=True)
    rows = rows[:limit]
    next_cursor = cursor_after(cursor, rows, limit, _key)
    phones = first_phones(session, [r["client_id"] for r in rows]) if rows else {}
    for r in rows:
        r["phone"] = phones.get(r["client_id"], "")
        del r["last_at"]
    return rows, next_cursor


def _row(
    client_id: int, name: str, kind: Any, last: dt.datetime, n: int, money: int
) -> dict[str, Any]:
    return {
        "client_id": client_id,
        "client": name,
        "kind": ClientKind(kind).value,
        "phone": "",
        "last_order": last.astimezone(MOSCOW).date(),
        "last_at": last,
        "orders": int(n),
        "usual_product": "",
        "usual_qty": 0,
        "sum_kop": int(money or 0),
    }


def _usual(row: dict[str, Any], product: str | None, n_orders: int, qty: int) -> None:
    """Put the usual product and how many per order as a rule into ``row``."""
    if product is not None and n_orders:
        row["usual_product"], row["usual_qty"] = product, round(int(qty) / n_orders)


def _summarised(
    session: Session,
    params: ReportParams,
    earliest: dt.datetime,
    latest: dt.datetime,
    after: tuple[Any, ...],
    limit: int,
) -> list[dict[str, Any]]:
    """Up to ``limit`` clients whose last order of all is in the range, before ``after`` in
    the sort order: a range of the summary's index, read backwards.

    Their last order is before the period's end, so the summary (all their orders) is theirs
    as of the end too.
    """
    s = ReportClientSummary
    stmt = (
        select(s, Client.name, Client.kind, Product.name)
        .join(Client, Client.id == s.client_id)
        .outerjoin(Product, Product.id == s.usual_product_id)
        .where(s.last_order_at >= earliest, s.last_order_at < latest)
        .order_by(s.last_order_at.desc(), s.client_id.desc())
        .limit(limit)
    )
    if after:
        last_at, client_id = after
        stmt = stmt.where(
            s.last_order_at <= last_at, or_(s.last_order_at < last_at, s.client_id < client_id)
        )
    if params.client_kind is not None:
        stmt = stmt.where(Client.kind == ClientKind(params.client_kind))
    rows = []
    for summary, name, kind, product in session.execute(stmt):
        row = _row(
            summary.client_id, name, kind, summary.last_order_at, summary.orders, summary.sum_kop
        )
        _usual(row, product, summary.usual_orders, summary.usual_qty)
        rows.append(row)
    return rows


def _back_since(
    session: Session,
    params: ReportParams,
    end: dt.datetime,
    earliest: dt.datetime,
    latest: dt.datetime,
) -> list[dict[str, Any]]:
    """The clients lost in the period who ordered after it: counted from their orders.

    Only these need the orders themselves: their summary holds orders the report must not see.
    Of everyone who ordered after the period only those whose last order before its end falls
    in [earliest, latest) were lost in it; the lines and names are read for those alone (a
    month's report ended a week ago: ~60,000 came back, a few thousand of them were lost).
    """
    later = session.scalars(
        select(ReportClientSummary.client_id).where(ReportClientSummary.last_order_at >= end)
    ).all()
    rows: dict[int, dict[str, Any]] = {}
    who = canonical_client().label("who")
    # NOT IN, never IN: SQLite 3.40 (Debian 12's) answers `client_id IN (..) AND state IN
    # ('closed', 'delivery') AND created_at < ?` over the (client_id, state, created_at) index
    # with the second state's rows unfiltered by the range (a December delivery counted as
    # before 1 December: 454 of 83,271 lost clients missing from November's report).
    counted = (Order.state.not_in(_NOT_COUNTED), Order.created_at < end)
    for chunk in chunks(list(later)):
        # One plain IN list: an OR with a subquery would make the database read every order.
        theirs = Order.client_id.in_(with_duplicates(session, chunk))
        per_client = (
            select(who, func.max(Order.created_at), func.count())
            .join(Client, Client.id == Order.client_id)
            .where(theirs, *counted)
            .group_by(who)
            # Lost in the period: the database drops the others (most came back long after).
            .having(func.max(Order.created_at) >= earliest, func.max(Order.created_at) < latest)
        )
        for client_id, last, n in session.execute(per_client):
            if earliest <= last < latest:
                rows[client_id] = _row(client_id, "", ClientKind.PERSON, last, n, 0)
    names = dict(session.execute(select(Product.id, Product.name)).all())
    for chunk in chunks(list(rows)):
        theirs = Order.client_id.in_(with_duplicates(session, chunk))
        took = (
            select(
                who,
                OrderLine.product_id,
                func.count(func.distinct(Order.id)),
                func.sum(OrderLine.qty),
                func.sum(cast(OrderLine.qty, BigInteger) * OrderLine.price_kop),
            )
            .join(Order, Order.id == OrderLine.order_id)
            .join(Client, Client.id == Order.client_id)
            .where(theirs, *counted)
            .group_by(who, OrderLine.product_id)
        )
        usual: dict[int, tuple[int, int, int]] = {}  # client -> (orders with it, -product, qty)
        for client_id, product_id, n_orders, qty, money in session.execute(took):
            rows[client_id]["sum_kop"] += int(money or 0)
            candidate = (n_orders, -product_id, int(qty))
            if client_id not in usual or candidate[:2] > usual[client_id][:2]:
                usual[client_id] = candidate
        for client_id, (n_orders, product_id, qty) in usual.items():
            _usual(rows[client_id], names.get(-product_id, ""), n_orders, qty)
    known = select(Client.id, Client.name, Client.kind)
    if params.client_kind is not None:
        known = known.where(Client.kind == ClientKind(params.client_kind))
    out = []
    for chunk in chunks(list(rows)):
        for client_id, name, kind in session.execute(known.where(Client.id.in_(chunk))):
            out.append({**rows[client_id], "client": name, "kind": ClientKind(kind).value})
    return out

"""What the Catalogue window shows: table cells, the contract's term, button texts, the message.

`app.widgets.catalogue_window` lays these out; tests drive them with the view model's rows.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication

from dispatcher.catalog import format_money
from dispatcher.models import ProductKind
from dispatcher.operations.catalogue import (
    CompanyRow,
    ContractView,
    PriceRow,
    ProductRow,
    ReasonRow,
)

OK_COLOUR = "#1b5e20"
BAD_COLOUR = "#b3261e"


def kind_choices() -> list[tuple[str, str]]:
    """(value, title) of each kind of product, in the order the kind box offers them."""
    return [
        (ProductKind.GOODS.value, QCoreApplication.translate("Catalogue", "goods")),
        (ProductKind.SERVICE.value, QCoreApplication.translate("Catalogue", "service")),
        (ProductKind.DEPOSIT.value, QCoreApplication.translate("Catalogue", "deposit")),
    ]


def kind_title(kind: ProductKind | str) -> str:
    """The kind of a product as the lead reads it."""
    return dict(kind_choices()).get(str(kind), str(kind))


def _day(day: dt.date | None, open_end: str = "…") -> str:
    return f"{day:%d.%m.%Y}" if day is not None else open_end


def product_cells(row: ProductRow) -> tuple[str, ...]:
    """Code, name, kind, unit, today's standard price, whether it is offered."""
    price = format_money(row.price_kop, " ") if row.price_kop is not None else "—"
    offered = (
        QCoreApplication.translate("Catalogue", "yes")
        if row.active
        else QCoreApplication.translate("Catalogue", "no (disabled)")
    )
    return (row.code, row.name, kind_title(row.kind), row.unit, price, offered)


def history_cells(row: PriceRow) -> tuple[str, ...]:
    """From, until, price and whose price it is (standard or the company's contract)."""
    whose = row.client_name if row.contract else QCoreApplication.translate("Catalogue", "standard")
    return (_day(row.valid_from), _day(row.until), format_money(row.amount_kop, " "), whose)


def contract_cells(row: PriceRow) -> tuple[str, ...]:
    """Product, contract price, from, until."""
    return (
        f"{row.product_code} · {row.product_name}",
        format_money(row.amount_kop, " "),
        _day(row.valid_from),
        _day(row.until),
    )


def contract_title(view: ContractView | None) -> str:
    """The chosen company and its contract's term."""
    if view is None:
        return QCoreApplication.translate("Catalogue", "Find a company and press Return.")
    if view.valid_from is None and view.valid_to is None and not view.prices:
        return QCoreApplication.translate(
            "Catalogue", "{0}: no contract yet; the first contract price makes one."
        ).format(view.client_name)
    start = _day(view.valid_from, QCoreApplication.translate("Catalogue", "from the start"))
    term = f"{start} – {_day(view.valid_to)}"
    return QCoreApplication.translate("Catalogue", "{0}: contract {1}").format(
        view.client_name, term
    )


def company_label(row: CompanyRow) -> str:
    """A company found for the contract tab, with its INN when known."""
    return (
        QCoreApplication.translate("Catalogue", "{0} · INN {1}").format(row.name, row.inn)
        if row.inn
        else row.name
    )


def reason_text(row: ReasonRow) -> str:
    """A reject reason in the list; one no longer offered says so."""
    return (
        row.name
        if row.active
        else QCoreApplication.translate("Catalogue", "{0} (not offered)").format(row.name)
    )


def toggle_text(row: ProductRow | None) -> str:
    """The disable/enable button's text for the selected product."""
    if row is not None and not row.active:
        return QCoreApplication.translate("Catalogue", "Enable (offer again)")
    return QCoreApplication.translate("Catalogue", "Disable (stop offering)")


def message_style(ok: bool) -> str:
    """The message line's colour: green for done, red for refused."""
    return f"color: {OK_COLOUR if ok else BAD_COLOUR};"

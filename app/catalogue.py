"""CatalogueViewModel: the shift lead's products, prices, contract prices and reject reasons.

Each action submits one operation of `dispatcher.operations.catalogue` on the DbWorker with
the desk's signed-in actor; the operations check the role, so an operator who opens the window
reads the refusal inline. A refused or mistyped change leaves the form as it was typed (the
widget clears nothing), and the message says what to fix.

Signals:
    changed(): the lists, the selection, the message or the busy flag changed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from sqlalchemy.orm import Session

from app.domain_text import translate_error
from app.identity import Identity
from app.worker import DbWorker
from dispatcher.catalog import parse_price
from dispatcher.errors import DomainError
from dispatcher.operations import catalogue as ops
from dispatcher.operations.catalogue import (
    CompanyRow,
    ContractView,
    PriceRow,
    ProductRow,
    ReasonRow,
)

logger = logging.getLogger(__name__)


class InputError(ValueError):
    """A field typed so that no operation can be asked (the message says which)."""


def parse_day(text: str) -> dt.date | None:
    """A date typed as dd.mm.yyyy or YYYY-MM-DD; None when nothing is typed."""
    text = text.strip()
    if not text:
        return None
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise InputError(
        QCoreApplication.translate(
            "Catalogue", "{0!r} is not a date: type it as dd.mm.yyyy."
        ).format(text)
    )


def _price(text: str) -> int:
    if not text.strip():
        raise InputError(
            QCoreApplication.translate(
                "Catalogue", "Type the price in roubles, e.g. 350 or 350,50."
            )
        )
    try:
        return parse_price(text)
    except DomainError as err:
        raise InputError(translate_error(err)) from None


class CatalogueViewModel(QObject):
    """The Catalogue window's state, one operation per action."""

    changed = Signal()

    def __init__(self, worker: DbWorker, identity: Identity, parent: QObject | None = None):
        """A view model acting as whoever ``identity`` has signed in."""
        super().__init__(parent)
        self.worker = worker
        self.identity = identity
        self.products: tuple[ProductRow, ...] = ()
        self.selected_code = ""
        self.history: tuple[PriceRow, ...] = ()
        self.companies: tuple[CompanyRow, ...] = ()
        self.contract: ContractView | None = None
        self.reasons: tuple[ReasonRow, ...] = ()
        self.message = ""
        self.message_ok = True
        self.pending = 0

    @property
    def busy(self) -> bool:
        """A job is on its way."""
        return self.pending > 0

    @property
    def selected(self) -> ProductRow | None:
        """The product whose history is shown."""
        return next((p for p in self.products if p.code == self.selected_code), None)

    # ---- plumbing ----------------------------------------------------------------------

    def _submit(
        self, job: Callable[..., Any], done: Callable[[Any], None], success: str = ""
    ) -> None:
        actor = self.identity.require()
        self.pending += 1
        self.changed.emit()

        def run(session: Session) -> Any:
            return job(session, actor)

        def on_done(result: Any) -> None:
            self.pending -= 1
            done(result)
            if success:
                self._say(success, ok=True)
            else:
                self.changed.emit()

        def on_error(message: str) -> None:
            self.pending -= 1
            self._say(message, ok=False)

        self.worker.submit(run, on_done, on_error)

    def _say(self, message: str, *, ok: bool) -> None:
        self.message, self.message_ok = message, ok
        self.changed.emit()

    def _checked(self, build: Callable[[], None]) -> bool:
        """Run ``build`` (which parses fields); a typing mistake becomes the message."""
        try:
            build()
        except InputError as err:
            self._say(str(err), ok=False)
            return False
        return True

    # ---- products and prices -----------------------------------------------------------

    def refresh(self) -> None:
        """Load the products and the reject reasons (and the selected product's history)."""

        def job(s: Session, actor: Any) -> tuple[list[ProductRow], list[ReasonRow]]:
            return ops.list_products(s, actor=actor), ops.list_reject_reasons(s, actor=actor)

        def done(result: tuple[list[ProductRow], list[ReasonRow]]) -> None:
            self.products, self.reasons = tuple(result[0]), tuple(result[1])
            if self.selected_code:
                self.select_product(self.selected_code)

        self._submit(job, done)

    def select_product(self, code: str) -> None:
        """Show ``code``'s price history."""
        self.selected_code = code
        self._submit(
            lambda s, actor: ops.price_history(s, code, actor=actor),
            lambda rows: setattr(self, "history", tuple(rows)),
        )

    def set_price(self, code: str, price_text: str, from_text: str) -> None:
        """The standard price of ``code`` from the typed day (empty: today)."""
        args: dict[str, Any] = {}

        def build() -> None:
            args.update(price=_price(price_text), start=parse_day(from_text))

        if not self._checked(build):
            return
        self._submit(
            lambda s, actor: ops.set_standard_price(
                s, code, args["price"], args["start"], actor=actor
            ),
            lambda _row: self.refresh(),
            QCoreApplication.translate("Catalogue", "Price set."),
        )

    def add_product(self, code: str, name: str, kind: str, unit: str, price_text: str) -> None:
        """A new product with its standard price from today."""
        args: dict[str, Any] = {}
        if not self._checked(lambda: args.update(price=_price(price_text))):
            return

        def job(s: Session, actor: Any) -> ProductRow:
            return ops.add_product(
                s, code, name, args["price"], kind=kind, unit=unit or "шт", actor=actor
            )

        def done(row: ProductRow) -> None:
            self.selected_code = row.code
            self.refresh()

        self._submit(job, done, QCoreApplication.translate("Catalogue", "Product added."))

    def edit_product(self, code: str, name: str, kind: str, unit: str) -> None:
        """Save the selected product's name, kind and unit."""
        self._submit(
            lambda s, actor: ops.edit_product(
                s, code, name=name, kind=kind, unit=unit, actor=actor
            ),
            lambda _row: self.refresh(),
            QCoreApplication.translate("Catalogue", "Product saved."),
        )

    def toggle_active(self, code: str) -> None:
        """Disable an offered product, or offer a disabled one again."""
        product = next((p for p in self.products if p.code == code), None)
        if product is None:
            return
        op = ops.disable_product if product.active else ops.enable_product
        text = (
            QCoreApplication.translate("Catalogue", "Product disabled.")
            if product.active
            else QCoreApplication.translate("Catalogue", "Product enabled.")
        )
        self._submit(lambda s, actor: op(s, code, actor=actor), lambda _r: self.refresh(), text)

    # ---- contract prices ---------------------------------------------------------------

    def find_companies(self, text: str) -> None:
        """Companies matching a name, INN or phone."""
        self._submit(
            lambda s, actor: ops.find_companies(s, text, actor=actor),
            lambda rows: setattr(self, "companies", tuple(rows)),
        )

    def open_contract(self, client_id: int) -> None:
        """Show the company's contract and its prices."""
        self._submit(
            lambda s, actor: ops.contract_prices(s, client_id, actor=actor),
            lambda view: setattr(self, "contract", view),
        )

    def set_contract_price(
        self, client_id: int, code: str, price_text: str, from_text: str, to_text: str
    ) -> None:
        """The company's contract price for ``code`` from/to the typed days."""
        args: dict[str, Any] = {}

        def build() -> None:
            if not code.strip():
                raise InputError(QCoreApplication.translate("Catalogue", "Type the product code."))
            args.update(
                price=_price(price_text), start=parse_day(from_text), end=parse_day(to_text)
            )

        if not self._checked(build):
            return
        self._submit(
            lambda s, actor: ops.set_contract_price(
                s, client_id, code.strip(), args["price"], args["start"], args["end"], actor=actor
            ),
            lambda view: setattr(self, "contract", view),
            QCoreApplication.translate("Catalogue", "Contract price set."),
        )

    # ---- reject reasons ----------------------------------------------------------------

    def add_reason(self, name: str) -> None:
        """Offer one more reject reason."""
        self._submit(
            lambda s, actor: ops.add_reject_reason(s, name, actor=actor),
            lambda _r: self.refresh(),
            QCoreApplication.translate("Catalogue", "Reason added."),
        )

    def rename_reason(self, reason_id: int, name: str) -> None:
        """Give a reason a new text."""
        self._submit(
            lambda s, actor: ops.rename_reject_reason(s, reason_id, name, actor=actor),
            lambda _r: self.refresh(),
            QCoreApplication.translate("Catalogue", "Reason renamed."),
        )

    def deactivate_reason(self, reason_id: int) -> None:
        """Stop offering a reason (orders rejected with it keep it)."""
        self._submit(
            lambda s, actor: ops.deactivate_reject_reason(s, reason_id, actor=actor),
            lambda _r: self.refresh(),
            QCoreApplication.translate("Catalogue", "Reason no longer offered."),
        )

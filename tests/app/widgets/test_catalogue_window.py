"""The Catalogue window driven from the keyboard; the order form then shows what it set."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from app.catalogue import CatalogueViewModel
from app.identity import Identity
from app.order_entry import OrderEntryViewModel
from app.widgets.catalogue_window import CatalogueWindow
from app.widgets.order_panel import OrderPanel
from app.widgets.reject_dialog import RejectDialog
from app.worker import DbWorker
from dispatcher.models import UserRole
from dispatcher.orders import moscow_today
from dispatcher.users import Actor
from tests.app.keys import type_into
from tests.dispatcher.conftest import OPERATOR, World
from tests.dispatcher.conftest import world as world_fixture  # noqa: F401 (registers `world`)

LEAD = Actor("lead", "Старший смены", UserRole.LEAD)


@pytest.fixture
def db_url(sqlite_template: Path, tmp_path: Path) -> str:
    """SQLite only: the window's logic does not depend on the backend (dispatcher tests do)."""
    path = tmp_path / "app.sqlite3"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def worker(sessions: sessionmaker[Session], qtbot: QtBot) -> Iterator[DbWorker]:
    """The DbWorker the view models go through."""
    w = DbWorker(sessions)
    yield w
    w.wait_idle()


def open_window(qtbot: QtBot, worker: DbWorker, actor: Actor) -> CatalogueWindow:
    """The Catalogue window for ``actor``, with its lists loaded."""
    vm = CatalogueViewModel(worker, Identity(actor))
    window = CatalogueWindow(vm)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    qtbot.waitUntil(lambda: not vm.busy and window.products.rowCount() > 0, timeout=5000)
    return window


def settle(qtbot: QtBot, window: CatalogueWindow) -> None:
    """Wait until the window's jobs came back."""
    qtbot.waitUntil(lambda: not window.vm.busy, timeout=5000)


def select_product(qtbot: QtBot, window: CatalogueWindow, code: str) -> None:
    """Walk the products table with the arrow keys to ``code``."""
    table = window.products
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Home)
    for _ in range(table.rowCount()):
        if table.item(table.currentRow(), 0).text() == code:
            break
        qtbot.keyClick(table, Qt.Key.Key_Down)
    settle(qtbot, window)
    assert window.vm.selected_code == code


def offered_text(qtbot: QtBot, worker: DbWorker, client_id: int, code: str) -> str:
    """What the order form of a new order shows when ``code`` is typed for the client."""
    vm = OrderEntryViewModel(
        worker, identity=Identity(Actor(OPERATOR, OPERATOR, UserRole.OPERATOR))
    )
    panel = OrderPanel(vm)
    qtbot.addWidget(panel)
    vm.load_client(client_id)
    qtbot.waitUntil(lambda: not vm.busy and bool(vm.products), timeout=5000)
    type_into(qtbot, panel.search, code)
    qtbot.waitUntil(lambda: panel.product_matches.count() > 0, timeout=5000)
    return panel.product_matches.item(0).text().replace("\xa0", " ")


def test_a_price_set_in_the_window_is_what_the_order_form_offers(
    qtbot: QtBot, worker: DbWorker, world: World
) -> None:
    window = open_window(qtbot, worker, LEAD)
    select_product(qtbot, window, "W19")
    type_into(qtbot, window.price, "-1")
    qtbot.keyClick(window.price, Qt.Key.Key_Return)
    assert window.focusWidget() is window.price_from
    qtbot.keyClick(window.price_from, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert "cannot be negative" in window.message.text()
    assert window.price.text() == "-1"  # nothing typed is lost

    type_into(qtbot, window.price, "375,50")
    type_into(qtbot, window.price_from, moscow_today().strftime("%d.%m.%Y"))
    qtbot.keyClick(window.price_from, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.message.text() == "Price set.", timeout=5000)
    settle(qtbot, window)
    history = [window.history.item(r, 2).text() for r in range(window.history.rowCount())]
    assert "375,50 ₽" in history
    assert "375,50 ₽" in offered_text(qtbot, worker, world.person_id, "W19")


def test_a_contract_price_is_offered_as_such(qtbot: QtBot, worker: DbWorker, world: World) -> None:
    window = open_window(qtbot, worker, LEAD)
    qtbot.keyClick(window.products, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    assert window.tabs.currentIndex() == 1  # Alt+C: the contract prices tab
    type_into(qtbot, window.company_search, "Ромашка")
    qtbot.keyClick(window.company_search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.vm.contract is not None, timeout=5000)
    until = (moscow_today() + dt.timedelta(days=30)).strftime("%d.%m.%Y")
    for field, text in (
        (window.contract_code, "PUMP"),
        (window.contract_price, "399"),
        (window.contract_from, ""),
        (window.contract_to, until),
    ):
        type_into(qtbot, field, text)
        qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.message.text() == "Contract price set.", timeout=5000)
    assert until in window.contract_title.text()
    assert window.contract_prices.rowCount() == 2  # W19 from the world, PUMP now
    text = offered_text(qtbot, worker, world.company_id, "PUMP")
    assert "399,00 ₽" in text and "by contract" in text
    assert "by contract" not in offered_text(qtbot, worker, world.person_id, "PUMP")


def test_a_reason_added_in_the_window_is_offered_by_the_reject_dialog(
    qtbot: QtBot, worker: DbWorker, world: World
) -> None:
    window = open_window(qtbot, worker, LEAD)
    qtbot.keyClick(window.products, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    assert window.tabs.currentIndex() == 2  # Alt+R: the reject reasons tab
    type_into(qtbot, window.reason_name, "Переехал")
    qtbot.keyClick(window.reason_name, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: any(
            window.reasons.item(i).text() == "Переехал" for i in range(window.reasons.count())
        ),
        timeout=5000,
    )
    vm = OrderEntryViewModel(
        worker, identity=Identity(Actor(OPERATOR, OPERATOR, UserRole.OPERATOR))
    )
    vm.load_client(world.person_id)
    qtbot.waitUntil(lambda: not vm.busy and bool(vm.reject_reasons()), timeout=5000)
    dialog = RejectDialog(vm.reject_reasons())
    qtbot.addWidget(dialog)
    offered = [dialog.reasons.item(i).text() for i in range(dialog.reasons.count())]
    assert "Переехал" in offered


@pytest.mark.expect_log("dispatcher.users", "refused")
def test_an_operator_reads_the_refusal_and_keeps_what_was_typed(
    qtbot: QtBot, worker: DbWorker, world: World
) -> None:
    window = open_window(qtbot, worker, Actor("op", "Диспетчер", UserRole.OPERATOR))
    select_product(qtbot, window, "W19")
    type_into(qtbot, window.price, "1")
    qtbot.keyClick(window.price, Qt.Key.Key_Return)
    qtbot.keyClick(window.price_from, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "only a shift lead" in window.message.text(), timeout=5000)
    assert window.price.text() == "1"

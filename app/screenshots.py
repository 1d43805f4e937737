"""`python -m app.screenshots [DIR]`: the workspace's main states as PNG files.

Runs the real workspace on the offscreen Qt platform over a freshly seeded demo database,
places real SIP calls into it with `python -m telephony dial`, and grabs the windows:
the sign-in dialog over the empty desk, a known caller, the order form after "repeat last
order", an order in delivery opened for changes, a number shared by duplicate clients, the
new-client form for an unknown number, a company's card in the card editor (Ctrl+E), the
Catalogue (a price history; a company's contract prices) and the Couriers window with a
phone sign-in code issued by a real courier sync service started for the occasion.
`make screenshots` runs it into docs/screenshots/.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
UNKNOWN_NUMBER = "+74959990011"
logger = logging.getLogger("screenshots")


def _wait(app: Any, done: Callable[[], bool], timeout: float = 15.0) -> None:
    """Run the event loop until ``done()`` or the timeout (then fail loudly)."""
    from PySide6.QtCore import QEventLoop

    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise SystemExit("screenshots: the workspace did not reach the expected state")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def _settle(app: Any, seconds: float = 0.4) -> None:
    from PySide6.QtCore import QEventLoop

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def _numbers(session: Any) -> tuple[str, str]:
    """A known client's number with a delivery under way, and a number on several clients."""
    from dispatcher.demo.status import sample_numbers
    from dispatcher.models import Client, Phone

    known = sample_numbers(session, 1)[0]
    shared = session.execute(
        select(Phone.e164)
        .join(Client, Client.id == Phone.client_id)
        .where(Client.merged_into_id.is_(None))
        .group_by(Phone.e164)
        .having(func.count(func.distinct(Phone.client_id)) > 1)
        .limit(1)
    ).scalar()
    return known, shared or known


def _company(session: Any) -> tuple[str, str, int]:
    """A company with a contract, contact persons and an own number: (number, name, id).

    The number is the company's own (not a contact's) and no other client has it, so the
    call pops this one card.
    """
    from dispatcher.models import Client, ClientKind, Contact, Phone

    contacts = (
        select(Contact.client_id, func.count().label("n")).group_by(Contact.client_id).subquery()
    )
    candidates = session.execute(
        select(Client.id, Client.name)
        .join(contacts, contacts.c.client_id == Client.id)
        .where(
            Client.kind == ClientKind.COMPANY,
            Client.merged_into_id.is_(None),
            Client.price_list_id.is_not(None),
        )
        .order_by(contacts.c.n.desc(), Client.id)
        .limit(50)
    ).all()
    for client_id, name in candidates:
        for e164 in session.scalars(
            select(Phone.e164).where(Phone.client_id == client_id, Phone.contact_id.is_(None))
        ):
            owners = session.scalar(
                select(func.count(func.distinct(Phone.client_id))).where(Phone.e164 == e164)
            )
            if owners == 1:
                return e164, name, client_id
    raise SystemExit("screenshots: the demo database has no company with contacts and a contract")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _sync_service(data_dir: Path) -> Iterator[tuple[str, str]]:
    """The real courier sync service on loopback (SQLite): its URL and a fresh site key."""
    import requests

    db_url = f"sqlite:///{data_dir / 'sync.sqlite3'}"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = (data_dir / "sync.log").open("ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "courier_sync", "serve", "--db", db_url, "--host", "127.0.0.1",
         "--port", str(port)],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    log.close()
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise SystemExit("screenshots: the courier sync service exited (see sync.log)")
            with contextlib.suppress(requests.RequestException):
                if requests.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise SystemExit("screenshots: the courier sync service did not get ready")
            time.sleep(0.1)
        key = subprocess.run(
            [sys.executable, "-m", "courier_sync", "site-key", "issue", "--db", db_url],
            cwd=ROOT, capture_output=True, text=True, timeout=60, check=True,
        ).stdout.strip()  # fmt: skip
        yield url, key
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def _type(field: Any, text: str) -> None:
    """Type into a line edit: key by key (QTest knows ASCII keys only), else as one insert."""
    from PySide6.QtTest import QTest

    if text.isascii():
        QTest.keyClicks(field, text)
    else:
        field.insert(text)


def _over(background: Any, dialog: Any) -> Any:
    """``background`` (a window's grab) with ``dialog`` drawn centred on it, as it is seen."""
    from PySide6.QtGui import QColor, QPainter, QPen

    picture = background.copy()
    top = dialog.grab()
    x = (picture.width() - top.width()) // 2
    y = (picture.height() - top.height()) // 3
    painter = QPainter(picture)
    painter.fillRect(x + 6, y + 6, top.width(), top.height(), QColor(0, 0, 0, 60))  # shadow
    painter.drawPixmap(x, y, top)
    painter.setPen(QPen(QColor("#7a7a7a"), 1))
    painter.drawRect(x - 1, y - 1, top.width() + 1, top.height() + 1)
    painter.end()
    return picture


def main(argv: list[str] | None = None) -> int:
    """Write the screenshots; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m app.screenshots")
    parser.add_argument("out", nargs="?", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--lang", default="ru", choices=("ru", "en"))
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    from PySide6.QtWidgets import QApplication

    from app.i18n import install_translator
    from app.pyside_fix import pin_bools

    pin_bools()
    app = QApplication.instance() or QApplication(["dispatch-desk"])
    install_translator(app, args.lang)
    with tempfile.TemporaryDirectory(prefix="screenshots-") as data_dir:
        _Shots(app, out, Path(data_dir), args.lang).run()
    return 0


class _Shots:
    """One run of the real workspace, driven from state to state and grabbed."""

    def __init__(self, app: Any, out: Path, data_dir: Path, lang: str) -> None:
        from app.main import build_parser

        self.app, self.out, self.data_dir = app, out, data_dir
        self.cli = build_parser().parse_args(
            ["--demo", "--data-dir", str(data_dir), "--sip-listen", "127.0.0.1:0", "--lang", lang]
        )

    def shoot(self, name: str, picture: Any) -> None:
        path = self.out / name
        if not picture.save(str(path)):
            raise SystemExit(f"screenshots: cannot write {path}")
        logger.info("wrote %s", path)

    def pop(self, number: str) -> None:
        intake = self.workspace.intake
        before = intake.last_pop
        self.calls.call(number, ring_only=True)
        _wait(self.app, lambda: intake.last_pop is not before)
        _settle(self.app)

    def hang_up(self) -> None:
        self.calls.stop()
        _settle(self.app, 1.0)

    def run(self) -> None:
        from app.demo import DemoCaller
        from app.main import Workspace, load_app_settings
        from app.sign_in import LAST_LOGIN_FILE
        from dispatcher.demo.accounts import DEMO_LOGIN

        # The demo's lead signed in at this PC before: the sign-in dialog offers the login.
        (self.data_dir / LAST_LOGIN_FILE).write_text(DEMO_LOGIN + "\n", encoding="utf-8")
        self.workspace = Workspace(self.cli, load_app_settings(self.cli))
        self.window = self.workspace.start()
        self.window.resize(1366, 800)
        self.calls = DemoCaller(self.workspace.engine.bound_port)
        try:
            self.sign_in()
            self.callers()
            self.client_card()
            self.catalogue()
            self.couriers()
        finally:
            self.calls.stop()
            self.workspace.stop()
            self.window.close()

    def sign_in(self) -> None:
        """File → Switch operator over the empty desk: login remembered, password typed."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        from dispatcher.demo.accounts import DEMO_PASSWORD

        _settle(self.app, 0.8)
        session = self.workspace.session
        self.workspace.switch_operator()
        dialog = session.dialog
        assert dialog is not None
        _settle(self.app)
        QTest.keyClicks(dialog.password, DEMO_PASSWORD)
        _settle(self.app)
        self.shoot("sign-in.png", _over(self.window.grab(), dialog))
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)
        _wait(self.app, lambda: session.identity.actor is not None and session.dialog is None)
        _settle(self.app)

    def callers(self) -> None:
        """A known caller, her order repeated, her delivery changed; duplicates; a new client."""
        workspace, app = self.workspace, self.app
        known, shared = workspace.worker.run_now(_numbers)
        self.pop(known)
        self.shoot("workspace-known-caller.png", self.window.grab())

        intake = workspace.intake
        client_id = intake.last_pop.client_ids[0]
        intake.confirm_client(client_id, None)
        vm = workspace.order_vm
        _wait(app, lambda: getattr(vm, "client_id", None) == client_id and not vm.busy)
        deliveries = [order.id for order in vm.active_deliveries]
        vm.repeat_last()
        _wait(app, lambda: not vm.busy and bool(vm.lines))
        _settle(app, 0.8)
        self.shoot("workspace-order-form.png", self.window.grab())

        if deliveries:
            # The client wants one more bottle on the delivery already on its way.
            vm.open_order(deliveries[0])
            _wait(app, lambda: not vm.busy and vm.order_id == deliveries[0] and bool(vm.lines))
            vm.change_qty(0, 1)
            _settle(app, 0.8)
            self.shoot("order-edit.png", self.window.grab())
        else:
            logger.warning("no delivery under way for %s: order-edit.png not made", known)
        vm.clear()  # the operator would have saved it; the next caller starts empty
        self.hang_up()

        self.pop(shared)
        self.shoot("workspace-duplicates.png", self.window.grab())
        self.hang_up()

        self.pop(UNKNOWN_NUMBER)
        form_vm = workspace.new_client_vm
        form_vm.set_name("Смирнова Ольга Петровна")
        form_vm.set_address(0, text="г. Москва, ул. Профсоюзная, д. 12", flat="45")
        _settle(app, 0.8)
        self.shoot("workspace-new-client.png", self.window.grab())
        self.hang_up()

    def client_card(self) -> None:
        """A company calls; Ctrl+E: a note and a contact's new phone are saved in the card."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        app = self.app
        number, self.company, self.company_id = self.workspace.worker.run_now(_company)
        self.pop(number)
        panel = self.window.caller_panel
        panel.edit_selected()
        dialog = panel.card_dialog
        vm = dialog.vm
        _wait(app, lambda: vm.card is not None and not vm.busy)
        _settle(app)

        def saved(edit: Callable[[], None]) -> None:
            before = len(vm.card.history)
            edit()
            _wait(app, lambda: not vm.busy and len(vm.card.history) > before)
            _settle(app, 0.2)

        dialog.notes.clear()
        _type(dialog.notes, "не звонить после 21:00, бухгалтерия до 17:00")
        saved(lambda: QTest.keyClick(dialog.notes, Qt.Key.Key_Return))
        if dialog.phone_owner.count() > 1:
            dialog.phone_owner.setCurrentIndex(1)  # the first contact person's own phone
        QTest.keyClicks(dialog.new_phone, "8 (916) 555-12-34")
        saved(lambda: QTest.keyClick(dialog.new_phone, Qt.Key.Key_Return))
        dialog.phone_owner.setCurrentIndex(0)
        dialog.addresses.setCurrentRow(0)
        dialog.edit_selected_address()  # the form shows the address with its details
        _settle(app, 0.6)
        self.shoot("client-card.png", dialog.grab())
        dialog.accept()
        _settle(app)
        self.hang_up()

    def catalogue(self) -> None:
        """References → Catalogue: W19's price history with a new price; a contract."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        from app.widgets.catalogue_window import CatalogueWindow

        app = self.app
        window = self.window.catalogue_requested()
        assert isinstance(window, CatalogueWindow)
        vm = window.vm
        _wait(app, lambda: bool(vm.products) and not vm.busy)
        codes = [product.code for product in vm.products]
        window.products.setCurrentCell(codes.index("W19") if "W19" in codes else 0, 0)
        window.price.setFocus()
        code = vm.selected_code
        _wait(app, lambda: not vm.busy and bool(vm.history))
        # From the first of next month the product costs 30 roubles more.
        today = dt.date.today()
        first = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        price = vm.selected.price_kop // 100 + 30 if vm.selected.price_kop else 380
        QTest.keyClicks(window.price, str(price))
        QTest.keyClicks(window.price_from, first.strftime("%d.%m.%Y"))
        QTest.keyClick(window.price_from, Qt.Key.Key_Return)
        _wait(app, lambda: not vm.busy and len(vm.history) > 1, timeout=10)
        _settle(app, 0.6)
        logger.info("catalogue: %s from %s", code, first)
        self.shoot("catalogue.png", window.grab())

        window.tabs.setCurrentIndex(1)
        _type(window.company_search, self.company)
        QTest.keyClick(window.company_search, Qt.Key.Key_Return)
        _wait(app, lambda: not vm.busy and vm.contract is not None, timeout=10)
        found = [company.id for company in vm.companies]
        if self.company_id in found and vm.contract.client_id != self.company_id:
            window.companies.setCurrentRow(found.index(self.company_id))
            _wait(app, lambda: not vm.busy and vm.contract.client_id == self.company_id)
        _settle(app, 0.6)
        self.shoot("catalogue-contracts.png", window.grab())
        window.close()
        _settle(app)

    def couriers(self) -> None:
        """References → Couriers with a real sync service: a courier's phone sign-in code."""
        from app.widgets.couriers_window import CouriersWindow

        app, workspace = self.app, self.workspace
        with _sync_service(self.data_dir) as (url, key):
            # As Settings → Courier sync would set them (the relay is left off).
            workspace.settings = replace(workspace.settings, sync_url=url, sync_api_key=key)
            self.window.open_couriers()
            window = self.window.findChildren(CouriersWindow)[-1]
            vm = window.vm
            _wait(app, lambda: bool(vm.couriers) and not vm.busy)
            _settle(app)
            window.table.selectRow(min(1, window.table.rowCount() - 1))
            window.issue_sign_in()
            _wait(app, lambda: vm.sign_in is not None and not vm.busy, timeout=20)
            _settle(app, 0.6)
            self.shoot("couriers.png", window.grab())
            window.close()
            _settle(app)


if __name__ == "__main__":
    raise SystemExit(main())

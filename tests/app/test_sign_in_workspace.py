"""Signing in at the real workspace: the dialog before the window, refusals, switching operator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.main import build_parser, load_app_settings
from app.widgets.sign_in_dialog import SignInDialog
from app.workspace import NoAccountsError, Workspace
from dispatcher.db import unit_of_work
from dispatcher.models import OrderEvent, UserRole
from dispatcher.users import Actor, add_user
from tests.app.conftest import pj  # noqa: F401 (the pjsua2 fixture)
from tests.app.test_main import own_dirs  # noqa: F401 (keeps the user's files out)
from tests.dispatcher.conftest import World

PASSWORD = "long enough password"
TIMEOUT_MS = 15_000
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def accounts(sessions: sessionmaker[Session]) -> None:
    """An operator and a shift lead."""
    admin = Actor("setup", "Set-up", UserRole.ADMIN)
    with unit_of_work(sessions) as s:
        add_user(s, "ivanova", "Иванова Мария", UserRole.OPERATOR, PASSWORD, actor=admin)
        add_user(s, "petrova", "Петрова Анна", UserRole.LEAD, PASSWORD, actor=admin)


@pytest.fixture
def start_desk(db_url: str, tmp_path: Path, pj: Any) -> Iterator[Any]:  # noqa: F811
    """``start_desk()``: a Workspace on the test database, started (dialog up); stopped after."""
    started: list[Workspace] = []
    data = tmp_path / "desk"

    def start(remembered: str = "") -> Workspace:
        if remembered:
            data.mkdir(exist_ok=True)
            (data / "last_login").write_text(remembered + "\n", encoding="utf-8")
        argv = ["--db", db_url, "--data-dir", str(data), "--sip-listen", "127.0.0.1:0"]
        args = build_parser().parse_args(argv)
        desk = Workspace(args, load_app_settings(args))
        started.append(desk)
        assert desk.start() is None, "no window before someone signed in"
        return desk

    yield start
    for desk in started:
        if desk.window is not None:
            desk.window.close()
        desk.stop()


def shown_dialog(qtbot: QtBot, desk: Workspace) -> SignInDialog:
    dialog = desk.session.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def sign_in(qtbot: QtBot, dialog: SignInDialog, login: str, password: str) -> None:
    """Type as a person does: the login (when not remembered), Return, the password, Return."""
    if dialog.login.text() != login:
        dialog.login.setFocus()
        dialog.login.selectAll()
        qtbot.keyClicks(dialog.login, login)
        qtbot.keyClick(dialog.login, Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.password.hasFocus)
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)


@pytest.mark.usefixtures("accounts")
def test_the_dialog_comes_first_and_five_wrong_passwords_make_it_wait(
    qtbot: QtBot, start_desk: Any
) -> None:
    desk = start_desk(remembered="ivanova")
    dialog = shown_dialog(qtbot, desk)
    assert desk.window is None and desk.engine is None, "SIP and the window wait for a sign-in"
    assert dialog.login.text() == "ivanova"
    qtbot.waitUntil(dialog.password.hasFocus)  # the remembered login: straight to the password

    for _ in range(5):
        with qtbot.waitSignal(desk.session.sign_in_vm.error, timeout=TIMEOUT_MS):
            sign_in(qtbot, dialog, "ivanova", "not my password")
    assert dialog.message.isVisible()
    assert "Too many wrong passwords in a row. Try again in" in dialog.message.text()
    assert (dialog.login.text(), dialog.password.text()) == ("ivanova", "")
    assert desk.window is None and desk.session.identity.actor is None


@pytest.mark.usefixtures("accounts")
def test_switching_operator_keeps_the_window_and_audits_the_new_login(
    qtbot: QtBot, start_desk: Any, world: World, sessions: sessionmaker[Session]
) -> None:
    desk = start_desk()
    sign_in(qtbot, shown_dialog(qtbot, desk), "ivanova", PASSWORD)
    qtbot.waitUntil(lambda: desk.window is not None and desk.window.isVisible())
    window = desk.window
    qtbot.addWidget(window)
    assert window.session_label.text() == "Иванова Мария (operator)"
    assert not window.caller_panel.lead

    # File → Switch operator (Ctrl+Shift+U): the window stays, the dialog asks again.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_U, CTRL_SHIFT)
    dialog = shown_dialog(qtbot, desk)
    assert window.isVisible() and desk.session.identity.actor is None
    assert dialog.login.text() == "ivanova", "the last login is remembered"
    with qtbot.waitSignal(desk.session.signed_in, timeout=TIMEOUT_MS):
        sign_in(qtbot, dialog, "petrova", PASSWORD)
    assert window.session_label.text() == "Петрова Анна (shift lead)"
    assert window.caller_panel.lead, "the shift lead's merge button is offered"

    # The next order is written as the new operator.
    vm = desk.order_vm
    vm.load_client(world.person_id)
    qtbot.waitUntil(lambda: not vm.busy, timeout=TIMEOUT_MS)
    vm.add_line("W19", 2)
    vm.set_courier(world.courier_a)
    vm.set_date(world.tomorrow)
    vm.set_window(dt.time(10), dt.time(14))
    with qtbot.waitSignal(vm.sent, timeout=TIMEOUT_MS) as sent:
        vm.send_to_delivery()
    with sessions() as s:
        actors = s.scalars(select(OrderEvent.actor).where(OrderEvent.order_id == sent.args[0]))
        assert set(actors) == {"petrova"}


def test_a_database_without_accounts_says_how_to_add_the_first(
    start_desk: Any, sessions: sessionmaker[Session]
) -> None:
    with pytest.raises(NoAccountsError, match=r"dispatch --db URL user add LOGIN .*--role admin"):
        start_desk()

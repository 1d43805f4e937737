"""The sign-in dialog driven from the keyboard, against real accounts in a real database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from app.i18n import install_translator
from app.sign_in import MemoryLoginMemory, SignInViewModel
from app.widgets.sign_in_dialog import SignInDialog
from dispatcher.db import unit_of_work
from dispatcher.models import UserRole
from dispatcher.users import Actor, add_user

PASSWORD = "correct horse"
IVANOVA = Actor("ivanova", "Иванова Мария", UserRole.OPERATOR)


class FakeClock:
    """The moment sign-in delays are measured from; moved by the test, never slept through."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 12, 8, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def accounts(sessions: sessionmaker[Session]) -> None:
    """An admin and an operator, Ivanova."""
    with unit_of_work(sessions) as s:
        add_user(s, "boss", "Админов Антон", UserRole.ADMIN, PASSWORD, actor=None)
        admin = Actor("boss", "Админов Антон", UserRole.ADMIN)
        add_user(s, "Ivanova", "Иванова Мария", UserRole.OPERATOR, PASSWORD, actor=admin)


@pytest.fixture
def clock() -> FakeClock:
    """The injected clock."""
    return FakeClock()


@pytest.fixture
def memory() -> MemoryLoginMemory:
    """No login remembered yet."""
    return MemoryLoginMemory()


@pytest.fixture
def vm(worker: Any, memory: MemoryLoginMemory, clock: FakeClock, accounts: None) -> SignInViewModel:
    """The view model over the test database."""
    return SignInViewModel(worker, memory, clock=clock)


@pytest.fixture
def dialog(vm: SignInViewModel, qtbot: QtBot) -> Iterator[SignInDialog]:
    """The dialog shown and active, as at the workspace's start."""
    shown = SignInDialog(vm)
    qtbot.addWidget(shown)
    yield show(shown, qtbot)


def show(dialog: SignInDialog, qtbot: QtBot) -> SignInDialog:
    """Show ``dialog`` and wait until it has the keyboard."""
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    return dialog


def type_text(qtbot: QtBot, text: str) -> None:
    """Type into whatever has the keyboard focus."""
    qtbot.keyClicks(QApplication.focusWidget(), text)


def press(qtbot: QtBot, key: Qt.Key) -> None:
    """Press a key in whatever has the keyboard focus."""
    qtbot.keyClick(QApplication.focusWidget(), key)


def try_password(qtbot: QtBot, dialog: SignInDialog, password: str) -> str:
    """Type a password, press Return, and wait for the refusal; its message."""
    type_text(qtbot, password)
    with qtbot.waitSignal(dialog.vm.error, timeout=10_000) as refused:
        press(qtbot, Qt.Key.Key_Return)
    return str(refused.args[0])


def test_login_tab_password_return_signs_in(
    dialog: SignInDialog, qtbot: QtBot, memory: MemoryLoginMemory
) -> None:
    assert dialog.login.hasFocus()  # nothing remembered: the login comes first
    type_text(qtbot, "Ivanova")
    press(qtbot, Qt.Key.Key_Tab)
    assert dialog.password.hasFocus()
    type_text(qtbot, PASSWORD)
    assert dialog.password.text() == PASSWORD
    with qtbot.waitSignal(dialog.vm.signed_in, timeout=10_000) as signed:
        press(qtbot, Qt.Key.Key_Return)
    assert signed.args == [IVANOVA]
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert not dialog.isVisible()
    assert memory.login == "ivanova"  # offered at the next sign-in


def test_the_remembered_login_is_filled_in_and_the_password_has_the_cursor(
    worker: Any, accounts: None, clock: FakeClock, qtbot: QtBot
) -> None:
    vm = SignInViewModel(worker, MemoryLoginMemory("ivanova"), clock=clock)
    dialog = SignInDialog(vm)
    qtbot.addWidget(dialog)
    show(dialog, qtbot)
    assert dialog.login.text() == "ivanova"
    assert dialog.password.hasFocus()
    assert not dialog.message.isVisible()
    type_text(qtbot, PASSWORD)
    with qtbot.waitSignal(vm.signed_in, timeout=10_000) as signed:
        press(qtbot, Qt.Key.Key_Return)
    assert signed.args == [IVANOVA]


def test_five_wrong_passwords_say_to_wait_and_keep_the_login(
    dialog: SignInDialog, qtbot: QtBot, clock: FakeClock, memory: MemoryLoginMemory
) -> None:
    type_text(qtbot, "Ivanova")
    press(qtbot, Qt.Key.Key_Tab)
    messages = [try_password(qtbot, dialog, f"wrong-{n}") for n in range(1, 6)]
    assert messages[:2] == ["Wrong login or password."] * 2
    assert messages[2:] == ["Too many wrong passwords in a row. Try again in 1 s."] * 3
    # Inline, under the fields; nothing typed in the login lost, the password field empty.
    assert dialog.message.isVisible()
    assert dialog.message.text() == messages[-1]
    assert dialog.login.text() == "Ivanova"
    assert dialog.password.text() == ""
    assert dialog.password.hasFocus()
    assert dialog.isVisible()
    # Even the right password waits; once the delay passed, it signs in.
    assert try_password(qtbot, dialog, PASSWORD).startswith("Too many wrong passwords")
    clock.advance(1)
    type_text(qtbot, PASSWORD)
    with qtbot.waitSignal(dialog.vm.signed_in, timeout=10_000):
        press(qtbot, Qt.Key.Key_Return)
    assert memory.login == "ivanova"


def test_an_unknown_login_is_refused_like_a_wrong_password(
    dialog: SignInDialog, qtbot: QtBot, memory: MemoryLoginMemory
) -> None:
    type_text(qtbot, "nobody")
    press(qtbot, Qt.Key.Key_Tab)
    assert try_password(qtbot, dialog, PASSWORD) == "Wrong login or password."
    assert dialog.login.text() == "nobody"
    assert memory.login == ""  # only a sign-in that worked is remembered


def test_return_in_the_login_moves_on_and_an_empty_password_is_pointed_at(
    dialog: SignInDialog, qtbot: QtBot
) -> None:
    type_text(qtbot, "ivanova")
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.password.hasFocus()
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.message.text() == "Type your password."
    assert dialog.message.isVisible()
    assert dialog.login.text() == "ivanova"
    assert not dialog.vm.busy  # nothing was asked of the database


def test_switching_operator_shows_the_dialog_again_for_the_next_one(
    dialog: SignInDialog, qtbot: QtBot
) -> None:
    type_text(qtbot, "ivanova")
    press(qtbot, Qt.Key.Key_Tab)
    try_password(qtbot, dialog, "wrong")
    type_text(qtbot, PASSWORD)
    with qtbot.waitSignal(dialog.vm.signed_in, timeout=10_000):
        press(qtbot, Qt.Key.Key_Return)
    with qtbot.waitSignal(dialog.vm.signed_out):
        dialog.vm.sign_out()
    assert dialog.vm.actor is None
    show(dialog, qtbot)
    # A fresh form: the last login offered, no old message, the cursor in the password.
    assert dialog.login.text() == "ivanova"
    assert dialog.password.text() == ""
    assert not dialog.message.isVisible()
    assert dialog.password.hasFocus()
    press(qtbot, Qt.Key.Key_Backtab)
    assert dialog.login.hasFocus()
    dialog.login.selectAll()
    type_text(qtbot, "boss")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, PASSWORD)
    with qtbot.waitSignal(dialog.vm.signed_in, timeout=10_000) as signed:
        press(qtbot, Qt.Key.Key_Return)
    assert signed.args[0].role is UserRole.ADMIN
    assert dialog.vm.actor_text() == "Админов Антон (admin)"


def test_escape_cancels_the_sign_in(dialog: SignInDialog, qtbot: QtBot) -> None:
    type_text(qtbot, "ivanova")
    press(qtbot, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert dialog.vm.actor is None


def test_in_russian_the_dialog_and_its_refusals_read_in_russian(
    dialog: SignInDialog, qtbot: QtBot, qapp: QApplication
) -> None:
    assert install_translator(qapp, "ru") is not None
    try:
        # Qt tells the widgets of the new language with a posted event.
        qtbot.waitUntil(lambda: dialog.windowTitle() == "Вход — Dispatch Desk")
        assert dialog.sign_in_button.text() == "&Войти"
        type_text(qtbot, "ivanova")
        press(qtbot, Qt.Key.Key_Tab)
        assert try_password(qtbot, dialog, "wrong") == "Неверный логин или пароль."
        assert dialog.message.text() == "Неверный логин или пароль."
    finally:
        install_translator(qapp, "en")
    qtbot.waitUntil(lambda: dialog.windowTitle() == "Sign in - Dispatch Desk")

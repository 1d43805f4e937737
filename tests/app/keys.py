"""The operator's keyboard in tests: keys to the focused widget, text of any script, counted."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.shortcuts import Key, sequence

NO_MOD = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def type_char(widget: QWidget, char: str) -> None:
    """One character as one key click; a Cyrillic letter as a Russian layout sends it."""
    if char.isascii():
        QTest.keyClick(widget, char)
    else:
        # QTest only maps ASCII to keys (it asserts otherwise): the key is unknown, the text
        # carries the letter.
        QTest.sendKeyEvent(QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, char, NO_MOD)


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` into ``widget`` one key per character (Cyrillic included)."""
    for char in text:
        type_char(widget, char)


def type_into(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Replace what ``widget`` holds by ``text``: focus, Ctrl+A, Backspace, type."""
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(widget, Qt.Key.Key_Backspace)
    type_text(widget, text)


def press_shortcut(qtbot: QtBot, widget: QWidget, key: Key) -> None:
    """The key combination the shortcut table binds to ``key``, on ``widget``."""
    combo = QKeySequence(sequence(key))[0]
    qtbot.keyClick(widget, combo.key(), combo.keyboardModifiers())


class Keyboard:
    """Presses keys on whatever has the focus, as an operator would, and counts them."""

    def __init__(self, qtbot: QtBot, window: QWidget | None = None) -> None:
        """Keys go to the focused widget, else to ``window``."""
        self.qtbot = qtbot
        self.window = window
        self.count = 0

    def target(self) -> QWidget:
        """The widget the next key goes to."""
        widget = QApplication.focusWidget() or self.window
        assert widget is not None, "nothing has keyboard focus"
        return widget

    def press(self, key: Qt.Key, modifier: Qt.KeyboardModifier = NO_MOD) -> None:
        """One key (with its modifiers) is one keystroke."""
        self.qtbot.keyClick(self.target(), key, modifier)
        self.count += 1

    def shortcut(self, key: Key) -> None:
        """The key combination the shortcut table binds to ``key``: one keystroke."""
        press_shortcut(self.qtbot, self.target(), key)
        self.count += 1

    def type(self, text: str) -> None:
        """Each character is one keystroke."""
        for char in text:
            type_char(self.target(), char)
            self.count += 1

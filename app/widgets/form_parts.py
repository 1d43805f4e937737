"""Pieces the order panel and the new-client form share: styles, keys, field messages."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from app.shortcuts import Key, sequence

logger = logging.getLogger(__name__)

ERROR_STYLE = "color: #b00020; font-weight: bold;"
FIELD_MESSAGE_STYLE = "color: #b00020; font-size: 9pt;"
BANNER_STYLE = "background: #fff3cd; color: #664d03; padding: 4px;"
STATUS_STYLE = "color: #0f5132;"


def is_key(event: QKeyEvent, key: Key) -> bool:
    """Whether the key press is the shortcut of ``key`` in the shortcut table."""
    pressed = event.keyCombination()
    if key is Key.CONFIRM and pressed.key() == Qt.Key.Key_Enter:
        return True  # the keypad's Enter confirms like Return
    modifiers = pressed.keyboardModifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return QKeySequence(pressed.key() | modifiers) == QKeySequence(sequence(key))


def with_key(text: str, key: Key) -> str:
    """``text`` followed by the key in brackets, as the platform writes it: 'Send (Ctrl+Return)'."""
    return f"{text} ({QKeySequence(sequence(key)).toString(QKeySequence.NativeText)})"


def buddy(text: str, widget: QWidget) -> QLabel:
    """A label whose &-mnemonic moves the focus to ``widget``."""
    label = QLabel(text)
    label.setBuddy(widget)
    return label


def fill_combo(combo: QComboBox, items: list[tuple[str, object]], current: object) -> None:
    """Replace the items only when they differ (keeps the popup and focus steady)."""
    existing = [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())]
    if existing != items:
        combo.clear()
        for text, data in items:
            combo.addItem(text, data)
    index = next((i for i, (_text, data) in enumerate(items) if data == current), -1)
    if index < 0 and combo.count():
        index = 0
    combo.setCurrentIndex(index)


class FieldMessage(QLabel):
    """A small red line under a field saying what is wrong with it; hidden while all is well."""

    def __init__(self, field: QWidget | None = None, parent: QWidget | None = None) -> None:
        """An empty message for ``field`` (which also gets the message as its tooltip)."""
        super().__init__(parent)
        self.field = field
        self.setStyleSheet(FIELD_MESSAGE_STYLE)
        self.setWordWrap(True)
        self.hide()

    def show_message(self, text: str) -> None:
        """Show ``text`` under the field, or hide the line when ``text`` is empty."""
        if text != self.text():
            self.setText(text)
        self.setVisible(bool(text))
        if self.field is not None:
            self.field.setToolTip(text)

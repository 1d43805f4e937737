"""F1 shortcut map: every shortcut of app.shortcuts, translated, closed by Esc or F1."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.i18n import install_translator
from app.shortcuts import SHORTCUTS
from app.widgets.shortcut_map import LABELS, ShortcutMapDialog


def test_every_shortcut_label_is_marked_for_translation() -> None:
    assert sorted(LABELS) == sorted(shortcut.label for shortcut in SHORTCUTS)


def test_the_table_lists_every_shortcut(qtbot: QtBot) -> None:
    dialog = ShortcutMapDialog()
    qtbot.addWidget(dialog)
    table = dialog.table
    assert table.rowCount() == len(SHORTCUTS)
    rows = {table.item(row, 1).text(): table.item(row, 0).text() for row in range(len(SHORTCUTS))}
    assert rows["Answer the ringing call"] == "F2"
    assert rows["Send the order to delivery"] == "Ctrl+Return"


@pytest.mark.parametrize("key", [Qt.Key.Key_Escape, Qt.Key.Key_F1])
def test_esc_and_f1_close_it(qtbot: QtBot, key: Qt.Key) -> None:
    dialog = ShortcutMapDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.keyClick(dialog.table, key)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_labels_follow_the_language(qtbot: QtBot, qapp: QApplication) -> None:
    dialog = ShortcutMapDialog()
    qtbot.addWidget(dialog)
    try:
        install_translator(qapp, "ru")
        qtbot.waitUntil(lambda: dialog.windowTitle() == "Горячие клавиши")
        labels = {dialog.table.item(row, 1).text() for row in range(len(SHORTCUTS))}
        assert "Положить трубку" in labels
    finally:
        install_translator(qapp, "en")
    qtbot.waitUntil(lambda: dialog.windowTitle() == "Keyboard shortcuts")

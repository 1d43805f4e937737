"""F1: the keyboard map, read from app.shortcuts so it never disagrees with the widgets."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.shortcuts import SHORTCUTS, Key, Shortcut, sequence

CONTEXT = "shortcuts"

# The labels of app.shortcuts, spelled out so lupdate puts them in the "shortcuts" context;
# tests/app/test_shortcut_map.py checks that this list covers the table.
LABELS: tuple[str, ...] = (
    QT_TRANSLATE_NOOP("shortcuts", "Answer the ringing call"),
    QT_TRANSLATE_NOOP("shortcuts", "Hang up"),
    QT_TRANSLATE_NOOP("shortcuts", "Reject the ringing call (busy)"),
    QT_TRANSLATE_NOOP("shortcuts", "Hold / resume"),
    QT_TRANSLATE_NOOP("shortcuts", "Transfer the call to a number"),
    QT_TRANSLATE_NOOP("shortcuts", "Mute / unmute the microphone"),
    QT_TRANSLATE_NOOP("shortcuts", "Send DTMF digits"),
    QT_TRANSLATE_NOOP("shortcuts", "Call the selected client back"),
    QT_TRANSLATE_NOOP("shortcuts", "Confirm: the client, the suggested slot"),
    QT_TRANSLATE_NOOP("shortcuts", "Search clients by name, address or phone"),
    QT_TRANSLATE_NOOP("shortcuts", "New client"),
    QT_TRANSLATE_NOOP("shortcuts", "Merge duplicates into the selected client"),
    QT_TRANSLATE_NOOP("shortcuts", "Edit the selected client's card"),
    QT_TRANSLATE_NOOP("shortcuts", "Attach an unknown caller's number to a client"),
    QT_TRANSLATE_NOOP("shortcuts", "Repeat the client's last order"),
    QT_TRANSLATE_NOOP("shortcuts", "Find a product to add (+/- change quantity)"),
    QT_TRANSLATE_NOOP("shortcuts", "Choose the courier"),
    QT_TRANSLATE_NOOP("shortcuts", "Delivery date"),
    QT_TRANSLATE_NOOP("shortcuts", "Delivery time window"),
    QT_TRANSLATE_NOOP("shortcuts", "Comment for the courier"),
    QT_TRANSLATE_NOOP("shortcuts", "Send the order to delivery"),
    QT_TRANSLATE_NOOP("shortcuts", "Reject the interest with a reason"),
    QT_TRANSLATE_NOOP("shortcuts", "Cancel the order on screen with a reason"),
    QT_TRANSLATE_NOOP("shortcuts", "Open an order by number (change or cancel it)"),
    QT_TRANSLATE_NOOP("shortcuts", "Calls of the day and the callback list"),
    QT_TRANSLATE_NOOP("shortcuts", "Reports: delivered water, orders, lost clients…"),
    QT_TRANSLATE_NOOP("shortcuts", "Settings"),
    QT_TRANSLATE_NOOP("shortcuts", "Switch operator (sign out)"),
    QT_TRANSLATE_NOOP("shortcuts", "This shortcut map"),
    QT_TRANSLATE_NOOP("shortcuts", "Demo: place a test call into the workspace"),
    QT_TRANSLATE_NOOP("shortcuts", "Transfer the call to the order's courier"),
    QT_TRANSLATE_NOOP("shortcuts", "Call the order's courier (a second call)"),
    QT_TRANSLATE_NOOP("shortcuts", "Board: the day per courier and the problems (shift lead)"),
    QT_TRANSLATE_NOOP("shortcuts", "Board: new date and window for the selected order"),
    QT_TRANSLATE_NOOP("shortcuts", "Board: another courier for the selected order"),
    QT_TRANSLATE_NOOP("shortcuts", "Board: call the selected order's client"),
    QT_TRANSLATE_NOOP("shortcuts", "Board: open the selected order in the order panel"),
    QT_TRANSLATE_NOOP("shortcuts", "Board: the day before"),
    QT_TRANSLATE_NOOP("shortcuts", "Board: the day after"),
    QT_TRANSLATE_NOOP("shortcuts", "Board: today"),
    QT_TRANSLATE_NOOP("shortcuts", "Register a complaint of the client on the call"),
    QT_TRANSLATE_NOOP("shortcuts", "Complaints: overdue first (shift lead)"),
    QT_TRANSLATE_NOOP("shortcuts", "Plan a call back to the selected client"),
    QT_TRANSLATE_NOOP("shortcuts", "Open the first suggested knowledge-base article"),
    QT_TRANSLATE_NOOP("shortcuts", "Portal: orders from clients to confirm"),
    QT_TRANSLATE_NOOP("shortcuts", "Portal: confirm the selected order"),
    QT_TRANSLATE_NOOP("shortcuts", "Portal: call the selected order's client"),
)


def shortcut_label(shortcut: Shortcut) -> str:
    """The shortcut's label in the current interface language."""
    return QCoreApplication.translate(CONTEXT, shortcut.label)


def shortcut_text(shortcut: Shortcut) -> str:
    """The key sequence as the platform writes it (e.g. "Ctrl+Return")."""
    return QKeySequence(shortcut.sequence).toString(QKeySequence.SequenceFormat.NativeText)


class ShortcutMapDialog(QDialog):
    """The table of every workspace shortcut; Esc or F1 closes it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """Build the table from app.shortcuts.SHORTCUTS."""
        super().__init__(parent)
        self.setObjectName("shortcutMap")
        self.heading = QLabel(self)
        self.table = QTableWidget(len(SHORTCUTS), 2, self)
        self.table.setObjectName("shortcutTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        # Compact rows: the whole map should fit on one screen without scrolling.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.table)
        self.resize(620, 640)
        self.retranslate()
        self.table.setFocus()

    def retranslate(self) -> None:
        """Set every text in the current interface language."""
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.heading.setText(self.tr("Everything in the workspace can be done from the keyboard:"))
        self.table.setHorizontalHeaderLabels([self.tr("Keys"), self.tr("Action")])
        for row, shortcut in enumerate(SHORTCUTS):
            keys = QTableWidgetItem(shortcut_text(shortcut))
            keys.setData(Qt.ItemDataRole.UserRole, shortcut.key.value)
            self.table.setItem(row, 0, keys)
            self.table.setItem(row, 1, QTableWidgetItem(shortcut_label(shortcut)))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """F1 opened the map, so F1 closes it too (Esc does, as in any dialog)."""
        if QKeySequence(event.keyCombination()) == QKeySequence(sequence(Key.SHORTCUT_MAP)):
            self.accept()
            return
        super().keyPressEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        """Follow a language switch made in Settings."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

"""The call bar across the top: state, number, timer, and the call buttons with their keys."""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QWidget,
)

from app.intake import IntakeViewModel, LiveCall
from app.shortcuts import Key, sequence
from telephony.events import CallState

logger = logging.getLogger(__name__)


class CallBar(QWidget):
    """State · number · timer · Answer Hang up Hold Transfer DTMF Mute · waiting calls."""

    def __init__(self, intake: IntakeViewModel, parent: QWidget | None = None) -> None:
        """A bar showing ``intake``'s live calls and forwarding its buttons to it."""
        super().__init__(parent)
        self.intake = intake
        self._calls: list[LiveCall] = []

        self.state_label = QLabel(self.tr("No call"))
        self.state_label.setObjectName("callState")
        self.number_label = QLabel("")
        self.number_label.setObjectName("callNumber")
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.timer_label = QLabel("")
        self.waiting_label = QLabel("")
        self.waiting_label.setObjectName("callWaiting")
        self.waiting_label.setStyleSheet("color: #b3261e; font-weight: bold;")

        self.answer_button = self._button(self.tr("Answer"), Key.ANSWER, intake.answer)
        self.hangup_button = self._button(self.tr("Hang up"), Key.HANG_UP, intake.hangup)
        self.hold_button = self._button(self.tr("Hold"), Key.HOLD, intake.toggle_hold)
        self.transfer_button = self._button(self.tr("Transfer"), Key.TRANSFER, self.ask_transfer)
        self.dtmf_button = self._button(self.tr("DTMF"), Key.DTMF, self.ask_dtmf)
        self.mute_button = self._button(self.tr("Mute"), Key.MUTE, intake.toggle_mute)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        for widget in (self.state_label, self.number_label, self.timer_label):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.waiting_label)
        for button in (
            self.answer_button,
            self.hangup_button,
            self.hold_button,
            self.transfer_button,
            self.dtmf_button,
            self.mute_button,
        ):
            layout.addWidget(button)

        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._tick)
        intake.calls_changed.connect(self.show_calls)
        self.show_calls([])

    def _button(self, text: str, key: Key, slot: object) -> QPushButton:
        # The keys themselves are window-wide actions (main window menus); the button names them.
        button = QPushButton(f"{text} ({sequence(key)})")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keyboard focus stays in the panels
        button.clicked.connect(slot)
        return button

    def show_calls(self, calls: list[LiveCall]) -> None:
        """Show the focused call and how many wait."""
        self._calls = calls
        current = calls[0] if calls and not calls[0].waiting else None
        waiting = [call for call in calls if call.waiting]
        if current is None:
            self.state_label.setText(self.tr("No call"))
            self.number_label.setText("")
            self.timer_label.setText("")
            self._ticker.stop()
        else:
            self.state_label.setText(self._state_text(current))
            name = f" — {current.display_name}" if current.display_name else ""
            self.number_label.setText(current.label + name)
            self._tick()
            self._ticker.start()
        self.waiting_label.setText(
            self.tr("Waiting: %1").replace("%1", ", ".join(call.label for call in waiting))
            if waiting
            else ""
        )
        ringing = any(call.state is CallState.RINGING for call in calls)
        talking = current is not None and current.state in (CallState.ANSWERED, CallState.HELD)
        self.answer_button.setEnabled(ringing)
        self.hangup_button.setEnabled(current is not None)
        self.hold_button.setEnabled(talking)
        self.hold_button.setText(
            f"{self.tr('Resume') if current and current.held else self.tr('Hold')} "
            f"({sequence(Key.HOLD)})"
        )
        self.transfer_button.setEnabled(talking)
        self.dtmf_button.setEnabled(talking)
        self.mute_button.setEnabled(talking)
        self.mute_button.setText(
            f"{self.tr('Unmute') if current and current.muted else self.tr('Mute')} "
            f"({sequence(Key.MUTE)})"
        )

    def _state_text(self, call: LiveCall) -> str:
        texts = {
            CallState.RINGING: self.tr("Ringing"),
            CallState.CALLING: self.tr("Calling"),
            CallState.EARLY: self.tr("Ringing back"),
            CallState.ANSWERED: self.tr("On the line"),
            CallState.HELD: self.tr("On hold"),
            CallState.REMOTE_HELD: self.tr("Held by caller"),
            CallState.ENDED: self.tr("Ended"),
        }
        return texts.get(call.state, str(call.state))

    def _tick(self) -> None:
        current = self._calls[0] if self._calls and not self._calls[0].waiting else None
        if current is None:
            return
        if current.answered_at is None:
            seconds = int((time.time_ns() - current.received_ns) / 1e9)
        else:
            seconds = int(time.monotonic() - current.answered_at)
        self.timer_label.setText(f"{seconds // 60:02d}:{seconds % 60:02d}")

    def ask_transfer(self) -> None:
        """Ask for the number to transfer the call to."""
        target, ok = QInputDialog.getText(self, self.tr("Transfer"), self.tr("Transfer to:"))
        if ok:
            self.intake.transfer(target)

    def ask_dtmf(self) -> None:
        """Ask for DTMF digits to send."""
        digits, ok = QInputDialog.getText(self, self.tr("DTMF"), self.tr("Digits to send:"))
        if ok:
            self.intake.send_dtmf(digits)

"""The call bar across the top: state, number, timer, and the call buttons with their keys."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.intake import IntakeViewModel, LiveCall
from app.phone_presenter import CallBarView, present_call_bar, timer_text
from app.shortcuts import Key, sequence

logger = logging.getLogger(__name__)


class CallBar(QWidget):
    """State · number · timer · Answer Reject Hang up Hold Transfer DTMF Mute · waiting calls."""

    def __init__(self, intake: IntakeViewModel, parent: QWidget | None = None) -> None:
        """A bar showing ``intake``'s live calls and forwarding its buttons to it."""
        super().__init__(parent)
        self.intake = intake
        self.view: CallBarView = present_call_bar([])

        self.state_label = QLabel(self.tr("No call"))
        self.state_label.setTextFormat(Qt.TextFormat.PlainText)
        self.state_label.setObjectName("callState")
        self.number_label = QLabel("")
        self.number_label.setTextFormat(Qt.TextFormat.PlainText)
        self.number_label.setObjectName("callNumber")
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.timer_label = QLabel("")
        self.timer_label.setTextFormat(Qt.TextFormat.PlainText)
        self.waiting_label = QLabel("")
        self.waiting_label.setTextFormat(Qt.TextFormat.PlainText)
        self.waiting_label.setObjectName("callWaiting")
        self.waiting_label.setStyleSheet("color: #b3261e; font-weight: bold;")

        self.answer_button = self._button(self.tr("Answer"), Key.ANSWER, intake.answer)
        # A caller waiting while the operator talks can be turned away (busy) without a word.
        self.reject_button = self._button(self.tr("Reject"), Key.REJECT_CALL, intake.reject)
        self.hangup_button = self._button(self.tr("Hang up"), Key.HANG_UP, intake.hangup)
        self.hold_button = self._button(self.tr("Hold"), Key.HOLD, intake.toggle_hold)
        self.transfer_button = self._button(self.tr("Transfer"), Key.TRANSFER, self.ask_transfer)
        self.dtmf_button = self._button(self.tr("DTMF"), Key.DTMF, self.ask_dtmf)
        self.mute_button = self._button(self.tr("Mute"), Key.MUTE, intake.toggle_mute)
        # The courier of the order the call is about: the caller goes to them in one key.
        self.courier_label = QLabel("")
        self.courier_label.setObjectName("callCourier")
        self.courier_label.setTextFormat(Qt.TextFormat.PlainText)
        self.courier_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.forward_button = self._button(
            self.tr("To the courier"), Key.FORWARD_TO_COURIER, intake.forward_to_courier
        )
        self.call_courier_button = self._button(
            self.tr("Call the courier"), Key.CALL_COURIER, intake.call_courier
        )

        # The courier (with its buttons) and the waiting callers get a second row, shown only
        # when there is something to say: in one row with the call buttons, a long waiting
        # caller's name made the window wider than a 1366-pixel screen, Answer/Reject off it.
        self.waiting_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        rows = QVBoxLayout(self)
        rows.setContentsMargins(6, 4, 6, 4)
        rows.setSpacing(2)
        layout = QHBoxLayout()
        second = QHBoxLayout()
        rows.addLayout(layout)
        rows.addLayout(second)
        second.addWidget(self.courier_label)
        second.addWidget(self.forward_button)
        second.addWidget(self.call_courier_button)
        second.addWidget(self.waiting_label, 1)
        # State and timer above the number, not beside it: in one line with the seven buttons a
        # ringing call ("Входящий звонок +7 … (номер не подтверждён) 00:08") made the window
        # wider than a 1366-pixel screen once the knowledge base panel was docked beside it.
        said = QVBoxLayout()
        said.setSpacing(0)
        state_line = QHBoxLayout()
        state_line.setSpacing(8)
        state_line.addWidget(self.state_label)
        state_line.addWidget(self.timer_label)
        state_line.addStretch(1)
        said.addLayout(state_line)
        said.addWidget(self.number_label)
        layout.addLayout(said)
        layout.addStretch(1)
        for button in (
            self.answer_button,
            self.reject_button,
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
        view = self.view = present_call_bar(calls)
        self.state_label.setText(view.state)
        self.number_label.setText(view.number)
        self.waiting_label.setText(view.waiting)
        self.waiting_label.setToolTip(view.waiting)  # the whole text when the row clips it
        self.waiting_label.setVisible(bool(view.waiting))
        if view.current is None:
            self.timer_label.setText("")
            self._ticker.stop()
        else:
            self._tick()
            self._ticker.start()
        self.answer_button.setEnabled(view.answer_enabled)
        self.reject_button.setEnabled(view.answer_enabled)
        self.hangup_button.setEnabled(view.hangup_enabled)
        for button in (self.hold_button, self.transfer_button, self.dtmf_button, self.mute_button):
            button.setEnabled(view.talking_enabled)
        self.courier_label.setText(view.courier)
        self.courier_label.setVisible(bool(view.courier))
        for button in (self.forward_button, self.call_courier_button):
            button.setEnabled(view.talking_enabled and bool(view.courier_phone))
            button.setVisible(bool(view.courier_phone))
        self.hold_button.setText(f"{view.hold_label} ({sequence(Key.HOLD)})")
        self.mute_button.setText(f"{view.mute_label} ({sequence(Key.MUTE)})")

    def _tick(self) -> None:
        if self.view.current is not None:
            self.timer_label.setText(timer_text(self.view.current))

    def ask_transfer(self) -> None:
        """Ask for the number to transfer the call to (the order's courier is offered)."""
        target, ok = QInputDialog.getText(
            self, self.tr("Transfer"), self.tr("Transfer to:"), text=self.view.courier_phone
        )
        if ok:
            self.intake.transfer(target)

    def ask_dtmf(self) -> None:
        """Ask for DTMF digits to send."""
        digits, ok = QInputDialog.getText(self, self.tr("DTMF"), self.tr("Digits to send:"))
        if ok:
            self.intake.send_dtmf(digits)

"""Text from callers, client records and couriers is shown literally, never as rich text."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel

from app.intake import LiveCall
from app.widgets.call_bar import CallBar
from app.widgets.plain_text import plain_tooltip
from dispatcher.models import Direction
from telephony.events import CallState

HOSTILE = ("<h1>x</h1>", "<img src=x onerror=alert(1)>")


class _Intake(QObject):
    """Just what the call bar binds to."""

    calls_changed = Signal(object)

    def __getattr__(self, name: str) -> Any:
        return lambda *args: None


def _call(call_id: int, name: str, *, waiting: bool = False) -> LiveCall:
    return LiveCall(
        call_id=call_id,
        number="+79161234567",
        label="+7 916 123-45-67",
        display_name=name,
        withheld=False,
        direction=Direction.IN,
        received_ns=0,
        state=CallState.RINGING,
        waiting=waiting,
        verified=False,
    )


def test_call_bar_shows_a_hostile_display_name_literally(qtbot: Any) -> None:
    bar = CallBar(_Intake())  # type: ignore[arg-type]
    qtbot.addWidget(bar)

    bar.show_calls([_call(1, HOSTILE[0]), _call(2, HOSTILE[1], waiting=True)])

    assert HOSTILE[0] in bar.number_label.text()
    assert "(unverified)" in bar.number_label.text()  # the From number was not asserted
    assert HOSTILE[1] in bar.waiting_label.text()
    for label in bar.findChildren(QLabel):
        assert label.textFormat() is Qt.TextFormat.PlainText, label.objectName()


def test_tooltips_of_client_and_courier_text_render_literally() -> None:
    for text in (*HOSTILE, "Не застал: <b>домофон</b> не работает"):
        document = QTextDocument()
        document.setHtml(plain_tooltip(text))

        assert document.toPlainText() == text
    assert plain_tooltip("") == ""

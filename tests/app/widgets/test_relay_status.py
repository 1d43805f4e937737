"""The relay label: state, queue and error from RelayStatus, posted from another thread."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from app.widgets.relay_status import ERROR_COLOUR, OK_COLOUR, WARN_COLOUR, RelayStatusLabel
from courier_sync.client.status import RelayStatus


def test_states_and_colours(qtbot: QtBot) -> None:
    label = RelayStatusLabel()
    qtbot.addWidget(label)
    assert label.text() == "Sync: off"
    label.show_status(RelayStatus(connected=True, queue_length=3))
    assert label.text() == "Sync: connected · queue 3"
    assert label.property("colour") == OK_COLOUR
    label.show_status(RelayStatus(connected=False, queue_length=12, last_error="timed out"))
    assert label.text() == "Sync: offline · queue 12 · timed out"
    assert label.property("colour") == ERROR_COLOUR
    assert "timed out" in label.toolTip()
    label.show_status(RelayStatus(connected=True, failed_count=2))
    assert label.text() == "Sync: connected · queue 0 · refused 2"
    assert label.property("colour") == WARN_COLOUR


def test_post_status_from_the_relay_thread(qtbot: QtBot) -> None:
    label = RelayStatusLabel()
    qtbot.addWidget(label)
    status = RelayStatus(connected=True, queue_length=1)
    thread = threading.Thread(target=label.post_status, args=(status,))
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: label.status == status)
    assert label.text() == "Sync: connected · queue 1"

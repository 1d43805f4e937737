"""The portal on the desk's windows, by keys over the real view models and database: access on
the client card (invite, copy, revoke), portal messages answered from the client's journal
and from the lead's escalation list, a claim's photos opened in the viewer."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.client_card import ClientCardViewModel
from app.complaint_details import ComplaintDetailsViewModel
from app.complaints import ComplaintsViewModel
from app.widgets.client_card_dialog import ClientCardDialog
from app.widgets.complaint_details import ComplaintDetailsWindow
from app.widgets.complaints_window import ComplaintsWindow
from app.widgets.photo_viewer import PhotoDialog
from app.widgets.portal_access import InvitationDialog
from app.widgets.portal_reply_dialog import PortalReplyDialog
from dispatcher import portal_events
from dispatcher.db import unit_of_work
from dispatcher.models import Direction, Interaction, InteractionKind, PortalInvitation, utcnow
from dispatcher.portal_events import IncomingPortalEvent
from tests.app.conftest import LEAD, Desk, desk_identity
from tests.app.keys import CTRL, Keyboard, type_into

TIMEOUT_MS = 10_000
ALT = Qt.KeyboardModifier.AltModifier


def _shown(qtbot: QtBot, widget: QWidget) -> None:
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget, timeout=TIMEOUT_MS)


def _modal(qtbot: QtBot, kind: type) -> Any:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), kind), timeout=TIMEOUT_MS)
    return QApplication.activeModalWidget()


def _apply(sessions: sessionmaker[Session], desk: Desk, kind: str, payload: dict, **kw: Any) -> int:
    event = IncomingPortalEvent(
        cursor=1,
        event_id=uuid.uuid4().hex,
        kind=kind,
        client_id=desk.world.person_id,
        contact_id=None,
        at=utcnow(),
        payload=payload,
        account_id=7,
        photos=kw.pop("photos", {}),
    )
    with unit_of_work(sessions) as s:
        return portal_events.apply_event(s, event, **kw).target_id or 0


def _reply_dialog(qtbot: QtBot) -> PortalReplyDialog:
    """The reply dialog once it is open and its answer has the keyboard."""
    reply: PortalReplyDialog = _modal(qtbot, PortalReplyDialog)
    qtbot.waitUntil(reply.answer.hasFocus, timeout=TIMEOUT_MS)
    return reply


def _png() -> bytes:
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.darkCyan)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def test_a_contact_is_invited_the_code_copied_and_the_access_revoked_by_keys(
    qtbot: QtBot, worker: Any, desk: Desk, sessions: sessionmaker[Session]
) -> None:
    vm = ClientCardViewModel(worker, desk_identity())
    dialog = ClientCardDialog(vm)
    qtbot.addWidget(dialog)
    _shown(qtbot, dialog)
    vm.open(desk.world.company_id)
    box = dialog.portal
    qtbot.waitUntil(lambda: box.people.count() == 1, timeout=TIMEOUT_MS)
    assert box.people.item(0).text() == "Смирнов Олег: no portal access"
    assert not box.revoke_button.isEnabled()
    box.people.setFocus()
    qtbot.keyClick(box.people, Qt.Key.Key_V, ALT)  # In&vite to portal
    invitation = _modal(qtbot, InvitationDialog)
    assert "#invite=" in invitation.link.text() and invitation.code.text()
    assert "Смирнов Олег" in invitation.about.text()
    qtbot.keyClick(invitation, Qt.Key.Key_C, CTRL)
    copied = QGuiApplication.clipboard().text()
    assert invitation.link.text() in copied and invitation.code.text() in copied
    qtbot.keyClick(invitation, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: "invitation pending" in box.people.item(0).text(), timeout=TIMEOUT_MS)
    with sessions() as s:
        row = s.scalars(select(PortalInvitation)).one()
        assert row.contact_id == desk.world.company_contact_id and row.created_by == "operator-1"
    qtbot.waitUntil(box.revoke_button.isEnabled, timeout=TIMEOUT_MS)
    _shown(qtbot, dialog)
    box.people.setFocus()
    qtbot.keyClick(box.people, Qt.Key.Key_K, ALT)  # Revo&ke portal access
    question = _modal(qtbot, QMessageBox)
    assert "Смирнов Олег" in question.text()
    qtbot.keyClick(question, Qt.Key.Key_Return)  # Yes is the default
    qtbot.waitUntil(lambda: "access revoked" in box.people.item(0).text(), timeout=TIMEOUT_MS)


def test_a_portal_message_is_answered_from_the_clients_journal(
    qtbot: QtBot, worker: Any, desk: Desk, sessions: sessionmaker[Session]
) -> None:
    message = {"message_id": "m-1", "text": "Когда привезёте?\n<script>x</script>"}
    message_id = _apply(sessions, desk, "message", message)
    vm = ClientCardViewModel(worker, desk_identity())
    dialog = ClientCardDialog(vm)
    qtbot.addWidget(dialog)
    _shown(qtbot, dialog)
    vm.open(desk.world.person_id)
    journal = dialog.journal
    qtbot.waitUntil(lambda: journal.list.count() == 1, timeout=TIMEOUT_MS)
    line = journal.list.item(0).text()
    assert "Portal message" in line and "Когда привезёте? <script>x</script>" in line
    assert "[answer by " in line
    journal.list.setFocus()
    journal.list.setCurrentRow(0)
    qtbot.keyClick(journal.list, Qt.Key.Key_Return)
    reply = _reply_dialog(qtbot)
    assert reply.question.toPlainText() == message["text"]
    keys = Keyboard(qtbot, reply)
    keys.press(Qt.Key.Key_Return, CTRL)  # nothing typed: refused, the dialog stays
    qtbot.waitUntil(lambda: "Write the answer" in reply.message.text(), timeout=TIMEOUT_MS)
    type_into(qtbot, reply.answer, "Завтра с 12 до 15")
    keys.press(Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: not reply.isVisible(), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: journal.list.count() == 2, timeout=TIMEOUT_MS)
    assert "Portal reply" in journal.list.item(0).text()
    assert "answer by" not in journal.list.item(1).text()
    with sessions() as s:
        answer = s.scalar(select(Interaction).where(Interaction.direction == Direction.OUT))
        assert answer is not None and answer.kind is InteractionKind.MESSAGE
        assert answer.planned_from_id == message_id and answer.notes == "Завтра с 12 до 15"


def test_the_lead_answers_an_overdue_portal_message_from_the_waiting_list(
    qtbot: QtBot, worker: Any, desk: Desk, sessions: sessionmaker[Session]
) -> None:
    message = {"message_id": "m-2", "text": "Третий день ждём ответа"}
    _apply(sessions, desk, "message", message, reply_minutes=0)
    later = utcnow() + dt.timedelta(minutes=5)
    vm = ComplaintsViewModel(worker, desk_identity(LEAD), lambda: later)
    window = ComplaintsWindow(vm)
    qtbot.addWidget(window)
    _shown(qtbot, window)
    vm.check()
    qtbot.waitUntil(lambda: window.waiting.count() == 1, timeout=TIMEOUT_MS)
    assert "Третий день ждём ответа" in window.waiting.item(0).text()
    assert window.badge.text() == "Complaints: 1 overdue"
    window.waiting.setFocus()
    window.waiting.setCurrentRow(0)
    qtbot.keyClick(window.waiting, Qt.Key.Key_Return)
    reply = _reply_dialog(qtbot)
    type_into(qtbot, reply.answer, "Простите, везём сегодня")
    qtbot.keyClick(reply.answer, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: window.waiting.count() == 0, timeout=TIMEOUT_MS)
    assert not reply.isVisible() and not window.badge.isVisible()


@pytest.mark.qt_log_ignore("JPEG", "Corrupt JPEG")  # Qt's decoder says what it refused
def test_a_claims_photo_opens_in_the_viewer_and_a_broken_one_is_refused_in_words(
    qtbot: QtBot, worker: Any, desk: Desk, sessions: sessionmaker[Session]
) -> None:
    claim = {
        "claim_id": "claim-1",
        "order_id": None,
        "text": "Бутыль с трещиной",
        "lines": [],
        "photos": [
            {"photo_id": "p1", "content_type": "image/png", "size": 100},
            {"photo_id": "p2", "content_type": "image/jpeg", "size": 4},
        ],
    }
    complaint_id = _apply(
        sessions, desk, "claim", claim, photos={"p1": _png(), "p2": b"\xff\xd8no"}
    )
    vm = ComplaintDetailsViewModel(worker, desk_identity(), complaint_id)
    window = ComplaintDetailsWindow(vm)
    qtbot.addWidget(window)
    _shown(qtbot, window)
    qtbot.waitUntil(lambda: window.photos.count() == 2, timeout=TIMEOUT_MS)
    assert window.photos.isVisible() and "KB" in window.photos.item(0).text()
    window.photos.setFocus()
    qtbot.keyClick(window.photos, Qt.Key.Key_Return)
    photo = _modal(qtbot, PhotoDialog)
    assert photo.shown and not photo.pixmap.isNull() and photo.pixmap.width() == 40
    qtbot.keyClick(photo, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=TIMEOUT_MS)
    _shown(qtbot, window)
    window.photos.setCurrentRow(1)
    qtbot.keyClick(window.photos, Qt.Key.Key_P, CTRL)
    qtbot.waitUntil(lambda: window.photo is not photo, timeout=TIMEOUT_MS)
    broken = _modal(qtbot, PhotoDialog)
    assert not broken.shown and "not a picture" in broken.picture.text()

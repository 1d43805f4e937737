"""`python -m app.portal_shots [DIR] --lang ru|en`: the portal's desk windows as PNG files.

Seeds a demo database, lets three clients order on the portal and one file a claim with a
photo (as the relay applies the feed), then opens the real windows and grabs them:
``portal-queue.png`` (the orders to confirm), ``portal-invite.png`` (a company contact's
invitation on the client card) and ``portal-claim-photo.png`` (the claim with its photo
opened). English files end in ``-en``. Run it on a real X display (``QT_QPA_PLATFORM=xcb``
under Xvfb) for the README's pictures.
"""

from __future__ import annotations

import argparse
import logging
import os
import uuid
from pathlib import Path
from typing import Any

from app.board_shots import ROOT, _save, _wait, demo_sessions

logger = logging.getLogger("portal_shots")


def main(argv: list[str] | None = None) -> int:
    """Write the pictures; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m app.portal_shots")
    parser.add_argument("out", nargs="?", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--lang", default="ru", choices=("ru", "en"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    from PySide6.QtWidgets import QApplication

    from app.i18n import install_translator
    from app.pyside_fix import pin_bools

    pin_bools()
    app = QApplication.instance() or QApplication(["dispatch-desk"])
    install_translator(app, args.lang)
    with demo_sessions(300) as sessions:
        _shoot(app, sessions, Path(args.out), args.lang)
    return 0


def _photo() -> bytes:
    """A drawn "photo" of a cracked bottle (PNG bytes)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, Qt
    from PySide6.QtGui import QColor, QImage, QPainter, QPen

    image = QImage(480, 360, QImage.Format.Format_RGB32)
    image.fill(QColor("#dfe9f3"))
    paint = QPainter(image)
    paint.setBrush(QColor("#7fb6e6"))
    paint.setPen(QPen(QColor("#3b6e99"), 4))
    paint.drawRoundedRect(170, 60, 140, 260, 30, 30)
    paint.setPen(QPen(QColor("#b3261e"), 5))
    points = [QPointF(200, 120), QPointF(235, 170), QPointF(215, 210), QPointF(260, 270)]
    paint.drawPolyline(points)
    paint.setPen(QPen(Qt.GlobalColor.black))
    paint.drawText(20, 340, "IMG_0412.png")
    paint.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def _feed(sessions: Any) -> tuple[int, int, int]:
    """Three portal orders and a claim with a photo; (company, its contact, the complaint)."""
    import datetime as dt

    from sqlalchemy import select

    from dispatcher import portal_events
    from dispatcher.db import unit_of_work
    from dispatcher.models import Client, ClientKind, Contact, utcnow
    from dispatcher.moscow import moscow_today
    from dispatcher.portal_events import IncomingPortalEvent

    tomorrow = moscow_today() + dt.timedelta(days=1)
    windows = [("09:00", "12:00"), ("12:00", "15:00"), ("15:00", "18:00")]
    comments = ["Позвонить за час", "", "Домофон не работает, наберите"]
    with unit_of_work(sessions) as s:
        people = list(s.scalars(select(Client.id).where(Client.kind == ClientKind.PERSON).limit(3)))
        contact = s.scalars(select(Contact).order_by(Contact.id).limit(1)).one()
        company_id, contact_id = contact.client_id, contact.id

        def event(kind: str, client_id: int, payload: dict[str, Any], **kw: Any) -> int:
            found = IncomingPortalEvent(
                cursor=1,
                event_id=uuid.uuid4().hex,
                kind=kind,
                client_id=client_id,
                contact_id=None,
                at=utcnow(),
                payload=payload,
                account_id=1,
                **kw,
            )
            return portal_events.apply_event(s, found).target_id or 0

        for client_id, (start, end), comment in zip(people, windows, comments, strict=True):
            order = {"request_id": uuid.uuid4().hex, "items": [{"code": "W19", "qty": 2}]}
            order |= {"date": tomorrow.isoformat(), "window_start": start, "window_end": end}
            event("order", client_id, order | {"comment": comment})
        claim = {
            "claim_id": uuid.uuid4().hex,
            "order_id": None,
            "text": "Одна бутыль пришла с трещиной, вода течёт",
            "lines": [{"code": "W19", "ordered": 3, "received": 2}],
            "photos": [{"photo_id": "p1", "content_type": "image/png", "size": 1}],
        }
        complaint_id = event("claim", people[0], claim, photos={"p1": _photo()})
    return company_id, contact_id, complaint_id


def _shoot(app: Any, sessions: Any, out: Path, lang: str) -> None:
    from app.client_card import ClientCardViewModel
    from app.complaint_details import ComplaintDetailsViewModel
    from app.identity import Identity
    from app.portal_queue import PortalQueueViewModel
    from app.widgets.client_card_dialog import ClientCardDialog
    from app.widgets.complaint_details import ComplaintDetailsWindow
    from app.widgets.portal_window import PortalQueueWindow
    from app.worker import DbWorker
    from dispatcher.portal import PORTAL_URL_ENV
    from dispatcher.users import Actor, UserRole

    suffix = "" if lang == "ru" else "-en"
    os.environ.setdefault(PORTAL_URL_ENV, "https://sync.example.ru/portal/")
    out.mkdir(parents=True, exist_ok=True)
    company_id, contact_id, complaint_id = _feed(sessions)
    worker = DbWorker(sessions)
    identity = Identity(Actor("olga", "Ольга", UserRole.OPERATOR))

    queue_vm = PortalQueueViewModel(worker, identity, lambda _number: None)
    queue = PortalQueueWindow(queue_vm)
    queue.resize(1100, 300)
    queue.open()
    _wait(app, lambda: queue.table.rowCount() == 3)
    _save(queue, out / f"portal-queue{suffix}.png")

    card_vm = ClientCardViewModel(worker, identity)
    card = ClientCardDialog(card_vm)
    card.show()
    card_vm.open(company_id)
    box = card.portal
    _wait(app, lambda: box.people.count() > 0)
    row = next(i for i, p in enumerate(card_vm.portal.people) if p.contact_id == contact_id)
    box.people.setCurrentRow(row)
    box.invite()
    _wait(app, lambda: box.dialog is not None and box.dialog.isVisible())
    assert box.dialog is not None
    # Over the addresses, so the card's portal box (right) shows the pending invitation.
    box.dialog.move(card.geometry().bottomLeft() - box.dialog.rect().bottomLeft())
    _wait(app, lambda: True)
    _save_screen(card, out / f"portal-invite{suffix}.png")
    box.dialog.close()
    card.close()

    details_vm = ComplaintDetailsViewModel(worker, identity, complaint_id)
    details = ComplaintDetailsWindow(details_vm)
    details.show()
    _wait(app, lambda: details.photos.count() == 1)
    details.open_photo()
    _wait(app, lambda: details.photo is not None and details.photo.isVisible())
    assert details.photo is not None
    details.photo.resize(520, 420)
    details.photo.move(details.geometry().topRight() - details.photo.rect().topRight())
    _wait(app, lambda: True)
    _save_screen(details, out / f"portal-claim-photo{suffix}.png")
    details.photo.close()
    details.close()
    worker.wait_idle()


def _save_screen(window: Any, path: Path) -> None:
    """The screen around ``window`` (its dialogs are separate windows on top of it)."""
    from PySide6.QtWidgets import QWidget

    area = window.frameGeometry()
    for child in window.findChildren(QWidget):  # its dialogs: windows of their own on top
        if child.isWindow() and child.isVisible():
            area = area.united(child.frameGeometry())
    shot = window.screen().grabWindow(0, area.x(), area.y(), area.width(), area.height())
    if not shot.save(str(path)):
        raise SystemExit(f"portal_shots: cannot write {path}")
    logger.info("wrote %s", path)


if __name__ == "__main__":
    raise SystemExit(main())

"""`dispatch client invite|revoke-portal` and `dispatch portal queue|confirm`."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session, sessionmaker

from dispatcher import portal_events
from dispatcher.db import make_engine, session_factory, unit_of_work
from dispatcher.models import utcnow
from dispatcher.moscow import moscow_today
from dispatcher.portal_events import IncomingPortalEvent
from tests.dispatcher.test_cli import Runner, _catalog, dispatch  # noqa: F401  (the fixture)


def _portal_order(db_url: str, client_id: int, request_id: str) -> int:
    engine = make_engine(db_url)
    sessions: sessionmaker[Session] = session_factory(engine)
    tomorrow = moscow_today() + dt.timedelta(days=1)
    event = IncomingPortalEvent(
        cursor=1,
        event_id=f"e-{request_id}",
        kind="order",
        client_id=client_id,
        contact_id=None,
        at=utcnow(),
        payload={
            "request_id": request_id,
            "items": [{"code": "W19", "qty": 3}],
            "date": tomorrow.isoformat(),
            "window_start": "09:00",
            "window_end": "12:00",
            "comment": "",
        },
    )
    try:
        with unit_of_work(sessions) as s:
            return portal_events.apply_event(s, event).target_id or 0
    finally:
        engine.dispose()


def test_invite_prints_the_code_once_and_the_queue_confirms(
    dispatch: Runner,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DISPATCH_PORTAL_URL", "https://sync.example/portal/")
    client_id, _a, _b = _catalog(dispatch)
    invited = dispatch.json("client", "invite", str(client_id))
    assert set(invited) == {
        "invitation_id",
        "client_id",
        "contact_id",
        "code",
        "link",
        "expires_at",
    }  # type: ignore[arg-type]
    assert invited["link"] == f"https://sync.example/portal/#invite={invited['code']}"  # type: ignore[index]
    order_id = _portal_order(dispatch.db_url, client_id, "r-1")
    queue = dispatch.json("portal", "queue")
    assert [row["order_id"] for row in queue] == [order_id]  # type: ignore[union-attr]
    done = dispatch.json("portal", "confirm", str(order_id))
    assert done["state"] == "delivery" and done["courier_name"]  # type: ignore[index]
    assert dispatch.json("portal", "queue") == []
    code, _out, err = dispatch("portal", "confirm", str(order_id))
    assert code == 2 and "already confirmed" in err
    revoked = dispatch.json("client", "revoke-portal", str(client_id))
    assert revoked == {"client_id": client_id, "contact_ids": [None]}
    code, _out, err = dispatch("client", "revoke-portal", str(client_id))
    assert code == 2 and "no portal access" in err

"""Live changes: the stamp moves with every order or task write, and the watchers hear it."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from devtools.postgres import ThrowawayPostgres
from dispatcher import orders
from dispatcher.changes import ChangeListener, StampPoller, change_stamp
from dispatcher.courier_events import IncomingEvent, apply_event
from dispatcher.db import make_engine, session_factory, unit_of_work
from dispatcher.migrate import upgrade
from dispatcher.models import CourierTask
from dispatcher.orders import LineInput, Slot
from tests.dispatcher.conftest import OPERATOR, World
from tests.helpers.wait import wait_until


def _stamp(sessions: sessionmaker[Session]) -> int:
    with sessions() as s:
        return change_stamp(s)


def test_the_stamp_moves_with_an_order_change_and_an_applied_courier_event(
    sessions: sessionmaker[Session], world: World
) -> None:
    before = _stamp(sessions)
    with unit_of_work(sessions) as s:
        order = orders.create_order(s, world.person_id, [LineInput("W19", 2)], actor=OPERATOR)
        orders.send_to_delivery(s, order.id, Slot(world.courier_a, world.tomorrow), actor=OPERATOR)
    sent = _stamp(sessions)
    assert sent > before
    with unit_of_work(sessions) as s:
        task = s.scalars(select(CourierTask).where(CourierTask.order_id == order.id)).one()
        at = dt.datetime.now(dt.UTC)
        event = IncomingEvent(1, world.courier_a, "e-1", task.uid, "accepted", at)
        assert apply_event(s, event).outcome == "applied"
    assert _stamp(sessions) > sent
    # A read changes nothing.
    with sessions() as s:
        orders.get_order(s, order.id)
    assert _stamp(sessions) == _stamp(sessions)


def test_the_poller_calls_back_when_another_connection_changes_an_order(
    engine: Engine, sessions: sessionmaker[Session], world: World
) -> None:
    heard: list[int] = []
    poller = StampPoller(sessions, heard.append, interval_s=0.05)
    poller.start()
    try:
        other = make_engine(engine.url.render_as_string(hide_password=False))
        with unit_of_work(session_factory(other)) as s:
            orders.create_order(s, world.person_id, [LineInput("W19", 1)], actor=OPERATOR)
        other.dispose()
        wait_until(lambda: heard, what="the poller to hear the change")
    finally:
        poller.stop()


@pytest.mark.expect_log("dispatcher.changes", "change listener")
def test_the_listener_hears_another_connection_and_survives_a_server_restart(
    own_cluster: ThrowawayPostgres,
) -> None:
    url = own_cluster.create_database("board")
    engine = make_engine(url)
    upgrade(engine)
    heard: list[int] = []
    lock = threading.Lock()

    def on_change(stamp: int) -> None:
        with lock:
            heard.append(stamp)

    listener = ChangeListener(url, on_change, timeout_s=0.05)
    listener.start()
    try:
        assert listener.connected.is_set()
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO clients (kind, name, name_key, payment_terms, notes, created_at)"
                " VALUES ('person', 'Иванов', 'иванов', 'cash', '', now())"
            )
            conn.exec_driver_sql(
                "INSERT INTO orders (client_id, state, fail_reason, needs_reschedule,"
                " payment_method, comment, created_at, updated_at, version)"
                " VALUES (1, 'interest', '', false, 'cash', '', now(), now(), 1)"
            )
        wait_until(lambda: heard, what="a notification")
        assert heard[0] > 0
        engine.dispose()
        own_cluster.pause()
        wait_until(lambda: not listener.connected.is_set(), what="the listener to lose the server")
        own_cluster.resume()
        # Back: one change reported at once, so a board reads again what it missed.
        wait_until(lambda: -1 in heard, timeout=15, what="the refresh after reconnecting")
        count = len(heard)
        with engine.begin() as conn:
            conn.exec_driver_sql("UPDATE orders SET comment = 'позвонить' WHERE id = 1")
        wait_until(lambda: len(heard) > count, what="a notification after the restart")
    finally:
        listener.stop()
        engine.dispose()

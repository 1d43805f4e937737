"""The board kept between reads on both databases: after a change it re-reads only the orders
the change log names, and shows what a whole read would; the log stays bounded."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from dispatcher import board_live, orders
from dispatcher.board import BoardDay, board_day
from dispatcher.board_live import KEEP, LiveBoard, changed_since
from dispatcher.db import unit_of_work
from dispatcher.orders import Slot
from tests.dispatcher.conftest import OPERATOR, World
from tests.dispatcher.test_board import Day, T, _at, _event, _send
from tests.dispatcher.test_board import day as day  # the hand-built day (a fixture)


def _live(sessions: sessionmaker[Session], live: LiveBoard, now: dt.datetime) -> BoardDay:
    with sessions() as s:
        return live.read(s, now)


def _whole(sessions: sessionmaker[Session], day: dt.date, now: dt.datetime) -> BoardDay:
    with sessions() as s:
        return board_day(s, day, now)


def _same(live: BoardDay, whole: BoardDay) -> None:
    assert live.problems == whole.problems
    assert live.columns == whole.columns


def test_changes_are_read_incrementally_and_show_what_a_whole_read_shows(
    sessions: sessionmaker[Session], world: World, day: Day
) -> None:
    now = _at(day.day, 9, 30)
    live = LiveBoard(day.day)
    _same(_live(sessions, live, now), _whole(sessions, day.day, now))
    assert (live.full_reads, live.partial_reads) == (1, 0)

    with unit_of_work(sessions) as s:  # another courier for the early delivery
        orders.reassign(s, day.early, Slot(world.courier_b, day.day, T(10), T(12)), actor=OPERATOR)
    board = _live(sessions, live, now)
    b = next(c for c in board.columns if c.courier_id == world.courier_b)
    a = next(c for c in board.columns if c.courier_id == world.courier_a)
    assert day.early in [t.order_id for t in b.tasks]
    assert day.early not in [t.order_id for t in a.tasks]
    _same(board, _whole(sessions, day.day, now))

    with unit_of_work(sessions) as s:  # the client calls one off; another goes to a later day
        orders.cancel(s, day.accepted, reason="Передумал", actor=OPERATOR)
        orders.reassign(
            s, day.late, Slot(world.courier_a, day.day + dt.timedelta(days=1)), actor=OPERATOR
        )
        _event(s, day.moved, "failed", reason="Не открыли", proposed_time="")
    board = _live(sessions, live, now)
    cards = {t.order_id: t for c in board.columns for t in c.tasks}
    assert cards[day.accepted].status == "cancelled"
    assert day.late not in cards  # moved to another day: gone from this one
    assert cards[day.moved].status == "failed"
    assert day.moved in {p.order_id for p in board.problems if p.kind.value == "failed"}
    _same(board, _whole(sessions, day.day, now))

    with unit_of_work(sessions) as s:  # a new delivery that day, and a task deleted by hand
        added = _send(s, world, world.courier_b, day.day, (T(14), T(16)), 3)
        s.execute(text("DELETE FROM courier_events WHERE order_id = :o"), {"o": day.done})
        s.execute(text("DELETE FROM courier_tasks WHERE order_id = :o"), {"o": day.done})
    board = _live(sessions, live, now)
    cards = {t.order_id: t for c in board.columns for t in c.tasks}
    assert added in cards and day.done not in cards
    _same(board, _whole(sessions, day.day, now))
    assert (live.full_reads, live.partial_reads) == (1, 3)


def test_nothing_changed_reads_no_order_and_reset_reads_everything(
    sessions: sessionmaker[Session], day: Day
) -> None:
    now = _at(day.day, 7)
    live = LiveBoard(day.day)
    first = _live(sessions, live, now)
    # The clock alone moves a delivery into the "not accepted" queue: no read needed for it.
    later = _live(sessions, live, _at(day.day, 9))
    assert len(later.problems) > len(first.problems)
    _same(later, _whole(sessions, day.day, _at(day.day, 9)))
    live.reset()
    _live(sessions, live, now)
    assert (live.full_reads, live.partial_reads) == (2, 1)


def test_a_cursor_the_log_was_pruned_past_reads_the_whole_day(
    sessions: sessionmaker[Session], world: World, day: Day, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = _at(day.day, 7)
    live = LiveBoard(day.day)
    _live(sessions, live, now)
    with unit_of_work(sessions) as s:
        orders.cancel(s, day.early, reason="Передумал", actor=OPERATOR)
    monkeypatch.setattr(board_live, "KEEP", 1)  # the log now "keeps" nothing behind its head
    board = _live(sessions, live, now)
    assert live.full_reads == 2
    _same(board, _whole(sessions, day.day, now))


def test_many_changes_at_once_read_the_whole_day(
    sessions: sessionmaker[Session], engine: Engine, day: Day
) -> None:
    with sessions() as s:
        cursor = changed_since(s, None).cursor
    with engine.begin() as conn:  # a bulk write touching more orders than a partial read takes
        conn.execute(text("UPDATE orders SET comment = 'bulk'"))
    with sessions() as s:
        assert changed_since(s, cursor).order_ids is not None  # the test day: a few orders
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(board_live, "MAX_CHANGED", 2)
        with sessions() as s:
            assert changed_since(s, cursor).order_ids is None


def test_the_change_log_is_pruned(engine: Engine, world: World, day: Day) -> None:
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:  # KEEP + 1,000 entries in one statement (all new)
            conn.execute(text("DELETE FROM order_changes"))
            conn.execute(
                text(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                    "WHERE i < :count) "
                    "INSERT INTO order_changes (pos, order_id) SELECT i, :o FROM n"
                ),
                {"count": KEEP + 1000, "o": day.early},
            )
            low, high, count = conn.execute(
                text("SELECT min(pos), max(pos), count(*) FROM order_changes")
            ).one()
        # Pruned every 256 entries down to KEEP behind the newest: never more than KEEP + 256.
        assert high - low < KEEP + 256 and count <= KEEP + 256 and low > 256
        return
    # PostgreSQL: an entry older than KEEP transactions goes within the next 256 writes.
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO order_changes (pos, order_id) VALUES (-1000000000, :o)"), {"o": 1}
        )
    for _ in range(300):
        with engine.begin() as conn:
            conn.execute(text("UPDATE orders SET comment = 'x' WHERE id = :o"), {"o": day.early})
            if conn.execute(text("SELECT count(*) FROM order_changes WHERE pos < 0")).scalar():
                continue
        break
    else:
        pytest.fail("the ancient log entry was never pruned")

"""Exactly once: a send retried after any failure never takes the order twice.

The desk gives each draft an idempotency key; a retry with it returns the order written by
the attempt whose reply was lost. The hard case is a real one: PostgreSQL commits and the
connection breaks before the desk hears so (a proxy in the test loses the reply).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, exc, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from dispatcher import outbox
from dispatcher.db import make_engine, session_factory, unit_of_work
from dispatcher.errors import ValidationError
from dispatcher.models import CourierTask, Order, OrderState, OutboxMessage, UserRole
from dispatcher.operations import orders as ops
from dispatcher.orders import LineInput, Slot
from dispatcher.users import Actor
from tests.dispatcher.conftest import OPERATOR, World
from tests.helpers.commit_cut import CommitCuttingProxy

CLERK = Actor(OPERATOR, "Оператор Ольга", UserRole.OPERATOR)


def _new(world: World, key: str, *, client_id: int | None = None, qty: int = 2) -> ops.NewOrder:
    return ops.NewOrder(
        client_id or world.person_id,
        [LineInput("W19", qty)],
        address_id=world.person_address_id if client_id is None else None,
        idempotency_key=key,
    )


def _slot(world: World) -> Slot:
    return Slot(world.courier_a, world.tomorrow, dt.time(10), dt.time(14))


def _counts(sessions: sessionmaker[Session]) -> tuple[int, int, int]:
    """Orders, courier tasks and task upserts in the outbox."""
    with sessions() as s:
        return (
            s.scalar(select(func.count()).select_from(Order)) or 0,
            s.scalar(select(func.count()).select_from(CourierTask)) or 0,
            s.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.topic == outbox.TOPIC_TASK_UPSERT)
            )
            or 0,
        )


def test_a_retried_send_returns_the_order_taken_first(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with unit_of_work(sessions) as s:
        first = ops.take_order(s, _new(world, "draft-1"), _slot(world), actor=CLERK)
    # The desk did not hear back and presses Send again: same draft, same key.
    with unit_of_work(sessions) as s:
        again = ops.take_order(s, _new(world, "draft-1", qty=3), _slot(world), actor=CLERK)
    assert again == first
    assert _counts(sessions) == (1, 1, 1)
    # A new draft is a new order.
    with unit_of_work(sessions) as s:
        other = ops.take_order(s, _new(world, "draft-2"), _slot(world), actor=CLERK)
    assert other.id != first.id
    assert _counts(sessions) == (2, 2, 2)


def test_a_retried_interest_or_rejection_is_written_once(
    world: World, sessions: sessionmaker[Session]
) -> None:
    for _ in range(2):
        with unit_of_work(sessions) as s:
            saved = ops.save_interest(s, _new(world, "interest-1"), actor=CLERK)
    for _ in range(2):
        with unit_of_work(sessions) as s:
            rejected = ops.reject(s, _new(world, "lost-1"), reason=1, actor=CLERK)
    assert saved.state is OrderState.INTEREST
    assert rejected.state is OrderState.REJECTED
    assert _counts(sessions) == (2, 0, 0)


def test_a_key_of_another_clients_order_or_a_malformed_key_is_refused(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with unit_of_work(sessions) as s:
        taken = ops.save_interest(s, _new(world, "draft-1"), actor=CLERK)
    other_client = _new(world, "draft-1", client_id=world.company_id)
    with (
        pytest.raises(ValidationError, match=f"already used for order #{taken.id}"),
        unit_of_work(sessions) as s,
    ):
        ops.save_interest(s, other_client, actor=CLERK)
    for bad in ("", "x" * 65, "a\nb"):
        with pytest.raises(ValidationError, match="1 to 64 printable"), unit_of_work(sessions) as s:
            ops.save_interest(s, _new(world, bad), actor=CLERK)
    assert _counts(sessions)[0] == 1


@pytest.fixture
def cut_line(
    db_url: str, engine: Engine
) -> Iterator[tuple[CommitCuttingProxy, sessionmaker[Session]]]:
    """Sessions whose connections pass through a proxy that can lose a COMMIT's reply."""
    if not db_url.startswith("postgresql"):
        pytest.skip("the commit reply is lost on the network: PostgreSQL only")
    url = make_url(db_url)
    assert url.host and url.port
    with CommitCuttingProxy(url.host, url.port) as proxy:
        proxied = make_engine(url.set(host="127.0.0.1", port=proxy.port).render_as_string(False))
        yield proxy, session_factory(proxied)
        proxied.dispose()


def test_a_commit_whose_reply_is_lost_is_taken_once_on_retry(
    world: World,
    sessions: sessionmaker[Session],
    cut_line: tuple[CommitCuttingProxy, sessionmaker[Session]],
) -> None:
    proxy, cut_sessions = cut_line
    new = _new(world, "draft-on-a-bad-line")
    proxy.cut_next_commit()
    # The desk sees a failure it cannot tell from "nothing written"...
    with pytest.raises(exc.OperationalError), unit_of_work(cut_sessions) as s:
        ops.take_order(s, new, _slot(world), actor=CLERK)
    assert proxy.commits_cut == 1
    # ...although PostgreSQL wrote it (read past the proxy).
    assert _counts(sessions) == (1, 1, 1)
    # The retry (the operator presses Send again) finds it: one order, one task, one message.
    with unit_of_work(cut_sessions) as s:
        again = ops.take_order(s, new, _slot(world), actor=CLERK)
    assert again.state is OrderState.DELIVERY and again.task_uid is not None
    assert _counts(sessions) == (1, 1, 1)

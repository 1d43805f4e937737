"""A running report tells how far it got and stops when cancelled, on both backends."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from dispatcher.db import unit_of_work
from dispatcher.reports import CancelToken, ReportCancelled, run_report
from dispatcher.reports.run import _watched
from tests.dispatcher.reports.test_reports_oracle import LEAD
from tests.dispatcher.reports.worlds import PERIOD


def test_progress_hears_each_statement_of_the_report(sessions: sessionmaker[Session]) -> None:
    steps: list[int] = []
    with unit_of_work(sessions) as s:
        report = run_report(s, "delivered", PERIOD, actor=LEAD, progress=steps.append)
    assert report.rows == ()
    assert len(steps) >= 3 and steps == list(range(1, len(steps) + 1))


def test_a_report_cancelled_between_statements_stops(sessions: sessionmaker[Session]) -> None:
    token = CancelToken()
    steps: list[int] = []

    def progress(n: int) -> None:
        steps.append(n)
        token.cancel()  # the lead pressed Cancel while the first query ran

    with pytest.raises(ReportCancelled), unit_of_work(sessions) as s:
        run_report(s, "delivered", PERIOD, actor=LEAD, progress=progress, cancel=token)
    assert steps == [1]


def test_a_cancelled_token_runs_nothing(sessions: sessionmaker[Session]) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(ReportCancelled), unit_of_work(sessions) as s:
        run_report(s, "sales", PERIOD, actor=LEAD, cancel=token)


def test_cancel_interrupts_a_statement_while_the_database_runs_it(
    sessions: sessionmaker[Session],
) -> None:
    token = CancelToken()
    with sessions() as s:
        slow = (
            "SELECT pg_sleep(30)"
            if s.get_bind().dialect.name == "postgresql"
            else "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 400000000)"
            " SELECT count(*) FROM c"
        )
        timer = threading.Timer(0.3, token.cancel)  # from another thread, as the window does
        with pytest.raises(ReportCancelled), _watched(s, lambda _n: timer.start(), token):
            s.execute(text(slow))
        s.rollback()
        timer.join()

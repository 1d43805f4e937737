"""Every report shows exactly the figures a plain-Python oracle computes from random worlds:
orders delivered, failed, rescheduled, cancelled and rejected across Moscow midnight and the
period's edges, merged duplicates, returned bottles and calls."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hypothesis import HealthCheck, given, settings
from sqlalchemy.orm import Session, sessionmaker

import dispatcher.reports.bottles as bottles
from dispatcher.db import unit_of_work
from dispatcher.models import UserRole
from dispatcher.reports import Report, open_report, report_rows, run_report
from dispatcher.users import Actor
from tests.dispatcher.reports import oracle
from tests.dispatcher.reports.worlds import (
    PERIOD,
    PRODUCTS,
    Catalogue,
    WorldSpec,
    expected_delivered,
    wipe,
    worlds,
    write,
)

LEAD = Actor("lead", "Старший смены", UserRole.LEAD)


def _report(sessions: sessionmaker[Session], name: str) -> Report:
    with unit_of_work(sessions) as s:
        return run_report(s, name, PERIOD, actor=LEAD)


def _paged(sessions: sessionmaker[Session], name: str) -> Report:
    """A long report read as the window and the exports do: first page, then every page.

    Tiny pages, so that a world of a few clients still spans several of them.
    """
    with unit_of_work(sessions) as s:
        head = open_report(s, name, PERIOD, actor=LEAD, page_size=2)
        rows = tuple(report_rows(s, head, actor=LEAD, chunk=3))
    assert head.row_count == len(rows)
    keys = [r["client_id"] for r in rows]
    assert len(set(keys)) == len(keys)  # no row twice across pages
    return replace(head, rows=rows)


def _pick(row: dict[str, Any], keys: Any) -> dict[str, Any]:
    return {k: row.get(k, 0) for k in keys}


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=worlds)
def test_every_report_matches_the_oracle(
    sessions: sessionmaker[Session], catalogue: Catalogue, spec: WorldSpec
) -> None:
    wipe(sessions)
    written = write(sessions, catalogue, spec)
    client_of = {cid: i for i, cid in enumerate(written.client_ids)}

    # Delivered water: per courier and in total, split by kind.
    want_rows, want_totals = expected_delivered(spec, catalogue)
    report = _report(sessions, "delivered")
    figures = ("orders", "clients", "person_qty", "person_sum_kop", "company_qty")
    figures += ("company_sum_kop", "qty", "sum_kop")
    assert {r["courier"]: _pick(r, figures) for r in report.rows} == {
        name: _pick(r, figures) for name, r in want_rows.items()
    }
    assert _pick(report.totals, figures) == _pick(want_totals, figures)

    # Goods and services sold, per product.
    want_rows, want_totals = oracle.sales(spec)
    report = _report(sessions, "sales")
    figures = ("person_qty", "person_sum_kop", "company_qty", "company_sum_kop", "qty", "sum_kop")
    assert {r["code"]: _pick(r, figures) for r in report.rows} == {
        code: _pick(r, figures) for code, r in want_rows.items()
    }
    assert _pick(report.totals, figures) == _pick(want_totals, figures)

    # Processed orders and calls, per operator.
    want = oracle.orders(spec)
    report = _report(sessions, "orders")
    keys = ("taken", "delivered", "rejected", "cancelled", "open", "failed", "rejected_1")
    keys += ("calls_answered", "calls_missed", "called_back")
    assert {r["operator"]: _pick(r, keys) for r in report.rows} == {
        op: _pick(r, keys) for op, r in want.items()
    }
    for row in report.rows:
        outcomes = row["delivered"] + row["rejected"] + row["cancelled"] + row["open"]
        assert outcomes == row["taken"]
        if row["taken"]:
            assert row["delivered_pct"] == round(100 * row["delivered"] / row["taken"], 1)

    # Lost clients: last order in December, nothing since, merged duplicates once.
    want_lost = oracle.lost_clients(spec, catalogue, written.phones)
    report = _paged(sessions, "lost-clients")
    days = [r["last_order"] for r in report.rows]
    assert days == sorted(days, reverse=True)  # the newest losses first, across pages
    assert report.totals == {
        "clients": len(report.rows),
        "orders": sum(r["orders"] for r in report.rows),
        "sum_kop": sum(r["sum_kop"] for r in report.rows),
    }
    names = {code: name for code, name, *_rest in PRODUCTS}
    got = {client_of[r["client_id"]]: r for r in report.rows}
    assert set(got) == set(want_lost)
    for client, want_row in want_lost.items():
        row = got[client]
        assert row["last_order"] == want_row["last_order"]
        assert row["phone"] == want_row["phone"]
        assert row["kind"] == want_row["kind"]
        assert (row["orders"], row["sum_kop"]) == (want_row["orders"], want_row["sum_kop"])
        assert row["usual_product"] == names[want_row["usual_product_code"]]
        assert row["usual_qty"] == want_row["usual_qty"]

    # Cash per courier per Moscow day.
    want_cash = oracle.cash(spec, catalogue)
    report = _report(sessions, "cash")
    keys = ("orders", "to_collect_kop", "collected_kop", "difference_kop")
    assert {(r["day"], r["courier"]): _pick(r, keys) for r in report.rows} == {
        k: _pick(v, keys) for k, v in want_cash.items()
    }
    for row in report.rows:
        assert (row["mark"] != "") == (row["difference_kop"] != 0)

    # Bottles delivered and returned in March, held at its end.
    want_bottles = oracle.bottles(spec)
    report = _paged(sessions, "bottles")
    keys = ("delivered", "returned", "qty", "kind")
    assert {client_of[r["client_id"]]: _pick(r, keys) for r in report.rows} == {
        k: _pick(v, keys) for k, v in want_bottles.items()
    }
    assert [r["client_id"] for r in report.rows] == sorted(r["client_id"] for r in report.rows)
    for key in ("delivered", "returned", "qty"):
        assert report.totals[key] == sum(r[key] for r in report.rows)
    assert _report(sessions, "bottles").rows == report.rows  # run_report reads every page
    short, bottles.SHORT_DAYS = bottles.SHORT_DAYS, 0  # the way of a year: every client's rows
    try:
        long_way = _paged(sessions, "bottles")
    finally:
        bottles.SHORT_DAYS = short
    assert (long_way.totals, long_way.rows) == (report.totals, report.rows)

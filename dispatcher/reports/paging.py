"""Long reports a page at a time: the first page with the totals, then the pages after it.

A paged report (`bottles`, `lost-clients`: hundreds of thousands of rows in a year) computes
its totals, its row count and its chart in SQL and reads its rows in a stable order, a page
at a time, by keyset (the rows after the last one's sort key, which ends in the client id):
no OFFSET, so the hundredth page costs what the first does. The window asks for the pages as
the table scrolls; `dispatch report` and the exports stream every page in chunks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from dispatcher.reports.model import Cursor, Report, ReportParams

PAGE_SIZE = 500  # rows the window shows before it asks for more
STREAM_CHUNK = 5_000  # rows an export or `dispatch report` reads at a time

Row = dict[str, Any]
# (session, params, limit) -> the first page with the totals, count, chart and cursor.
Head = Callable[[Session, ReportParams, int], Report]
# (session, cursor, limit) -> the rows after the cursor and the cursor after them (or None).
Pager = Callable[[Session, Cursor, int], tuple[list[Row], Cursor | None]]


def cursor_after(
    template: Cursor, rows: list[Row], limit: int, key: Callable[[Row], tuple[Any, ...]]
) -> Cursor | None:
    """The cursor after ``rows`` (a page asked with ``limit``); None when it was the last."""
    if len(rows) < limit:
        return None
    return replace(template, after=key(rows[-1]))


def pages(
    session: Session, report: Report, pager: Pager, limit: int = STREAM_CHUNK
) -> Iterator[Row]:
    """Every row of ``report``: those it holds, then the pages after its cursor."""
    yield from report.rows
    cursor = report.cursor
    while cursor is not None:
        rows, cursor = pager(session, cursor, limit)
        yield from rows


def whole(session: Session, report: Report, pager: Pager) -> Report:
    """``report`` with every row read into it (the callers that want them all, small ones)."""
    rows = tuple(pages(session, report, pager))
    return replace(report, rows=rows, row_count=None, cursor=None)

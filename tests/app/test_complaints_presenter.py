"""How the complaints list words a deadline."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from app.complaints_presenter import deadline_text
from dispatcher.complaints import ComplaintRow
from dispatcher.models import ComplaintPriority, ComplaintRemedy, ComplaintStatus
from dispatcher.moscow import MOSCOW


def _row(deadline: dt.datetime, overdue: bool = False) -> ComplaintRow:
    values: dict[str, Any] = {f.name: None for f in dataclasses.fields(ComplaintRow)}
    values.update(
        id=1,
        status=ComplaintStatus.REGISTERED,
        priority=ComplaintPriority.NORMAL,
        remedy=ComplaintRemedy.NONE,
        deadline=deadline,
        overdue=overdue,
        order_ids=(),
    )
    return ComplaintRow(**values)


def test_a_deadline_given_as_a_day_reads_as_that_day(qapp: Any) -> None:
    # Stored as the next Moscow midnight: the list says the day the lead chose.
    end_of_first = dt.datetime(2030, 1, 2, 0, 0, tzinfo=MOSCOW)
    assert deadline_text(_row(end_of_first)) == "01.01.2030"
    assert deadline_text(_row(dt.datetime(2030, 1, 2, 15, 30, tzinfo=MOSCOW))) == "02.01.2030 15:30"
    assert "01.01.2030" in deadline_text(_row(end_of_first, overdue=True))

"""The order panel's courier list and warning: off that day marked, outside hours warned."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.order_entry import OrderField
from app.order_presenter import courier_items, courier_warning, field_messages
from dispatcher.couriers import Schedule
from dispatcher.operations.order_form import CourierChoice

SUNDAY = dt.date(2030, 6, 2)
MONDAY = SUNDAY + dt.timedelta(days=1)
PETROV = CourierChoice(
    1, "Петров Пётр", Schedule("Петров Пётр", True, 0b0111111, dt.time(9), dt.time(15))
)
SIDOROV = CourierChoice(2, "Сидоров Семён", Schedule("Сидоров Семён"))


@dataclass
class FakeOrder:
    """The properties the presenter reads."""

    courier_id: int | None
    date: dt.date | None
    window: tuple[dt.time | None, dt.time | None] = (None, None)
    field_messages: dict[OrderField, str] | None = None

    def couriers(self) -> list[CourierChoice]:
        return [PETROV, SIDOROV]

    def __post_init__(self) -> None:
        self.field_messages = self.field_messages or {}


def test_a_courier_off_that_day_is_marked_in_the_list() -> None:
    assert courier_items(FakeOrder(None, SUNDAY)) == [
        ("Петров Пётр — day off", 1),
        ("Сидоров Семён", 2),
    ]
    assert courier_items(FakeOrder(None, MONDAY))[0] == ("Петров Пётр", 1)


def test_a_slot_outside_the_couriers_hours_is_warned_under_the_courier() -> None:
    late = FakeOrder(1, MONDAY, (dt.time(15), dt.time(18)))
    assert courier_warning(late) == "⚠ 15:00–18:00 is outside Петров Пётр's hours (09:00–15:00)."
    assert field_messages(late).courier == courier_warning(late)  # type: ignore[arg-type]
    assert courier_warning(FakeOrder(1, MONDAY, (dt.time(9), dt.time(12)))) == ""
    assert courier_warning(FakeOrder(2, MONDAY, (dt.time(18), dt.time(21)))) == ""
    assert "does not work on Sunday" in courier_warning(FakeOrder(1, SUNDAY))
    # The view model's own message about the courier comes first.
    refused = FakeOrder(1, SUNDAY, field_messages={OrderField.COURIER: "Choose a courier."})
    assert field_messages(refused).courier == "Choose a courier."  # type: ignore[arg-type]

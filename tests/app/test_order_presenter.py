"""The order panel's presenter: Send follows the view model's can_send, texts and "today"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from app.order_entry import OrderField, OrderMode
from app.order_presenter import (
    date_choice,
    field_messages,
    keeps_work,
    match_text,
    present_order,
    ready_for_keys,
)


@dataclass(frozen=True)
class FakeOrderState:
    """The public state of an OrderEntryViewModel, set by hand."""

    mode: OrderMode = OrderMode.NEW
    order_id: int | None = None
    client_name: str = "Иванова Мария Петровна"
    can_send: bool = False
    missing: list[str] = field(default_factory=lambda: ["a courier"])
    field_messages: dict[OrderField, str] = field(default_factory=dict)
    status_text: str = ""
    busy: bool = False
    saving: bool = False
    date: dt.date | None = None
    slot_text: str = ""
    slot_confirmed: bool = False
    lines: tuple[object, ...] = ()
    lines_editable: bool = True


def test_send_is_enabled_exactly_when_the_view_model_can_send() -> None:
    incomplete = FakeOrderState(can_send=False, missing=["a courier", "a delivery date"])
    view = present_order(incomplete)
    assert not view.send_enabled
    assert view.missing == "Still needed: a courier, a delivery date"
    ready = present_order(replace(incomplete, can_send=True, missing=[]))
    assert ready.send_enabled and ready.missing == ""
    assert ready.send_label == "Send to delivery" and ready.reject_enabled


def test_an_empty_panel_asks_for_a_client_and_offers_nothing() -> None:
    view = present_order(FakeOrderState(mode=OrderMode.EMPTY, client_name="", missing=["a client"]))
    assert view.client == "No client chosen"
    assert view.missing == "", "no nagging before a client is chosen"
    assert not (view.send_enabled or view.reject_enabled or view.comment_enabled)
    assert view.mode_banner == ""


def test_reassigning_and_resending_say_so_and_start_where_the_operator_works() -> None:
    reassign = present_order(FakeOrderState(mode=OrderMode.REASSIGN, order_id=12))
    assert reassign.mode_banner == (
        "Order #12 is out for delivery: change its products, address, comment, payment, "
        "courier or slot; the courier's phone shows what changed."
    )
    assert reassign.send_label == "Save changes"
    assert reassign.starts_at_courier and not reassign.reject_enabled
    assert reassign.comment_enabled and reassign.cancel_enabled and reassign.payment_visible
    resend = present_order(FakeOrderState(mode=OrderMode.RESEND, order_id=13))
    assert resend.mode_banner == "Order #13 needs a new delivery slot."
    assert resend.reject_enabled and not resend.starts_at_courier


def test_status_slot_and_field_messages() -> None:
    state = FakeOrderState(
        status_text="Order #12 sent to delivery: …",
        slot_text="Петров Пётр, 08.03.2025 09:00–12:00",
        slot_confirmed=True,
        field_messages={
            OrderField.LINES: "Add at least one product.",
            OrderField.QUANTITY: "Quantity must be between 1 and 10 000.",
            OrderField.COURIER: "Choose a courier.",
        },
    )
    view = present_order(state)
    assert view.status == "Order #12 sent to delivery: …"
    assert view.slot_label == "✓ Slot: Петров Пётр, 08.03.2025 09:00–12:00"
    assert present_order(replace(state, busy=True)).status == "Working…"
    assert present_order(FakeOrderState()).slot_label == "Slot: no slot yet"
    messages = field_messages(state)
    assert messages.lines == "Add at least one product. Quantity must be between 1 and 10 000."
    assert (messages.courier, messages.address, messages.date) == ("Choose a courier.", "", "")


def test_the_date_picker_starts_today_but_keeps_a_restored_past_day() -> None:
    today = dt.date(2025, 3, 7)
    assert date_choice(None, today) == date_choice(today, today)
    assert date_choice(None, today).shown == today
    later = date_choice(dt.date(2025, 3, 9), today)
    assert (later.earliest, later.shown) == (today, dt.date(2025, 3, 9))
    past = date_choice(dt.date(2025, 3, 1), today)
    assert (past.earliest, past.shown) == (dt.date(2025, 3, 1), dt.date(2025, 3, 1))


def test_a_new_call_keeps_work_in_progress_and_focus_waits_for_the_card() -> None:
    assert not keeps_work(FakeOrderState())
    assert keeps_work(FakeOrderState(lines=("W19",)))
    assert keeps_work(FakeOrderState(mode=OrderMode.REASSIGN, saving=True))
    assert not keeps_work(FakeOrderState(mode=OrderMode.REASSIGN, lines=("W19",)))
    assert ready_for_keys(FakeOrderState())
    assert not ready_for_keys(FakeOrderState(busy=True))
    assert not ready_for_keys(FakeOrderState(lines_editable=False))


def test_product_matches_read_code_name_and_price() -> None:
    assert match_text("W19", "Вода 19 л", 25000) == "W19 · Вода 19 л · 250,00\u00a0₽"

"""The order panel's model, in the parts it is made of.

- ``draft``: the draft, its lines and labels (pure data and texts).
- ``rules``: what stops a send and each field's message (pure functions of the draft).
- ``sheet`` / ``editing``: the order on screen and the operator's edits (no signals, no jobs).
- ``view_model``: ``OrderEntryViewModel``, the sheet plus signals and database jobs.
"""

from __future__ import annotations

from app.order_entry.draft import (
    COMMENT_LIMIT,
    MAX_QTY,
    Choice,
    DraftLine,
    OrderDraft,
    OrderField,
    OrderMode,
    address_label,
    order_label,
    window_label,
)
from app.order_entry.view_model import OrderEntryViewModel

__all__ = [
    "COMMENT_LIMIT",
    "MAX_QTY",
    "Choice",
    "DraftLine",
    "OrderDraft",
    "OrderEntryViewModel",
    "OrderField",
    "OrderMode",
    "address_label",
    "order_label",
    "window_label",
]

"""The workspace's keyboard map: one table read by the widgets, the F1 map and the tests."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Key(StrEnum):
    """Every workspace command that has a shortcut."""

    ANSWER = "answer"
    HANG_UP = "hang_up"
    REJECT_CALL = "reject_call"
    HOLD = "hold"
    TRANSFER = "transfer"
    MUTE = "mute"
    DTMF = "dtmf"
    DIAL = "dial"
    CONFIRM = "confirm"
    SEARCH = "search"
    NEW_CLIENT = "new_client"
    MERGE = "merge"
    EDIT_CLIENT = "edit_client"
    ATTACH_CALLER = "attach_caller"
    REPEAT_LAST = "repeat_last"
    ADD_PRODUCT = "add_product"
    COURIER = "courier"
    DATE = "date"
    WINDOW = "window"
    COMMENT = "comment"
    SEND_TO_DELIVERY = "send_to_delivery"
    REJECT_ORDER = "reject_order"
    CANCEL_ORDER = "cancel_order"
    OPEN_ORDER = "open_order"
    CALLBACKS = "callbacks"
    REPORTS = "reports"
    SETTINGS = "settings"
    SWITCH_OPERATOR = "switch_operator"
    SHORTCUT_MAP = "shortcut_map"
    DEMO_CALL = "demo_call"
    FORWARD_TO_COURIER = "forward_to_courier"
    CALL_COURIER = "call_courier"
    BOARD = "board"
    BOARD_RESCHEDULE = "board_reschedule"
    BOARD_REASSIGN = "board_reassign"
    BOARD_CALL_CLIENT = "board_call_client"
    BOARD_OPEN_ORDER = "board_open_order"
    BOARD_PREVIOUS_DAY = "board_previous_day"
    BOARD_NEXT_DAY = "board_next_day"
    BOARD_TODAY = "board_today"
    COMPLAINT = "complaint"
    COMPLAINTS = "complaints"
    PLAN_CALL = "plan_call"
    KNOWLEDGE = "knowledge"
    PORTAL = "portal"
    PORTAL_CONFIRM = "portal_confirm"
    PORTAL_CALL = "portal_call"


@dataclass(frozen=True, slots=True)
class Shortcut:
    """A key sequence (Qt's portable text form) and what it does, for the F1 map."""

    key: Key
    sequence: str
    label: str  # English source text; translated through Qt's "shortcuts" context


SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut(Key.ANSWER, "F2", "Answer the ringing call"),
    Shortcut(Key.HANG_UP, "F4", "Hang up"),
    Shortcut(Key.REJECT_CALL, "Shift+F4", "Reject the ringing call (busy)"),
    Shortcut(Key.HOLD, "F6", "Hold / resume"),
    Shortcut(Key.TRANSFER, "F7", "Transfer the call to a number"),
    Shortcut(Key.MUTE, "F8", "Mute / unmute the microphone"),
    Shortcut(Key.DTMF, "F9", "Send DTMF digits"),
    Shortcut(Key.DIAL, "Ctrl+D", "Call the selected client back"),
    Shortcut(Key.CONFIRM, "Return", "Confirm: the client, the suggested slot"),
    Shortcut(Key.SEARCH, "Ctrl+F", "Search clients by name, address or phone"),
    Shortcut(Key.NEW_CLIENT, "Ctrl+N", "New client"),
    Shortcut(Key.MERGE, "Ctrl+Shift+M", "Merge duplicates into the selected client"),
    Shortcut(Key.EDIT_CLIENT, "Ctrl+E", "Edit the selected client's card"),
    Shortcut(Key.ATTACH_CALLER, "Ctrl+Shift+A", "Attach an unknown caller's number to a client"),
    Shortcut(Key.REPEAT_LAST, "Ctrl+R", "Repeat the client's last order"),
    Shortcut(Key.ADD_PRODUCT, "Ctrl+P", "Find a product to add (+/- change quantity)"),
    Shortcut(Key.COURIER, "Alt+K", "Choose the courier"),
    Shortcut(Key.DATE, "Alt+D", "Delivery date"),
    Shortcut(Key.WINDOW, "Alt+W", "Delivery time window"),
    Shortcut(Key.COMMENT, "Alt+M", "Comment for the courier"),
    Shortcut(Key.SEND_TO_DELIVERY, "Ctrl+Return", "Send the order to delivery"),
    Shortcut(Key.REJECT_ORDER, "Ctrl+Shift+X", "Reject the interest with a reason"),
    Shortcut(Key.CANCEL_ORDER, "Ctrl+Shift+Del", "Cancel the order on screen with a reason"),
    Shortcut(Key.OPEN_ORDER, "Ctrl+O", "Open an order by number (change or cancel it)"),
    Shortcut(Key.CALLBACKS, "Ctrl+L", "Calls of the day and the callback list"),
    Shortcut(Key.REPORTS, "Ctrl+Shift+R", "Reports: delivered water, orders, lost clients…"),
    Shortcut(Key.SETTINGS, "Ctrl+,", "Settings"),
    Shortcut(Key.SWITCH_OPERATOR, "Ctrl+Shift+U", "Switch operator (sign out)"),
    Shortcut(Key.SHORTCUT_MAP, "F1", "This shortcut map"),
    Shortcut(Key.DEMO_CALL, "Ctrl+Shift+T", "Demo: place a test call into the workspace"),
    Shortcut(Key.FORWARD_TO_COURIER, "Shift+F7", "Transfer the call to the order's courier"),
    Shortcut(Key.CALL_COURIER, "Ctrl+F7", "Call the order's courier (a second call)"),
    Shortcut(Key.BOARD, "Ctrl+B", "Board: the day per courier and the problems (shift lead)"),
    Shortcut(Key.BOARD_RESCHEDULE, "R", "Board: new date and window for the selected order"),
    Shortcut(Key.BOARD_REASSIGN, "A", "Board: another courier for the selected order"),
    Shortcut(Key.BOARD_CALL_CLIENT, "C", "Board: call the selected order's client"),
    Shortcut(Key.BOARD_OPEN_ORDER, "Return", "Board: open the selected order in the order panel"),
    Shortcut(Key.BOARD_PREVIOUS_DAY, "Alt+Left", "Board: the day before"),
    Shortcut(Key.BOARD_NEXT_DAY, "Alt+Right", "Board: the day after"),
    Shortcut(Key.BOARD_TODAY, "Alt+Home", "Board: today"),
    Shortcut(Key.COMPLAINT, "Ctrl+K", "Register a complaint of the client on the call"),
    Shortcut(Key.COMPLAINTS, "Ctrl+Shift+K", "Complaints: overdue first (shift lead)"),
    Shortcut(Key.PLAN_CALL, "Ctrl+Shift+P", "Plan a call back to the selected client"),
    Shortcut(Key.KNOWLEDGE, "Ctrl+I", "Open the first suggested knowledge-base article"),
    Shortcut(Key.PORTAL, "Ctrl+Shift+O", "Portal: orders from clients to confirm"),
    Shortcut(Key.PORTAL_CONFIRM, "Return", "Portal: confirm the selected order"),
    Shortcut(Key.PORTAL_CALL, "Ctrl+D", "Portal: call the selected order's client"),
)

_BY_KEY = {shortcut.key: shortcut for shortcut in SHORTCUTS}


def sequence(key: Key) -> str:
    """The key sequence bound to ``key``."""
    return _BY_KEY[key].sequence

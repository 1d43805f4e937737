"""The workspace window: call bar on top, caller panel | order panel, calls below, status bar.

The right-hand side shows the order panel, or the new-client form while an unknown caller
is being registered. Menus list every shortcut of `app.shortcuts`; keys that belong to a
panel (repeat, send, ...) are shown in the menu but handled by the panel while it has focus.
On an incoming call the window comes to the front and the tray shows who is calling.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QSplitter,
    QStackedWidget,
    QStyle,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from app.board import BoardViewModel
from app.calls_model import CallLog
from app.couriers import CouriersViewModel
from app.intake import IntakeViewModel, LiveCall, ScreenPop
from app.new_client import NewClientViewModel
from app.order_entry import OrderEntryViewModel
from app.order_presenter import keeps_work, ready_for_keys
from app.reports import ReportsViewModel
from app.shortcuts import Key, sequence
from app.widgets.board_window import BoardWindow
from app.widgets.call_bar import CallBar
from app.widgets.caller_panel import CallerPanel
from app.widgets.calls_list import CallsList
from app.widgets.complaints_window import ComplaintsDesk
from app.widgets.couriers_window import CouriersWindow
from app.widgets.new_client_form import NewClientForm
from app.widgets.order_panel import OrderPanel
from app.widgets.plain_text import plain_tooltip
from app.widgets.relay_status import RelayStatusLabel
from app.widgets.reports_window import ReportsWindow
from app.widgets.shortcut_map import ShortcutMapDialog

logger = logging.getLogger(__name__)

OK_COLOUR = "#1b5e20"
BAD_COLOUR = "#b3261e"


class MainWindow(QMainWindow):
    """One window for the whole call: who calls, what they order, the day's calls."""

    def __init__(
        self,
        intake: IntakeViewModel,
        call_log: CallLog,
        *,
        order_vm: OrderEntryViewModel | None = None,
        new_client_vm: NewClientViewModel | None = None,
        lead: bool = False,
        demo_call: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """Lay out the window over the view models; ``demo_call`` adds the Demo menu."""
        super().__init__(parent)
        self.intake = intake
        self.call_log = call_log
        self.order_vm = order_vm
        self.new_client_vm = new_client_vm
        self.demo_call = demo_call
        self.setWindowTitle(self.tr("Dispatch Desk"))
        self._fit_to_screen(1280, 820)

        self.call_bar = CallBar(intake)
        self.caller_panel = CallerPanel(intake, lead=lead)
        self.order_panel = self._make_order_panel(order_vm)
        self.new_client_form = self._make_new_client_form(new_client_vm)
        self.right = QStackedWidget()
        self.right.addWidget(self.order_panel)
        self.right.addWidget(self.new_client_form)
        self.calls_list = CallsList(call_log)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.caller_panel)
        splitter.addWidget(self.right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        # Weights, not pixels: the caller panel gets 40 % so names and duplicate marks fit.
        splitter.setSizes([400, 600])
        vertical = QSplitter(Qt.Orientation.Vertical)
        vertical.addWidget(splitter)
        vertical.addWidget(self.calls_list)
        vertical.setStretchFactor(0, 4)
        vertical.setStretchFactor(1, 1)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.call_bar)
        layout.addWidget(vertical, 1)
        self.setCentralWidget(central)

        self.sip_label = QLabel(self.tr("SIP: starting…"))
        self.sip_label.setTextFormat(Qt.TextFormat.PlainText)
        self.sip_label.setObjectName("sipStatus")
        self.relay_label = RelayStatusLabel()
        self.session_label = QLabel()  # who is signed in: "Иванова Мария (старший смены)"
        self.session_label.setTextFormat(Qt.TextFormat.PlainText)
        self.session_label.setObjectName("sessionStatus")
        self.statusBar().addPermanentWidget(self.session_label)
        self.statusBar().addPermanentWidget(self.sip_label)
        self.statusBar().addPermanentWidget(self.relay_label)

        self.tray = self._make_tray()
        self._build_menus()
        self._connect()

    def _fit_to_screen(self, width: int, height: int) -> None:
        # 1366×768 laptops are common at desks: an 820-pixel window hid the calls list there.
        available = self.screen().availableGeometry()
        if available.width() >= width and available.height() >= height:
            self.resize(width, height)
            return
        self.resize(min(width, available.width()), min(height, available.height()))
        self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)

    # --- parts --------------------------------------------------------------------------------

    def _make_order_panel(self, order_vm: OrderEntryViewModel | None) -> QWidget:
        if order_vm is None:  # a window for the call alone (the shift lead's merge desk)
            return QLabel(self.tr("Order entry is not available in this build."))
        return OrderPanel(order_vm)

    def _make_new_client_form(self, vm: NewClientViewModel | None) -> QWidget:
        if vm is None:
            return QLabel(self.tr("New client form is not available in this build."))
        return NewClientForm(vm)

    def _make_tray(self) -> QSystemTrayIcon | None:
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return None  # no tray on this desktop (or offscreen): raising the window suffices
        icon = self.windowIcon()
        if icon.isNull():
            icon = self.style().standardIcon(QStyle.StandardPixmap.SP_ComputerIcon)
        tray = QSystemTrayIcon(QIcon(icon), self)
        tray.setToolTip(self.tr("Dispatch Desk"))
        tray.show()
        return tray

    def _action(
        self, menu: QMenu, key: Key | None, text: str, slot: Callable[[], object], *, panel: bool
    ) -> QAction:
        action = QAction(text, self)
        if key is not None:
            if panel:
                # The panel owns the key while it has focus; the menu only names it.
                action.setText(f"{text}\t{sequence(key)}")
            else:
                action.setShortcut(QKeySequence(sequence(key)))
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        self.addAction(action)  # window-wide, even with the menu bar hidden
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        self._action(file_menu, Key.SETTINGS, self.tr("Settings…"), self.open_settings, panel=False)
        self._action(
            file_menu, Key.SWITCH_OPERATOR, self.tr("Switch operator…"), self.switch_operator,
            panel=False,
        )  # fmt: skip
        file_menu.addSeparator()
        quit_action = self._action(file_menu, None, self.tr("Quit"), self.close, panel=False)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)

        call = bar.addMenu(self.tr("&Call"))
        intake = self.intake
        self._action(call, Key.ANSWER, self.tr("Answer"), intake.answer, panel=False)
        self._action(call, Key.HANG_UP, self.tr("Hang up"), intake.hangup, panel=False)
        self._action(call, Key.REJECT_CALL, self.tr("Reject (busy)"), intake.reject, panel=False)
        self._action(call, Key.HOLD, self.tr("Hold / resume"), intake.toggle_hold, panel=False)
        self._action(
            call, Key.TRANSFER, self.tr("Transfer…"), self.call_bar.ask_transfer, panel=False
        )
        self._action(call, Key.MUTE, self.tr("Mute / unmute"), intake.toggle_mute, panel=False)
        self._action(
            call, Key.FORWARD_TO_COURIER, self.tr("Transfer to the order's courier"),
            intake.forward_to_courier, panel=False,
        )  # fmt: skip
        self._action(
            call, Key.CALL_COURIER, self.tr("Call the order's courier"), intake.call_courier,
            panel=False,
        )  # fmt: skip
        self._action(call, Key.DTMF, self.tr("Send DTMF…"), self.call_bar.ask_dtmf, panel=False)
        call.addSeparator()
        self._action(
            call, Key.DIAL, self.tr("Call back the selected number"), self.call_back, panel=False
        )
        self._action(
            call,
            Key.CALLBACKS,
            self.tr("Calls of the day and callbacks"),
            self.calls_list.show_callbacks,
            panel=False,
        )

        order = bar.addMenu(self.tr("&Order"))
        panel = self.caller_panel
        self._action(order, Key.SEARCH, self.tr("Search clients"), panel.focus_search, panel=False)
        self._action(order, Key.NEW_CLIENT, self.tr("New client"), intake.new_client, panel=False)
        self._action(
            order, Key.MERGE, self.tr("Merge duplicates…"), panel.merge_selected, panel=False
        )
        order.addSeparator()
        for key, text in (
            (Key.REPEAT_LAST, self.tr("Repeat the last order")),
            (Key.ADD_PRODUCT, self.tr("Add a product")),
            (Key.COURIER, self.tr("Courier")),
            (Key.DATE, self.tr("Delivery date")),
            (Key.WINDOW, self.tr("Time window")),
            (Key.COMMENT, self.tr("Comment for the courier")),
            (Key.CONFIRM, self.tr("Confirm client / slot")),
            (Key.SEND_TO_DELIVERY, self.tr("Send to delivery")),
            (Key.REJECT_ORDER, self.tr("Reject the interest…")),
        ):
            self._action(order, key, text, self.focus_order_panel, panel=True)
        self._action(
            order, Key.OPEN_ORDER, self.tr("Open an order by number"), self.open_order, panel=False
        )

        references = bar.addMenu(self.tr("&References"))
        references.setObjectName("referencesMenu")  # other parts add their windows here
        self._action(references, None, self.tr("Catalogue…"), self.open_catalogue, panel=False)
        self._action(references, None, self.tr("Couriers…"), self.open_couriers, panel=False)
        self._action(  # the lead's list: the operation refuses anyone else
            references, None, self.tr("Complaint reasons…"), self.open_complaint_reasons,
            panel=False,
        )  # fmt: skip
        shift = bar.addMenu(self.tr("&Shift"))
        self._action(shift, Key.BOARD, self.tr("Board…"), self.open_board, panel=False)
        self._action(shift, Key.REPORTS, self.tr("Reports…"), self.open_reports, panel=False)
        self._action(
            call, Key.COMPLAINT, self.tr("Register a complaint…"), self.open_complaint_form,
            panel=False,
        )  # fmt: skip
        self._action(
            shift, Key.COMPLAINTS, self.tr("Complaints…"), self.open_complaints, panel=False
        )
        self.portal_action = self._action(  # its text carries the count (app.portal_wiring)
            shift, Key.PORTAL, self.tr("Portal orders to confirm…"),
            lambda: self.portal is not None and self.portal.open(), panel=False,
        )  # fmt: skip

        if self.demo_call is not None:
            demo = bar.addMenu(self.tr("&Demo"))
            self._action(
                demo, Key.DEMO_CALL, self.tr("Place a test call"), self.demo_call, panel=False
            )

        help_menu = bar.addMenu(self.tr("&Help"))
        self._action(
            help_menu, Key.SHORTCUT_MAP, self.tr("Shortcut map"), self.show_shortcuts, panel=False
        )
        self._action(help_menu, None, self.tr("About Dispatch Desk"), self.show_about, panel=False)

    def _connect(self) -> None:
        intake = self.intake
        intake.ringing.connect(self.pop_up)
        intake.ringing.connect(self._start_fresh_for)
        intake.popped.connect(self._notify_tray)
        intake.client_confirmed.connect(self._on_intake_client_confirmed)
        intake.call_logged.connect(self._on_intake_call_logged)
        intake.new_client_requested.connect(self._on_intake_new_client_requested)
        intake.lookup_ready.connect(lambda _result: self.right.setCurrentWidget(self.order_panel))
        intake.call_finished.connect(lambda _call: self.call_log.refresh())
        intake.error.connect(self.show_error)
        self.call_log.error.connect(self.show_error)
        vm = self.order_vm
        if vm is not None:
            vm.sent.connect(intake.order_sent)
            vm.rejected.connect(intake.order_rejected)
            vm.error.connect(self.show_error)
            vm.changed.connect(self._on_order_vm_changed)
        nvm = self.new_client_vm
        if nvm is not None:
            nvm.created.connect(intake.client_created)
        if isinstance(self.new_client_form, NewClientForm):
            self.new_client_form.use_existing.connect(
                lambda client_id: intake.confirm_client(int(client_id), None)
            )

    # --- reacting to the call -----------------------------------------------------------------

    def pop_up(self, call: LiveCall) -> None:
        """Bring the window to the front (un-minimized, activated) for a ringing call."""
        state = self.windowState() & ~Qt.WindowState.WindowMinimized
        self.setWindowState(state | Qt.WindowState.WindowActive)
        self.show()
        self.raise_()
        self.activateWindow()

    def _start_fresh_for(self, call: LiveCall) -> None:
        # A new caller must not see the previous caller's order: the panel starts empty.
        # Work in progress stays: an order being saved, or typed lines not yet sent (the
        # operator finishes it, or confirming the new caller replaces it).
        vm = self.order_vm
        if call.waiting or vm is None or keeps_work(vm):
            return
        vm.clear()
        self.right.setCurrentWidget(self.order_panel)

    def _notify_tray(self, pop: ScreenPop) -> None:
        if self.tray is None:
            return
        names = self.caller_panel.view.caller_names
        self.tray.showMessage(
            self.tr("Incoming call"),
            f"{pop.number}\n{names}".strip(),
            QSystemTrayIcon.MessageIcon.Information,
            5000,
        )

    def _on_intake_client_confirmed(self, client_id: int, contact_id: object) -> None:
        self.right.setCurrentWidget(self.order_panel)
        vm = self.order_vm
        if vm is None:
            return
        call = self.intake.focused
        interaction_id = call.interaction_id if call is not None else None
        self._order_call = call.call_id if call is not None else None
        # The panel's fields stay disabled until the card arrives: focus them once it has.
        self._focus_when_loaded = client_id
        vm.load_client(client_id, contact_id, interaction_id)
        self.focus_order_panel()

    _focus_when_loaded: int | None = None
    _order_call: int | None = None  # the call the order on the panel is being taken on

    def _on_intake_call_logged(self, call_id: int, interaction_id: int) -> None:
        if self.order_vm is not None and call_id == self._order_call:
            self.order_vm.attach_call(interaction_id)

    def _on_order_vm_changed(self) -> None:
        vm = self.order_vm
        if vm is None or self._focus_when_loaded is None or vm.client_id != self._focus_when_loaded:
            return
        if ready_for_keys(vm):
            self._focus_when_loaded = None
            self.focus_order_panel()

    def _on_intake_new_client_requested(self, phone: str) -> None:
        if self.new_client_vm is None:
            return
        self.new_client_vm.start(phone)
        self.right.setCurrentWidget(self.new_client_form)
        if isinstance(self.new_client_form, NewClientForm):
            self.new_client_form.focus_first()

    def focus_order_panel(self) -> None:
        """Put the keyboard in the order panel, where the order keys work."""
        self.right.setCurrentWidget(self.order_panel)
        if isinstance(self.order_panel, OrderPanel):
            self.order_panel.focus_first()

    def open_order(self) -> None:
        """Ctrl+O: type an order number in the order panel."""
        self.right.setCurrentWidget(self.order_panel)
        if isinstance(self.order_panel, OrderPanel):
            self.order_panel.ask_order_number()

    def call_back(self) -> None:
        """Ctrl+D: dial the number selected in the calls list."""
        self.calls_list.call_back()

    # --- status bar -----------------------------------------------------------------------------

    def set_sip_status(self, text: str, ok: bool) -> None:
        """Show the SIP state (registered, listening, or why the phone is unavailable)."""
        self.sip_label.setText(text)
        colour = OK_COLOUR if ok else BAD_COLOUR
        self.sip_label.setStyleSheet(f"color: {colour};")
        self.sip_label.setToolTip(plain_tooltip(text))

    def set_session(self, text: str) -> None:
        """Show who is signed in at this desk."""
        self.session_label.setText(text)

    def show_error(self, message: str) -> None:
        """A message for the operator in the status bar."""
        self.statusBar().showMessage(message, 10_000)

    # --- dialogs --------------------------------------------------------------------------------

    settings_requested: Callable[[], None] | None = None
    about_requested: Callable[[], None] | None = None

    catalogue_requested: Callable[[], None] | None = None

    def open_catalogue(self) -> None:
        """References → Catalogue: products, prices, reasons (the composition root opens it)."""
        if self.catalogue_requested is not None:
            self.catalogue_requested()

    def open_settings(self) -> None:
        """Ctrl+,: the settings dialog (the composition root provides it)."""
        if self.settings_requested is not None:
            self.settings_requested()

    switch_operator_requested: Callable[[], None] | None = None

    def switch_operator(self) -> None:
        """File → Switch operator: sign out and let the next person sign in."""
        if self.switch_operator_requested is not None:
            self.switch_operator_requested()

    couriers_vm: CouriersViewModel | None = None  # set by the workspace (lead/admin window)

    def open_couriers(self) -> None:
        """References → Couriers (the operations refuse an operator's changes)."""
        if self.couriers_vm is not None:
            CouriersWindow(self.couriers_vm, self).show()

    board_vm: BoardViewModel | None = None  # set by the workspace (the shift lead's board)
    board_window: BoardWindow | None = None

    def open_board(self) -> None:
        """Shift → Board (Ctrl+B); the board's operations refuse an operator's moves."""
        if self.board_vm is None:
            return
        if self.board_window is None:
            self.board_window = BoardWindow(self.board_vm, self)
            self.board_vm.open_order_requested.connect(self._on_board_open_order_requested)
        self.board_window.show()
        self.board_window.raise_()
        self.board_window.activateWindow()

    def _on_board_open_order_requested(self, order_id: int) -> None:
        if self.order_vm is not None:
            self.order_vm.open_order(order_id)
        self.focus_order_panel()
        self.raise_()
        self.activateWindow()

    reports_vm: ReportsViewModel | None = None  # set by the workspace

    def open_reports(self) -> None:
        """Shift → Reports (the report itself refuses an operator)."""
        if self.reports_vm is not None:
            window = ReportsWindow(self.reports_vm, self)
            window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            window.show()

    complaints: ComplaintsDesk | None = None  # set by the workspace

    def open_complaint_form(self) -> None:
        """Ctrl+K: the complaint form for the client (and order) of the call or panel."""
        if self.complaints is not None:
            self.complaints.open_form()

    def open_complaint_reasons(self) -> None:
        """References → Complaint reasons (shift leads)."""
        if self.complaints is not None:
            self.complaints.open_reasons()

    portal: Any = None  # the portal queue window (Ctrl+Shift+O), set by the workspace

    def open_complaints(self) -> None:
        """Shift → Complaints (Ctrl+Shift+K): overdue first."""
        if self.complaints is not None:
            self.complaints.open_list()

    def show_about(self) -> None:
        """Help → About."""
        if self.about_requested is not None:
            self.about_requested()

    def show_shortcuts(self) -> None:
        """F1: the shortcut map."""
        dialog = ShortcutMapDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    closing: Callable[[], None] | None = None

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the window quits the workspace (Qt override)."""
        if self.tray is not None:
            self.tray.hide()
        if self.closing is not None:
            self.closing()
        super().closeEvent(event)

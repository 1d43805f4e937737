# Long (over 500 lines): one window's layout, drag and drop and keys; its texts are the presenter's.
"""The shift lead's board (Shift → Board, Ctrl+B): problems above, one column per courier.

Keys: arrows move through the queues and the columns (Left/Right to the next list, Up from
the top of a column to the queues, Down from the bottom of a queue to the columns); R a new
date and window, A another courier, C (or Ctrl+D) calls the client, Return opens the order in
the order panel (confirms a portal order in the portal queue), Alt+Left / Alt+Right /
Alt+Home the day before / after / today, F5 reads again, Esc closes. A card dragged onto
another courier's column goes to that courier; dropped on a card of another window it takes
that window; dropped on ◀ or ▶ it moves a day.
"""

from __future__ import annotations

import datetime as dt
import logging

from PySide6.QtCore import QDate, QMimeData, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.board import BoardViewModel, Selected
from app.board_presenter import (  # the board data, via its presenter
    QUEUE_ORDER,
    WARNING_COLOUR,
    BoardDay,
    ColumnView,
    CourierColumn,
    QueueView,
    column,
    day_title,
    queues,
    window_choices,
    window_text,
)
from app.shortcuts import Key, sequence
from app.widgets.board_dialogs import ReassignDialog, RescheduleDialog
from app.widgets.form_parts import ERROR_STYLE, STATUS_STYLE
from app.widgets.plain_text import plain_tooltip

logger = logging.getLogger(__name__)

MIME = "application/x-dispatch-board-item"
ROLE = Qt.ItemDataRole.UserRole
WINDOW_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMN_WIDTH = 260


def _mime(selected: Selected) -> QMimeData:
    data = QMimeData()
    data.setData(MIME, selected.to_text().encode())
    return data


def _dragged(data: QMimeData) -> Selected | None:
    if not data.hasFormat(MIME):
        return None
    return Selected.from_text(bytes(data.data(MIME).data()).decode())


class ItemList(QListWidget):
    """A queue or a courier's cards: drags its items, takes drops, and hands edges on.

    Signals:
        dropped(object, object): a dragged Selected and the item it was dropped on (or None).
        edge_reached(str): "left", "right", "up" or "down" pressed at the list's edge.
    """

    dropped = Signal(object, object)
    edge_reached = Signal(str)

    def __init__(self, takes_drops: bool, parent: QWidget | None = None) -> None:
        """A list; ``takes_drops`` for a courier's column (queues only give)."""
        super().__init__(parent)
        self.takes_drops = takes_drops
        self.setDragEnabled(True)
        self.setAcceptDrops(takes_drops)
        self.setDropIndicatorShown(False)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        # A copy: the source list is read again from the database, never edited by Qt.
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        self.setSpacing(2)

    def mimeTypes(self) -> list[str]:
        """Only board items travel (Qt override)."""
        return [MIME]

    def mimeData(self, items: list[QListWidgetItem]) -> QMimeData:  # type: ignore[override]
        """The dragged item as text (Qt override)."""
        return _mime(items[0].data(ROLE))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept a board item over a courier's column (Qt override)."""
        self._accept(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        """As for entering (Qt override)."""
        self._accept(event)

    def _accept(self, event: QDragMoveEvent) -> None:
        if self.takes_drops and _dragged(event.mimeData()) is not None:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        """Tell the window what was dropped where; the list itself never changes (Qt override)."""
        selected = _dragged(event.mimeData())
        if not self.takes_drops or selected is None:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.dropped.emit(selected, self.itemAt(event.position().toPoint()))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Arrows at the edges move to the neighbouring list (Qt override)."""
        key, row = event.key(), self.currentRow()
        plain = event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        )
        if plain and key == Qt.Key.Key_Left:
            self.edge_reached.emit("left")
        elif plain and key == Qt.Key.Key_Right:
            self.edge_reached.emit("right")
        elif plain and key == Qt.Key.Key_Up and row <= 0:
            self.edge_reached.emit("up")
        elif plain and key == Qt.Key.Key_Down and row >= self.count() - 1:
            self.edge_reached.emit("down")
        else:
            super().keyPressEvent(event)


class DayButton(QPushButton):
    """◀ or ▶: a click changes the day; a card dropped on it moves a day.

    Signals:
        dropped(object): the Selected dropped on it.
    """

    dropped = Signal(object)

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        """A button taking board items."""
        super().__init__(text, parent)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept board items (Qt override)."""
        if _dragged(event.mimeData()) is not None:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()

    def dropEvent(self, event: QDropEvent) -> None:
        """Move the item a day (Qt override)."""
        selected = _dragged(event.mimeData())
        if selected is not None:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self.dropped.emit(selected)


class CourierColumnWidget(QFrame):
    """A courier's header (name, marks, load bar, windows, progress) and the cards."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """An empty column; fill() shows a courier."""
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFixedWidth(COLUMN_WIDTH)
        self.courier_id = 0
        self.view: ColumnView | None = None  # what fill() shows: an equal view is not redrawn
        self.name = QLabel()
        self.name.setTextFormat(Qt.TextFormat.PlainText)
        self.name.setStyleSheet("font-weight: bold; font-size: 11pt;")
        self.marks = QLabel()
        self.marks.setTextFormat(Qt.TextFormat.PlainText)
        self.marks.setStyleSheet(f"color: {WARNING_COLOUR}; font-weight: bold;")
        self.load = QProgressBar()
        self.load.setTextVisible(True)
        self.windows = QLabel()
        self.windows.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QLabel()
        self.progress.setTextFormat(Qt.TextFormat.PlainText)
        for label in (self.name, self.marks, self.windows, self.progress):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
        self.cards = ItemList(takes_drops=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        for widget in (self.name, self.marks, self.load, self.windows, self.progress):
            layout.addWidget(widget)
        layout.addWidget(self.cards, 1)

    def fill(self, view: ColumnView) -> None:
        """Show ``view``'s courier and cards (nothing to do when they are on screen already)."""
        if view == self.view:
            return
        self.view = view
        self.courier_id = view.courier_id
        self.name.setText(view.name)
        self.name.setToolTip(plain_tooltip(view.phone))
        self.marks.setText(view.marks)
        self.marks.setVisible(bool(view.marks))
        self.load.setRange(0, view.load_maximum)
        self.load.setValue(view.load_value)
        self.load.setFormat(view.load)
        chunk = WARNING_COLOUR if view.over_capacity else "#2e7d32"
        self.load.setStyleSheet(f"QProgressBar::chunk {{ background: {chunk}; }}")
        self.windows.setText(view.windows)
        self.progress.setText(view.progress)
        self.cards.clear()
        for card in view.cards:
            item = QListWidgetItem(card.text)
            item.setData(ROLE, Selected(card.order_id, courier_id=view.courier_id))
            item.setData(WINDOW_ROLE, card.window)
            item.setBackground(QBrush(QColor(card.colour)))
            if card.warning:
                item.setForeground(QBrush(QColor(WARNING_COLOUR)))
            self.cards.addItem(item)


class BoardWindow(QMainWindow):
    """The day's board for a shift lead, driven by keys or by dragging cards."""

    def __init__(self, vm: BoardViewModel, parent: QWidget | None = None) -> None:
        """Lay out the board over ``vm`` and read the day."""
        super().__init__(parent)
        self.vm = vm
        self.setWindowTitle(self.tr("Board"))
        self.resize(1280, 800)

        self.previous_button = DayButton("◀")
        self.next_button = DayButton("▶")
        self.date = QDateEdit()
        self.date.setDisplayFormat("dd.MM.yyyy")
        self.date.setCalendarPopup(True)
        # Keys change the day (Alt+Left/Right): Tab and the arrows stay among the lists.
        self.date.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.day_caption = QLabel()
        self.day_caption.setTextFormat(Qt.TextFormat.PlainText)
        self.today_button = QPushButton(self.tr("Today"))
        self.today_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        top = QHBoxLayout()
        for widget in (self.previous_button, self.date, self.next_button, self.day_caption):
            top.addWidget(widget)
        top.addWidget(self.today_button)
        top.addWidget(self.message, 1)

        self.queue_titles: list[QLabel] = []
        self.queues: list[ItemList] = []
        queue_row = QHBoxLayout()
        for _ in QUEUE_ORDER:
            box = QVBoxLayout()
            title = QLabel()
            title.setStyleSheet("font-weight: bold;")
            lst = ItemList(takes_drops=False)
            box.addWidget(title)
            box.addWidget(lst)
            queue_row.addLayout(box)
            self.queue_titles.append(title)
            self.queues.append(lst)
        queue_area = QWidget()
        queue_area.setLayout(queue_row)

        self.columns: list[CourierColumnWidget] = []
        self.columns_row = QHBoxLayout()
        self.columns_row.addStretch(1)
        inner = QWidget()
        inner.setLayout(self.columns_row)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(inner)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(queue_area)
        splitter.addWidget(self.scroll)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 4)
        # Weights, not pixels: a few problem lines on top, the columns get the height.
        splitter.setSizes([180, 620])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)

        for lst in self.queues:
            self._wire(lst)
        self.previous_button.clicked.connect(vm.previous_day)
        self.next_button.clicked.connect(vm.next_day)
        self.today_button.clicked.connect(vm.go_today)
        self.previous_button.dropped.connect(lambda s: self._move_day(s, -1))
        self.next_button.dropped.connect(lambda s: self._move_day(s, 1))
        self.date.dateChanged.connect(self._on_date_changed)
        for key, slot in (
            (Key.BOARD_RESCHEDULE, self.ask_reschedule),
            (Key.BOARD_REASSIGN, self.ask_reassign),
            (Key.BOARD_CALL_CLIENT, vm.call_client),
            (Key.BOARD_OPEN_ORDER, vm.enter),
            (Key.PORTAL_CALL, vm.call_client),
            (Key.BOARD_PREVIOUS_DAY, vm.previous_day),
            (Key.BOARD_NEXT_DAY, vm.next_day),
            (Key.BOARD_TODAY, vm.go_today),
        ):
            self._shortcut(sequence(key), slot)
        self._shortcut("Enter", vm.enter)
        self._shortcut("F5", vm.refresh)
        self._shortcut("Esc", self.close)
        vm.changed.connect(self.show_board)
        self._shown_board: object = None
        # A re-read after a change elsewhere rebuilds only what changed: the column views kept
        # by courier with the column they were made of, and the queues as last shown.
        self._column_views: dict[int, tuple[CourierColumn, ColumnView]] = {}
        self._shown_queues: list[QueueView | None] = [None] * len(QUEUE_ORDER)
        self.show_board()
        vm.refresh()

    def _shortcut(self, keys: str, slot: object) -> None:
        shortcut = QShortcut(QKeySequence(keys), self)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(slot)

    def _wire(self, lst: ItemList) -> None:
        lst.currentItemChanged.connect(lambda item, _old: self._on_current(lst, item))
        lst.edge_reached.connect(lambda where: self._on_edge(lst, where))
        lst.dropped.connect(lambda what, on: self._on_dropped(lst, what, on))

    # ---- showing ---------------------------------------------------------------------------

    def show_board(self) -> None:
        """Show the view model's day, board, selection and message."""
        vm = self.vm
        self.date.blockSignals(True)
        self.date.setDate(QDate(vm.day.year, vm.day.month, vm.day.day))
        self.date.blockSignals(False)
        self.day_caption.setText(day_title(vm.day, vm.today()))
        self.message.setText(vm.message)
        self.message.setStyleSheet(STATUS_STYLE if vm.message_ok else ERROR_STYLE)
        if vm.board is self._shown_board:
            return
        self._shown_board = vm.board
        focused = self.focusWidget()
        had_focus = isinstance(focused, ItemList) or focused is None
        board = vm.board
        views = queues(board) if board is not None else ()
        for index, (title, lst, view) in enumerate(
            zip(self.queue_titles, self.queues, views, strict=False)
        ):
            if self._shown_queues[index] == view:
                continue
            self._shown_queues[index] = view
            title.setText(view.title)
            lst.blockSignals(True)
            lst.clear()
            for row in view.rows:
                item = QListWidgetItem(row.text)
                item.setData(ROLE, Selected(row.order_id, kind=row.kind))
                lst.addItem(item)
            lst.blockSignals(False)
        self._fill_columns(self._columns(board) if board is not None else ())
        self._restore_selection(had_focus)

    def _columns(self, board: BoardDay) -> tuple[ColumnView, ...]:
        """The column views, made again only for the couriers whose column changed."""
        kept, made = self._column_views, {}
        for courier in board.columns:
            before = kept.get(courier.courier_id)
            view = before[1] if before is not None and before[0] == courier else column(courier)
            made[courier.courier_id] = (courier, view)
        self._column_views = made
        return tuple(view for _courier, view in made.values())

    def _fill_columns(self, views: tuple[ColumnView, ...]) -> None:
        while len(self.columns) < len(views):
            col = CourierColumnWidget()
            self._wire(col.cards)
            self.columns_row.insertWidget(len(self.columns), col)
            self.columns.append(col)
        for index, col in enumerate(self.columns):
            col.cards.blockSignals(True)
            if index < len(views):
                col.fill(views[index])
                col.show()
            else:
                col.cards.clear()
                col.view = None
                col.hide()
            col.cards.blockSignals(False)

    def lists(self) -> list[ItemList]:
        """Every list on screen: the queues, then the visible columns' cards."""
        shown = [c.cards for c in self.columns if not c.isHidden()]
        return [*self.queues, *shown]

    def _restore_selection(self, focus: bool) -> None:
        selected = self.vm.selected
        for lst in self.lists():
            for row in range(lst.count()):
                if lst.item(row).data(ROLE) == selected:
                    lst.blockSignals(True)
                    lst.setCurrentRow(row)
                    lst.blockSignals(False)
                    if focus:
                        lst.setFocus()
                    return
        if selected is None and focus:
            # Problems first: the first line of the first queue that has one.
            for lst in self.lists():
                if lst.count():
                    lst.setFocus()
                    lst.setCurrentRow(0)
                    return

    # ---- keys and the selection ---------------------------------------------------------------

    def _on_current(self, lst: ItemList, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.vm.select(item.data(ROLE))

    def _on_edge(self, lst: ItemList, where: str) -> None:
        queues_ = self.queues
        cards = [c.cards for c in self.columns if not c.isHidden()]
        in_queues = lst in queues_
        row = queues_ if in_queues else cards
        index = row.index(lst)
        target: ItemList | None = None
        if where in ("left", "right"):
            step = -1 if where == "left" else 1
            neighbours = row[index + step :: step] if step == 1 else row[:index][::-1]
            target = next((n for n in neighbours if n.count()), None)
        elif where == "down" and in_queues and cards:
            target = next((c for c in cards[min(index, len(cards) - 1) :] if c.count()), None)
        elif where == "up" and not in_queues:
            target = next(
                (q for q in queues_[min(index, len(queues_) - 1) :: -1] if q.count()), None
            )
        if target is None:
            return
        if where == "up":
            row_ = target.count() - 1
        elif where == "down":
            row_ = 0
        else:  # the same height in the next list, as far as it goes
            row_ = min(max(lst.currentRow(), 0), target.count() - 1)
        target.setFocus()
        target.setCurrentRow(row_)
        self._on_current(target, target.currentItem())

    def _on_date_changed(self, date: QDate) -> None:
        self.vm.set_day(date.toPython())

    # ---- moves --------------------------------------------------------------------------------

    def ask_reschedule(self) -> None:
        """R: a new date and window for the selected item."""
        target = self.vm.target()
        if target is None:
            return
        day = max(target.day or self.vm.day, self.vm.day) if target.interest else self.vm.day
        current = window_text(*target.window) if target.window[0] else ""
        dialog = RescheduleDialog(
            self.tr("Reschedule order №%1").replace("%1", str(target.order_id)),
            day,
            window_choices(self.vm.board, current),
            self,
        )
        selected = self.vm.selected
        dialog.accepted.connect(
            lambda: dialog.chosen and self.vm.reschedule(*dialog.chosen, selected=selected)
        )
        self._open(dialog)

    def ask_reassign(self) -> None:
        """A: another courier for the selected item."""
        target = self.vm.target()
        if target is None:
            return
        dialog = ReassignDialog(
            self.tr("Another courier for order №%1").replace("%1", str(target.order_id)),
            self.vm.couriers(),
            target.courier_id,
            self,
        )
        selected = self.vm.selected
        dialog.accepted.connect(
            lambda: dialog.chosen is not None and self.vm.reassign(dialog.chosen, selected=selected)
        )
        self._open(dialog)

    def _open(self, dialog: QDialog) -> None:
        dialog.finished.connect(lambda _code: self._after_dialog())
        self.dialog = dialog
        dialog.open()

    def _after_dialog(self) -> None:
        # The keyboard comes back to the selected item (or where it was), not nowhere.
        self.activateWindow()
        self._restore_selection(True)

    def _on_dropped(self, lst: ItemList, what: Selected, on: QListWidgetItem | None) -> None:
        column = next((c for c in self.columns if c.cards is lst), None)
        if column is None:
            return
        target = self.vm.target(what)
        if target is None:
            return
        window = on.data(WINDOW_ROLE) if on is not None else None
        courier = column.courier_id
        if window is not None and tuple(window) != tuple(target.window):
            self.vm.reschedule(self.vm.day, tuple(window), courier_id=courier, selected=what)
        elif courier != target.courier_id or target.interest:
            self.vm.reassign(courier, selected=what)

    def _move_day(self, what: Selected, step: int) -> None:
        target = self.vm.target(what)
        if target is None:
            return
        day = (target.day or self.vm.day) + dt.timedelta(days=step)
        self.vm.reschedule(day, target.window, selected=what)

"""One complaint's window (department threads, messages, reopen, review) and the reasons' editor."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.complaint_details import ComplaintDetailsViewModel, ComplaintReasonsViewModel
from app.complaint_details_presenter import (
    attachment_text,
    messages_text,
    present_details,
    reason_text,
    thread_text,
)
from app.widgets.photo_viewer import PhotoDialog

DAYS_FOR_A_DEPARTMENT = 3  # the planned date offered when a department is drawn in


def _problem_label() -> QLabel:
    label = QLabel("")
    label.setStyleSheet("color: #b00020;")
    label.setWordWrap(True)
    label.hide()
    return label


class ComplaintDetailsWindow(QDialog):
    """Departments' threads of one complaint: Ctrl+D draws one in, Return writes, Ctrl+L closes.

    A shift lead also reopens a resolved complaint (Ctrl+R) or marks a "not satisfied" one
    reviewed (Ctrl+Shift+R), with the note typed in the field above the buttons.
    """

    def __init__(self, vm: ComplaintDetailsViewModel, parent: QWidget | None = None) -> None:
        """The window over ``vm``; it loads the complaint at once."""
        super().__init__(parent)
        self.vm = vm
        self.setWindowTitle(self.tr("Complaint №%1").replace("%1", str(vm.complaint_id)))
        self.resize(760, 560)
        self.heading = QLabel("")
        self.heading.setStyleSheet("font-weight: bold;")
        self.heading.setWordWrap(True)
        self.description = QLabel("")
        self.description.setWordWrap(True)
        self.threads = QListWidget()
        self.threads.currentRowChanged.connect(self._show_messages)
        self.messages = QPlainTextEdit()
        self.messages.setReadOnly(True)
        self.message = QLineEdit()
        self.message.setPlaceholderText(self.tr("Message to the selected department (Return)"))
        self.message.returnPressed.connect(self.post_message)
        self.department = QLineEdit()
        self.department.setPlaceholderText(self.tr("Department, e.g. Logistics"))
        self.department.returnPressed.connect(self.add_department)
        self.due = QDateEdit(QDate.currentDate().addDays(DAYS_FOR_A_DEPARTMENT))
        self.due.setDisplayFormat("dd.MM.yyyy")
        self.due.setCalendarPopup(True)
        self.add_button = QPushButton(self.tr("Draw in (Ctrl+D, Return)"))
        self.add_button.clicked.connect(self.add_department)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("Why it is reopened / what the review found"))
        self.reopen_button = QPushButton(self.tr("Reopen (Ctrl+R)"))
        self.reopen_button.clicked.connect(self.reopen)
        self.review_button = QPushButton(self.tr("Reviewed (Ctrl+Shift+R)"))
        self.review_button.clicked.connect(self.mark_reviewed)
        self.problem = _problem_label()
        # Photos of a portal claim: Return (or Ctrl+P) opens the selected one.
        self.photos = QListWidget()
        self.photos.setObjectName("complaintPhotos")
        self.photos.setMaximumHeight(80)
        self.photos_label = QLabel(self.tr("Photos (Ctrl+P or Return opens the selected one)"))
        self.photo: PhotoDialog | None = None
        for button in (self.add_button, self.reopen_button, self.review_button):
            button.setAutoDefault(False)  # Return belongs to the field that has the focus

        departments = QHBoxLayout()
        departments.addWidget(self.department, 1)
        departments.addWidget(self.due)
        departments.addWidget(self.add_button)
        lead = QHBoxLayout()
        lead.setContentsMargins(0, 0, 0, 0)  # aligned with the rows above
        lead.addWidget(self.note, 1)
        lead.addWidget(self.reopen_button)
        lead.addWidget(self.review_button)
        self.lead_row = QWidget()
        self.lead_row.setLayout(lead)
        self.lead_row.setVisible(vm.lead)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.description)
        layout.addWidget(self.photos_label)
        layout.addWidget(self.photos)
        layout.addWidget(QLabel(self.tr("Departments (Ctrl+L closes the selected thread)")))
        layout.addWidget(self.threads, 1)
        layout.addWidget(self.messages, 2)
        layout.addWidget(self.message)
        layout.addLayout(departments)
        layout.addWidget(self.lead_row)
        layout.addWidget(self.problem)
        QShortcut(QKeySequence("Ctrl+D"), self, self.department.setFocus)
        QShortcut(QKeySequence("Ctrl+L"), self, self.close_thread)
        QShortcut(QKeySequence("Ctrl+R"), self, self.reopen)
        QShortcut(QKeySequence("Ctrl+Shift+R"), self, self.mark_reviewed)
        QShortcut(QKeySequence("Ctrl+P"), self, self.open_photo)
        opens = QShortcut(QKeySequence(Qt.Key.Key_Return), self.photos)
        opens.setContext(Qt.ShortcutContext.WidgetShortcut)
        opens.activated.connect(self.open_photo)
        self._on_vm_attachments_listed([])
        vm.attachments_listed.connect(self._on_vm_attachments_listed)
        vm.attachment_opened.connect(self._on_vm_attachment_opened)
        vm.loaded.connect(self._on_vm_loaded)
        vm.error.connect(self._on_vm_error)
        self._keep_thread: int | None = None
        vm.load()

    def _on_vm_attachments_listed(self, rows: list) -> None:  # type: ignore[type-arg]
        self.photos.clear()
        for row in rows:
            item = QListWidgetItem(attachment_text(row))
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.photos.addItem(item)
        if rows:
            self.photos.setCurrentRow(0)
        self.photos.setVisible(bool(rows))
        self.photos_label.setVisible(bool(rows))

    def open_photo(self) -> None:
        """Ctrl+P / Return on a photo: read it and show it."""
        item = self.photos.currentItem()
        if item is not None:
            self.vm.open_attachment(int(item.data(Qt.ItemDataRole.UserRole)))

    def _on_vm_attachment_opened(self, found: object) -> None:
        self.photo = PhotoDialog(found.name, found.data, self)  # type: ignore[attr-defined]
        self.photo.open()

    def _current_thread(self) -> int | None:
        item = self.threads.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def _on_vm_loaded(self, details: object) -> None:
        view = present_details(details, self.vm.lead)  # type: ignore[arg-type]
        self.heading.setText(view.heading)
        self.description.setText(view.description)
        for widget in (self.message, self.department, self.due, self.add_button):
            widget.setEnabled(view.may_discuss)
        self.reopen_button.setEnabled(view.may_reopen)
        self.review_button.setEnabled(view.may_review)
        keep = self._keep_thread if self._keep_thread is not None else self._current_thread()
        self.threads.clear()
        for thread in details.threads:  # type: ignore[attr-defined]
            item = QListWidgetItem(thread_text(thread))
            item.setData(Qt.ItemDataRole.UserRole, thread.id)
            self.threads.addItem(item)
            if thread.id == keep or (keep is None and self.threads.count() == 1):
                self.threads.setCurrentItem(item)
        self._keep_thread = None
        self._show_messages()
        self.problem.hide()

    def _show_messages(self, *_row: int) -> None:
        details, thread_id = self.vm.details, self._current_thread()
        threads = details.threads if details is not None else ()
        thread = next((t for t in threads if t.id == thread_id), None)
        self.messages.setPlainText(messages_text(thread))

    def _on_vm_error(self, message: str) -> None:
        # What was typed stays in its field.
        self.problem.setText(message)
        self.problem.show()

    def add_department(self) -> None:
        """Draw the typed department in; its thread is selected for the first message."""
        name = self.department.text()
        if not name.strip():
            self.department.setFocus()
            return
        self._after_load(self._clear_department)
        self.vm.add_department(name, self.due.date().toPython())

    def _clear_department(self) -> None:
        self.department.clear()
        last = self.threads.count() - 1
        self.threads.setCurrentRow(last)
        self.message.setFocus()

    def post_message(self) -> None:
        """Send the typed message to the selected department's thread."""
        thread_id = self._current_thread()
        if thread_id is None or not self.message.text().strip():
            return
        self._keep_thread = thread_id
        self._after_load(self.message.clear)
        self.vm.post_message(thread_id, self.message.text())

    def close_thread(self) -> None:
        """Ctrl+L: the selected department has done its part."""
        thread_id = self._current_thread()
        if thread_id is not None:
            self._keep_thread = thread_id
            self.vm.close_thread(thread_id)

    def reopen(self) -> None:
        """Ctrl+R (lead): reopen with the note as the reason."""
        if self.reopen_button.isEnabled():
            self._after_load(self.note.clear)
            self.vm.reopen(self.note.text())

    def mark_reviewed(self) -> None:
        """Ctrl+Shift+R (lead): the "not satisfied" result is reviewed."""
        if self.review_button.isEnabled():
            self._after_load(self.note.clear)
            self.vm.mark_reviewed(self.note.text())

    def _after_load(self, then: object) -> None:
        # Typed text is cleared only once the action is saved (a refusal keeps it).
        def once(_details: object) -> None:
            self.vm.loaded.disconnect(once)
            self.vm.error.disconnect(drop)
            then()  # type: ignore[operator]

        def drop(_message: str) -> None:
            self.vm.loaded.disconnect(once)
            self.vm.error.disconnect(drop)

        self.vm.loaded.connect(once)
        self.vm.error.connect(drop)


class ComplaintReasonsWindow(QDialog):
    """The shift lead's list of complaint reasons: type a name and hours, Return adds;
    Delete stops offering the selected one."""

    def __init__(self, vm: ComplaintReasonsViewModel, parent: QWidget | None = None) -> None:
        """The editor over ``vm``; it lists the reasons at once."""
        super().__init__(parent)
        self.vm = vm
        self.setWindowTitle(self.tr("Complaint reasons"))
        self.resize(520, 420)
        self.reasons = QListWidget()
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("New reason (Return adds)"))
        self.name.returnPressed.connect(self.add)
        self.hours = QSpinBox()
        self.hours.setRange(1, 24 * 90)
        self.hours.setValue(72)
        self.hours.setSuffix(self.tr(" h"))
        self.problem = _problem_label()
        row = QHBoxLayout()
        row.addWidget(self.name, 1)
        row.addWidget(self.hours)
        layout = QVBoxLayout(self)
        layout.addWidget(self.reasons, 1)
        layout.addLayout(row)
        layout.addWidget(self.problem)
        layout.addWidget(QLabel(self.tr("Delete: stop offering the selected reason")))
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self.reasons, self.deactivate)
        vm.listed.connect(self._on_vm_listed)
        vm.error.connect(self._on_vm_error)
        self.name.setFocus()
        vm.refresh()

    def _on_vm_listed(self, rows: list) -> None:
        self.reasons.clear()
        for reason in rows:
            item = QListWidgetItem(reason_text(reason))
            item.setData(Qt.ItemDataRole.UserRole, reason.id)
            self.reasons.addItem(item)
        if self.problem.isHidden():
            self.name.clear()

    def _on_vm_error(self, message: str) -> None:
        self.problem.setText(message)  # the typed name stays
        self.problem.show()

    def add(self) -> None:
        """Offer the typed reason with its hours."""
        if self.name.text().strip():
            self.problem.hide()
            self.vm.add(self.name.text(), self.hours.value())

    def deactivate(self) -> None:
        """Stop offering the selected reason."""
        item = self.reasons.currentItem()
        if item is not None:
            self.problem.hide()
            self.vm.deactivate(int(item.data(Qt.ItemDataRole.UserRole)))

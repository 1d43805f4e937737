"""Status-bar label of the courier sync relay: connected, queue length, last error."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Slot
from PySide6.QtWidgets import QLabel, QWidget

from app.formatting import format_datetime
from app.gui_thread import GuiThreadRelay
from app.widgets.plain_text import plain_tooltip
from courier_sync.client.status import RelayStatus

OK_COLOUR = "#1b7f3b"
WARN_COLOUR = "#b36b00"
ERROR_COLOUR = "#c0392b"
OFF_COLOUR = "#7f7f7f"
MAX_ERROR_CHARS = 60  # the full error is in the tooltip; the status bar stays one line


class RelayStatusLabel(QLabel):
    """Shows the relay's RelayStatus; `post_status` may be called from the relay's threads."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """A label showing "not configured" until the first status arrives."""
        super().__init__(parent)
        self.setObjectName("relayStatus")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._status: RelayStatus | None = None
        self._gui_thread = GuiThreadRelay(self)
        self._render()

    @property
    def status(self) -> RelayStatus | None:
        """The status shown, or None when sync is not configured."""
        return self._status

    def post_status(self, status: RelayStatus | None) -> None:
        """Thread-safe: show ``status`` soon, on the GUI thread (the relay's on_status)."""
        self._gui_thread.deliver(self.show_status, status)

    @Slot(object)
    def show_status(self, status: RelayStatus | None) -> None:
        """Show ``status`` now (GUI thread); None means sync is not configured."""
        self._status = status
        self._render()

    def _render(self) -> None:
        status = self._status
        if status is None:
            self._paint(self.tr("Sync: off"), OFF_COLOUR, self.tr("No sync service is configured."))
            return
        parts = [
            self.tr("Sync: connected") if status.connected else self.tr("Sync: offline"),
            self.tr("queue %1").replace("%1", str(status.queue_length)),
        ]
        if status.failed_count:
            parts.append(self.tr("refused %1").replace("%1", str(status.failed_count)))
        error = status.last_error.strip()
        if error and not status.connected:
            short = error if len(error) <= MAX_ERROR_CHARS else error[: MAX_ERROR_CHARS - 1] + "…"
            parts.append(short)
        tooltip = [error] if error else []
        if status.last_success_at is not None:
            tooltip.append(
                self.tr("Last exchange: %1").replace("%1", format_datetime(status.last_success_at))
            )
        if status.failed_count:
            tooltip.append(
                self.tr("Messages refused by the service wait for the admin (dispatch outbox).")
            )
        if not status.connected:
            colour = ERROR_COLOUR
        elif status.failed_count or error:
            colour = WARN_COLOUR
        else:
            colour = OK_COLOUR
        self._paint(" · ".join(parts), colour, "\n".join(tooltip))

    def _paint(self, text: str, colour: str, tooltip: str) -> None:
        self.setText(text)
        self.setToolTip(plain_tooltip(tooltip))
        self.setStyleSheet(f"color: {colour};")
        self.setProperty("colour", colour)

    def changeEvent(self, event: QEvent) -> None:
        """Follow a language switch made in Settings."""
        if event.type() == QEvent.Type.LanguageChange:
            self._render()
        super().changeEvent(event)

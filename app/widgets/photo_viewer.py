"""A complaint's photo on screen: the picture scaled to the window; Esc closes.

The bytes come from the portal (checked there by their magic bytes), but a file the desk
cannot draw is refused with a sentence, never a crash.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap, QResizeEvent
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout, QWidget


class PhotoDialog(QDialog):
    """One attached photo, or why it cannot be shown."""

    def __init__(self, name: str, data: bytes, parent: QWidget | None = None) -> None:
        """Shows ``data`` (image bytes) titled ``name``."""
        super().__init__(parent)
        self.setObjectName("photoViewer")
        self.setWindowTitle(name)
        self.resize(720, 560)
        self.pixmap = QPixmap()
        self.shown = self.pixmap.loadFromData(data)
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumSize(200, 150)
        if not self.shown:
            self.picture.setText(self.tr("This file is not a picture the desk can show."))
        self.close_button = QPushButton(self.tr("Close (Esc)"))
        self.close_button.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picture, 1)
        layout.addWidget(self.close_button)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep the picture fitted to the window (Qt override)."""
        super().resizeEvent(event)
        if self.shown:
            self.picture.setPixmap(
                self.pixmap.scaled(
                    self.picture.size(),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )

"""Text from outside (callers, client records, couriers, the PBX) shown as plain text only.

A QLabel with the default AutoText format and every tooltip render text that looks like
HTML as rich text: a caller named ``<h1>x</h1>`` would become a heading, an ``<img>`` a
request. Labels get ``Qt.PlainText``; tooltips get the text converted to escaped HTML.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt

logger = logging.getLogger(__name__)


def plain_tooltip(text: str) -> str:
    """``text`` as a tooltip that shows it literally ("" stays "": no tooltip)."""
    return GuiQt.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpaceNormal) if text else ""

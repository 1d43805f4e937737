"""QR codes of pairing links for the desk to show: PNG or SVG bytes, no Qt.

Made with `segno` (pure Python, no dependencies, maintained, ISO/IEC 18004 compliant): the
desk's window loads the bytes into whatever widget it likes (a QPixmap takes the PNG).
"""

from __future__ import annotations

import io

import segno

# Phone cameras read a QR code off a monitor more easily with the standard 4-module quiet zone.
QUIET_ZONE = 4


def make_qr(url: str) -> segno.QRCode:
    """The QR code of `url` (error correction M or better: segno raises it when it fits)."""
    if not url or not url.strip():
        raise ValueError("a QR code needs a link to encode")
    return segno.make(url.strip(), error="m", micro=False)


def qr_png(url: str, scale: int = 8) -> bytes:
    """A PNG of the QR code of `url`, `scale` pixels per module (black on white)."""
    if scale < 1:
        raise ValueError("the scale is at least 1 pixel per module")
    out = io.BytesIO()
    make_qr(url).save(out, kind="png", scale=scale, border=QUIET_ZONE)
    return out.getvalue()


def qr_svg(url: str, scale: int = 8) -> bytes:
    """An SVG of the QR code of `url` (scales without blur, e.g. for a printed sheet)."""
    if scale < 1:
        raise ValueError("the scale is at least 1 pixel per module")
    out = io.BytesIO()
    make_qr(url).save(out, kind="svg", scale=scale, border=QUIET_ZONE, xmldecl=False)
    return out.getvalue()

"""Work around PySide6 6.12.0 dropping a reference to ``True`` on every signal emit.

On Python 3.11 (where ``True`` is not yet immortal) each ``Signal.emit`` decrements the
refcount of ``True`` once without having incremented it (measured: 500 emits, -500 refs,
any signal type, connected or not). After a few thousand emits the interpreter aborts
with "Fatal Python error: bool_dealloc". Python 3.12+ made ``True``/``False`` immortal,
which is what `pin_bools` imitates: it gives both a reference count no session can drain.
Remove once the PySide6 in use no longer leaks (check with `leaks_true_on_emit`).
"""

from __future__ import annotations

import ctypes
import logging
import sys

logger = logging.getLogger(__name__)

_PINNED_REFS = 1 << 40  # ~10^12 emits: more than any workspace will ever send
_pinned = False


def pin_bools() -> None:
    """Make ``True`` and ``False`` practically immortal (no-op on Python 3.12+); idempotent."""
    global _pinned
    if _pinned or sys.version_info >= (3, 12):
        return
    for value in (True, False):
        # ob_refcnt is the first field of every PyObject in release builds of CPython.
        ctypes.c_ssize_t.from_address(id(value)).value += _PINNED_REFS
    _pinned = True


def leaks_true_on_emit(emits: int = 50) -> bool:
    """True when emitting a Qt signal drops references to ``True`` (the bug is present)."""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        fired = Signal(object)

    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(emits):
        probe.fired.emit(None)
    return sys.getrefcount(True) < before - emits // 2

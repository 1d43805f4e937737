"""The garbage collector's settings for the desk: freeze what start-up built, and collect the
oldest generation rarely.

A full collection holds the GIL while it walks every object it tracks. Frozen, the start-up
heap (Qt wrappers, SQLAlchemy, the phone metadata) is no longer walked. The board re-reads a
day of 6,000 deliveries after each change elsewhere, a few tens of thousands of objects that
live until the next read: with the default thresholds (700, 10, 10) that set off a full
collection every few reads, 90–270 ms on a loaded machine, stalling the window (measured by
`python -m bench board`). Young objects are still collected as often as before; the oldest
generation only after 1,000 collections of the middle one.
"""

from __future__ import annotations

import gc

THRESHOLDS = (700, 10, 1000)


def settle() -> None:
    """Collect once, freeze what is left, and make full collections rare."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)

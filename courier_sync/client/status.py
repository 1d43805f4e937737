"""The relay's state as the desktop shows it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RelayStatus:
    """Connected or not, how many messages wait, the last problem, the last good exchange."""

    connected: bool = False
    queue_length: int = 0
    last_error: str = ""
    last_success_at: dt.datetime | None = None
    # Messages the service refused (bad payload): they wait for the admin, not in the queue.
    failed_count: int = 0

"""Exponential backoff with jitter, so that relays coming back together do not knock together."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    """Delays base, 2·base, 4·base … capped at `cap`, each drawn from [delay/2, delay]."""

    base: float = 0.25
    cap: float = 5.0
    attempt: int = 0
    rng: random.Random = field(default_factory=random.Random)

    def next(self) -> float:
        """The delay before the next try; each call doubles the following one."""
        delay = min(self.cap, self.base * (2**self.attempt))
        self.attempt = min(self.attempt + 1, 30)
        return delay / 2 + self.rng.random() * delay / 2

    def reset(self) -> None:
        """The last try worked: start from `base` again next time."""
        self.attempt = 0

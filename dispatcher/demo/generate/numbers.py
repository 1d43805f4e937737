"""Phone numbers and INNs handed out once each, and the ways people write a phone number."""

from __future__ import annotations

import random
from collections.abc import Callable

from dispatcher.clients import inn_with_check_digits
from dispatcher.demo.pools import LANDLINE_CODES, MOBILE_CODES

# Multipliers of a coprime affine map: unique, scattered numbers/INNs from a counter.
_MOBILE_STEP = 3_862_741
_LANDLINE_STEP = 6_180_339
_INN_STEP = 2_718_281


# How operators and PBXs write a Russian number, given its ten national digits.
FORMS: tuple[Callable[[str], str], ...] = (
    lambda n: f"+7 {n[:3]} {n[3:6]}-{n[6:8]}-{n[8:]}",
    lambda n: "8" + n,
    lambda n: f"8 ({n[:3]}) {n[3:6]}-{n[6:8]}-{n[8:]}",
    lambda n: n,
    lambda n: f"7 ({n[:3]}) {n[3:6]} {n[6:8]} {n[8:]}",
    lambda n: "+7" + n,
    lambda n: f"8-{n[:3]}-{n[3:6]}-{n[6:8]}-{n[8:]}",
)


def written_forms(e164: str) -> list[str]:
    """Every way the seeder writes a +7 number: "+7 916 123-45-67", "89161234567", ..."""
    national = e164[-10:]
    return [form(national) for form in FORMS]


class NumberPlan:
    """Fresh mobile and landline numbers and INNs, never the same one twice."""

    def __init__(self, rng: random.Random) -> None:
        # Where each range's sequence of numbers starts; the step then scatters them.
        self.offsets = [rng.randrange(10_000_000) for _ in MOBILE_CODES]
        self.landline_offsets = [rng.randrange(10_000_000) for _ in LANDLINE_CODES]
        self.mobile_k = 0
        self.landline_k = 0
        self.inn10_k = 0
        self.inn12_k = 0

    def mobile(self) -> str:
        """Ten national digits of a fresh mobile number."""
        k = self.mobile_k
        self.mobile_k = k + 1
        j, r = divmod(k, len(MOBILE_CODES))
        return f"{MOBILE_CODES[r]}{(_MOBILE_STEP * j + self.offsets[r]) % 10_000_000:07d}"

    def landline(self) -> str:
        """Ten national digits of a fresh Moscow landline number."""
        k = self.landline_k
        self.landline_k = k + 1
        local = (_LANDLINE_STEP * (k >> 1) + self.landline_offsets[k & 1]) % 10_000_000
        return f"{LANDLINE_CODES[k & 1]}{local:07d}"

    def company_inn(self) -> str:
        """A fresh ten-digit INN of a Moscow company."""
        k = self.inn10_k
        self.inn10_k += 1
        return inn_with_check_digits(f"77{(_INN_STEP * k + 24_680) % 10_000_000:07d}")

    def entrepreneur_inn(self) -> str:
        """A fresh twelve-digit INN of a Moscow entrepreneur."""
        k = self.inn12_k
        self.inn12_k += 1
        return inn_with_check_digits(f"77{(_INN_STEP * k + 13_579) % 100_000_000:08d}")

"""Normalised keys and comparisons that reveal the same client or address typed twice."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

_LEGAL_FORMS = frozenset(
    {
        "ооо",
        "оао",
        "зао",
        "пао",
        "ао",
        "нао",
        "ип",
        "фгуп",
        "гуп",
        "муп",
        "ано",
        "нко",
        "llc",
        "ltd",
    }
)
_NON_WORD = re.compile(r"[^0-9a-zа-я]+")
_ADDRESS_NOISE = frozenset(
    {
        "г",
        "город",
        "ул",
        "улица",
        "д",
        "дом",
        "кв",
        "квартира",
        "корп",
        "к",
        "стр",
        "пр",
        "пр-т",
        "проспект",
        "пер",
        "переулок",
        "ш",
        "шоссе",
        "б-р",
        "бульвар",
        "пл",
        "площадь",
        "наб",
        "набережная",
        "москва",
    }
)


def _tokens(text: str) -> list[str]:
    lowered = text.casefold().replace("ё", "е")
    return [t for t in _NON_WORD.split(lowered) if t]


def name_key(name: str) -> str:
    """A key equal for names differing only in case, ё/е, punctuation, word order, legal form."""
    tokens = [t for t in _tokens(name) if t not in _LEGAL_FORMS]
    return " ".join(sorted(tokens))


def address_key(text: str, flat: str = "") -> str:
    """A key equal for one delivery point written with different abbreviations or punctuation."""
    tokens = [t for t in _tokens(text) if t not in _ADDRESS_NOISE]
    flat_tokens = [t for t in _tokens(flat) if t not in _ADDRESS_NOISE]
    return " ".join(tokens) + "|" + " ".join(flat_tokens)


def names_similar(a_key: str, b_key: str, threshold: float = 0.88) -> bool:
    """Whether two name keys look like one name: one holds the other, or a typo apart."""
    if not a_key or not b_key:
        return False
    if a_key == b_key:
        return True
    a, b = set(a_key.split()), set(b_key.split())
    if min(len(a), len(b)) >= 2 and (a <= b or b <= a):
        return True
    return SequenceMatcher(None, a_key, b_key).ratio() >= threshold

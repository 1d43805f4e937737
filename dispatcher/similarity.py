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
# Words that name the kind of street ("ул.", "проспект"): the one list of them. The street of
# an address is the part that holds one (dispatcher.planning.street_of).
STREET_TYPES = frozenset(
    {
        "ул",
        "улица",
        "пр",
        "пр-т",
        "пр-кт",
        "просп",
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
        "проезд",
        "пр-д",
        "туп",
        "тупик",
        "аллея",
        "вал",
        "мкр",
    }
)
_NON_WORD = re.compile(r"[^0-9a-zа-я]+")
# Street types the stored keys (addresses.address_key, the word index) were built without:
# dropping them too would change every stored key, which needs a migration that re-keys them.
_UNKEYED_STREET_TYPES = frozenset(
    {"аллея", "вал", "мкр", "пр-д", "пр-кт", "проезд", "просп", "туп", "тупик"}
)
_ADDRESS_NOISE = (STREET_TYPES - _UNKEYED_STREET_TYPES) | frozenset(
    {"г", "город", "д", "дом", "к", "кв", "квартира", "корп", "москва", "стр"}
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


# Search words: what the word index stores and what a typed query is matched with.
SEARCH_TERM_LENGTH = 40
# Results are ordered by the first letters of the name; the rest rarely decides.
SEARCH_LABEL_LENGTH = 16
# Hyphenated street abbreviations would split into stray letters ("пр-т" -> "пр", "т").
_ABBREVIATIONS = re.compile(r"(?<![0-9a-zа-я])(?:пр-кт|пр-т|пр-д|б-р|ш\.)(?![0-9a-zа-я])")
_SEARCH_ADDRESS_NOISE = _ADDRESS_NOISE | {"проезд", "корпус", "строение", "тупик"}
_STOP_WORDS = _LEGAL_FORMS | _SEARCH_ADDRESS_NOISE


def _search_tokens(text: str) -> list[str]:
    lowered = _ABBREVIATIONS.sub(" ", text.casefold().replace("ё", "е"))
    return [t[:SEARCH_TERM_LENGTH] for t in _NON_WORD.split(lowered) if t]


def name_words(name: str) -> list[str]:
    """The words a name is found by: lower case, ё as е, no punctuation, no legal form."""
    return [t for t in _search_tokens(name) if t not in _LEGAL_FORMS]


def address_words(text: str) -> list[str]:
    """The words an address is found by: street words and house numbers, no "ул."/"д."/"пр-т"."""
    return [
        t
        for t in _search_tokens(text)
        # A lone letter is a split abbreviation or a building letter typed apart: noise.
        if t not in _SEARCH_ADDRESS_NOISE and (len(t) > 1 or t.isdigit())
    ]


def query_words(text: str) -> list[str]:
    """Typed words to match as prefixes; "ул", "д", "ООО" are dropped unless nothing else is."""
    words = list(dict.fromkeys(_search_tokens(text)))
    meaningful = [w for w in words if w not in _STOP_WORDS]
    return meaningful or words


def name_label(name: str) -> str:
    """A short sort key that orders search results by name."""
    return " ".join(name_words(name))[:SEARCH_LABEL_LENGTH]

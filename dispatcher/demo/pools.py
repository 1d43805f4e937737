"""What the demo world is drawn from: word lists (data files in ``words/``) and small number pools.

The generator indexes these tuples with a random integer (much cheaper than
`random.choice` over a million clients), so their order is part of what a seed produces.
"""

from __future__ import annotations

from importlib.resources import files


def words(name: str) -> tuple[str, ...]:
    """The entries of ``words/<name>.txt``: one a line; ``#`` starts a comment, ``""`` is empty."""
    text = (files(__package__) / "words" / f"{name}.txt").read_text(encoding="utf-8")
    # Blank lines are skipped rather than taken as empty entries: editors strip them freely.
    return tuple(
        "" if line == '""' else line
        for line in text.splitlines()
        if line and not line.startswith("#")
    )


def female_surname(male: str) -> str:
    """The wife's or daughter's form of a surname: Иванов → Иванова, Успенский → Успенская."""
    if male.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return male + "а"
    if male.endswith(("ский", "цкий")):
        return male[:-2] + "ая"
    if male.endswith("ой"):
        return male[:-2] + "ая"
    # Шевченко, Ким, Цой: the same for both genders.
    return male


MALE_SURNAMES = words("male_surnames")
MALE_FIRST_NAMES = words("male_first_names")
FEMALE_FIRST_NAMES = words("female_first_names")
# (male, female) pairs: Петрович/Петровна.
PATRONYMICS: tuple[tuple[str, str], ...] = tuple(
    (male, female) for male, female in (line.split() for line in words("patronymics"))
)
STREETS = words("streets")
BUILDING_PARTS = words("building_parts")
OFFICE_PARTS = words("office_parts")
COURIER_NOTES = words("courier_notes")
CONTACT_ROLES = words("contact_roles")
BRAND_ROOTS = words("brand_roots")
BRAND_ENDINGS = words("brand_endings")
BRAND_WORDS = words("brand_words")
FAIL_REASONS = words("fail_reasons")
COMMENTS = words("order_comments")

# Moscow mobile ranges of the big operators; every 9xx range is valid for phonenumbers
# except 930 0xx, which is left out.
MOBILE_CODES: tuple[str, ...] = (
    "901", "903", "905", "906", "909", "910", "911", "915", "916", "917", "919", "920",
    "925", "926", "929", "958", "960", "961", "962", "963", "964", "965", "966", "967",
    "968", "969", "977", "980", "985", "986", "991", "993", "995", "996", "999",
)  # fmt: skip
LANDLINE_CODES: tuple[str, ...] = ("495", "499")

# (code, name, kind, unit, standard price in kopecks); kind values match ProductKind. The
# generator refers to products by position (1 is the 19 l water).
PRODUCTS: tuple[tuple[str, str, str, str, int], ...] = (
    ("W19", "Вода питьевая 19 л", "goods", "бут", 35000),
    ("W5", "Вода питьевая 5 л", "goods", "шт", 15000),
    ("PUMP", "Помпа механическая", "goods", "шт", 45000),
    ("COOLER", "Аренда кулера (месяц)", "service", "мес", 30000),
    ("BTL", "Залог за бутыль 19 л", "deposit", "шт", 30000),
    ("SAN", "Санобработка кулера", "service", "усл", 80000),
)

# Contract discounts a company may have on the standard prices, in percent.
CONTRACT_DISCOUNTS: tuple[int, ...] = (5, 8, 10, 12, 15, 17, 20)

# Delivery windows (start hour, end hour) as operators offer them.
WINDOWS: tuple[tuple[int, int], ...] = (
    (9, 13),
    (10, 14),
    (12, 16),
    (14, 18),
    (16, 20),
    (18, 22),
    (9, 18),
)

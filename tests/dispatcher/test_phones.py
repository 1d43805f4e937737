"""Behaviour of phone normalization as operators and the caller lookup see it."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatcher import phones
from dispatcher.phones import (
    ParsedPhone,
    PhoneKind,
    PhoneStatus,
    _parse_fast_ru,
    _parse_slow,
    from_caller_id,
    parse_phone,
    to_e164,
)

MOBILE = "+79161234567"
MOSCOW = "+74951234567"

OK_FORMS = [
    # raw, expected e164, kind, extension
    ("+7 916 123-45-67", MOBILE, PhoneKind.MOBILE, None),
    ("89161234567", MOBILE, PhoneKind.MOBILE, None),
    ("9161234567", MOBILE, PhoneKind.MOBILE, None),
    ("79161234567", MOBILE, PhoneKind.MOBILE, None),
    ("+79161234567", MOBILE, PhoneKind.MOBILE, None),
    ("7 (916) 123 45 67", MOBILE, PhoneKind.MOBILE, None),
    ("8-916-123-45-67", MOBILE, PhoneKind.MOBILE, None),
    ("+7(916)1234567", MOBILE, PhoneKind.MOBILE, None),
    ("8 (916) 123-45-67", MOBILE, PhoneKind.MOBILE, None),
    ("+7 (916) 123-45-67", MOBILE, PhoneKind.MOBILE, None),
    ("(916) 123-45-67", MOBILE, PhoneKind.MOBILE, None),
    ("8 916 123 45 67", MOBILE, PhoneKind.MOBILE, None),
    (" +7 916 1234567 ", MOBILE, PhoneKind.MOBILE, None),
    ("\t89161234567\n", MOBILE, PhoneKind.MOBILE, None),
    ("tel:+79161234567", MOBILE, PhoneKind.MOBILE, None),
    ("TEL:+7-916-123-45-67", MOBILE, PhoneKind.MOBILE, None),
    ("+7.916.123.45.67", MOBILE, PhoneKind.MOBILE, None),
    ("８９１６１２３４５６７", MOBILE, PhoneKind.MOBILE, None),
    ("＋７ ９１６ １２３ ４５ ６７", MOBILE, PhoneKind.MOBILE, None),
    ("+7\u00a0916\u00a0123\u00a045\u00a067", MOBILE, PhoneKind.MOBILE, None),
    ("8 (495) 123-45-67", MOSCOW, PhoneKind.LANDLINE, None),
    ("(495) 123-45-67", MOSCOW, PhoneKind.LANDLINE, None),
    ("4951234567", MOSCOW, PhoneKind.LANDLINE, None),
    ("+7 495 123 45 67", MOSCOW, PhoneKind.LANDLINE, None),
    ("8 812 123-45-67", "+78121234567", PhoneKind.LANDLINE, None),
    ("8 (343) 123-45-67", "+73431234567", PhoneKind.LANDLINE, None),
    ("8-800-555-35-35", "+78005553535", PhoneKind.TOLL_FREE, None),
    ("8 (800) 100-00-00", "+78001000000", PhoneKind.TOLL_FREE, None),
    ("+7 800 200 00 00", "+78002000000", PhoneKind.TOLL_FREE, None),
    ("+7 495 123-45-67 доб. 123", MOSCOW, PhoneKind.LANDLINE, "123"),
    ("8 495 123 45 67 доб 7", MOSCOW, PhoneKind.LANDLINE, "7"),
    ("8 495 123 45 67 ДОБ. 8", MOSCOW, PhoneKind.LANDLINE, "8"),
    ("8 495 1234567 ext. 12", MOSCOW, PhoneKind.LANDLINE, "12"),
    ("+7 495 123 45 67 EXT 12", MOSCOW, PhoneKind.LANDLINE, "12"),
    ("+74951234567;ext=55", MOSCOW, PhoneKind.LANDLINE, "55"),
    ("tel:+74951234567;ext=55", MOSCOW, PhoneKind.LANDLINE, "55"),
    ("+7 495 123-45-67 #123", MOSCOW, PhoneKind.LANDLINE, "123"),
    ("8 (495) 123-45-67 x 45", MOSCOW, PhoneKind.LANDLINE, "45"),
    ("+7 495 123 45 67,,12", MOSCOW, PhoneKind.LANDLINE, "12"),
    ("+7 701 123 45 67", "+77011234567", PhoneKind.MOBILE, None),
    ("+7 300 000 00 00", "+73000000000", PhoneKind.OTHER, None),
    ("+380 44 123 4567", "+380441234567", PhoneKind.LANDLINE, None),
    ("+1 212 555 0100", "+12125550100", PhoneKind.OTHER, None),
    ("+44 20 7946 0018", "+442079460018", PhoneKind.LANDLINE, None),
    ("8 10 1 212 555 0100", "+12125550100", PhoneKind.OTHER, None),
]


@pytest.mark.parametrize(("raw", "e164", "kind", "extension"), OK_FORMS)
def test_operator_spellings_are_recognised_as_the_right_number(
    raw: str, e164: str, kind: PhoneKind, extension: str | None
) -> None:
    parsed = parse_phone(raw)

    assert parsed.status is PhoneStatus.OK
    assert parsed.ok
    assert parsed.raw == raw
    assert parsed.e164 == e164
    assert parsed.kind is kind
    assert parsed.extension == extension
    assert parsed.internal is None
    assert parsed.message == ""


def test_eight_prefix_and_plus_seven_are_the_same_number() -> None:
    assert to_e164("8 (916) 123-45-67") == to_e164("+7 916 123-45-67") == MOBILE


def test_number_without_trunk_prefix_is_the_same_number() -> None:
    assert to_e164("916 123 45 67") == to_e164("8 916 123 45 67") == MOBILE


def test_extension_does_not_change_the_number_used_for_lookup() -> None:
    with_extension = parse_phone("+7 495 123-45-67 доб. 123")
    without_extension = parse_phone("+7 495 123-45-67")

    assert with_extension.e164 == without_extension.e164 == MOSCOW
    assert with_extension.extension == "123"
    assert without_extension.extension is None


@pytest.mark.parametrize(
    "raw",
    ["+7 495 123-45-67 добавочный 123", "+7 495 123-45-67 внутр. 12", "+7 495 123-45-67 х 12"],
)
def test_extension_words_phonenumbers_does_not_know_are_refused_not_dropped(raw: str) -> None:
    # Refusing is better than silently storing the number without its extension.
    parsed = parse_phone(raw)

    assert parsed.status is PhoneStatus.INVALID
    assert parsed.message == "Not a phone number: letters are not allowed"


@pytest.mark.parametrize(
    ("raw", "digits"),
    [("101", "101"), ("2001", "2001"), ("12345", "12345"), ("12", "12"), (" 1-01 ", "101")],
)
def test_short_numbers_are_internal_extensions(raw: str, digits: str) -> None:
    parsed = parse_phone(raw)

    assert parsed.status is PhoneStatus.INTERNAL
    assert parsed.kind is PhoneKind.INTERNAL
    assert parsed.internal == digits
    assert parsed.e164 is None
    assert parsed.message == ""
    assert not parsed.ok
    assert to_e164(raw) is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("1", "Not a phone number: too few digits"),
        ("123456", "Not a phone number: too few digits"),
        ("+101", "Not a phone number: too few digits"),
        ("123-45-67", "Not a phone number: area code is missing"),
    ],
)
def test_numbers_too_long_for_internal_and_too_short_for_external_are_rejected(
    raw: str, message: str
) -> None:
    parsed = parse_phone(raw)

    assert parsed.status is PhoneStatus.INVALID
    assert parsed.message == message


@pytest.mark.parametrize("raw", [None, "", "   ", "\t\n", "\u00a0", "tel:"])
def test_blank_input_is_reported_as_empty(raw: str | None) -> None:
    parsed = parse_phone(raw)

    assert parsed.status is PhoneStatus.INVALID
    assert parsed.message == "Not a phone number: empty"
    assert parsed.e164 is None
    assert parsed.kind is None


@pytest.mark.parametrize(
    "raw",
    [
        "abc",
        "8-800-FLOWERS",
        "+7 916 abc 45 67",
        "call 89161234567",
        "89161234567 after 6pm",
        "\x00\xff",
    ],
)
def test_letters_are_refused_with_a_clear_message(raw: str) -> None:
    parsed = parse_phone(raw)

    assert parsed.status is PhoneStatus.INVALID
    assert parsed.message == "Not a phone number: letters are not allowed"
    assert parsed.display() == raw


@pytest.mark.parametrize(
    "raw", ["1" * 40, "+7 916 123 45 67 89 01 23 45", "+81 90 1234 5678 1234 5"]
)
def test_too_many_digits_are_refused(raw: str) -> None:
    parsed = parse_phone(raw)

    assert parsed.status is PhoneStatus.INVALID
    assert parsed.message == "Not a phone number: too many digits"


@pytest.mark.parametrize("raw", ["+", "++7", "\x00", "📞", "☎ 📞", "\ud800", "12 34 56 78 +7"])
def test_junk_is_refused_with_a_reason(raw: str) -> None:
    parsed = parse_phone(raw)

    assert parsed.status is PhoneStatus.INVALID
    assert parsed.message.startswith("Not a phone number: ")
    assert parsed.e164 is None
    assert parsed.kind is None


def test_pasted_novel_is_refused_without_parsing() -> None:
    parsed = parse_phone("8" * 10_000)

    assert parsed.status is PhoneStatus.INVALID
    assert parsed.message == "Not a phone number: too long"


@pytest.mark.parametrize("raw", [b"89161234567", 89161234567])
def test_non_text_input_is_refused_instead_of_crashing(raw: object) -> None:
    parsed = parse_phone(raw)  # type: ignore[arg-type]

    assert parsed.status is PhoneStatus.INVALID
    assert parsed.message.startswith("Not a phone number: expected text")


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("212 555 0100", "US", "+12125550100"),
        ("(212) 555-0100", "US", "+12125550100"),
        ("044 123 4567", "UA", "+380441234567"),
        ("044 123 4567", "ua", "+380441234567"),
        ("+7 916 123-45-67", "US", MOBILE),
    ],
)
def test_region_setting_decides_how_national_numbers_are_read(
    raw: str, region: str, e164: str
) -> None:
    assert to_e164(raw, region=region) == e164


def test_unknown_region_still_accepts_numbers_with_plus() -> None:
    assert to_e164("+7 916 123-45-67", region="XX") == MOBILE
    parsed = parse_phone("916 123 45 67", region="XX")
    assert parsed.status is PhoneStatus.INVALID
    assert parsed.message == "Not a phone number: unknown country code"


def test_numbers_from_ranges_missing_in_metadata_still_work_for_lookup() -> None:
    # "+7 300…" is not allocated in the bundled metadata but has a possible length.
    for raw in ("+7 300 000 00 00", "8 300 000 00 00", "3000000000"):
        parsed = parse_phone(raw)
        assert parsed.e164 == "+73000000000"
        assert parsed.kind is PhoneKind.OTHER


def test_short_foreign_numbers_follow_their_numbering_plan() -> None:
    # Niue has four-digit numbers, so its E.164 form has only seven digits.
    assert to_e164("+683 4002") == "+6834002"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("89161234567", "+7 916 123-45-67"),
        ("8 (495) 123-45-67 доб. 123", "+7 495 123-45-67 ext. 123"),
        ("+1 212 555 0100", "+1 212-555-0100"),
        (" 1-01 ", "101"),
        ("not a number", "not a number"),
        (None, ""),
    ],
)
def test_display_shows_a_readable_form(raw: str | None, shown: str) -> None:
    assert parse_phone(raw).display() == shown


def test_parsed_phone_is_immutable_and_comparable() -> None:
    parsed = parse_phone("89161234567")

    assert parsed == parse_phone("89161234567")
    with pytest.raises(AttributeError):
        parsed.e164 = "+70000000000"  # type: ignore[misc]


@pytest.mark.parametrize(
    "raw",
    ["89161234567", "+7 (916) 123-45-67", "9161234567", "79161234567", "8 (495) 123-45-67"],
)
def test_common_russian_spellings_skip_the_slow_parser(raw: str) -> None:
    assert _parse_fast_ru(raw) == _parse_slow(raw)


@pytest.mark.parametrize(
    "raw", ["8 10 1 212 555 0100", "81012125550", "+89161234567", "80123456789", "tel:+79161234567"]
)
def test_spellings_with_special_meaning_go_to_the_full_parser(raw: str) -> None:
    assert _parse_fast_ru(raw) is None


E164_SHAPE = re.compile(r"\+[1-9]\d{5,14}")


def _assert_consistent(parsed: ParsedPhone, raw: str | None) -> None:
    assert isinstance(parsed, ParsedPhone)
    assert parsed.raw == (raw or "")
    if parsed.status is PhoneStatus.OK:
        assert parsed.e164 is not None
        # E.164 allows at most 15 digits; phonenumbers allows six for some countries
        # (Austrian and German four-digit numbers), which is why this is not 8.
        assert E164_SHAPE.fullmatch(parsed.e164), parsed.e164
        assert parsed.kind is not None
        assert parsed.kind is not PhoneKind.INTERNAL
        assert parsed.message == ""
    elif parsed.status is PhoneStatus.INTERNAL:
        assert parsed.e164 is None
        assert parsed.internal is not None
        assert parsed.internal.isdigit()
        assert 2 <= len(parsed.internal) <= 5
    else:
        assert parsed.e164 is None
        assert parsed.kind is None
        assert parsed.message.startswith("Not a phone number")
    assert isinstance(parsed.display(), str)


@settings(max_examples=500)
@given(st.one_of(st.none(), st.text(max_size=130)))
def test_any_text_gives_an_answer_instead_of_an_error(raw: str | None) -> None:
    _assert_consistent(parse_phone(raw), raw)


phone_like_text = st.from_regex(r"[+]?[0-9 ()\-.+#,;xдоб]{0,40}", fullmatch=True)


@settings(max_examples=500)
@given(phone_like_text, st.sampled_from(["RU", "US", "UA", "DE", "XX"]))
def test_phone_like_text_gives_an_answer_instead_of_an_error(raw: str, region: str) -> None:
    _assert_consistent(parse_phone(raw, region), raw)


russian_digit_strings = st.builds(
    lambda prefix, rest: prefix + rest,
    st.sampled_from(["", "+", "+7", "7", "8", "810", "+8", "80", "70"]),
    st.text(alphabet="0123456789", min_size=7, max_size=11),
).filter(lambda s: len(s.lstrip("+")) in (10, 11))


@settings(max_examples=1000)
@given(russian_digit_strings)
def test_fast_path_gives_the_same_answer_as_phonenumbers(raw: str) -> None:
    assert parse_phone(raw) == _parse_slow(raw)


@settings(max_examples=300)
@given(russian_digit_strings, st.sampled_from([" ", "-", "(", ")", ".", " - "]), st.data())
def test_fast_path_agrees_with_phonenumbers_when_digits_are_grouped(
    raw: str, separator: str, data: st.DataObject
) -> None:
    cut = data.draw(st.integers(min_value=1, max_value=len(raw) - 1))
    grouped = raw[:cut] + separator + raw[cut:]
    assert parse_phone(grouped) == _parse_slow(grouped)


# --- the caller id telephony normalised is read once -----------------------------------------

CALLER_IDS = ["+7 916 123-45-67", "89161234567", "84951234567", "101", "+44 20 7946 0958", "5"]


@pytest.mark.parametrize("raw", CALLER_IDS)
def test_a_caller_id_normalised_by_telephony_reads_as_the_operator_typed_it(raw: str) -> None:
    from telephony.caller_id import normalize_number

    normalized = normalize_number(raw)
    typed = parse_phone(raw)
    from_telephony = from_caller_id(normalized or raw)
    assert (from_telephony.status, from_telephony.e164, from_telephony.internal) == (
        typed.status,
        typed.e164,
        typed.internal,
    )


def test_a_normalised_caller_id_is_not_parsed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    def second_parse(*args: object) -> ParsedPhone:
        raise AssertionError("the caller id was parsed a second time")

    monkeypatch.setattr(phones, "parse_phone", second_parse)
    assert from_caller_id(MOBILE).e164 == MOBILE
    assert from_caller_id("101").internal == "101"

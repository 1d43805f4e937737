"""Caller id as the operator sees it in the call pop-up, from the headers real PBXs send."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.caller_id import INVITE  # the same INVITE the benchmark times
from telephony.caller_id import (
    CallerId,
    CallerSource,
    identify,
    identify_message,
    normalize_number,
    parse_headers,
)

PAI = CallerSource.PAI
RPID = CallerSource.RPID
FROM = CallerSource.FROM
NONE = CallerSource.NONE
MOBILE = "+79161234567"

# header text -> number as received, normalized, display name, withheld, source
HEADER_VARIANTS: list[tuple[str, str | None, str | None, str | None, bool, CallerSource]] = [
    # --- From: the plain cases -------------------------------------------------------------
    ('From: "Ivan" <sip:89161234567@pbx.local>;tag=a1', "89161234567", MOBILE, "Ivan", False, FROM),
    ("From: <sip:+79161234567@10.0.0.1>;tag=a1", "+79161234567", MOBILE, None, False, FROM),
    ("From: sip:9161234567@10.0.0.1;tag=a1", "9161234567", MOBILE, None, False, FROM),
    ("From: <sip:101@pbx.local>;tag=a1", "101", "101", None, False, FROM),
    ("From: <sips:+79161234567@pbx.local>;tag=x", "+79161234567", MOBILE, None, False, FROM),
    ("From: <tel:+79161234567>;tag=x", "+79161234567", MOBILE, None, False, FROM),
    ("From: tel:+7-916-123-45-67;tag=x", "+7-916-123-45-67", MOBILE, None, False, FROM),
    ("From: <tel:+7(916)123.45.67>;tag=x", "+7(916)123.45.67", MOBILE, None, False, FROM),
    (
        "From: <sip:+79161234567;npdi@gw.carrier.ru;user=phone>;tag=x",
        "+79161234567",
        MOBILE,
        None,
        False,
        FROM,
    ),
    ("From: <sip:%2B79161234567@gw>;tag=x", "+79161234567", MOBILE, None, False, FROM),
    ("From: <sip:8%20916%201234567@gw>;tag=x", "8 916 1234567", MOBILE, None, False, FROM),
    ("From: <sip:79161234567:secret@gw>;tag=x", "79161234567", MOBILE, None, False, FROM),
    ("From: <sip:0079161234567@gw>;tag=x", "0079161234567", None, None, False, FROM),
    ("From: <sip:810441234567890@gw>;tag=x", "810441234567890", "+441234567890", None, False, FROM),
    ("From: <tel:1234567;phone-context=+7495>;tag=x", "1234567", "+74951234567", None, False, FROM),
    ("From: <sip:alice@example.com>;tag=x", "alice", None, None, False, FROM),
    # --- display names ---------------------------------------------------------------------
    (
        'From: "Иван Петров" <sip:89161234567@pbx>;tag=x',
        "89161234567",
        MOBILE,
        "Иван Петров",
        False,
        FROM,
    ),
    (
        'From: "ООО \\"Ромашка\\" склад" <sip:+74951234567@pbx>;tag=x',
        "+74951234567",
        "+74951234567",
        'ООО "Ромашка" склад',
        False,
        FROM,
    ),
    ("From: Ivan Petrov <sip:101@pbx>;tag=x", "101", "101", "Ivan Petrov", False, FROM),
    ('From: "" <sip:101@pbx>;tag=x', "101", "101", None, False, FROM),
    ('From: "back\\\\slash" <sip:101@pbx>', "101", "101", "back\\slash", False, FROM),
    (
        # UTF-8 bytes that were decoded as Latin-1 on the way ("Иван").
        'From: "' + "Иван".encode().decode("latin-1") + '" <sip:101@pbx>',
        "101",
        "101",
        "Иван",
        False,
        FROM,
    ),
    ('From: "José" <sip:101@pbx>', "101", "101", "José", False, FROM),
    # --- header spelling -------------------------------------------------------------------
    ("f: <sip:101@pbx>;tag=x", "101", "101", None, False, FROM),
    ("FROM: <sip:101@pbx>;tag=x", "101", "101", None, False, FROM),
    ("from  :   <sip:101@pbx>", "101", "101", None, False, FROM),
    ('From: "Folded\r\n Name"\r\n\t<sip:101@pbx>;tag=x', "101", "101", "Folded Name", False, FROM),
    # --- P-Asserted-Identity beats From ----------------------------------------------------
    (
        "P-Asserted-Identity: <tel:+79161234567>\r\nFrom: <sip:101@pbx>;tag=x",
        "+79161234567",
        MOBILE,
        None,
        False,
        PAI,
    ),
    (
        'P-Asserted-Identity: "Иван" <sip:+79161234567@gw;user=phone>, <tel:+79161234567>\r\n'
        "From: <sip:trunk@gw>;tag=x",
        "+79161234567",
        MOBILE,
        "Иван",
        False,
        PAI,
    ),
    (
        "P-Asserted-Identity: <sip:operator7@pbx>\r\nP-Asserted-Identity: <tel:89161234567>\r\n"
        "From: <sip:trunk@gw>;tag=x",
        "89161234567",
        MOBILE,
        None,
        False,
        PAI,
    ),
    (
        'P-Asserted-Identity: <sip:+79161234567@gw>\r\nFrom: "Склад" <sip:trunk@gw>;tag=x',
        "+79161234567",
        MOBILE,
        "Склад",
        False,
        PAI,
    ),
    (
        "p-asserted-identity: garbage\r\nFrom: <sip:89161234567@gw>;tag=x",
        "89161234567",
        MOBILE,
        None,
        False,
        FROM,
    ),
    # --- Remote-Party-ID -------------------------------------------------------------------
    (
        'Remote-Party-ID: "Ivan" <sip:+79161234567@gw>;party=calling;screen=yes;privacy=off\r\n'
        "From: <sip:trunk@gw>;tag=x",
        "+79161234567",
        MOBILE,
        "Ivan",
        False,
        RPID,
    ),
    (
        'Remote-Party-ID: "Ivan" <sip:+79161234567@gw>;party=calling;screen=yes;privacy=full\r\n'
        "From: <sip:+79161234567@gw>;tag=x",
        None,
        None,
        None,
        True,
        RPID,
    ),
    (
        "Remote-Party-ID: <sip:101@pbx>;party=called\r\nFrom: <sip:89161234567@gw>;tag=x",
        "89161234567",
        MOBILE,
        None,
        False,
        FROM,
    ),
    (
        "P-Asserted-Identity: <tel:+79161234567>\r\nRemote-Party-ID: <sip:102@pbx>;party=calling",
        "+79161234567",
        MOBILE,
        None,
        False,
        PAI,
    ),
    # --- withheld callers ------------------------------------------------------------------
    (
        'From: "Anonymous" <sip:anonymous@anonymous.invalid>;tag=x',
        None,
        None,
        None,
        True,
        FROM,
    ),
    ("From: <sip:anonymous@pbx.local>;tag=x", None, None, None, True, FROM),
    ("From: <sip:Restricted@gw>;tag=x", None, None, None, True, FROM),
    ("From: <sip:unavailable@gw>;tag=x", None, None, None, True, FROM),
    ("From: <sip:unknown@gw>;tag=x", None, None, None, True, FROM),
    (
        "P-Asserted-Identity: <tel:+79161234567>\r\nPrivacy: id\r\n"
        'From: "Anonymous" <sip:anonymous@anonymous.invalid>;tag=x',
        None,
        None,
        None,
        True,
        PAI,
    ),
    ("From: <sip:89161234567@gw>;tag=x\r\nPrivacy: user;id", None, None, None, True, FROM),
    (
        "From: <sip:89161234567@gw>;tag=x\r\nPrivacy: none",
        "89161234567",
        MOBILE,
        None,
        False,
        FROM,
    ),
    # --- unknown callers -------------------------------------------------------------------
    ("", None, None, None, False, NONE),
    ("From:", None, None, None, False, NONE),
    ("From: <sip:pbx.example.com>;tag=x", None, None, None, False, NONE),
    ("From: <<<>>>;;;", None, None, None, False, NONE),
    ("From: <http://example.com/>", None, None, None, False, NONE),
    ('From: "unterminated <sip:101@pbx', "101", "101", "unterminated", False, FROM),
    ('From: "just a name"', None, None, "just a name", False, FROM),
    ("To: <sip:101@pbx>", None, None, None, False, NONE),
]


@pytest.mark.parametrize(
    ("header_text", "number", "normalized", "display_name", "withheld", "source"),
    HEADER_VARIANTS,
)
def test_operator_sees_the_caller_the_pbx_signalled(
    header_text: str,
    number: str | None,
    normalized: str | None,
    display_name: str | None,
    withheld: bool,
    source: CallerSource,
) -> None:
    caller = identify_message(header_text)

    assert caller == CallerId(number, normalized, display_name, withheld, source)


def test_header_variant_table_covers_enough_real_world_forms() -> None:
    assert len(HEADER_VARIANTS) >= 30


def test_pop_up_label_formats_an_external_number_for_reading_aloud() -> None:
    caller = identify_message("From: <sip:89161234567@gw>;tag=x")

    assert caller.label() == "+7 916 123-45-67"
    assert not caller.unknown


def test_pop_up_label_shows_an_internal_extension_as_its_digits() -> None:
    assert identify_message("From: <sip:101@pbx>").label() == "101"


def test_pop_up_label_says_withheld_for_an_anonymous_caller() -> None:
    caller = identify_message('From: "Anonymous" <sip:anonymous@anonymous.invalid>;tag=x')

    assert caller.label() == "Withheld number"
    assert caller.withheld
    assert not caller.unknown


def test_pop_up_label_says_unknown_caller_for_garbage() -> None:
    caller = identify_message("\x00\x01 not sip at all")

    assert caller.label() == "Unknown caller"
    assert caller.unknown


def test_pop_up_label_shows_a_non_numeric_sip_user_as_received() -> None:
    assert identify_message("From: <sip:alice@example.com>").label() == "alice"


def test_withheld_caller_name_is_hidden_too_when_privacy_is_requested() -> None:
    caller = identify_message('From: "Иван" <sip:89161234567@gw>;tag=x\r\nPrivacy: id')

    assert caller.display_name is None
    assert caller.number is None


def test_rpid_privacy_name_hides_only_the_name() -> None:
    caller = identify_message(
        'Remote-Party-ID: "Ivan" <sip:89161234567@gw>;party=calling;privacy=name'
    )

    assert (caller.number, caller.display_name, caller.withheld) == ("89161234567", None, False)


def test_anonymous_name_next_to_a_real_number_keeps_the_number() -> None:
    # Some gateways write "Anonymous"/"Unknown" when no name is known but send the number.
    caller = identify_message('From: "Unknown" <sip:89161234567@gw>;tag=x')

    assert (caller.normalized, caller.display_name, caller.withheld) == (MOBILE, None, False)


def test_raw_utf8_bytes_of_a_message_are_read_as_cyrillic() -> None:
    message = 'From: "Иван" <sip:89161234567@gw>;tag=x\r\n\r\n'.encode()

    assert identify_message(message).display_name == "Иван"


def test_undecodable_bytes_handed_over_by_pjsua2_do_not_break_the_name() -> None:
    # pjsua2 turns bytes that are not UTF-8 into surrogate escapes.
    name = "Иван".encode().decode("utf-8") + b"\xff".decode("utf-8", "surrogateescape")
    caller = identify_message(f'From: "{name}" <sip:101@pbx>')

    assert caller.display_name == "Иван\ufffd"
    assert caller.normalized == "101"


def test_other_default_region_reads_national_numbers_of_that_country() -> None:
    caller = identify_message("From: <sip:02079460018@gw>;tag=x", region="GB")

    assert caller.normalized == "+442079460018"


def test_unknown_region_gives_no_normalized_number_instead_of_an_error() -> None:
    caller = identify_message("From: <sip:89161234567@gw>;tag=x", region="??")

    assert caller.number == "89161234567"
    assert caller.normalized is None


def test_identify_accepts_header_names_as_received_and_bare_strings() -> None:
    headers = {"P-Asserted-Identity": "<tel:+79161234567>", "F": ["<sip:101@pbx>"]}

    caller = identify(headers)  # type: ignore[arg-type]

    assert (caller.normalized, caller.source) == (MOBILE, PAI)


def test_identify_survives_headers_of_the_wrong_types() -> None:
    headers = {1: ["x"], "from": [None, b"<sip:101@pbx>"]}

    assert identify(headers).normalized == "101"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("89161234567", MOBILE),
        ("+7 916 123-45-67", MOBILE),
        ("101", "101"),
        ("12", "12"),
        ("1", None),
        ("1234567", None),  # no area code: no E.164 form, as in the caller lookup
        ("*100#", None),
        ("", None),
        (None, None),
    ],
)
def test_number_normalization_matches_what_the_caller_lookup_expects(
    raw: str | None, normalized: str | None
) -> None:
    assert normalize_number(raw) == normalized


def test_invite_headers_are_read_and_the_sdp_body_is_not() -> None:
    headers = parse_headers(INVITE)

    assert headers["from"] == ['"Иван Петров" <sip:89161234567@127.0.0.1:5070>;tag=abc']
    assert headers["to"] == ["<sip:operator@127.0.0.1:5060>"]
    assert headers["call-id"] == ["1234-5678@127.0.0.1"]
    assert headers["via"] == [
        "SIP/2.0/UDP 127.0.0.1:5070;rport;branch=z9hG4bKPj1",
        "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK2",
    ]
    assert headers["subject"] == ["a long folded subject"]
    assert headers["content-length"] == ["142"]
    assert "p-asserted-identity" not in headers
    assert "s" not in headers and "v" not in headers and "m" not in headers
    assert "invite sip" not in headers


def test_caller_in_an_invite_comes_from_its_headers_not_from_the_body() -> None:
    caller = identify_message(INVITE)

    assert caller == CallerId("89161234567", MOBILE, "Иван Петров", False, FROM)


def test_invite_with_bare_newlines_is_read_like_one_with_crlf() -> None:
    assert parse_headers(INVITE.replace("\r\n", "\n")) == parse_headers(INVITE)


def test_keepalive_blank_lines_before_a_message_are_skipped() -> None:
    assert parse_headers("\r\n\r\n" + INVITE)["cseq"] == ["1 INVITE"]


def test_header_block_without_a_body_is_read_whole() -> None:
    block = "From: <sip:101@pbx>\r\nTo: <sip:operator@pbx>"

    assert parse_headers(block) == {"from": ["<sip:101@pbx>"], "to": ["<sip:operator@pbx>"]}


def test_continuation_after_garbage_does_not_join_an_unrelated_header() -> None:
    headers = parse_headers("From: <sip:101@pbx>\r\n???\r\n  <sip:666@evil>\r\n")

    assert headers == {"from": ["<sip:101@pbx>"]}


# How fast (< 500 µs per INVITE, < 0.5 s for a 2 MB header): `python -m bench caller_id`.


def test_huge_header_is_cut_short_instead_of_stalling_the_sip_thread() -> None:
    message = 'From: "' + "Я" * 2_000_000 + '" <sip:101@pbx>\r\n\r\n'

    caller = identify_message(message)

    assert isinstance(caller, CallerId)


FRAGMENTS = [
    "<sip:",
    "<sips:",
    "tel:",
    "sip:",
    ">",
    "<",
    '"',
    "\\",
    ";",
    ",",
    ":",
    "@",
    "%",
    "%2B",
    "%D0",
    "%zz",
    "+7",
    "8916",
    "1234567",
    "101",
    "anonymous",
    "anonymous.invalid",
    ";user=phone",
    ";privacy=full",
    ";party=called",
    ";phone-context=",
    "Иван",
    "Ж",
    " ",
    "\t",
    "\r\n",
    "\r\n ",
    "\n",
    "\x00",
    "\udcff",
    "=",
    "-",
    "(",
]
HEADER_NAMES = [
    "From",
    "f",
    "P-Asserted-Identity",
    "Remote-Party-ID",
    "Privacy",
    "To",
    "Via",
    "Content-Length",
    "",
    "X",
]

header_shaped = st.lists(
    st.tuples(
        st.sampled_from(HEADER_NAMES),
        st.lists(st.sampled_from(FRAGMENTS), max_size=12).map("".join),
    ),
    max_size=8,
).map(lambda lines: "\r\n".join(f"{name}: {value}" for name, value in lines))


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), header_shaped))
def test_any_text_gives_a_caller_and_never_an_exception(text: str) -> None:
    headers = parse_headers(text)
    caller = identify_message(text)

    assert isinstance(headers, dict)
    assert all(isinstance(v, list) for v in headers.values())
    assert isinstance(caller, CallerId)
    assert isinstance(caller.label(), str)
    assert caller.number is None or caller.number.strip() == caller.number
    if caller.withheld:
        assert caller.number is None


@settings(max_examples=200)
@given(st.binary(max_size=300))
def test_any_bytes_give_a_caller_and_never_an_exception(data: bytes) -> None:
    assert isinstance(identify_message(data), CallerId)


@settings(max_examples=200)
@given(
    st.dictionaries(
        st.sampled_from(HEADER_NAMES),
        st.lists(st.lists(st.sampled_from(FRAGMENTS), max_size=10).map("".join), max_size=3),
        max_size=5,
    ),
    st.sampled_from(["RU", "GB", "US", "", "??", "ru"]),
)
def test_any_header_mapping_and_region_give_a_caller(
    headers: dict[str, list[str]], region: str
) -> None:
    assert isinstance(identify(headers, region), CallerId)

"""Phone number normalization for the call center, built on ``phonenumbers``.

Caller lookup, order capture and the courier sync all key on the E.164 form produced here,
so every place that accepts a typed or signalled number must go through ``parse_phone``.
"""

import logging
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

import phonenumbers
from phonenumbers import (
    NumberParseException,
    PhoneNumber,
    PhoneNumberFormat,
    PhoneNumberType,
    ValidationResult,
)

from dispatcher.errors import translatable

logger = logging.getLogger(__name__)


class PhoneStatus(StrEnum):
    """Whether the input is an external number, a short internal one, or not a number."""

    OK = "ok"
    INTERNAL = "internal"
    INVALID = "invalid"


class PhoneKind(StrEnum):
    """The kind of line, as far as the numbering plan can tell."""

    MOBILE = "mobile"
    LANDLINE = "landline"
    TOLL_FREE = "toll_free"
    INTERNAL = "internal"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class ParsedPhone:
    """Result of parsing one phone number as typed by an operator or sent by the PBX."""

    raw: str
    status: PhoneStatus
    e164: str | None
    kind: PhoneKind | None
    extension: str | None
    internal: str | None
    message: str  # English, and a translatable template (dispatcher.errors)

    @property
    def ok(self) -> bool:
        """True when this is a usable external number."""
        return self.status is PhoneStatus.OK

    def display(self) -> str:
        """Text for the operator: "+7 916 123-45-67", internal digits, or the raw input."""
        if self.status is PhoneStatus.INTERNAL:
            return self.internal or self.raw
        if self.e164 is None:
            return self.raw
        try:
            number = phonenumbers.parse(self.e164, None)
            if self.extension:
                number.extension = self.extension
            return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
        except Exception:
            # Display runs while painting the UI; a formatting surprise must not break it.
            return self.e164


# Longer input cannot be a phone number; rejecting it first bounds the cost of junk input
# (pasted text, binary garbage) in the caller lookup.
_MAX_INPUT_CHARS = 100
# ITU E.164 limit; phonenumbers allows longer national numbers for some countries (JP, ID).
_MAX_E164_DIGITS = 15
_INTERNAL_DIGITS = range(2, 6)

_MSG_EMPTY = translatable("Not a phone number: empty")
_MSG_LETTERS = translatable("Not a phone number: letters are not allowed")
_MSG_TOO_MANY_DIGITS = translatable("Not a phone number: too many digits")
_MSG_TOO_LONG = translatable("Not a phone number: too long")
_MSG_TOO_FEW_DIGITS = translatable("Not a phone number: too few digits")
_MSG_NO_AREA_CODE = translatable("Not a phone number: area code is missing")
_MSG_WRONG_LENGTH = translatable("Not a phone number: wrong number of digits for this country")
_MSG_UNKNOWN_COUNTRY = translatable("Not a phone number: unknown country code")
_MSG_NO_DIGITS = translatable("Not a phone number: no digits")
_MSG_BAD_LAYOUT = translatable("Not a phone number: digits are not laid out like a phone number")
_MSG_UNREADABLE = translatable("Not a phone number: could not be read")

_PARSE_ERROR_MESSAGES: dict[int, str] = {
    NumberParseException.INVALID_COUNTRY_CODE: _MSG_UNKNOWN_COUNTRY,
    NumberParseException.TOO_SHORT_AFTER_IDD: _MSG_TOO_FEW_DIGITS,
    NumberParseException.TOO_SHORT_NSN: _MSG_TOO_FEW_DIGITS,
    NumberParseException.TOO_LONG: _MSG_TOO_MANY_DIGITS,
}

_POSSIBILITY_MESSAGES: dict[int, str] = {
    ValidationResult.INVALID_COUNTRY_CODE: _MSG_UNKNOWN_COUNTRY,
    ValidationResult.TOO_SHORT: _MSG_TOO_FEW_DIGITS,
    ValidationResult.TOO_LONG: _MSG_TOO_MANY_DIGITS,
    ValidationResult.INVALID_LENGTH: _MSG_WRONG_LENGTH,
    # phonenumbers counts "123-45-67" as possible, but without the area code it has no
    # E.164 form and would be stored as the bogus "+71234567".
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: _MSG_NO_AREA_CODE,
}

# FIXED_LINE_OR_MOBILE (US, CA, ...) is deliberately OTHER: callers use MOBILE to decide
# whether an SMS can reach the customer, so only a certain answer counts.
_KIND_BY_TYPE: dict[int, PhoneKind] = {
    PhoneNumberType.MOBILE: PhoneKind.MOBILE,
    PhoneNumberType.FIXED_LINE: PhoneKind.LANDLINE,
    PhoneNumberType.TOLL_FREE: PhoneKind.TOLL_FREE,
}

# Letters are allowed only in an extension label at the end. These are the labels the
# phonenumbers extension pattern knows (it ignores case); a word it does not know, such
# as "добавочный", would be silently dropped by phonenumbers instead of failing.
_EXTENSION_TAIL = re.compile(
    r"(?:e?xt(?:ensi[oó]n?|n)?|доб|anexo|int|x)[.:=]?[\s,-]*\d+#?$",
    re.IGNORECASE,
)
# Separators phonenumbers treats as the start of an extension without any label.
_EXTENSION_SYMBOL = re.compile(r"[#;,~]")

# Separators operators and PBXs put between digit groups; anything else (tabs inside,
# non-ASCII, letters) goes to the slow path.
_FAST_SEPARATORS = str.maketrans("", "", " -().")
_ASCII_DIGITS = frozenset("0123456789")


def parse_phone(raw: str | None, region: str = "RU") -> ParsedPhone:
    """Parse a typed or signalled phone number; never raises for any input."""
    return _parse(raw, region, use_fast_path=True)


# The two forms telephony.caller_id gives a caller number in (see from_caller_id).
_CALLER_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_CALLER_INTERNAL = re.compile(r"[0-9]{2,5}")


def from_caller_id(number: str | None, region: str = "RU") -> ParsedPhone:
    """A caller number as telephony delivers it, read without parsing it a second time.

    telephony.caller_id normalises the caller id on the SIP thread (it may not import
    dispatcher, so it keeps its own rule, the same acceptance rule as ``parse_phone``): its
    E.164 and internal forms are taken as they are. Anything else (a number telephony could
    not read, or one an operator typed) is parsed here.
    """
    if isinstance(number, str):
        if _CALLER_E164.fullmatch(number):
            return ParsedPhone(number, PhoneStatus.OK, number, None, None, None, "")
        if _CALLER_INTERNAL.fullmatch(number):
            return ParsedPhone(
                number, PhoneStatus.INTERNAL, None, PhoneKind.INTERNAL, None, number, ""
            )
    return parse_phone(number, region)


def to_e164(raw: str | None, region: str = "RU") -> str | None:
    """The E.164 form, or None when raw is not a usable external number."""
    return parse_phone(raw, region).e164


def _parse_slow(raw: str | None, region: str = "RU") -> ParsedPhone:
    # The reference behaviour: the same pipeline with the fast path switched off, kept
    # separate so tests can prove that the fast path changes nothing but speed.
    return _parse(raw, region, use_fast_path=False)


def _parse(raw: str | None, region: str, *, use_fast_path: bool) -> ParsedPhone:
    if raw is None:
        return _invalid("", _MSG_EMPTY)
    if not isinstance(raw, str):
        return _invalid("", f"Not a phone number: expected text, got {type(raw).__name__}")
    if len(raw) > _MAX_INPUT_CHARS:
        return _invalid(raw, _MSG_TOO_LONG)
    try:
        region = region.upper()
        if use_fast_path and region == "RU":
            fast = _parse_fast_ru(raw)
            if fast is not None:
                return fast
        return _parse_with_phonenumbers(raw, region)
    except Exception:
        # A bug here must not take down the caller lookup. The number itself is personal
        # data, so only its length goes to the log.
        logger.exception("Phone parser failed on a %d-character input", len(raw))
        return _invalid(raw, _MSG_UNREADABLE)


def _parse_fast_ru(raw: str) -> ParsedPhone | None:
    """Handle the usual Russian spellings without phonenumbers.parse, or return None.

    Each branch below reproduces what phonenumbers.parse does for RU (region metadata:
    national prefix "8", national numbers match ``8\\d{13}|[347-9]\\d{9}``); anything
    the branches do not cover is left to the slow path.
    """
    compact = raw.translate(_FAST_SEPARATORS)
    if compact[:1] == "+":
        digits = compact[1:]
        # After "+7" the remaining ten digits are the national number as they stand.
        if len(digits) != 11 or digits[0] != "7":
            return None
    else:
        digits = compact
        if len(digits) == 11:
            # "8…" loses the trunk prefix; "7…" loses the country code only when the rest
            # looks like a national number, otherwise phonenumbers keeps all 11 digits.
            if digits[0] != "8" and not (digits[0] == "7" and digits[1] in "34789"):
                return None
        elif len(digits) != 10 or digits[0] not in "3489":
            return None
    if not _ASCII_DIGITS.issuperset(digits):
        return None
    # "810" is the Russian international prefix: "8 10 43 …" is a call abroad, and
    # phonenumbers reads any unsigned number starting with it that way.
    if compact.startswith("810"):
        return None
    national = digits[-10:]
    # A leading zero is kept by phonenumbers as a flag rather than a digit; rare enough to
    # leave to the slow path.
    if national[0] == "0":
        return None
    number = PhoneNumber(country_code=7, national_number=int(national))
    return ParsedPhone(
        raw=raw,
        status=PhoneStatus.OK,
        e164="+7" + national,
        kind=_kind_of(number),
        extension=None,
        internal=None,
        message="",
    )


def _parse_with_phonenumbers(raw: str, region: str) -> ParsedPhone:
    text = raw.strip()
    if not text:
        return _invalid(raw, _MSG_EMPTY)
    if not text.isascii():
        # Full-width digits, non-breaking spaces and full-width extension labels become
        # plain ASCII, so the checks below and the extension digits see ordinary text.
        text = unicodedata.normalize("NFKC", text).strip()
    if text[:4].casefold() == "tel:":
        text = text[4:].strip()
        if not text:
            return _invalid(raw, _MSG_EMPTY)

    compact = "".join(text.split()).replace("-", "")
    if len(compact) in _INTERNAL_DIGITS and _ASCII_DIGITS.issuperset(compact):
        return ParsedPhone(
            raw=raw,
            status=PhoneStatus.INTERNAL,
            e164=None,
            kind=PhoneKind.INTERNAL,
            extension=None,
            internal=compact,
            message="",
        )

    number_end = len(text)
    if any(ch.isalpha() for ch in text):
        tail = _EXTENSION_TAIL.search(text)
        if tail is not None:
            number_end = tail.start()
        # Otherwise phonenumbers would read "8-800-FLOWERS" as a vanity number and drop
        # trailing words such as "call after 6".
        if any(ch.isalpha() for ch in text[:number_end]):
            return _invalid(raw, _MSG_LETTERS)
    symbol = _EXTENSION_SYMBOL.search(text, 0, number_end)
    if symbol is not None:
        number_end = symbol.start()
    digit_count = sum(ch.isdecimal() for ch in text[:number_end])
    if digit_count > _MAX_E164_DIGITS:
        return _invalid(raw, _MSG_TOO_MANY_DIGITS)

    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException as exc:
        if exc.error_type == NumberParseException.NOT_A_NUMBER:
            # phonenumbers uses one error for "+", "7" and "1(2)3)"; the digit count tells
            # the operator which of these it was.
            if digit_count == 0:
                return _invalid(raw, _MSG_NO_DIGITS)
            return _invalid(raw, _MSG_TOO_FEW_DIGITS if digit_count < 2 else _MSG_BAD_LAYOUT)
        return _invalid(raw, _PARSE_ERROR_MESSAGES.get(exc.error_type, _MSG_UNREADABLE))
    possibility = phonenumbers.is_possible_number_with_reason(number)
    if possibility != ValidationResult.IS_POSSIBLE:
        return _invalid(raw, _POSSIBILITY_MESSAGES.get(possibility, _MSG_UNREADABLE))
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    if len(e164) - 1 > _MAX_E164_DIGITS:
        return _invalid(raw, _MSG_TOO_MANY_DIGITS)
    return ParsedPhone(
        raw=raw,
        status=PhoneStatus.OK,
        e164=e164,
        kind=_kind_of(number),
        extension=number.extension or None,
        internal=None,
        message="",
    )


def _kind_of(number: PhoneNumber) -> PhoneKind:
    # number_type is UNKNOWN exactly when is_valid_number is False (both run the same
    # region lookup and pattern match), so one call covers both; possible-but-invalid
    # numbers from new ranges land in OTHER.
    return _KIND_BY_TYPE.get(phonenumbers.number_type(number), PhoneKind.OTHER)


def _invalid(raw: str, message: str) -> ParsedPhone:
    return ParsedPhone(
        raw=raw,
        status=PhoneStatus.INVALID,
        e164=None,
        kind=None,
        extension=None,
        internal=None,
        message=message,
    )

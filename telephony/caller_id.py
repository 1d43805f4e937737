# Long (over 500 lines): every SIP header rule for the caller id, each bounded.
"""Who is calling: the caller number and name from the headers of an incoming INVITE.

The number comes from ``P-Asserted-Identity`` (set by a trusted network), then
``Remote-Party-ID`` (older PBXs), then ``From``. Everything here runs on the SIP thread for
every incoming call and sees whatever a PBX or a stray scanner sends, so no input may raise,
and the work is bounded: long values are cut, only the first few identities are looked at.

This module must not import ``dispatcher``: its own small normalization gives E.164 for
external numbers and the digits for short internal ones, the forms the caller lookup keys on.
It is the only parse of a call's number: dispatcher reads these two forms as they are
(``dispatcher.phones.from_caller_id``) instead of parsing the number again.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import unquote

import phonenumbers
from phonenumbers import PhoneNumberFormat, ValidationResult

logger = logging.getLogger(__name__)


class CallerSource(StrEnum):
    """The header the caller identity was taken from."""

    PAI = "p-asserted-identity"
    RPID = "remote-party-id"
    FROM = "from"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class CallerId:
    """The caller as the operator should see it; withheld and unknown callers included."""

    number: str | None
    normalized: str | None
    display_name: str | None
    withheld: bool
    source: CallerSource
    # False when the number came from From only because the sender's asserted identity was
    # not believed (RFC 3325: only a trusted PBX may assert who is calling).
    verified: bool = True

    @property
    def unknown(self) -> bool:
        """True when there is no number and the caller did not ask to hide it."""
        return self.number is None and not self.withheld

    def label(self) -> str:
        """What an operator sees: "+7 916 123-45-67", "101", "Withheld number", "Unknown caller"."""
        if self.withheld:
            return "Withheld number"
        if self.normalized is not None:
            return _format_for_display(self.normalized)
        if self.number is not None:
            return self.number
        return "Unknown caller"


UNKNOWN_CALLER = CallerId(None, None, None, False, CallerSource.NONE)

# RFC 3261 7.3.3 and the later RFCs that added compact forms (3515, 3892, 3265, 4028, ...).
_COMPACT_FORMS: dict[str, str] = {
    "a": "accept-contact",
    "b": "referred-by",
    "c": "content-type",
    "d": "request-disposition",
    "e": "content-encoding",
    "f": "from",
    "i": "call-id",
    "j": "reject-contact",
    "k": "supported",
    "l": "content-length",
    "m": "contact",
    "n": "identity-info",
    "o": "event",
    "r": "refer-to",
    "s": "subject",
    "t": "to",
    "u": "allow-events",
    "v": "via",
    "x": "session-expires",
    "y": "identity",
}

# A header line: an RFC 3261 token, optional blanks, a colon. A request or status line never
# matches ("INVITE sip:..." has a blank before the colon's word, "SIP/2.0" has a slash).
_HEADER_LINE = re.compile(r"([A-Za-z0-9.!%*_+`'~-]+)[ \t]*:[ \t]*(.*)", re.DOTALL)

# Bounds on hostile input: a real identity header is well under 1 KiB, and RFC 3325 allows at
# most two identities per P-Asserted-Identity.
_MAX_VALUE_CHARS = 4096
_MAX_IDENTITIES = 8
_MAX_USER_CHARS = 128
_MAX_DISPLAY_CHARS = 200

# User parts and display names PBXs and carriers put in place of a hidden caller.
_ANONYMOUS_WORDS = frozenset(
    {"anonymous", "anonym", "restricted", "unavailable", "unknown", "private", "withheld"}
)
_ANONYMOUS_HOST = "anonymous.invalid"
# RFC 3323 privacy values that hide the caller's identity from us.
_PRIVACY_HIDES_ID = frozenset({"id", "user", "header"})

# RFC 3966 visual separators, plus the blank some gateways leave in.
_VISUAL_SEPARATORS = str.maketrans("", "", "-.() ")
_INTERNAL_NUMBER = re.compile(r"[0-9]{2,5}")
_DIALABLE = re.compile(r"\+?[0-9]{6,17}")
# Text that is plainly a phone number even without a URI scheme (some PBXs send it so).
_BARE_NUMBER = re.compile(r"\+?[0-9][0-9().\- ]{1,30}")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
_BLANKS = re.compile(r"\s+")


def parse_headers(message: str | bytes) -> dict[str, list[str]]:
    """Lower-case header names (compact forms expanded) -> values, body skipped; never raises."""
    try:
        return _parse_headers(message)
    except Exception:
        # Only the size goes to the log: headers carry personal data (numbers, names).
        logger.exception("SIP header parser failed on a %d-character message", _size(message))
        return {}


def identify(
    headers: Mapping[str, Sequence[str]], region: str = "RU", *, trust_asserted: bool = True
) -> CallerId:
    """Caller from P-Asserted-Identity, then Remote-Party-ID, then From; never raises.

    ``trust_asserted=False`` (an untrusted sender): the asserted headers are ignored and the
    caller from From is marked unverified.
    """
    try:
        view = _canonical_view(headers)
        if trust_asserted:
            return _identify(view, region)
        view.pop("p-asserted-identity", None)
        view.pop("remote-party-id", None)
        return dataclasses.replace(_identify(view, region), verified=False)
    except Exception:
        logger.exception("Caller identification failed")
        return UNKNOWN_CALLER


def identify_message(message: str | bytes, region: str = "RU") -> CallerId:
    """identify(parse_headers(message), region)."""
    return identify(parse_headers(message), region)


def normalize_number(number: str | None, region: str = "RU") -> str | None:
    """E.164 for an external number, the digits of a 2-5 digit internal one, else None."""
    try:
        return _normalize(number, region)
    except Exception:
        logger.exception("Caller number normalization failed")
        return None


# --- headers -------------------------------------------------------------------------------


def _size(message: object) -> int:
    return len(message) if isinstance(message, str | bytes) else 0


def _canonical_name(name: str) -> str:
    lowered = name.strip().lower()
    return _COMPACT_FORMS.get(lowered, lowered)


def _parse_headers(message: str | bytes) -> dict[str, list[str]]:
    if isinstance(message, bytes | bytearray):
        message = bytes(message).decode("utf-8", "replace")
    if not isinstance(message, str):
        return {}
    # RFC 3261 lets a stream start with blank lines (keep-alives); the first blank line after
    # the headers starts the body, which must never be read as headers.
    text = message.lstrip("\r\n").replace("\r\n", "\n").replace("\r", "\n")
    end = text.find("\n\n")
    if end >= 0:
        text = text[:end]
    headers: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.split("\n"):
        if line[:1] in (" ", "\t"):
            # A folded continuation line (RFC 3261 7.3.1) belongs to the previous header.
            if current:
                current[-1] = f"{current[-1]} {line.strip()}".strip()
            continue
        match = _HEADER_LINE.fullmatch(line)
        if match is None:
            # The request/status line or garbage; a continuation after it must not attach
            # itself to an unrelated header.
            current = None
            continue
        current = headers.setdefault(_canonical_name(match.group(1)), [])
        current.append(match.group(2).strip())
    return headers


def _canonical_view(headers: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    # Callers may pass names as received ("From", "f", "P-ASSERTED-IDENTITY") or a bare
    # string instead of a list; fold both into the canonical shape parse_headers returns.
    view: dict[str, list[str]] = {}
    for name, values in headers.items():
        if not isinstance(name, str):
            continue
        if isinstance(values, str | bytes):
            values = [values]
        bucket = view.setdefault(_canonical_name(name), [])
        for value in values:
            if isinstance(value, bytes):
                value = value.decode("utf-8", "replace")
            if isinstance(value, str):
                bucket.append(value)
    return view


def _split_top_level(value: str) -> list[str]:
    """Split a header value on commas outside quotes and angle brackets."""
    parts: list[str] = []
    start = 0
    in_quotes = False
    in_brackets = False
    i = 0
    while i < len(value):
        ch = value[i]
        if in_quotes:
            if ch == "\\":
                i += 1
            elif ch == '"':
                in_quotes = False
        elif ch == '"':
            in_quotes = True
        elif ch == "<":
            in_brackets = True
        elif ch == ">":
            in_brackets = False
        elif ch == "," and not in_brackets:
            parts.append(value[start:i])
            start = i + 1
        i += 1
    parts.append(value[start:])
    return [part.strip() for part in parts if part.strip()]


# --- one identity: name-addr / addr-spec ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Identity:
    """One parsed identity header value."""

    number: str | None
    normalized: str | None
    display_name: str | None
    withheld: bool
    is_tel: bool
    params: dict[str, str]


def _parse_identity(value: str, region: str) -> _Identity:
    value = value[:_MAX_VALUE_CHARS].strip()
    display, uri, params = _split_name_addr(value)
    clean_display = _clean_display(display)
    number, uri_params, scheme_host, is_tel = _parse_uri(uri)
    context = uri_params.get("phone-context", "")
    withheld = False
    if number is not None and number.lower() in _ANONYMOUS_WORDS:
        withheld = True
        number = None
    if scheme_host == _ANONYMOUS_HOST:
        withheld = True
        number = None
    normalized = _normalize(number, region, context) if number is not None else None
    if clean_display is not None and clean_display.casefold() in _ANONYMOUS_WORDS:
        # "Anonymous" as a name is a marker, not a name. It hides the caller only when the
        # URI carries no number either: some gateways write it when no name is known.
        clean_display = None
        if number is None:
            withheld = True
    return _Identity(number, normalized, clean_display, withheld, is_tel, params)


def _split_name_addr(value: str) -> tuple[str | None, str, dict[str, str]]:
    """(display name as written, URI, header parameters) of a name-addr or addr-spec."""
    display: str | None = None
    rest = value
    if rest.startswith('"'):
        closing = _closing_quote(rest)
        if closing < 0:
            # Unterminated quote: the name runs up to the URI, if there is one.
            bracket = rest.find("<")
            if bracket < 0:
                return _unescape(rest[1:]), "", {}
            display, rest = _unescape(rest[1:bracket]), rest[bracket:]
        else:
            display, rest = _unescape(rest[1:closing]), rest[closing + 1 :].lstrip()
    bracket = rest.find("<")
    if bracket >= 0:
        if display is None and bracket > 0:
            display = rest[:bracket]  # an unquoted (token) display name
        closing_bracket = rest.find(">", bracket)
        if closing_bracket < 0:
            return display, rest[bracket + 1 :].strip(), {}
        uri = rest[bracket + 1 : closing_bracket].strip()
        return display, uri, _parse_params(rest[closing_bracket + 1 :])
    # addr-spec without brackets: RFC 3261 makes its ;params header parameters, so the URI is
    # the text before the first ';' and the rest is both (RPID ;privacy= lives there).
    uri = rest.strip()
    head, _, tail = uri.partition(";")
    if head.lower().startswith("tel:"):
        # A tel: number keeps its own ;phone-context, so the whole text stays the URI.
        return display, uri, _parse_params(";" + tail)
    return display, head, _parse_params(";" + tail)


def _closing_quote(text: str) -> int:
    i = 1
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == '"':
            return i
        i += 1
    return -1


def _unescape(text: str) -> str:
    # RFC 3261 quoted-pair: a backslash makes the next character literal.
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _parse_params(text: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in text.split(";")[1:]:
        name, _, val = item.partition("=")
        name = name.strip().lower()
        if name:
            params.setdefault(name, val.strip().strip('"').strip())
    return params


def _parse_uri(uri: str) -> tuple[str | None, dict[str, str], str, bool]:
    """(user part or tel number, URI params, host, is_tel) of a sip/sips/tel URI."""
    scheme, colon, rest = uri.partition(":")
    scheme = scheme.strip().lower()
    if colon and scheme == "tel":
        number, _, tail = rest.partition(";")
        return _clean_user(number), _parse_params(";" + tail.split("?", 1)[0]), "", True
    if colon and scheme in ("sip", "sips"):
        return _parse_sip_rest(rest)
    if "@" in uri and not colon:
        # "<79161234567@10.0.0.1>": a schemeless URI some broken PBXs send.
        return _parse_sip_rest(uri)
    if _BARE_NUMBER.fullmatch(uri.strip()):
        return _clean_user(uri), {}, "", True
    return None, {}, "", False


def _parse_sip_rest(rest: str) -> tuple[str | None, dict[str, str], str, bool]:
    userinfo, at, hostpart = rest.partition("@")
    if not at:
        # No user part: a URI of a host ("sip:pbx.example.com") names no caller.
        host = rest.split(";", 1)[0].split("?", 1)[0].strip().lower()
        return None, {}, host, False
    host_and_params = hostpart.split("?", 1)[0]
    host, _, tail = host_and_params.partition(";")
    # A telephone-subscriber user may carry its own ;params and a ":password" may follow.
    user = userinfo.split(":", 1)[0].split(";", 1)[0]
    return _clean_user(user), _parse_params(";" + tail), host.strip().lower(), False


def _clean_user(user: str) -> str | None:
    user = user.strip()
    if not user or len(user) > _MAX_USER_CHARS * 3:
        return None
    if "%" in user:
        user = unquote(user, errors="replace")
    user = _CONTROL_CHARS.sub("", user).strip()
    if not user or len(user) > _MAX_USER_CHARS:
        return None
    return user


def _clean_display(display: str | None) -> str | None:
    if display is None:
        return None
    display = _repair_encoding(display)
    display = _BLANKS.sub(" ", _CONTROL_CHARS.sub(" ", display)).strip()
    if not display:
        return None
    return display[:_MAX_DISPLAY_CHARS]


def _repair_encoding(text: str) -> str:
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        # pjsua2 hands undecodable bytes over as surrogate escapes; read them as UTF-8 and
        # turn what still is not UTF-8 into the replacement character.
        try:
            return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        except UnicodeError:
            return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)
    if not text.isascii() and all(ch <= "\xff" for ch in text):
        # UTF-8 bytes decoded as Latin-1 somewhere on the way ("Ð\x98Ð²Ð°Ð½"): undo it. A real
        # Latin-1 name ("José") is not valid UTF-8 as bytes, so it stays as it is.
        try:
            return text.encode("latin-1").decode("utf-8")
        except UnicodeError:
            return text
    return text


# --- numbers -------------------------------------------------------------------------------


def _normalize(number: str | None, region: str, context: str = "") -> str | None:
    if not isinstance(number, str):
        return None
    compact = number.translate(_VISUAL_SEPARATORS)
    if _INTERNAL_NUMBER.fullmatch(compact):
        return compact
    if not _DIALABLE.fullmatch(compact):
        return None
    if not compact.startswith("+"):
        # RFC 3966: a local number with a global phone-context ("+7495") is that prefix + it.
        prefix = context.translate(_VISUAL_SEPARATORS)
        if prefix.startswith("+") and prefix[1:].isdigit() and prefix[1:].isascii():
            compact = prefix + compact
    try:
        parsed = phonenumbers.parse(compact, region.upper() if isinstance(region, str) else None)
    except phonenumbers.NumberParseException:
        return None
    # The same acceptance rule as the caller lookup, so a number normalized here is found
    # there; "possible, local only" numbers have no E.164 form.
    if phonenumbers.is_possible_number_with_reason(parsed) != ValidationResult.IS_POSSIBLE:
        return None
    e164 = phonenumbers.format_number(parsed, PhoneNumberFormat.E164)
    return e164 if len(e164) <= 16 else None


def _format_for_display(normalized: str) -> str:
    if not normalized.startswith("+"):
        return normalized
    try:
        return phonenumbers.format_number(
            phonenumbers.parse(normalized, None), PhoneNumberFormat.INTERNATIONAL
        )
    except Exception:
        # Runs while painting the call pop-up: a formatting surprise must not break it.
        return normalized


# --- choosing the caller -------------------------------------------------------------------


def _privacy_requested(headers: dict[str, list[str]]) -> bool:
    for value in headers.get("privacy", ()):
        tokens = re.split(r"[;,\s]+", value[:_MAX_VALUE_CHARS].lower())
        if _PRIVACY_HIDES_ID.intersection(tokens):
            return True
    return False


def _identities(headers: dict[str, list[str]], name: str, region: str) -> list[_Identity]:
    found: list[_Identity] = []
    for value in headers.get(name, ()):
        for part in _split_top_level(value[:_MAX_VALUE_CHARS]):
            if len(found) >= _MAX_IDENTITIES:
                return found
            found.append(_parse_identity(part, region))
    return found


def _pick(identities: list[_Identity]) -> _Identity | None:
    """The identity to report from one header, or None when it names nobody."""
    if any(identity.withheld for identity in identities):
        # An anonymous asserted identity wins over a number next to it: hiding by mistake
        # costs a question, showing by mistake breaks the caller's privacy.
        return next(identity for identity in identities if identity.withheld)
    with_number = [identity for identity in identities if identity.number is not None]
    if not with_number:
        return None
    # RFC 3325 allows a sip: and a tel: identity; the tel: one (or any that normalizes) is
    # the phone number the operator needs, the sip: one may be an internal account name.
    for preferred in (
        lambda i: i.is_tel and i.normalized is not None,
        lambda i: i.normalized is not None,
    ):
        for identity in with_number:
            if preferred(identity):
                return identity
    return with_number[0]


def _identify(headers: dict[str, list[str]], region: str) -> CallerId:
    if not isinstance(region, str):
        region = "RU"
    pai = _identities(headers, "p-asserted-identity", region)
    rpid_all = _identities(headers, "remote-party-id", region)
    # An RPID of the called party describes us, not the caller.
    rpid = [i for i in rpid_all if i.params.get("party", "calling").lower() != "called"]
    rpid = [_apply_rpid_privacy(i) for i in rpid]
    from_ = _identities(headers, "from", region)[:1]

    chosen: _Identity | None = None
    source = CallerSource.NONE
    for candidates, candidate_source in (
        (pai, CallerSource.PAI),
        (rpid, CallerSource.RPID),
        (from_, CallerSource.FROM),
    ):
        chosen = _pick(candidates)
        if chosen is not None:
            source = candidate_source
            break

    privacy = _privacy_requested(headers)
    if chosen is None:
        if privacy:
            return CallerId(None, None, None, True, _first_present(headers))
        # No number anywhere; a name alone still helps the operator ("Reception").
        name = _first_name(pai + rpid + from_)
        if name is None:
            return UNKNOWN_CALLER
        return CallerId(None, None, name, False, _first_present(headers))
    if chosen.withheld or privacy:
        # RPID ;privacy=uri hides only the number; its own name may still be shown.
        name = chosen.display_name if chosen.params.get("privacy", "") == "uri" else None
        return CallerId(None, None, name if not privacy else None, True, source)
    # The chosen header may carry only a number; the name then comes from the others.
    same_header = pai if source is CallerSource.PAI else rpid if source is CallerSource.RPID else []
    name = chosen.display_name or _first_name([*same_header, *rpid, *from_])
    return CallerId(chosen.number, chosen.normalized, name, False, source)


def _apply_rpid_privacy(identity: _Identity) -> _Identity:
    privacy = identity.params.get("privacy", "off").lower()
    if privacy in ("full", "uri"):
        return _Identity(None, None, identity.display_name, True, False, identity.params)
    if privacy == "name":
        return _Identity(
            identity.number,
            identity.normalized,
            None,
            identity.withheld,
            identity.is_tel,
            identity.params,
        )
    return identity


def _first_name(identities: list[_Identity]) -> str | None:
    for identity in identities:
        if identity.display_name and not identity.withheld:
            return identity.display_name
    return None


def _first_present(headers: dict[str, list[str]]) -> CallerSource:
    for name, source in (
        ("p-asserted-identity", CallerSource.PAI),
        ("remote-party-id", CallerSource.RPID),
        ("from", CallerSource.FROM),
    ):
        if headers.get(name):
            return source
    return CallerSource.NONE

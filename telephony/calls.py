"""pjsua2 Account and Call subclasses: their callbacks copy data into events.

Every callback here runs on the SIP thread (``mainThreadOnly``). A Python exception escaping
a SWIG director callback would unwind through pjsip's C code, so each one is guarded.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Protocol, TypeVar
from urllib.parse import unquote

import pjsua2 as pj

from telephony.caller_id import identify, parse_headers
from telephony.config import AccountConfig
from telephony.events import (
    CallState,
    CallStateChanged,
    DtmfReceived,
    Event,
    IncomingCall,
    RegistrationChanged,
    RegState,
)
from telephony.trust import Verdict, split_host_port

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., None])


def guarded(method: F) -> F:
    """Log and swallow any exception of a pjsua2 callback (it must not reach pjsip)."""

    @functools.wraps(method)
    def wrapper(*args: object, **kwargs: object) -> None:
        try:
            method(*args, **kwargs)
        except Exception:
            logger.exception("Error in pjsua2 callback %s", method.__name__)

    return wrapper  # type: ignore[return-value]


class CallHost(Protocol):
    """What accounts and calls need from the SIP stack that owns them."""

    region: str
    auto_answer: bool
    max_ringing_per_source: int

    def emit(self, event: Event) -> None:
        """Queue an event for the listener."""

    def register_call(self, call: EngineCall) -> int:
        """Keep a Python reference to a new call and give it an engine call id."""

    def call_ended(self, call: EngineCall) -> None:
        """The call is disconnected: drop every reference so it is deleted on return."""

    def connect_audio(self, call: EngineCall) -> None:
        """Connect the call's audio to the sound devices (capture only when not muted)."""

    def hangup_later(self, call_id: int, code: int = 0) -> None:
        """Hang up the call after the current callback returns (with ``code`` if it rings)."""

    def judge(self, source: str) -> Verdict:
        """Whether an INVITE from ``source`` ("ip:port") may ring and its PAI is believed."""

    def ringing_from(self, source_ip: str) -> int:
        """Incoming calls from ``source_ip`` that ring (not answered, not ended) now."""


def uri_user(value: str) -> str:
    """The user part of a SIP/tel URI or name-addr ("" when there is none), percent-decoded."""
    text = value.strip()
    if "<" in text:
        text = text.split("<", 1)[1].split(">", 1)[0]
    scheme, colon, rest = text.partition(":")
    if not colon:
        return ""
    if scheme.strip().lower() == "tel":
        return unquote(rest.split(";", 1)[0].strip())
    user, at, _host = rest.partition("@")
    if not at:
        return ""
    return unquote(user.split(";", 1)[0].split(":", 1)[0].strip())


def called_number(message: str, headers: dict[str, list[str]]) -> str:
    """The number the caller dialled: the To user, else the Request-URI user."""
    for value in headers.get("to", [])[:1]:
        user = uri_user(value)
        if user:
            return user
    first_line = message.lstrip("\r\n").split("\n", 1)[0].strip()
    parts = first_line.split(" ")
    return uri_user(parts[1]) if len(parts) >= 2 else ""


def _seconds(value: pj.TimeVal) -> float:
    return round(value.sec + value.msec / 1000.0, 3)


class EngineAccount(pj.Account):
    """One SIP account; reports registration and creates Call objects for incoming calls."""

    def __init__(self, host: CallHost, config: AccountConfig) -> None:
        """An account of ``config``; ``create()`` must be called on the SIP thread."""
        pj.Account.__init__(self)
        self.host = host
        self.config = config
        self.reg_state: RegState | None = None
        self._last_report: tuple[RegState, int, str] | None = None
        # Registration supervision (see supervise()): when the pending REGISTER went out,
        # whether it was already reported as unanswered, when the last answer came.
        self.reg_pending_since: float | None = None
        self.reg_overdue = False
        self.reg_answered_at = time.monotonic()

    @guarded
    def onRegStarted(self, prm: pj.OnRegStartedParam) -> None:
        """A REGISTER (or un-REGISTER) is being sent."""
        if not self.config.registers or not prm.renew:
            return
        self.reg_pending_since = time.monotonic()
        self.reg_overdue = False
        if self.reg_state is not RegState.REGISTERED:
            self._report(RegState.REGISTERING, 0, "", 0)

    @guarded
    def onRegState(self, prm: pj.OnRegStateParam) -> None:
        """The registrar answered a REGISTER, or the request failed."""
        if not self.config.registers:
            return
        self.reg_pending_since = None
        self.reg_answered_at = time.monotonic()
        code = int(prm.code)
        if 200 <= code < 300:
            state = RegState.REGISTERED if prm.expiration > 0 else RegState.UNREGISTERED
        else:
            state = RegState.FAILED
        reason = str(prm.reason) or ("No response from the registrar" if code == 0 else "")
        self._report(
            state, code, reason, int(prm.expiration) if state is RegState.REGISTERED else 0
        )

    def supervise(self, now: float, overdue_s: float) -> None:
        """Called often on the SIP thread: notice a silent registrar, refresh over UDP.

        A REGISTER left unanswered for ``overdue_s`` is reported as FAILED (408) at once,
        instead of after pjsip's 32 s transaction timeout; pjsip keeps retransmitting and
        the answer, when it comes, reports REGISTERED again. Over UDP nothing else would
        notice a registrar that restarted and forgot us (TCP sees the connection drop), so
        the registration is refreshed every ``keepalive_s``: a restarted registrar has the
        operator's line back within that time.
        """
        config = self.config
        if not config.registers or self.reg_state is None:
            return
        pending = self.reg_pending_since
        if pending is not None:
            if not self.reg_overdue and now - pending >= overdue_s:
                self.reg_overdue = True
                self._report(RegState.FAILED, 408, "No response from the registrar", 0)
            return
        if (
            config.transport == "udp"
            and config.keepalive_s > 0
            and self.reg_state is RegState.REGISTERED
            and now - self.reg_answered_at >= config.keepalive_s
        ):
            self.reg_answered_at = now
            try:
                self.setRegistration(True)
            except pj.Error as exc:
                logger.warning("Refreshing the registration of %s: %s", config.id, exc.reason)

    def _report(self, state: RegState, code: int, reason: str, expires: int) -> None:
        self.reg_state = state
        key = (state, code, reason)
        if key == self._last_report and state is not RegState.FAILED:
            return  # a routine refresh: nothing changed for the operator
        self._last_report = key
        self.host.emit(RegistrationChanged(self.config.id, state, code, reason, expires))

    @guarded
    def onIncomingCall(self, prm: pj.OnIncomingCallParam) -> None:
        """A new INVITE: refuse a stranger, else report it and ring (180) or answer (200)."""
        received_ns = time.time_ns()
        call = EngineCall(self, "in", prm.callId)
        call_id = self.host.register_call(call)
        source = str(prm.rdata.srcAddress)
        call.source_ip = _host_of(source)
        verdict = self.host.judge(source)
        if not verdict.accept:
            logger.warning(
                "Refused an INVITE from %s (403): not the registrar, proxy or a trusted host",
                source,
            )
            call.refuse(pj.PJSIP_SC_FORBIDDEN)
            return
        if (
            not verdict.from_signalling_peer
            and self.host.ringing_from(call.source_ip) > self.host.max_ringing_per_source
        ):
            logger.warning(
                "Refused an INVITE from %s (486): %d calls from it already ring",
                source,
                self.host.max_ringing_per_source,
            )
            call.refuse(pj.PJSIP_SC_BUSY_HERE)
            return
        self._ring(call, call_id, prm, verdict, received_ns)

    def _ring(
        self,
        call: EngineCall,
        call_id: int,
        prm: pj.OnIncomingCallParam,
        verdict: Verdict,
        received_ns: int,
    ) -> None:
        try:
            message = str(prm.rdata.wholeMsg)
            headers = parse_headers(message)
            called = called_number(message, headers)
        except Exception:  # whatever the INVITE holds, the operator must still get the call
            logger.warning("Call %d: INVITE text unreadable; caller unknown", call_id)
            headers, called = {}, ""
        self.host.emit(
            IncomingCall(
                call_id=call_id,
                caller=identify(headers, self.host.region, trust_asserted=verdict.asserted_trusted),
                called=called,
                line=self.config.id,
                headers=headers,
                received_ns=received_ns,
            )
        )
        op = pj.CallOpParam(True)
        op.statusCode = pj.PJSIP_SC_OK if self.host.auto_answer else pj.PJSIP_SC_RINGING
        call.answer(op)


def _host_of(source: str) -> str:
    try:
        return split_host_port(source)[0]
    except ValueError:
        return source


_UAS_STATES = {
    pj.PJSIP_INV_STATE_EARLY: CallState.RINGING,  # our 180 Ringing went out
}
_UAC_STATES = {
    pj.PJSIP_INV_STATE_CALLING: CallState.CALLING,
    pj.PJSIP_INV_STATE_EARLY: CallState.EARLY,
}


class EngineCall(pj.Call):
    """One call; its engine id never repeats, unlike pjsua's call slot numbers."""

    def __init__(self, account: EngineAccount, direction: str, pj_call_id: int) -> None:
        """A call of ``account``; ``pj_call_id`` is pjsua's id for an incoming call."""
        pj.Call.__init__(self, account, pj_call_id)
        self.account = account
        self.host = account.host
        self.direction = direction
        self.engine_id = 0
        self.state: CallState | None = None
        self.ended = False
        self.muted = False
        self.created_ns = time.time_ns()
        self.invite_sent_ns: int | None = None
        self.answered_ns: int | None = None
        self.ended_ns: int | None = None
        self._media_hold: CallState | None = None
        self.source_ip = ""
        # Refused before the listener heard of it: its end is not reported either.
        self.silent = False

    # --- callbacks ---------------------------------------------------------------------------

    @guarded
    def onCallState(self, prm: pj.OnCallStateParam) -> None:
        """The INVITE session changed state."""
        info = self.getInfo()
        inv_state = info.state
        if inv_state == pj.PJSIP_INV_STATE_DISCONNECTED:
            self.ended_ns = time.time_ns()
            self._report(CallState.ENDED, info)
            self.ended = True
            self.host.call_ended(self)
            return
        if inv_state == pj.PJSIP_INV_STATE_CONFIRMED:
            if self.answered_ns is None:
                self.answered_ns = time.time_ns()
            self._report(self._media_hold or CallState.ANSWERED, info)
            return
        table = _UAS_STATES if info.role == pj.PJSIP_ROLE_UAS else _UAC_STATES
        state = table.get(inv_state)
        if state is CallState.CALLING and self.invite_sent_ns is None:
            # pjsip reports CALLING once the INVITE has been handed to the transport.
            self.invite_sent_ns = time.time_ns()
        if state is not None:
            self._report(state, info)

    @guarded
    def onCallMediaState(self, prm: pj.OnCallMediaStateParam) -> None:
        """SDP negotiation finished: connect audio, notice hold and unhold."""
        info = self.getInfo()
        hold: CallState | None = None
        for media in info.media:
            if media.type != pj.PJMEDIA_TYPE_AUDIO:
                continue
            if media.status in (pj.PJSUA_CALL_MEDIA_ACTIVE, pj.PJSUA_CALL_MEDIA_REMOTE_HOLD):
                self.host.connect_audio(self)
            if media.status == pj.PJSUA_CALL_MEDIA_LOCAL_HOLD:
                hold = CallState.HELD
            elif media.status == pj.PJSUA_CALL_MEDIA_REMOTE_HOLD:
                hold = CallState.REMOTE_HELD
            elif media.status == pj.PJSUA_CALL_MEDIA_NONE and self._media_hold is not None:
                hold = self._media_hold  # both sides on hold: keep what we had
        self._media_hold = hold
        if info.state == pj.PJSIP_INV_STATE_CONFIRMED:
            self._report(hold or CallState.ANSWERED, info)

    @guarded
    def onDtmfDigit(self, prm: pj.OnDtmfDigitParam) -> None:
        """The far end sent a DTMF digit."""
        if not self.ended:
            self.host.emit(DtmfReceived(self.engine_id, str(prm.digit)))

    @guarded
    def onCallTransferRequest(self, prm: pj.OnCallTransferRequestParam) -> None:
        """The far end asks us to call someone else (REFER): follow it as a new call."""
        new_call = EngineCall(self.account, "out", pj.PJSUA_INVALID_ID)
        self.host.register_call(new_call)
        prm.newCall = new_call
        logger.info(
            "Call %d: transferred by the far end to a new call %d",
            self.engine_id,
            new_call.engine_id,
        )

    @guarded
    def onCallTransferStatus(self, prm: pj.OnCallTransferStatusParam) -> None:
        """Progress of a transfer we asked for: once the far end is connected, leave."""
        if not prm.finalNotify:
            return
        code = int(prm.statusCode)
        if 200 <= code < 300:
            logger.info("Call %d: transfer succeeded (%d), hanging up", self.engine_id, code)
            prm.cont = False
            self.host.hangup_later(self.engine_id)
        else:
            logger.warning("Call %d: transfer failed: %d %s", self.engine_id, code, prm.reason)

    # --- helpers -----------------------------------------------------------------------------

    def hangup_quietly(self, code: int = 0) -> None:
        """Hang up unless already gone (after a transfer, a refusal and at shutdown)."""
        if self.ended or not self.isActive():
            return
        op = pj.CallOpParam(True)
        if code:
            op.statusCode = code
        try:
            self.hangup(op)
        except pj.Error as exc:
            logger.info("Call %d: hangup: %s", self.engine_id, exc.reason)

    def refuse(self, code: int) -> None:
        """Answer a new incoming call with a final error (403, 486) without reporting it."""
        self.silent = True
        # Not now: a final answer from inside onIncomingCall, while pjsua still sets up the
        # call's media, frees the INVITE's rdata twice (a pjsip assertion aborts the process).
        self.host.hangup_later(self.engine_id, code)

    @property
    def ringing(self) -> bool:
        """True for an incoming call that rings: not answered, not ended, not refused."""
        return (
            self.direction == "in"
            and self.answered_ns is None
            and not self.ended
            and not self.silent
        )

    def _report(self, state: CallState, info: pj.CallInfo) -> None:
        if state is self.state and state is not CallState.ENDED:
            return
        if self.ended or self.silent:
            return
        self.state = state
        self.host.emit(
            CallStateChanged(
                call_id=self.engine_id,
                state=state,
                code=int(info.lastStatusCode),
                reason=str(info.lastReason),
                duration_s=_seconds(info.totalDuration),
                talk_s=_seconds(info.connectDuration),
                direction=self.direction,
            )
        )

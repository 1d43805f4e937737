# Long (over 500 lines): every pjsua2 object lives and dies on the SIP thread.
"""The pjsua2 Endpoint with its transports, accounts and calls; used only on the SIP thread.

Lifecycle (pjsip's rules): ``libCreate``/``libInit``/``transportCreate``/``libStart`` on the
SIP thread; on shutdown hang up and delete every Call, unregister and delete every Account,
then ``libDestroy`` - all on that same thread, so no pjsua2 object is ever finalized by the
garbage collector on a thread pjlib does not know.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import logging
import os
import sys
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pjsua2 as pj

from telephony.calls import EngineAccount, EngineCall
from telephony.config import AccountConfig, EngineConfig
from telephony.errors import CallGoneError, TelephonyError, without_frames
from telephony.events import Event, RegState
from telephony.sip_log import SipLogBridge
from telephony.trust import SenderTrust, Verdict, parse_trusted, signalling_peers

logger = logging.getLogger(__name__)

# Simultaneous calls; pjsua answers 486 to INVITEs beyond it before creating any media. The
# pjsua2-python wheel is built with PJSUA_MAX_CALLS = 4 and silently caps UaConfig.maxCalls
# there (measured: 8 or 33 still accept 4, 3 accepts 3), so 4 is what the phone really has;
# tests/telephony/test_sip_flood.py checks that this number rings at once.
MAX_CALLS = 4
# Every call holds an RTP and an RTCP socket in pjmedia's ioqueue, which has 64 slots in this
# build, and a closed socket's slot comes back only 500 ms later. A fast burst of short calls
# (or an INVITE/CANCEL flood) would exhaust it and trip a pjlib assertion that aborts the
# process. So network polling pauses while this many calls are alive or ended within the last
# SOCKET_HOLD_S; one poll may still start a few more, which the margin below 64 absorbs.
CALL_SOCKET_BUDGET = 20
SOCKET_HOLD_S = 0.6
# Random UDP ports tried before giving up on one whose TCP twin is free too.
PORT_ATTEMPTS = 20
# A REGISTER unanswered this long is shown as failed (pjsip itself waits 32 s).
REGISTER_OVERDUE_S = 2.0
SUPERVISE_EVERY_S = 0.25
STILLBORN_AFTER_S = 10.0
# Ended call ids remembered so that a late command says "has already ended".
ENDED_MEMORY = 4096
DTMF_DIGITS = frozenset("0123456789*#ABCDabcd")
_PJ_ERRNO_START_SYS = 120000  # PJ_STATUS_FROM_OS(e) == 120000 + e on POSIX


# pjsua2's Endpoint is a process-wide singleton: at most one running stack at a time.
_ACTIVE: list[SipStack] = []
_ACTIVE_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class AudioDevice:
    """A sound device as pjsua2 lists it; ``index`` is the id the settings store."""

    index: int
    name: str
    input_count: int
    output_count: int


@dataclass(frozen=True, slots=True)
class CallTimes:
    """Wall-clock instants (time.time_ns()) in a call's life; None when not reached yet."""

    created_ns: int
    invite_sent_ns: int | None
    answered_ns: int | None
    ended_ns: int | None


def pj_reason(exc: BaseException) -> str:
    """The readable part of a pjsua2 error ("Address already in use")."""
    if isinstance(exc, pj.Error):
        return str(exc.reason) or str(exc.title) or f"pjsip error {exc.status}"
    return str(exc) or type(exc).__name__


def _delete_all(objects: list[Any], kind: str) -> None:
    """Delete pjsua2 objects now, on this (the SIP) thread, by dropping the last reference.

    ``objects`` must hold the only references; it is emptied. An object that survives (some
    reference leaked) is disowned: its C++ half is leaked rather than destroyed later by the
    garbage collector on an unknown thread or after libDestroy, which would abort the process.
    """
    refs = [weakref.ref(obj) for obj in objects]
    objects.clear()
    if not any(ref() is not None for ref in refs):
        return
    gc.collect()
    for ref in refs:
        obj = ref()
        if obj is not None:
            logger.error("A pjsua2 %s outlived its deletion; leaking it instead", kind)
            obj.thisown = False
            del obj


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Point file descriptor 1 at stderr for a moment.

    libCreate logs its first lines with printf, before any log setting can apply; stdout may
    be a JSON stream (the CLI, benchmarks), so those lines go to stderr instead. Other
    threads' output in that millisecond lands on stderr too, which loses nothing.
    """
    try:
        sys.stdout.flush()
        saved = os.dup(1)
        os.dup2(2, 1)
    except (OSError, ValueError):  # no usable stdout/stderr (a windowed app): nothing to do
        yield
        return
    try:
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _system_ca_file() -> str:
    """The system's CA bundle (PEM), as OpenSSL finds it."""
    import ssl

    paths = ssl.get_default_verify_paths()
    return paths.cafile or paths.openssl_cafile or "/etc/ssl/certs/ca-certificates.crt"


_SRTP = {
    "off": pj.PJMEDIA_SRTP_DISABLED,
    "optional": pj.PJMEDIA_SRTP_OPTIONAL,
    "mandatory": pj.PJMEDIA_SRTP_MANDATORY,
}


def _is_os_error(exc: pj.Error, code: int) -> bool:
    return int(exc.status) == _PJ_ERRNO_START_SYS + code


class SipStack:
    """Everything pjsua2 of one engine. Every method must be called on the SIP thread."""

    def __init__(self, config: EngineConfig, emit: Callable[[Event], None]) -> None:
        """A stack for ``config`` that reports events through ``emit``."""
        self.config = config
        self.region = config.region
        self.auto_answer = config.auto_answer
        self.max_ringing_per_source = config.max_ringing_per_source
        self.trust = SenderTrust((), (), enforce=config.registers)
        self._emit = emit
        self._ep: pj.Endpoint | None = None
        self._log: SipLogBridge | None = None
        self._accounts: dict[str, EngineAccount] = {}
        self._calls: dict[int, EngineCall] = {}
        self._ended_ids: dict[int, CallTimes] = {}  # ended calls, oldest first
        self._dying: list[weakref.ref[EngineCall]] = []
        self._deferred: list[Callable[[], None]] = []
        self._next_call_id = 1
        self._recent_ends: deque[float] = deque()
        self._next_supervision = 0.0
        self.bound_port = 0
        self.tcp_port: int | None = None
        self.tls_port: int | None = None

    # --- CallHost ----------------------------------------------------------------------------

    def emit(self, event: Event) -> None:
        """Queue an event for the dispatch thread."""
        self._emit(event)

    def register_call(self, call: EngineCall) -> int:
        """Keep a reference to ``call`` (else Python collects it) and number it."""
        call.engine_id = self._next_call_id
        self._next_call_id += 1
        self._calls[call.engine_id] = call
        return call.engine_id

    def call_ended(self, call: EngineCall) -> None:
        """Drop the stack's reference to a disconnected call, from inside its callback.

        The Call object is then deleted as soon as its onCallState returns - pjsua2's
        "delete this in onCallState(DISCONNECTED)" pattern. Deleting it any later is wrong:
        pjsua2 does not reset Call::id, and once pjsua reuses the slot for a new call (it
        can within the same poll) the old object's destructor would hang up the new call.
        """
        if self._calls.pop(call.engine_id, None) is not None:
            self._dying.append(weakref.ref(call))
            self._recent_ends.append(time.monotonic())
        self._ended_ids[call.engine_id] = CallTimes(
            call.created_ns, call.invite_sent_ns, call.answered_ns, call.ended_ns
        )
        while len(self._ended_ids) > ENDED_MEMORY:
            self._ended_ids.pop(next(iter(self._ended_ids)))

    def defer(self, action: Callable[[], None]) -> None:
        """Run ``action`` after the current pjsip callback has returned.

        ``action`` must not hold a Call object (use its id): see call_ended.
        """
        self._deferred.append(action)

    def hangup_later(self, call_id: int, code: int = 0) -> None:
        """Hang up a call after the current callback, if it is still up by then."""

        def action() -> None:
            call = self._calls.get(call_id)
            if call is not None:
                call.hangup_quietly(code)

        self.defer(action)

    def judge(self, source: str) -> Verdict:
        """Whether an INVITE from ``source`` may ring and its asserted caller id is believed."""
        return self.trust.judge(source)

    def ringing_from(self, source_ip: str) -> int:
        """Incoming calls from ``source_ip`` ringing now."""
        return sum(
            1 for call in self._calls.values() if call.ringing and call.source_ip == source_ip
        )

    def _end_long_ringing(self) -> None:
        # A call nobody answers (or an INVITE that never ends) frees its line after the ring
        # timeout; the listener sees it end unanswered, i.e. missed.
        horizon = time.time_ns() - int(self.config.ring_timeout_s * 1e9)
        for call_id in [c for c, call in self._calls.items() if call.ringing]:
            call = self._calls[call_id]
            if call.created_ns < horizon and call.isActive():
                logger.info(
                    "Call %d rang %g s unanswered: ended as missed",
                    call_id,
                    self.config.ring_timeout_s,
                )
                op = pj.CallOpParam(True)
                op.statusCode = pj.PJSIP_SC_TEMPORARILY_UNAVAILABLE
                try:
                    call.hangup(op)
                except pj.Error as exc:
                    logger.info("Call %d: ending after the ring timeout: %s", call_id, exc.reason)

    def connect_audio(self, call: EngineCall) -> None:
        """Call audio to the playback device; the capture device to the call unless muted."""
        if self._ep is None:
            return
        adm = self._ep.audDevManager()
        try:
            media = call.getAudioMedia(-1)
            media.startTransmit(adm.getPlaybackDevMedia())
            if not call.muted:
                adm.getCaptureDevMedia().startTransmit(media)
        except pj.Error as exc:
            logger.warning("Call %d: cannot connect audio: %s", call.engine_id, pj_reason(exc))

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Create the library, transports and accounts; raise TelephonyError on failure."""
        try:
            self._start()
        except (TelephonyError, pj.Error) as exc:
            error = (
                exc
                if isinstance(exc, TelephonyError)
                else TelephonyError(f"The SIP engine could not start: {pj_reason(exc)}.")
            )
            # The frames of the failed start hold the Endpoint (via pjsua2's wrappers): drop
            # them so that shutdown really deletes it.
            without_frames(exc)
            error.__cause__ = error.__context__ = None
            self.shutdown(grace_s=0.0)
            raise error from None

    def _start(self) -> None:
        with _ACTIVE_LOCK:
            if _ACTIVE:
                raise TelephonyError(
                    "Another SIP engine is already running in this process; stop it first "
                    "(pjsua2 allows one per process)."
                )
            _ACTIVE.append(self)
        config = self.config
        # Never bind the Endpoint to a local: a traceback through this frame would keep it
        # alive past shutdown, and a second Endpoint() then aborts the process.
        self._ep = pj.Endpoint()
        with _stdout_to_stderr():
            self._ep.libCreate()
        ep_config = pj.EpConfig()
        ep_config.uaConfig.threadCnt = 0
        ep_config.uaConfig.mainThreadOnly = True
        ep_config.uaConfig.maxCalls = MAX_CALLS
        ep_config.uaConfig.userAgent = config.user_agent
        self._log = SipLogBridge(config.log_level, config.sip_trace_path)
        ep_config.logConfig.writer = self._log
        ep_config.logConfig.level = self._log.pj_level
        ep_config.logConfig.consoleLevel = self._log.pj_level
        ep_config.logConfig.msgLogging = self._log.traces
        ep_config.logConfig.decor = 0
        ep_config.medConfig.noVad = True
        self._ep.libInit(ep_config)

        self._create_transports()
        self.trust = self._build_trust()

        self._setup_audio()
        self._ep.libStart()
        for account in config.accounts:
            self._create_account(account)
        logger.info(
            "SIP engine up on %s: UDP %d%s",
            config.listen_host,
            self.bound_port,
            f", TCP {self.tcp_port}" if self.tcp_port else "",
        )

    def _build_trust(self) -> SenderTrust:
        signalling = []
        for account in self.config.accounts:
            for uri in (account.registrar, account.proxy):
                if uri:
                    signalling += signalling_peers(uri, account.transport)
        trusted = [peer for entry in self.config.trusted_hosts for peer in parse_trusted(entry)]
        return SenderTrust(signalling, trusted, enforce=self.config.registers)

    def _create_transports(self) -> None:
        assert self._ep is not None
        config = self.config
        # With a random UDP port, its TCP twin may be taken (a connection's local port):
        # then pick another random port rather than fail.
        retry = config.udp_port == 0 and config.enable_tcp and config.tcp_port is None
        for attempt in range(PORT_ATTEMPTS if retry else 1):
            udp_id, self.bound_port = self._create_transport(
                pj.PJSIP_TRANSPORT_UDP, "UDP", config.udp_port
            )
            if not config.enable_tcp:
                break
            tcp_port = config.tcp_port if config.tcp_port is not None else self.bound_port
            try:
                self.tcp_port = self._create_transport(pj.PJSIP_TRANSPORT_TCP, "TCP", tcp_port)[1]
                break
            except TelephonyError:
                if not retry or attempt + 1 == PORT_ATTEMPTS:
                    raise
            self._ep.transportClose(udp_id)
        if config.tls:
            self.tls_port = self._create_transport(pj.PJSIP_TRANSPORT_TLS, "TLS", 0)[1]

    def _create_transport(self, kind: int, name: str, port: int) -> tuple[int, int]:
        assert self._ep is not None
        transport = pj.TransportConfig()
        transport.port = port
        if kind == pj.PJSIP_TRANSPORT_TLS:
            # The PBX must prove who it is: a certificate chaining to the admin's CA file or
            # the system store, for the host name dialled.
            transport.tlsConfig.verifyServer = True
            transport.tlsConfig.CaListFile = self.config.tls_ca_file or _system_ca_file()
        if self.config.listen_host not in ("", "0.0.0.0"):
            transport.boundAddress = self.config.listen_host
        try:
            transport_id = self._ep.transportCreate(kind, transport)
        except pj.Error as exc:
            where = f"{self.config.listen_host}:{port}/{name.lower()}"
            if _is_os_error(exc, errno.EADDRINUSE):
                raise TelephonyError(
                    f"SIP port {where} is already in use by another program; "
                    "close it or choose another port."
                ) from None
            if _is_os_error(exc, errno.EADDRNOTAVAIL):
                raise TelephonyError(
                    f"Cannot listen for SIP on {where}: this computer has no such address."
                ) from None
            if _is_os_error(exc, errno.EACCES):
                raise TelephonyError(
                    f"Not allowed to listen for SIP on {where} (ports below 1024 need "
                    "administrator rights)."
                ) from None
            raise TelephonyError(
                f"Cannot open the SIP {name} transport on {where}: {pj_reason(exc)}."
            ) from None
        info = self._ep.transportGetInfo(transport_id)
        return transport_id, int(str(info.localName).rsplit(":", 1)[1])

    def _setup_audio(self) -> None:
        assert self._ep is not None
        adm = self._ep.audDevManager()
        if self.config.null_audio:
            adm.setNullDev()
            return
        try:
            if self.config.capture_device is not None:
                adm.setCaptureDev(self.config.capture_device)
            if self.config.playback_device is not None:
                adm.setPlaybackDev(self.config.playback_device)
        except pj.Error as exc:
            raise TelephonyError(
                f"Cannot use the selected sound device: {pj_reason(exc)}. "
                "Check the capture/playback device numbers."
            ) from None

    def _local_uri(self, account: AccountConfig) -> str:
        domain = account.domain
        if not account.registers and ":" not in domain and domain == self.config.listen_host:
            domain = f"{domain}:{self.bound_port}"
        uri = f"sip:{account.user}@{domain}"
        if account.display_name:
            name = account.display_name.replace("\\", "\\\\").replace('"', '\\"')
            uri = f'"{name}" <{uri}>'
        return uri

    def _with_transport(self, uri: str, transport: str) -> str:
        if transport == "udp" or ";transport=" in uri.lower():
            return uri
        return f"{uri};transport={transport}"

    def _create_account(self, account: AccountConfig) -> None:
        config = pj.AccountConfig()
        config.idUri = self._local_uri(account)
        reg = config.regConfig
        if account.registers:
            reg.registrarUri = self._with_transport(str(account.registrar), account.transport)
            reg.timeoutSec = account.reg_expires_s
            reg.retryIntervalSec = account.retry_interval_s
            reg.firstRetryIntervalSec = account.first_retry_interval_s
            reg.randomRetryIntervalSec = min(2, account.retry_interval_s)
            reg.registerOnAdd = True
            reg.dropCallsOnFail = False
            # Wait at most 1 s for the un-REGISTER at shutdown (pjsua's default is 4 s).
            reg.unregWaitMsec = 1000
            config.natConfig.udpKaIntervalSec = account.keepalive_s
            config.sipConfig.authCreds.append(
                pj.AuthCredInfo(
                    "digest",
                    account.realm,
                    account.auth_user or account.user,
                    0,
                    account.password,
                )
            )
        if account.proxy:
            config.sipConfig.proxies.append(self._with_transport(account.proxy, account.transport))
        if self.config.listen_host not in ("", "0.0.0.0"):
            config.mediaConfig.transportConfig.boundAddress = self.config.listen_host
        config.mediaConfig.transportConfig.port = 0
        config.mediaConfig.srtpUse = _SRTP[account.srtp]
        # SDES keys travel in the SDP: require a TLS hop for them when SRTP is mandatory.
        config.mediaConfig.srtpSecureSignaling = 1 if account.srtp == "mandatory" else 0
        engine_account = EngineAccount(self, account)
        try:
            engine_account.create(config, not self._accounts)
        except pj.Error as exc:
            raise TelephonyError(
                f"SIP account {account.id!r} ({config.idUri}) is invalid: {pj_reason(exc)}."
            ) from None
        self._accounts[account.id] = engine_account

    def pump(self, timeout_ms: int) -> None:
        """Let pjsip handle network events and timers, then run deferred work and reap calls."""
        if self._ep is None:
            return
        if self.sockets_exhausted():
            # Leave new packets in the socket buffer until pjmedia has recycled sockets.
            time.sleep(timeout_ms / 1000)
        else:
            self._ep.libHandleEvents(timeout_ms)
        self.after_callbacks()

    def calls_holding_sockets(self) -> int:
        """Calls alive or ended so recently that their media sockets are not recycled yet."""
        horizon = time.monotonic() - SOCKET_HOLD_S
        while self._recent_ends and self._recent_ends[0] < horizon:
            self._recent_ends.popleft()
        return len(self._calls) + len(self._recent_ends)

    def sockets_exhausted(self) -> bool:
        """True while no further call may be started (see CALL_SOCKET_BUDGET)."""
        return self.calls_holding_sockets() >= CALL_SOCKET_BUDGET

    def after_callbacks(self) -> None:
        """Run deferred actions; check that disconnected calls' objects really are gone."""
        while self._deferred:
            action = self._deferred.pop(0)
            try:
                action()
            except Exception:
                logger.exception("Deferred SIP action failed")
        now = time.monotonic()
        if now >= self._next_supervision:
            self._next_supervision = now + SUPERVISE_EVERY_S
            for account_id in list(self._accounts):
                self._accounts[account_id].supervise(now, REGISTER_OVERDUE_S)
            self._drop_stillborn_calls()
            self._end_long_ringing()
        dying, self._dying = self._dying, []
        if any(ref() is not None for ref in dying):
            # Something still holds such an object: disown it now, so that its destructor
            # can never run against a reused pjsua call slot.
            _delete_all([ref() for ref in dying if ref() is not None], "Call")

    def _delete_calls(self, calls: list[EngineCall]) -> None:
        _delete_all(calls, "Call")

    def _drop_stillborn_calls(self) -> None:
        # A Call made for a transfer the far end asked for (REFER) gets its pjsua id only if
        # pjsua goes on to place the call; one that never got it is forgotten after a while.
        horizon = time.time_ns() - int(STILLBORN_AFTER_S * 1e9)
        stillborn = [
            call_id
            for call_id, call in self._calls.items()
            if call.state is None
            and call.created_ns < horizon
            and call.getId() == pj.PJSUA_INVALID_ID
        ]
        if stillborn:
            doomed = [self._calls.pop(call_id) for call_id in stillborn]
            logger.warning("Dropping %d call(s) pjsua never placed", len(doomed))
            self._delete_calls(doomed)

    def shutdown(self, grace_s: float = 2.0) -> None:
        """Hang up, delete calls, unregister and delete accounts, then ``libDestroy``."""
        if self._ep is None:
            self._release()
            return
        try:
            self._end_calls(grace_s)
            self._delete_accounts(min(grace_s, 1.0))
            # Every call and account is gone: skip pjsua's fixed 1 s wait for late responses.
            self._ep.libDestroy(pj.PJSUA_DESTROY_NO_RX_MSG)
        except pj.Error as exc:
            logger.error("SIP shutdown: %s", pj_reason(exc))
        finally:
            endpoint = [self._ep]
            self._ep = None
            _delete_all(endpoint, "Endpoint")
            if self._log is not None:
                self._log.close()
                self._log = None
            self._release()

    def _end_calls(self, grace_s: float) -> None:
        # Helpers keep every pjsua2 reference in their own frame: a stray local (a loop
        # variable!) would keep an object alive past libDestroy, whose late destructor aborts.
        for call_id in list(self._calls):
            self._calls[call_id].hangup_quietly()
        deadline = time.monotonic() + grace_s
        while self._calls and time.monotonic() < deadline:
            self.pump(10)
        # Whatever did not end in time is deleted anyway (the destructor hangs up).
        leftovers = list(self._calls.values())
        self._calls.clear()
        self._delete_calls(leftovers)
        self.after_callbacks()

    def _delete_accounts(self, grace_s: float) -> None:
        ids = [
            account_id
            for account_id, account in self._accounts.items()
            if account.config.registers and account.reg_state is not None
        ]
        for account_id in ids:
            try:
                self._accounts[account_id].setRegistration(False)
            except pj.Error as exc:
                logger.info("Un-REGISTER of %s: %s", account_id, pj_reason(exc))
        deadline = time.monotonic() + grace_s
        while time.monotonic() < deadline and any(
            self._accounts[account_id].reg_state in (RegState.REGISTERING, RegState.REGISTERED)
            for account_id in ids
        ):
            self.pump(10)
        for account_id in list(self._accounts):
            try:
                self._accounts[account_id].shutdown()
            except pj.Error as exc:
                logger.info("Deleting account %s: %s", account_id, pj_reason(exc))
        accounts = list(self._accounts.values())
        self._accounts.clear()
        _delete_all(accounts, "Account")

    def _release(self) -> None:
        with _ACTIVE_LOCK:
            if self in _ACTIVE:
                _ACTIVE.remove(self)

    # --- commands ----------------------------------------------------------------------------

    def _call(self, call_id: int) -> EngineCall:
        call = self._calls.get(call_id)
        if call is None or call.ended:
            if call_id in self._ended_ids or (call is not None and call.ended):
                raise CallGoneError(call_id)
            raise CallGoneError(call_id, f"There is no call {call_id}.")
        return call

    def _run(self, call: EngineCall, what: str, action: Callable[[], None]) -> None:
        try:
            action()
        except pj.Error as exc:
            if call.ended or not call.isActive():
                raise CallGoneError(call.engine_id) from None
            raise TelephonyError(
                f"Could not {what} call {call.engine_id}: {pj_reason(exc)}."
            ) from None

    def answer(self, call_id: int) -> None:
        """Answer an incoming call (200 OK)."""
        call = self._call(call_id)
        if call.direction != "in":
            raise TelephonyError(f"Call {call_id} is an outgoing call; it cannot be answered.")
        op = pj.CallOpParam(True)
        op.statusCode = pj.PJSIP_SC_OK
        self._run(call, "answer", lambda: call.answer(op))

    def reject(self, call_id: int, busy: bool = True) -> None:
        """Refuse a ringing incoming call: 486 Busy Here, or 603 Decline."""
        call = self._call(call_id)
        if call.direction != "in" or call.answered_ns is not None:
            raise TelephonyError(
                f"Call {call_id} is not a ringing incoming call; hang it up instead."
            )
        op = pj.CallOpParam(True)
        op.statusCode = pj.PJSIP_SC_BUSY_HERE if busy else pj.PJSIP_SC_DECLINE
        self._run(call, "reject", lambda: call.hangup(op))

    def hangup(self, call_id: int) -> None:
        """End a call in any state (BYE, CANCEL or a 603 to a ringing call)."""
        call = self._call(call_id)
        self._run(call, "hang up", lambda: call.hangup(pj.CallOpParam(True)))

    def hold(self, call_id: int) -> None:
        """Put an answered call on hold (re-INVITE with sendonly)."""
        call = self._call(call_id)
        self._run(call, "hold", lambda: call.setHold(pj.CallOpParam(True)))

    def unhold(self, call_id: int) -> None:
        """Take a held call off hold (re-INVITE with sendrecv)."""
        call = self._call(call_id)
        op = pj.CallOpParam(True)
        op.opt.flag = pj.PJSUA_CALL_UNHOLD
        self._run(call, "take off hold", lambda: call.reinvite(op))

    def transfer(self, call_id: int, target: str) -> None:
        """Blind transfer (REFER) to a SIP URI or a number at the call's account domain."""
        call = self._call(call_id)
        uri = self.target_uri(target, call.account.config)
        self._run(call, "transfer", lambda: call.xfer(uri, pj.CallOpParam(True)))

    def send_dtmf(self, call_id: int, digits: str) -> None:
        """Send DTMF digits as RFC 4733 telephone-events."""
        call = self._call(call_id)
        bad = sorted(set(digits) - DTMF_DIGITS)
        if not digits or bad:
            raise TelephonyError(f"Cannot send {digits!r} as DTMF: use 0-9, *, # and A-D.")
        param = pj.CallSendDtmfParam()
        param.digits = digits
        param.method = pj.PJSUA_DTMF_METHOD_RFC2833
        self._run(call, "send DTMF on", lambda: call.sendDtmf(param))

    def mute(self, call_id: int, muted: bool) -> None:
        """Stop (or resume) sending the microphone to the call."""
        call = self._call(call_id)
        call.muted = muted
        if self._ep is None or not call.hasMedia():
            return
        capture = self._ep.audDevManager().getCaptureDevMedia()

        def apply() -> None:
            media = call.getAudioMedia(-1)
            if muted:
                capture.stopTransmit(media)
            else:
                capture.startTransmit(media)

        self._run(call, "mute" if muted else "unmute", apply)

    def dial(
        self, target: str, account_id: str | None, headers: Mapping[str, str] | None = None
    ) -> int:
        """Place a call; returns its engine call id."""
        if account_id is None:
            account = next(iter(self._accounts.values()))
        elif account_id in self._accounts:
            account = self._accounts[account_id]
        else:
            raise TelephonyError(f"There is no SIP account {account_id!r}.")
        uri = self.target_uri(target, account.config)
        if len(self._calls) >= MAX_CALLS:
            raise TelephonyError(
                f"Cannot call {target}: already {len(self._calls)} calls, the most this phone "
                "handles at once. Hang one up first."
            )
        deadline = time.monotonic() + 2 * SOCKET_HOLD_S
        while self.sockets_exhausted():
            if time.monotonic() > deadline:
                raise TelephonyError(f"Cannot call {target} right now: too many calls just ended.")
            time.sleep(0.01)
        call = EngineCall(account, "out", pj.PJSUA_INVALID_ID)
        call_id = self.register_call(call)
        op = pj.CallOpParam(True)
        for name, value in (headers or {}).items():
            header = pj.SipHeader()
            header.hName = name
            header.hValue = value
            op.txOption.headers.append(header)
        failure: str | None = None
        try:
            call.makeCall(uri, op)
        except pj.Error as exc:
            failure = pj_reason(exc)
            without_frames(exc)  # its frames hold the Call
        if failure is not None:
            self._calls.pop(call_id, None)
            doomed = [call]
            del call
            self._delete_calls(doomed)
            raise TelephonyError(f"Cannot call {target}: {failure}.")
        return call_id

    def target_uri(self, target: str, account: AccountConfig) -> str:
        """A SIP URI for a URI, a tel: URI or a bare number/extension; validated."""
        text = target.strip()
        lowered = text.lower()
        if lowered.startswith("tel:"):
            text = text[4:].split(";", 1)[0]
            lowered = text.lower()
        if lowered.startswith(("sip:", "sips:")):
            uri = text
        else:
            if not text or any(ch in text for ch in ' <>"@;'):
                raise TelephonyError(f"{target!r} is neither a SIP address nor a number.")
            uri = self._with_transport(f"sip:{text}@{account.domain}", account.transport)
        assert self._ep is not None
        try:
            self._ep.utilVerifySipUri(uri)
        except pj.Error:
            raise TelephonyError(f"{target!r} is not a valid SIP address.") from None
        return uri

    def audio_devices(self) -> list[AudioDevice]:
        """The sound devices pjsua2 sees (ids for capture_device/playback_device)."""
        if self._ep is None:
            return []
        try:
            infos = self._ep.audDevManager().enumDev2()
        except pj.Error as exc:
            logger.warning("Cannot list sound devices: %s", pj_reason(exc))
            return []
        return [
            AudioDevice(index, str(info.name), int(info.inputCount), int(info.outputCount))
            for index, info in enumerate(infos)
        ]

    def active_calls(self) -> list[int]:
        """Engine ids of the calls that have not ended, oldest first."""
        return [call_id for call_id, call in self._calls.items() if not call.ended]

    def call_times(self, call_id: int) -> CallTimes:
        """When the call was created, its INVITE sent, answered and ended (recent calls too)."""
        if call_id in self._ended_ids:
            return self._ended_ids[call_id]
        call = self._call(call_id)
        return CallTimes(call.created_ns, call.invite_sent_ns, call.answered_ns, call.ended_ns)

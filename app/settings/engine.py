"""The SIP engine's configuration made from the settings (telephony.config.EngineConfig)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from app.settings.model import (
    DEFAULT_LISTEN_HOST,
    AppSettings,
    SettingsError,
    host_of,
    log_dir_for,
    registrar_uri,
)

if TYPE_CHECKING:
    from telephony.config import EngineConfig

SIP_TRACE_FILE = "sip-trace.log"


def sip_trace_path(settings: AppSettings) -> Path:
    """Where the SIP trace goes when switched on: sip-trace.log beside the workspace's log."""
    return log_dir_for(settings) / SIP_TRACE_FILE


def to_engine_config(settings: AppSettings) -> EngineConfig:
    """A telephony.config.EngineConfig for ``settings`` (a local account without registrar).

    Raises SettingsError with telephony's message when the account is unusable.
    """
    from telephony.config import AccountConfig, EngineConfig
    from telephony.errors import ConfigError

    sip = settings.sip
    registrar = registrar_uri(sip.registrar)
    if registrar:
        domain = sip.domain or host_of(registrar)
    listen_host = settings.sip_listen_host
    if (
        not registrar
        and listen_host == DEFAULT_LISTEN_HOST
        and "sip.listen" not in dict(settings.sources)
    ):
        # A line without a PBX takes calls from anyone who reaches it: by default only
        # programs on this computer (the demo) can.
        listen_host = "127.0.0.1"
    if not registrar:
        # A local account: calls go straight to this PC's address.
        domain = sip.domain or (
            "127.0.0.1"
            if settings.sip_listen_host == DEFAULT_LISTEN_HOST
            else settings.sip_listen_host
        )
    try:
        account = AccountConfig(
            id="default",
            user=sip.user or "operator",
            domain=domain,
            registrar=registrar,
            password=sip.password,
            auth_user=sip.auth_user or None,
            transport=sip.transport,
            display_name=settings.operator,
            srtp=sip.srtp,
        )
        return EngineConfig(
            listen_host=listen_host,
            udp_port=settings.sip_listen_port,
            enable_tcp=sip.transport == "tcp" or not registrar,
            tls=sip.transport == "tls",
            null_audio=settings.null_audio,
            capture_device=settings.capture_device,
            playback_device=settings.playback_device,
            accounts=(account,),
            auto_answer=settings.auto_answer,
            sip_trace_path=str(sip_trace_path(settings)) if settings.sip_trace else None,
            region=settings.region,
            trusted_hosts=sip.trusted_hosts,
            ring_timeout_s=float(sip.ring_timeout_s),
            tls_ca_file=sip.tls_ca_file or None,
        )
    except ConfigError as exc:
        raise SettingsError(str(exc)) from None

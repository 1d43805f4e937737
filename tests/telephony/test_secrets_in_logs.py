"""The SIP password never reaches a log, the SIP trace or a repr (end to end, real registrar)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from devtools.kamailio import KamailioRegistrar
from telephony.config import AccountConfig, EngineConfig
from telephony.events import RegistrationChanged, RegState
from tests.telephony.conftest_peers import OPERATOR, OPERATOR_PASSWORD, kamailio, running_engine

__all__ = ["kamailio"]  # the fixture, imported for pytest to find it


def test_the_sip_password_is_in_no_log_trace_or_repr(
    kamailio: KamailioRegistrar, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    trace = tmp_path / "sip-trace.log"
    account = AccountConfig(
        id="line1",
        user=OPERATOR,
        domain=kamailio.domain,
        registrar=kamailio.registrar_uri,
        password=OPERATOR_PASSWORD,
    )
    config = EngineConfig(
        udp_port=0, null_audio=True, accounts=(account,), sip_trace_path=str(trace)
    )
    with running_engine(config) as (_engine, log):
        log.wait_for(RegistrationChanged, lambda e: e.state is RegState.REGISTERED, timeout=10)
    assert trace.exists() and "REGISTER" in trace.read_text(errors="replace")
    texts = {
        "trace": trace.read_text(errors="replace"),
        "log records": "\n".join(r.getMessage() for r in caplog.records),
        "repr": repr(config),
    }
    leaked = [where for where, text in texts.items() if OPERATOR_PASSWORD in text]
    assert leaked == []

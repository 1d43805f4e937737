"""Why a PBX's TLS certificate was refused, in words an admin can act on.

pjsip verifies the certificate itself (``TlsConfig.verifyServer``): the chain against the CA
list and the host name dialled against the certificate's names (measured against Kamailio
with a test CA: a wrong name sets PJ_SSL_CERT_EIDENTITY_NOT_MATCH, a self-signed or foreign
certificate PJ_SSL_CERT_EUNTRUSTED). It then fails the REGISTER with a bare
PJSIP_TLS_ECERTVERIF; the details arrive just before, in the endpoint's transport-state
callback, which ``TlsEndpoint`` keeps for the account to explain its failure.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import pjsua2 as pj

logger = logging.getLogger(__name__)

# pjsip's status for a refused peer certificate (PJSIP_ERRNO_START_PJSIP + 173); the binding
# does not export it.
PJSIP_TLS_ECERTVERIF = 171173
# How long a refused handshake explains a registration failure that follows it.
FAILURE_FRESH_S = 5.0
_UNTRUSTED = (
    pj.PJ_SSL_CERT_EUNTRUSTED | pj.PJ_SSL_CERT_EISSUER_NOT_FOUND | pj.PJ_SSL_CERT_EISSUER_MISMATCH
)


@dataclass(frozen=True, slots=True)
class TlsFailure:
    """A TLS handshake whose peer certificate failed verification (copied from pjsua2)."""

    verify_status: int
    messages: tuple[str, ...]
    subject: str
    issuer: str
    names: tuple[str, ...]  # subjectAltName entries (DNS names, addresses)
    at: float  # time.monotonic()


def describe(failure: TlsFailure | None, host: str, ca_file: str | None) -> str:
    """The reason a registration over TLS failed, naming the host and the CA list used."""
    trusted = f"the CA file {ca_file}" if ca_file else "the system's CA store"
    if failure is None:
        return f"The PBX's certificate could not be verified against {trusted}."
    status = failure.verify_status
    names = ", ".join(failure.names) or failure.subject or "no name"
    if status & _UNTRUSTED:
        signer = (
            "it is self-signed"
            if failure.issuer == failure.subject
            else f"it is signed by {failure.issuer or 'an unknown issuer'}"
        )
        return f"The PBX's certificate is not trusted: {signer}, not by a CA in {trusted}."
    if status & pj.PJ_SSL_CERT_EIDENTITY_NOT_MATCH:
        return f"The PBX's certificate does not match host {host} (it is for {names})."
    if status & pj.PJ_SSL_CERT_EVALIDITY_PERIOD:
        return "The PBX's certificate has expired or is not valid yet."
    detail = "; ".join(failure.messages) or f"verification status {status:#x}"
    return f"The PBX's certificate was refused: {detail}."


def is_certificate_error(status: int, reason: str) -> bool:
    """True when a failed REGISTER's status or reason says the certificate was refused.

    pjsua reports the failed send as a 503 whose reason names the error (status 0).
    """
    return status == PJSIP_TLS_ECERTVERIF or "PJSIP_TLS_ECERTVERIF" in reason


class TlsEndpoint(pj.Endpoint):
    """The pjsua2 Endpoint, keeping the last certificate a TLS handshake refused."""

    def __init__(self) -> None:
        """An endpoint with no refused certificate yet."""
        pj.Endpoint.__init__(self)
        self.tls_failure: TlsFailure | None = None

    def onTransportState(self, prm: pj.OnTransportStateParam) -> None:
        """Copy a failed verification's details (runs on the SIP thread)."""
        try:
            info = prm.tlsInfo
            if info.isEmpty() or not info.verifyStatus:
                return
            cert = info.remoteCertInfo
            self.tls_failure = TlsFailure(
                verify_status=int(info.verifyStatus),
                messages=tuple(str(message) for message in info.verifyMsgs),
                subject=str(cert.subjectCn),
                issuer=str(cert.issuerCn),
                names=tuple(str(name.name) for name in cert.subjectAltName),
                at=time.monotonic(),
            )
            logger.info(
                "TLS handshake: certificate of %s refused (%s)",
                self.tls_failure.subject,
                "; ".join(self.tls_failure.messages),
            )
        except Exception:  # a pjsua2 callback must never raise into pjsip
            logger.exception("Error in pjsua2 callback onTransportState")

    def recent_tls_failure(self) -> TlsFailure | None:
        """The refused certificate of the last few seconds, if any."""
        failure = self.tls_failure
        if failure is None or time.monotonic() - failure.at > FAILURE_FRESH_S:
            return None
        return failure

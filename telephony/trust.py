"""Who may ring the desk and whose asserted caller id is believed (RFC 3325 trust domain).

With a registering account only the registrar and the outbound proxy (their resolved
addresses) and the admin's trusted hosts/networks may send INVITEs; anyone else gets 403.
``P-Asserted-Identity``/``Remote-Party-ID`` are believed only from those senders. A line
without a registrar (the demo's loopback line) accepts INVITEs from anyone who can reach
its port (it listens on loopback by default) and believes identities only from the
trusted hosts.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Iterable
from dataclasses import dataclass

from telephony.errors import ConfigError

logger = logging.getLogger(__name__)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

_DEFAULT_PORTS = {"udp": 5060, "tcp": 5060, "tls": 5061}


@dataclass(frozen=True, slots=True)
class TrustedPeer:
    """A trusted sender: every address of a network, or one address (and port, if given)."""

    network: Network
    port: int | None = None

    def matches(self, address: Address, port: int) -> bool:
        """True when a message from ``address:port`` comes from this peer."""
        if address.version != self.network.version or address not in self.network:
            return False
        return self.port is None or self.port == port


@dataclass(frozen=True, slots=True)
class Verdict:
    """What to do with one INVITE: ring or refuse, and whether its asserted id counts."""

    accept: bool
    asserted_trusted: bool
    from_signalling_peer: bool  # the registrar/proxy: many callers share its address


def split_host_port(text: str) -> tuple[str, int | None]:
    """("host", port or None) of "host", "host:port", "[v6]:port" or a bare IPv6 address."""
    text = text.strip()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port_text = rest.removeprefix(":")
        return host, int(port_text) if port_text else None
    if text.count(":") == 1:
        host, port_text = text.split(":")
        return host, int(port_text)
    return text, None


def parse_trusted(entry: str) -> list[TrustedPeer]:
    """An admin's trusted entry ("10.0.0.0/24", "pbx.lan", "10.0.0.5:5060") as peers.

    Host names are resolved now; ConfigError for something that is none of these.
    """
    text = entry.strip()
    if not text:
        raise ConfigError("A trusted SIP host must not be empty.")
    if "/" in text:
        try:
            return [TrustedPeer(ipaddress.ip_network(text, strict=False))]
        except ValueError:
            raise ConfigError(
                f"Trusted SIP network {text!r} is not a network like 10.0.0.0/24."
            ) from None
    try:
        host, port = split_host_port(text)
    except ValueError:
        raise ConfigError(f"Trusted SIP host {text!r} must look like HOST or HOST:PORT.") from None
    if port is not None and not 0 < port <= 65535:
        raise ConfigError(f"Trusted SIP host {text!r}: port {port} is out of range 1-65535.")
    return [TrustedPeer(_single(address), port) for address in resolve(host)]


def _single(address: Address) -> Network:
    return ipaddress.ip_network(address)


def resolve(host: str) -> list[Address]:
    """The IP addresses of a host name or literal; [] (logged) when it does not resolve."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_UDP)
    except (OSError, UnicodeError) as exc:
        logger.warning("Cannot resolve SIP host %s: %s", host, exc)
        return []
    found: list[Address] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    return found


def signalling_peers(uri: str, transport: str) -> list[TrustedPeer]:
    """The registrar's or proxy's addresses: over UDP with its port, over TCP/TLS any port.

    A PBX answers UDP from its listening port; over TCP/TLS it may open a connection of its
    own from any port, so there only the address counts.
    """
    rest = uri.strip()
    if ":" in rest and rest.split(":", 1)[0].lower() in ("sip", "sips"):
        rest = rest.split(":", 1)[1]
    rest = rest.split(";", 1)[0].split("?", 1)[0].rsplit("@", 1)[-1].strip("<> ")
    lowered = uri.lower()
    if ";transport=" in lowered:
        transport = lowered.split(";transport=", 1)[1].split(";", 1)[0].strip("> ")
    try:
        host, port = split_host_port(rest)
    except ValueError:
        return []
    if transport != "udp":
        port = None
    elif port is None:
        port = _DEFAULT_PORTS["udp"]
    return [TrustedPeer(_single(address), port) for address in resolve(host)]


class SenderTrust:
    """Decides, per INVITE source address, whether it rings and whether PAI is believed."""

    def __init__(
        self,
        signalling: Iterable[TrustedPeer],
        trusted: Iterable[TrustedPeer],
        *,
        enforce: bool,
    ) -> None:
        """``enforce``: refuse senders that are neither ``signalling`` nor ``trusted``."""
        self.signalling = tuple(signalling)
        self.trusted = tuple(trusted)
        self.enforce = enforce

    def judge(self, source: str) -> Verdict:
        """The verdict for a message from ``source`` ("ip:port" as pjsip gives it)."""
        try:
            host, port = split_host_port(source)
            address = ipaddress.ip_address(host)
        except ValueError:
            return Verdict(not self.enforce, False, False)
        port = port or 0
        if any(peer.matches(address, port) for peer in self.signalling):
            return Verdict(True, True, True)
        if any(peer.matches(address, port) for peer in self.trusted):
            return Verdict(True, True, False)
        return Verdict(not self.enforce, False, False)

"""A throwaway certificate authority for TLS tests, made with the openssl command line.

EC P-256 keys keep it fast (milliseconds per certificate). Nothing touches the system's trust
store: a test hands ``ca_file`` to the client it is testing.
"""

from __future__ import annotations

import ipaddress
import logging
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

DAYS = 2


class OpensslUnavailable(RuntimeError):
    """The openssl command line tool is not installed."""


@dataclass(frozen=True, slots=True)
class KeyPair:
    """A certificate and its private key, as PEM files."""

    cert: Path
    key: Path


def _subject_alt_names(hosts: tuple[str, ...]) -> str:
    names = []
    for host in hosts:
        try:
            ipaddress.ip_address(host)
        except ValueError:
            names.append(f"DNS:{host}")
        else:
            names.append(f"IP:{host}")
    return ",".join(names)


class TestCA:
    """A CA (key + self-signed root) in ``root`` that issues server certificates."""

    __test__ = False  # not a pytest test class despite its name

    def __init__(self, root: Path, name: str = "Dispatch Test CA") -> None:
        """Create the CA's key and root certificate in ``root``."""
        self.openssl = shutil.which("openssl")
        if not self.openssl:
            raise OpensslUnavailable("openssl is not installed: apt-get install openssl")
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.ca = self._self_signed("ca", name, (), ca=True)

    @property
    def ca_file(self) -> Path:
        """The CA certificate (PEM) a client must trust."""
        return self.ca.cert

    def _run(self, *args: str) -> None:
        assert self.openssl is not None
        subprocess.run([self.openssl, *args], check=True, capture_output=True, timeout=30)

    def _key(self, stem: str) -> Path:
        key = self.root / f"{stem}.key"
        self._run("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", str(key))
        return key

    def _self_signed(self, stem: str, cn: str, hosts: tuple[str, ...], *, ca: bool) -> KeyPair:
        key = self._key(stem)
        cert = self.root / f"{stem}.pem"
        extensions = ["basicConstraints=critical,CA:TRUE" if ca else "basicConstraints=CA:FALSE"]
        if hosts:
            extensions.append("subjectAltName=" + _subject_alt_names(hosts))
        args = ["req", "-x509", "-new", "-key", str(key), "-out", str(cert), "-days", str(DAYS)]
        args += ["-subj", f"/CN={cn}"]
        for extension in extensions:
            args += ["-addext", extension]
        self._run(*args)
        return KeyPair(cert, key)

    def issue(self, stem: str, *hosts: str) -> KeyPair:
        """A server certificate for ``hosts`` (DNS names or IPs) signed by this CA."""
        key = self._key(stem)
        request = self.root / f"{stem}.csr"
        cert = self.root / f"{stem}.pem"
        extfile = self.root / f"{stem}.ext"
        extfile.write_text(
            "basicConstraints=CA:FALSE\n"
            "extendedKeyUsage=serverAuth\n"
            f"subjectAltName={_subject_alt_names(hosts)}\n",
            encoding="utf-8",
        )
        self._run("req", "-new", "-key", str(key), "-out", str(request), "-subj", f"/CN={hosts[0]}")
        self._run(
            "x509", "-req", "-in", str(request), "-CA", str(self.ca.cert), "-CAkey",
            str(self.ca.key), "-CAcreateserial", "-out", str(cert), "-days", str(DAYS),
            "-extfile", str(extfile),
        )  # fmt: skip
        return KeyPair(cert, key)

    def self_signed(self, stem: str, *hosts: str) -> KeyPair:
        """A self-signed server certificate for ``hosts`` (no CA vouches for it)."""
        return self._self_signed(stem, hosts[0], hosts, ca=False)

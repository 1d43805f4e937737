"""The SIP password: kept in the OS keyring, never in the configuration file."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import replace
from typing import Any

from app.settings.model import AppSettings, SipSettings, host_of, registrar_uri

logger = logging.getLogger(__name__)

KEYRING_SERVICE = "dispatch-desk"
NO_KEYRING_MESSAGE = (
    "No system keyring is available: the SIP password will be asked again at next start"
)


def secret_key(sip: SipSettings) -> str:
    """The keyring user name of an account's password: "auth_user@registrar-host"."""
    host = host_of(registrar_uri(sip.registrar) or "") or sip.domain or "local"
    return f"{sip.auth_user or sip.user}@{host}"


class SecretStore:
    """The SIP password in the OS keyring; in memory only for this session when there is none.

    Without a usable keyring the password is deliberately not written to disk (a plaintext
    file on a shared operator PC is worse than typing it once per start): it is kept in
    memory, and `message` tells the operator it will be asked again at next start.
    """

    def __init__(self, backend: Any | None = None, service: str = KEYRING_SERVICE) -> None:
        """Use ``backend`` (a keyring backend instance) or the system's default keyring."""
        self._backend = backend
        self._service = service
        self._memory: dict[str, str] = {}
        self._failed = False

    def _keyring(self) -> Any | None:
        if self._failed:
            return None
        try:
            if self._backend is None:
                import keyring

                self._backend = keyring.get_keyring()
            backend = self._backend
        except Exception as exc:  # no keyring package or a broken configuration
            logger.warning("no usable keyring: %s", exc)
            self._failed = True
            return None
        # keyring's fail/null backends have a priority of 0 or less: nothing would be kept.
        try:
            priority = float(type(backend).priority)
        except Exception:
            priority = 1.0
        if priority <= 0:
            self._failed = True
            return None
        return backend

    @property
    def available(self) -> bool:
        """True when passwords survive a restart (a real keyring backend answered)."""
        return self._keyring() is not None

    @property
    def message(self) -> str:
        """The fallback notice for the operator, or "" when the keyring works."""
        return "" if self.available else NO_KEYRING_MESSAGE

    def get(self, key: str) -> str:
        """The stored password for ``key``, or "" when there is none."""
        if key in self._memory:
            return self._memory[key]
        backend = self._keyring()
        if backend is None:
            return ""
        try:
            return backend.get_password(self._service, key) or ""
        except Exception as exc:
            logger.warning("keyring read failed: %s", exc)
            self._failed = True
            return ""

    def set(self, key: str, password: str) -> str:
        """Store ``password``; returns "" or the fallback message when kept only in memory."""
        self._memory[key] = password
        backend = self._keyring()
        if backend is None:
            return NO_KEYRING_MESSAGE
        try:
            if password:
                backend.set_password(self._service, key, password)
            else:
                self._delete(backend, key)
        except Exception as exc:
            logger.warning("keyring write failed, keeping the password in memory: %s", exc)
            self._failed = True
            return NO_KEYRING_MESSAGE
        return ""

    def _delete(self, backend: Any, key: str) -> None:
        import keyring.errors

        # Nothing stored is as good as deleted.
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            backend.delete_password(self._service, key)

    def fill(self, settings: AppSettings) -> AppSettings:
        """``settings`` with the SIP password read from the store."""
        return replace(
            settings, sip=replace(settings.sip, password=self.get(secret_key(settings.sip)))
        )

    def save(self, settings: AppSettings) -> str:
        """Store the SIP password of ``settings``; returns "" or the fallback message."""
        return self.set(secret_key(settings.sip), settings.sip.password)

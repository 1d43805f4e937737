"""Couriers' phones from the desk: issue a one-time sign-in (code + QR link), revoke a lost phone.

Blocking calls over `requests` with the site key: the desk runs them off the GUI thread.
Errors are sorted for a message box, not for retrying: the service is down, it refused the
site key, or it refused the request (with its reason).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

import requests

from courier_sync.client.api import SyncError, _detail, _reason, ca_verify

logger = logging.getLogger(__name__)


class ServiceUnavailable(SyncError):
    """The sync service could not be reached, timed out, or failed (5xx)."""


class SiteKeyRefused(SyncError):
    """The service refused the desk's site key (missing, wrong or revoked)."""


class DeviceRequestRefused(SyncError):
    """The service refused the request itself (e.g. a bad courier id); `detail` says why."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"the sync service refused the request (HTTP {status}): {detail}")
        self.status = status
        self.detail = detail


@dataclass(frozen=True, slots=True)
class PairingCode:
    """A one-time sign-in for a courier's phone: type `code`, or scan `pair_url` as a QR code."""

    code: str
    courier_id: int
    expires_at: dt.datetime
    pair_url: str

    @property
    def display_code(self) -> str:
        """The code as shown to be typed: "1234 5678"."""
        return f"{self.code[:4]} {self.code[4:]}"


@dataclass(frozen=True, slots=True)
class DevicesRevoked:
    """What revoking a courier's phones did."""

    courier_id: int
    revoked_tokens: int
    voided_codes: int


class CourierDevices:
    """Sign-in codes and revocation of couriers' phones on the sync service at `base_url`."""

    def __init__(
        self, base_url: str, api_key: str, timeout: float = 10.0, ca_file: str = ""
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.verify = ca_verify(ca_file)
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {api_key}"
        self.session.headers["User-Agent"] = "dispatch-desk/1"

    def close(self) -> None:
        """Close pooled connections."""
        self.session.close()

    def __enter__(self) -> CourierDevices:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _post(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        try:
            response = self.session.post(
                self.base_url + path, json=body, timeout=self.timeout, verify=self.verify
            )
        except requests.RequestException as exc:
            raise ServiceUnavailable(
                f"cannot reach the sync service at {self.base_url}: {_reason(exc)}"
            ) from exc
        status = response.status_code
        if status in (401, 403):
            raise SiteKeyRefused(
                f"the sync service refused the site key (HTTP {status}): check the desk's "
                "sync settings, or issue a new key with `courier-sync site-key issue`"
            )
        if status in (404, 405):
            # These routes never answer 404 themselves: another server, or one too old to pair.
            raise ServiceUnavailable(
                f"{self.base_url} answered HTTP {status}: is it the courier sync service, "
                "updated for phone sign-in?"
            )
        if status >= 500:
            raise ServiceUnavailable(
                f"the sync service failed (HTTP {status}): {_detail(response)}"
            )
        if status >= 400:
            raise DeviceRequestRefused(status, _detail(response))
        try:
            body_out: dict[str, Any] = response.json()
        except ValueError as exc:
            raise ServiceUnavailable(f"the sync service answered non-JSON (HTTP {status})") from exc
        return body_out

    def issue_pairing_code(
        self, courier_id: int, minutes: int | None = None, name: str = ""
    ) -> PairingCode:
        """A new one-time code for the courier's phone; the courier's older unused codes die.

        `name` (the courier's name) is what the paired phone shows at the top of the list.
        """
        if courier_id < 1:
            raise DeviceRequestRefused(422, "a courier id must be a positive number")
        request: dict[str, Any] = {"name": name}
        if minutes is not None:
            request["minutes"] = minutes
        body = self._post(f"/api/v1/site/couriers/{courier_id}/pairing-codes", request)
        try:
            return PairingCode(
                code=str(body["code"]),
                courier_id=int(body["courier_id"]),
                expires_at=dt.datetime.fromisoformat(body["expires_at"]),
                pair_url=str(body["pair_url"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ServiceUnavailable(
                f"the sync service answered an unexpected body: {body}"
            ) from exc

    def revoke_devices(self, courier_id: int) -> DevicesRevoked:
        """A lost phone: every device token of the courier stops working, unused codes die."""
        if courier_id < 1:
            raise DeviceRequestRefused(422, "a courier id must be a positive number")
        body = self._post(f"/api/v1/site/couriers/{courier_id}/devices/revoke")
        return DevicesRevoked(
            courier_id=int(body["courier_id"]),
            revoked_tokens=int(body["revoked_tokens"]),
            voided_codes=int(body["voided_codes"]),
        )


def issue_pairing_code(
    base_url: str,
    api_key: str,
    courier_id: int,
    minutes: int | None = None,
    name: str = "",
    ca_file: str = "",
) -> PairingCode:
    """One-shot `CourierDevices.issue_pairing_code` (opens and closes its own connection)."""
    with CourierDevices(base_url, api_key, ca_file=ca_file) as devices:
        return devices.issue_pairing_code(courier_id, minutes, name)


def revoke_devices(
    base_url: str, api_key: str, courier_id: int, ca_file: str = ""
) -> DevicesRevoked:
    """One-shot `CourierDevices.revoke_devices`."""
    with CourierDevices(base_url, api_key, ca_file=ca_file) as devices:
        return devices.revoke_devices(courier_id)

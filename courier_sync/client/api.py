"""The sync service's site API over `requests`: keep-alive, timeouts, errors sorted for retrying."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from courier_sync.contract import Feed
from courier_sync.portal_contract import PortalFeed


class SyncError(Exception):
    """The exchange with the service did not succeed."""


class TransientError(SyncError):
    """Worth retrying later: no connection, a timeout, a 5xx, or a refused site key."""


class NotServedError(TransientError):
    """The service has no such path (404/405): a wrong URL, or a service without the portal."""


class RejectedError(SyncError):
    """The service refused the request itself (400/422): resending it will not help."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"HTTP {status}: {detail}")
        self.status = status
        self.detail = detail


class InsecureUrlError(SyncError):
    """An http:// service URL to another machine, and the admin did not allow clear text."""


def insecure_url_problem(url: str) -> str | None:
    """Why `url` would send the site key in clear text over a network, or None when it won't.

    https:// is fine, and so is http:// to this machine (localhost, 127.0.0.0/8, ::1): the
    bytes never leave it. Anything else over http:// crosses a network unencrypted.
    """
    parts = urlsplit(url.strip())
    if parts.scheme.lower() != "http":
        return None
    host = (parts.hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass
    return (
        f"{url} is plain HTTP to another machine: the site key and clients' names, addresses "
        "and phones would cross the network unencrypted. Use https:// (see docs/security.md), "
        "or allow it knowingly: [sync] insecure = true (desk), --insecure (courier-sync relay)"
    )


def ca_verify(ca_file: str) -> str | None:
    """What `requests` should verify the service's certificate with: `ca_file`, else the default.

    Passed with each request: a session-wide `verify` would lose to $REQUESTS_CA_BUNDLE.
    """
    if not ca_file:
        return None
    path = Path(ca_file).expanduser()
    if not path.is_file():
        raise SyncError(f"cannot read the sync service's CA file {ca_file}: no such file")
    return str(path)


def _detail(response: requests.Response) -> str:
    try:
        detail = response.json().get("detail", "")
    except ValueError:
        return response.text[:300]
    if isinstance(detail, list):
        parts = []
        for item in detail[:10]:
            loc = ".".join(str(p) for p in item.get("loc", []) if p != "body")
            parts.append(f"{loc}: {item.get('msg', '')}")
        return "; ".join(parts)
    return str(detail)[:500]


def _reason(exc: requests.RequestException) -> str:
    """The root cause in a few words, not urllib3's whole chain."""
    if isinstance(exc, requests.Timeout):
        return "timed out"
    cause: BaseException = exc
    while cause.__cause__ is not None or cause.__context__ is not None:
        cause = cause.__cause__ or cause.__context__  # type: ignore[assignment]
    text = str(cause) or type(cause).__name__
    return text.split("] ", 1)[-1] if text.startswith("[Errno") else text[:200]


class SyncApi:
    """One connection pool to the service; use one instance per thread."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        connect_timeout: float = 3.05,
        read_timeout: float = 10.0,
        *,
        insecure: bool = False,
        ca_file: str = "",
    ) -> None:
        problem = None if insecure else insecure_url_problem(base_url)
        if problem:
            raise InsecureUrlError(problem)
        # A private CA ([sync] ca_file, --ca-file) instead of the system's store.
        self.verify = ca_verify(ca_file)
        self.base_url = base_url.rstrip("/")
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.session = requests.Session()
        # Retries are ours (with backoff and claims), never urllib3's hidden ones.
        self.session.mount("http://", HTTPAdapter(max_retries=0, pool_maxsize=4))
        self.session.mount("https://", HTTPAdapter(max_retries=0, pool_maxsize=4))
        self.session.headers["Authorization"] = f"Bearer {api_key}"
        self.session.headers["User-Agent"] = "dispatch-desk-relay/1"

    def close(self) -> None:
        """Close pooled connections."""
        self.session.close()

    def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        read_timeout: float | None = None,
        raw: bool = False,
    ) -> Any:
        url = self.base_url + path
        try:
            response = self.session.request(
                method,
                url,
                json=json,
                params=params,
                timeout=(self.connect_timeout, read_timeout or self.read_timeout),
                verify=self.verify,
            )
        except requests.RequestException as exc:
            raise TransientError(
                f"cannot reach the sync service at {self.base_url}: {exc}"
            ) from exc
        status = response.status_code
        if status in (401, 403):
            raise TransientError(f"the sync service refused the site key (HTTP {status})")
        if status in (404, 405):
            raise NotServedError(
                f"{url} answered HTTP {status}: is --sync-url the courier sync service?"
            )
        if status >= 500 or status in (408, 409, 425, 429):
            raise TransientError(f"the sync service answered HTTP {status}: {_detail(response)}")
        if status >= 400:
            raise RejectedError(status, _detail(response))
        if raw:  # a file (a claim's photo), not JSON
            return response.content
        try:
            return response.json()
        except ValueError as exc:
            raise TransientError(f"the sync service answered non-JSON (HTTP {status})") from exc

    def upsert(self, task: dict[str, Any]) -> dict[str, Any]:
        """PUT one task; returns {task_id, version, applied}."""
        result: dict[str, Any] = self._call(
            "PUT", f"/api/v1/site/tasks/{task['task_id']}", json=task
        )
        return result

    def cancel(self, cancel: dict[str, Any]) -> dict[str, Any]:
        """Cancel one task; returns {task_id, version, applied}."""
        result: dict[str, Any] = self._call(
            "POST", f"/api/v1/site/tasks/{cancel['task_id']}/cancel", json=cancel
        )
        return result

    def batch(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Apply upserts and cancels in order in one request (`POST /api/v1/site/tasks:batch`)."""
        body = self._call("POST", "/api/v1/site/tasks:batch", json={"items": items})
        results: list[dict[str, Any]] = body["results"]
        if len(results) != len(items):
            raise TransientError("the sync service answered a batch with the wrong result count")
        return results

    def events(self, after: int, limit: int = 200, wait: float = 0) -> Feed:
        """A page of the courier events feed; long-polls up to `wait` seconds."""
        body = self._call(
            "GET",
            "/api/v1/site/events",
            params={"after": after, "limit": limit, "wait": wait},
            read_timeout=wait + self.read_timeout,
        )
        return Feed.model_validate(body)

    # ---- the client portal (docs/portal.md) -------------------------------------------------
    def portal_batch(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Apply portal items in order in one request (`POST /api/v1/site/portal/batch`)."""
        body = self._call("POST", "/api/v1/site/portal/batch", json={"items": items})
        results: list[dict[str, Any]] = body["results"]
        if len(results) != len(items):
            raise TransientError("the sync service answered a batch with the wrong result count")
        return results

    def portal_feed(self, after: int, limit: int = 200, wait: float = 0) -> PortalFeed:
        """A page of the portal feed (orders, claims, messages); long-polls up to `wait` s."""
        body = self._call(
            "GET",
            "/api/v1/site/portal/feed",
            params={"after": after, "limit": limit, "wait": wait},
            read_timeout=wait + self.read_timeout,
        )
        return PortalFeed.model_validate(body)

    def portal_photo(self, photo_id: str) -> bytes:
        """A claim photo's bytes (`GET /api/v1/site/portal/photos/{photo_id}`)."""
        data: bytes = self._call("GET", f"/api/v1/site/portal/photos/{photo_id}", raw=True)
        return data

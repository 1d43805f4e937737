"""The sync service as an attacker meets it: HTTPS, limits at the edge, expiring tokens.

One HTTPS service (a throwaway CA made here) serves the module; the relay's client and the
courier page in headless Chromium talk to it over TLS. A second, plain service with tiny
limits shows the throttles.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import ipaddress
import os
import socket
import ssl
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import text

from courier_sync.client.api import InsecureUrlError, SyncApi, insecure_url_problem
from courier_sync.server.db import make_engine, writing
from tests.conftest import missing_component
from tests.courier_sync.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    card,
    chromium_problem,
    make_task,
    outbox_of,
    wait_for_feed,
)
from tests.courier_sync.conftest import (
    ROOT,
    Site,
    SyncService,
    issue_site_key,
    issue_tokens,
    sqlite_service_db,
)

pytestmark = pytest.mark.timeout(120)
HOSTILE = '<img src=x onerror="window.__pwned=1">'
_couriers = count(701)


@dataclass(frozen=True)
class Tls:
    """A throwaway CA's file, a server certificate for 127.0.0.1 and its key, its SPKI pin."""

    ca: Path
    cert: Path
    key: Path
    spki: str


def _name(text_: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text_)])


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    tmp = tmp_path_factory.mktemp("tls")
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Test CA"))
        .issuer_name(_name("Test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = Tls(tmp / "ca.pem", tmp / "cert.pem", tmp / "key.pem", "")
    paths.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    spki = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    pin = base64.b64encode(hashlib.sha256(spki).digest()).decode()
    return Tls(paths.ca, paths.cert, paths.key, pin)


@pytest.fixture(scope="module")
def https_service(tls: Tls, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SyncService]:
    tmp = tmp_path_factory.mktemp("https")
    service = SyncService(
        sqlite_service_db(tmp),
        tmp / "service.log",
        extra_args=("--certfile", str(tls.cert), "--keyfile", str(tls.key)),
        scheme="https",
        verify=str(tls.ca),
    )
    service.start()
    yield service
    service.kill()


@pytest.fixture(scope="module")
def site(https_service: SyncService, tls: Tls) -> Site:
    site = Site(https_service.url, issue_site_key(https_service.db_url))
    site.session.verify = str(tls.ca)
    site.session.trust_env = False  # $REQUESTS_CA_BUNDLE would override `verify`
    return site


def _courier(service: SyncService) -> tuple[int, str]:
    courier_id = next(_couriers)
    return courier_id, issue_tokens(service.db_url, courier_id)[courier_id]


def _get(service: SyncService, path: str, token: str | None = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(service.url + path, headers=headers, timeout=10, verify=service.verify)


def _raw_post(service: SyncService, url: str, length: int | None, body: bytes) -> int:
    """POST over a bare TLS socket; the status line's code (the body may be cut short)."""
    context = ssl.create_default_context(cafile=str(service.verify))
    path = url.split(str(service.port), 1)[1]
    framing = f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked"
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{framing}\r\n"
    head += "Content-Type: application/json\r\n\r\n"
    with (
        socket.create_connection(("127.0.0.1", service.port), timeout=20) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as conn,
    ):
        conn.sendall(head.encode())
        with contextlib.suppress(OSError):
            for start in range(0, len(body), 65536):
                chunk = body[start : start + 65536]
                conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk) if length is None else chunk)
        reply = conn.recv(200)
    return int(reply.split(b" ", 2)[1])


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


# --------------------------------------------------------------------------- HTTPS
def test_the_service_speaks_https_with_security_headers_on_every_answer(
    https_service: SyncService,
) -> None:
    api = _get(https_service, "/healthz")
    assert api.status_code == 200
    assert api.headers["Strict-Transport-Security"].startswith("max-age=")
    assert api.headers["Cache-Control"] == "no-store"
    page = _get(https_service, "/courier/")
    assert page.status_code == 200
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "<script>" not in page.text and " style=" not in page.text
    refused = _get(https_service, "/api/v1/courier/me", "cdt_wrong")
    assert refused.status_code == 401 and refused.headers["X-Content-Type-Options"] == "nosniff"
    # No Swagger page (it loads scripts from a CDN onto the courier page's origin).
    assert _get(https_service, "/docs").status_code == 404
    with pytest.raises(requests.RequestException):
        requests.get(https_service.url.replace("https", "http") + "/healthz", timeout=5)


def test_the_relay_client_works_over_https_and_trusts_only_the_ca(
    https_service: SyncService, site: Site, tls: Tls, monkeypatch: pytest.MonkeyPatch
) -> None:
    courier_id, _ = _courier(https_service)
    task = make_task(courier_id, 1)
    with pytest.raises(Exception, match="CERTIFICATE_VERIFY_FAILED"):
        SyncApi(https_service.url, site.key).upsert(task)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls.ca))
    api = SyncApi(https_service.url, site.key)
    try:
        assert api.upsert(task)["applied"] is True
        assert api.events(after=0, limit=1).cursor >= 0
    finally:
        api.close()


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("http://192.0.2.10:8770", True),
        ("http://sync.example.com", True),
        ("https://sync.example.com", False),
        ("http://127.0.0.1:8770", False),
        ("http://localhost:8770", False),
        ("http://[::1]:8770", False),
    ],
)
def test_clear_text_to_another_machine_is_refused_unless_allowed(url: str, refused: bool) -> None:
    assert (insecure_url_problem(url) is not None) is refused
    if refused:
        with pytest.raises(InsecureUrlError, match="plain HTTP"):
            SyncApi(url, "csk_x")
        SyncApi(url, "csk_x", insecure=True).close()


def test_the_relay_command_refuses_plain_http_with_a_readable_message(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "courier_sync", "relay", "--sync-url", "http://192.0.2.10:8770"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COURIER_SYNC_API_KEY": "csk_secret-site-key"},
    )
    assert run.returncode == 2
    assert "plain HTTP" in run.stderr and "--insecure" in run.stderr
    assert "Traceback" not in run.stderr and "csk_secret-site-key" not in run.stderr


def test_the_desk_self_check_refuses_plain_http_to_another_machine() -> None:
    from app.selfcheck import _sync
    from app.settings import AppSettings

    result = _sync(AppSettings(sync_url="http://192.0.2.10:8770", sync_api_key="csk_k"))
    assert not result.ok and "plain HTTP" in result.detail and "csk_k" not in result.detail


# --------------------------------------------------------------------------- the edges
def test_an_oversized_unauthenticated_body_is_refused_before_it_is_read(
    https_service: SyncService,
) -> None:
    assert https_service.proc is not None
    pid = https_service.proc.pid
    url = https_service.url + "/api/v1/site/tasks:batch"
    before = _rss_kb(pid)
    # Content-Length says 40 MB: the answer comes before the body is sent.
    assert _raw_post(https_service, url, 40 * 1024 * 1024, b"") == 413
    # Without Content-Length (chunked): counted as it streams, cut at the limit.
    assert _raw_post(https_service, url, None, b"x" * (8 * 1024 * 1024)) == 413
    assert _get(https_service, "/healthz").status_code == 200
    grown = _rss_kb(pid) - before
    assert grown < 8 * 1024, f"the service grew by {grown} KB for a refused 40 MB body"


@pytest.fixture(scope="module")
def strict_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SyncService]:
    tmp = tmp_path_factory.mktemp("strict")
    service = SyncService(
        sqlite_service_db(tmp),
        tmp / "service.log",
        extra_args=("--auth-failures", "3", "--polls-per-token", "1"),
    )
    service.start()
    yield service
    service.kill()


def test_long_polls_are_capped_per_token(strict_service: SyncService) -> None:
    _, token = _courier(strict_service)
    results: list[int] = []
    holder = threading.Thread(
        target=lambda: results.append(
            _get(strict_service, "/api/v1/courier/changes?wait=3", token).status_code
        )
    )
    holder.start()
    try:
        second = requests.get(
            strict_service.url + "/api/v1/courier/changes",
            params={"wait": 3},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        # The first may not be waiting yet: then the second is the one that waits.
        if second.status_code == 200:
            holder.join()
            assert results == [429]
        else:
            assert second.status_code == 429 and second.headers["Retry-After"]
    finally:
        holder.join()
    assert _get(strict_service, "/api/v1/courier/changes?wait=0", token).status_code == 200


def test_repeated_wrong_credentials_are_slowed_with_429(strict_service: SyncService) -> None:
    statuses = [
        _get(strict_service, "/api/v1/courier/me", f"cdt_guess{i}").status_code for i in range(5)
    ]
    assert statuses[:3] == [401, 401, 401] and statuses[3:] == [429, 429]
    again = _get(strict_service, "/api/v1/courier/me", "cdt_guess")
    assert int(again.headers["Retry-After"]) >= 1
    assert _get(strict_service, "/healthz").status_code == 200  # the page stays reachable


# --------------------------------------------------------------------------- tokens
def test_device_tokens_expire_and_the_phone_renews_them(https_service: SyncService) -> None:
    courier_id, token = _courier(https_service)
    me = _get(https_service, "/api/v1/courier/me", token).json()
    expires = dt.datetime.fromisoformat(me["expires_at"])
    assert dt.timedelta(days=29) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(days=30)
    assert me["renew_after"] < me["expires_at"]
    renewed = requests.post(
        https_service.url + "/api/v1/courier/token/renew",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
        verify=https_service.verify,
    ).json()
    fresh = renewed["token"]
    assert fresh != token and renewed["courier_id"] == courier_id
    assert _get(https_service, "/api/v1/courier/me", fresh).status_code == 200
    # The old one keeps working a few minutes (requests on their way, other tabs)...
    assert _get(https_service, "/api/v1/courier/me", token).status_code == 200
    # ...and an expired token is refused everywhere, the hot task-list path included.
    engine = make_engine(https_service.db_url)
    with writing(engine) as conn:
        conn.execute(
            text("UPDATE credentials SET expires_at = :past WHERE courier_id = :c"),
            {"past": dt.datetime(2020, 1, 1, tzinfo=dt.UTC), "c": courier_id},
        )
    engine.dispose()
    assert _get(https_service, "/api/v1/courier/me", fresh).status_code == 401
    day = dt.date.today().isoformat()
    assert _get(https_service, f"/api/v1/courier/tasks?date={day}", fresh).status_code == 401


def test_the_service_database_is_readable_by_its_owner_only(https_service: SyncService) -> None:
    path = Path(https_service.db_url.removeprefix("sqlite:///"))
    for file in (path, path.with_name(path.name + "-wal")):
        if file.exists():
            assert stat.S_IMODE(file.stat().st_mode) == 0o600, file


# --------------------------------------------------------------------------- the page
@pytest.fixture(scope="module")
def chromium(tls: Tls) -> Iterator[Any]:
    problem = chromium_problem()
    if problem:
        missing_component(problem)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Trust exactly the test server's key, as a phone trusts the site's real certificate.
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[*CHROMIUM_ARGS, f"--ignore-certificate-errors-spki-list={tls.spki}"],
        )
        yield browser
        browser.close()


def _log_in(page: Any, service: SyncService, token: str) -> None:
    page.goto(f"{service.url}/courier/")
    page.fill("#token-input", token)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_selector("#tasks-screen:not([hidden])")


def test_hostile_task_data_renders_as_inert_text_over_https(
    chromium: Any, https_service: SyncService, site: Site
) -> None:
    courier_id, token = _courier(https_service)
    task = make_task(courier_id, 7001, client_name=f"Иванов {HOSTILE}", comment=HOSTILE)
    task["address"] |= {"text": f"ул. Ленина, 1 {HOSTILE}", "notes": HOSTILE}
    assert site.put(task).status_code == 200
    context = chromium.new_context(**PHONE)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        _log_in(page, https_service, token)
        mine = card(page, task)
        mine.wait_for()
        assert HOSTILE in mine.inner_text()
        assert mine.locator("img").count() == 0
        assert page.evaluate("window.__pwned") is None
        assert errors == []

        # Logout wipes the cached task list (clients' names and addresses) from the phone.
        cached = "Object.keys(localStorage).filter((k) => k.startsWith('dd.courier.tasks.'))"
        assert page.evaluate(cached) != []
        page.locator("#logout-button").click()
        page.wait_for_selector("#login-screen:not([hidden])")
        assert page.evaluate(cached) == []
    finally:
        context.close()


def test_two_open_tabs_queue_offline_and_lose_no_event(
    chromium: Any, https_service: SyncService, site: Site
) -> None:
    courier_id, token = _courier(https_service)
    tasks = [make_task(courier_id, 7100 + i, window_start=f"1{i}:00") for i in range(2)]
    for task in tasks:
        assert site.put(task).status_code == 200
    context = chromium.new_context(**PHONE)
    context.set_default_timeout(10_000)
    try:
        first = context.new_page()
        _log_in(first, https_service, token)
        second = context.new_page()
        second.goto(f"{https_service.url}/courier/")
        second.wait_for_selector("#tasks-screen:not([hidden])")
        for task in tasks:
            card(second, task).wait_for()
        context.set_offline(True)
        for page, task in zip((first, second), tasks, strict=True):
            card(page, task).get_by_role("button", name="Доставлено", exact=True).click()
            page.locator("#done-dialog").get_by_role("button", name="Подтвердить").click()
        assert len(outbox_of(first, courier_id)) == 2
        context.set_offline(False)
        first.evaluate("window.dispatchEvent(new Event('online'))")
        wanted = {t["task_id"] for t in tasks}
        got = wait_for_feed(site, lambda e: e["task_id"] in wanted and e["kind"] == "done")
        deadline_feed = {e["event"]["task_id"] for e in got}
        if deadline_feed != wanted:
            got = wait_for_feed(
                site, lambda e: e["task_id"] in wanted - deadline_feed and e["kind"] == "done"
            )
            deadline_feed |= {e["event"]["task_id"] for e in got}
        assert deadline_feed == wanted
    finally:
        context.close()

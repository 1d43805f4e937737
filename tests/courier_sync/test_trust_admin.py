"""What the admin sets up around the service: a private CA for the relay, a reverse proxy.

The HTTPS service and its throwaway CA are test_trust.py's module fixtures, reused here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import certifi
import pytest
import requests
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.selfcheck import _sync
from app.settings import AppSettings
from courier_sync.cli import main
from courier_sync.server import auth
from courier_sync.server.db import make_engine as make_service_engine
from tests.courier_sync.conftest import (
    ROOT,
    Phone,
    SyncService,
    deliver,
    sqlite_service_db,
)
from tests.courier_sync.test_trust import Tls, https_service, tls  # noqa: F401  (fixtures)
from tests.dispatcher.conftest import World

pytestmark = pytest.mark.timeout(120)


def _relay(db: str, url: str, key: str, *extra: str) -> subprocess.CompletedProcess[str]:
    # $REQUESTS_CA_BUNDLE names a bundle without the test CA: --ca-file must win over it.
    env = {**os.environ, "COURIER_SYNC_API_KEY": key, "REQUESTS_CA_BUNDLE": certifi.where()}
    return subprocess.run(
        [sys.executable, "-m", "courier_sync", "relay", "--db", db, "--sync-url", url, *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_relay_trusts_a_private_ca_named_in_its_settings(
    https_service: SyncService,  # noqa: F811  (the imported fixture)
    tls: Tls,  # noqa: F811
    world: World,
    sessions: sessionmaker[Session],
    engine: Engine,
    capsys: pytest.CaptureFixture[str],
) -> None:
    service_db = make_service_engine(https_service.db_url)
    key = auth.issue(service_db, auth.KIND_SITE)
    token = auth.issue(service_db, auth.KIND_DEVICE, world.courier_a)
    service_db.dispose()
    deliver(sessions, world, world.courier_a)
    db = engine.url.render_as_string(hide_password=False)

    untrusted = _relay(db, https_service.url, key, "--once")
    assert untrusted.returncode == 3, untrusted.stderr
    assert "CERTIFICATE_VERIFY_FAILED" in untrusted.stderr and "1 message(s)" in untrusted.stderr

    missing = ["relay", "--sync-url", https_service.url, "--api-key", key, "--once"]
    assert main([*missing, "--ca-file", "/nonexistent/ca.pem"]) == 2
    assert "cannot read the sync service's CA file /nonexistent/ca.pem" in capsys.readouterr().err

    trusted = _relay(db, https_service.url, key, "--once", "--ca-file", str(tls.ca))
    assert trusted.returncode == 0, trusted.stderr
    assert "sent 1" in trusted.stdout
    phone = Phone(https_service.url, token)
    phone.session.verify = str(tls.ca)
    phone.session.trust_env = False  # $REQUESTS_CA_BUNDLE would override `verify`
    assert len(phone.tasks(world.tomorrow)) == 1

    # The desk: [sync] ca_file serves its relay and its self-check alike.
    desk = AppSettings(sync_url=https_service.url, sync_api_key=key)
    assert not _sync(desk).ok
    checked = _sync(
        AppSettings(sync_url=https_service.url, sync_api_key=key, sync_ca_file=str(tls.ca))
    )
    assert checked.ok, checked.detail


# --------------------------------------------------------------------------- reverse proxy
@pytest.fixture(scope="module")
def proxied_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SyncService]:
    """A service that believes X-Forwarded-For from loopback (a proxy on the same host)."""
    tmp = tmp_path_factory.mktemp("proxied")
    service = SyncService(
        sqlite_service_db(tmp),
        tmp / "service.log",
        extra_args=("--auth-failures", "2", "--forwarded-allow-ips", "127.0.0.1"),
    )
    service.start()
    yield service
    service.kill()


def _me(service: SyncService, forwarded_for: str) -> int:
    headers = {"Authorization": "Bearer cdt_wrong", "X-Forwarded-For": forwarded_for}
    return requests.get(service.url + "/api/v1/courier/me", headers=headers, timeout=10).status_code


def test_behind_a_trusted_proxy_the_throttle_sees_each_phones_address(
    proxied_service: SyncService,
) -> None:
    # The proxy (loopback) forwards two phones: only the one guessing tokens is slowed.
    guesser = [_me(proxied_service, "203.0.113.7") for _ in range(3)]
    assert guesser == [401, 401, 429]
    assert _me(proxied_service, "198.51.100.20") == 401
    assert _me(proxied_service, "203.0.113.7") == 429


@pytest.fixture(scope="module")
def direct_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SyncService]:
    """A service without --forwarded-allow-ips: nobody's X-Forwarded-For is believed."""
    tmp = tmp_path_factory.mktemp("direct")
    service = SyncService(
        sqlite_service_db(tmp), tmp / "service.log", extra_args=("--auth-failures", "2")
    )
    service.start()
    yield service
    service.kill()


def test_without_a_trusted_proxy_a_forged_forwarded_for_dodges_nothing(
    direct_service: SyncService,
) -> None:
    statuses = [_me(direct_service, f"203.0.113.{i}") for i in range(3)]
    assert statuses == [401, 401, 429]


def test_a_wrong_proxy_address_is_refused_in_one_line() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "courier_sync", "serve", "--forwarded-allow-ips", "proxy.lan"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    assert "--forwarded-allow-ips takes addresses or networks" in run.stderr
    assert "Traceback" not in run.stderr

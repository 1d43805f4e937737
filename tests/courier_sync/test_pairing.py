"""Phone pairing against the real service: codes issued with the site key, traded once for a
device token, refused when expired, used, replaced or guessed; lost phones revoked.

Expiry is tested without waiting: the code's `expires_at` (or a failure's time) is moved
into the past in the service's database, which is what the passing of minutes does to it;
the store functions are also run with an injected clock.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import select, text, update

from courier_sync.server import migrate, pairing
from courier_sync.server.db import make_engine, writing
from courier_sync.server.models import PairingCode, PairingFailure
from tests.courier_sync.conftest import (
    SERVICE_BACKENDS,
    SyncService,
    cli,
    issue_site_key,
    issue_tokens,
    pg_service_db,
    sqlite_service_db,
)

_couriers = count(2001)
codes = PairingCode.__table__


class Desk:
    """The site side of pairing with a site key, and the unauthenticated pair endpoint."""

    def __init__(self, service: SyncService) -> None:
        self.service = service
        self.key = issue_site_key(service.db_url)
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {self.key}"

    def issue(self, courier_id: int, **body: Any) -> requests.Response:
        """POST a pairing-code request for the courier."""
        return self.session.post(
            f"{self.service.url}/api/v1/site/couriers/{courier_id}/pairing-codes",
            json=body or None,
            timeout=10,
        )

    def code(self, courier_id: int, **body: Any) -> dict[str, Any]:
        """A new code (asserting 200)."""
        reply = self.issue(courier_id, **body)
        assert reply.status_code == 200, reply.text
        data: dict[str, Any] = reply.json()
        return data

    def revoke(self, courier_id: int) -> requests.Response:
        """Revoke the courier's phones."""
        return self.session.post(
            f"{self.service.url}/api/v1/site/couriers/{courier_id}/devices/revoke", timeout=10
        )

    def pair(self, code: str) -> requests.Response:
        """What the courier's page sends (no credentials)."""
        return requests.post(f"{self.service.url}/api/v1/pair", json={"code": code}, timeout=10)

    def me(self, token: str) -> requests.Response:
        """`GET /courier/me` with a device token."""
        return requests.get(
            f"{self.service.url}/api/v1/courier/me",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )


def age(db_url: str, courier_id: int, by: dt.timedelta) -> None:
    """Move the courier's codes `by` into the past, as if that much time went by."""
    engine = make_engine(db_url)
    with writing(engine) as conn:
        for row in conn.execute(
            select(codes.c.id, codes.c.expires_at).where(codes.c.courier_id == courier_id)
        ).all():
            conn.execute(
                update(codes).where(codes.c.id == row.id).values(expires_at=row.expires_at - by)
            )
    engine.dispose()


@pytest.fixture(scope="module", params=SERVICE_BACKENDS)
def desk(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Desk]:
    """One service per backend for the module (guessing limit raised: tests send wrong codes)."""
    tmp: Path = tmp_path_factory.mktemp(f"pairing-{request.param}")
    if request.param == "sqlite":
        url = sqlite_service_db(tmp)
    else:
        url = pg_service_db(request.getfixturevalue("pg_cluster"))
    service = SyncService(url, tmp / "service.log", extra_args=("--pairing-max-failures", "1000"))
    service.start()
    yield Desk(service)
    service.kill()


def test_a_code_signs_a_phone_in_once(desk: Desk) -> None:
    courier_id = next(_couriers)
    issued = desk.code(courier_id)
    assert issued["courier_id"] == courier_id
    assert len(issued["code"]) == 8 and issued["code"].isdigit()
    assert issued["pair_url"] == f"{desk.service.url}/courier/#pair={issued['code']}"
    left = dt.datetime.fromisoformat(issued["expires_at"]) - dt.datetime.now(dt.UTC)
    assert dt.timedelta(minutes=9) < left <= dt.timedelta(minutes=10)

    first = desk.pair(issued["code"])
    assert first.status_code == 200, first.text
    token = first.json()["token"]
    assert first.json()["courier_id"] == courier_id and token.startswith("cdt_")
    me = desk.me(token)
    assert me.status_code == 200 and me.json()["courier_id"] == courier_id

    second = desk.pair(issued["code"])
    assert second.status_code == 410
    assert second.json()["reason"] == "used"
    assert "already used" in second.json()["detail"]
    # The phone that paired keeps working.
    assert desk.me(token).status_code == 200


def test_the_code_is_stored_only_as_a_salted_hash(desk: Desk) -> None:
    courier_id = next(_couriers)
    code = desk.code(courier_id)["code"]
    engine = make_engine(desk.service.db_url)
    with engine.connect() as conn:
        rows = [tuple(map(str, r)) for r in conn.execute(select(codes))]
    engine.dispose()
    assert rows and not any(code in value for row in rows for value in row)


def test_typed_codes_may_have_spaces_and_dashes(desk: Desk) -> None:
    courier_id = next(_couriers)
    code = desk.code(courier_id, minutes=3)["code"]
    reply = desk.pair(f" {code[:4]} - {code[4:]} ")
    assert reply.status_code == 200, reply.text
    assert reply.json()["courier_id"] == courier_id


def test_an_expired_code_is_refused(desk: Desk) -> None:
    courier_id = next(_couriers)
    code = desk.code(courier_id, minutes=2)["code"]
    age(desk.service.db_url, courier_id, dt.timedelta(minutes=2, seconds=1))
    reply = desk.pair(code)
    assert reply.status_code == 410
    assert reply.json() == {
        "detail": "this pairing code has expired: ask for a new code",
        "reason": "expired",
    }


@pytest.mark.parametrize(
    ("code", "status", "reason"),
    [("00000000", 404, "unknown"), ("1234", 422, "malformed"), ("12ab5678", 422, "malformed")],
)
def test_unknown_and_malformed_codes_get_a_clear_answer(
    desk: Desk, code: str, status: int, reason: str
) -> None:
    reply = desk.pair(code)
    assert reply.status_code == status
    assert reply.json()["reason"] == reason
    assert reply.json()["detail"]


def test_a_newer_code_voids_the_older_one(desk: Desk) -> None:
    courier_id = next(_couriers)
    old = desk.code(courier_id)["code"]
    new = desk.code(courier_id)["code"]
    reply = desk.pair(old)
    assert (reply.status_code, reply.json()["reason"]) == (410, "void")
    assert desk.pair(new).status_code == 200


def test_issuing_needs_the_site_key(desk: Desk) -> None:
    courier_id = next(_couriers)
    url = f"{desk.service.url}/api/v1/site/couriers/{courier_id}/pairing-codes"
    device_token = issue_tokens(desk.service.db_url, courier_id)[courier_id]
    for headers in (
        {},
        {"Authorization": "Bearer csk_wrong"},
        {"Authorization": f"Bearer {device_token}"},
    ):
        assert requests.post(url, headers=headers, timeout=10).status_code == 401
        revoke = url.replace("pairing-codes", "devices/revoke")
        assert requests.post(revoke, headers=headers, timeout=10).status_code == 401
    # The device token of the courier was not revoked by those attempts.
    assert desk.me(device_token).status_code == 200


@pytest.mark.parametrize(
    ("courier", "body", "field"),
    [
        (0, None, "courier_id"),
        (2**31, None, "courier_id"),
        (5, {"minutes": 0}, "minutes"),
        (5, {"minutes": 61}, "minutes"),
        (5, {"minutes": 3, "x": 1}, "x"),
    ],
)
def test_bad_issue_requests_name_the_field(
    desk: Desk, courier: int, body: dict[str, Any] | None, field: str
) -> None:
    reply = desk.session.post(
        f"{desk.service.url}/api/v1/site/couriers/{courier}/pairing-codes", json=body, timeout=10
    )
    assert reply.status_code == 422
    assert field in json.dumps(reply.json()["detail"])


def test_revoking_a_lost_phone_stops_its_token_and_pending_codes(desk: Desk) -> None:
    courier_id = next(_couriers)
    paired = desk.pair(desk.code(courier_id)["code"]).json()["token"]
    by_cli = issue_tokens(desk.service.db_url, courier_id)[courier_id]
    pending = desk.code(courier_id)["code"]
    other = next(_couriers)
    other_token = desk.pair(desk.code(other)["code"]).json()["token"]

    reply = desk.revoke(courier_id)
    assert reply.status_code == 200, reply.text
    assert reply.json() == {"courier_id": courier_id, "revoked_tokens": 2, "voided_codes": 1}
    assert desk.me(paired).status_code == 401
    assert desk.me(by_cli).status_code == 401
    assert desk.pair(pending).json()["reason"] == "void"
    assert desk.me(other_token).status_code == 200, "another courier's phone is untouched"
    # A new code signs the found (or a new) phone in again.
    assert desk.me(desk.pair(desk.code(courier_id)["code"]).json()["token"]).status_code == 200
    again = desk.revoke(courier_id).json()
    assert again["revoked_tokens"] == 1


def test_the_cli_issues_a_code_with_its_link(desk: Desk) -> None:
    courier_id = next(_couriers)
    out = cli(
        desk.service.db_url,
        "pairing",
        "issue",
        str(courier_id),
        "--minutes",
        "5",
        "--json",
        "--public-url",
        "https://sync.example.ru/",
    )
    issued = json.loads(out.stdout)
    assert issued["pair_url"] == f"https://sync.example.ru/courier/#pair={issued['code']}"
    assert desk.pair(issued["code"]).json()["courier_id"] == courier_id

    plain = cli(desk.service.db_url, "pairing", "issue", str(courier_id)).stdout.splitlines()
    assert plain[0].startswith("code ") and plain[1].startswith("/courier/#pair=")

    bad = cli(desk.service.db_url, "pairing", "issue", "0", check=False)
    assert bad.returncode == 2 and "positive" in bad.stderr and "Traceback" not in bad.stderr
    bad = cli(desk.service.db_url, "pairing", "issue", "3", "--minutes", "0", check=False)
    assert bad.returncode == 2 and "1 to 60 minutes" in bad.stderr


# --------------------------------------------------------------------------- guessing
def _pair_from(service: SyncService, source: str, code: str) -> tuple[int, dict[str, Any]]:
    """POST /api/v1/pair from another loopback address (a phone elsewhere)."""
    conn = http.client.HTTPConnection(
        "127.0.0.1", service.port, timeout=10, source_address=(source, 0)
    )
    try:
        conn.request(
            "POST", "/api/v1/pair", json.dumps({"code": code}), {"Content-Type": "application/json"}
        )
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def test_wrong_codes_slow_that_address_down(make_service: Any) -> None:
    service: SyncService = make_service("sqlite", "--pairing-max-failures", "3")
    desk = Desk(service)
    courier_id = next(_couriers)
    code = desk.code(courier_id)["code"]
    wrong = f"{(int(code) + 1) % 10**8:08d}"
    for _ in range(3):
        assert desk.pair(wrong).status_code == 404
    # Even the right code is refused from this address now: the guesser cannot tell.
    refused = desk.pair(code)
    assert refused.status_code == 429
    assert refused.json()["reason"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 601
    # Another address is not punished for it (and the code is still good).
    status, body = _pair_from(service, "127.0.0.2", code)
    assert status == 200 and body["courier_id"] == courier_id

    # The window passes: the address may try again.
    engine = make_engine(service.db_url)
    failures = PairingFailure.__table__
    with writing(engine) as conn:
        rows = conn.execute(select(failures.c.id, failures.c.failed_at)).all()
        for row in rows:
            conn.execute(
                update(failures)
                .where(failures.c.id == row.id)
                .values(failed_at=row.failed_at - dt.timedelta(minutes=11))
            )
    engine.dispose()
    fresh = desk.code(courier_id)["code"]
    assert desk.pair(fresh).status_code == 200


# --------------------------------------------------------------------------- injected clock
@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Any]:
    engine = make_engine(f"sqlite:///{tmp_path / 'pairing.sqlite3'}")
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


def test_a_code_lives_its_minutes_to_the_second(engine: Any) -> None:
    settings = pairing.PairingSettings()
    start = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    issued = pairing.issue_code(engine, 7, 10, now=start)
    assert issued.expires_at == start + dt.timedelta(minutes=10)
    late = issued.expires_at + dt.timedelta(seconds=1)
    with pytest.raises(pairing.PairingRefused) as refused:
        pairing.redeem(engine, issued.code, "10.0.0.1", settings, now=late)
    assert (refused.value.status, refused.value.reason) == (410, "expired")
    just_in_time = issued.expires_at - dt.timedelta(seconds=1)
    paired = pairing.redeem(engine, issued.code, "10.0.0.1", settings, now=just_in_time)
    assert paired.courier_id == 7
    with engine.connect() as conn:
        assert (
            conn.execute(
                text("SELECT count(*) FROM pairing_codes WHERE used_at IS NOT NULL")
            ).scalar()
            == 1
        )


def test_bad_settings_and_ids_are_refused_with_a_message(engine: Any, monkeypatch: Any) -> None:
    with pytest.raises(ValueError, match="positive"):
        pairing.issue_code(engine, -3, 10)
    with pytest.raises(ValueError, match="1 to 60 minutes"):
        pairing.issue_code(engine, 3, 61)
    monkeypatch.setenv(pairing.MINUTES_ENV, "ten")
    with pytest.raises(ValueError, match="COURIER_SYNC_PAIRING_MINUTES"):
        pairing.PairingSettings.from_env()
    monkeypatch.setenv(pairing.MINUTES_ENV, "5")
    monkeypatch.setenv(pairing.PUBLIC_URL_ENV, "sync.example")
    with pytest.raises(ValueError, match="http"):
        pairing.PairingSettings.from_env()
    assert pairing.PairingSettings.from_env(public_url="https://s.example").minutes == 5

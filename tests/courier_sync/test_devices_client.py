"""The desk's side of phone sign-in: `CourierDevices` against the real service, and the QR code
of the pairing link (read back from the PNG module by module)."""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from collections.abc import Iterator
from itertools import count
from xml.etree import ElementTree

import pytest
import requests
import segno

from courier_sync.client.devices import (
    CourierDevices,
    DeviceRequestRefused,
    PairingCode,
    ServiceUnavailable,
    SiteKeyRefused,
    issue_pairing_code,
    revoke_devices,
)
from courier_sync.client.qr import QUIET_ZONE, qr_png, qr_svg
from tests.courier_sync.conftest import SharedService, free_port

_couriers = count(3001)


@pytest.fixture
def devices(shared_service: SharedService) -> Iterator[CourierDevices]:
    """The desk's client with the module service's site key."""
    client = CourierDevices(shared_service.service.url, shared_service.site_key, timeout=5)
    yield client
    client.close()


def pair(base_url: str, code: str) -> requests.Response:
    """What the courier's page does with the code."""
    return requests.post(f"{base_url}/api/v1/pair", json={"code": code}, timeout=10)


def test_the_desk_issues_a_code_the_phone_can_use_once(
    devices: CourierDevices, shared_service: SharedService
) -> None:
    courier_id = next(_couriers)
    issued = devices.issue_pairing_code(courier_id, minutes=5, name="Сидоров Павел")
    assert isinstance(issued, PairingCode)
    assert issued.courier_id == courier_id
    assert issued.display_code == f"{issued.code[:4]} {issued.code[4:]}"
    assert issued.pair_url == f"{shared_service.service.url}/courier/#pair={issued.code}"
    left = issued.expires_at - dt.datetime.now(dt.UTC)
    assert dt.timedelta(minutes=4) < left <= dt.timedelta(minutes=5)

    token = pair(shared_service.service.url, issued.code).json()["token"]
    me = requests.get(
        f"{shared_service.service.url}/api/v1/courier/me",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).json()
    assert me["courier_id"] == courier_id and me["name"] == "Сидоров Павел"
    assert me["expires_at"] > me["renew_after"]  # a paired phone's token expires (30 days)
    assert pair(shared_service.service.url, issued.code).status_code == 410

    revoked = devices.revoke_devices(courier_id)
    assert (revoked.courier_id, revoked.revoked_tokens, revoked.voided_codes) == (courier_id, 1, 0)
    assert (
        requests.get(
            f"{shared_service.service.url}/api/v1/courier/me",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        ).status_code
        == 401
    )


def test_the_one_shot_helpers(shared_service: SharedService) -> None:
    url, key = shared_service.service.url, shared_service.site_key
    courier_id = next(_couriers)
    issued = issue_pairing_code(url, key, courier_id)
    left = issued.expires_at - dt.datetime.now(dt.UTC)
    assert dt.timedelta(minutes=9) < left <= dt.timedelta(minutes=10)
    assert revoke_devices(url, key, courier_id).voided_codes == 1


def test_errors_say_what_went_wrong(shared_service: SharedService) -> None:
    url = shared_service.service.url
    with CourierDevices(url, "csk_not-a-key") as wrong_key, pytest.raises(SiteKeyRefused):
        wrong_key.issue_pairing_code(next(_couriers))
    with CourierDevices(f"http://127.0.0.1:{free_port()}", "k", timeout=2) as down:
        with pytest.raises(ServiceUnavailable, match="cannot reach the sync service"):
            down.issue_pairing_code(1)
        with pytest.raises(ServiceUnavailable):
            down.revoke_devices(1)
    with CourierDevices(url, shared_service.site_key) as desk:
        with pytest.raises(DeviceRequestRefused, match="positive"):
            desk.issue_pairing_code(0)
        with pytest.raises(DeviceRequestRefused) as refused:
            desk.issue_pairing_code(next(_couriers), minutes=500)
        assert refused.value.status == 422 and "minutes" in refused.value.detail
    # A URL that is not the sync service (or a service too old to pair phones).
    with (
        CourierDevices(url + "/nothing-here", shared_service.site_key) as lost,
        pytest.raises(ServiceUnavailable, match="is it the courier sync service"),
    ):
        lost.issue_pairing_code(1)


# --------------------------------------------------------------------------- QR
def _unfilter(kind: int, line: bytes, prior: bytes) -> bytes:
    """Undo a PNG row filter (1 byte per pixel group at 1 bit per pixel)."""
    out = bytearray(len(line))
    for i, value in enumerate(line):
        left = out[i - 1] if i else 0
        up, corner = prior[i], prior[i - 1] if i else 0
        if kind == 0:
            base = 0
        elif kind == 1:
            base = left
        elif kind == 2:
            base = up
        elif kind == 3:
            base = (left + up) // 2
        else:
            p = left + up - corner
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
            base = left if pa <= pb and pa <= pc else up if pb <= pc else corner
        out[i] = (value + base) & 0xFF
    return bytes(out)


def png_modules(png: bytes, scale: int) -> list[list[int]]:
    """The dark (1) and light (0) modules of a black-and-white PNG drawn `scale` px per module."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", b""
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", png[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + data) == crc, f"bad CRC in {kind!r}"
        header = data if kind == b"IHDR" else header
        idat += data if kind == b"IDAT" else b""
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert (depth, colour) == (1, 0), "segno writes 1-bit greyscale"
    raw = zlib.decompress(idat)
    stride = (width + 7) // 8
    rows, prior = [], bytes(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]
        prior = _unfilter(kind, line, prior)
        bits = [(prior[x // 8] >> (7 - x % 8)) & 1 for x in range(width)]
        rows.append([1 - b for b in bits])  # 0 is black in greyscale
    # One sample from the middle of each module.
    return [
        [rows[y * scale + scale // 2][x * scale + scale // 2] for x in range(width // scale)]
        for y in range(height // scale)
    ]


def test_the_qr_png_is_the_code_of_the_pair_link() -> None:
    url = "http://192.0.2.10:8770/courier/#pair=12345678"
    png = qr_png(url, scale=6)
    modules = png_modules(png, 6)
    expected = segno.make(url, error="m", micro=False)
    size = len(expected.matrix)
    assert len(modules) == size + 2 * QUIET_ZONE
    assert all(v == 0 for v in modules[0] + modules[-1]), "the quiet zone is light"
    inner = [row[QUIET_ZONE : QUIET_ZONE + size] for row in modules[QUIET_ZONE : QUIET_ZONE + size]]
    assert inner == [[int(bool(v)) for v in row] for row in expected.matrix]
    # ...and not what another code's link would give.
    other = segno.make(url.replace("12345678", "12345679"), error="m", micro=False)
    assert inner != [[int(bool(v)) for v in row] for row in other.matrix]


def test_the_qr_svg_is_an_svg_and_bad_input_is_refused() -> None:
    svg = qr_svg("https://sync.example.ru/courier/#pair=87654321")
    root = ElementTree.fromstring(svg)
    assert root.tag.endswith("svg")
    with pytest.raises(ValueError, match="link"):
        qr_png("  ")
    with pytest.raises(ValueError, match="scale"):
        qr_png("x", scale=0)

"""The .deb as an admin uses it: built, installed with apt, started with no checkout, removed.

Builds the PyInstaller bundle and the package (installer/build.py, as `make installer`),
installs it on this machine, checks it with `dispatch-desk --check`, starts the installed
binary on a real X display (Xvfb) from /tmp with a clean environment (no PYTHONPATH, no
venv), rings it with a real SIP call and finds the screen pop in its log, in Russian; then
removes the package and finds the user's data untouched.

Minutes, not seconds, and it installs a system package: `make test` runs it under CI=true
(.ci/run) or when asked with DISPATCH_TEST_INSTALLER=1; otherwise it is skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devtools.xvfb import VirtualDisplay, XvfbUnavailable
from tests.conftest import IN_CI, missing_component
from tests.helpers.wait import wait_until

ROOT = Path(__file__).resolve().parents[2]
OPT = Path("/opt/dispatch-desk")
DESK = OPT / "bin" / "dispatch-desk"
DISPATCH = OPT / "bin" / "dispatch"
ASKED = os.environ.get("DISPATCH_TEST_INSTALLER", "") not in ("", "0")

pytestmark = [
    pytest.mark.installer,
    pytest.mark.timeout(900),  # the first test waits for the bundle build
    pytest.mark.skipif(
        not (IN_CI or ASKED),
        reason="the package test runs under CI=true or DISPATCH_TEST_INSTALLER=1",
    ),
]


def _free_port() -> int:
    """A loopback port free over UDP and TCP (the desk's SIP engine takes both)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind(("127.0.0.1", 0))
            port = int(udp.getsockname()[1])
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port


def _as_root() -> list[str]:
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], check=False).returncode == 0:
        return ["sudo", "-n"]
    missing_component("installing the package needs root or passwordless sudo")
    return []


def _installed() -> bool:
    done = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", "dispatch-desk"],
        capture_output=True,
        text=True,
        check=False,
    )
    return "install ok installed" in done.stdout


def _apt(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run(
        [*_as_root(), "apt-get", "-y", "-q", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/dispatch-desk_VERSION_amd64.deb built the way `make installer` builds it."""
    for tool in ("dpkg-deb", "apt-get"):
        if shutil.which(tool) is None:
            missing_component(f"{tool} is needed to build and install the package")
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        missing_component("PyInstaller is not installed: pip install -e '.[bundle]'")
    dist = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, str(ROOT / "installer" / "build.py"), "deb", "--dist", str(dist)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    print(done.stdout)  # sizes and build time, for the README's figures
    (package,) = dist.glob("dispatch-desk_*_amd64.deb")
    return package


@pytest.fixture(scope="module")
def installed(deb: Path) -> Iterator[Path]:
    """The package installed with apt (as an admin does: `apt install ./FILE.deb`)."""
    done = _apt("install", "--no-install-recommends", str(deb))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    yield deb
    if _installed():  # the removal test did not get to run
        _apt("remove", "dispatch-desk")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An operator's home and data directory, outside any checkout."""
    return tmp_path_factory.mktemp("operator-home")


def _clean_env(home: Path, **extra: str) -> dict[str, str]:
    # No PYTHONPATH, no venv on PATH: only what a desktop session gives a program.
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", **extra}


def _records(log: Path) -> list[dict[str, Any]]:
    if not log.exists():
        return []
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    return [json.loads(line) for line in lines if line.startswith("{")]


def test_the_package_installs_the_desk_and_its_menu_entry(installed: Path, home: Path) -> None:
    assert installed.stat().st_size > 0
    for command in ("dispatch-desk", "dispatch"):
        assert (OPT / "bin" / command).exists()
        assert Path("/usr/bin", command).resolve() == (OPT / "app" / "dispatch-desk")
    assert Path("/usr/share/applications/dispatch-desk.desktop").exists()
    assert Path("/usr/share/icons/hicolor/scalable/apps/dispatch-desk.svg").exists()
    status = subprocess.run(
        ["dpkg-query", "-W", "-f=${Depends}", "dispatch-desk"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "libxcb-cursor0" in status and "fonts-dejavu-core" in status
    # The bundle carries its own Python: no checkout, no venv in what it loads.
    done = subprocess.run(
        [str(DISPATCH), "--help"], cwd=home, env=_clean_env(home), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "usage: dispatch" in done.stdout
    for command in (DESK, DISPATCH):  # the versions an admin reports, without a window or DB
        done = subprocess.run(
            [str(command), "--version"], cwd=home, env=_clean_env(home), capture_output=True,
            text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "pjsip 2." in done.stdout and "Qt 6." in done.stdout, done.stdout


def test_the_installed_desk_passes_its_self_check(installed: Path, home: Path) -> None:
    data = home / "check"
    done = subprocess.run(
        [str(DESK), "--check", "--data-dir", str(data), "--sip-listen", "127.0.0.1:0"],
        cwd=home,
        env=_clean_env(home),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "translations dispatch_desk_ru.qm is built" in done.stdout
    assert "All checks passed." in done.stdout
    assert "Traceback" not in done.stderr


def test_the_installed_desk_pops_a_real_call_in_russian(installed: Path, home: Path) -> None:
    try:
        display = VirtualDisplay().start()
    except XvfbUnavailable as exc:
        missing_component(str(exc))
        return
    data = home / "data"
    port = _free_port()
    desk = subprocess.Popen(
        [str(DESK), "--demo", "--data-dir", str(data), "--sip-listen", f"127.0.0.1:{port}"],
        cwd=home,
        env=_clean_env(home, DISPLAY=display.display),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    log = data / "logs" / "dispatch-desk.log"
    caller: subprocess.Popen[bytes] | None = None
    try:

        def up() -> bool:
            assert desk.poll() is None, desk.communicate()[1]
            return any(r.get("msg", "").startswith("SIP engine up") for r in _records(log))

        wait_until(up, timeout=120, interval=0.2, what="the installed demo desk to come up")
        with sqlite3.connect(data / "dispatch.sqlite3") as db:
            (number,) = db.execute("SELECT e164 FROM phones ORDER BY id LIMIT 1").fetchone()
        # A real call from the checkout's telephony (a second pjsua2 process), as a PBX rings.
        caller = subprocess.Popen(
            [
                *(sys.executable, "-m", "telephony", "dial"),
                f"sip:operator@127.0.0.1:{port}",
                *("--from", number, "--cancel-after-ring", "20"),
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        pop = wait_until(
            lambda: next((r for r in _records(log) if r.get("event") == "screen_pop"), None),
            timeout=60,
            interval=0.2,
            what="the screen pop of the call",
        )
        desk.send_signal(signal.SIGTERM)
        _, stderr = desk.communicate(timeout=60)
    finally:
        for process in (caller, desk):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
        display.stop()
    assert pop["number"] == number and pop["status"] == "found" and pop["client_ids"]
    language = [r["msg"] for r in _records(log) if r.get("logger") == "app.i18n"]
    assert any(
        msg.startswith("Interface language ru_RU from /opt/dispatch-desk/") for msg in language
    ), language
    assert desk.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "This application failed to start" not in stderr


def _fingerprint(directory: Path) -> dict[str, str]:
    return {
        str(path.relative_to(directory)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def test_removing_the_package_leaves_user_data_alone(installed: Path, home: Path) -> None:
    data = home / "data"
    if not (data / "dispatch.sqlite3").exists():  # the call test did not run: make some data
        done = subprocess.run(
            [str(DISPATCH), "--db", str(data / "dispatch.sqlite3"), "db", "upgrade"],
            cwd=home,
            env=_clean_env(home),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
    before = _fingerprint(home)
    done = _apt("remove", "dispatch-desk")
    assert done.returncode == 0, done.stdout + done.stderr
    assert not _installed()
    assert not DESK.exists() and not Path("/usr/bin/dispatch-desk").exists()
    assert _fingerprint(home) == before

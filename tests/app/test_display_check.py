"""On a real X display a desk that cannot open its window says why, instead of Qt's abort."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.display_check import display_problem, explain_load_error, release_probe, xcb_plugin
from devtools.xvfb import VirtualDisplay, XvfbUnavailable
from tests.conftest import missing_component
from tests.helpers.wait import wait_for_log_line

ROOT = Path(__file__).resolve().parents[2]
QT_ABORT = "This application failed to start"


@pytest.fixture(scope="module")
def xvfb() -> Iterator[VirtualDisplay]:
    """A real X server on a free display number."""
    try:
        display = VirtualDisplay().start()
    except XvfbUnavailable as exc:
        missing_component(str(exc))
        return
    yield display
    display.stop()


def _desk(env: dict[str, str], data: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", "--demo", "--data-dir", str(data)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_a_missing_library_is_named_with_the_package_to_install() -> None:
    problem = explain_load_error(
        "libxcb-cursor.so.0: cannot open shared object file: No such file or directory"
    )
    assert "libxcb-cursor.so.0" in problem.summary
    assert "sudo apt install libxcb-cursor0" in problem.remedy
    assert "QT_QPA_PLATFORM=offscreen" in problem.message()


def test_without_x11_nothing_is_checked() -> None:
    assert display_problem({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}) is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}) is None


def test_a_damaged_xcb_library_gives_a_readable_message_not_qts_abort(
    xvfb: VirtualDisplay, tmp_path: Path
) -> None:
    gcc = shutil.which("gcc") or shutil.which("cc")
    if gcc is None:
        missing_component("a C compiler is needed to build the stand-in library")
    # A library of the right name but without its symbols, found first through
    # LD_LIBRARY_PATH: Qt's xcb plugin cannot load, as with a broken or missing package.
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    source = tmp_path / "stub.c"
    source.write_text("int dispatch_desk_stand_in;\n")
    subprocess.run(
        [gcc, "-shared", "-fPIC", "-o", str(stubs / "libxcb-icccm.so.4"), str(source)], check=True
    )
    env = xvfb.environ()
    env["LD_LIBRARY_PATH"] = str(stubs)
    done = _desk(env, tmp_path / "data")
    assert done.returncode == 2, done.stderr
    assert "the window cannot open" in done.stderr
    assert "sudo apt install" in done.stderr
    assert QT_ABORT not in done.stderr
    assert "Traceback" not in done.stderr


def test_a_display_nobody_serves_is_named(xvfb: VirtualDisplay, tmp_path: Path) -> None:
    env = xvfb.environ()
    env["DISPLAY"] = ":987"
    problem = display_problem(env)
    release_probe()
    if problem is not None and "no X server" not in problem.summary:
        missing_component("the xcb libraries are not installed: run `make bootstrap`")
    done = _desk(env, tmp_path / "data")
    assert done.returncode == 2, done.stderr
    assert "no X server answers on DISPLAY=:987" in done.stderr
    assert QT_ABORT not in done.stderr


def test_the_demo_window_opens_on_a_real_x_display(xvfb: VirtualDisplay, tmp_path: Path) -> None:
    env = xvfb.environ()
    problem = display_problem(env)
    release_probe()  # the desk below must open the display on its own, with nobody else on it
    if problem is not None:
        missing_component(f"the window cannot open here: {problem.message()}")
    assert xcb_plugin(env) is not None
    data = tmp_path / "data"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app",
            "--demo",
            "--data-dir",
            str(data),
            "--sip-listen",
            "127.0.0.1:0",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_log_line(process, data / "logs", "SIP engine up", timeout=90)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert QT_ABORT not in stderr
    assert "no display here" not in stderr

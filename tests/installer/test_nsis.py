"""The Windows installer script compiles with makensis (against a stub payload), so it can't rot."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.conftest import missing_component

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "installer" / "windows" / "dispatch-desk.nsi"
ICON = ROOT / "resources" / "icons" / "dispatch-desk.ico"


def _stub_payload(directory: Path) -> Path:
    """The shape of a Windows PyInstaller build: the two executables and `_internal/`."""
    (directory / "_internal").mkdir(parents=True)
    for name in ("dispatch-desk.exe", "dispatch.exe"):
        (directory / name).write_bytes(b"MZ stand-in for the PyInstaller executable")
    (directory / "_internal" / "base_library.zip").write_bytes(b"PK stand-in")
    return directory


def _makensis(*args: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("makensis")
    if binary is None:
        missing_component("makensis is not installed: run `make bootstrap` (Debian's nsis)")
    return subprocess.run(
        [binary, "-V2", "-WX", *args, str(SCRIPT)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_script_compiles_into_a_silent_per_machine_installer(tmp_path: Path) -> None:
    payload = _stub_payload(tmp_path / "payload")
    out = tmp_path / "dispatch-desk-setup-1.2.3.exe"
    done = _makensis(
        "-DVERSION=1.2.3", f"-DPAYLOAD={payload}", f"-DOUTFILE={out}", f"-DICON={ICON}"
    )
    assert done.returncode == 0, done.stdout + done.stderr  # -WX: a warning fails too
    assert out.read_bytes()[:2] == b"MZ"  # a Windows executable
    script = SCRIPT.read_text(encoding="utf-8")
    # What admins rely on (installer/README.md): per-machine under Program Files, a Start menu
    # entry for all users, an uninstaller registered for silent removal.
    assert "RequestExecutionLevel admin" in script
    assert 'InstallDir "$PROGRAMFILES64\\${APP}"' in script
    assert "SetShellVarContext all" in script
    assert "QuietUninstallString" in script and "WriteUninstaller" in script


def test_without_a_payload_the_script_says_what_to_define(tmp_path: Path) -> None:
    done = _makensis("-DVERSION=1.2.3", f"-DOUTFILE={tmp_path / 'x.exe'}")
    assert done.returncode != 0
    assert "define PAYLOAD" in done.stdout + done.stderr

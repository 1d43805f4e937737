"""Why a window cannot open on this desktop, found before Qt's xcb plugin aborts the process.

Qt loads its X11 platform plugin only inside ``QApplication()``; when a system library the
plugin links against is missing, or the X server named by ``DISPLAY`` does not answer, Qt
prints a developer's message and calls ``abort()``. Nothing after that runs, so the check
happens first: load the plugin the way Qt will (``dlopen`` with every symbol resolved) and
open one connection to the display, then explain in an admin's words what to install.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# Debian packages of the libraries the xcb plugin of PySide6 6.x links against, by soname.
XCB_PACKAGES: dict[str, str] = {
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
}

# What `scripts/bootstrap-system desktop` installs: every package above, in one line.
DESKTOP_PACKAGES = " ".join(sorted(set(XCB_PACKAGES.values())))

_MISSING = re.compile(r"(lib[\w.+-]+\.so[\d.]*): cannot open shared object file")


@dataclass(frozen=True)
class DisplayProblem:
    """A reason the window cannot open, in words for the admin who has to fix it."""

    summary: str
    remedy: str
    detail: str = ""

    def message(self) -> str:
        """The whole text printed on stderr (there is no window to show it in)."""
        parts = [f"dispatch-desk: {self.summary}", self.remedy]
        if self.detail:
            parts.append(f"(the system said: {self.detail})")
        parts.append(
            "Without a window the workspace can still run headless: "
            "QT_QPA_PLATFORM=offscreen dispatch-desk …"
        )
        return "\n".join(parts)


def _uses_xcb(environ: Mapping[str, str]) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    platform = environ.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.split(";")[0].split(":")[0] == "xcb"
    # Without a choice Qt tries Wayland first when a Wayland session is running.
    return bool(environ.get("DISPLAY")) and not environ.get("WAYLAND_DISPLAY")


def xcb_plugin(environ: Mapping[str, str]) -> Path | None:
    """Qt's xcb platform plugin as Qt itself will find it, or None when there is none."""
    from PySide6.QtCore import QLibraryInfo

    dirs = [Path(d) / "platforms" for d in environ.get("QT_PLUGIN_PATH", "").split(os.pathsep) if d]
    if environ.get("QT_QPA_PLATFORM_PLUGIN_PATH"):
        dirs.insert(0, Path(environ["QT_QPA_PLATFORM_PLUGIN_PATH"]))
    dirs.append(Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms")
    for folder in dirs:
        candidate = folder / "libqxcb.so"
        if candidate.is_file():
            return candidate
    return None


def missing_libraries(plugin: Path | None) -> list[str]:
    """Every library of the plugin the loader can't find (dlopen names only the first one)."""
    if plugin is None or not shutil.which("ldd"):
        return []
    try:
        listing = subprocess.run(
            ["ldd", str(plugin)], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    return sorted(set(re.findall(r"^\s*(\S+) => not found", listing, re.MULTILINE)))


def explain_load_error(error: str, plugin: Path | None = None) -> DisplayProblem:
    """Turn the dynamic loader's complaint about the xcb plugin into what to install."""
    missing = sorted(set(_MISSING.findall(error)) | set(missing_libraries(plugin)))
    if missing:
        packages = sorted({XCB_PACKAGES.get(name, name) for name in missing})
        return DisplayProblem(
            summary="the window cannot open: the X11 system libraries "
            f"{', '.join(missing)} are not installed.",
            remedy=f"Install them (Debian/Ubuntu): sudo apt install {' '.join(packages)}",
            detail=error,
        )
    return DisplayProblem(
        summary="the window cannot open: Qt's X11 plugin does not load with the system "
        "libraries installed here (one of them is damaged or of another version).",
        remedy=f"Reinstall the X11 libraries (Debian/Ubuntu): sudo apt install --reinstall "
        f"{DESKTOP_PACKAGES}",
        detail=error,
    )


# The probe's connection stays open until Qt has its own: an X server with no other client
# resets when the last one leaves, and refuses connections while it does.
_probe: tuple[ctypes.CDLL, int] | None = None


def _display_answers(display: str) -> bool:
    global _probe
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return True  # the plugin check already named the library; don't guess twice
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)
    if xcb.xcb_connection_has_error(connection) != 0:
        xcb.xcb_disconnect(connection)
        return False
    release_probe()
    _probe = (xcb, connection)
    return True


def release_probe() -> None:
    """Close the check's X connection (once the application holds its own)."""
    global _probe
    if _probe is not None:
        xcb, connection = _probe
        _probe = None
        xcb.xcb_disconnect(connection)


def display_problem(environ: Mapping[str, str]) -> DisplayProblem | None:
    """What keeps Qt's X11 window from opening here, or None when it will open (or isn't used)."""
    if not _uses_xcb(environ):
        return None
    display = environ.get("DISPLAY", "")
    if not display:
        return DisplayProblem(
            summary="QT_QPA_PLATFORM asks for an X11 window but DISPLAY is not set.",
            remedy="Start the workspace from a desktop session, or unset QT_QPA_PLATFORM.",
        )
    plugin = xcb_plugin(environ)
    if plugin is None:
        return DisplayProblem(
            summary="the window cannot open: Qt's X11 platform plugin (libqxcb.so) is missing "
            "from this installation.",
            remedy="Reinstall Dispatch Desk.",
        )
    try:
        ctypes.CDLL(str(plugin), mode=os.RTLD_NOW | os.RTLD_LOCAL)
    except OSError as exc:
        return explain_load_error(str(exc), plugin)
    if not _display_answers(display):
        return DisplayProblem(
            summary=f"the window cannot open: no X server answers on DISPLAY={display}.",
            remedy="Check that the desktop session is running and that this user may use it "
            "(xauth), or start the workspace from that session.",
        )
    return None

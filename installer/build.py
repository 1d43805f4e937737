"""Build the desktop bundle, the Debian package and (with a Windows payload) the NSIS installer.

    python installer/build.py [bundle|deb|nsis|all] [--dist DIR] [--work DIR]

``make installer`` runs ``all``: the translations, the PyInstaller onedir bundle
(installer/dispatch-desk.spec) in DIST/bundle/dispatch-desk, the package
DIST/dispatch-desk_VERSION_amd64.deb, and, when ``makensis`` is installed and a Windows
PyInstaller build sits in DIST/windows/dispatch-desk (see installer/README.md),
DIST/dispatch-desk-setup-VERSION.exe. Each step prints what it wrote, its size and its time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INSTALLER = ROOT / "installer"
SPEC = INSTALLER / "dispatch-desk.spec"
NSIS_SCRIPT = INSTALLER / "windows" / "dispatch-desk.nsi"
PACKAGE = "dispatch-desk"
PREFIX = Path("opt") / PACKAGE  # the package installs to /opt/dispatch-desk
COMMANDS = ("dispatch-desk", "dispatch")  # bin/ links; the executable picks by its name

sys.path.insert(0, str(ROOT))
from app.display_check import XCB_PACKAGES  # noqa: E402  (after the checkout is on sys.path)

# The X/xcb, GL, font and D-Bus libraries the bundle leaves to the system (the spec drops
# them), and fonts that cover Cyrillic. Debian 12 / Ubuntu 22.04+ names.
DEPENDS = sorted({*XCB_PACKAGES.values(), "libxcb-glx0", "fontconfig", "fonts-dejavu-core"})


def version() -> str:
    """The project's version (pyproject), as the installed metadata knows it."""
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        import tomllib

        with (ROOT / "pyproject.toml").open("rb") as file:
            return str(tomllib.load(file)["project"]["version"])


def _size_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 1e6
    return sum(p.lstat().st_size for p in path.rglob("*") if not p.is_symlink()) / 1e6


def _report(what: str, path: Path, started: float) -> None:
    elapsed = time.monotonic() - started
    print(f"{what}: {path} ({_size_mb(path):.0f} MB, {elapsed:.0f} s)", flush=True)


def build_translations() -> None:
    """Compile the .qm catalogs into app/translations (the bundle carries them)."""
    from app.i18n import build_translations as build

    build()


def build_bundle(dist: Path, work: Path) -> Path:
    """The PyInstaller onedir bundle; returns its directory (with the `dispatch` link)."""
    started = time.monotonic()
    build_translations()
    out = dist / "bundle"
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level",
        "ERROR",
        "--distpath",
        str(out),
        "--workpath",
        str(work),
        str(SPEC),
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(command, check=True, cwd=ROOT, env=env)
    bundle = out / PACKAGE
    if sys.platform == "win32":
        shutil.copy2(bundle / "dispatch-desk.exe", bundle / "dispatch.exe")
    else:
        link = bundle / "dispatch"
        link.unlink(missing_ok=True)
        link.symlink_to("dispatch-desk")
    _report("bundle", bundle, started)
    return bundle


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)


def _control(installed_kb: int) -> str:
    return (
        INSTALLER.joinpath("deb", "control")
        .read_text(encoding="utf-8")
        .format(
            version=version(),
            depends=", ".join(DEPENDS),
            installed_size=installed_kb,
        )
    )


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def stage_deb(bundle: Path, root: Path) -> Path:
    """Lay the package's files out under ``root`` (what dpkg-deb packs); returns ``root``."""
    if root.exists():
        shutil.rmtree(root)
    app_dir = root / PREFIX / "app"
    # Hard links where the file system allows: staging 200 MB costs no time then.
    shutil.copytree(bundle, app_dir, symlinks=True, copy_function=_link_or_copy)
    bin_dir = root / PREFIX / "bin"
    bin_dir.mkdir(parents=True)
    usr_bin = root / "usr" / "bin"
    usr_bin.mkdir(parents=True)
    for command in COMMANDS:
        (bin_dir / command).symlink_to("../app/dispatch-desk")
        (usr_bin / command).symlink_to(f"/{PREFIX}/bin/{command}")
    icons = ROOT / "resources" / "icons"
    share = root / "usr" / "share"
    for size in (48, 256):
        target = share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{PACKAGE}.png"
        target.parent.mkdir(parents=True)
        shutil.copy2(icons / f"{PACKAGE}-{size}.png", target)
    scalable = share / "icons" / "hicolor" / "scalable" / "apps" / f"{PACKAGE}.svg"
    scalable.parent.mkdir(parents=True)
    shutil.copy2(icons / f"{PACKAGE}.svg", scalable)
    deb = INSTALLER / "deb"
    _write(
        share / "applications" / f"{PACKAGE}.desktop",
        (deb / f"{PACKAGE}.desktop").read_text(encoding="utf-8"),
    )
    doc = share / "doc" / PACKAGE
    doc.mkdir(parents=True)
    shutil.copy2(ROOT / "docs" / "config.example.toml", doc / "config.example.toml")
    shutil.copy2(INSTALLER / "README.md", doc / "README.md")
    control = root / "DEBIAN"
    control.mkdir()
    for script in ("postinst", "postrm"):
        _write(control / script, (deb / script).read_text(encoding="utf-8"), 0o755)
    installed_kb = int(_size_mb(root) * 1000 / 1.024)
    _write(control / "control", _control(installed_kb))
    return root


def build_deb(bundle: Path, dist: Path, work: Path, compression: str = "zstd") -> Path:
    """``dist/dispatch-desk_VERSION_amd64.deb`` from the bundle (dpkg-deb, root-owned files)."""
    started = time.monotonic()
    root = stage_deb(bundle, work / "deb-root")
    out = dist / f"{PACKAGE}_{version()}_amd64.deb"
    out.unlink(missing_ok=True)
    command = ["dpkg-deb", "--build", "--root-owner-group", f"-Z{compression}"]
    subprocess.run([*command, str(root), str(out)], check=True, stdout=subprocess.DEVNULL)
    _report("package", out, started)
    return out


def build_nsis(payload: Path, dist: Path) -> Path:
    """The Windows installer from a Windows PyInstaller build in ``payload`` (makensis)."""
    started = time.monotonic()
    out = dist / f"{PACKAGE}-setup-{version()}.exe"
    command = [
        "makensis",
        "-V2",
        f"-DVERSION={version()}",
        f"-DPAYLOAD={payload.resolve()}",
        f"-DOUTFILE={out.resolve()}",
        f"-DICON={(ROOT / 'resources' / 'icons' / f'{PACKAGE}.ico').resolve()}",
        str(NSIS_SCRIPT),
    ]
    subprocess.run(command, check=True)
    _report("windows installer", out, started)
    return out


def main(argv: list[str] | None = None) -> int:
    """Build what the command line names; returns the exit code."""
    parser = argparse.ArgumentParser(prog="installer/build.py", description=__doc__.split("\n")[0])
    parser.add_argument("what", nargs="?", default="all", choices=["bundle", "deb", "nsis", "all"])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "installer")
    # zstd packs the 190 MB in seconds (gzip takes a minute); dpkg reads it since Debian 12 and
    # Ubuntu 21.10. `--compression xz` for older systems.
    parser.add_argument("--compression", default="zstd", choices=["zstd", "gzip", "xz", "none"])
    parser.add_argument(
        "--windows-payload",
        type=Path,
        help="a Windows PyInstaller build (default DIST/windows/dispatch-desk)",
    )
    args = parser.parse_args(argv)
    args.dist.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    if args.what in ("bundle", "deb", "all"):
        bundle = build_bundle(args.dist, args.work / "pyinstaller")
        if args.what != "bundle":
            build_deb(bundle, args.dist, args.work, args.compression)
    if args.what in ("nsis", "all"):
        payload = args.windows_payload or args.dist / "windows" / PACKAGE
        if not shutil.which("makensis"):
            print("windows installer: skipped (makensis is not installed: apt install nsis)")
        elif not (payload / "dispatch-desk.exe").exists():
            print(f"windows installer: skipped (no Windows build in {payload}, see installer/)")
        else:
            build_nsis(payload, args.dist)
    print(f"done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

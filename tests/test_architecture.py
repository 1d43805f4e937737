"""The dependency rules of the design: each package imports only what it may."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# package -> top-level modules it must never import
FORBIDDEN = {
    "dispatcher": {
        "PySide6",
        "qasync",
        "requests",
        "pjsua2",
        "fastapi",
        "uvicorn",
        "httpx",
        "app",
        "telephony",
        "courier_sync",
    },
    "telephony": {"PySide6", "qasync", "dispatcher", "app", "courier_sync", "requests"},
    "courier_sync/server": {"dispatcher", "app", "telephony", "PySide6"},
    "courier_sync/contract.py": {"dispatcher", "app", "telephony", "PySide6"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_packages_import_only_what_the_design_allows(package: str) -> None:
    base = ROOT / package
    files = [base] if base.is_file() else sorted(base.rglob("*.py")) if base.exists() else []
    offences = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in files
        for name in sorted(_imports(path) & FORBIDDEN[package])
    ]
    assert offences == []


def test_only_the_app_imports_qt_widgets() -> None:
    # Tests and benchmarks drive the workspace from outside, as an operator's desk would.
    offences = [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if ".venv" not in path.parts
        and path.parts[len(ROOT.parts)] not in ("app", "tests", "bench")
        and "PySide6" in _imports(path)
    ]
    assert offences == []

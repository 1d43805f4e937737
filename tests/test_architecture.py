"""The dependency rules of the design: each package imports only what it may, and no circles."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("app", "dispatcher", "telephony", "courier_sync", "storage")

# folder or file -> modules it must never import (a name also forbids its submodules)
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
    # Shared by the domain and the sync service, so it may import neither (nor anything else).
    "storage": {"PySide6", "app", "dispatcher", "telephony", "courier_sync", "requests"},
    # Widgets lay out and bind; domain values reach them through presenters and view models.
    "app/widgets": {"dispatcher", "telephony", "pjsua2", "requests"},
    # The desktop's side of the sync (app -> courier_sync.client -> HTTP): it reads the outbox
    # through dispatcher and speaks the contract over requests, never Qt, SIP or the server.
    "courier_sync/client": {
        "app",
        "PySide6",
        "qasync",
        "telephony",
        "pjsua2",
        "courier_sync.server",
        "fastapi",
        "uvicorn",
    },
    "courier_sync/server": {"dispatcher", "app", "telephony", "PySide6"},
    "courier_sync/contract.py": {"dispatcher", "app", "telephony", "PySide6"},
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(path: Path) -> Iterator[str]:
    """Every module ``path`` imports, anywhere in it (functions too), as absolute names.

    ``from package import name`` yields ``package.name`` as well: the name may be a module.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package.pop()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)


def _files(where: str) -> list[Path]:
    base = ROOT / where
    return [base] if base.is_file() else sorted(base.rglob("*.py")) if base.exists() else []


def _within(module: str, names: set[str]) -> set[str]:
    return {name for name in names if module == name or module.startswith(name + ".")}


@pytest.mark.parametrize("where", sorted(FORBIDDEN))
def test_packages_import_only_what_the_design_allows(where: str) -> None:
    offences = sorted(
        {
            f"{path.relative_to(ROOT)} imports {name}"
            for path in _files(where)
            for module in _imported(path)
            for name in _within(module, FORBIDDEN[where])
        }
    )
    assert offences == []


def test_the_rules_see_what_they_guard() -> None:
    # A moved folder would make its rule pass vacuously.
    assert all(_files(where) for where in FORBIDDEN)


def test_only_the_app_imports_qt_widgets() -> None:
    # Tests and benchmarks drive the workspace from outside, as an operator's desk would.
    offences = [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if ".venv" not in path.parts
        and path.parts[len(ROOT.parts)] not in ("app", "tests", "bench")
        and any(_within(module, {"PySide6"}) for module in _imported(path))
    ]
    assert offences == []


def import_graph() -> dict[str, set[str]]:
    """Project module -> the project modules it imports (module level and inside functions)."""
    paths = {_module_name(path): path for package in PACKAGES for path in _files(package)}
    return {
        module: {name for name in _imported(path) if name in paths and name != module}
        for module, path in paths.items()
    }


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle per group of modules that import each other (Tarjan's components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in sorted(graph[module]):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return [_circle(graph, set(component)) for component in components]


def _circle(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A path inside ``component`` from its first module back to it, to show in the failure."""
    start = min(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        module = queue.pop(0)
        for other in sorted(graph[module] & component):
            if other == start:
                return [*paths[module], start]
            if other not in paths:
                paths[other] = [*paths[module], other]
                queue.append(other)
    return sorted(component)  # unreachable for a strongly connected component


def test_the_cycle_finder_reports_the_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert import_cycles(graph) == [["a", "b", "c", "a"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circles() -> None:
    circles = [" -> ".join(circle) for circle in import_cycles(import_graph())]
    assert circles == []

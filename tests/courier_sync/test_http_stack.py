"""`courier-sync serve` runs on uvloop and httptools when installed, and on plain asyncio
and h11 with `--http-stack asyncio` (to compare, or to rule the fast pair out)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from tests.courier_sync.conftest import SyncService

pytest.importorskip("uvloop")
pytest.importorskip("httptools")


def _mapped(pid: int) -> str:
    """The shared objects a process has loaded (a C extension is mapped once imported)."""
    return "\n".join(
        {line.split()[-1] for line in Path(f"/proc/{pid}/maps").read_text().splitlines()}
    )


@pytest.mark.parametrize(
    ("stack", "fast"), [((), True), (("--http-stack", "asyncio"), False)], ids=["auto", "asyncio"]
)
def test_the_service_serves_on_the_stack_asked_for(
    make_service: Callable[..., SyncService], stack: tuple[str, ...], fast: bool
) -> None:
    service = make_service("sqlite", *stack)
    assert requests.get(service.url + "/healthz", timeout=5).status_code == 200
    assert service.proc is not None
    loaded = _mapped(service.proc.pid)
    assert ("uvloop" in loaded) is fast
    assert ("httptools" in loaded) is fast

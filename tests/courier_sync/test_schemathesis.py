"""Property-based requests generated from the live service's /openapi.json: never a 5xx.

Schemathesis derives valid and invalid requests for every operation (bodies, paths, query
strings) and sends them, with real credentials, to the service running as a subprocess.
The number of examples is bounded so the whole module stays well under a minute.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from tests.courier_sync.conftest import (
    SyncService,
    issue_site_key,
    issue_tokens,
    sqlite_service_db,
)

MAX_EXAMPLES = 40
# Long polls may wait 30 s by the schema; fuzzing them at full length would take forever.
MAX_WAIT_S = 0.2


class Credentials:
    """The site key and one courier's token for the service under test."""

    def __init__(self, service: SyncService) -> None:
        self.site = issue_site_key(service.db_url)
        self.courier = issue_tokens(service.db_url, 7)[7]

    def for_path(self, path: str) -> dict[str, str]:
        """The Authorization header the operation expects."""
        secret = self.site if path.startswith("/api/v1/site/") else self.courier
        return {"Authorization": f"Bearer {secret}"}


@pytest.fixture(scope="module")
def live_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SyncService]:
    """A service on a fresh SQLite database for the whole module."""
    tmp: Path = tmp_path_factory.mktemp("schemathesis")
    service = SyncService(sqlite_service_db(tmp), tmp / "service.log")
    service.start()
    yield service
    service.kill()


@pytest.fixture(scope="module")
def credentials(live_service: SyncService) -> Credentials:
    """Real credentials, so that requests get past authentication into the handlers."""
    return Credentials(live_service)


def _operations(service: SyncService) -> list[Any]:
    schema = schemathesis.openapi.from_url(f"{service.url}/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_request_makes_the_service_fail(
    mode: GenerationMode, credentials: Credentials, live_service: SyncService
) -> None:
    # Driven by hand rather than by the schemathesis pytest plugin: the schema only exists
    # once the service runs, and the plugin's lazy fixture loading does not suit pytest 9.
    operations = _operations(live_service)
    assert len(operations) >= 9
    calls: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=True,
        )
        def call(case: Any) -> None:
            wait = (case.query or {}).get("wait")
            if isinstance(wait, int | float) and not isinstance(wait, bool) and wait > MAX_WAIT_S:
                case.query["wait"] = MAX_WAIT_S
            headers = {**(case.headers or {}), **credentials.for_path(case.path)}
            response = case.call(headers=headers, timeout=10)
            calls.append(case.path)
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path} answered {response.status_code}: "
                f"{response.text[:500]}\n{live_service.log_tail()}"
            )
            case.validate_response(response, checks=[not_a_server_error])

        try:
            call()
        except Unsatisfiable:
            # No parameters to break (e.g. GET /courier/me): nothing negative to send.
            assert mode is GenerationMode.NEGATIVE
    assert len(calls) >= 9 * 5, "schemathesis generated almost nothing"

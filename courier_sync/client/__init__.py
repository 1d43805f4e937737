"""Desktop side of courier sync: outbox relay and event puller.

The workspace builds a `Relay(sessions, RelaySettings(sync_url, api_key), on_status=...)`,
calls `start()` at startup, `wake()` after committing a change that wrote outbox messages,
and `stop()` at exit; `status()` (or `on_status`) gives the `RelayStatus` to show.
"""

from courier_sync.client.relay import Relay, RelaySettings
from courier_sync.client.status import RelayStatus

__all__ = ["Relay", "RelaySettings", "RelayStatus"]

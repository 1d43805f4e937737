"""Generate the whole demo world into a sink, parents before children."""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass

from dispatcher.demo.fork import ForkedHistory
from dispatcher.demo.generate.clients import ClientWriter
from dispatcher.demo.generate.history import write_history
from dispatcher.demo.generate.live import LiveWriter
from dispatcher.demo.generate.world import World
from dispatcher.demo.sink import Sink

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Filled:
    """What the generator wrote: rows per table, and what the report tells about clients."""

    counts: Counter[str]
    duplicates: int
    sample_numbers: list[str]


def fill(world: World, sink: Sink, history: ForkedHistory | None = None) -> Filled:
    """Write every row into the sink; with ``history``, the past orders come from a child."""
    started = time.perf_counter()
    if history is not None:
        # Forked first: the child needs only the shapes, which the world holds already.
        history.start(world)
    world.reference(sink)
    clients = ClientWriter(world)
    clients.write(sink)
    clients_done = time.perf_counter()
    ids = history.finish(sink) if history is not None else write_history(world, sink)
    LiveWriter(world, clients.details, ids).write(sink)
    sink.close()
    logger.debug(
        "seed rows written: clients %.1f s, orders %.1f s (%s), waiting for the database %.1f s",
        clients_done - started,
        time.perf_counter() - clients_done,
        "forked" if history is not None else "in-process",
        sink.seconds,
    )
    return Filled(sink.counts, clients.duplicates, clients.sample_numbers())

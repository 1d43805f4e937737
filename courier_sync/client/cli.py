"""`courier-sync relay`: the desktop's relay without the desktop (for servers, scripts, tests)."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from types import FrameType

from courier_sync.client.api import SyncError, ca_verify, insecure_url_problem
from courier_sync.client.relay import Relay, RelaySettings
from dispatcher.db import make_engine, normalize_url, session_factory
from dispatcher.migrate import current_revision, head_revision

logger = logging.getLogger(__name__)

EXIT_USAGE = 2
EXIT_UNREACHABLE = 3
EXIT_DATABASE = 4


def run_relay(args: argparse.Namespace, api_key: str) -> int:
    """Run the relay as the command line asked; returns the exit code."""
    problem = None if args.insecure else insecure_url_problem(args.sync_url)
    try:
        ca_verify(args.ca_file or "")
    except SyncError as exc:
        problem = str(exc)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    engine = make_engine(normalize_url(args.db))
    try:
        revision = current_revision(engine)
    except Exception as exc:
        print(f"error: cannot open the dispatcher database: {exc}", file=sys.stderr)
        return EXIT_DATABASE
    if revision != head_revision():
        print(
            f"error: the dispatcher database is at schema {revision}, this relay needs "
            f"{head_revision()}: run `dispatch db upgrade` first",
            file=sys.stderr,
        )
        return EXIT_DATABASE
    settings = RelaySettings(
        sync_url=args.sync_url,
        api_key=api_key,
        batch_size=max(1, min(args.batch_size, 500)),
        poll_interval=args.poll_interval,
        lease=args.lease,
        read_timeout=args.timeout,
        connect_timeout=min(3.05, args.timeout),
        feed_wait=max(0.0, min(args.feed_wait, 30.0)),
        insecure=args.insecure,
        ca_file=args.ca_file or "",
    )
    relay = Relay(session_factory(engine), settings)
    try:
        if args.once:
            try:
                totals = relay.run_once()
            except SyncError as exc:
                print(f"error: {exc}", file=sys.stderr)
                relay.refresh_queue()
                status = relay.status()
                print(f"{status.queue_length} message(s) still wait to be sent", file=sys.stderr)
                return EXIT_UNREACHABLE
            status = relay.status()
            print(
                f"sent {totals['sent']}, refused {totals['failed']}, applied {totals['events']} "
                f"event(s); {status.queue_length} waiting, {status.failed_count} refused in all"
            )
            return 0
        done = threading.Event()

        def _stop(signum: int, _frame: FrameType | None) -> None:
            logger.info("relay: stopping on signal %d", signum)
            done.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        relay.start()
        logger.info("relay %s: sending to %s", settings.owner, settings.sync_url)
        done.wait()
        relay.stop()
        return 0
    finally:
        engine.dispose()

"""Desktop side of courier sync: outbox relay and event puller."""

"""SQL plumbing shared by the desk's domain (dispatcher) and the sync service, which may not
import each other: the UTC timestamp column type and the reading of a --db value."""

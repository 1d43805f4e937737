"""Tools for tests and benchmarks that start real servers; not shipped with the product."""

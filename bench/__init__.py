"""Benchmarks that print one JSON object: `python -m bench <name> [options]`."""

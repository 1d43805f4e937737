"""`python -m bench <name> [options]`: run one benchmark and print its JSON result on stdout.

A benchmark is a module of this package with `run(args)`; with `add_arguments(parser)` it
gets parsed options, otherwise the remaining command-line words. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import logging
import pkgutil
import sys
from pathlib import Path

import bench

NOT_BENCHMARKS = frozenset({"__main__", "first_call", "machine", "stats"})


def names() -> list[str]:
    """The benchmarks this package holds."""
    found = pkgutil.iter_modules([str(Path(bench.__file__).parent)])
    return sorted(m.name for m in found if m.name not in NOT_BENCHMARKS)


def main(argv: list[str] | None = None) -> int:
    """Run the named benchmark and print exactly one JSON object on stdout."""
    argv = sys.argv[1:] if argv is None else argv
    available = names()
    if not argv or argv[0] not in available:
        print(f"usage: python -m bench {{{','.join(available)}}} [options]", file=sys.stderr)
        return 0 if argv[:1] in (["-h"], ["--help"]) else 2
    name, rest = argv[0], argv[1:]
    module = importlib.import_module(f"bench.{name}")
    args: argparse.Namespace | list[str] = rest
    if hasattr(module, "add_arguments"):
        parser = argparse.ArgumentParser(prog=f"python -m bench {name}", description=module.__doc__)
        module.add_arguments(parser)
        args = parser.parse_args(rest)
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    out = sys.stdout
    # Whatever a library prints must not end up in the JSON stream.
    with contextlib.redirect_stdout(sys.stderr):
        result = module.run(args)
    out.write(json.dumps(result, ensure_ascii=False) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())

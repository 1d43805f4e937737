"""The demo database: a synthetic delivery business generated from a seed, and its loaders.

`seed_demo` fills an empty database; `status` answers whether there is anything to seed.
"""

from dispatcher.demo.generate.numbers import written_forms
from dispatcher.demo.seeder import SeedReport, seed_demo

__all__ = ["SeedReport", "seed_demo", "written_forms"]

"""The word lists the demo world is drawn from are data files shipped with the package."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from fnmatch import fnmatch
from pathlib import Path

from dispatcher.demo import pools

ROOT = Path(__file__).resolve().parents[3]
LISTS = [name for name in dir(pools) if name.isupper()]


def _shipped_copy(target: Path) -> Path:
    """A copy of `dispatcher` holding only what the wheel ships: modules and package data."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["dispatcher"]
    source = ROOT / "dispatcher"
    for path in source.rglob("*"):
        relative = path.relative_to(source).as_posix()
        if "__pycache__" in relative or not path.is_file():
            continue
        if path.suffix == ".py" or any(fnmatch(relative, p) for p in patterns):
            (target / "dispatcher" / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target / "dispatcher" / relative)
    return target


def test_word_lists_load_from_the_installed_package(tmp_path: Path) -> None:
    site = _shipped_copy(tmp_path)
    code = (
        "import json; from dispatcher.demo import pools;"
        f"print(json.dumps({{'file': pools.__file__, 'lists': {{n: getattr(pools, n) for n in"
        f" {LISTS!r}}}}}))"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=site, env=env, capture_output=True, text=True, check=True
    ).stdout
    loaded = json.loads(out)
    assert Path(loaded["file"]).is_relative_to(site)
    expected = json.loads(json.dumps({n: getattr(pools, n) for n in LISTS}))
    assert loaded["lists"] == expected


def test_every_word_list_has_words_and_keeps_its_empty_entries() -> None:
    for name in LISTS:
        assert len(getattr(pools, name)) >= 2, name
    # Most houses have no "корпус", most orders no comment: the empty entries are data too.
    assert pools.BUILDING_PARTS.count("") == 5
    assert pools.COMMENTS.count("") == 6
    assert all(len(pair) == 2 and all(pair) for pair in pools.PATRONYMICS)
    assert "Королёв" in pools.MALE_SURNAMES

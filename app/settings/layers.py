"""Where each setting comes from: the machine-wide file, the user's file, the command line.

An admin deploys one machine-wide file to every operator PC (`/etc/dispatch-desk/config.toml`
on Linux, ``%PROGRAMDATA%\\Dispatch Desk\\config.toml`` on Windows; the path in
DISPATCH_DESK_MACHINE_CONFIG when set); the user's own file (written by the Settings dialog)
overrides it key by key, and command-line options override both. Each value remembers its
source, so `dispatch-desk --check` can say which file set it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from app.settings.config_upgrade import VERSION_KEY, ConfigVersionError, upgrade_data
from app.settings.model import AppSettings, SettingsError
from dispatcher.config import MACHINE_CONFIG_ENV, machine_config_path

DEFAULT = "default"
COMMAND_LINE = "command line"

__all__ = [
    "COMMAND_LINE",
    "DEFAULT",
    "MACHINE_CONFIG_ENV",
    "Layer",
    "machine_config_path",
    "merge_layers",
    "read_layer",
    "source_of",
    "with_source",
]


@dataclass(frozen=True, slots=True)
class Layer:
    """One configuration file's content (in today's layout) and where it was read."""

    path: Path
    data: dict[str, Any]
    from_version: int


def read_layer(path: Path) -> Layer | None:
    """The file at ``path`` upgraded in memory; None when there is no such file.

    Raises SettingsError naming the file when it cannot be read or is not TOML.
    """
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SettingsError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path} is not valid TOML: {exc}.") from None
    try:
        upgraded = upgrade_data(data, path)
    except ConfigVersionError as exc:
        raise SettingsError(str(exc)) from None
    body = {k: v for k, v in upgraded.data.items() if k != VERSION_KEY}
    return Layer(path, body, upgraded.from_version)


def merge_layers(layers: Iterable[Layer]) -> tuple[dict[str, Any], dict[str, str]]:
    """The layers merged key by key (later ones win) and, per "section.key", the file's path."""
    merged: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for layer in layers:
        for section, table in layer.data.items():
            if not isinstance(table, Mapping):
                merged[section] = table  # the shape check names it with the right file
                continue
            target = merged.setdefault(section, {})
            if not isinstance(target, dict):
                target = merged[section] = {}
            for key, value in table.items():
                target[key] = value
                sources[f"{section}.{key}"] = str(layer.path)
    return merged, sources


def source_of(settings: AppSettings, key: str) -> str:
    """Who set ``key`` ("section.key"): a file's path, "command line (--opt)" or "default"."""
    return dict(settings.sources).get(key, DEFAULT)


def with_source(settings: AppSettings, keys: Iterable[str], source: str) -> AppSettings:
    """``settings`` with ``keys`` marked as set by ``source``."""
    sources = dict(settings.sources)
    for key in keys:
        sources[key] = source
    return replace(settings, sources=tuple(sorted(sources.items())))

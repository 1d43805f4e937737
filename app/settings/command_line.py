"""The options of `dispatch-desk` that override the configuration file, and how they do."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from app.settings.config_file import load_settings, settings_path
from app.settings.layers import COMMAND_LINE, with_source
from app.settings.model import (
    LANGUAGES,
    AppSettings,
    SettingsError,
    check_db_url,
    parse_listen,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the overriding options of `dispatch-desk` to an argparse parser."""
    parser.add_argument("--db", metavar="URL", help="database URL (overrides the config file)")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="keep the embedded database, the logs (DIR/logs) and config.toml in DIR",
    )
    parser.add_argument("--sip-listen", metavar="ADDR:PORT", help="SIP listen address")
    parser.add_argument("--sync-url", metavar="URL", help="courier sync service URL")
    parser.add_argument(
        "--sync-insecure",
        action="store_true",
        help="allow an http:// sync URL to another machine (clear text on the network)",
    )
    parser.add_argument("--lang", choices=LANGUAGES, help="interface language")


def apply_overrides(settings: AppSettings, args: argparse.Namespace) -> AppSettings:
    """``settings`` with the command-line options of ``args`` (an argparse Namespace) applied.

    ``--data-dir DIR`` makes a self-contained instance: the configuration is read from
    DIR/config.toml (not the user config dir), the embedded database is DIR/dispatch.sqlite3
    and the logs go to DIR/logs. Raises SettingsError for malformed values.
    """
    data_dir = getattr(args, "data_dir", None)
    if data_dir:
        home = Path(data_dir).expanduser().resolve()
        settings = replace(load_settings(settings_path(home), data_dir=home), log_dir=home / "logs")
    db = getattr(args, "db", None)
    if db:
        settings = replace(settings, db_url=check_db_url(db))
        settings = with_source(settings, ["database.url"], f"{COMMAND_LINE} (--db)")
    listen = getattr(args, "sip_listen", None)
    if listen:
        host, port = parse_listen(listen)
        settings = replace(settings, sip_listen_host=host, sip_listen_port=port)
        settings = with_source(settings, ["sip.listen"], f"{COMMAND_LINE} (--sip-listen)")
    sync_url = getattr(args, "sync_url", None)
    if sync_url:
        settings = replace(settings, sync_url=sync_url.strip())
        settings = with_source(settings, ["sync.url"], f"{COMMAND_LINE} (--sync-url)")
    if getattr(args, "sync_insecure", False):
        settings = replace(settings, sync_insecure=True)
        settings = with_source(settings, ["sync.insecure"], f"{COMMAND_LINE} (--sync-insecure)")
    lang = getattr(args, "lang", None)
    if lang:
        if lang not in LANGUAGES:
            raise SettingsError(f"--lang must be one of {', '.join(LANGUAGES)}, not {lang!r}.")
        settings = replace(settings, language=lang)
        settings = with_source(settings, ["ui.language"], f"{COMMAND_LINE} (--lang)")
    return settings


def settings_from_args(args: argparse.Namespace) -> AppSettings:
    """Load the configuration file the options point at, then apply the options."""
    if getattr(args, "data_dir", None):
        # The user's own file is not read at all: a broken one must not stop DIR's instance.
        return apply_overrides(AppSettings(), args)
    return apply_overrides(load_settings(), args)

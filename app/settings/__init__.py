"""The workspace's settings: one TOML file an admin can read, the SIP password in the keyring.

Precedence: command-line options (`apply_overrides`), then the user's configuration file,
then the machine-wide file an admin deploys (`layers.machine_config_path`), then defaults;
each value remembers its source (`source_of`). The user's file is `config.toml` in the
platformdirs user config dir of "dispatch-desk", or the path in DISPATCH_DESK_CONFIG
(DISPATCH_CONFIG is honoured as well), or DIR/config.toml with ``--data-dir DIR``. Files of
older versions are upgraded (`config_upgrade`). See docs/config.example.toml.

- `model`: the dataclasses, their defaults and value checks, what changed between two;
- `config_file`: finding, reading and writing config.toml;
- `layers`: the machine-wide and the user's file, and who set each value;
- `config_upgrade`: files of older versions in today's layout, with a backup;
- `command_line`: the `dispatch-desk` options that override the file;
- `engine`: the SIP engine's configuration made from the settings;
- `secrets`: the SIP password in the keyring.
"""

# The names the rest of the app, the tests and the benchmarks import; the modules hold more.
from app.settings.command_line import add_arguments, apply_overrides, settings_from_args
from app.settings.config_file import (
    CONFIG_ENV,
    load_settings,
    save_settings,
    settings_path,
    upgrade_config_files,
)
from app.settings.engine import sip_trace_path, to_engine_config
from app.settings.layers import COMMAND_LINE, machine_config_path, source_of, with_source
from app.settings.model import (
    APP_NAME,
    LANGUAGES,
    TRANSPORTS,
    AppSettings,
    SettingsError,
    SipSettings,
    changed_parts,
    check_db_url,
    log_dir_for,
    parse_listen,
    sqlite_url,
)
from app.settings.secrets import NO_KEYRING_MESSAGE, SecretStore, secret_key

__all__ = [
    "APP_NAME",
    "COMMAND_LINE",
    "CONFIG_ENV",
    "LANGUAGES",
    "NO_KEYRING_MESSAGE",
    "TRANSPORTS",
    "AppSettings",
    "SecretStore",
    "SettingsError",
    "SipSettings",
    "add_arguments",
    "apply_overrides",
    "changed_parts",
    "check_db_url",
    "load_settings",
    "log_dir_for",
    "machine_config_path",
    "parse_listen",
    "save_settings",
    "secret_key",
    "settings_from_args",
    "settings_path",
    "sip_trace_path",
    "source_of",
    "sqlite_url",
    "to_engine_config",
    "upgrade_config_files",
    "with_source",
]

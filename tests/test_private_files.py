"""Files with secrets or clients' data are created 0600, whatever the umask."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from storage.private_files import PrivateRotatingFileHandler, make_private, readable_by_others


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_rotating_log_and_each_rotated_file_are_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = tmp_path / "sip-trace.log"
        handler = PrivateRotatingFileHandler(path, maxBytes=100, backupCount=2, encoding="utf-8")
        record = logging.LogRecord("t", logging.INFO, __file__, 1, "x" * 80, None, None)
        for _ in range(3):
            handler.emit(record)
        handler.close()
    finally:
        os.umask(old)
    files = sorted(tmp_path.iterdir())
    assert len(files) >= 2
    assert all(_mode(f) == 0o600 for f in files), [(f.name, oct(_mode(f))) for f in files]


def test_an_existing_world_readable_file_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "courier-sync.sqlite3"
    path.write_text("")
    path.chmod(0o644)
    assert readable_by_others(path)
    make_private(path)
    assert _mode(path) == 0o600 and not readable_by_others(path)


def test_the_desks_config_and_drafts_are_private_and_secrets_stay_out_of_repr(
    tmp_path: Path,
) -> None:
    import dataclasses

    from app.drafts import DraftStore
    from app.settings import AppSettings
    from app.settings.config_file import save_settings
    from courier_sync.client.relay import RelaySettings

    settings = AppSettings(data_dir=tmp_path, sync_url="https://s", sync_api_key="csk_SECRET")
    written = save_settings(settings, tmp_path / "config.toml")
    assert _mode(written) == 0o600

    @dataclasses.dataclass
    class Draft:
        name: str

    store = DraftStore(tmp_path / "drafts")
    assert store.save("order", Draft("Иванова"))
    assert _mode(store.path("order")) == 0o600
    assert "csk_SECRET" not in repr(settings)
    assert "csk_SECRET" not in repr(RelaySettings("https://s", "csk_SECRET"))


def test_the_self_check_warns_about_a_config_file_others_can_read(tmp_path: Path) -> None:
    from dataclasses import replace

    from app.selfcheck import _config_files
    from app.settings import AppSettings

    path = tmp_path / "config.toml"
    path.write_text('[sync]\napi_key = "csk_x"\n')
    path.chmod(0o644)
    settings = replace(AppSettings(data_dir=tmp_path), config_files=(path,))
    result = _config_files(settings)
    assert result.ok and result.warning and str(path) in result.detail
    path.chmod(0o600)
    assert not _config_files(settings).warning

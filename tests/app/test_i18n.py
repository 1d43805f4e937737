"""Translations: the .qm build, Russian by default, English source strings; money and dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QDate, QLocale
from PySide6.QtWidgets import QApplication

from app.formatting import format_date, format_datetime, format_money, to_moscow
from app.i18n import TRANSLATIONS_DIR, build_translations, install_translator


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return build_translations()


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    yield qapp
    install_translator(qapp, "en")  # leave the other tests in English


def test_build_makes_a_qm_per_ts(tmp_path: Path) -> None:
    built = build_translations(out_dir=tmp_path)
    names = sorted(path.name for path in built)
    assert names == ["dispatch_desk_en.qm", "dispatch_desk_ru.qm"]
    assert all(path.stat().st_size > 0 for path in built)
    assert sorted(p.name for p in TRANSLATIONS_DIR.glob("*.ts")) == [
        "dispatch_desk_en.ts",
        "dispatch_desk_ru.ts",
    ]


def test_russian_translates_a_known_string(app: QApplication, built: list[Path]) -> None:
    translator = install_translator(app, "ru")
    assert translator is not None
    assert QCoreApplication.translate("shortcuts", "Hang up") == "Положить трубку"
    assert QCoreApplication.translate("SettingsDialog", "Settings") == "Настройки"
    assert QLocale().name() == "ru_RU"
    assert QLocale().toString(QDate(2025, 3, 7), QLocale.FormatType.ShortFormat) == "07.03.2025"


def test_english_stays_english(app: QApplication, built: list[Path]) -> None:
    install_translator(app, "ru")
    install_translator(app, "en")  # removes the Russian one
    assert QCoreApplication.translate("shortcuts", "Hang up") == "Hang up"
    assert QLocale().name() == "en_US"


def test_money_in_roubles() -> None:
    assert format_money(125000) == "1 250,00 ₽"
    assert format_money(5) == "0,05 ₽"
    assert format_money(123456789) == "1 234 567,89 ₽"
    assert format_money(-1999) == "-19,99 ₽"


def test_dates_and_moscow_time() -> None:
    assert format_date(dt.date(2025, 3, 7)) == "07.03.2025"
    late_utc = dt.datetime(2025, 3, 7, 22, 30, tzinfo=dt.UTC)
    assert to_moscow(late_utc).hour == 1
    assert format_date(late_utc) == "08.03.2025"  # already the next day in Moscow
    assert format_datetime(dt.datetime(2025, 3, 7, 9, 5)) == "07.03.2025 12:05"  # naive = UTC


def test_every_interface_string_has_a_russian_translation() -> None:
    import xml.etree.ElementTree as ET

    from app.i18n import ts_path

    tree = ET.parse(ts_path("ru"))
    untranslated = [
        f"{context.findtext('name')}: {message.findtext('source')}"
        for context in tree.getroot().iter("context")
        for message in context.iter("message")
        if message.find("translation") is None
        or message.find("translation").get("type") == "unfinished"  # type: ignore[union-attr]
        or (
            not (message.findtext("translation") or "").strip()
            and message.find("translation/numerusform") is None
        )  # type: ignore[union-attr]
    ]
    assert untranslated == [], "run ./scripts/update-translations and translate these"

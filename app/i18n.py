"""The interface language: Qt translators built from resources/translations, and the Qt locale.

Source strings are English (inside ``tr()``); Russian is the default language and comes
from ``dispatch_desk_ru.qm``, built from the committed ``.ts`` (``resources/translations``) by
`build_translations()` (``python -m app.i18n``) into ``app/translations``. The compiled
catalogs are package data: a wheel, an installed package and the PyInstaller bundle carry
them next to this module, so an installed desk speaks Russian without a checkout. Switching
the language at run time re-installs the translators; Qt then sends every widget a
LanguageChange event.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

logger = logging.getLogger(__name__)

# The .ts sources live in the checkout; the .qm files they compile to are package data.
TRANSLATIONS_DIR = Path(__file__).resolve().parents[1] / "resources" / "translations"
QM_DIR = Path(__file__).resolve().with_name("translations")
CATALOG = "dispatch_desk"
DEFAULT_LANGUAGE = "ru"
LOCALES = {
    "ru": (QLocale.Language.Russian, QLocale.Country.Russia),
    "en": (QLocale.Language.English, QLocale.Country.UnitedStates),
}

# Translators installed by the last install_translator() call, removed by the next one.
_installed: list[QTranslator] = []


def qm_path(language: str, directory: Path = QM_DIR) -> Path:
    """The compiled catalog of ``language``."""
    return directory / f"{CATALOG}_{language}.qm"


def ts_path(language: str, directory: Path = TRANSLATIONS_DIR) -> Path:
    """The translation source of ``language``."""
    return directory / f"{CATALOG}_{language}.ts"


def _lrelease_command() -> list[str]:
    """How to run PySide6's bundled lrelease from this interpreter's environment."""
    exe_dir = Path(sys.executable).parent
    for name in ("pyside6-lrelease", "pyside6-lrelease.exe"):
        candidate = exe_dir / name
        if candidate.exists():
            return [str(candidate)]
    found = shutil.which("pyside6-lrelease")
    if found:
        return [found]
    # The console script may be missing (e.g. a frozen bundle); the module still works.
    return [
        sys.executable,
        "-c",
        "import sys; from PySide6.scripts.pyside_tool import lrelease; "
        "sys.argv[0] = 'lrelease'; sys.exit(lrelease())",
    ]


def build_translations(
    ts_dir: Path = TRANSLATIONS_DIR, out_dir: Path | None = None, *, quiet: bool = True
) -> list[Path]:
    """Compile every ``dispatch_desk_*.ts`` in ``ts_dir`` to ``.qm`` (in ``out_dir``, QM_DIR).

    Raises RuntimeError with lrelease's output when it fails.
    """
    out_dir = out_dir or QM_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    built: list[Path] = []
    for ts in sorted(ts_dir.glob(f"{CATALOG}_*.ts")):
        qm = out_dir / ts.with_suffix(".qm").name
        command = [*_lrelease_command(), *(["-silent"] if quiet else []), str(ts), "-qm", str(qm)]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0 or not qm.exists():
            raise RuntimeError(
                f"lrelease failed for {ts} ({result.returncode}): {result.stderr or result.stdout}"
            )
        built.append(qm)
    return built


def set_default_locale(language: str) -> QLocale:
    """Make ru_RU or en_US the default QLocale (dates dd.MM.yyyy in Russian) and return it."""
    lang, country = LOCALES.get(language, LOCALES[DEFAULT_LANGUAGE])
    locale = QLocale(lang, country)
    QLocale.setDefault(locale)
    return locale


def _load(translator: QTranslator, path: Path) -> bool:
    return path.exists() and translator.load(str(path))


def install_translator(app: QCoreApplication, language: str) -> QTranslator | None:
    """Install the catalog of ``language`` ("ru" or "en") into ``app``; returns it, or None.

    English is the source language: only its plural forms come from a catalog, and without
    that catalog the result is None. A missing
    Russian ``.qm`` is built from the ``.ts`` when lrelease is at hand; otherwise the
    interface stays English and the problem is logged. Qt's own catalog (standard buttons)
    is installed alongside.
    """
    if language not in LOCALES:
        logger.warning("unknown language %r, using %r", language, DEFAULT_LANGUAGE)
        language = DEFAULT_LANGUAGE
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    set_default_locale(language)
    if language == "en":
        # Source strings are English; the catalog only holds plural forms ("%n call(s)").
        english = QTranslator(app)
        if _load(english, qm_path("en")):
            app.installTranslator(english)
            _installed.append(english)
            return english
        return None

    qt_catalog = QTranslator(app)
    qt_dir = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    if _load(qt_catalog, qt_dir / f"qtbase_{language}.qm"):
        app.installTranslator(qt_catalog)
        _installed.append(qt_catalog)

    path = qm_path(language)
    if not path.exists() and ts_path(language).exists():
        try:
            build_translations()
        except (OSError, RuntimeError) as exc:
            logger.error("cannot build the translations: %s", exc)
    translator = QTranslator(app)
    if not _load(translator, path):
        logger.error("no %s translation at %s; the interface stays English", language, path)
        return None
    app.installTranslator(translator)
    _installed.append(translator)
    # Admins (and the package test) read here which catalog an installed desk really uses.
    logger.info("Interface language %s from %s", translator.language() or language, path)
    return translator


def main(argv: list[str] | None = None) -> int:
    """``python -m app.i18n``: build the .qm files (the install step runs it)."""
    del argv
    try:
        for qm in build_translations(quiet=True):
            print(qm)
    except (OSError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

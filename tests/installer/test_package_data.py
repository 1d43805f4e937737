"""An installed desk finds its translations inside the package, not next to a checkout."""

from __future__ import annotations

import tomllib
from pathlib import Path

import app
from app.i18n import QM_DIR, TRANSLATIONS_DIR, build_translations, qm_path

ROOT = Path(__file__).resolve().parents[2]


def test_the_compiled_catalogs_are_package_data_of_app() -> None:
    built = build_translations()
    package = Path(app.__file__).resolve().parent
    assert package / "translations" == QM_DIR
    assert {path.parent for path in built} == {QM_DIR}
    assert qm_path("ru") == QM_DIR / "dispatch_desk_ru.qm" and qm_path("ru").exists()
    # The .ts sources stay in the checkout; only the .qm travel with the package.
    assert not list(QM_DIR.glob("*.ts")) and list(TRANSLATIONS_DIR.glob("*.ts"))
    with (ROOT / "pyproject.toml").open("rb") as file:
        package_data = tomllib.load(file)["tool"]["setuptools"]["package-data"]
    (pattern,) = package_data["app"]
    assert sorted(package.glob(pattern)) == sorted(built)

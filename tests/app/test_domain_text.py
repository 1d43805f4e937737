"""Domain messages reach the operator in Russian: errors from DbWorker jobs, suggestion reasons.

Also keeps the template list lupdate reads (app/domain_strings.py) and the Russian catalog
in step with the templates used in dispatcher/.
"""

from __future__ import annotations

import ast
import datetime as dt
import logging
import runpy
import shutil
import string
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from app.domain_text import translate_domain, translate_error
from app.i18n import install_translator, ts_path
from app.order_entry import OrderEntryViewModel
from app.widgets.order_panel import OrderPanel
from app.worker import DbWorker
from dispatcher import orders
from dispatcher.db import unit_of_work
from dispatcher.errors import DomainText, PermissionDenied, ValidationError
from dispatcher.models import UserRole
from dispatcher.users import Actor, require_role
from tests.app.conftest import desk_identity
from tests.dispatcher.conftest import OPERATOR, World
from tests.dispatcher.conftest import world as world_fixture  # noqa: F401 (registers `world`)

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "domain-strings"
GENERATED = ROOT / "app" / "domain_strings.py"


@pytest.fixture
def db_url(sqlite_template: Path, tmp_path: Path) -> str:
    """SQLite only: translation does not depend on the backend."""
    path = tmp_path / "app.sqlite3"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def russian(qapp: QApplication) -> Iterator[QApplication]:
    """The Russian catalog installed; English again afterwards, for the other tests."""
    assert install_translator(qapp, "ru") is not None
    yield qapp
    install_translator(qapp, "en")


@pytest.fixture
def worker(sessions: sessionmaker[Session], qtbot: QtBot) -> Iterator[DbWorker]:
    """A DbWorker over the test database."""
    w = DbWorker(sessions)
    yield w
    w.wait_idle()


def _run_for_error(qtbot: QtBot, worker: DbWorker, job: Any) -> str:
    got: list[str] = []
    worker.submit(job, lambda _: got.append("<done>"), got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    return got[0]


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


# --- in the workspace ---------------------------------------------------------------------


def test_a_domain_error_of_a_db_job_arrives_in_russian(
    russian: QApplication,
    worker: DbWorker,
    qtbot: QtBot,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="app.worker"):
        message = _run_for_error(qtbot, worker, lambda s: orders.get_order(s, 987_654))
    assert message == "Заказа №987654 не существует."
    assert "Order #987654 does not exist." in caplog.text  # the log stays English


def test_a_refused_transition_translates_the_state_inside_it(
    russian: QApplication,
    worker: DbWorker,
    sessions: sessionmaker[Session],
    world: World,
    qtbot: QtBot,
) -> None:
    with unit_of_work(sessions) as s:
        order_id = orders.create_order(
            s, world.person_id, [orders.LineInput("W19", 1)], actor=OPERATOR
        ).id
    message = _run_for_error(qtbot, worker, lambda s: orders.close(s, order_id, actor=OPERATOR))
    assert message == f"Заказ №{order_id} пока интерес: его нельзя закрыть."


def test_a_role_refusal_translates_the_action_and_the_role_inside_it(
    russian: QApplication,
) -> None:
    operator = Actor("ivanova", "Иванова Мария", UserRole.OPERATOR)
    with pytest.raises(PermissionDenied) as caught:
        require_role(operator, UserRole.LEAD, action="list users")
    assert translate_error(caught.value) == (
        "Вам нельзя смотреть список пользователей: это может только старший смены "
        "или администратор. Вы вошли как оператор."
    )


def test_a_date_inside_a_message_is_formatted_by_the_translation(russian: QApplication) -> None:
    error = ValidationError.of(
        "Delivery date {date:%d.%m.%Y} is in the past.", date=dt.date(2025, 12, 4)
    )
    assert translate_error(error) == "Дата доставки 04.12.2025 уже прошла."


def test_the_suggestion_reason_shows_in_russian_in_the_order_panel(
    russian: QApplication, worker: DbWorker, world: World, qtbot: QtBot
) -> None:
    vm = OrderEntryViewModel(worker, identity=desk_identity())
    panel = OrderPanel(vm)
    qtbot.addWidget(panel)
    panel.show()
    vm.load_client(world.person_id)
    qtbot.waitUntil(lambda: not vm.busy and bool(panel.suggestion_label.text()), timeout=5000)
    assert vm.date is not None
    # Nobody delivers that day yet: the least busy courier is proposed.
    expected = f"меньше всех доставок на {vm.date:%d.%m} (0)"
    assert panel.suggestion_label.text().startswith("Предложено: ")
    assert panel.suggestion_label.text().endswith(expected)


class _WrongPlaceholder(QTranslator):
    """A catalog whose translation names a value the template does not have."""

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        if context == "dispatcher" and source == "Order #{order_id} does not exist.":
            return "Заказа №{number} не существует."
        return ""


@pytest.mark.expect_log("app.domain_text", "does not fit its values")
def test_a_translation_with_a_wrong_placeholder_falls_back_to_english(
    qapp: QApplication, caplog: pytest.LogCaptureFixture
) -> None:
    translator = _WrongPlaceholder()
    qapp.installTranslator(translator)
    try:
        text = translate_domain("Order #{order_id} does not exist.", {"order_id": 5})
    finally:
        qapp.removeTranslator(translator)
    assert text == "Order #5 does not exist."
    assert "does not fit" in caplog.text


@pytest.mark.expect_log("app.domain_text", "does not fit")
def test_a_broken_template_never_raises(qapp: QApplication) -> None:
    assert translate_domain("Order #{order_id} is {state}.", {}) == "Order #{order_id} is {state}."
    nested = {"problem": DomainText("Not a phone number: {oops}")}
    assert translate_domain("Phone: {problem}", nested) == "Phone: Not a phone number: {oops}"


def test_without_a_catalog_the_english_text_is_shown(qapp: QApplication) -> None:
    error = ValidationError.of("Quantity of {code!r} must be at least 1.", code="W19")
    assert translate_error(error) == str(error) == "Quantity of 'W19' must be at least 1."


# --- the template list and the catalog ----------------------------------------------------


def _script() -> dict[str, Any]:
    return runpy.run_path(str(SCRIPT))


def _listed() -> set[str]:
    """The templates app/domain_strings.py hands to lupdate."""
    tree = ast.parse(GENERATED.read_text(encoding="utf-8"))
    return {
        node.args[1].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "QT_TRANSLATE_NOOP"
        and isinstance(node.args[1], ast.Constant)
    }


def test_every_template_of_dispatcher_is_listed_for_lupdate() -> None:
    templates, problems = _script()["collect"]()
    assert not problems
    assert len(templates) > 50, "the scan found the raise sites"
    missing = sorted(set(templates) - _listed())
    assert not missing, f"run scripts/domain-strings, then ./scripts/update-translations: {missing}"
    stale = sorted(_listed() - set(templates))
    assert not stale, f"run scripts/domain-strings: no longer used: {stale}"


def test_the_scan_sees_the_message_of_a_known_raise_site() -> None:
    templates, _ = _script()["collect"]()
    assert "Time window {text!r} is not in the form HH:MM-HH:MM, e.g. 10:00-14:00." in templates
    assert "has the fewest deliveries on {day:%d.%m} ({n})" in templates
    assert "Not a phone number: too few digits" in templates  # marked with translatable()
    assert "add users" in templates  # the action= of require_role()


def test_the_scan_refuses_an_f_string_template(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(
        'x = 1\nraise ValidationError.of(f"Order #{x} is gone.")\n', encoding="utf-8"
    )
    _, problems = _script()["collect"](tmp_path)
    assert problems and "f-string" in problems[0]


def test_every_template_has_a_russian_translation_with_the_same_values() -> None:
    root = ET.parse(ts_path("ru")).getroot()
    translations = {
        message.findtext("source"): message.find("translation")
        for context in root.iter("context")
        if context.findtext("name") == "dispatcher"
        for message in context.iter("message")
    }
    for template in _listed():
        node = translations.get(template)
        assert node is not None, f"not in the .ts (run ./scripts/update-translations): {template}"
        assert node.get("type") is None and node.text, f"not translated: {template}"
        assert _fields(node.text) <= _fields(template), f"placeholders differ: {template}"

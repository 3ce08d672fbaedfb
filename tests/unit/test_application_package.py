"""The window-applications package keeps to its layer: its services reach records only through the
unit of work, so none of its modules imports SQLAlchemy; and the rules it shares sit in the domain."""

from __future__ import annotations

import ast
from pathlib import Path

from gateway.domain.applications import AppAction, AppStatus, rectification_allowed, window_allowed
from gateway.services import applications

PACKAGE = Path(applications.__file__).resolve().parent


def imported(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append(node.module or "")
    return names


def test_no_module_of_the_package_imports_sqlalchemy():
    modules = sorted(PACKAGE.glob("*.py"))
    assert len(modules) > 5
    for path in modules:
        assert not [n for n in imported(path) if n.split(".")[0] == "sqlalchemy"], path.name


def test_the_package_still_offers_what_its_callers_import():
    assert {"ApplicationService", "EvaluationService", "ApplicationFilter", "receipt_no"} <= set(
        applications.__all__
    )


def test_the_window_sees_only_its_own_actions():
    assert window_allowed(AppStatus.ACCEPTED) == [AppAction.SUPPLEMENT]
    assert window_allowed(AppStatus.GRANTED) == [AppAction.PREPARE, AppAction.POST]
    assert window_allowed(AppStatus.READY) == [AppAction.PICKUP, AppAction.POST]
    assert window_allowed(AppStatus.DELIVERED) == []


def test_a_rectification_closes_only_after_a_callback():
    assert rectification_allowed("open") == ["callback"]
    assert rectification_allowed("called_back") == ["callback", "close"]
    assert rectification_allowed("closed") == []
    rectification_allowed("open").append("close")  # a copy each time: the rule cannot be changed
    assert rectification_allowed("open") == ["callback"]

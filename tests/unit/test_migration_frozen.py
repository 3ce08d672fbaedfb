"""Migrations are frozen: they import nothing from the services (nor the domain), and 0006's frozen copy
of the catalog's search derivations still gives what the current code gives for the data it handles."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path
from types import ModuleType

from hypothesis import given
from hypothesis import strategies as st

from gateway.domain import catalog
from gateway.services.catalog import text as catalog_text

VERSIONS = Path(__file__).resolve().parents[2] / "gateway" / "persistence" / "migrations" / "versions"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _migration(stem: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_migration_{stem}", VERSIONS / f"{stem}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_migration_imports_services_or_domain() -> None:
    offending = {
        path.name: sorted(n for n in _imports(path) if n.startswith(("gateway.services", "gateway.domain")))
        for path in sorted(VERSIONS.glob("*.py"))
    }
    assert {name: found for name, found in offending.items() if found} == {}


FROZEN = _migration("0006_catalog_search")

# Names and keywords as the catalog holds them: Chinese, letters, digits, punctuation, mixed case.
_TEXT = st.text(
    alphabet=st.sampled_from(list("继承公证婚姻登记不动产户籍社保医保ABCxyz0129 -_·、（）()\u3400\u9fff")),
    max_size=24,
)
_ITEM = st.fixed_dictionaries(
    {"name": _TEXT, "keywords": st.lists(_TEXT, max_size=4), "item_code": _TEXT},
)


@given(_ITEM, _TEXT, _TEXT)
def test_0006_frozen_derivations_match_the_current_code(
    item: dict[str, object], full: str, initials: str
) -> None:
    frozen = _migration("0006_catalog_search")
    assert frozen.index_terms(item) == catalog_text.index_terms(item)
    assert frozen.search_text(item, full, initials) == catalog_text.search_text(item, full, initials)
    assert frozen.bigrams([item["name"]]) == catalog.bigrams([item["name"]])


def test_0006_frozen_derivations_on_catalog_names() -> None:
    frozen = _migration("0006_catalog_search")
    item = {
        "name": "继承公证（涉外）",
        "keywords": ["遗产", "Gong Zheng", "公证"],
        "item_code": "350104-SFJ-XK-00012",
    }
    assert frozen.index_terms(item) == catalog_text.index_terms(item)
    assert frozen.search_text(item, "jichenggongzheng", "jcgz") == catalog_text.search_text(
        item, "jichenggongzheng", "jcgz"
    )

"""An outbox status or an event type is spelled once, in gateway/domain; everything else imports it."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from adapters.base import port
from adapters.hotline import wire
from gateway.domain.errors import WireError
from gateway.domain.inbound import InboundEvent, InboundKind
from gateway.domain.messages import EVENT_TYPES
from gateway.domain.outbox import OutboxStatus

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "gateway" / "domain"
# A migration keeps its own literals: it must not change when the model does.
MIGRATIONS = ROOT / "gateway" / "persistence" / "migrations"


def _sources(*folders: str) -> Iterator[Path]:
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if not path.is_relative_to(DOMAIN) and not path.is_relative_to(MIGRATIONS):
                yield path


def _literals(paths: Iterable[Path], words: set[str]) -> list[str]:
    found = []
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Constant) and node.value in words:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    return found


def test_the_domain_holds_the_outbox_states() -> None:
    assert {status.value for status in OutboxStatus} == {
        "pending",
        "sending",
        "sent",
        "dead",
        "discarded",
        "held",
    }
    assert _literals([DOMAIN / "outbox.py"], {"pending", "held"})  # the check sees a literal


@pytest.mark.parametrize(
    ("what", "words", "folders"),
    [
        ("outbox status", {status.value for status in OutboxStatus}, ("gateway", "schemas")),
        ("event type", set(EVENT_TYPES), ("gateway", "schemas", "adapters")),
    ],
)
def test_no_literal_outside_the_domain(what: str, words: set[str], folders: tuple[str, ...]) -> None:
    found = _literals(_sources(*folders), words)
    assert not found, f"{what} written as a literal; import it from gateway.domain:\n" + "\n".join(found)


def test_one_inbound_event_and_one_unmappable_payload() -> None:
    assert (port.InboundEvent, port.WireError) == (InboundEvent, WireError)
    assert not hasattr(wire, "PayloadError")  # the 12345 mapping raises WireError both ways
    assert {kind.value for kind in InboundKind} == {"inquiry", "callback", "task_status"}


def test_one_clock() -> None:
    # The gateway's own clock (UTC); a simulator keeps the clock of the system it plays.
    spelled = [
        f"{path.relative_to(ROOT)}"
        for path in _sources("gateway", "schemas")
        if "Callable[[], datetime]" in path.read_text(encoding="utf-8")
    ]
    assert not spelled, "a clock is gateway.domain.clock.Clock: " + ", ".join(spelled)

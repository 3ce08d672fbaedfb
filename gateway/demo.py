"""Demo data: a few inquiries in several states, made through the services so their history is real."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from gateway.bootstrap import Services
from gateway.domain.access import Actor
from gateway.domain.lifecycle import Action

ADMIN = Actor(name="演示管理员", role="admin")


def _demo_inquiries() -> list[tuple[dict[str, Any], list[tuple[Action, dict[str, Any]]]]]:
    """(intake payload, actions to apply after intake) of each demo inquiry, as demo.yaml lists them."""
    entries = yaml.safe_load((Path(__file__).parent / "demo.yaml").read_text(encoding="utf-8"))
    return [
        (entry["payload"], [(Action(step["action"]), step.get("data", {})) for step in entry["actions"]])
        for entry in entries
    ]


DEMO = _demo_inquiries()


def load_demo(services: Services) -> int:
    """Create the demo inquiries that are not there yet; returns how many were new."""
    created_count = 0
    for payload, actions in DEMO:
        # Each arrives as it would in production: through its channel system, which alone gives its ids.
        arrived = Actor(name="演示接口", role=f"system:{payload['channel']}")
        view, created = services.inquiries.intake(payload, arrived)
        if not created:
            continue
        created_count += 1
        for action, data in actions:
            services.inquiries.act(view.id, action, data, ADMIN)
    return created_count


# Console accounts for the demo, one per role. DEMO ONLY: they share one published password.
DEMO_ACCOUNTS: list[tuple[str, str, str, str | None]] = [
    ("op01", "话务员张丽", "operator", None),
    ("win01", "窗口人员李明", "window", "XZFW"),
    ("dept01", "司法局经办人王芳", "department", "SFJ"),
    ("sup01", "督办员陈刚", "supervisor", None),
    ("admin", "系统管理员", "admin", None),
]


def create_demo_accounts(staff: Any, password: str) -> list[tuple[str, str, str, bool]]:
    """Create the demo accounts not there yet: [(username, display name, role, created)]."""
    from gateway.domain.errors import InvalidInput

    existing = {info.username for info in staff.all()}
    out = []
    for username, display_name, role, department in DEMO_ACCOUNTS:
        if username in existing:
            out.append((username, display_name, role, False))
            continue
        try:
            staff.create(username, password, display_name, role, department)
        except InvalidInput:  # made meanwhile by another process
            out.append((username, display_name, role, False))
            continue
        out.append((username, display_name, role, True))
    return out

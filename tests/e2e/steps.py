"""Steps the end-to-end tests share: what people do to the gateway over its HTTP API."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import requests

API = "/api/v1/inquiries"


def department_acts(
    world: Any, department: str, inquiry_id: int, steps: Iterable[tuple[str, dict[str, Any]]]
) -> None:
    """The department's staff take the inquiry's actions, in order, over the API."""
    key = world.services.keys.create(f"{department}经办人", "department", department)[1]
    for action, body in steps:
        response = requests.post(
            f"{world.gateway.url}{API}/{inquiry_id}/{action}",
            json=body,
            headers={"Authorization": f"Bearer {key}"},
            timeout=10,
        )
        assert response.status_code == 200, response.text

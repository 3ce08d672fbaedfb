"""Outbound plumbing shared by the clients: POST JSON under an Idempotency-Key, read the system's answer.

What an answer looks like, which answers mean "done" and which refusals are worth another try stay with
each system (its wire module reads the answer, its client says how to judge it); only the sequence is
shared here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import requests

from adapters.base.http import HttpClient, bad_answer, explained
from gateway.domain.errors import UpstreamError

A = TypeVar("A")


@dataclass(frozen=True)
class AnswerRules(Generic[A]):
    """How one system's answer body is read and judged."""

    read: Callable[[str | None], A | None]  # the parsed answer, or None when not in the system's shape
    accepted: Callable[[A], bool]  # a 2xx answer that really means "taken"
    explain: Callable[[A], str]  # an answer in words, added to the reason of an HTTP error
    refusal: Callable[[A], str]  # a 2xx answer that refuses, in words
    retryable: Callable[[A], bool]  # whether a 2xx refusal is worth another try
    unreadable: str  # what to say when a 2xx answer is not in the system's shape


def post_json(
    http: HttpClient,
    path: str,
    operation: str,
    body: dict[str, Any],
    key: str,
    rules: AnswerRules[A],
    system: str | None = None,
) -> requests.Response:
    """POST `body` under `Idempotency-Key: key`; return the accepted response or raise UpstreamError.

    An HTTP error keeps its retryability, with the system's own answer added to the reason when it has
    one; a 2xx answer the rules do not accept is raised as a refusal under `system` (default http.system).
    """
    try:
        response = http.request(
            "POST", path, operation=operation, json=body, headers={"Idempotency-Key": key}
        )
    except UpstreamError as err:
        answer = rules.read(err.body)
        if answer is None:
            raise
        raise explained(err, rules.explain(answer)) from None
    answer = rules.read(response.text)
    if answer is None or not rules.accepted(answer):
        detail = rules.unreadable if answer is None else rules.refusal(answer)
        raise bad_answer(
            system or http.system,
            response,
            f"{operation} answered HTTP {response.status_code}: {detail}",
            retryable=answer is not None and rules.retryable(answer),
        )
    return response

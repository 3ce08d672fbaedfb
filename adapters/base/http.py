"""One HTTP policy for every adapter: pooled sessions, timeouts, errors translated in one place."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from gateway.domain.errors import UpstreamError, UpstreamTimeout

log = logging.getLogger("gateway.upstream")

# (connect, read) seconds. A read timeout does not mean the receiver lacks the message.
DEFAULT_TIMEOUT = (3.05, 10.0)
RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


def make_session(pool_size: int = 16) -> requests.Session:
    """A session with connection pooling and no hidden retries (retries belong to the outbox)."""
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = "district-gateway/0.1"
    return session


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def bad_answer(system: str, response: requests.Response, reason: str, *, retryable: bool) -> UpstreamError:
    """A response the system's protocol does not accept as done, keeping its status and (cut) body."""
    return UpstreamError(
        system, reason, retryable=retryable, status=response.status_code, body=response.text[:2000]
    )


def json_answer(text: str | None) -> dict[str, Any] | None:
    """A system's answer body as a JSON object; None when it is not JSON or not an object."""
    try:
        data = json.loads(text or "")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def explained(err: UpstreamError, detail: str) -> UpstreamError:
    """The same failure with the system's own words about it added to the reason."""
    return UpstreamError(
        err.system,
        f"{err.reason}: {detail}",
        retryable=err.retryable,
        status=err.status,
        retry_after=err.retry_after,
        body=err.body,
    )


class HttpClient:
    """Sends JSON to one external system and raises only the gateway's UpstreamError family."""

    def __init__(
        self,
        system: str,
        base_url: str,
        session: requests.Session,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    ) -> None:
        self.system = system
        self.base_url = base_url.rstrip("/")
        self.session = session
        self.timeout = timeout

    def request(
        self,
        method: str,
        path: str,
        *,
        operation: str,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """Send; return a 2xx response or raise UpstreamError (retryable or not)."""
        url = f"{self.base_url}{path}"
        started = time.perf_counter()
        try:
            response = self.session.request(
                method, url, json=json, params=params, headers=dict(headers or {}), timeout=self.timeout
            )
        except requests.Timeout:
            self._log(operation, "timeout", started)
            raise UpstreamTimeout(self.system) from None
        except requests.ConnectionError as err:
            self._log(operation, "unreachable", started)
            raise UpstreamError(
                self.system, f"connection failed ({type(err).__name__})", retryable=True
            ) from None
        except requests.RequestException as err:
            self._log(operation, "error", started)
            raise UpstreamError(
                self.system, f"request failed ({type(err).__name__})", retryable=False
            ) from None
        self._log(operation, str(response.status_code), started)
        if 200 <= response.status_code < 300:
            return response
        body = response.text[:2000]
        raise UpstreamError(
            self.system,
            f"{operation} answered HTTP {response.status_code}",
            retryable=response.status_code in RETRYABLE_STATUS,
            status=response.status_code,
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
            body=body,
        )

    def _log(self, operation: str, outcome: str, started: float) -> None:
        # System, operation, outcome and duration only: payloads may carry personal data.
        log.info(
            "upstream system=%s op=%s status=%s ms=%.1f",
            self.system,
            operation,
            outcome,
            (time.perf_counter() - started) * 1000,
        )

"""Retry timing and per-system circuit breakers: plain rules, no I/O."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from gateway.config import DeliveryPolicy


def backoff(policy: DeliveryPolicy, attempt: int, retry_after: float | None, rng: random.Random) -> timedelta:
    """Exponential backoff with equal jitter; a longer Retry-After from the receiver wins."""
    ceiling = min(policy.backoff_cap_seconds, policy.backoff_base_seconds * 2 ** max(attempt - 1, 0))
    delay = ceiling / 2 + rng.uniform(0, ceiling / 2)
    if retry_after is not None:
        delay = max(delay, min(retry_after, policy.backoff_cap_seconds))
    return timedelta(seconds=delay)


@dataclass
class Breaker:
    """One system's circuit: closed, open until a time, or half-open (one probe allowed)."""

    failures: int = 0
    open_until: datetime | None = None
    half_open: bool = False


@dataclass
class Breakers:
    """Circuit breakers for every system, kept by each worker in memory."""

    policy: DeliveryPolicy
    states: dict[str, Breaker] = field(default_factory=dict)

    def _get(self, system: str) -> Breaker:
        return self.states.setdefault(system, Breaker())

    def blocked(self, now: datetime) -> set[str]:
        """Systems not to send to now (open circuits); moves expired ones to half-open."""
        blocked = set()
        for system, state in self.states.items():
            if state.open_until is None:
                continue
            if now < state.open_until:
                blocked.add(system)
            else:
                state.open_until = None
                state.half_open = True
        return blocked

    def probing(self) -> set[str]:
        """Systems in half-open state: send them one message to test the water."""
        return {s for s, state in self.states.items() if state.half_open}

    def allows(self, system: str, now: datetime) -> bool:
        """False while the system's circuit is open."""
        state = self._get(system)
        return state.open_until is None or now >= state.open_until

    def success(self, system: str) -> None:
        """The system answered: close its circuit."""
        self.states[system] = Breaker()

    def failure(self, system: str, now: datetime) -> bool:
        """The system failed in a way that says it is down; returns True if the circuit (re)opened."""
        state = self._get(system)
        state.failures += 1
        if state.half_open or state.failures >= self.policy.breaker_failures:
            state.open_until = now + timedelta(seconds=self.policy.breaker_cooldown_seconds)
            state.half_open = False
            return True
        return False

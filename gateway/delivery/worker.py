"""Sends the outbox: claims due messages, delivers them in parallel, and records each outcome.

A claim is a lease taken in one statement (row locks with SKIP LOCKED on PostgreSQL, so several workers on
several hosts claim disjoint rows; one claim at a time on SQLite): see
gateway.persistence.repositories.outbox. A worker that dies mid-send leaves rows in ``sending`` whose lease
runs out, and any worker takes them up again; only the oldest unfinished message of each ordering key is
claimable, so one inquiry's messages to one receiver arrive in order.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import random
import socket
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Update

from gateway.config import DeliveryPolicy
from gateway.delivery.outcomes import BatchReport, Claimed, Outcome
from gateway.delivery.policy import Breakers, backoff
from gateway.domain.clock import Clock
from gateway.domain.errors import UpstreamError
from gateway.domain.outbox import OutboxStatus
from gateway.domain.ports import Outbound
from gateway.persistence.repositories.outbox import claim_statement
from gateway.services.ports import Transactions

log = logging.getLogger("gateway.delivery")

__all__ = ["BatchReport", "Claimed", "DeliveryWorker", "Outcome"]


class DeliveryWorker:
    """One worker process or thread; run several on PostgreSQL."""

    def __init__(
        self,
        db: Transactions,
        outbound: Mapping[str, Outbound],
        policy: DeliveryPolicy,
        clock: Clock,
        worker_id: str | None = None,
        rng: random.Random | None = None,
        hydrators: Mapping[str, Callable[[dict[str, Any]], dict[str, Any]]] | None = None,
    ) -> None:
        self.db = db
        self.outbound = outbound
        self.policy = policy
        self.clock = clock
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not security
        self.breakers = Breakers(policy)
        # Some messages are queued as references (e.g. catalog item codes) and filled in just before sending.
        self.hydrators = dict(hydrators or {})
        self._breaker_lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=policy.concurrency, thread_name_prefix="deliver")

    def close(self) -> None:
        """Stop the send threads."""
        self._pool.shutdown(wait=True)

    # ---- one pass -------------------------------------------------------------------------------

    def run_once(self) -> BatchReport:
        """Claim one batch, send it, record the outcomes."""
        now = self.clock()
        blocked = self.breakers.blocked(now)
        claimed = self._claim(now, exclude=blocked | self.breakers.probing(), limit=self.policy.batch_size)
        for system in self.breakers.probing() - blocked:
            claimed += self._claim(now, only=system, limit=1)
        report = BatchReport(claimed=len(claimed))
        if not claimed:
            return report
        outcomes = list(self._pool.map(self._send, claimed))
        self._record(outcomes, report)
        return report

    def drain(self, max_passes: int = 10_000) -> BatchReport:
        """Run passes until nothing is due (for tests, the bench and `deliver --once`)."""
        total = BatchReport()
        for _ in range(max_passes):
            report = self.run_once()
            if report.claimed == 0:
                break
            total.add(report)
        return total

    def run_forever(self, stop: threading.Event) -> None:
        """Deliver until stop is set; an error in one pass is logged and the loop goes on."""
        log.info("delivery worker %s started", self.worker_id)
        while not stop.is_set():
            try:
                report = self.run_once()
            except Exception:  # noqa: BLE001 - one bad pass must not stop delivery
                log.exception("delivery pass failed")
                report = BatchReport()
            if report.claimed < self.policy.batch_size:
                stop.wait(self.policy.poll_interval_seconds)
        log.info("delivery worker %s stopped", self.worker_id)

    # ---- claiming -------------------------------------------------------------------------------

    def _claim(
        self, now: datetime, *, limit: int, exclude: set[str] | None = None, only: str | None = None
    ) -> list[Claimed]:
        with self.db.writing() as uow:
            messages = uow.outbox.claim(
                now, lease_until=self._lease(now), limit=limit, exclude=exclude or (), only=only
            )
        return [Claimed(message, attempts=message.attempt) for message in messages]

    def claim_statement(
        self, now: datetime, *, limit: int, exclude: set[str] | None = None, only: str | None = None
    ) -> Update:
        """The claim: up to `limit` due messages whose key no earlier open or dead message holds back,
        leased to this worker, in one UPDATE ... RETURNING (see the outbox repository)."""
        return claim_statement(
            now, lease_until=self._lease(now), limit=limit, exclude=exclude or (), only=only
        )

    def _lease(self, now: datetime) -> datetime:
        return now + timedelta(seconds=self.policy.lease_seconds)

    # ---- sending --------------------------------------------------------------------------------

    def _send(self, claimed: Claimed) -> Outcome:
        message = claimed.message
        outcome = Outcome(id=message.id, attempts=claimed.attempts, target=message.target)
        with self._breaker_lock:
            allowed = self.breakers.allows(message.target, self.clock())
        if not allowed:
            outcome.released = True
            return outcome
        adapter = self.outbound.get(message.target)
        try:
            if adapter is None:
                raise UpstreamError(message.target, "no adapter configured for this system", retryable=False)
            hydrate = self.hydrators.get(message.event_type)
            if hydrate is not None:
                message = dataclasses.replace(message, payload=hydrate(message.payload))
            adapter.send(message)
            outcome.sent = True
        except UpstreamError as err:
            outcome.error = err
        except Exception as err:  # noqa: BLE001 - an adapter bug must not lose the message
            log.exception("adapter %s failed on message %s", message.target, message.id)
            outcome.error = UpstreamError(
                message.target, f"adapter error: {type(err).__name__}", retryable=True
            )
        with self._breaker_lock:
            if outcome.error is not None and outcome.error.retryable:
                if self.breakers.failure(message.target, self.clock()):
                    log.warning("circuit for %s opened after repeated failures", message.target)
            else:
                # It answered (even a refusal of this one message means it is up).
                self.breakers.success(message.target)
        return outcome

    # ---- recording ------------------------------------------------------------------------------

    def _record(self, outcomes: list[Outcome], report: BatchReport) -> None:
        now = self.clock()
        with self.db.writing() as uow:
            for outcome in outcomes:
                uow.outbox.settle(outcome.id, outcome.attempts, self._result_values(outcome, now, report))

    def _result_values(self, outcome: Outcome, now: datetime, report: BatchReport) -> dict[str, object]:
        if outcome.released:
            report.released += 1
            until = self.breakers.states[outcome.target].open_until or now
            return {
                "status": OutboxStatus.PENDING,
                "lease_until": None,
                "attempts": outcome.attempts - 1,
                "next_attempt_at": until,
            }
        if outcome.sent:
            report.sent += 1
            return {"status": OutboxStatus.SENT, "lease_until": None, "sent_at": now, "last_error": None}
        error = outcome.error
        assert error is not None
        text = _describe(error)
        report.errors.append(f"{outcome.id}: {text}")
        if not error.retryable or outcome.attempts >= self.policy.max_attempts:
            report.dead += 1
            log.warning(
                "message %s to %s dead after %s attempts", outcome.id, outcome.target, outcome.attempts
            )
            return {"status": OutboxStatus.DEAD, "lease_until": None, "last_error": text}
        report.retried += 1
        delay = backoff(self.policy, outcome.attempts, error.retry_after, self.rng)
        return {
            "status": OutboxStatus.PENDING,
            "lease_until": None,
            "last_error": text,
            "next_attempt_at": now + delay,
        }


def _describe(error: UpstreamError) -> str:
    """The error as kept on the row: reason, status and the receiver's answer (never our payload)."""
    parts = [error.reason]
    if error.status is not None:
        parts.append(f"HTTP {error.status}")
    if error.body:
        parts.append(f"response: {error.body[:1000]}")
    return "; ".join(parts)

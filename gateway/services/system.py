"""The process's own upkeep as use cases: readiness, and the record of scheduled job runs."""

from __future__ import annotations

import os
import socket
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from gateway.domain.clock import Clock
from gateway.persistence import system as store
from gateway.persistence.db import Database

HOST = f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Readiness:
    """Whether the database answers, and the schema revision it is at against the code's newest."""

    database: str  # "ok" or "error"
    current: str | None = None
    head: str | None = None
    error: str | None = None  # the failure's type name when the database did not answer

    @property
    def ready(self) -> bool:
        """The database answers and its schema is at the newest migration."""
        return self.database == "ok" and self.current == self.head


class SystemService:
    """Readiness of the process, and job runs: one at a time across schedulers, each recorded."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def readiness(self) -> Readiness:
        """Ask the database, and compare its schema revision with the code's newest."""
        try:
            current, head = store.schema_revisions(self.db)
        except Exception as err:  # noqa: BLE001 - any failure means not ready
            return Readiness("error", error=type(err).__name__)
        return Readiness("ok", current, head)

    def job_lock(self, job: str) -> AbstractContextManager[bool]:
        """Yields True if this process may run the job now (it holds the lock until the block ends)."""
        return store.job_lock(self.db, job)

    def job_started(self, job: str) -> int:
        """Record a run of a job as running on this host; the run's id."""
        return store.start_job_run(self.db, job, HOST, self.clock())

    def job_finished(self, run_id: int, outcome: str, detail: dict[str, Any]) -> None:
        """Record how a run ended ("succeeded" or "failed") and what it reported."""
        store.finish_job_run(self.db, run_id, outcome, detail, self.clock())

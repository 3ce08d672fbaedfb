"""The database side of the process's own upkeep: is the schema ready, which job runs where, and how it went.

Several scheduler processes may run against one PostgreSQL database for availability: each job run
first takes a PostgreSQL advisory lock on a dedicated connection, so a job runs at most once at a time
across all of them. On SQLite (one host, the embedded default) a process-local lock suffices.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import text

from gateway.persistence.catalog_models import JobRun
from gateway.persistence.db import Database
from gateway.persistence.migrate import current_revision, head_revision


def schema_revisions(db: Database) -> tuple[str | None, str | None]:
    """(the revision the database is at, the newest in the code); raises when the database does not answer."""
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return current_revision(db.engine), head_revision()


def _lock_key(name: str) -> int:
    # A stable signed 64-bit key per job name (PostgreSQL advisory locks take a bigint).
    return int.from_bytes(hashlib.sha256(f"gateway-job:{name}".encode()).digest()[:8], "big", signed=True)


_local_locks: dict[str, threading.Lock] = {}


@contextmanager
def job_lock(db: Database, name: str) -> Iterator[bool]:
    """Yield True if this process may run the job now (it holds the lock until the block ends)."""
    if db.is_sqlite:
        lock = _local_locks.setdefault(name, threading.Lock())
        acquired = lock.acquire(blocking=False)
        try:
            yield acquired
        finally:
            if acquired:
                lock.release()
        return
    # A dedicated connection: the advisory lock lives as long as the session holding it.
    with db.engine.connect() as connection:
        key = _lock_key(name)
        acquired = bool(connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar())
        connection.commit()
        try:
            yield acquired
        finally:
            if acquired:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                connection.commit()


def start_job_run(db: Database, job: str, host: str, now: datetime) -> int:
    """Record a job run as running; its id."""
    with db.unit_of_work() as session:
        run = JobRun(job=job, host=host, started_at=now, outcome="running", detail={})
        session.add(run)
        session.flush()
        return run.id


def finish_job_run(db: Database, run_id: int, outcome: str, detail: dict[str, Any], now: datetime) -> None:
    """Record how a job run ended."""
    with db.unit_of_work() as session:
        run = session.get(JobRun, run_id)
        if run is not None:
            run.outcome, run.detail, run.finished_at = outcome, detail, now

"""The scheduler process (`flask --app wsgi scheduler`): runs the jobs declared in config.yaml.

It runs in a process of its own, never inside web workers (APScheduler 3's FAQ: job stores cannot be
shared between schedulers). Several scheduler processes may run against one database: each run takes
the job's lock first (SystemService.job_lock), so a job runs at most once at a time across all of them,
and each run is recorded (job_runs).
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from apscheduler.schedulers.blocking import BlockingScheduler

from gateway.domain.access import Actor
from gateway.services.container import Services

log = logging.getLogger("gateway.jobs")

JobFunc = Callable[[Services], object]
SCHEDULER = Actor(name="督办任务", role="system:scheduler")


@dataclass(frozen=True)
class JobSpec:
    """One declared job."""

    name: str
    every_seconds: float
    func: JobFunc


def run_job(services: Services, spec: JobSpec) -> bool:
    """Run one job under its lock and record the run; log and swallow any error so the scheduler lives on."""
    started = time.perf_counter()
    try:
        with services.system.job_lock(spec.name) as acquired:
            if not acquired:
                log.info("job %s skipped: running elsewhere", spec.name)
                return False
            run_id = services.system.job_started(spec.name)
            try:
                result = spec.func(services)
            except Exception as err:
                services.system.job_finished(
                    run_id, "failed", {"error": f"{type(err).__name__}: {err}"[:2000]}
                )
                raise
            services.system.job_finished(run_id, "succeeded", _detail(result))
    except Exception:  # noqa: BLE001 - a failing job must never kill the scheduler
        log.exception("job %s failed", spec.name)
        return False
    log.info("job %s done in %.0f ms: %s", spec.name, (time.perf_counter() - started) * 1000, result)
    return True


def _detail(result: object) -> dict[str, Any]:
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        return {
            k: v for k, v in dataclasses.asdict(result).items() if isinstance(v, int | str | float | None)
        }
    return {"result": result} if isinstance(result, int | str | float) else {}


def deliver_job(services: Services) -> object:
    """Drain what is due in the outbox."""
    worker = services.delivery_worker("scheduler")
    try:
        return worker.drain(max_passes=100)
    finally:
        worker.close()


def hotline_poll_job(services: Services) -> object:
    """Pick up 12345 work orders that no webhook brought."""
    from gateway.jobs.hotline_poll import poll_hotline

    return poll_hotline(services)


def catalog_sync_job(services: Services) -> object:
    """Incremental sync of the provincial 事项库."""
    return services.catalog_sync().run(full=False)


def deadline_sweep_job(services: Services) -> object:
    """督办 of overdue inquiries (临期/超期 are derived from due_at; only escalation needs a job)."""
    return services.inquiries.sweep_overdue(SCHEDULER)


JOBS: dict[str, JobFunc] = {
    "deliver": deliver_job,
    "hotline_poll": hotline_poll_job,
    "catalog_sync": catalog_sync_job,
    "deadline_sweep": deadline_sweep_job,
}


def build_scheduler(services: Services, specs: list[JobSpec]) -> BlockingScheduler:
    """A blocking scheduler with one interval trigger per job; overlapping runs are coalesced."""
    scheduler = BlockingScheduler(timezone="Asia/Shanghai")
    for spec in specs:
        scheduler.add_job(
            run_job,
            "interval",
            seconds=spec.every_seconds,
            args=(services, spec),
            id=spec.name,
            name=spec.name,
            max_instances=1,
            coalesce=True,
        )
    return scheduler

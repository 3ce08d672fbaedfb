from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from gateway import create_app
from gateway.jobs.scheduler import JobSpec, build_scheduler, run_job
from gateway.persistence.catalog_models import JobRun
from tests.conftest import FakeClock, inquiry_payload, settings_for


def runs(services):
    with services.db.read() as session:
        return session.scalars(select(JobRun).order_by(JobRun.id)).all()


def test_a_failing_job_is_recorded_and_does_not_escape(services):
    def broken(_):
        raise RuntimeError("事项库不可达")

    assert run_job(services, JobSpec("catalog_sync", 1, broken)) is False
    assert run_job(services, JobSpec("deliver", 1, lambda s: 7)) is True
    first, second = runs(services)
    assert (first.job, first.outcome) == ("catalog_sync", "failed") and "事项库不可达" in first.detail[
        "error"
    ]
    assert (second.job, second.outcome, second.detail) == ("deliver", "succeeded", {"result": 7})
    assert first.finished_at is not None and second.finished_at is not None


def test_the_deadline_sweep_escalates_overdue_inquiries_once(services, client, auth, clock):
    client.post("/api/v1/inquiries", json=inquiry_payload(), headers=auth["operator"])  # due Thursday 24:00
    clock.advance(days=4)  # Friday: overdue
    from gateway.jobs.scheduler import deadline_sweep_job

    assert deadline_sweep_job(services) == 1
    assert deadline_sweep_job(services) == 0  # already escalated since the deadline passed
    body = client.get("/api/v1/inquiries/1", headers=auth["supervisor"]).get_json()
    assert body["escalation_count"] == 1 and body["deadline_state"] == "overdue"
    events = client.get("/api/v1/inquiries/1/events", headers=auth["supervisor"]).get_json()
    assert (events[-1]["action"], events[-1]["actor"], events[-1]["note"]) == (
        "escalate",
        "督办任务",
        "超期自动督办",
    )


def test_job_history_api(services, client, auth):
    run_job(services, JobSpec("deliver", 1, lambda s: 3))
    listed = client.get("/api/v1/jobs/runs", headers=auth["supervisor"]).get_json()
    assert [(r["job"], r["outcome"]) for r in listed] == [("deliver", "succeeded")]
    assert client.get("/api/v1/jobs/runs", headers=auth["operator"]).status_code == 403


def test_scheduler_declares_one_job_per_config_entry(services):
    specs = [JobSpec("deliver", 2, lambda s: 0), JobSpec("hotline_poll", 60, lambda s: 0)]
    scheduler = build_scheduler(services, specs)
    assert sorted(job.id for job in scheduler.get_jobs()) == ["deliver", "hotline_poll"]
    assert all(job.max_instances == 1 and job.coalesce for job in scheduler.get_jobs())


@pytest.mark.postgres
def test_a_job_runs_once_at_a_time_across_instances_on_postgres(pg):
    apps = [create_app(settings_for(pg.url), clock=FakeClock(), TESTING=True) for _ in range(2)]
    started = threading.Event()
    release = threading.Event()
    outcomes: list[bool] = []

    def slow(_):
        started.set()
        release.wait(10)
        return 1

    first = threading.Thread(
        target=lambda: outcomes.append(
            run_job(apps[0].extensions["gateway"], JobSpec("catalog_sync", 1, slow))
        )
    )
    first.start()
    assert started.wait(10)
    # a second instance (its own engine, as on another host) finds the advisory lock taken and skips
    assert run_job(apps[1].extensions["gateway"], JobSpec("catalog_sync", 1, lambda s: 2)) is False
    release.set()
    first.join(10)
    assert outcomes == [True]
    time.sleep(0.1)
    assert run_job(apps[1].extensions["gateway"], JobSpec("catalog_sync", 1, lambda s: 2)) is True
    services = apps[0].extensions["gateway"]
    assert [r.outcome for r in runs(services)] == ["succeeded", "succeeded"]
    for app in apps:
        app.extensions["gateway"].close()

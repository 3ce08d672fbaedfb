"""`scheduler` and `jobs run NAME`: the scheduled jobs, all together or one now."""

from __future__ import annotations

import contextlib

import click
from flask import Flask

from gateway.cli.common import services


def register_jobs(app: Flask) -> None:
    """`scheduler` and `jobs run NAME`."""

    @app.cli.command("scheduler")
    def scheduler() -> None:
        """Run the jobs declared in config.yaml (one process; never inside web workers)."""
        from gateway.jobs.scheduler import JOBS, JobSpec, build_scheduler

        found = services()
        specs = [JobSpec(j.name, j.every_seconds, JOBS[j.name]) for j in found.settings.jobs]
        click.echo("scheduler: " + ", ".join(f"{s.name} every {s.every_seconds:g}s" for s in specs))
        with contextlib.suppress(KeyboardInterrupt, SystemExit):
            build_scheduler(found, specs).start()

    @app.cli.group("jobs")
    def jobs() -> None:
        """Scheduled jobs."""

    @jobs.command("run")
    @click.argument("name")
    def jobs_run(name: str) -> None:
        """Run one job now, under its lock."""
        from gateway.jobs.scheduler import JOBS, JobSpec, run_job

        if name not in JOBS:
            raise click.UsageError(f"unknown job {name}; known: {', '.join(JOBS)}")
        ok = run_job(services(), JobSpec(name, 0, JOBS[name]))
        click.echo(f"job {name}: {'done' if ok else 'not run (locked elsewhere or failed; see log)'}")

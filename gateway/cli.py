"""Commands: `flask --app wsgi db|keys|demo|config …`."""

from __future__ import annotations

import contextlib

import click
from flask import Flask, current_app

from gateway.domain.access import ROLES
from gateway.domain.errors import DomainError
from gateway.domain.outbox import OutboxStatus
from gateway.persistence import migrate
from gateway.services.container import Services


def _services() -> Services:
    services: Services = current_app.extensions["gateway"]
    return services


def register(app: Flask) -> None:
    """Attach the command groups to the app."""

    @app.cli.group("db")
    def db() -> None:
        """Database schema."""

    @db.command("upgrade")
    @click.option("--revision", default="head", show_default=True)
    def db_upgrade(revision: str) -> None:
        """Apply migrations."""
        services = _services()
        migrate.upgrade(services.db.engine, revision)
        click.echo(f"database at {migrate.current_revision(services.db.engine)}")

    @app.cli.group("keys")
    def keys() -> None:
        """API keys."""

    @keys.command("create")
    @click.option("--role", required=True, type=click.Choice(ROLES))
    @click.option("--name", required=True, help="who uses the key, e.g. 张三 or 12345平台")
    @click.option("--department", default=None, help="department code (required for role department)")
    def keys_create(role: str, name: str, department: str | None) -> None:
        """Issue a key; it is printed once and stored only as a hash."""
        try:
            info, clear = _services().keys.create(name, role, department)
        except DomainError as err:
            raise click.UsageError(str(err)) from None
        click.echo(f"key {info.id} ({info.role}, {info.name}): {clear}")

    @keys.command("list")
    def keys_list() -> None:
        """Show keys (never their secret)."""
        for info in _services().keys.all():
            state = "revoked" if info.revoked_at else "active"
            dept = f" [{info.department_code}]" if info.department_code else ""
            click.echo(f"{info.id}\t{info.prefix}…\t{info.role}{dept}\t{info.name}\t{state}")

    @keys.command("revoke")
    @click.argument("key_id", type=int)
    def keys_revoke(key_id: int) -> None:
        """Stop a key from working."""
        try:
            info = _services().keys.revoke(key_id)
        except DomainError as err:
            raise click.UsageError(str(err)) from None
        click.echo(f"key {info.id} revoked")

    @app.cli.group("config")
    def config() -> None:
        """Configuration."""

    @config.command("check")
    def config_check() -> None:
        """Load and validate config.yaml (the app factory already did; this reports what it found)."""
        settings = _services().settings
        click.echo(
            f"ok: {len(settings.departments)} departments, {len(settings.routing_rules)} routing rules, "
            f"calendar override years: {sorted(settings.calendar.years) or 'none'}"
        )

    @app.cli.group("demo")
    def demo() -> None:
        """Demo data."""

    @demo.command("load")
    def demo_load() -> None:
        """Load Chinese demo inquiries in several states without simulators (skips those already there)."""
        from gateway.demo import load_demo

        created = load_demo(_services())
        click.echo(f"demo data: {created} new inquiries")


def register_delivery(app: Flask) -> None:
    """`deliver`, `dead-letters …` and `hotline poll`."""

    @app.cli.command("deliver")
    @click.option("--once", is_flag=True, help="drain what is due now and exit")
    @click.option("--worker-id", default=None)
    def deliver(once: bool, worker_id: str | None) -> None:
        """Send the outbox (long-lived; stop with Ctrl-C or SIGTERM)."""
        import signal
        import threading

        worker = _services().delivery_worker(worker_id)
        try:
            if once:
                report = worker.drain()
                click.echo(f"sent {report.sent}, retried {report.retried}, dead {report.dead}")
                return
            stop = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            try:
                worker.run_forever(stop)
            except KeyboardInterrupt:
                stop.set()
        finally:
            worker.close()

    @app.cli.group("dead-letters")
    def dead_letters() -> None:
        """Messages that failed all their attempts."""

    @dead_letters.command("list")
    @click.option("--limit", default=50, show_default=True)
    def dead_list(limit: int) -> None:
        """Show dead letters with attempts and last error."""
        page = _services().outbox.find(status=OutboxStatus.DEAD, target=None, offset=0, limit=limit)
        for m in page.items:
            click.echo(f"{m.id}\t{m.target}\t{m.event_type}\tattempts={m.attempts}\t{m.last_error or ''}")
        click.echo(f"{page.total} dead letter(s)")

    def _act(action: str, message_id: int, reason: str, actor_name: str) -> None:
        from gateway.domain.access import Actor

        actor = Actor(name=actor_name, role="admin")
        try:
            view = getattr(_services().outbox, action)(message_id, reason, actor)
        except DomainError as err:
            raise click.UsageError(str(err)) from None
        click.echo(f"message {view.id}: {view.status}")

    @dead_letters.command("resend")
    @click.argument("message_id", type=int)
    @click.option("--reason", required=True)
    @click.option("--actor", default="命令行管理员", show_default=True)
    def dead_resend(message_id: int, reason: str, actor: str) -> None:
        """Queue a dead letter again (audited)."""
        _act("resend", message_id, reason, actor)

    @dead_letters.command("discard")
    @click.argument("message_id", type=int)
    @click.option("--reason", required=True)
    @click.option("--actor", default="命令行管理员", show_default=True)
    def dead_discard(message_id: int, reason: str, actor: str) -> None:
        """Give up on a dead letter (audited)."""
        _act("discard", message_id, reason, actor)

    @app.cli.group("hotline")
    def hotline() -> None:
        """The 12345 platform."""

    @hotline.command("poll")
    def hotline_poll() -> None:
        """Fetch work orders missed by webhooks, resuming from the stored cursor."""
        from gateway.jobs.hotline_poll import poll_hotline

        result = poll_hotline(_services())
        click.echo(f"{result.received} work order(s); cursor {result.cursor}")


def register_jobs(app: Flask) -> None:
    """`scheduler` and `jobs run NAME`."""

    @app.cli.command("scheduler")
    def scheduler() -> None:
        """Run the jobs declared in config.yaml (one process; never inside web workers)."""
        from gateway.jobs.scheduler import JOBS, JobSpec, build_scheduler

        services = _services()
        specs = [JobSpec(j.name, j.every_seconds, JOBS[j.name]) for j in services.settings.jobs]
        click.echo("scheduler: " + ", ".join(f"{s.name} every {s.every_seconds:g}s" for s in specs))
        with contextlib.suppress(KeyboardInterrupt, SystemExit):
            build_scheduler(services, specs).start()

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
        ok = run_job(_services(), JobSpec(name, 0, JOBS[name]))
        click.echo(f"job {name}: {'done' if ok else 'not run (locked elsewhere or failed; see log)'}")


def register_demo_simulators(app: Flask) -> None:
    """`demo simulators`: the external systems' stand-ins for the demo."""
    demo_group = app.cli.commands["demo"]

    @demo_group.command("simulators")  # type: ignore[attr-defined, untyped-decorator]
    @click.option("--gateway-url", default="http://127.0.0.1:8000", show_default=True)
    @click.option(
        "--traffic/--no-traffic", default=True, help="push a few demo messages once the gateway is up"
    )
    def demo_simulators(gateway_url: str, traffic: bool) -> None:
        """Run every simulator on the port config.yaml gives it, until Ctrl-C."""
        from gateway.demo_simulators import run_forever

        run_forever(_services(), gateway_url.rstrip("/"), traffic)


class _Progress:
    """A progress line on a terminal: records so far, rate, and a bar that sweeps while the total is
    unknown."""

    def __init__(self, label: str) -> None:
        import time

        self.label, self.count, self.started, self._time = label, 0, time.monotonic(), time.monotonic

    def __call__(self, records: int) -> None:
        self.count += records
        elapsed = max(self._time() - self.started, 1e-6)
        filled = (self.count // 500) % 30
        bar = "#" * filled + "-" * (30 - filled)
        click.echo(
            f"\r{self.label} [{bar}] {self.count} 条  {self.count / elapsed:,.0f} 条/秒", nl=False, err=True
        )

    def done(self) -> None:
        click.echo("", err=True)


def register_catalog(app: Flask) -> None:
    """`catalog sync [--full]`."""

    @app.cli.group("catalog")
    def catalog() -> None:
        """The service-item catalog (事项库)."""

    @catalog.command("sync")
    @click.option(
        "--full", is_flag=True, help="re-read everything and retire what the source no longer lists"
    )
    @click.option(
        "--revalidate",
        is_flag=True,
        help="validate every listed record in full, also unchanged ones (after validation rules changed)",
    )
    @click.option("--page-size", default=500, show_default=True)
    def catalog_sync(full: bool, revalidate: bool, page_size: int) -> None:
        """Sync from the provincial platform, with a progress bar."""
        sync = _services().catalog_sync(page_size)
        progress = _Progress("事项同步")
        try:
            report = sync.run(full=full, revalidate=revalidate, progress=progress)
        finally:
            progress.done()
        click.echo(
            f"run {report.run_id}: seen {report.seen}, new {report.new}, changed {report.changed}, "
            f"unchanged {report.unchanged}, retired {report.retired}, rejected {report.rejected}"
        )
        for reject in report.rejects[:20]:
            click.echo(f"  rejected {reject['item_code']}: {reject['reasons']}")


def register_users(app: Flask) -> None:
    """`users create|list|passwd|deactivate|activate` (console accounts) and `demo accounts`."""
    from gateway.services.accounts import StaffService

    def staff() -> StaffService:
        services = _services()
        return StaffService(
            services.db, frozenset(d.code for d in services.settings.departments), services.clock
        )

    @app.cli.group("users")
    def users() -> None:
        """Staff accounts of the consoles."""

    @users.command("create")
    @click.argument("username")
    @click.option(
        "--role",
        required=True,
        type=click.Choice(("operator", "window", "department", "supervisor", "admin")),
    )
    @click.option("--name", "display_name", required=True, help="shown in histories, e.g. 张丽")
    @click.option("--department", default=None, help="department code (required for role department)")
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    def users_create(
        username: str, role: str, display_name: str, department: str | None, password: str
    ) -> None:
        """Create an account (the password is stored as a scrypt hash)."""
        try:
            info = staff().create(username, password, display_name, role, department)
        except DomainError as err:
            raise click.UsageError(str(err)) from None
        click.echo(f"account {info.id} ({info.role}, {info.display_name}): {info.username}")

    @users.command("list")
    def users_list() -> None:
        """Show accounts (never their password)."""
        for info in staff().all():
            state = "active" if info.active else "inactive"
            if info.locked_until and info.locked_until > _services().clock():
                state += ", locked"
            dept = f" [{info.department_code}]" if info.department_code else ""
            click.echo(f"{info.id}\t{info.username}\t{info.role}{dept}\t{info.display_name}\t{state}")

    @users.command("passwd")
    @click.argument("username")
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    def users_passwd(username: str, password: str) -> None:
        """Set a new password (also lifts a lock); the account's open sessions end."""
        try:
            staff().set_password(username, password)
        except DomainError as err:
            raise click.UsageError(str(err)) from None
        click.echo(f"password of {username.lower()} changed")

    @users.command("deactivate")
    @click.argument("username")
    def users_deactivate(username: str) -> None:
        """Stop an account from logging in; its open sessions end at once, on every instance."""
        try:
            staff().deactivate(username)
        except DomainError as err:
            raise click.UsageError(str(err)) from None
        click.echo(f"account {username.lower()} deactivated")

    @users.command("activate")
    @click.argument("username")
    def users_activate(username: str) -> None:
        """Let a deactivated account log in again."""
        try:
            staff().set_active(username, True)
        except DomainError as err:
            raise click.UsageError(str(err)) from None
        click.echo(f"account {username.lower()} activated")

    demo_group = app.cli.commands["demo"]

    @demo_group.command("accounts")  # type: ignore[attr-defined, untyped-decorator]
    @click.option(
        "--password", default="demo-2026", show_default=True, help="DEMO ONLY: one password for all"
    )
    def demo_accounts(password: str) -> None:
        """Create one demo console account per role (skips those already there)."""
        from gateway.demo import create_demo_accounts

        for username, display_name, role, created in create_demo_accounts(staff(), password):
            click.echo(f"  {username:<8} {role:<11} {display_name}{'' if created else ' (already there)'}")

"""`db upgrade`, `keys create|list|revoke`, `config check` and the `demo` group with `demo load`."""

from __future__ import annotations

import click
from flask import Flask

from gateway.cli.common import services, usage_errors
from gateway.domain.access import ROLES
from gateway.domain.caller_keys import CallerKeys
from gateway.persistence import migrate
from gateway.services.inquiries import callers


def register(app: Flask) -> None:
    """Attach the command groups to the app."""

    @app.cli.group("db")
    def db() -> None:
        """Database schema."""

    @db.command("upgrade")
    @click.option("--revision", default="head", show_default=True)
    def db_upgrade(revision: str) -> None:
        """Apply migrations."""
        engine = services().db.engine
        migrate.upgrade(engine, revision)
        click.echo(f"database at {migrate.current_revision(engine)}")

    @app.cli.group("keys")
    def keys() -> None:
        """API keys."""

    @keys.command("create")
    @click.option("--role", required=True, type=click.Choice(ROLES))
    @click.option("--name", required=True, help="who uses the key, e.g. 张三 or 12345平台")
    @click.option("--department", default=None, help="department code (required for role department)")
    def keys_create(role: str, name: str, department: str | None) -> None:
        """Issue a key; it is printed once and stored only as a hash."""
        with usage_errors():
            info, clear = services().keys.create(name, role, department)
        click.echo(f"key {info.id} ({info.role}, {info.name}): {clear}")

    @keys.command("list")
    def keys_list() -> None:
        """Show keys (never their secret)."""
        for info in services().keys.all():
            state = "revoked" if info.revoked_at else "active"
            dept = f" [{info.department_code}]" if info.department_code else ""
            click.echo(f"{info.id}\t{info.prefix}…\t{info.role}{dept}\t{info.name}\t{state}")

    @keys.command("revoke")
    @click.argument("key_id", type=int)
    def keys_revoke(key_id: int) -> None:
        """Stop a key from working."""
        with usage_errors():
            info = services().keys.revoke(key_id)
        click.echo(f"key {info.id} revoked")

    @app.cli.command("caller-keys")
    @click.option("--rebuild", is_flag=True, help="key every inquiry again (after a new secret)")
    def caller_keys(rebuild: bool) -> None:
        """Write the caller index's keys (重复来电) that are missing: after upgrading to 0010, or
        with --rebuild after GATEWAY_CALLER_KEY_SECRET changed."""
        with usage_errors():
            count = callers.rekey(
                services().db, CallerKeys(services().settings.caller_key_secret), every=rebuild
            )
        click.echo(f"{count} inquiries keyed")

    @app.cli.group("config")
    def config() -> None:
        """Configuration."""

    @config.command("check")
    def config_check() -> None:
        """Load and validate config.yaml (the app factory already did; this reports what it found)."""
        settings = services().settings
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

        click.echo(f"demo data: {load_demo(services())} new inquiries")

"""`users create|list|passwd|deactivate|activate` (the consoles' staff accounts) and `demo accounts`."""

from __future__ import annotations

import click
from flask import Flask

from gateway.cli.common import services, usage_errors
from gateway.services.accounts import StaffService

_USERNAME = click.argument("username")
_NEW_PASSWORD = click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)


def _staff() -> StaffService:
    """The staff accounts service, for the configured departments."""
    found = services()
    return StaffService(found.db, frozenset(d.code for d in found.settings.departments), found.clock)


def register_users(app: Flask) -> None:
    """`users create|list|passwd|deactivate|activate` (console accounts) and `demo accounts`."""

    @app.cli.group("users")
    def users() -> None:
        """Staff accounts of the consoles."""

    @users.command("create")
    @_USERNAME
    @click.option(
        "--role",
        required=True,
        type=click.Choice(("operator", "window", "department", "supervisor", "admin")),
    )
    @click.option("--name", "display_name", required=True, help="shown in histories, e.g. 张丽")
    @click.option("--department", default=None, help="department code (required for role department)")
    @_NEW_PASSWORD
    def users_create(
        username: str, role: str, display_name: str, department: str | None, password: str
    ) -> None:
        """Create an account (the password is stored as a scrypt hash)."""
        with usage_errors():
            info = _staff().create(username, password, display_name, role, department)
        click.echo(f"account {info.id} ({info.role}, {info.display_name}): {info.username}")

    @users.command("list")
    def users_list() -> None:
        """Show accounts (never their password)."""
        for info in _staff().all():
            state = "active" if info.active else "inactive"
            if info.locked_until and info.locked_until > services().clock():
                state += ", locked"
            dept = f" [{info.department_code}]" if info.department_code else ""
            click.echo(f"{info.id}\t{info.username}\t{info.role}{dept}\t{info.display_name}\t{state}")

    @users.command("passwd")
    @_USERNAME
    @_NEW_PASSWORD
    def users_passwd(username: str, password: str) -> None:
        """Set a new password (also lifts a lock); the account's open sessions end."""
        with usage_errors():
            _staff().set_password(username, password)
        click.echo(f"password of {username.lower()} changed")

    @users.command("deactivate")
    @_USERNAME
    def users_deactivate(username: str) -> None:
        """Stop an account from logging in; its open sessions end at once, on every instance."""
        with usage_errors():
            _staff().deactivate(username)
        click.echo(f"account {username.lower()} deactivated")

    @users.command("activate")
    @_USERNAME
    def users_activate(username: str) -> None:
        """Let a deactivated account log in again."""
        with usage_errors():
            _staff().set_active(username, True)
        click.echo(f"account {username.lower()} activated")

    demo_group = app.cli.commands["demo"]

    @demo_group.command("accounts")  # type: ignore[attr-defined, untyped-decorator]
    @click.option(
        "--password", default="demo-2026", show_default=True, help="DEMO ONLY: one password for all"
    )
    def demo_accounts(password: str) -> None:
        """Create one demo console account per role (skips those already there)."""
        from gateway.demo import create_demo_accounts

        for username, display_name, role, created in create_demo_accounts(_staff(), password):
            click.echo(f"  {username:<8} {role:<11} {display_name}{'' if created else ' (already there)'}")

"""`catalog sync [--full] [--revalidate]`: the service-item catalog from the provincial platform."""

from __future__ import annotations

import time

import click
from flask import Flask

from gateway.cli.common import services


class _Progress:
    """A progress line on a terminal: records so far, rate, and a bar that sweeps while the total is
    unknown."""

    def __init__(self, label: str) -> None:
        self.label, self.count, self.started = label, 0, time.monotonic()

    def __call__(self, records: int) -> None:
        self.count += records
        elapsed = max(time.monotonic() - self.started, 1e-6)
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
        sync = services().catalog_sync(page_size)
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

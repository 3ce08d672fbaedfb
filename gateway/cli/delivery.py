"""`deliver`, `dead-letters list|resend|discard` and `hotline poll`: getting messages in and out."""

from __future__ import annotations

import click
from flask import Flask

from gateway.cli.common import services, usage_errors
from gateway.domain.outbox import OutboxStatus


def register_delivery(app: Flask) -> None:
    """`deliver`, `dead-letters …` and `hotline poll`."""

    @app.cli.command("deliver")
    @click.option("--once", is_flag=True, help="drain what is due now and exit")
    @click.option("--worker-id", default=None)
    def deliver(once: bool, worker_id: str | None) -> None:
        """Send the outbox (long-lived; stop with Ctrl-C or SIGTERM)."""
        import signal
        import threading

        worker = services().delivery_worker(worker_id)
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
        page = services().outbox.find(status=OutboxStatus.DEAD, target=None, offset=0, limit=limit)
        for m in page.items:
            click.echo(f"{m.id}\t{m.target}\t{m.event_type}\tattempts={m.attempts}\t{m.last_error or ''}")
        click.echo(f"{page.total} dead letter(s)")

    # resend and discard take the same arguments; one decorator stack serves both.
    def _audited(action: str, help_text: str) -> None:
        @dead_letters.command(action, help=help_text)
        @click.argument("message_id", type=int)
        @click.option("--reason", required=True)
        @click.option("--actor", default="命令行管理员", show_default=True)
        def command(message_id: int, reason: str, actor: str) -> None:
            from gateway.domain.access import Actor

            admin = Actor(name=actor, role="admin")
            with usage_errors():
                view = getattr(services().outbox, action)(message_id, reason, admin)
            click.echo(f"message {view.id}: {view.status}")

    _audited("resend", "Queue a dead letter again (audited).")
    _audited("discard", "Give up on a dead letter (audited).")

    @app.cli.group("hotline")
    def hotline() -> None:
        """The 12345 platform."""

    @hotline.command("poll")
    def hotline_poll() -> None:
        """Fetch work orders missed by webhooks, resuming from the stored cursor."""
        from gateway.jobs.hotline_poll import poll_hotline

        result = poll_hotline(services())
        click.echo(f"{result.received} work order(s); cursor {result.cursor}")

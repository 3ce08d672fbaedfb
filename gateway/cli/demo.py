"""`demo simulators`: the external systems' stand-ins (the demo group itself comes with `register`)."""

from __future__ import annotations

import click
from flask import Flask

from gateway.cli.common import services


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

        run_forever(services(), gateway_url.rstrip("/"), traffic)

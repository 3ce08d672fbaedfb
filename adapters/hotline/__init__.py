"""The 12345 hotline platform (`hotline`): its client, its pushes, and a simulator that plays it."""

from __future__ import annotations

from adapters.hotline.client import HotlineClient
from adapters.hotline.inbound import HotlineInbound
from adapters.hotline.simulator import create_simulator

__all__ = ["HotlineClient", "HotlineInbound", "create_simulator"]

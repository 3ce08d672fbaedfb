"""政务服务中心综合窗口系统: inquiries logged at the counter in, status notices out (see PROTOCOL.md)."""

from adapters.window.client import WindowClient
from adapters.window.inbound import WindowInbound
from adapters.window.simulator import WindowState, create_simulator

__all__ = ["WindowClient", "WindowInbound", "WindowState", "create_simulator"]

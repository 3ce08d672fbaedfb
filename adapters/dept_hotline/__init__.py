"""Retained specialist lines (部门专线, e.g. 12348) and 双向转接 with 12345 (see PROTOCOL.md)."""

from adapters.dept_hotline.client import DeptHotlineClient
from adapters.dept_hotline.inbound import DeptHotlineInbound
from adapters.dept_hotline.simulator import DeptHotlineState, create_simulator

__all__ = ["DeptHotlineClient", "DeptHotlineInbound", "DeptHotlineState", "create_simulator"]

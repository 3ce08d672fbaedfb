"""省统一审批系统: department tasks out to the back offices, their 办理状态 back in (see PROTOCOL.md)."""

from adapters.department.client import DepartmentClient
from adapters.department.inbound import DepartmentInbound
from adapters.department.sim_state import AutoDecide, DepartmentState
from adapters.department.simulator import create_simulator

__all__ = ["AutoDecide", "DepartmentClient", "DepartmentInbound", "DepartmentState", "create_simulator"]

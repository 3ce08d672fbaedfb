"""The unified approval system's code tables (see PROTOCOL.md), keyed by the gateway's own terms."""

from __future__ import annotations

from gateway.domain.applications import TaskStatus

# The system keeps Beijing time without a zone suffix, UTC+8 all year (adapters.base.times).

# The gateway's department code -> the department's 统一社会信用代码, which the system calls 办理部门 (BLBM).
DEPARTMENTS: dict[str, str] = {
    "SFJ": "11350104003561207K",  # 区司法局
    "SJJ": "11350104MB0Q52831D",  # 区市场监督管理局
    "RSJ": "113501040035612157",  # 区人力资源和社会保障局
    "ZJJ": "11350104003561223X",  # 区住房和城乡建设局
    "CGJ": "11350104MB0Q5364XE",  # 区城市管理局
    "HBJ": "11350104MB1C20476R",  # 区生态环境局
    "JYJ": "113501040035611950",  # 区教育局
    "WJJ": "11350104MB0Q51879A",  # 区卫生健康局
    "MZJ": "11350104003561186L",  # 区民政局
    "JTJ": "11350104MB0Q55142T",  # 区交通运输局
    "XZFW": "12350104MB0R87215W",  # 区行政服务中心
}
DEPARTMENT_OF_BLBM: dict[str, str] = {blbm: code for code, blbm in DEPARTMENTS.items()}

# 办理状态 the system pushes -> the gateway's task status. 0101 已接收 and 0501 已撤回 are never pushed.
STATUSES: dict[str, TaskStatus] = {
    "0201": TaskStatus.UNDER_REVIEW,
    "0202": TaskStatus.CORRECTION,
    "0301": TaskStatus.GRANTED,
    "0302": TaskStatus.REFUSED,
    "0401": TaskStatus.DONE,
}
NOT_PUSHED = {"0101": "已接收", "0501": "已撤回"}
CORRECTION, REFUSED = "0202", "0302"

STATUS_REPORT = "RWZT"  # 消息类型 任务状态

FLAG_OK, FLAG_ERROR = "S", "E"
YES, NO = "1", "0"

# HTTP status of a refusal -> the system's errcode.
ERRCODES: dict[int, str] = {
    400: "E1001",
    401: "E1003",
    403: "E1003",
    404: "E1004",
    409: "E1009",
    413: "E1013",
    422: "E1001",
    429: "E1029",
}
ERR_OTHER, ERR_BUSY = "E1000", "E9999"

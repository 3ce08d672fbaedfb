"""Vocabulary of an inquiry (诉求): channels and kinds (its satisfaction scale is domain.satisfaction)."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    """Where an inquiry came from."""

    HOTLINE = "hotline"  # 12345
    WEBSITE = "website"  # 政府网站互动交流系统
    WINDOW = "window"  # 综合窗口
    DEPT_HOTLINE = "dept_hotline"  # retained specialist line, e.g. 12348
    API = "api"


class Kind(StrEnum):
    """What the citizen wants (诉求类型)."""

    CONSULT = "consult"  # 咨询
    HELP = "help"  # 求助
    COMPLAINT = "complaint"  # 投诉
    REPORT = "report"  # 举报
    SUGGESTION = "suggestion"  # 建议
    PRAISE = "praise"  # 表扬


KIND_LABELS: dict[Kind, str] = {
    Kind.CONSULT: "咨询",
    Kind.HELP: "求助",
    Kind.COMPLAINT: "投诉",
    Kind.REPORT: "举报",
    Kind.SUGGESTION: "建议",
    Kind.PRAISE: "表扬",
}

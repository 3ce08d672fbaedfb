"""满意度: the citizen's five-level rating, one scale for a 回访 (inquiry) and a 好差评 (application)."""

from __future__ import annotations

from enum import StrEnum


class Satisfaction(StrEnum):
    """Five levels, best first."""

    VERY_SATISFIED = "very_satisfied"  # 非常满意
    SATISFIED = "satisfied"  # 满意
    BASICALLY_SATISFIED = "basically_satisfied"  # 基本满意
    DISSATISFIED = "dissatisfied"  # 不满意
    VERY_DISSATISFIED = "very_dissatisfied"  # 非常不满意

    @property
    def score(self) -> int:
        """5 for 非常满意 down to 1 for 非常不满意."""
        return 5 - list(Satisfaction).index(self)

    @property
    def is_bad(self) -> bool:
        """A rating that justifies 重办 (an inquiry) or a rectification (差评 of an application)."""
        return self in (Satisfaction.DISSATISFIED, Satisfaction.VERY_DISSATISFIED)


SATISFACTION_LABELS: dict[Satisfaction, str] = {
    Satisfaction.VERY_SATISFIED: "非常满意",
    Satisfaction.SATISFIED: "满意",
    Satisfaction.BASICALLY_SATISFIED: "基本满意",
    Satisfaction.DISSATISFIED: "不满意",
    Satisfaction.VERY_DISSATISFIED: "非常不满意",
}

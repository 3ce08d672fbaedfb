from __future__ import annotations

import pytest

from gateway.domain.applications import (
    APP_TRANSITIONS,
    AppAction,
    AppStatus,
    TaskStatus,
    decide,
    missing_materials,
)
from gateway.domain.satisfaction import Satisfaction


def test_missing_materials_names_required_and_key_ones():
    checklist = (
        m
        for m in [
            ("身份证", True, True),
            ("申请表", True, True),
            ("说明", True, False),
            ("照片", False, False),
        ]
    )
    assert missing_materials(checklist, ["身份证"]) == (["申请表", "说明"], ["申请表"])


def test_one_refusal_decides_a_joint_application():
    tasks = [
        ("RSJ", TaskStatus.GRANTED, None),
        ("SJJ", TaskStatus.REFUSED, "场所不符"),
        ("ZJJ", TaskStatus.UNDER_REVIEW, None),
    ]
    decision = decide(tasks)
    assert (decision.action, decision.department, decision.reason) == (AppAction.REFUSE, "SJJ", "场所不符")


def test_granted_only_when_every_task_is_granted():
    assert decide([("RSJ", TaskStatus.GRANTED, None), ("SJJ", TaskStatus.UNDER_REVIEW, None)]).action is None
    assert (
        decide([("RSJ", TaskStatus.GRANTED, None), ("SJJ", TaskStatus.DONE, None)]).action is AppAction.GRANT
    )
    assert decide([]).action is None


@pytest.mark.parametrize(
    ("level", "score", "bad"),
    [
        (Satisfaction.VERY_SATISFIED, 5, False),
        (Satisfaction.BASICALLY_SATISFIED, 3, False),
        (Satisfaction.VERY_DISSATISFIED, 1, True),
    ],
)
def test_levels(level, score, bad):
    assert (level.score, level.is_bad) == (score, bad)


def test_delivery_only_after_a_decision():
    for status in (AppStatus.ACCEPTED, AppStatus.UNDER_REVIEW, AppStatus.CORRECTION):
        assert (status, AppAction.PICKUP) not in APP_TRANSITIONS
        assert (status, AppAction.PREPARE) not in APP_TRANSITIONS

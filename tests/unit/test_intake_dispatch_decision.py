from __future__ import annotations

import pytest

from gateway.domain.routing import Dispatch, DispatchMode, RoutingRule, intake_dispatch

RULE = RoutingRule(name="违章建筑", lead="CGJ", co=("ZJJ",))


def test_auto_follows_the_rule_and_is_credited_to_it():
    assert intake_dispatch(DispatchMode.AUTO, RULE) == Dispatch("CGJ", ("ZJJ",), "违章建筑", by_rule=True)
    assert intake_dispatch(DispatchMode.AUTO, None) is None


def test_register_only_never_dispatches_whatever_the_rule():
    assert intake_dispatch(DispatchMode.NONE, RULE) is None
    assert intake_dispatch(DispatchMode.NONE, RULE, "CGJ") is None


def test_a_chosen_department_is_the_only_dispatch():
    assert intake_dispatch(DispatchMode.MANUAL, RULE, "RSJ", ["ZJJ", "RSJ", "ZJJ"]) == Dispatch(
        "RSJ", ("ZJJ",), None, by_rule=False
    )


def test_the_suggested_lead_chosen_by_a_person_notes_the_rule():
    assert intake_dispatch(DispatchMode.MANUAL, RULE, "CGJ") == Dispatch("CGJ", (), "违章建筑", by_rule=False)


def test_manual_needs_a_lead():
    with pytest.raises(ValueError, match="lead"):
        intake_dispatch(DispatchMode.MANUAL, RULE)

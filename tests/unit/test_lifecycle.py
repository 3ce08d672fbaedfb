from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.domain import lifecycle
from gateway.domain.lifecycle import (
    HANDLING,
    TRANSITIONS,
    Action,
    Status,
    allowed_actions,
    next_status,
    replay,
)


def test_every_state_is_reachable_from_received():
    seen = {Status.RECEIVED}
    frontier = [Status.RECEIVED]
    while frontier:
        state = frontier.pop()
        for action in allowed_actions(state):
            target = next_status(state, action)
            assert target is not None
            if target not in seen:
                seen.add(target)
                frontier.append(target)
    assert seen == set(Status)


def test_every_action_is_used_by_the_table():
    assert {action for (_, action) in TRANSITIONS} == set(Action)


def test_closed_only_allows_reopen():
    assert allowed_actions(Status.CLOSED) == [Action.REOPEN]


@pytest.mark.parametrize(
    ("state", "action", "expected"),
    [
        (Status.RECEIVED, Action.DISPATCH, Status.DISPATCHED),
        (Status.DISPATCHED, Action.ACKNOWLEDGE, Status.ACKNOWLEDGED),
        (Status.DISPATCHED, Action.RETURN, Status.RETURNED),
        (Status.RETURNED, Action.DISPATCH, Status.DISPATCHED),
        (Status.ACKNOWLEDGED, Action.REQUEST_EXTENSION, Status.EXTENSION_REQUESTED),
        (Status.EXTENSION_REQUESTED, Action.APPROVE_EXTENSION, Status.ACKNOWLEDGED),
        (Status.EXTENSION_REQUESTED, Action.REFUSE_EXTENSION, Status.ACKNOWLEDGED),
        (Status.ACKNOWLEDGED, Action.REPLY, Status.REPLIED),
        (Status.REPLIED, Action.CALLBACK, Status.CALLED_BACK),
        (Status.CALLED_BACK, Action.REOPEN, Status.REOPENED),
        (Status.CALLED_BACK, Action.CLOSE, Status.CLOSED),
        (Status.ACKNOWLEDGED, Action.ESCALATE, Status.ACKNOWLEDGED),
    ],
)
def test_table_entries(state, action, expected):
    assert next_status(state, action) is expected


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (Status.RECEIVED, Action.ACKNOWLEDGE),
        (Status.DISPATCHED, Action.REPLY),
        (Status.REPLIED, Action.DISPATCH),
        (Status.CLOSED, Action.ESCALATE),
        (Status.EXTENSION_REQUESTED, Action.REQUEST_EXTENSION),
    ],
)
def test_refused_pairs(state, action):
    assert next_status(state, action) is None
    assert action not in allowed_actions(state)


def test_deadline_runs_only_while_a_department_holds_it():
    assert {Status.DISPATCHED, Status.ACKNOWLEDGED, Status.EXTENSION_REQUESTED, Status.REOPENED} == HANDLING


def test_replay_rejects_an_event_outside_the_table():
    events = [(None, lifecycle.INTAKE, "received"), ("received", "reply", "closed")]
    with pytest.raises(ValueError, match="not in the table"):
        replay(events)


def test_replay_rejects_a_gap():
    events = [(None, lifecycle.INTAKE, "received"), ("dispatched", "acknowledge", "acknowledged")]
    with pytest.raises(ValueError, match="starts from"):
        replay(events)


@settings(max_examples=300)
@given(st.lists(st.sampled_from(list(Action)), max_size=40))
def test_random_action_sequences_stay_in_the_table_and_replay(actions):
    state = Status.RECEIVED
    events: list[tuple[str | None, str, str]] = [(None, lifecycle.INTAKE, state.value)]
    for action in actions:
        target = next_status(state, action)
        if target is None:
            assert action not in allowed_actions(state)
            continue
        assert (state, action) in TRANSITIONS
        assert target in Status
        events.append((state.value, action.value, target.value))
        state = target
    assert replay(events) is state

"""并单 (merging duplicates): when an inquiry may be merged into a master (主单) and undone again.

A merged inquiry (a child, 子单) follows its master: the master's lifecycle drives, each transition is
mirrored onto the children. One level only: a master is never a child, a child never a master.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from gateway.domain.lifecycle import MERGE_EVENTS, RECORD_EVENTS, Status

MERGE, UNMERGE = (
    MERGE_EVENTS  # the events on both inquiries; at a merge the child's status becomes the master's
)

SAME_CALLER_DAYS = timedelta(days=30)  # the same caller within 30 days (either side of the inquiry)
SAME_PLACE_DAYS = timedelta(days=7)  # the same district and address within 7 days, with similar text
SIMILAR = 0.3  # the lowest similarity of text that makes a same-address inquiry a candidate
CANDIDATES = 20  # at most this many candidates per rule

# A master in one of these states has been answered: no merging into it, no undoing a merge.
ANSWERED = frozenset({Status.REPLIED, Status.CALLED_BACK, Status.CLOSED})

# The roles that may merge across lead departments (主办单位 differ).
ACROSS_DEPARTMENTS = frozenset({"supervisor", "admin"})

# The fields of an inquiry that follow the master (the status itself included).
FOLLOWED = (
    "status",
    "department_code",
    "dispatched_at",
    "due_at",
    "calendar_estimated",
    "extension_workdays",
    "escalation_count",
    "reply_note",
    "replied_at",
    "closed_at",
)
# Not followed: satisfaction and solved. They are the child's own caller's, from a 12345 回访 of the child
# (CHILD_CALLBACK); a 重办 of the master voids them with the master's.
CHILD_CALLBACK = RECORD_EVENTS[3]  # "child_callback", an event that changes no state


@dataclass(frozen=True)
class Side:
    """What the merge rules look at of one inquiry."""

    id: int
    number: str | None
    status: str
    department: str | None
    master_id: int | None
    children: int  # how many inquiries are merged into it


def merge_refusal(child: Side, master: Side, role: str) -> str | None:
    """Why the child may not be merged into the master by this role, or None when it may."""
    if child.id == master.id:
        return "an inquiry cannot be merged into itself"
    if master.master_id is not None:
        if master.master_id == child.id:
            return f"a cycle: inquiry {master.id} is merged into inquiry {child.id}"
        return f"the master {master.number} is itself merged into inquiry {master.master_id}; use that one"
    if child.master_id is not None:
        if child.master_id == master.id:
            return f"already merged into {master.number}"
        return f"already merged elsewhere (into inquiry {child.master_id}); unmerge it first"
    if child.children:
        return f"inquiry {child.number} is itself a master of {child.children}; unmerge its children first"
    if child.status == Status.CLOSED or master.status == Status.CLOSED:
        which = "the child" if child.status == Status.CLOSED else "the master"
        return f"{which} is closed (已办结)"
    if master.status in ANSWERED:
        return f"the master has been answered ({master.status}); nothing left for a child to follow"
    if child.status in ANSWERED:
        return f"the child has been answered ({child.status}) on its own"
    departs = child.department and master.department and child.department != master.department
    if departs and role not in ACROSS_DEPARTMENTS:
        return (
            f"different lead departments ({child.department}, {master.department}): "
            "only a supervisor may merge them"
        )
    return None


def unmerge_refusal(child_master_id: int | None, master_status: str | None) -> str | None:
    """Why a merge may not be undone, or None."""
    if child_master_id is None:
        return "not merged into any inquiry"
    if master_status in ANSWERED:
        return f"the master has been answered ({master_status}); a merge is undone only before the reply"
    return None

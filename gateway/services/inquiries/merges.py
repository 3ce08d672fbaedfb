"""并单 (merging duplicates): the candidates an inquiry may duplicate, merging it into a master (主单)
and undoing that; both audited and in both inquiries' history.

Candidates: the same caller (equal keyed hash of phone or ID number, never the numbers) within 30 days
of the inquiry, or the same district and address within 7 days with similar text (``TextSimilarity``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gateway.domain.access import MERGE, READ, Actor, act
from gateway.domain.errors import InvalidTransition, NotFound
from gateway.domain.lifecycle import Action, Status
from gateway.domain.merging import (
    ANSWERED,
    CANDIDATES,
    CHILD_CALLBACK,
    SAME_CALLER_DAYS,
    SAME_PLACE_DAYS,
    SIMILAR,
    UNMERGE,
    Side,
    merge_refusal,
    unmerge_refusal,
)
from gateway.domain.merging import MERGE as MERGE_EVENT
from gateway.domain.pii import redact_text
from gateway.domain.satisfaction import Satisfaction
from gateway.domain.similarity import BigramJaccard, TextSimilarity, plain
from gateway.persistence.models import Inquiry
from gateway.persistence.repositories.inquiries import InquiryRows
from gateway.services import audit
from gateway.services.inquiries.core import InquiryCore
from gateway.services.inquiries.following import take_state
from gateway.services.people import citizen_of
from gateway.services.ports import UnitOfWork
from gateway.services.snapshots import InquirySnapshot, Page
from gateway.services.supervision.issuing import close_stale

SAME_CALLER = "same_caller"
SAME_PLACE = "same_place"

NO_MASTER = "no inquiry {0} that you may see to merge into"


@dataclass(frozen=True)
class Candidate:
    """An inquiry the one looked at may duplicate, and why (同一来电人 / 同一地址且内容相似)."""

    id: int
    number: str
    title: str | None
    status: str
    department: str | None
    created_at: datetime
    master_id: int | None
    reasons: list[str]
    score: float | None  # the text similarity, for a same-place match
    why: str


@dataclass(frozen=True)
class MasterRef:
    """The master (主单) a child names: its number always, ``readable`` whether the actor may open it
    (a window clerk sees the number of a 12345 master, not the master)."""

    id: int
    number: str
    readable: bool


class Merges(InquiryCore):
    """并单: candidates, merge and unmerge (the mirroring of a master's transitions is in ``following``)."""

    similarity: TextSimilarity = BigramJaccard()

    def candidates(self, inquiry_id: int, actor: Actor) -> list[Candidate]:
        """The inquiries this one may duplicate, same caller first, then by similarity; only those the
        actor may see, none already merged into this one."""
        self._require(actor, MERGE)
        with self.db.reading() as uow:
            inquiry = self._load(uow.inquiries, inquiry_id, actor)
            return find_candidates(uow, inquiry, self.similarity, lambda i: self._visible(i, actor))

    def _chosen(self, uow: UnitOfWork, inquiry_id: int, child: Inquiry, actor: Actor) -> Inquiry:
        """One side of a merge, locked. The inquiry of the path was found already (404 when missing); a
        master that does not exist, or that the actor may not see, refuses the merge (409 saying so)."""
        try:
            return self._load(uow.inquiries, inquiry_id, actor, for_update=True)
        except NotFound:
            if inquiry_id == child.id:
                raise
            raise InvalidTransition(child.status, MERGE_EVENT, [], NO_MASTER.format(inquiry_id)) from None

    def merge(self, inquiry_id: int, master_id: int, reason: str, actor: Actor) -> InquirySnapshot:
        """Make the inquiry a child of the master: it takes the master's state and follows it from now on.
        409 names why a merge is refused."""
        self._require(actor, MERGE)
        with self.db.writing() as uow:
            found = self._load(uow.inquiries, inquiry_id, actor)  # 404 for the path's inquiry first
            # Locked in id order, so two merges of the same pair cannot deadlock.
            first, second = sorted((inquiry_id, master_id))
            loaded = {i: self._chosen(uow, i, found, actor) for i in dict.fromkeys((first, second))}
            child, master = loaded[inquiry_id], loaded[master_id]
            refusal = merge_refusal(self._side(uow, child), self._side(uow, master), actor.role)
            if refusal is not None:
                raise InvalidTransition(child.status, MERGE_EVENT, [], refusal)
            now = self.clock()
            before = child.status
            take_state(child, master, uow)
            child.master_id, child.merged_at, child.merged_by = master.id, now, actor.label
            child.updated_at = master.updated_at = now
            rows = InquiryRows()
            data: dict[str, object] = {
                "master_id": master.id,
                "master_number": master.number,
                "previous_status": before,
            }
            # 督办单 addressed to a department that no longer leads the child are no longer owed.
            closed = close_stale(uow, child, now)
            if closed:
                data["notices_closed"] = closed
            self._note(rows, child, MERGE_EVENT, before, actor, reason, data, now)
            data = {"child_id": child.id, "child_number": child.number}
            self._note(rows, master, MERGE_EVENT, master.status, actor, reason, data, now)
            uow.inquiries.write(rows)
            audit.record(
                uow.audit, actor, MERGE_EVENT, ("inquiry", child.id), f"→{master.number}: {reason}", now
            )
            return self._view(child, actor)

    def unmerge(self, inquiry_id: int, reason: str, actor: Actor) -> InquirySnapshot:
        """Undo a merge while the master is not yet answered; the child goes on on its own from the
        state it followed to (same department and deadline)."""
        self._require(actor, MERGE)
        with self.db.writing() as uow:
            child = self._load(uow.inquiries, inquiry_id, actor, for_update=True)
            master = uow.inquiries.get(child.master_id) if child.master_id is not None else None
            refusal = unmerge_refusal(child.master_id, master.status if master else None)
            if refusal is not None or master is None:
                raise InvalidTransition(child.status, UNMERGE, [], refusal or "the master is gone")
            now = self.clock()
            child.master_id, child.merged_at, child.merged_by = None, None, None
            child.updated_at = master.updated_at = now
            rows = InquiryRows()
            data = {"master_id": master.id, "master_number": master.number}
            self._note(rows, child, UNMERGE, child.status, actor, reason, data, now)
            data = {"child_id": child.id, "child_number": child.number}
            self._note(rows, master, UNMERGE, master.status, actor, reason, data, now)
            uow.inquiries.write(rows)
            audit.record(uow.audit, actor, UNMERGE, ("inquiry", child.id), f"←{master.number}: {reason}", now)
            return self._view(child, actor)

    def child_callback(self, inquiry_id: int, data: Mapping[str, Any], actor: Actor) -> bool:
        """A 12345 回访 of a child's own caller, who was called back about the master's answer: recorded on
        the child (its satisfaction and solved, a record-only event naming the master); the master and
        its figures are left alone (children count in no figure), so nothing is lost or counted twice.
        False, recording nothing, when the inquiry is not a child, its master is not answered yet, or its
        caller's result is in already (a repeat)."""
        self._require(actor, act(Action.CALLBACK))
        with self.db.writing() as uow:
            child = self._load(uow.inquiries, inquiry_id, actor, for_update=True)
            if child.master_id is None or Status(child.status) not in ANSWERED:
                return False
            if child.satisfaction is not None:
                return False
            master = uow.inquiries.get(child.master_id)
            now = self.clock()
            child.satisfaction = Satisfaction(data["satisfaction"]).value
            child.solved = bool(data["solved"])
            child.updated_at = now
            rows = InquiryRows()
            facts = {
                "satisfaction": child.satisfaction,
                "solved": child.solved,
                "master_id": child.master_id,
                "master_number": master.number if master else None,
            }
            note = data.get("note")
            self._record(rows, child, CHILD_CALLBACK, child.status, actor, note=note, data=facts, now=now)
            uow.inquiries.write(rows)
            return True

    def master_of(self, inquiry_id: int, actor: Actor) -> MasterRef | None:
        """The master of an inquiry the actor may read, or None when it is not merged."""
        self._require(actor, READ)
        with self.db.reading() as uow:
            child = self._load(uow.inquiries, inquiry_id, actor)
            master = uow.inquiries.get(child.master_id) if child.master_id is not None else None
            if master is None:
                return None
            return MasterRef(master.id, master.number or "", self._visible(master, actor))

    def children(self, inquiry_id: int, actor: Actor, *, offset: int, limit: int) -> Page:
        """The inquiries merged into this one, oldest first."""
        self._require(actor, READ)
        with self.db.reading() as uow:
            self._load(uow.inquiries, inquiry_id, actor)
            rows = [c for c in uow.merges.children(inquiry_id) if self._visible(c, actor)]
            return Page(items=[self._view(c, actor) for c in rows[offset : offset + limit]], total=len(rows))

    @staticmethod
    def _side(uow: UnitOfWork, inquiry: Inquiry) -> Side:
        return Side(
            inquiry.id,
            inquiry.number,
            inquiry.status,
            inquiry.department_code,
            inquiry.master_id,
            uow.merges.child_count(inquiry.id),
        )

    def _note(
        self,
        rows: InquiryRows,
        inquiry: Inquiry,
        action: str,
        before: str,
        actor: Actor,
        reason: str,
        data: Mapping[str, object],
        now: datetime,
    ) -> None:
        self._record(rows, inquiry, action, before, actor, note=reason, data=dict(data), now=now)


def find_candidates(
    uow: UnitOfWork, inquiry: Inquiry, similarity: TextSimilarity, visible: Callable[[Inquiry], bool]
) -> list[Candidate]:
    """The candidate rules over a unit of work (see the module's text), of the inquiries ``visible``
    admits, same caller first, then the most similar, then the newest."""
    at = inquiry.created_at
    found: dict[int, Candidate] = {}
    keys = (inquiry.citizen_phone_key, inquiry.citizen_id_key)
    window = (at - SAME_CALLER_DAYS, at + SAME_CALLER_DAYS)
    for other in uow.merges.same_caller(inquiry.id, keys, window, CANDIDATES):
        if visible(other):
            found[other.id] = _candidate(other, [SAME_CALLER], None, "同一来电人")
    if inquiry.district and inquiry.address:
        window = (at - SAME_PLACE_DAYS, at + SAME_PLACE_DAYS)
        place = (inquiry.district, inquiry.address)
        mine = plain(_text(inquiry), citizen_of(inquiry))
        for other in uow.merges.same_place(inquiry.id, place, window, CANDIDATES):
            if not visible(other):
                continue
            score = round(similarity.score(mine, plain(_text(other), citizen_of(other))), 2)
            if score < SIMILAR:
                continue
            why = f"同一地址，内容相似（{score:.2f}）"
            earlier = found.get(other.id)
            reasons = [SAME_CALLER, SAME_PLACE] if earlier else [SAME_PLACE]
            found[other.id] = _candidate(other, reasons, score, f"{earlier.why}；{why}" if earlier else why)
    # Those merged into this inquiry are its children already; its own master is where it went.
    chosen = [c for c in found.values() if c.master_id != inquiry.id and c.id != inquiry.master_id]
    return sorted(chosen, key=lambda c: (SAME_CALLER not in c.reasons, -(c.score or 0.0), -c.id))


def _text(inquiry: Inquiry) -> str:
    return f"{inquiry.title or ''} {inquiry.content}"


def _candidate(other: Inquiry, reasons: list[str], score: float | None, why: str) -> Candidate:
    return Candidate(
        id=other.id,
        number=other.number or "",
        title=redact_text(other.title, person=citizen_of(other)) if other.title else None,
        status=other.status,
        department=other.department_code,
        created_at=other.created_at,
        master_id=other.master_id,
        reasons=reasons,
        score=score,
        why=why,
    )

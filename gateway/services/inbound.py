"""What external systems tell us: new inquiries and 回访 results, taken in exactly once."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from gateway.domain.access import Actor
from gateway.domain.errors import InvalidTransition, NotFound
from gateway.domain.lifecycle import Action
from gateway.persistence.db import Database
from gateway.persistence.models import Inquiry, WebhookReceipt
from gateway.services.applications import ApplicationService
from gateway.services.cursors import get_cursor, save_cursor
from gateway.services.inquiries import Clock, InquiryService

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Received:
    """One inbound item in the gateway's terms (what an adapter's InboundEvent carries)."""

    kind: str  # "inquiry" or "callback"
    data: Mapping[str, Any]


@dataclass(frozen=True)
class Receipt:
    """The answer to a webhook: the inquiry numbers it concerned, and whether it was a repeat."""

    references: list[str]
    duplicate: bool


def system_actor(system: str) -> Actor:
    """The actor that inbound traffic from a system acts as."""
    return Actor(name=f"{system}接口", role=f"system:{system}")


class InboundService:
    """Takes in webhooks and polled items; repeats create nothing."""

    def __init__(
        self,
        db: Database,
        inquiries: InquiryService,
        clock: Clock,
        applications: ApplicationService | None = None,
    ) -> None:
        self.db = db
        self.inquiries = inquiries
        self.clock = clock
        self.applications = applications

    def seen(self, system: str, webhook_id: str) -> Receipt | None:
        """The receipt of a webhook-id already taken in, if any."""
        with self.db.read() as session:
            row = session.scalar(
                select(WebhookReceipt).where(
                    WebhookReceipt.system == system, WebhookReceipt.webhook_id == webhook_id
                )
            )
            return Receipt(list(row.refs.get("numbers", [])), True) if row else None

    def receive(self, system: str, items: Sequence[Received], webhook_id: str | None = None) -> Receipt:
        """Apply each item; intake is idempotent on (channel, external_id), so a retried push is harmless."""
        if webhook_id is not None:
            earlier = self.seen(system, webhook_id)
            if earlier is not None:
                return earlier
        actor = system_actor(system)
        numbers: list[str] = []
        for item in items:
            if item.kind == "inquiry":
                view, created = self.inquiries.intake(item.data, actor)
                numbers.append(view.number)
                log.info("inbound %s inquiry %s (%s)", system, view.number, "new" if created else "repeat")
            elif item.kind == "callback":
                numbers.append(self._callback(system, item.data, actor))
            elif item.kind == "task_status" and self.applications is not None:
                # 后台分类审批: a department's decision on its task of an application.
                application = self.applications.task_status(item.data, actor)
                numbers.append(str(application["receipt_no"]))
            else:
                raise ValueError(f"unknown inbound item kind {item.kind!r}")
        if webhook_id is not None:
            self._remember(system, webhook_id, numbers)
        return Receipt(numbers, False)

    def _callback(self, system: str, data: Mapping[str, Any], actor: Actor) -> str:
        """回访 result for an inquiry the system knows by its own id or by our number."""
        external_id, number = data.get("external_id"), data.get("number")
        with self.db.read() as session:
            # The system's own id for inquiries it sent us; our number for those we sent it (互联互通).
            inquiry = session.scalar(
                select(Inquiry).where(
                    Inquiry.channel == system, Inquiry.external_id == str(external_id or "")
                )
            ) or (session.scalar(select(Inquiry).where(Inquiry.number == str(number))) if number else None)
            if inquiry is None:
                raise NotFound(f"no inquiry known to {system} as {external_id or number}")
            inquiry_id, number = inquiry.id, inquiry.number or ""
        body = {"satisfaction": data["satisfaction"], "solved": data["solved"], "note": data.get("note")}
        try:
            self.inquiries.act(inquiry_id, Action.CALLBACK, body, actor)
        except InvalidTransition as err:
            # Already called back (a repeat) or not yet replied: keep the record, do not fail the push.
            log.info("callback for %s not applied: %s", number, err.status)
        return number

    def _remember(self, system: str, webhook_id: str, numbers: list[str]) -> None:
        try:
            with self.db.unit_of_work() as session:
                session.add(
                    WebhookReceipt(
                        system=system,
                        webhook_id=webhook_id,
                        refs={"numbers": numbers},
                        received_at=self.clock(),
                    )
                )
        except IntegrityError:
            pass  # the same webhook was taken in concurrently; its effects are idempotent

    # ---- polling cursors ------------------------------------------------------------------------

    def cursor(self, name: str) -> str | None:
        """Where a polling job resumes."""
        return get_cursor(self.db, name)

    def save_cursor(self, name: str, value: str | None, now: datetime | None = None) -> None:
        """Remember where a polling job got to."""
        save_cursor(self.db, name, value, now or self.clock())

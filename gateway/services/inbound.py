"""What external systems tell us, pushed (webhooks) or listed (polling): one path, each event taken in once.

Both ways end in `handle`: every event is validated, then applied unless a receipt says it was taken in
before, then remembered. Receipts (table webhook_receipts) hold three kinds of id:

- a webhook-id, the sender's id of one push (the same on every retry): a repeated push creates nothing;
- `event:<key>`, an event's own identity given by its adapter (12345: `HFJG:<gdbh>:<hfsj>`), the same
  whether pushed or listed: a 回访 a webhook brought is not applied again by the poll, and one a poll
  applied before it was killed is not applied again after the restart (even after 重办 and a new reply);
- `rejected:<reference>@<position>`: a listed record refused for good, so that listing it again (the
  cursor is inclusive) does not report it again; once the system changes the record it is tried afresh.

An event is applied first and remembered after: a crash in between applies it again on the next try,
which intake (idempotent on channel and external_id) and the transition table (a called-back inquiry
takes no second 回访) make harmless.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from gateway.domain.access import Actor
from gateway.domain.clock import Clock
from gateway.domain.errors import (
    DomainError,
    Forbidden,
    InvalidInput,
    InvalidTransition,
    NotFound,
    SignatureError,
    UpstreamError,
    WireError,
    too_large,
)
from gateway.domain.inbound import InboundEvent, InboundKind
from gateway.domain.lifecycle import Action
from gateway.domain.ports import Ack, Inbound, Listed, Poller, Verify
from gateway.persistence.db import Database
from gateway.persistence.models import Inquiry, WebhookReceipt
from gateway.services.applications import ApplicationService
from gateway.services.cursors import get_cursor, save_cursor
from gateway.services.inquiries import InquiryService

log = logging.getLogger(__name__)

EVENT = "event:"
REJECTED = "rejected:"
# A refusal's HTTP status, by the rule it broke (anything else the rules refuse is a conflict).
_STATUS: tuple[tuple[type[DomainError], int], ...] = ((NotFound, 404), (InvalidInput, 422), (Forbidden, 403))


@dataclass(frozen=True)
class Receipt:
    """The answer to a push: the inquiry numbers it concerned, and whether all of it was known already."""

    references: list[str]
    duplicate: bool
    applied: int = 0  # events that changed something (the others were known already)


@dataclass(frozen=True)
class PollResult:
    """One polling run: events taken in anew, events known already, records refused, the cursor saved."""

    received: int
    repeated: int
    rejected: int
    cursor: str | None
    rejections: str = ""  # "<reference>: <reason>; ..." for the run's record, never personal data


class Refused(Exception):
    """What a system told us that the gateway will not take as it is, whenever asked: status and reason."""

    def __init__(self, status: int, reason: str, cause: str) -> None:
        self.status = status
        self.reason = reason
        self.cause = cause  # the kind of refusal, for logs
        super().__init__(reason)


def system_actor(system: str) -> Actor:
    """The actor that inbound traffic from a system acts as."""
    return Actor(name=f"{system}接口", role=f"system:{system}")


class InboundService:
    """Takes in webhooks and polled records through one path; repeats create nothing."""

    def __init__(
        self,
        db: Database,
        inquiries: InquiryService,
        clock: Clock,
        applications: ApplicationService | None = None,
        *,
        validate_inquiry: Callable[[dict[str, Any]], dict[str, Any]],
        verify: Verify | None = None,
        receivers: Mapping[str, Inbound] | None = None,
        pollers: Mapping[str, Poller] | None = None,
        secrets: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.db = db
        self.inquiries = inquiries
        self.clock = clock
        self.applications = applications
        # The gateway's own intake schema (raises marshmallow's ValidationError), handed in by the wiring.
        self.validate_inquiry = validate_inquiry
        # The signature check of pushes (Standard Webhooks, adapters.base.webhooks.verify).
        self.verify = verify
        # Per system, handed in by the wiring: who reads its pushes, who lists its changes, its webhook
        # secrets (several while one is rotated out).
        self.receivers: Mapping[str, Inbound] = receivers or {}
        self.pollers: Mapping[str, Poller] = pollers or {}
        self.secrets: Mapping[str, Sequence[str]] = secrets or {}

    # ---- the one path ----------------------------------------------------------------------------

    def handle(self, system: str, events: Sequence[InboundEvent], webhook_id: str | None = None) -> Receipt:
        """Validate every event, then apply each not taken in before; Refused for bad input, else retry."""
        if webhook_id is not None:
            earlier = self.seen(system, webhook_id)
            if earlier is not None:
                return earlier
        checked = [self._checked(event) for event in events]
        actor = system_actor(system)
        numbers: list[str] = []
        applied = 0
        for event in checked:
            earlier = self.seen(system, EVENT + event.key) if event.key else None
            if earlier is not None:
                numbers.extend(earlier.references)
                continue
            number, changed = self._apply(system, event, actor)
            numbers.append(number)
            applied += changed
            if event.key:
                self._remember(system, EVENT + event.key, {"numbers": [number]})
        if webhook_id is not None:
            self._remember(system, webhook_id, {"numbers": numbers})
        return Receipt(numbers, duplicate=bool(checked) and not applied, applied=applied)

    def handle_webhook(
        self, system: str, headers: Mapping[str, str], body: bytes, *, too_large_for: int | None = None
    ) -> Ack:
        """One signed push to a known system, answered in its own style: verified, its receipt checked once,
        parsed, validated and applied. Headers are keyed in lower case; `too_large_for` is the byte limit
        a body went past (it was not read). NotFound for a system that pushes nothing.
        """
        adapter = self.receivers.get(system)
        if adapter is None:
            raise NotFound(f"no such system: {system}")
        if too_large_for is not None:
            log.warning("webhook too large system=%s limit=%s", system, too_large_for)
            return adapter.rejected(413, str(too_large(too_large_for)))
        secrets = self.secrets.get(system, ())
        try:
            if not secrets or self.verify is None:
                raise SignatureError(
                    f"no webhook secret configured (GATEWAY_{system.upper()}_WEBHOOK_SECRETS)"
                )
            webhook_id = self.verify(secrets, headers, body, time.time())
        except SignatureError as err:
            shown = headers.get("webhook-id", "-")[:200]
            log.warning("webhook refused system=%s reason=%s webhook_id=%s", system, err, shown)
            return adapter.rejected(401, str(err))
        earlier = self.seen(system, webhook_id)
        if earlier is not None:
            return adapter.accepted(earlier.references, duplicate=True)
        try:
            receipt = self.handle(system, adapter.parse(body), webhook_id)
        except WireError as err:
            log.warning("webhook unreadable system=%s webhook_id=%s field=%s", system, webhook_id, err.field)
            return adapter.rejected(400, str(err))
        except Refused as err:
            log.warning("webhook not taken system=%s webhook_id=%s %s", system, webhook_id, err.cause)
            return adapter.rejected(err.status, err.reason)
        return adapter.accepted(receipt.references, duplicate=receipt.duplicate)

    def poll(self, system: str, cursor_name: str, page_size: int = 100) -> PollResult:
        """Take in what a system lists as changed since the stored cursor, record by record through `handle`.

        The cursor moves only past records taken in: applied, known already, or refused for good (bad
        input: reported once, never retried until the system changes the record). Any other failure
        stops the run with the cursor at the last record taken in, so the next run starts with the one
        that failed; a run killed outright resumes from the last page saved, and receipts stop doubles.
        """
        poller = self.pollers.get(system)
        if poller is None:
            raise NotFound(f"{system} cannot be polled")
        saved = position = self.cursor(cursor_name)
        received = repeated = 0
        rejections: list[str] = []
        try:
            for page in poller.changes(saved, page_size):
                for record in page:
                    taken = self._take_listed(system, record)
                    if isinstance(taken, str):
                        rejections.append(f"{record.reference}: {taken}")
                    else:
                        received, repeated = received + taken[0], repeated + taken[1]
                    position = record.position
                if position != saved:
                    self.save_cursor(cursor_name, position)
                    saved = position
        except Exception:
            if position != saved:
                self.save_cursor(cursor_name, position)  # what was taken in before the failure stays taken
            raise
        return PollResult(received, repeated, len(rejections), position, "; ".join(rejections)[:2000])

    # ---- steps -----------------------------------------------------------------------------------

    def _take_listed(self, system: str, record: Listed) -> tuple[int, int] | str:
        """(events applied, events known) for a record taken in, or the reason it was refused."""
        mark = f"{REJECTED}{record.reference}@{record.position}"
        earlier = self.seen(system, mark)
        if earlier is not None:
            return (0, len(record.events))  # refused before as it is; reported then
        try:
            if record.problem is not None:
                raise Refused(400, str(record.problem), f"field={record.problem.field}")
            receipt = self.handle(system, record.events)
        except Refused as err:
            log.warning(
                "listed record refused system=%s reference=%s %s", system, record.reference, err.cause
            )
            self._remember(system, mark, {"numbers": [], "rejected": err.reason[:500]})
            return err.reason
        return (receipt.applied, len(record.events) - receipt.applied)

    def _checked(self, event: InboundEvent) -> InboundEvent:
        """An adapter's mapped inquiry checked against the gateway's own schema before it is taken in."""
        if event.kind != InboundKind.INQUIRY:
            return event
        try:
            return InboundEvent(event.kind, self.validate_inquiry(event.data), event.key)
        except ValidationError as err:
            messages = err.messages
            fields = sorted(messages) if isinstance(messages, dict) else []
            raise Refused(422, f"invalid fields: {messages}", f"fields={fields}") from None

    def _apply(self, system: str, event: InboundEvent, actor: Actor) -> tuple[str, bool]:
        """Apply one event: (the inquiry or application number, whether it changed anything)."""
        try:
            if event.kind == InboundKind.INQUIRY:
                view, created = self.inquiries.intake(event.data, actor)
                log.info("inbound %s inquiry %s (%s)", system, view.number, "new" if created else "repeat")
                return view.number, created
            if event.kind == InboundKind.CALLBACK:
                return self._callback(system, event.data, actor)
            if event.kind == InboundKind.TASK_STATUS and self.applications is not None:
                # 后台分类审批: a department's decision on its task of an application.
                application = self.applications.task_status(event.data, actor)
                return str(application["receipt_no"]), True
        except UpstreamError:
            raise
        except DomainError as err:
            status = next((code for kind, code in _STATUS if isinstance(err, kind)), 409)
            raise Refused(status, str(err), f"reason={type(err).__name__}") from err
        raise ValueError(f"unknown inbound item kind {event.kind!r}")

    def _callback(self, system: str, data: Mapping[str, Any], actor: Actor) -> tuple[str, bool]:
        """回访 result for an inquiry the system knows by its own id or by our number; (number, applied)."""
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
            return number, False
        return number, True

    # ---- receipts --------------------------------------------------------------------------------

    def seen(self, system: str, receipt_id: str) -> Receipt | None:
        """The receipt of a webhook-id (or event key) already taken in, if any."""
        with self.db.read() as session:
            row = session.scalar(
                select(WebhookReceipt).where(
                    WebhookReceipt.system == system, WebhookReceipt.webhook_id == receipt_id
                )
            )
            return Receipt(list(row.refs.get("numbers", [])), True) if row else None

    def _remember(self, system: str, receipt_id: str, refs: dict[str, Any]) -> None:
        try:
            with self.db.unit_of_work() as session:
                session.add(
                    WebhookReceipt(system=system, webhook_id=receipt_id, refs=refs, received_at=self.clock())
                )
        except IntegrityError:
            pass  # taken in concurrently (a push and a poll, or two retries); the effects are idempotent

    # ---- polling cursors ------------------------------------------------------------------------

    def cursor(self, name: str) -> str | None:
        """Where a polling job resumes."""
        return get_cursor(self.db, name)

    def save_cursor(self, name: str, value: str | None, now: datetime | None = None) -> None:
        """Remember where a polling job got to."""
        save_cursor(self.db, name, value, now or self.clock())

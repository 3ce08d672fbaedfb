"""The inbound service: pushes verified and parsed, events validated and applied once, polling driven."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from marshmallow import ValidationError

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
from gateway.domain.ports import Ack, Inbound, Poller, Verify
from gateway.services.applications import ApplicationService
from gateway.services.attachments import AttachmentService
from gateway.services.attachments.inbound import Fetch, attach_files, fetched_files
from gateway.services.cursors import get_cursor, save_cursor
from gateway.services.inbound.outcomes import EVENT, PollResult, Receipt, Refused, system_actor
from gateway.services.inbound.polling import poll
from gateway.services.inquiries import InquiryService
from gateway.services.ports import Transactions
from gateway.services.snapshots import InquirySnapshot

log = logging.getLogger(__name__)

# A refusal's HTTP status, by the rule it broke (anything else the rules refuse is a conflict).
_STATUS: tuple[tuple[type[DomainError], int], ...] = ((NotFound, 404), (InvalidInput, 422), (Forbidden, 403))


class InboundService:
    """Takes in webhooks and polled records through one path; repeats create nothing."""

    def __init__(
        self,
        db: Transactions,
        inquiries: InquiryService,
        clock: Clock,
        applications: ApplicationService | None = None,
        *,
        validate_inquiry: Callable[[dict[str, Any]], dict[str, Any]],
        verify: Verify | None = None,
        receivers: Mapping[str, Inbound] | None = None,
        pollers: Mapping[str, Poller] | None = None,
        secrets: Mapping[str, Sequence[str]] | None = None,
        attachments: AttachmentService | None = None,
        fetchers: Mapping[str, Fetch] | None = None,
    ) -> None:
        self.db, self.clock = db, clock
        # The services that apply what comes in: inquiries always, applications where wired.
        self.inquiries, self.applications = inquiries, applications
        # The gateway's own intake schema (raises marshmallow's ValidationError), handed in by the wiring.
        self.validate_inquiry = validate_inquiry
        # The signature check of pushes (Standard Webhooks, adapters.base.webhooks.verify).
        self.verify = verify
        # Per system, handed in by the wiring: who reads its pushes, who lists its changes, its webhook
        # secrets (several while one is rotated out).
        self.receivers: Mapping[str, Inbound] = receivers or {}
        self.pollers: Mapping[str, Poller] = pollers or {}
        self.secrets: Mapping[str, Sequence[str]] = secrets or {}
        # 附件 sent with inquiries: stored by the attachment service, links fetched by the system's adapter.
        self.attachments, self.fetchers = attachments, fetchers or {}

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
                self.remember(system, EVENT + event.key, {"numbers": [number]})
        if webhook_id is not None:
            self.remember(system, webhook_id, {"numbers": numbers})
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
        """Take in what a system lists as changed since the stored cursor, record by record through `handle`
        (see ``polling.poll``); NotFound for a system that cannot be polled."""
        poller = self.pollers.get(system)
        if poller is None:
            raise NotFound(f"{system} cannot be polled")
        return poll(self, poller, system, cursor_name, page_size)

    # ---- steps -----------------------------------------------------------------------------------

    def _checked(self, event: InboundEvent) -> InboundEvent:
        """An adapter's mapped inquiry checked against the gateway's own schema before it is taken in."""
        if event.kind != InboundKind.INQUIRY:
            return event
        try:
            return dataclasses.replace(event, data=self.validate_inquiry(event.data))
        except ValidationError as err:
            messages = err.messages
            fields = sorted(messages) if isinstance(messages, dict) else []
            raise Refused(422, f"invalid fields: {messages}", f"fields={fields}") from None

    def _intake(self, system: str, event: InboundEvent, actor: Actor) -> tuple[InquirySnapshot, bool]:
        """A new inquiry with its files in one transaction: the work order 12345 gets for a website message
        is written with it and cannot leave before the files are there. Files are fetched and checked
        first (a fetch that fails raises UpstreamError: the push is retried, nothing is stored)."""
        files = self.attachments is not None and event.files and not self._known(system, event)
        if not files or self.attachments is None:
            return self.inquiries.intake(event.data, actor)
        service = self.attachments
        fetched = fetched_files(self.fetchers.get(system), system, event.files)
        rows = service.prepared(fetched, system, actor)
        return self.inquiries.intake(
            event.data, actor, also=lambda uow, inquiry_id: service.add_rows(uow, inquiry_id, rows)
        )

    def _known(self, system: str, event: InboundEvent) -> bool:
        external_id = event.data.get("external_id")
        return external_id is not None and self.inquiries.exists(event.data["channel"], external_id)

    def _apply(self, system: str, event: InboundEvent, actor: Actor) -> tuple[str, bool]:
        """Apply one event: (the inquiry or application number, whether it changed anything)."""
        try:
            if event.kind == InboundKind.INQUIRY:
                view, created = self._intake(system, event, actor)
                log.info("inbound %s inquiry %s (%s)", system, view.number, "new" if created else "repeat")
                if event.files and self.attachments is not None and not created:
                    # A repeat: files a failed fetch left out are taken in on the system's retry.
                    attach_files(
                        self.attachments, self.fetchers.get(system), system, view.id, event.files, actor
                    )
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
        with self.db.reading() as uow:
            # The system's own id for inquiries it sent us; our number for those we sent it (互联互通).
            known = uow.inbound.inquiry_known_as(
                system, str(external_id or ""), str(number) if number else None
            )
        if known is None:
            raise NotFound(f"no inquiry known to {system} as {external_id or number}")
        inquiry_id, number = known
        body = {"satisfaction": data["satisfaction"], "solved": data["solved"], "note": data.get("note")}
        try:
            self.inquiries.act(inquiry_id, Action.CALLBACK, body, actor)
        except InvalidTransition as err:
            # 并单: a child's caller heard the master's answer; their result is kept on the child.
            if self.inquiries.child_callback(inquiry_id, body, actor):
                return number, True
            # Already called back (a repeat) or not yet replied: keep the record, do not fail the push.
            log.info("callback for %s not applied: %s", number, err.status)
            return number, False
        return number, True

    # ---- receipts --------------------------------------------------------------------------------

    def seen(self, system: str, receipt_id: str) -> Receipt | None:
        """The receipt of a webhook-id (or event key) already taken in, if any."""
        with self.db.reading() as uow:
            refs = uow.inbound.receipt(system, receipt_id)
        return Receipt(list(refs.get("numbers", [])), True) if refs is not None else None

    def remember(self, system: str, receipt_id: str, refs: dict[str, Any]) -> None:
        """Record an id as taken in. One taken in concurrently (a push and a poll, or two retries) is
        left as it is: the effects are idempotent."""
        with self.db.writing() as uow:
            uow.inbound.add_receipt(system, receipt_id, refs, self.clock())

    # ---- polling cursors ------------------------------------------------------------------------

    def cursor(self, name: str) -> str | None:
        """Where a polling job resumes."""
        return get_cursor(self.db, name)

    def save_cursor(self, name: str, value: str | None, now: datetime | None = None) -> None:
        """Remember where a polling job got to."""
        save_cursor(self.db, name, value, now or self.clock())

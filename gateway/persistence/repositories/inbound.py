"""The repository of receipts of inbound messages (each delivery applied once)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from gateway.persistence.models import Inquiry, WebhookReceipt
from gateway.persistence.repositories.base import Repository


class InboundRepository(Repository):
    """Receipts of inbound messages (each delivery applied once), and the inquiries a system's messages
    name."""

    def receipt(self, system: str, receipt_id: str) -> dict[str, Any] | None:
        """What a receipt recorded (its refs), or None if the id was not taken in from that system."""
        row = self.session.scalar(
            select(WebhookReceipt).where(
                WebhookReceipt.system == system, WebhookReceipt.webhook_id == receipt_id
            )
        )
        return row.refs if row is not None else None

    def add_receipt(self, system: str, receipt_id: str, refs: dict[str, Any], received_at: datetime) -> bool:
        """Remember an id as taken in; False if it was already (also by a concurrent transaction: the
        unique constraint decides, and only this insert is undone, in its own savepoint)."""
        try:
            with self.session.begin_nested():
                self.session.add(
                    WebhookReceipt(system=system, webhook_id=receipt_id, refs=refs, received_at=received_at)
                )
        except IntegrityError:
            return False
        return True

    def inquiry_known_as(self, system: str, external_id: str, number: str | None) -> tuple[int, str] | None:
        """(id, number) of the inquiry a system knows by its own id, else by our number; None if neither."""
        inquiry = self.session.scalar(
            select(Inquiry).where(Inquiry.channel == system, Inquiry.external_id == external_id)
        ) or (self.session.scalar(select(Inquiry).where(Inquiry.number == number)) if number else None)
        return (inquiry.id, inquiry.number or "") if inquiry is not None else None

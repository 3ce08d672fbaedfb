"""The repository of 附件 (attachments): rows of files carried with inquiries and replies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select

from gateway.persistence.attachment_models import Attachment
from gateway.persistence.repositories.base import Repository

_MAX_OFFSET = 2**62


class AttachmentRepository(Repository):
    """Attachments by inquiry, added in the caller's transaction (the bytes are in the blob store)."""

    def add(self, rows: Sequence[dict[str, Any]]) -> list[Attachment]:
        """New attachment rows, flushed so that their ids are known."""
        added = [Attachment(**values) for values in rows]
        self.session.add_all(added)
        self.session.flush()
        return added

    def by_id(self, attachment_id: int) -> Attachment | None:
        """One attachment by its id alone (for a signed link, which names no inquiry)."""
        return self.session.get(Attachment, attachment_id)

    def get(self, inquiry_id: int, attachment_id: int) -> Attachment | None:
        """One attachment of the inquiry."""
        found = self.session.get(Attachment, attachment_id)
        return found if found is not None and found.inquiry_id == inquiry_id else None

    def of_inquiry(self, inquiry_id: int, *, offset: int = 0, limit: int | None = None) -> list[Attachment]:
        """The inquiry's attachments, oldest first (a page of them when given a limit)."""
        if offset > _MAX_OFFSET:
            return []  # past any page there is (and past what the database's integers hold)
        query = select(Attachment).where(Attachment.inquiry_id == inquiry_id).order_by(Attachment.id)
        return list(self.session.scalars(query.offset(offset).limit(limit)))

    def count(self, inquiry_id: int) -> int:
        """How many attachments the inquiry has."""
        query = select(func.count()).select_from(Attachment).where(Attachment.inquiry_id == inquiry_id)
        return int(self.session.scalar(query) or 0)

    def total_size(self, inquiry_id: int) -> int:
        """Bytes of attachments the inquiry carries (a file attached twice counts twice)."""
        query = select(func.coalesce(func.sum(Attachment.size), 0)).where(Attachment.inquiry_id == inquiry_id)
        return int(self.session.scalar(query) or 0)

    def by_external(self, inquiry_id: int, source: str, external_ref: str) -> Attachment | None:
        """The attachment a system already sent for the inquiry under its own id."""
        query = select(Attachment).where(
            Attachment.inquiry_id == inquiry_id,
            Attachment.source == source,
            Attachment.external_ref == external_ref,
        )
        return self.session.scalars(query.limit(1)).first()

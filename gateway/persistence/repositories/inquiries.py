"""The repository of inquiries, their events, transfers and co-departments."""

from __future__ import annotations

from gateway.persistence.repositories.base import Repository


class InquiryRepository(Repository):
    """Inquiries, their events, transfers and co-departments."""

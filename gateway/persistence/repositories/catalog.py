"""The repository of the service-item catalogue (事项库): its items, versions, sync and job runs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select

from gateway.persistence.catalog_models import JobRun, ServiceItem, ServiceItemVersion, SyncRun
from gateway.persistence.repositories.catalog_search import CatalogSearch
from gateway.persistence.repositories.catalog_sync import CatalogSyncRecords


class CatalogRepository(CatalogSearch, CatalogSyncRecords):
    """The service-item catalogue (事项库): search (CatalogSearch), the sync's reads and writes
    (CatalogSyncRecords), and the reads below."""

    def by_code(self, item_code: str) -> ServiceItem | None:
        """One item by its code."""
        return self.session.scalar(select(ServiceItem).where(ServiceItem.item_code == item_code))

    def exists(self, item_code: str) -> bool:
        """Whether an item of that code is stored (retired or not)."""
        found = self.session.scalar(select(ServiceItem.id).where(ServiceItem.item_code == item_code))
        return found is not None

    def children(self, item_code: str) -> Sequence[ServiceItem]:
        """The 子项 of an item, by code."""
        query = select(ServiceItem).where(ServiceItem.parent_code == item_code)
        return self.session.scalars(query.order_by(ServiceItem.item_code)).all()

    def by_codes(self, codes: Sequence[str]) -> Sequence[ServiceItem]:
        """The stored items of these codes, by code."""
        query = select(ServiceItem).where(ServiceItem.item_code.in_(codes))
        return sorted(self.session.scalars(query).all(), key=lambda row: row.item_code)

    def versions(self, item_code: str) -> Sequence[ServiceItemVersion]:
        """An item's version rows, newest first."""
        query = select(ServiceItemVersion).where(ServiceItemVersion.item_code == item_code)
        return self.session.scalars(query.order_by(ServiceItemVersion.version.desc())).all()

    def sync_run(self, run_id: int) -> SyncRun | None:
        """One catalog sync run."""
        return self.session.get(SyncRun, run_id)

    def sync_runs(self, offset: int, limit: int) -> tuple[Sequence[SyncRun], int]:
        """A page of catalog sync runs, newest first, and how many there are."""
        return self._page(select(SyncRun).order_by(SyncRun.id.desc()), offset, limit)

    def job_runs(self, job: str | None, offset: int, limit: int) -> tuple[Sequence[JobRun], int]:
        """A page of scheduler job runs (of one job, if given), newest first, and how many there are."""
        query = select(JobRun).order_by(JobRun.id.desc())
        if job:
            query = query.where(JobRun.job == job)
        return self._page(query, offset, limit)

    def _page(self, query: Select[Any], offset: int, limit: int) -> tuple[Sequence[Any], int]:
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.scalars(query.offset(min(offset, 2**31 - 1)).limit(limit)).all()
        return rows, total

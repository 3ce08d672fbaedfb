"""The repository of window applications (办件), their events, evaluations and rectifications."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.exc import IntegrityError

from gateway.domain.applications import ApplicationFilter, AppStatus
from gateway.persistence.application_models import (
    Application,
    ApplicationEvent,
    ApplicationTask,
    Evaluation,
    Rectification,
)
from gateway.persistence.catalog_models import ServiceItem
from gateway.persistence.repositories.base import Repository

MAX_OFFSET = 2**31 - 1  # a page far past the end is empty, not a database overflow

Row = TypeVar("Row")
Keyed = TypeVar("Keyed", Application, ApplicationTask, Rectification)


class AlreadyRated(Exception):
    """The visit has a rating already (a concurrent one won the unique constraint)."""


class ApplicationRepository(Repository):
    """Window applications (办件), their events, evaluations and rectifications."""

    # ---- applications ---------------------------------------------------------------------------

    def service_items(self, codes: Iterable[str]) -> dict[str, ServiceItem]:
        """The catalogue items an application is for, by code (unknown codes are absent)."""
        query = select(ServiceItem).where(ServiceItem.item_code.in_(list(codes)))
        return {item.item_code: item for item in self.session.scalars(query)}

    def add(self, app: Application) -> None:
        """A new application with its tasks; ids are set on the next flush."""
        self.session.add(app)

    def get(self, app_id: int, *, for_update: bool = False) -> Application | None:
        """One application (row-locked for a change when asked), or None."""
        return self._one(Application, app_id, for_update)

    def task(self, task_id: int, *, for_update: bool = False) -> ApplicationTask | None:
        """One department's task, or None."""
        return self._one(ApplicationTask, task_id, for_update)

    def find(
        self,
        f: ApplicationFilter,
        *,
        now: datetime,
        pickup_cutoff: datetime,
        offset: int,
        limit: int,
    ) -> tuple[list[Application], int]:
        """Applications matching the filter, newest first, and how many match in all.

        ``pickup_cutoff``: results ready before it count as waiting too long for pickup.
        """
        query = select(Application)
        if f.status:
            query = query.where(Application.status.in_(f.status))
        if f.department or f.item_code:
            task = exists().where(ApplicationTask.application_id == Application.id)
            if f.department:
                task = task.where(ApplicationTask.department_code == f.department)
            if f.item_code:
                task = task.where(ApplicationTask.item_code == f.item_code)
            query = query.where(task)
        if f.pickup_overdue is not None:
            late = (Application.status == AppStatus.READY.value) & (Application.ready_at < pickup_cutoff)
            query = query.where(late if f.pickup_overdue else ~late)
        if f.supplement_overdue is not None:
            late = Application.incomplete.is_(True) & (Application.supplement_due_at < now)
            query = query.where(late if f.supplement_overdue else ~late)
        if f.text:
            pattern = f"%{f.text.replace('%', '').replace('_', '')}%"
            query = query.where(or_(Application.receipt_no.like(pattern), Application.title.like(pattern)))
        return self._page(query, Application.id.desc(), offset, limit)

    def add_event(self, event: ApplicationEvent) -> None:
        """One stored step of an application."""
        self.session.add(event)

    def events(self, app_id: int) -> list[ApplicationEvent]:
        """An application's history, oldest first."""
        query = select(ApplicationEvent).where(ApplicationEvent.application_id == app_id)
        return list(self.session.scalars(query.order_by(ApplicationEvent.id)))

    # ---- 好差评 and 整改 ------------------------------------------------------------------------

    def is_rated(self, app_id: int) -> bool:
        """Whether the visit has a rating."""
        query = select(Evaluation.id).where(Evaluation.application_id == app_id)
        return self.session.scalar(query) is not None

    def add_evaluation(self, rating: Evaluation) -> None:
        """Store a rating now (its id is set); AlreadyRated when another got there first."""
        self.session.add(rating)
        try:
            self.session.flush()
        except IntegrityError:
            raise AlreadyRated(rating.application_id) from None

    def add_rectification(self, rectification: Rectification) -> None:
        """A new rectification task."""
        self.session.add(rectification)

    def rectification(self, rect_id: int, *, for_update: bool = False) -> Rectification | None:
        """One rectification task, or None."""
        return self._one(Rectification, rect_id, for_update)

    def rectification_of(self, app_id: int) -> Rectification | None:
        """The rectification a bad rating of the application opened, or None."""
        return self.session.scalar(select(Rectification).where(Rectification.application_id == app_id))

    def rectifications(
        self, *, department: str | None, status: str | None, offset: int, limit: int
    ) -> tuple[list[Rectification], int]:
        """Rectification tasks (of one department, in one status, when given), newest first, and the
        total."""
        query = select(Rectification)
        if department:
            query = query.where(Rectification.department_code == department)
        if status:
            query = query.where(Rectification.status == status)
        return self._page(query, Rectification.id.desc(), offset, limit)

    def rated(self, rectifications: Iterable[Rectification]) -> dict[int, tuple[Evaluation, Application]]:
        """The rating that opened each rectification and the application it rated, by rectification id."""
        ids = [r.id for r in rectifications]
        if not ids:
            return {}
        query = (
            select(Rectification.id, Evaluation, Application)
            .join(Evaluation, Evaluation.id == Rectification.evaluation_id)
            .join(Application, Application.id == Rectification.application_id)
            .where(Rectification.id.in_(ids))
        )
        return {rect_id: (rating, app) for rect_id, rating, app in self.session.execute(query)}

    # ---- figures --------------------------------------------------------------------------------

    def tasks_with_applications(
        self, *, by_item: bool, start: datetime | None, end: datetime | None
    ) -> list[tuple[str, str, ApplicationTask, Application]]:
        """(item or department code, its name, task, application) of every task of the applications
        accepted in [start, end)."""
        key = ApplicationTask.item_code if by_item else ApplicationTask.department_code
        label = ApplicationTask.item_name if by_item else ApplicationTask.department_name
        query = select(key, label, ApplicationTask, Application).join(
            Application, Application.id == ApplicationTask.application_id
        )
        if start:
            query = query.where(Application.created_at >= start)
        if end:
            query = query.where(Application.created_at < end)
        return [(code, name, task, app) for code, name, task, app in self.session.execute(query)]

    def scores(
        self, *, by_item: bool, start: datetime | None, end: datetime | None
    ) -> list[tuple[int, str | None]]:
        """(score, key) of the ratings given in [start, end): key is each item of the rated application,
        or the responsible department."""
        key = ApplicationTask.item_code if by_item else Evaluation.department_code
        query = select(Evaluation.score, key)
        if by_item:
            query = query.join(ApplicationTask, ApplicationTask.application_id == Evaluation.application_id)
        if start:
            query = query.where(Evaluation.created_at >= start)
        if end:
            query = query.where(Evaluation.created_at < end)
        return [(score, key) for score, key in self.session.execute(query)]

    # ---- helpers --------------------------------------------------------------------------------

    def _one(self, model: type[Keyed], key: int, for_update: bool) -> Keyed | None:
        """The row of a model by id (row-locked when asked), or None."""
        query = select(model).where(model.id == key)
        if for_update:
            query = query.with_for_update()
        return self.session.scalar(query)

    def _page(self, query: Select[Row], order: Any, offset: int, limit: int) -> tuple[list[Row], int]:
        """One page of a query's rows in the given order, and how many rows it has in all."""
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.scalars(query.order_by(order).offset(min(offset, MAX_OFFSET)).limit(limit)).all()
        return list(rows), total

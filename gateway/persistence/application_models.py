"""Models of the window flow: applications (办件), department tasks, events, ratings and rectifications."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gateway.persistence.models import Base, BigId


class Application(Base):
    """办件: one citizen's application, for one item or a bundle of items (一件事, 部门联办)."""

    __tablename__ = "applications"
    __table_args__ = (Index("ix_applications_status_ready_at", "status", "ready_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    receipt_no: Mapped[str | None] = mapped_column(String(24), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    joint: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(24), index=True)
    applicant_name: Mapped[str] = mapped_column(String(64))
    applicant_phone: Mapped[str] = mapped_column(String(32))
    applicant_id_number: Mapped[str | None] = mapped_column(String(32))
    window: Mapped[str] = mapped_column(String(64))
    accepted_by: Mapped[str] = mapped_column(String(100))
    proxy: Mapped[str | None] = mapped_column(String(100))  # 全程代办: the staff member carrying it through
    incomplete: Mapped[bool] = mapped_column(Boolean, default=False)  # 容缺受理, material still owed
    supplement_due_at: Mapped[datetime | None]
    supplemented_at: Mapped[datetime | None]
    promised_at: Mapped[datetime]
    calendar_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)
    refused_by: Mapped[str | None] = mapped_column(String(32))
    delivery_method: Mapped[str] = mapped_column(String(8))  # pickup / post
    delivery_address: Mapped[str | None] = mapped_column(String(200))
    ready_at: Mapped[datetime | None]
    tracking_no: Mapped[str | None] = mapped_column(String(64))
    collected_by: Mapped[str | None] = mapped_column(String(64))
    delivered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime]

    tasks: Mapped[list[ApplicationTask]] = relationship(
        cascade="all, delete-orphan", order_by="ApplicationTask.id", lazy="selectin"
    )


class ApplicationTask(Base):
    """One department's review of one item of an application."""

    __tablename__ = "application_tasks"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    item_code: Mapped[str] = mapped_column(String(64), index=True)
    item_name: Mapped[str] = mapped_column(String(200))
    department_code: Mapped[str] = mapped_column(String(32), index=True)
    department_name: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(24))
    promised_days: Mapped[int] = mapped_column(Integer)
    materials: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # [{name, required, key, provided}]
    reason: Mapped[str | None] = mapped_column(Text)
    result_no: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class ApplicationEvent(Base):
    """One stored step of an application: who, when, from, to; and the proxy when staff acted for the
    applicant."""

    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(100))
    actor_role: Mapped[str] = mapped_column(String(40))
    proxy: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]


class Evaluation(Base):
    """好差评: the applicant's one rating of one visit."""

    __tablename__ = "evaluations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), unique=True
    )
    level: Mapped[str] = mapped_column(String(24))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    department_code: Mapped[str | None] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime]


class Rectification(Base):
    """整改: opened by a bad rating; needs a callback (回访) record before it can close."""

    __tablename__ = "rectifications"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"), unique=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    department_code: Mapped[str | None] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16))  # open / called_back / closed
    due_at: Mapped[datetime]
    measures: Mapped[str | None] = mapped_column(Text)
    callback_note: Mapped[str | None] = mapped_column(Text)
    callback_satisfied: Mapped[bool | None] = mapped_column(Boolean)
    callback_at: Mapped[datetime | None]
    callback_by: Mapped[str | None] = mapped_column(String(100))  # who recorded the 回访
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(100))  # who closed it
    created_at: Mapped[datetime]

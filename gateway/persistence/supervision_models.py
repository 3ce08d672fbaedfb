"""Models of 督办单 (supervision notices): a supervisor's demand to a department and its answer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gateway.persistence.models import Base, BigId


class SupervisionNotice(Base):
    """督办单: issued by an inquiry's escalate action to its lead department; signed for and answered."""

    __tablename__ = "supervision_notices"
    __table_args__ = (
        # The department's list and badge: its notices by status; the sweep's and the page's: by inquiry.
        Index("ix_supervision_notices_department_status", "department_code", "status"),
        Index("ix_supervision_notices_status_respond_by", "status", "respond_by"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id", ondelete="CASCADE"), index=True)
    department_code: Mapped[str] = mapped_column(String(32))  # the lead (主办) when it was issued
    status: Mapped[str] = mapped_column(String(16))  # gateway.domain.supervision.NoticeStatus
    reason: Mapped[str] = mapped_column(Text)
    respond_by: Mapped[datetime]  # the requested response date: the end of a Beijing day
    automatic: Mapped[bool] = mapped_column(default=False)  # the deadline sweep's 超期督办
    issued_by: Mapped[str] = mapped_column(String(100))
    issued_by_role: Mapped[str] = mapped_column(String(40))
    issued_at: Mapped[datetime]
    acknowledged_by: Mapped[str | None] = mapped_column(String(100))
    acknowledged_at: Mapped[datetime | None]
    acknowledge_note: Mapped[str | None] = mapped_column(Text)
    responded_by: Mapped[str | None] = mapped_column(String(100))
    responded_at: Mapped[datetime | None]
    response: Mapped[str | None] = mapped_column(Text)  # 督办回复
    closed_at: Mapped[datetime | None]

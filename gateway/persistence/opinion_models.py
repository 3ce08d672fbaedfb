"""协办意见: what a co-department (协办单位) contributes to the lead department's answer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gateway.persistence.models import Base, BigId


class InquiryOpinion(Base):
    """One co-department's opinion on an inquiry; its task (InquiryCoDepartment) records when it answered."""

    __tablename__ = "inquiry_opinions"
    __table_args__ = (Index("ix_inquiry_opinions_inquiry_id_id", "inquiry_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id", ondelete="CASCADE"))
    department_code: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(100))
    author_role: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]

"""Models of 附件 (attachments): one row per file carried with an inquiry or its reply. The bytes are kept
once per SHA-256 in the blob store (gateway.domain.attachments.BlobStore); several rows may share them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from gateway.persistence.models import Base, BigId


class Attachment(Base):
    """附件: a file of an inquiry (a recording, a photo, a scan) or of its reply (a department's document)."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_inquiry_id_id", "inquiry_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id", ondelete="CASCADE"))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(255))
    source: Mapped[str] = mapped_column(String(16))  # hotline / website / window / department / …
    kind: Mapped[str] = mapped_column(String(16))  # recording / photo / document / scan
    # Published with the reply on the website; only a department marks its reply's attachments so.
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    holds_personal_data: Mapped[bool] = mapped_column(Boolean, default=False)  # recordings always
    # The sending system's own id of the file (idempotent intake), if it came from one.
    external_ref: Mapped[str | None] = mapped_column(String(128))
    created_by: Mapped[str] = mapped_column(String(100))
    created_by_role: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]

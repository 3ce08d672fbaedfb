"""The attachment use cases: upload (all files checked before any is stored), list, download (a file
holding personal data is a reveal: the PII permission, a reason, an audit entry), and intake from systems."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from gateway.domain.access import ATTACH, ATTACH_PUBLIC, PII, READ, Actor, require
from gateway.domain.attachments import (
    AttachmentPolicy,
    AttachmentSource,
    BlobStore,
    NewFile,
    holds_personal_data,
    kind_for,
)
from gateway.domain.clock import Clock, utcnow
from gateway.domain.errors import FileRefused, Forbidden, InvalidInput, NotFound
from gateway.persistence.attachment_models import Attachment
from gateway.persistence.models import Inquiry
from gateway.services import audit
from gateway.services.attachments.checks import Checked, check_files
from gateway.services.ports import InquiryRepository, Transactions, UnitOfWork
from gateway.services.snapshots import Page

log = logging.getLogger(__name__)

REVEAL = "reveal_attachment"  # the audit action of opening an attachment that holds personal data


@dataclass(frozen=True)
class AttachmentSnapshot:
    """One attachment's metadata (never its bytes)."""

    id: int
    inquiry_id: int
    filename: str
    media_type: str
    size: int
    sha256: str
    kind: str
    source: str
    public: bool
    holds_personal_data: bool
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class Download:
    """An attachment and its bytes."""

    attachment: AttachmentSnapshot
    content: bytes


@dataclass(frozen=True)
class Marks:
    """What the uploader says of the files: their kind (else judged from the type), personal data, public."""

    kind: str | None = None
    holds_personal_data: bool = False
    public: bool = False


def present(row: Attachment) -> AttachmentSnapshot:
    """The row as the API shows it."""
    return AttachmentSnapshot(
        id=row.id,
        inquiry_id=row.inquiry_id,
        filename=row.filename,
        media_type=row.media_type,
        size=row.size,
        sha256=row.sha256,
        kind=row.kind,
        source=row.source,
        public=row.public,
        holds_personal_data=row.holds_personal_data,
        created_by=row.created_by,
        created_at=row.created_at,
    )


def source_of(actor: Actor) -> str:
    """Where an actor's files come from: a system's own name, else the desk the role works at."""
    if actor.system in {s.value for s in AttachmentSource}:
        return str(actor.system)
    desks = {"operator": AttachmentSource.HOTLINE, "window": AttachmentSource.WINDOW}
    return desks.get(
        actor.role, AttachmentSource.DEPARTMENT if actor.department_code else AttachmentSource.API
    )


class AttachmentService:
    """Files of inquiries and replies: rows in the database, bytes once per SHA-256 in the blob store."""

    def __init__(self, db: Transactions, policy: AttachmentPolicy, store: BlobStore, clock: Clock = utcnow):
        self.db, self.policy, self.store, self.clock = db, policy, store, clock

    # ---- through the API and the console --------------------------------------------------------

    def upload(
        self, inquiry_id: int, files: Sequence[NewFile], marks: Marks, actor: Actor
    ) -> list[AttachmentSnapshot]:
        """Attach the files to the inquiry: every one checked first, so a refused file stores nothing."""
        if not actor.can(ATTACH):
            raise Forbidden(f"role '{actor.role}' may not {ATTACH}")
        if marks.public and not actor.can(ATTACH_PUBLIC):
            raise Forbidden(f"role '{actor.role}' may not {ATTACH_PUBLIC}: only a department marks public")
        if not files:
            raise InvalidInput("files", "at least one file is required")
        with self.db.writing() as uow:
            # Locked: two uploads at once cannot both fit under the per-inquiry limit.
            inquiry = self._load(uow.inquiries, inquiry_id, actor, lock=True)
            if not actor.acts_on(inquiry.department_code):
                raise Forbidden("only the lead department (主办单位) may attach files to this inquiry")
            checked = check_files(self.policy, files, uow.attachments.total_size(inquiry_id))
            rows = [self._row(inquiry_id, c, marks, source_of(actor), actor) for c in checked]
            if marks.public and any(r["holds_personal_data"] for r in rows):
                raise InvalidInput(
                    "public", "a file holding personal data (a recording, a scan) is never public"
                )
            self._store(checked)
            return [present(r) for r in uow.attachments.add(rows)]

    def find(self, inquiry_id: int, actor: Actor, *, offset: int, limit: int) -> Page:
        """A page of the inquiry's attachments (metadata only), oldest first."""
        require(actor, READ)
        with self.db.reading() as uow:
            self._load(uow.inquiries, inquiry_id, actor)
            rows = uow.attachments.of_inquiry(inquiry_id, offset=offset, limit=limit)
            return Page(items=[present(r) for r in rows], total=uow.attachments.count(inquiry_id))

    def get(self, inquiry_id: int, attachment_id: int, actor: Actor) -> AttachmentSnapshot:
        """One attachment's metadata."""
        require(actor, READ)
        with self.db.reading() as uow:
            self._load(uow.inquiries, inquiry_id, actor)
            return present(self._attachment(uow.attachments.get(inquiry_id, attachment_id), attachment_id))

    def download(
        self, inquiry_id: int, attachment_id: int, actor: Actor, reason: str | None, *, revealed: bool = False
    ) -> Download:
        """The file's bytes; one holding personal data needs the PII permission and a reason, and the read
        is written to the audit log (in the same transaction). `revealed`: the console's reveal of this
        file (``reveal``) was audited a moment ago, for this person: the permission is checked, not the
        reason, and nothing is written again."""
        snapshot = self._authorized(inquiry_id, attachment_id, actor, reason, audit_it=not revealed)
        return Download(snapshot, self.content(snapshot.sha256))

    def reveal(self, inquiry_id: int, attachment_id: int, actor: Actor, reason: str) -> AttachmentSnapshot:
        """Open a file holding personal data for a reason (the console's 查看/播放): audited, no bytes."""
        return self._authorized(inquiry_id, attachment_id, actor, reason, audit_it=True)

    def _authorized(
        self, inquiry_id: int, attachment_id: int, actor: Actor, reason: str | None, *, audit_it: bool
    ) -> AttachmentSnapshot:
        require(actor, READ)
        with self.db.writing() as uow:
            self._load(uow.inquiries, inquiry_id, actor)
            row = self._attachment(uow.attachments.get(inquiry_id, attachment_id), attachment_id)
            if row.holds_personal_data:
                require(actor, PII)
                if audit_it:
                    if not (reason or "").strip():
                        raise InvalidInput("reason", "required to open a file holding personal data")
                    why = str(reason).strip()
                    audit.record(uow.audit, actor, REVEAL, ("attachment", row.id), why, self.clock())
            return present(row)

    # ---- for systems (the adapters' intake and the signed links they fetch) ------------------------

    def intake(self, inquiry_id: int, files: Sequence[NewFile], source: str, actor: Actor) -> int:
        """Store what a system sent with an inquiry (repeats by its own id are skipped); how many new rows.
        The inquiry's other data is already taken in: a refused file raises FileRefused, stores nothing."""
        with self.db.writing() as uow:
            uow.inquiries.get(inquiry_id, for_update=True)  # one writer at a time under the limit
            fresh = [
                f
                for f in files
                if f.external_ref is None
                or uow.attachments.by_external(inquiry_id, source, f.external_ref) is None
            ]
            checked = check_files(self.policy, fresh, uow.attachments.total_size(inquiry_id))
            self._store(checked)
            uow.attachments.add(
                [self._row(inquiry_id, c, Marks(kind=c.file.kind), source, actor) for c in checked]
            )
            return len(checked)

    def prepared(self, files: Sequence[NewFile], source: str, actor: Actor) -> list[dict[str, object]]:
        """A new inquiry's files from a system, checked one by one (one refused is logged and left out,
        the rest kept, under the per-inquiry limit together), their bytes stored: the rows to write, by
        ``add_rows``, in the inquiry's own transaction, so that no message about the inquiry can leave
        before its files are there."""
        kept: list[Checked] = []
        rows: list[dict[str, object]] = []
        for file in files:
            try:
                (checked,) = check_files(self.policy, [file], sum(c.size for c in kept))
                rows.append(self._row(0, checked, Marks(kind=file.kind), source, actor))
            except (FileRefused, InvalidInput) as err:
                log.warning("attachment from %s refused: %s", source, err)
                continue
            kept.append(checked)
        self._store(kept)
        return rows

    @staticmethod
    def add_rows(uow: UnitOfWork, inquiry_id: int, rows: Sequence[dict[str, object]]) -> None:
        """Rows ``prepared`` returned, for the new inquiry, in the caller's unit of work."""
        if rows:
            uow.attachments.add([{**row, "inquiry_id": inquiry_id} for row in rows])

    def known(self, inquiry_id: int, source: str, external_ref: str) -> bool:
        """True if the system already sent the inquiry this file (by its own id)."""
        with self.db.reading() as uow:
            return uow.attachments.by_external(inquiry_id, source, external_ref) is not None

    def of_inquiry(self, inquiry_id: int, *, public_only: bool = False) -> list[AttachmentSnapshot]:
        """Every attachment of an inquiry (for a message to a system), or its public ones alone."""
        with self.db.reading() as uow:
            rows = uow.attachments.of_inquiry(inquiry_id)
            return [present(r) for r in rows if r.public or not public_only]

    def content(self, sha256: str) -> bytes:
        """The bytes at an address."""
        try:
            return self.store.get(sha256)
        except KeyError:
            raise NotFound(f"attachment content {sha256[:12]}… not found") from None

    # ---- shared steps -------------------------------------------------------------------------------

    def _store(self, checked: Sequence[Checked]) -> None:
        # Bytes first, rows after in the caller's transaction: a row never points at missing bytes; a
        # failed transaction leaves at most an unreferenced blob, which is harmless (content-addressed).
        for c in checked:
            self.store.put(c.sha256, c.file.content, c.media_type)

    def _row(self, inquiry_id: int, c: Checked, marks: Marks, source: str, actor: Actor) -> dict[str, object]:
        kind = marks.kind or kind_for(c.media_type, source)
        if kind == "recording" and not c.media_type.startswith("audio/"):
            raise InvalidInput("kind", f"{c.file.filename}: a recording must be audio, not {c.media_type}")
        return {
            "inquiry_id": inquiry_id,
            "sha256": c.sha256,
            "size": c.size,
            "media_type": c.media_type,
            "filename": c.file.filename[-255:],
            "source": source,
            "kind": kind,
            "public": marks.public,
            "holds_personal_data": holds_personal_data(kind, marks.holds_personal_data),
            "external_ref": c.file.external_ref,
            "created_by": actor.name,
            "created_by_role": actor.role,
            "created_at": self.clock(),
        }

    @staticmethod
    def _load(inquiries: InquiryRepository, inquiry_id: int, actor: Actor, lock: bool = False) -> Inquiry:
        inquiry = inquiries.get(inquiry_id, for_update=lock)
        if inquiry is None:
            raise NotFound(f"inquiry {inquiry_id} not found")
        departments = [inquiry.department_code, *(c.department_code for c in inquiry.co_departments)]
        if not actor.scope.admits(inquiry.channel, inquiry.forwarded_to, departments):
            raise NotFound(f"inquiry {inquiry_id} not found")
        return inquiry

    @staticmethod
    def _attachment(row: Attachment | None, attachment_id: int) -> Attachment:
        if row is None:
            raise NotFound(f"attachment {attachment_id} not found")
        return row

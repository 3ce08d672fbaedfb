"""附件 (attachments): what a file carried with an inquiry or reply is, the rules of who marks what, and the
port its bytes are stored behind (content-addressed by SHA-256, so a file sent twice is stored once)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class AttachmentKind(StrEnum):
    """What the file is."""

    RECORDING = "recording"  # 录音: a 12345 call recording; always personal data
    PHOTO = "photo"  # 照片
    DOCUMENT = "document"  # 文件: a department's reply document, a website message's attachment
    SCAN = "scan"  # 扫描件: a paper a citizen brought to the window; always personal data


class AttachmentSource(StrEnum):
    """Where the file came from (the system or the desk that sent it)."""

    HOTLINE = "hotline"
    WEBSITE = "website"
    WINDOW = "window"
    DEPARTMENT = "department"
    DEPT_HOTLINE = "dept_hotline"
    API = "api"


# Kinds that always hold personal data: the caller's voice, a citizen's papers.
ALWAYS_PERSONAL = frozenset({AttachmentKind.RECORDING, AttachmentKind.SCAN})

# Extensions that name the same type as the one filetype reports (its canonical extension first).
_SAME_TYPE = {
    "jpg": {"jpg", "jpeg", "jpe"},
    "tif": {"tif", "tiff"},
    "mp3": {"mp3"},
    "m4a": {"m4a", "mp4"},
    "amr": {"amr"},
    "midi": {"midi", "mid"},
    "aiff": {"aiff", "aif"},
    "ogg": {"ogg", "oga", "opus"},
}


@dataclass(frozen=True)
class AttachmentPolicy:
    """The limits config.yaml sets (attachments:): sizes in bytes, the media types allowed."""

    max_file_bytes: int = 10 * 1024 * 1024
    max_inquiry_bytes: int = 50 * 1024 * 1024
    types: frozenset[str] = frozenset({"image/jpeg", "image/png", "application/pdf", "audio/mpeg"})
    storage: str = "filesystem"  # or "s3"
    directory: str = "var/attachments"
    s3_bucket: str = "gateway-attachments"
    s3_endpoint_url: str | None = None
    s3_region: str = "cn-north-1"
    s3_prefix: str = "attachments/"
    link_seconds: int = 86400  # how long a signed download link for an external system stays valid
    public_url: str = "http://127.0.0.1:8000"  # where external systems reach the gateway (the links' base)


def sha256_of(content: bytes) -> str:
    """The content's address: its SHA-256 in hex."""
    return hashlib.sha256(content).hexdigest()


def extension_lies(filename: str, detected_extension: str) -> bool:
    """True if the file's name has an extension naming another type than its bytes are."""
    stem, dot, extension = filename.rpartition(".")
    if not dot or not stem or not extension:
        return False  # no extension claims nothing
    claimed = extension.lower()
    return claimed not in _SAME_TYPE.get(detected_extension, {detected_extension})


def kind_for(media_type: str, source: str) -> AttachmentKind:
    """The kind a file is taken as when the sender does not say: audio is a recording, an image a photo
    (a scan at the window), anything else a document."""
    if media_type.startswith("audio/"):
        return AttachmentKind.RECORDING
    if media_type.startswith("image/"):
        return AttachmentKind.SCAN if source == AttachmentSource.WINDOW else AttachmentKind.PHOTO
    return AttachmentKind.DOCUMENT


def holds_personal_data(kind: str, declared: bool) -> bool:
    """Recordings and scans always hold personal data; other kinds as the sender declares."""
    return declared or kind in ALWAYS_PERSONAL


class BlobStore(Protocol):
    """Where attachments' bytes are kept, each under its SHA-256 (the filesystem, or S3 storage)."""

    def put(self, sha256: str, content: bytes, media_type: str) -> bool:
        """Keep the content under its address; False if it was there already (stored once)."""

    def get(self, sha256: str) -> bytes:
        """The content at the address; KeyError if there is none."""

    def has(self, sha256: str) -> bool:
        """True if the address holds content."""


@dataclass(frozen=True)
class NewFile:
    """A file to attach, as it arrived: its name, its bytes, and the sender's own id of it if any."""

    filename: str
    content: bytes
    external_ref: str | None = None
    kind: str | None = None  # as the sending system labels it (else judged from the type)
    url: str | None = None  # where the sending system serves it, when it sent a link, not the bytes

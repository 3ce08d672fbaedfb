"""The embedded blob store: attachments' bytes as files under a directory (var/attachments by default),
each at <aa>/<bb>/<sha256>. One instance only; several instances share S3 storage instead
(adapters/objectstore)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from gateway.domain.attachments import sha256_of


class FileBlobStore:
    """Content-addressed files: a file sent twice is written once."""

    def __init__(self, directory: str | Path) -> None:
        self.root = Path(directory)

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise KeyError(sha256)  # never a path built from anything but a digest
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, sha256: str, content: bytes, media_type: str) -> bool:
        """Write the content under its digest (atomically: a reader never sees half a file)."""
        if sha256_of(content) != sha256:
            raise ValueError("the content does not match its SHA-256")
        path = self._path(sha256)
        if path.exists():
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(content)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return True

    def get(self, sha256: str) -> bytes:
        """The bytes under the digest; KeyError if none."""
        try:
            return self._path(sha256).read_bytes()
        except FileNotFoundError:
            raise KeyError(sha256) from None

    def has(self, sha256: str) -> bool:
        """True if the digest's file exists."""
        try:
            return self._path(sha256).is_file()
        except KeyError:
            return False

"""The limits every file must pass before anything is stored: size per file and per inquiry, the type
judged from the bytes (filetype), never from the name, and a name that does not lie about it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import filetype

from gateway.domain.attachments import AttachmentPolicy, NewFile, extension_lies, sha256_of
from gateway.domain.errors import FileRefused


@dataclass(frozen=True)
class Checked:
    """A file that passed: its bytes, digest and media type as judged."""

    file: NewFile
    sha256: str
    media_type: str

    @property
    def size(self) -> int:
        return len(self.file.content)


def check_files(policy: AttachmentPolicy, files: Sequence[NewFile], already: int) -> list[Checked]:
    """Every file checked, or FileRefused naming the first that fails (so none is stored)."""
    checked: list[Checked] = []
    total = already
    for file in files:
        size = len(file.content)
        if size > policy.max_file_bytes:
            raise FileRefused(
                file.filename,
                f"{size} bytes, over the limit of {policy.max_file_bytes} bytes per file",
                too_large=True,
            )
        if size == 0:
            raise FileRefused(file.filename, "empty file", too_large=False)
        guessed = filetype.guess(file.content)
        if guessed is None or guessed.mime not in policy.types:
            judged = guessed.mime if guessed is not None else "not a recognised type"
            allowed = ", ".join(sorted(policy.types))
            raise FileRefused(
                file.filename, f"type {judged} is not allowed; allowed: {allowed}", too_large=False
            )
        if extension_lies(file.filename, guessed.extension):
            raise FileRefused(
                file.filename,
                f"the name's extension lies: the bytes are {guessed.mime} (.{guessed.extension})",
                too_large=False,
            )
        total += size
        if total > policy.max_inquiry_bytes:
            raise FileRefused(
                file.filename,
                f"the inquiry's attachments would reach {total} bytes, over the limit of "
                f"{policy.max_inquiry_bytes} bytes per inquiry",
                too_large=True,
            )
        checked.append(Checked(file, sha256_of(file.content), guessed.mime))
    return checked

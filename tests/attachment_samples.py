"""Small files of real types for the attachment tests: their first bytes are what filetype judges by."""

from __future__ import annotations

import struct
import zlib


def png(seed: int = 0, size: int = 0) -> bytes:
    """A valid 1x1 PNG (its colour from the seed), padded with a comment chunk to about `size` bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixel = zlib.compress(bytes([0, seed % 256, (seed * 7) % 256, 200]))
    padding = chunk(b"tEXt", b"Comment\x00" + b"x" * max(0, size - 80)) if size else b""
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + padding + chunk(b"IDAT", pixel) + chunk(b"IEND", b"")
    )


def pdf(text: str = "答复意见") -> bytes:
    """A minimal PDF document."""
    body = text.encode("utf-8")
    return b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n% " + body + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def mp3(frames: int = 8) -> bytes:
    """An MP3 recording: an ID3v2 header and silent MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz; 38 a
    second)."""
    id3 = b"ID3\x03\x00\x00\x00\x00\x00\x00"
    frame = b"\xff\xfb\x90\x64" + b"\x00" * 413
    return id3 + frame * frames


def wav(seconds: float = 0.5) -> bytes:
    """A PCM WAV recording of silence (8 kHz, 16-bit, mono)."""
    samples = b"\x00\x00" * int(8000 * seconds)
    fmt = struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16)
    return (
        b"RIFF"
        + struct.pack("<I", 36 + len(samples))
        + b"WAVEfmt "
        + struct.pack("<I", 16)
        + fmt
        + b"data"
        + struct.pack("<I", len(samples))
        + samples
    )


ZIP = b"PK\x03\x04" + b"\x00" * 60  # a zip archive's header: a type the default limits do not allow

"""Silent PCM WAV files (input fixtures: speech-driven models read audio durations)."""

from __future__ import annotations

import struct


def wav(seconds: float, rate: int = 8000) -> bytes:
    """A silent 8-bit mono PCM WAV of `seconds` (input fixtures: s2v and friends read audio durations)."""
    size = round(seconds * rate)
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate, 1, 8)
    body = b"WAVE" + _riff(b"fmt ", fmt) + _riff(b"data", b"\x80" * size)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _riff(kind: bytes, data: bytes) -> bytes:
    return kind + struct.pack("<I", len(data)) + data + b"\x00" * (len(data) & 1)

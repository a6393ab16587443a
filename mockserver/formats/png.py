"""Deterministic result images: solid-colour PNGs built in pure Python, cached; and the colour of a task."""

from __future__ import annotations

import functools
import hashlib
import struct
import zlib


def colour_of(seed: str) -> tuple[int, int, int]:
    """A stable, clearly visible colour for `seed` (a task id)."""
    d = hashlib.sha256(seed.encode()).digest()
    return 48 + d[0] % 160, 48 + d[1] % 160, 48 + d[2] % 160


_ROWS_PER_CHUNK = 64


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _adler_combine(adler1: int, adler2: int, len2: int) -> int:
    """adler32(A + B) from adler32(A), adler32(B) and len(B) (zlib's adler32_combine)."""
    base = 65521
    rem = len2 % base
    sum1 = adler1 & 0xFFFF
    sum2 = (rem * sum1) % base
    sum1 = (sum1 + (adler2 & 0xFFFF) + base - 1) % base
    sum2 = (sum2 + (adler1 >> 16) + (adler2 >> 16) + base - rem) % base
    return (sum2 << 16) | sum1


@functools.lru_cache(maxsize=32)
def image(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A PNG of a solid colour (8-bit RGB), width x height.

    Row 0 is stored as is and every later row with the Up filter, i.e. all zeros. A block of zero rows is
    compressed once, ended with a full flush (no back-references across it), and repeated, so the cost does
    not grow with the pixel count (RFC 1951 §3.2.3, RFC 1950 adler32).
    """
    first = b"\x00" + bytes(rgb) * width
    zero_rows = (b"\x02" + b"\x00" * (3 * width)) * _ROWS_PER_CHUNK
    comp = zlib.compressobj(6, zlib.DEFLATED, -15)
    head = comp.compress(first) + comp.flush(zlib.Z_FULL_FLUSH)
    adler = zlib.adler32(first)
    rest = height - 1
    whole, tail = divmod(rest, _ROWS_PER_CHUNK)
    block = zlib.compressobj(6, zlib.DEFLATED, -15)
    block_bytes = block.compress(zero_rows) + block.flush(zlib.Z_FULL_FLUSH)
    parts = [b"\x78\x9c", head, block_bytes * whole]
    block_adler = zlib.adler32(zero_rows)
    for _ in range(whole):
        adler = _adler_combine(adler, block_adler, len(zero_rows))
    last = zero_rows[: tail * (1 + 3 * width)]
    adler = zlib.adler32(last, adler)
    end = zlib.compressobj(6, zlib.DEFLATED, -15)
    parts.append(end.compress(last) + end.flush(zlib.Z_FINISH))
    parts.append(struct.pack(">I", adler & 0xFFFFFFFF))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", b"".join(parts)) + _chunk(b"IEND", b"")

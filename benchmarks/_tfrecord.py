"""TFRecord files without TensorFlow: framing, CRC-32C checks, and a writer for tests.

Each record is ``uint64 length | uint32 masked_crc32c(length) | data | uint32 masked_crc32c(data)``
(little-endian; TensorFlow's ``core/lib/io/record_writer``). CRC-32C (Castagnoli, reflected
polynomial 0x82F63B78) is computed with NumPy, vectorised over all records of equal length, so
the 0.5 GB NAS-Bench-101 file is checked in seconds without a compiled CRC package.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from pathlib import Path

import numpy as np


class RecordError(ValueError):
    """The file is not a well-formed TFRecord (truncated or corrupt); the message says where."""


def _table() -> np.ndarray:
    table = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        table = np.where(table & 1, (table >> 1) ^ np.uint32(0x82F63B78), table >> 1).astype(np.uint32)
    return table


TABLE = _table()


def crc32c_rows(rows: np.ndarray) -> np.ndarray:
    """CRC-32C of every row of an (n, L) uint8 array."""
    cols = np.ascontiguousarray(np.asarray(rows, dtype=np.uint8).T)
    crc = np.full(cols.shape[1], 0xFFFFFFFF, dtype=np.uint32)
    for col in cols:
        crc = TABLE[(crc ^ col) & 0xFF] ^ (crc >> 8)
    return crc ^ np.uint32(0xFFFFFFFF)


def crc32c(data: bytes) -> int:
    return int(crc32c_rows(np.frombuffer(data, dtype=np.uint8)[None, :])[0])


def masked(crc: np.ndarray | int) -> np.ndarray:
    crc = np.asarray(crc, dtype=np.int64)  # int64 so that the shift and the sum cannot overflow
    return ((((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF).astype(np.uint32)


def _masked_crcs(buf: np.ndarray, offsets: np.ndarray, lengths: np.ndarray, chunk: int = 8192) -> np.ndarray:
    """Masked CRC-32C of ``buf[o:o+l]`` for every (offset, length), grouped by length."""
    out = np.zeros(len(offsets), dtype=np.uint32)
    for length in np.unique(lengths):
        idx = np.flatnonzero(lengths == length)
        for start in range(0, len(idx), chunk):
            part = idx[start : start + chunk]
            rows = buf[offsets[part, None] + np.arange(int(length))]
            out[part] = masked(crc32c_rows(rows))
    return out


def read_records(path: str | Path) -> list[bytes]:
    """Every record of a TFRecord file, after checking its framing and both CRCs of each record."""
    return [record for chunk in iter_records(path) for record in chunk]


CHUNK_BYTES = 32 << 20  # read and check this much of a file at a time


def iter_records(path: str | Path, chunk_bytes: int = CHUNK_BYTES) -> Iterator[list[bytes]]:
    """The records of a TFRecord file, a list per ``chunk_bytes`` read, each record's framing and
    both CRCs checked before its list is yielded (memory: about one chunk, not the file)."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        done, carry, count = 0, b"", 0
        while True:
            block = f.read(chunk_bytes)
            raw = carry + block
            starts, lengths, end = _frames(raw, done, size, final=not block)
            if not block and not starts:
                if count == 0:
                    raise RecordError("no records")
                return
            records = _checked(raw, starts, lengths, done, count)
            count += len(records)
            done += end
            carry = raw[end:]
            yield records


def _frames(raw: bytes, offset: int, size: int, final: bool) -> tuple[list[int], list[int], int]:
    """Starts and lengths of the whole records in ``raw`` (which begins at byte ``offset`` of a
    file of ``size`` bytes), and where the first incomplete one starts; at the file's end
    (``final``) an incomplete record is an error."""
    pos, n = 0, len(raw)
    starts, lengths = [], []
    unpack = struct.Struct("<Q").unpack_from
    while pos < n:
        if pos + 12 > n:
            if final:
                raise RecordError(f"truncated record header at byte {offset + pos} of {size}")
            break
        (length,) = unpack(raw, pos)
        if pos + 16 + length > n:
            if final or offset + pos + 16 + length > size:
                left = size - offset - pos - 16
                raise RecordError(f"truncated record at byte {offset + pos}: {length} bytes announced, {left} left")
            break
        starts.append(pos)
        lengths.append(length)
        pos += 16 + length
    return starts, lengths, pos


def _checked(raw: bytes, starts: list[int], lengths: list[int], offset: int, first: int) -> list[bytes]:
    """The records at ``starts`` of ``raw`` after checking both CRCs of each (record numbers in
    errors count from ``first``, bytes from ``offset``)."""
    if not starts:
        return []
    buf = np.frombuffer(raw, dtype=np.uint8)
    starts_a, lengths_a = np.asarray(starts, dtype=np.int64), np.asarray(lengths, dtype=np.int64)
    stored = lambda off: buf[off[:, None] + np.arange(4)].copy().view("<u4").ravel()  # noqa: E731
    for what, off, n in (("length", starts_a, np.full(len(starts_a), 8)), ("data", starts_a + 12, lengths_a)):
        bad = _masked_crcs(buf, off, n) != stored(off + n)
        if bad.any():
            k = int(np.argmax(bad))
            raise RecordError(f"corrupt {what} CRC of record {first + k} (byte {offset + starts[k]})")
    return [raw[s + 12 : s + 12 + n] for s, n in zip(starts, lengths)]


def frame(record: bytes) -> bytes:
    header = struct.pack("<Q", len(record))
    crc = lambda b: struct.pack("<I", int(masked(crc32c(b))))  # noqa: E731
    return header + crc(header) + record + crc(record)

"""JSON Lines files: their lines parsed one at a time (orjson, then json for what only Python's json writes), and
a plain UTF-8 file (gzip too) read a block at a time, so that a large export streams.

>>> list(_lines(b'{"a": 1}\\n\\n{"a": 2}'))
[b'{"a": 1}', b'', b'{"a": 2}']
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

import orjson
from isal import igzip

from toolkit.load.files import _BLANK_BYTES, _decode, _utf16_without_bom

# Python's json parser recurses once per level: a document nested deeper than its recursion limit is refused.
_TOO_DEEP = "nested too deep: over Python's recursion limit, about 1,000 levels"
# Bytes read at a time from a JSON Lines file that streams (a line longer than this is read whole, as it comes).
_BLOCK = 1 << 22


class _LineError(NamedTuple):
    reason: str  # (a plain value: no traceback held while GC is paused)
    undecodable: bool = False  # the line is not UTF-8


def _utf8(data: bytes) -> bytes:
    """The bytes of a JSON Lines file as UTF-8: UTF-16 and UTF-32 decoded, a UTF-8 BOM dropped; the rest as it
    is (lines that are not UTF-8 or hold NULs are for `_json_lines` to find)."""
    if not data.strip(_BLANK_BYTES) or data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(data).encode("utf-8")  # (an empty file is rejected there)
    if b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is not None:
            return text.encode("utf-8")
    return data.removeprefix(b"\xef\xbb\xbf")


def _json_lines(data: bytes) -> list[tuple[int, Any]]:
    """(line number, value or `_LineError`) for each line that is not blank."""
    items: list[tuple[int, Any]] = []
    for number, line in enumerate(_lines(data), start=1):
        item = _json_line(line)
        if item is not None:
            items.append((number, item))
    return items


def _json_line(line: bytes) -> Any:
    """The value of a line, a `_LineError`, or None for a blank line.

    orjson parses (several times faster than json); json takes what it refuses but Python's json writes
    (NaN, Infinity, numbers beyond 64 bits, lone surrogates) and words the error.
    """
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        pass
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as err:
        return _LineError(f"not UTF-8 as the rest of the file (byte {err.start + 1} of the line)", undecodable=True)
    if not text.strip():
        return None
    if "\x00" in text:
        return _LineError("binary data (NUL bytes), not a JSON line")
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        return _LineError(f"malformed JSON line ({err.msg}, column {err.colno})")
    except RecursionError:
        return _LineError(f"malformed JSON line ({_TOO_DEEP})")


def _utf8_beyond_ascii(data: bytes) -> bool:
    """Has ``data`` a line that is UTF-8 and not only ASCII?"""
    for line in _lines(data):
        if not line.isascii():
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                continue
            return True
    return False


def _lines(data: bytes) -> Iterator[bytes]:
    """``data.split(b"\\n")``, found with bytes.find (memchr; bytes.split compares byte by byte)."""
    start = 0
    while (end := data.find(b"\n", start)) >= 0:
        yield data[start:end]
        start = end + 1
    yield data[start:]


def _plain_utf8_blocks(path: Path) -> Iterator[tuple[int, bytes]] | None:
    """The blocks of whole lines of a JSON Lines file, each with the number of its first line (`_block_lines` numbers
    the rest), when the file is plain: UTF-8 throughout (a UTF-8 BOM aside), without NUL bytes, and with a line that
    is not blank (a gzip file: readable to its end). None for any other file, which the caller reads whole (UTF-16,
    legacy encodings, NUL padding, a broken line or a broken gzip file, no JSON line at all: what is decided by the
    whole file). The file is read twice: first to check it."""
    try:
        blank, lines = True, False
        for at, block in enumerate(_blocks(path)):
            if b"\x00" in block:
                return None
            text = block.decode("utf-8")  # (blocks end at a line's end: a character is never cut)
            blank = blank and not block.strip(_BLANK_BYTES)
            # (a line of white space alone is no JSON line: a file of only such lines is rejected whole)
            lines = lines or bool((text.removeprefix("\ufeff") if at == 0 else text).strip())
    except (OSError, EOFError, UnicodeDecodeError):
        return None
    return None if blank or not lines else _numbered_blocks(path)


def _numbered_blocks(path: Path) -> Iterator[tuple[int, bytes]]:
    number = 1
    for at, block in enumerate(_blocks(path)):
        block = block.removeprefix(b"\xef\xbb\xbf") if at == 0 else block
        yield number, block
        number += block.count(b"\n") + 1


def _block_lines(first: int, block: bytes) -> Iterator[tuple[int, bytes]]:
    """(number, line) of each line of a block whose first line is number ``first``.

    >>> list(_block_lines(7, b'{"a": 1}\\n\\n{"a": 2}'))
    [(7, b'{"a": 1}'), (8, b''), (9, b'{"a": 2}')]
    """
    return enumerate(_lines(block), start=first)


def _blocks(path: Path) -> Iterator[bytes]:
    """The bytes of a file (gunzipped), in blocks of whole lines but the last (the end of the file)."""
    with _opened(path) as file:
        rest = b""
        while block := file.read(_BLOCK):
            block = rest + block
            end = block.rfind(b"\n")
            if end < 0:
                rest = block
                continue
            rest = block[end + 1 :]
            yield block[:end]
        yield rest


def _opened(path: Path) -> BinaryIO:
    with open(path, "rb") as file:
        gzipped = file.read(2) == b"\x1f\x8b"
    return igzip.open(path, "rb") if gzipped else open(path, "rb")

"""Reading the inputs: the files that ``inputs`` names, their bytes (gzip too, NUL padding taken off), their text.

Decoding: a BOM, then strict UTF-8, then UTF-16 without BOM, then Windows-1256 and the guess of charset-normalizer
(a legacy decoding is taken only if it gives Arabic text). An input that gives no row raises `_Rejected` with the
reason, which `toolkit.load.records` lists.
"""

from __future__ import annotations

import glob
import gzip
from collections.abc import Sequence
from pathlib import Path

from isal import isal_zlib

from toolkit.arabic import is_arabic
from toolkit.errors import InputError

_SUFFIX_KINDS = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
}


# Below this share of Arabic letters a decoded page is taken for the wrong encoding or not Arabic news.
_MIN_ARABIC_SHARE = 0.3


class _Rejected(Exception):
    """An input that gives no row; the message is the reason."""


def _input_files(inputs: str | Path | Sequence[str | Path]) -> list[Path]:
    """Files named by ``inputs`` (files, folders, globs), in order, each once."""
    items = [inputs] if isinstance(inputs, str | Path) else list(inputs)
    if not items:
        raise InputError("inputs", "no input given")
    files: dict[Path, None] = {}
    for item in items:
        path = Path(item)
        if path.is_dir():
            found = [f for f in sorted(path.rglob("*")) if _is_input_file(f, path)]
            if not found:
                raise InputError(path, f"no input files ({', '.join(sorted(_SUFFIX_KINDS))}) in this folder")
        elif path.is_file():
            found = [path]
        elif glob.has_magic(str(item)):
            found = [Path(m) for m in sorted(glob.glob(str(item), recursive=True)) if Path(m).is_file()]
            if not found:
                raise InputError(item, "no file matches this pattern")
        else:
            raise InputError(item, "no such file or folder")
        files.update(dict.fromkeys(found))
    return list(files)


def _is_input_file(path: Path, root: Path) -> bool:
    hidden = any(part.startswith(".") for part in path.relative_to(root).parts)
    return path.is_file() and not hidden and _file_kind(path) in _SUFFIX_KINDS.values()


def _file_kind(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes[-1:] == [".gz"]:
        suffixes.pop()
    return _SUFFIX_KINDS.get(suffixes[-1] if suffixes else "", "other")


def _without_nul_padding(data: bytes) -> bytes:
    """``data`` without the NUL bytes that pad its ends (legacy Windows tools end text files with one), when
    it has none elsewhere: NULs inside are UTF-16 or binary, for `_decode` to tell apart."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 or UTF-32: a NUL at the end may be a letter's
        return data
    unpadded = data.strip(b"\x00")
    return unpadded if unpadded and b"\x00" not in unpadded else data


def _first_line(err: BaseException) -> str:
    return (str(err).strip().splitlines() or [type(err).__name__])[0]


def _read_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            return _gunzip(data)
        except (OSError, EOFError, isal_zlib.error):
            pass
        try:  # the gzip module says better what is wrong ("Not a gzipped file", "CRC check failed")
            return gzip.decompress(data)
        except (OSError, EOFError) as err:
            raise _Rejected(f"broken gzip file ({_first_line(err)})") from err
    return data


def _gunzip(data: bytes) -> bytes:
    """Every member of a gzip file, by ISA-L (twice as fast as the gzip module on a large export; its
    decompress copies once more than a decompressor object). Raises on a broken or truncated file."""
    members = []
    while data:
        member = isal_zlib.decompressobj(wbits=31)  # (31: a gzip header and trailer)
        members.append(member.decompress(data))
        if not member.eof:
            raise EOFError("the file ends inside a gzip member")
        data = member.unused_data.lstrip(b"\x00")  # (gzip allows zeros after a member)
    return b"".join(members)


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


# White space, NUL and BOM bytes: a file of nothing else is empty.
_BLANK_BYTES = b" \t\r\n\x00\xef\xbb\xbf\xfe\xff"


def _decode(data: bytes) -> str:
    """Bytes to text: BOM, then strict UTF-8, then UTF-16 without BOM, then Windows-1256 and the guess of
    charset-normalizer (a legacy decoding is taken only if it gives Arabic text)."""
    if not data.strip(_BLANK_BYTES):
        raise _Rejected("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as err:
                raise _Rejected(f"undecodable: starts with a {encoding} BOM but is not {encoding}") from err
    if b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is None:
            raise _Rejected("binary file (NUL bytes), not text")
        return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for encoding in _legacy_encodings(data):
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if _looks_like_arabic(text):
            return text
    raise _Rejected("undecodable: not UTF-8 or UTF-16, and no Arabic text as Windows-1256 or a detected encoding")


def _utf16_without_bom(data: bytes) -> str | None:
    if len(data) % 2:
        return None
    # ASCII characters (spaces, newlines, digits) have a NUL high byte: odd positions for little-endian.
    encoding = "utf-16-le" if data[1::2].count(0) >= data[0::2].count(0) else "utf-16-be"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return text if _looks_like_arabic(text) else None


def _looks_like_arabic(text: str) -> bool:
    """A guessed decoding gives Arabic prose: Arabic letters, and words apart (random bytes have no spaces)."""
    sample = text[:20_000]
    spaces = sample.count(" ") + sample.count("\n")
    return spaces >= 0.05 * len(sample) and is_arabic(sample, min_share=_MIN_ARABIC_SHARE)


def _legacy_encodings(data: bytes) -> list[str]:
    from charset_normalizer import from_bytes

    guess = from_bytes(data[:100_000]).best()
    return ["cp1256"] + ([guess.encoding] if guess is not None and guess.encoding != "cp1256" else [])


def _looks_like_html(text: str) -> bool:
    head = text.lstrip("\ufeff \t\r\n")[:200].lower()
    return head.startswith(("<!doctype html", "<html"))


def _checked_page_text(text: str) -> str:
    """Page text that is Arabic news, or a rejection saying what it is instead."""
    sample = text[:5_000]
    if not any(c.isalpha() for c in sample):
        raise _Rejected("no text (no letters)")
    if not is_arabic(sample, min_share=_MIN_ARABIC_SHARE):
        raise _Rejected(f"no Arabic text (under {_MIN_ARABIC_SHARE:.0%} of its letters are Arabic)")
    return text

"""The records of one input file, by its kind: page text, HTML (trafilatura), JSON, JSON Lines, CSV/TSV, Parquet.

A file gives its records, an ``(origin, reason)`` pair for each part of it that gives none (the file, a line, a
row) and a `_Note` for what was changed in it: a bad record rejects that record, not its file.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import pyarrow as pa

from toolkit.load.fields import _LONE_SURROGATE, _ColumnMap, _mapped_record, _Record, _split_tags
from toolkit.load.files import (
    _checked_page_text,
    _decode,
    _file_kind,
    _first_line,
    _looks_like_html,
    _read_bytes,
    _Rejected,
    _without_nul_padding,
)
from toolkit.load.lines import (
    _TOO_DEEP,
    _block_lines,
    _json_line,
    _json_lines,
    _LineError,
    _plain_utf8_blocks,
    _utf8,
    _utf8_beyond_ascii,
)


@dataclass(frozen=True)
class _InputFile:
    path: Path
    name: str  # as origins spell it
    stem: str  # the id of a page, the prefix of an export's row ids

    @classmethod
    def at(cls, path: Path) -> _InputFile:
        name = path.name[: -len(".gz")] if path.name.lower().endswith(".gz") else path.name
        return cls(path, path.as_posix(), Path(name).stem)


class _Note(NamedTuple):
    """What was changed in an input that may still give rows."""

    origin: str
    note: str


def _records(file: _InputFile, column_map: _ColumnMap) -> Iterator[_Record | tuple[str, str] | _Note]:
    """The records of one file, or (origin, reason) for each part that gives none, and notes."""
    path, kind = file.path, _file_kind(file.path)
    if _LONE_SURROGATE.search(file.name):  # (Python keeps the bytes of a name that is not UTF-8 as surrogates)
        yield file.name, "file name is not UTF-8 (its bytes are shown as \\udcXX): rename the file to load it"
        return
    try:
        if kind == "parquet":
            yield from _parquet_records(path, file, column_map)
            return
        if (blocks := _json_lines_blocks(file)) is not None:
            yield from _streamed_json_lines(blocks, file, column_map)
            return
        data = _read_bytes(path)
        unpadded = _without_nul_padding(data)
        if padding := len(data) - len(unpadded):
            yield _Note(file.name, f"NUL padding stripped from the ends ({padding} of {len(data)} bytes)")
            data = unpadded
        if kind == "jsonl":
            yield from _json_lines_records(data, file, column_map)
            return
        text = _decode(data)
        if kind == "json":
            yield from _json_records(text, file, column_map)
        elif kind in ("csv", "tsv"):
            yield from _csv_records(text, file, "\t" if kind == "tsv" else ",", column_map)
        elif kind == "html" or _looks_like_html(text):
            yield _html_record(text, file)
        else:
            yield _Record(origin=file.name, article_id=file.stem, text=_checked_page_text(text))
    except _Rejected as reason:
        yield file.name, str(reason)
    except RecursionError:  # a JSON file's one record (an export's rows are rejected one by one)
        yield file.name, f"malformed record ({_TOO_DEEP})"
    except (OSError, ValueError, pa.ArrowException) as err:  # includes JSON, CSV and Parquet parse errors
        yield file.name, f"cannot read {kind} file: {_first_line(err)}"


def _html_record(text: str, file: _InputFile) -> _Record:
    import trafilatura

    document = trafilatura.bare_extraction(
        text,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params={"original_date": True, "outputformat": "%Y-%m-%dT%H:%M:%S%z"},
    )
    body = (document.text or "") if document is not None else ""
    title = (document.title or None) if document is not None else None
    lines = body.split("\n")
    # trafilatura repeats the headline as the first line of the text.
    if title and lines and lines[0].strip() == title.strip():
        body = "\n".join(lines[1:])
    if not body.strip():
        raise _Rejected("HTML page without main text")
    return _Record(
        origin=file.name,
        article_id=file.stem,
        text=_checked_page_text(body),
        title=title,
        source=document.sitename or None,
        published=document.date or None,
        url=document.url or None,
        tags=_split_tags(document.tags or []),
        category=", ".join(document.categories) if document.categories else None,
    )


def _json_records(text: str, file: _InputFile, column_map: _ColumnMap) -> Iterator[_Record | tuple[str, str]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise _Rejected(f"malformed JSON ({err})") from err
    except RecursionError as err:
        raise _Rejected(f"malformed JSON ({_TOO_DEEP})") from err
    if isinstance(data, dict):
        yield _mapped_record(data, file.name, file.stem, column_map)
    elif isinstance(data, list) and data:
        for number, item in enumerate(data, start=1):
            yield _export_row(item, file, number, column_map)
    else:
        raise _Rejected("JSON file is neither a record (object) nor a list of records")


def _json_lines_records(data: bytes, file: _InputFile, column_map: _ColumnMap) -> Iterator[_Record | tuple[str, str]]:
    utf8 = _utf8(data)
    items = _json_lines(utf8)
    if any(isinstance(item, _LineError) and item.undecodable for _, item in items) and not _utf8_beyond_ascii(utf8):
        # No line beyond ASCII (which legacy encodings share) is UTF-8: the file is in a legacy encoding,
        # decoded as a whole as other files are. Else the file is UTF-8 and only its broken lines are rejected
        # (decoding it all as Windows-1256 would garble every good line).
        items = _json_lines(_decode(data).encode("utf-8"))
    if not items:
        raise _Rejected("empty file (no JSON lines)")
    if b"\x00" in utf8 and all(isinstance(item, _LineError) for _, item in items):
        raise _Rejected("binary file (NUL bytes), not text")  # not a JSON Lines file with a few broken lines
    for number, item in items:
        if isinstance(item, _LineError):
            yield f"{file.name}:{number}", item.reason
        else:
            yield _export_row(item, file, number, column_map)


def _json_lines_blocks(file: _InputFile) -> Iterator[tuple[int, bytes]] | None:
    """The numbered blocks of lines of a JSON Lines file that streams (`_plain_utf8_blocks`), for
    `_streamed_json_lines`; None for any other file (`_records` reads it whole, or rejects its name)."""
    if _file_kind(file.path) != "jsonl" or _LONE_SURROGATE.search(file.name):
        return None
    return _plain_utf8_blocks(file.path)


def _streamed_json_lines(
    blocks: Iterable[tuple[int, bytes]], file: _InputFile, column_map: _ColumnMap
) -> Iterator[_Record | tuple[str, str]]:
    """The records of blocks of a plain UTF-8 JSON Lines file (`_json_lines_blocks`), as `_json_lines_records`
    reads the file whole. (Such a file has a line that is not blank: it is not empty.)"""
    for first, block in blocks:
        for number, line in _block_lines(first, block):
            item = _json_line(line)
            if item is None:
                continue
            if isinstance(item, _LineError):
                yield f"{file.name}:{number}", item.reason
            else:
                yield _export_row(item, file, number, column_map)


# Rows of a Parquet export converted to records at a time (Arrow reads them a page at a time).
_PARQUET_ROWS = 2000


def _parquet_records(path: Path, file: _InputFile, column_map: _ColumnMap) -> Iterator[_Record | tuple[str, str]]:
    """The rows of a Parquet export, read a few thousand at a time; each as `pd.read_parquet` gives it."""
    import pyarrow.parquet as pq

    with pq.ParquetFile(path) as parquet:
        if not parquet.metadata.num_rows:
            raise _Rejected("no rows")
        number = 0
        for rows in parquet.iter_batches(batch_size=_PARQUET_ROWS):
            # (a table of the file's schema: its pandas metadata makes the index and dtypes read_parquet's)
            table = pa.Table.from_batches([rows], schema=parquet.schema_arrow).to_pandas()
            for item in table.to_dict("records"):
                number += 1
                yield _export_row(item, file, number, column_map)


def _csv_records(
    text: str, file: _InputFile, delimiter: str, column_map: _ColumnMap
) -> Iterator[_Record | tuple[str, str]]:
    """The rows of a CSV or TSV file, read strictly: a quote left open would make the rows after it part of
    one field, which a lenient reader does without a word. A row that does not parse is rejected, naming its
    line, and reading goes on at the line after it; a row with more fields than the header is rejected."""
    previous = csv.field_size_limit(_CSV_FIELD_LIMIT)
    try:
        rows = [row for row in _csv_rows(io.StringIO(text, newline="").readlines(), delimiter) if row[1]]
    finally:
        csv.field_size_limit(previous)  # (a setting of the whole process)
    header = rows[0][1] if rows else []  # (blank lines aside)
    if isinstance(header, str):
        raise _Rejected(f"the header row does not parse ({header})")
    header = _unique_names(header)
    if len(rows) < 2:
        raise _Rejected("no rows")
    for number, (line, fields) in enumerate(rows[1:], start=1):
        if isinstance(fields, str):
            reason = f"row from line {line} does not parse ({fields}: a quote left open?); the lines after it are rows"
            yield f"{file.name}:{number}", reason
        elif len(fields) > len(header):
            yield f"{file.name}:{number}", f"row from line {line} has {len(fields)} fields, the header {len(header)}"
        else:  # (a short row's missing fields are empty)
            padded = fields + [""] * (len(header) - len(fields))
            yield _export_row(dict(zip(header, padded, strict=True)), file, number, column_map)


def _unique_names(names: list[str]) -> list[str]:
    """Column names as pandas reads a CSV header: a name seen before gets ".1", ".2"... (the first keeps it, and
    is the one found by name)."""
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        unique.append(f"{name}.{seen[name]}" if name in seen else name)
        seen[name] = seen.get(name, 0) + 1
    return unique


# Longer than csv's default field limit (131,072 characters: a long story is longer), and a C long everywhere.
_CSV_FIELD_LIMIT = 2**31 - 1


def _csv_rows(lines: list[str], delimiter: str) -> Iterator[tuple[int, list[str] | str]]:
    """(line number where it starts, fields) of each row, or (line, error) for a row that does not parse;
    reading goes on at the line after it."""
    start = 0  # lines before the reader's first
    while start < len(lines):
        reader = csv.reader(itertools.islice(lines, start, None), delimiter=delimiter, strict=True)
        read = 0  # lines the reader has read before the row it reads now
        try:
            for fields in reader:
                yield start + read + 1, fields
                read = reader.line_num
        except csv.Error as err:
            yield start + read + 1, str(err)
            start += read + 1
            continue
        return


def _export_row(item: Any, file: _InputFile, number: int, column_map: _ColumnMap) -> _Record | tuple[str, str]:
    origin = f"{file.name}:{number}"
    if not isinstance(item, dict):
        return origin, "not a record (JSON object)"
    try:
        return _mapped_record(item, origin, f"{file.stem}:{number}", column_map)
    except _Rejected as reason:
        return origin, str(reason)
    except RecursionError:  # a value nested deeper than Python's repr and str go (orjson reads 1,024 levels)
        return origin, f"malformed record ({_TOO_DEEP})"

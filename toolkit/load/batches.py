"""The records of the input files, cleaned a bounded number at a time: the batches that `load_articles` (one batch)
and `toolkit.load.stream.iter_articles` (many) make their frames of.

A batch holds the rows of up to ``batch_size`` records (read and rejected ones counted alike), whichever files they
come from: a large export is cut into several batches, small pages share one. Ids are made unique over all batches
(a set of the ids given so far). What differs with the batch size, and only for a file cut into batches: the ids of
a file's records are given a batch at a time, so an embedded or headline row whose id (``<page>#e1``) a record of a
later batch of the same file also has keeps it, and the record gets ``~2`` (in one batch, the record keeps it).

Reading and cleaning are apart from what is done in reading order. Records are read and cleaned in pieces
(`_Piece`: a run of records of one file or several, their ids as read), here (`_read_pieces`) or by the workers of
a Dask cluster (`_Span`, `_span_pieces`; `toolkit.distributed.iter_articles_dask`). `_batches` makes the batches of
the pieces, in reading order: it counts the records, cuts a piece where a batch ends, and gives the ids. So the
batches are the same wherever the pieces were read and however they were cut.

>>> from toolkit.load.rules import boilerplate_rules
>>> files = _input_files("data/raw")
>>> pieces = _read_pieces(files, (), boilerplate_rules(), 1, progress=False)
>>> [len(batch.rows) for batch in _batches(pieces, 1, "collect")]
[11, 0]
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, NamedTuple

from toolkit.duplicates import StoryWords
from toolkit.errors import InputError
from toolkit.load.fields import _ColumnMap, _Record, check_column_map
from toolkit.load.files import _input_files
from toolkit.load.lines import _BLOCK
from toolkit.load.pages import _stories_rows, _Texts
from toolkit.load.records import _InputFile, _json_lines_blocks, _Note, _records, _streamed_json_lines
from toolkit.load.rules import BoilerplateRules, boilerplate_rules

# Records cleaned together (the text steps run on all of them at once; their arrays stay in the CPU cache).
_RECORDS_AT_A_TIME = 2000
# A progress bar is shown (progress=None) from this many input files on.
_PROGRESS_FROM_FILES = 50


class _Read(NamedTuple):
    """A record of a piece, without its text (cleaned already): where it comes from, and its id as read."""

    origin: str
    article_id: str


# An item of a piece, in reading order: a record, a rejection (origin, reason) or a note.
_Item = _Read | tuple[str, str] | _Note


@dataclass
class _Piece:
    """A run of input read and cleaned together, ids as read: its items (records, rejections and notes, in reading
    order), where each file's items start, and its records' rows. Record ``k`` (numbered in reading order) has rows
    ``row_bounds[k]`` to ``row_bounds[k + 1]`` of ``rows`` and ``texts``, and stories (rows but headlines)
    ``story_bounds[k]`` to ``story_bounds[k + 1]`` of ``words``."""

    items: list[_Item]
    files: list[tuple[int, str]]  # (its first item, name) of each file, in order
    rows: list[dict[str, Any]]
    words: StoryWords
    texts: _Texts
    row_bounds: list[int]
    story_bounds: list[int]
    not_cleaned: list[tuple[int, tuple[str, str]]]  # (record, rejection) of each record that gave no row

    @property
    def records(self) -> int:
        return len(self.row_bounds) - 1


def _cleaned_piece(
    runs: Iterable[tuple[str, Iterable[_Record | tuple[str, str] | _Note]]], rules: BoilerplateRules
) -> _Piece:
    """The piece of some files' items (each file's name and items, in reading order), its records cleaned."""
    items: list[_Item] = []
    files: list[tuple[int, str]] = []
    records: list[_Record] = []
    for name, file_items in runs:
        files.append((len(items), name))
        for item in file_items:
            if isinstance(item, _Record):
                records.append(item)
                item = _Read(item.origin, item.article_id)
            items.append(item)
    rows: list[dict[str, Any]] = []
    rejected: list[tuple[str, str]] = []
    words, texts = [], []
    for first in range(0, max(len(records), 1), _RECORDS_AT_A_TIME):
        chunk = _stories_rows(records[first : first + _RECORDS_AT_A_TIME], rules)
        rows.extend(chunk[0])
        rejected.extend(chunk[1])
        words.append(chunk[2])
        texts.append(chunk[3])
    return _Piece(
        items,
        files,
        rows,
        words[0] if len(words) == 1 else StoryWords.joined(words),  # (a piece is one chunk, unless a file is large)
        texts[0] if len(texts) == 1 else _Texts.joined(texts),
        *_bounds(records, rows, rejected),
    )


def _bounds(
    records: list[_Record], rows: list[dict[str, Any]], rejected: list[tuple[str, str]]
) -> tuple[list[int], list[int], list[tuple[int, tuple[str, str]]]]:
    """Per record, where its rows and its stories start (one more entry: the ends), and the records that gave no
    row. (A record's rows are its story, then its embedded and headline rows; the rejected come in record order.)"""
    row_bounds, story_bounds, not_cleaned = [0], [0], []
    row = stories = 0
    for k, record in enumerate(records):
        if len(not_cleaned) < len(rejected) and rejected[len(not_cleaned)][0] == record.origin:
            not_cleaned.append((k, rejected[len(not_cleaned)]))
        else:
            row, stories = row + 1, stories + 1
            while row < len(rows) and rows[row]["kind"] != "article":
                stories += rows[row]["kind"] != "headline"
                row += 1
        row_bounds.append(row)
        story_bounds.append(stories)
    return row_bounds, story_bounds, not_cleaned


def _read_pieces(
    files: list[Path], column_map: _ColumnMap, rules: BoilerplateRules, size: int, progress: bool | None
) -> Iterator[_Piece]:
    """In process: the records of ``files`` read one after the other and cleaned ``size`` items (records and
    rejections) at a time, so that a piece ends where a batch of ``size`` ends (and none is cut)."""
    return _pieces_of(map(_InputFile.at, _with_progress(files, progress)), column_map, rules, size)


def _pieces_of(
    files: Iterable[_InputFile], column_map: _ColumnMap, rules: BoilerplateRules, size: int
) -> Iterator[_Piece]:
    """The records of ``files``, read one after the other, cleaned in pieces of ``size`` items (records and
    rejections); none is empty."""
    runs: list[tuple[str, list[_Record | tuple[str, str] | _Note]]] = []
    counted = 0
    for file in files:
        runs.append((file.name, []))
        for item in _records(file, column_map):
            runs[-1][1].append(item)
            counted += not isinstance(item, _Note)
            if counted == size:
                yield _cleaned_piece(runs, rules)
                runs, counted = [(file.name, [])], 0
    if any(items for _, items in runs):
        yield _cleaned_piece(runs, rules)


def _load_inputs(
    inputs: str | Path | Sequence[str | Path],
    column_map: Mapping[str, str] | None,
    rules: BoilerplateRules | str | Path | None,
    on_error: str,
) -> tuple[list[Path], _ColumnMap, BoilerplateRules]:
    """The files, column map and compiled rules of a load, its options checked (`load_articles`'s)."""
    if on_error not in ("collect", "raise"):
        raise ValueError(f"on_error must be 'collect' or 'raise', not {on_error!r}")
    compiled = rules if isinstance(rules, BoilerplateRules) else boilerplate_rules(rules)
    return _input_files(inputs), check_column_map(column_map or {}), compiled


# ---------------------------------------------------------------- spans: what a Dask worker reads and cleans


@dataclass(frozen=True)
class _Files:
    """Whole files, read by the worker that cleans them (at their absolute paths: its working folder may differ)."""

    files: tuple[_InputFile, ...]


@dataclass(frozen=True)
class _Lines:
    """A run of lines of a JSON Lines file that streams, read by the client (a gzip file can only be read from its
    start), parsed and cleaned by a worker. ``first``: the number of its first line."""

    file: _InputFile
    first: int
    block: bytes


_Span = _Files | _Lines


def _spans(files: Iterable[Path], size: int) -> Iterator[_Span]:
    """The input in spans that a worker reads and cleans on its own, in reading order: runs of up to ``size``
    lines (and about `toolkit.load.lines._BLOCK` bytes) of a JSON Lines file that streams; other files whole, up to
    ``size`` of them or about as many bytes together.

    >>> [type(span).__name__ for span in _spans(_input_files("data/raw"), 2000)]
    ['_Files']
    """
    group: list[_InputFile] = []
    group_bytes = 0
    for path in files:
        file = replace(_InputFile.at(path), path=path.absolute())
        blocks = _json_lines_blocks(file)
        if blocks is None:
            group.append(file)
            group_bytes += path.stat().st_size
            if len(group) >= size or group_bytes >= _BLOCK:
                yield _Files(tuple(group))
                group, group_bytes = [], 0
            continue
        if group:
            yield _Files(tuple(group))
            group, group_bytes = [], 0
        for first, block in blocks:
            for before, run in _runs_of_lines(block, size):
                yield _Lines(file, first + before, run)
    if group:
        yield _Files(tuple(group))


def _runs_of_lines(block: bytes, size: int) -> Iterator[tuple[int, bytes]]:
    """(lines before it, run) of each run of up to ``size`` lines of ``block``.

    >>> list(_runs_of_lines(b"a\\nb\\nc", 2))
    [(0, b'a\\nb'), (2, b'c')]
    """
    start = before = 0
    while True:
        end = start
        for _ in range(size):
            end = block.find(b"\n", end) + 1
            if not end:
                yield before, block[start:]
                return
        yield before, block[start : end - 1]
        start, before = end, before + size


def _span_pieces(span: _Span, column_map: _ColumnMap, rules: BoilerplateRules, size: int) -> list[_Piece]:
    """The pieces of a span: its files or lines read, its records cleaned ``size`` at a time (what a Dask worker
    runs; a large file gives many)."""
    if isinstance(span, _Lines):
        lines = _streamed_json_lines([(span.first, span.block)], span.file, column_map)
        return [_cleaned_piece([(span.file.name, lines)], rules)]
    return list(_pieces_of(span.files, column_map, rules, size))


# ---------------------------------------------------------------- the batches of the pieces, in reading order


@dataclass
class _Batch:
    """Rows (but their texts), the story rows' words, the rows' texts, and the rejections and notes of some
    records, in reading order."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    words: list[StoryWords] = field(default_factory=list)
    texts: list[_Texts] = field(default_factory=list)
    rejections: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    size: int = 0  # records read and rejected
    place: dict[str, int] = field(default_factory=dict)  # origin -> place in reading order

    def take(self, piece: _Piece, first: int, end: int) -> None:
        """Add the rows, words and texts of records ``first`` to ``end`` of ``piece``."""
        if first == end:
            return
        rows, stories = piece.row_bounds, piece.story_bounds
        self.rows.extend(piece.rows[rows[first] : rows[end]])
        if (first, end) == (0, piece.records):  # (in process, pieces end where batches do: none is cut)
            self.words.append(piece.words)
            self.texts.append(piece.texts)
        else:
            self.words.append(piece.words.sliced(stories[first], stories[end]))
            self.texts.append(piece.texts.sliced(rows[first], rows[end]))


@dataclass
class _Batcher:
    """Makes batches of pieces read in order: counts their items, and gives their ids a file's records at a time
    (as reading gave them: a file's records in a batch, then their embedded and headline rows)."""

    batch_size: int | None
    on_error: Literal["collect", "raise"]
    batch: _Batch = field(default_factory=_Batch)
    used_ids: set[str] = field(default_factory=set)
    file: str | None = None  # the file whose records in the batch are still to get their ids:
    ids: list[str] = field(default_factory=list)  # their ids as read,
    parts: list[tuple[_Piece, int, int]] = field(default_factory=list)  # and where they are (piece, first, end)

    def batches(self, pieces: Iterable[_Piece]) -> Iterator[_Batch]:
        """The batches of ``pieces``; a batch without rows too (its rejections are listed), and the last, empty or
        not."""
        for piece in pieces:
            yield from self._add(piece)
        self._give_ids()
        yield self.batch

    def _add(self, piece: _Piece) -> Iterator[_Batch]:
        record = taken = 0  # records of the piece seen, and added to a batch
        for (start, name), (end, _) in zip(piece.files, [*piece.files[1:], (len(piece.items), "")], strict=True):
            if name != self.file:
                self._give_ids()
                self.file = name
            first = record
            for item in piece.items[start:end]:
                if isinstance(item, _Note):
                    self.batch.notes.append(item)
                    continue
                if isinstance(item, _Read):
                    self.ids.append(item.article_id)
                    record += 1
                else:
                    self.batch.rejections.append(item)
                self.batch.place[item[0]] = len(self.batch.place)
                self.batch.size += 1
                if self.batch_size is not None and self.batch.size >= self.batch_size:
                    self.parts.append((piece, first, record))
                    self.batch.take(piece, taken, record)
                    self._give_ids()
                    yield self.batch
                    self.batch, first, taken = _Batch(), record, record
            self.parts.append((piece, first, record))
        self.batch.take(piece, taken, record)

    def _give_ids(self) -> None:
        """Make the ids of the file's records in the batch unique, then those of their other rows; add the records
        that gave no row to the rejections. (Rows of a record start with its id as read: ``<id>#e1``.)"""
        unique = [_unique_id(article_id, self.used_ids) for article_id in self.ids]
        record = 0
        for piece, first, end in self.parts:
            for k in range(first, end):
                if unique[record] != self.ids[record]:
                    _renamed(
                        piece.rows[piece.row_bounds[k] : piece.row_bounds[k + 1]], self.ids[record], unique[record]
                    )
                record += 1
        for piece, first, end in self.parts:
            for row in piece.rows[piece.row_bounds[first] : piece.row_bounds[end]]:
                if row["kind"] != "article":  # an embedded or headline row's id may be a record's too
                    row["article_id"] = _unique_id(row["article_id"], self.used_ids)
            cleaned = piece.not_cleaned
            at = bisect.bisect_left(cleaned, first, key=lambda rejected: rejected[0])
            self.batch.rejections.extend(rejection for k, rejection in cleaned[at:] if k < end)
        # Rejections in the order of their records (a cleaning one among the reading ones).
        self.batch.rejections.sort(key=lambda rejection: self.batch.place[rejection[0]])
        self.ids, self.parts = [], []
        if self.batch.rejections and self.on_error == "raise":
            raise InputError(*self.batch.rejections[0])


def _batches(
    pieces: Iterable[_Piece], batch_size: int | None, on_error: Literal["collect", "raise"]
) -> Iterator[_Batch]:
    """The batches of up to ``batch_size`` records (None: one batch) of ``pieces``, read in order."""
    return _Batcher(batch_size, on_error).batches(pieces)


def _renamed(rows: list[dict[str, Any]], read: str, given: str) -> None:
    """Give a record's rows the record's id ``given`` in place of ``read``: its story's, and the start of its
    embedded and headline rows' ids (``<id>#e1``), which name it as their parent."""
    for row in rows:
        row["article_id"] = given + row["article_id"][len(read) :]
        if row["parent_id"] is not None:
            row["parent_id"] = given


def _unique_id(article_id: str, used: set[str]) -> str:
    candidate, number = article_id, 1
    while candidate in used:
        number += 1
        candidate = f"{article_id}~{number}"
    used.add(candidate)
    return candidate


def _with_progress(files: Sequence[Path], progress: bool | None) -> Iterable[Path]:
    show = progress if progress is not None else len(files) >= _PROGRESS_FROM_FILES
    if not show:
        return files
    from tqdm.auto import tqdm

    return tqdm(files, unit="file", desc="cleaning", leave=False)

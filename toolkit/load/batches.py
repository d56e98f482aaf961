"""The records of the input files, cleaned a bounded number at a time: the batches that `load_articles` (one batch)
and `toolkit.load.stream.iter_articles` (many) make their frames of.

A batch holds the rows of up to ``batch_size`` records (read and rejected ones counted alike), whichever files they
come from: a large export is cut into several batches, small pages share one. Ids are made unique over all batches
(a set of the ids given so far). What differs with the batch size, and only for a file cut into batches: the ids of
a file's records are given a batch at a time, so an embedded or headline row whose id (``<page>#e1``) a record of a
later batch of the same file also has keeps it, and the record gets ``~2`` (in one batch, the record keeps it).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from toolkit.duplicates import StoryWords
from toolkit.errors import InputError
from toolkit.load.fields import _Record
from toolkit.load.pages import _stories_rows, _Texts
from toolkit.load.records import _Note, _records
from toolkit.load.rules import BoilerplateRules

# Records cleaned together (the text steps run on all of them at once; their arrays stay in the CPU cache).
_RECORDS_AT_A_TIME = 2000
# A progress bar is shown (progress=None) from this many input files on.
_PROGRESS_FROM_FILES = 50


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

    def clean(self, records: list[_Record], rules: BoilerplateRules, used_ids: set[str]) -> None:
        """Clean ``records`` (ids given already) into rows, a few thousand at a time."""
        for first in range(0, len(records), _RECORDS_AT_A_TIME):
            rows, not_cleaned, words, texts = _stories_rows(records[first : first + _RECORDS_AT_A_TIME], rules)
            for row in rows:  # an embedded or headline row's id (its page's + "#e1") may be a record's too
                if row["kind"] != "article":
                    row["article_id"] = _unique_id(row["article_id"], used_ids)
            self.rows.extend(rows)
            self.words.append(words)
            self.texts.append(texts)
            self.rejections.extend(not_cleaned)
        # Rejections in the order of their records (a cleaning one among the reading ones).
        self.rejections.sort(key=lambda rejection: self.place[rejection[0]])


def _raw_batches(
    files: list[Path],
    column_map: Mapping[str, str],
    rules: BoilerplateRules,
    on_error: Literal["collect", "raise"],
    batch_size: int | None,
    progress: bool | None,
) -> Iterator[_Batch]:
    """The batches of ``files`` (``batch_size=None``: one). A batch without rows is yielded too (its rejections
    are listed); so is the last, empty or not."""
    used_ids: set[str] = set()
    batch = _Batch()
    for item in _with_progress(files, progress):
        records: list[_Record] = []  # read, not cleaned yet: a file's records get their ids before its rows do
        for record in _records(item, column_map):
            if isinstance(record, _Note):
                batch.notes.append(record)
                continue
            if isinstance(record, _Record):
                record.article_id = _unique_id(record.article_id, used_ids)
                records.append(record)
            else:
                batch.rejections.append(record)
            batch.place[record.origin if isinstance(record, _Record) else record[0]] = len(batch.place)
            batch.size += 1
            if batch_size is not None and batch.size >= batch_size:
                _cleaned(batch, records, rules, used_ids, on_error)
                records = []
                yield batch
                batch = _Batch()
        _cleaned(batch, records, rules, used_ids, on_error)
    yield batch


def _cleaned(
    batch: _Batch,
    records: list[_Record],
    rules: BoilerplateRules,
    used_ids: set[str],
    on_error: Literal["collect", "raise"],
) -> None:
    batch.clean(records, rules, used_ids)
    if batch.rejections and on_error == "raise":
        raise InputError(*batch.rejections[0])


def _unique_id(article_id: str, used: set[str]) -> str:
    candidate, number = article_id, 1
    while candidate in used:
        number += 1
        candidate = f"{article_id}~{number}"
    used.add(candidate)
    return candidate


def _with_progress(files: list[Path], progress: bool | None) -> Iterable[Path]:
    show = progress if progress is not None else len(files) >= _PROGRESS_FROM_FILES
    if not show:
        return files
    from tqdm.auto import tqdm

    return tqdm(files, unit="file", desc="cleaning", leave=False)

"""The load stage a batch at a time: `iter_articles` yields the articles DataFrame in pieces, so that the memory a
load takes is set by the batch, not by the corpus.

>>> import toolkit
>>> for batch in toolkit.iter_articles("export.jsonl.gz", batch_size=2000):       # doctest: +SKIP
...     print(len(batch), len(toolkit.rejections(batch)))
>>> toolkit.write_articles_dataset(toolkit.iter_articles("exports/"), "data/processed/articles")  # doctest: +SKIP

The batches, one after the other, are `load_articles` of the same inputs (`pd.concat` of them equals it, and their
rejections and notes, one after the other, are its own), but for what is said below. Each batch is checked as
`load_articles` checks its frame; its ``duplicate_of`` may name a row of an earlier batch.

Duplicates across batches. A story that repeats a story of an earlier batch points where `load_articles` points it:
the same text (every story is compared, by a 64-bit digest of its normalised text), a headline with an earlier
title, and a near copy (wire copy: 3-gram Jaccard index of 0.5 or more) of an earlier long story. What is kept of
earlier batches is described in `toolkit.load.seen`; on 100,000 news stories of the shared corpora, about 650
bytes a row in memory (most of it the sampled 3-grams of long stories, 12 bytes each, about 49 a story), and
each long story's 3-gram set in a temporary file (about 2.7 kB a story); besides, the ids given so far, in a
Python set (to keep them unique: about 100 bytes an id). What may differ from the whole load, and only for near
copies: a 3-gram
that more than 50 stories share is a stock phrase, never evidence that two stories are copies; the whole load
counts the stories of the whole corpus, a stream those read so far. So a stream may propose (and, when their
3-gram sets are similar enough, mark) a pair of stories that the whole load does not, where a 3-gram that they
share turns stock later; never the other way. Ids differ only where a file cut into batches has a record whose id
an embedded or headline row of an earlier batch of that file has taken (`toolkit.load.batches`). The notes of a
batch list its files' notes, then its dates' (the whole load: every file's, then every date's).

What is read at once: a JSON Lines file is read a block at a time (gzip too), and a Parquet export a row group
at a time; a JSON file (one record, or an array of them), a CSV or TSV file, a page, and a JSON Lines file that is
not plain UTF-8 (UTF-16, a legacy encoding, NUL bytes) are read whole (and cut into batches after reading).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Literal

import pandas as pd

from toolkit.load.articles import _articles, _cyclic_gc_paused, _no_rows, _undated_exports, _warn, _warn_undated
from toolkit.load.batches import _Batch, _batches, _load_inputs, _read_pieces
from toolkit.load.rules import BoilerplateRules
from toolkit.load.schema import _NOTE_COLUMNS, _REJECTION_COLUMNS, ARTICLE_COLUMNS, _listed
from toolkit.load.seen import SeenStories

#: Records a batch (read and rejected ones). On 100,000 stories (the shared corpora, README): 2,000 the fastest
#: (32 s, peak RSS 750 MB), 1,000 and 500 about as fast and 100 MB lower, 10,000 slower and twice the memory.
BATCH_SIZE = 2000


def iter_articles(
    inputs: str | Path | Sequence[str | Path],
    *,
    batch_size: int = BATCH_SIZE,
    column_map: Mapping[str, str] | None = None,
    rules: BoilerplateRules | str | Path | None = None,
    on_error: Literal["collect", "raise"] = "collect",
    progress: bool | None = None,
) -> Iterator[pd.DataFrame]:
    """The articles DataFrame of ``inputs``, a batch of up to ``batch_size`` records at a time (the options are
    `load_articles`'s). Each batch has its rejections and notes in ``attrs``; a batch may have rejections and
    no rows. A missing input raises `InputError` here; inputs that give no row at all, after the last batch.

    >>> from toolkit.load import load_articles
    >>> batches = list(iter_articles("data/raw", batch_size=1))   # (one page: one batch)
    >>> [len(batch) for batch in batches]
    [11]
    >>> pd.concat(batches, ignore_index=True).equals(load_articles("data/raw"))
    True
    """
    _check_batch_size(batch_size)
    files, columns, compiled = _load_inputs(inputs, column_map, rules, on_error)
    pieces = _read_pieces(files, columns, compiled, batch_size, progress)
    return _stream(inputs, _batches(pieces, batch_size, on_error), compiled)


def _check_batch_size(batch_size: int) -> None:
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a whole number of at least 1, not {batch_size!r}")


def _stream(
    inputs: str | Path | Sequence[str | Path], batches: Iterator[_Batch], rules: BoilerplateRules
) -> Iterator[pd.DataFrame]:
    seen = SeenStories()
    rejections: list[tuple[str, str]] = []  # the first one (for the warning), and how many
    notes: list[tuple[str, str]] = []
    counts = {"rejections": 0, "notes": 0, "origins": 0}
    dated: dict[str, bool] = {}  # input file -> has a row with a date (for the warning on undated exports)
    try:
        while True:
            with _cyclic_gc_paused():  # (not while the caller has the batch)
                batch = next(batches, None)
                if batch is None:
                    break
                if not batch.rows and not batch.size and not batch.notes:
                    continue  # the last batch, when the one before it ended with the inputs
                articles = _articles(batch, rules, seen) if batch.rows else _empty(batch)
                counts["origins"] += articles["origin"].nunique()
                for row in batch.rows:
                    file = str(row["origin"]).rsplit(":", 1)[0]
                    dated[file] = dated.get(file, False) or row["published_at"] is not None
                rejections, notes = (rejections or batch.rejections[:1]), (notes or batch.notes[:1])
                counts["rejections"] += len(batch.rejections)
                counts["notes"] += len(batch.notes)
            yield articles
    finally:
        seen.close()
    if not counts["origins"]:
        _no_rows(inputs, counts["rejections"], rejections)
    for file in _undated_exports([{"origin": f"{f}:0", "published_at": 0 if d else None} for f, d in dated.items()]):
        _warn_undated(file)
    _warn((counts["rejections"], rejections), (counts["notes"], notes), counts["origins"])


def _empty(batch: _Batch) -> pd.DataFrame:
    """The frame of a batch without rows: its rejections and notes."""
    articles = pd.DataFrame({c: pd.Series(dtype=d) for c, d in ARTICLE_COLUMNS.items()})
    articles.attrs["rejections"] = _listed(batch.rejections, _REJECTION_COLUMNS)
    articles.attrs["notes"] = _listed(batch.notes, _NOTE_COLUMNS)
    return articles

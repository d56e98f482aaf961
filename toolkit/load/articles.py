"""Scraped pages and exports in, one typed row per story out: the articles DataFrame.

>>> import toolkit
>>> articles = toolkit.load_articles("data/raw")              # doctest: +SKIP
>>> articles[["article_id", "kind", "source", "tags"]]        # doctest: +SKIP

What goes in: files, folders (searched recursively for the suffixes below) and globs of

* page text (``.txt``, any unknown suffix): one scraped page, like ``data/raw/000_6115d0bf09f38642.txt``;
* HTML pages (``.html``, ``.htm``): the main text is extracted with trafilatura (title, date, site name and
  tags from the page's metadata), then treated like page text;
* scraped JSON records (``.json``: one object, or a list of objects) and exports: JSON Lines
  (``.jsonl``, ``.ndjson``), CSV/TSV and Parquet, ``.gz`` too. Columns are found by name
  (`DEFAULT_COLUMNS`; ``column_map={"text": "body"}`` overrides), so the shared corpora's
  ``articles.jsonl.gz`` load directly with their labels, dates and sources.

Files may be UTF-8 (with or without BOM), UTF-16 or Windows-1256; CRLF and HTML entities are handled.

What comes out: `ARTICLE_COLUMNS`, checked by `validate_articles` on every load. Arabic boilerplate is
taken out by the rules in ``toolkit/data/boilerplate.toml`` (see `boilerplate_rules`): ad markers, share
lines, agency trailers and bullets are dropped; a source line fills ``source`` and a tag line ``tags``;
"read also" blocks and related lists become ``embedded`` and ``headline`` rows; repeated and near-repeated
paragraphs are dropped (the first is kept). Decisions where a page is silent:

* a page without a headline line keeps ``title`` empty (none is invented); an embedded story's title is its
  first line; a headline row's title and text are the headline;
* embedded and headline rows take their page's ``source``; their date, url, tags and category are empty;
* nothing is dropped for being a duplicate: a related headline repeating the title of the page's embedded
  story is a ``headline`` row whose ``duplicate_of`` names the embedded row; identical and near-identical
  stories (wire copy across outlets) point to their first occurrence (`toolkit.duplicates`);
* ``text`` keeps the original spelling (`toolkit.arabic.canonical_letters` only) and ``text_norm`` is
  `toolkit.arabic.normalise` of it; ``n_words`` counts the whitespace-separated words of ``text_norm``;
* timestamps without a UTC offset are local time of the outlet's zone in the rules' ``[time_zones]``
  (SaudiNewsNet's outlets: Asia/Riyadh), else UTC; all are converted to UTC;
* ids: a page file's stem, or the export's id column (else ``<file stem>:<row>``); embedded and headline
  rows add ``#e1``, ``#h1``...; an id seen before in the same load (a record's or such a row's) gets ``~2``,
  ``~3``.

Nothing is lost without a reason: an input that gives no row (empty, binary, undecodable, malformed, no
Arabic text, nothing left after cleaning; a malformed JSON line or an export row without text) is a row
of ``rejections(articles)`` (``origin``, ``reason``), a warning says how many, and
``pages read == articles.origin.nunique() + len(rejections)``. A bad record rejects that record, not its
file: a JSON line that is not UTF-8 in a UTF-8 file, or that holds NUL bytes; a CSV row whose quote is left
open (the lines after it are read as rows again); an id, source, url or category that UTF-8 cannot write (a
lone surrogate); tags that are a number or a map. Nothing is changed without a note: ``notes(articles)``
(``origin``, ``note``) lists the NUL bytes stripped from the ends of a file (legacy Windows tools pad with
them) and the dates it cannot read (a number: seconds or milliseconds?; a year outside 1678-2261), whose
``published_at`` is left empty: the story is kept.

Speed: a file's records are cleaned in batches of 2,000, so the per-character steps
(`toolkit.arabic.canonical_letters_many`, `toolkit.arabic.normalised_paragraphs`) and the repeat and duplicate
counts (`toolkit.duplicates`) run over a whole batch at once; ``benchmarks/RESULTS.md`` has the figures.
"""

from __future__ import annotations

import gc
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import pyarrow as pa

from toolkit.arabic import normalise_many
from toolkit.duplicates import StoryDuplicates, StoryWords, duplicate_stories
from toolkit.errors import InputError
from toolkit.load.batches import _RECORDS_AT_A_TIME, _Batch, _batches, _load_inputs, _Piece, _read_pieces
from toolkit.load.dates import _date_notes, _utc_times
from toolkit.load.fields import DEFAULT_COLUMNS
from toolkit.load.files import _file_kind
from toolkit.load.pages import _Texts
from toolkit.load.rules import BoilerplateRules
from toolkit.load.schema import (
    _NOTE_COLUMNS,
    _REJECTION_COLUMNS,
    _STRING,
    _TAGS,
    ARTICLE_COLUMNS,
    _listed,
    _strings,
    validate_articles,
)
from toolkit.load.seen import SeenStories

# ---------------------------------------------------------------- duplicates


def _duplicate_of(
    rows: list[dict[str, Any]], duplicates: StoryDuplicates, words: StoryWords, text_norm: pa.Array
) -> list[str | None]:
    """For each row, the article_id of the first row it repeats, or None.

    Stories (articles, embedded) repeat a story as `toolkit.duplicates.duplicate_stories` finds. A headline
    repeats an earlier row whose title (or headline) is the same after normalisation. A row always points
    to a row that repeats nothing. ``words``: the words of the story rows, in order; ``text_norm``: the
    rows' normalised texts.
    """
    stories = [k for k, row in enumerate(rows) if row["kind"] != "headline"]
    first_of = {
        stories[k]: stories[first]
        for k, first in enumerate(duplicate_stories(_Strings(text_norm, stories), duplicates=duplicates, words=words))
        if first is not None
    }
    titled = [k for k, row in enumerate(rows) if row["kind"] == "headline" or row["title"]]
    titles = [rows[k]["title"] for k in titled if rows[k]["kind"] != "headline"]
    title_norms = iter(normalise_many(titles, assume_canonical=True))
    seen_titles: dict[str, int] = {}
    for k in titled:
        headline = rows[k]["kind"] == "headline"
        title = text_norm[k].as_py() if headline else next(title_norms)
        if headline and title in seen_titles:
            first_of[k] = seen_titles[title]
        if title:
            seen_titles.setdefault(title, first_of.get(k, k))
    return [rows[first_of[k]]["article_id"] if k in first_of else None for k in range(len(rows))]


class _Strings(Sequence[str]):
    """Some items of an Arrow string array, each made a Python string when asked for."""

    def __init__(self, array: pa.Array, items: list[int]) -> None:
        self.array, self.items = array, items

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, k: int) -> str:  # type: ignore[override]
        return self.array[self.items[k]].as_py()


# ---------------------------------------------------------------- assembling the frame


def _frame(
    rows: list[dict[str, Any]],
    rules: BoilerplateRules,
    words: StoryWords,
    texts: _Texts,
    duplicate_of: tuple[list[str | None], set[str]] | None = None,
) -> pd.DataFrame:
    if duplicate_of is None:
        duplicate_of = _duplicate_of(rows, rules.story_duplicates, words, texts.text_norm), set()
    columns = {c: [row[c] for row in rows] for c in rows[0] if c != "published_at"}
    frame = pd.DataFrame(
        {
            **{c: _strings(v) for c, v in columns.items() if ARTICLE_COLUMNS[c] == _STRING},
            "text": pd.array(texts.text, dtype=_STRING),
            "text_norm": pd.array(texts.text_norm, dtype=_STRING),
            "published_at": _utc_times([row["published_at"] for row in rows], columns["source"], rules.time_zones),
            "tags": pd.array(columns["tags"], dtype=_TAGS),
            "n_words": texts.n_words,
            "duplicate_of": _strings(duplicate_of[0]),
        }
    )
    return frame[list(ARTICLE_COLUMNS)]


# Exports: files whose rows are records with named fields, where a date is a column (a page's is in its text).
_EXPORT_KINDS = ("json", "jsonl", "csv", "tsv", "parquet")


def _undated_exports(rows: list[dict[str, Any]]) -> list[str]:
    """The exports none of whose records gave a date: most often a date column nobody mapped.

    >>> _undated_exports([{"origin": "x.csv:1", "published_at": None}, {"origin": "page.txt", "published_at": None},
    ...     {"origin": "y.jsonl:1", "published_at": 0}])
    ['x.csv']
    """
    dated: dict[str, bool] = {}
    for row in rows:
        file = str(row["origin"]).rsplit(":", 1)[0]
        dated[file] = dated.get(file, False) or row["published_at"] is not None
    return sorted(file for file, any_date in dated.items() if not any_date and _file_kind(Path(file)) in _EXPORT_KINDS)


# ---------------------------------------------------------------- the public entry point


def load_articles(
    inputs: str | Path | Sequence[str | Path],
    *,
    column_map: Mapping[str, str] | None = None,
    rules: BoilerplateRules | str | Path | None = None,
    on_error: Literal["collect", "raise"] = "collect",
    progress: bool | None = None,
) -> pd.DataFrame:
    """Load pages and exports into the articles DataFrame (see the module docstring and `ARTICLE_COLUMNS`).

    ``inputs``: a file, folder or glob, or a list of them. ``column_map``: export column for an article
    field, e.g. ``{"text": "body"}``. ``rules``: `boilerplate_rules` or the path of a rules file that
    extends the built-in table. ``on_error="raise"`` raises `InputError` on the first input that gives no
    row; by default such inputs are listed by `rejections` (with a warning).
    ``progress``: a progress bar on stderr (None: only for many files).

    A missing input, or inputs that give no row at all, raise `InputError`.

    >>> articles = load_articles("data/raw")
    >>> articles[["article_id", "kind"]].head(3).to_dict("list")
    {'article_id': ['000_6115d0bf09f38642', '000_6115d0bf09f38642#e1', '000_6115d0bf09f38642#h1'], \
'kind': ['article', 'embedded', 'headline']}
    >>> articles.loc[0, "source"], articles.loc[0, "tags"]
    ('الجزيرة', ['حريات', 'دراسات', 'وزير الدفاع'])
    """
    files, columns, compiled = _load_inputs(inputs, column_map, rules, on_error)
    with _cyclic_gc_paused():
        return _whole_load(
            inputs, _read_pieces(files, columns, compiled, _RECORDS_AT_A_TIME, progress), compiled, on_error
        )


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Loading makes millions of small objects without reference cycles: the cycle collector would walk
    them again and again (a fifth of the time) and free nothing. Reference counting still frees them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _whole_load(
    inputs: str | Path | Sequence[str | Path],
    pieces: Iterable[_Piece],
    rules: BoilerplateRules,
    on_error: Literal["collect", "raise"],
) -> pd.DataFrame:
    """The articles of the pieces of ``inputs`` (read in process, or on a Dask cluster), their warnings given."""
    # One batch of every record: duplicates are found in the whole corpus at once.
    (batch,) = _batches(pieces, None, on_error)
    if not batch.rows:
        _no_rows(inputs, len(batch.rejections), batch.rejections[:1])
    articles = _articles(batch, rules, None)
    for file in _undated_exports(batch.rows):
        _warn_undated(file)
    counted = (len(batch.rejections), batch.rejections[:1]), (len(batch.notes), batch.notes[:1])
    _warn(*counted, articles["origin"].nunique())
    return articles


def _articles(batch: _Batch, rules: BoilerplateRules, seen: SeenStories | None) -> pd.DataFrame:
    """The frame of a batch with rows, checked, with its rejections and notes in ``attrs`` (the notes on its
    dates added to ``batch.notes``). ``seen``: the stories of earlier batches, which its rows may repeat (None:
    duplicates are found in the batch alone)."""
    words, texts = StoryWords.joined(batch.words), _Texts.joined(batch.texts)
    duplicate_of = None if seen is None else seen.mark(batch.rows, words, texts.text_norm, rules.story_duplicates)
    articles = _frame(batch.rows, rules, words, texts, duplicate_of)
    validate_articles(articles, earlier=duplicate_of[1] if duplicate_of else ())
    batch.notes.extend(_date_notes(batch.rows, articles["published_at"]))
    articles.attrs["rejections"] = _listed(batch.rejections, _REJECTION_COLUMNS)
    articles.attrs["notes"] = _listed(batch.notes, _NOTE_COLUMNS)
    return articles


def _no_rows(inputs: str | Path | Sequence[str | Path], rejected: int, first: list[tuple[str, str]]) -> None:
    """Raise: ``rejected`` inputs (``first``: the first, if any) and none gave a row."""
    shown = f" (first: {first[0][0]}: {first[0][1]})" if first else ""
    raise InputError(_describe(inputs), f"no readable input: {rejected} rejected{shown}")


def _warn_undated(file: str) -> None:
    warnings.warn(
        f"{file}: no story has a date: no column was read as published_at (tried "
        f"{', '.join(DEFAULT_COLUMNS['published_at'])}); name yours with column_map={{'published_at': ...}}",
        stacklevel=4,
    )


def _warn(rejected: tuple[int, list[tuple[str, str]]], noted: tuple[int, list[tuple[str, str]]], origins: int) -> None:
    """The warnings that say how many inputs were rejected and how many notes there are: (how many, the first
    one in a list, if any) of each; ``origins``: the inputs that gave rows."""
    (rejections, first_rejection), (notes, first_note) = rejected, noted
    if rejections:
        warnings.warn(
            f"{rejections} of {origins + rejections} inputs rejected (first: {first_rejection[0][0]}: "
            f"{first_rejection[0][1]}); see toolkit.rejections(articles)",
            stacklevel=4,
        )
    if notes:
        warnings.warn(
            f"{notes} notes on what was changed (first: {first_note[0][0]}: {first_note[0][1]}); "
            "see toolkit.notes(articles)",
            stacklevel=4,
        )


def _describe(inputs: str | Path | Sequence[str | Path]) -> str:
    items = [inputs] if isinstance(inputs, str | Path) else list(inputs)
    return str(items[0]) + (f" and {len(items) - 1} more" if len(items) > 1 else "")

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

import csv
import gc
import glob
import gzip
import hashlib
import html
import io
import itertools
import json
import os
import re
import reprlib
import tempfile
import tomllib
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache, partial
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, BinaryIO, Literal, NamedTuple
from urllib.parse import urlsplit

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa
from isal import isal_zlib

from toolkit.arabic import (
    Paragraphs,
    canonical_letters,
    canonical_letters_many,
    is_arabic,
    normalise,
    normalise_many,
    normalised_paragraphs,
)
from toolkit.duplicates import ParagraphRepeats, StoryDuplicates, StoryWords, distinct_paragraphs, duplicate_stories
from toolkit.errors import InputError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

__all__ = [
    "ARTICLE_COLUMNS",
    "DEFAULT_COLUMNS",
    "KINDS",
    "BoilerplateRules",
    "boilerplate_rules",
    "check_column_map",
    "load_articles",
    "read_articles",
    "save_articles",
    "select_articles",
    "stray_dates",
    "validate_articles",
]

_STRING = pd.StringDtype("pyarrow")
_TAGS = pd.ArrowDtype(pa.list_(pa.string()))

#: The articles DataFrame: column -> dtype, in column order (see the module docstring).
ARTICLE_COLUMNS: Mapping[str, Any] = MappingProxyType(
    {
        "article_id": _STRING,
        "kind": _STRING,
        "parent_id": _STRING,
        "title": _STRING,
        "text": _STRING,
        "text_norm": _STRING,
        "source": _STRING,
        "published_at": pd.DatetimeTZDtype("ns", "UTC"),
        "url": _STRING,
        "tags": _TAGS,
        "category": _STRING,
        "origin": _STRING,
        "n_words": np.dtype("int64"),
        "duplicate_of": _STRING,
    }
)
KINDS = ("article", "embedded", "headline")
_REJECTION_COLUMNS = ("origin", "reason")
_NOTE_COLUMNS = ("origin", "note")

#: Export column names tried for each field, in order (case-insensitive); ``column_map`` overrides.
DEFAULT_COLUMNS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "article_id": ("id", "article_id", "doc_id", "docid", "docno", "postid", "post_id", "guid", "uuid"),
        "text": ("text", "body", "content", "full_text", "fulltext", "article", "article_text", "article_body"),
        "title": ("title", "headline", "heading"),
        "published_at": (
            "published_at",
            "published",
            "published_time",
            "publish_date",
            "pubdate",
            "date_published",
            "date",
            "datetime",
            "timestamp",
        ),
        "source": ("source", "outlet", "publisher", "site_name", "sitename", "site", "newspaper"),
        "url": ("url", "link", "href", "permalink"),
        "tags": ("tags", "keywords", "keyword", "tag"),
        "category": ("category", "label", "section", "categories", "class"),
    }
)

# A user's column_map as (field, column) pairs: hashable, for the per-keys cache of `_columns`.
_ColumnMap = tuple[tuple[str, str], ...]

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
# Records cleaned together (the text steps run on all of them at once).
_RECORDS_AT_A_TIME = 2000
# A progress bar is shown (progress=None) from this many input files on.
_PROGRESS_FROM_FILES = 50


# ---------------------------------------------------------------- schema


def validate_articles(articles: pd.DataFrame) -> pd.DataFrame:
    """Check ``articles`` against `ARTICLE_COLUMNS` and return it; raise `InputError` naming the problem.

    Checks the columns, their order and dtypes, unique ids, kinds, and that ``parent_id`` and
    ``duplicate_of`` name rows of the frame.

    >>> validate_articles(load_articles("data/raw")).shape   # doctest: +SKIP
    (11, 14)
    >>> validate_articles(pd.DataFrame({"text": ["..."]}))
    Traceback (most recent call last):
    ...
    toolkit.errors.InputError: articles: missing columns article_id, kind, parent_id, title, text_norm, ...
    """
    problem = _schema_problem(articles)
    if problem:
        raise InputError("articles", problem)
    return articles


def _schema_problem(articles: pd.DataFrame) -> str | None:
    missing = [c for c in ARTICLE_COLUMNS if c not in articles.columns]
    if missing:
        shown = ", ".join(missing[:5]) + (", ..." if len(missing) > 5 else "")
        return f"missing columns {shown}"
    if list(articles.columns) != list(ARTICLE_COLUMNS):
        return f"columns must be, in this order: {', '.join(ARTICLE_COLUMNS)}"
    wrong = [f"{c} is {articles[c].dtype}, not {d}" for c, d in ARTICLE_COLUMNS.items() if articles[c].dtype != d]
    if wrong:
        return "; ".join(wrong)
    ids = articles["article_id"]
    if ids.isna().any() or ids.duplicated().any():
        return f"article_id must be unique and not empty: {ids[ids.isna() | ids.duplicated()].head(3).tolist()}"
    odd_kinds = set(articles["kind"].dropna().unique()) - set(KINDS) | (
        {None} if articles["kind"].isna().any() else set()
    )
    if odd_kinds:
        return f"kind must be one of {', '.join(KINDS)}, not {sorted(map(str, odd_kinds))}"
    if (articles["parent_id"].isna() != (articles["kind"] == "article")).any():
        return "parent_id must be empty exactly for kind 'article'"
    known = set(ids.tolist())
    for column in ("parent_id", "duplicate_of"):
        unknown = [name for name in articles[column].dropna().tolist() if name not in known]
        if unknown:
            return f"{column} names rows that are not there: {unknown[:3]}"
    if articles["text"].isna().any() or articles["text_norm"].isna().any():
        return "text and text_norm must not be empty"
    return None


def rejections(articles: pd.DataFrame) -> pd.DataFrame:
    """The inputs that gave no row, with the reason: a DataFrame (``origin``, ``reason``).

    They travel with the articles in ``articles.attrs["rejections"]`` as plain records, which pandas
    can copy and compare when it merges or concatenates frames (a DataFrame there breaks pandas 3).

    >>> rejections(load_articles("data/raw")).columns.tolist()
    ['origin', 'reason']
    """
    return _listing(articles, "rejections", _REJECTION_COLUMNS)


def notes(articles: pd.DataFrame) -> pd.DataFrame:
    """What was changed in inputs that gave rows, and why: a DataFrame (``origin``, ``note``).

    Kept like the rejections, in ``articles.attrs["notes"]``.

    >>> notes(load_articles("data/raw")).columns.tolist()
    ['origin', 'note']
    """
    return _listing(articles, "notes", _NOTE_COLUMNS)


def _listing(articles: pd.DataFrame, name: str, columns: tuple[str, str]) -> pd.DataFrame:
    records = articles.attrs.get(name, [])
    return pd.DataFrame({column: _strings([r[column] for r in records]) for column in columns})


def _listed(pairs: Sequence[tuple[str, str]], columns: tuple[str, str]) -> list[dict[str, str]]:
    """Plain records for ``attrs``, written as UTF-8 can hold them: a lone surrogate (from a file name that
    is not UTF-8, or a JSON escape cut in half) is shown as its escape, not left to break the CSV."""
    return [
        {c: v.encode("utf-8", "backslashreplace").decode("utf-8") for c, v in zip(columns, pair, strict=True)}
        for pair in pairs
    ]


# (pandas period, longest span in days for which it gives at most about 60 periods)
_PERIODS = (("D", 60), ("W", 7 * 60), ("M", 5 * 366), ("Q", 15 * 366))


def select_articles(
    articles: pd.DataFrame,
    *,
    since: str | None = None,
    until: str | None = None,
    sources: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The stories published from ``since`` to ``until`` (both kept) by the outlets ``sources``.

    Dates are ISO dates or times, read as UTC; a date alone as ``until`` keeps that whole day. With a
    date range, stories without a date are left out, with a warning that counts them. None (or no
    outlets) keeps everything. An outlet that is not among the stories, a range that ends before it
    starts, or a selection that leaves no story raises `InputError`. The rejections and notes of the
    loaded articles stay with the selection.

    >>> articles = pd.DataFrame({"article_id": ["a", "b"], "source": ["الجزيرة", "بي بي سي"],
    ...     "published_at": pd.to_datetime(["2024-01-31 18:00", "2024-02-01 09:00"], utc=True)})
    >>> select_articles(articles, until="2024-01-31")["article_id"].tolist()
    ['a']
    >>> select_articles(articles, sources=["بي بي سي"])["article_id"].tolist()
    ['b']
    """
    keep = pd.Series(True, index=articles.index)
    if sources:
        known = set(articles["source"].dropna().astype(str))
        unknown = [source for source in sources if source not in known]
        if unknown:
            raise InputError("sources", f"no story from {unknown[0]!r} (outlets: {', '.join(sorted(known))})")
        keep &= articles["source"].isin(list(sources)).fillna(False).astype(bool)
    if since is not None or until is not None:
        dates = pd.to_datetime(articles["published_at"], utc=True)
        start, end = _utc(since), _utc(until)
        if start is not None and end is not None and end < start:
            raise InputError("until", f"{until} is before {since} (since)")
        undated = int((dates.isna() & keep).sum())
        if undated:
            warnings.warn(f"{undated} stories without a date are left out by the date range", stacklevel=2)
        keep &= dates.notna()  # NaT compares False below too; this says so
        if start is not None:
            keep &= dates >= start
        if end is not None:
            keep &= dates < end + pd.Timedelta(days=1) if _date_only(until) else dates <= end
    if not keep.any():
        raise InputError("articles", f"no story left with since={since}, until={until}, sources={list(sources or [])}")
    selected = articles[keep.to_numpy()].reset_index(drop=True)
    selected.attrs = articles.attrs  # the inputs' rejections and notes are still what loading reported
    return selected


def _date_only(moment: str | None) -> bool:
    """Whether ``moment`` is a date without a time: as ``until`` it keeps that whole day.

    >>> _date_only("2024-01-31"), _date_only("2024-01-31T12:00")
    (True, False)
    """
    try:
        date.fromisoformat(str(moment))
    except ValueError:
        return False
    return True


def _utc(moment: str | None) -> pd.Timestamp | None:
    """An ISO date or time as a UTC timestamp (a time without a zone is taken as UTC)."""
    if moment is None:
        return None
    try:
        stamp = pd.Timestamp(moment)
    except ValueError as err:
        raise InputError(moment, "not a date: write it as YYYY-MM-DD (or an ISO time)") from err
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def stray_dates(published_at: pd.Series) -> pd.Series:
    """True for a date far from where the corpus's dates are: a stray story, reported, not drawn as periods.

    Far means before the 1st percentile or after the 99th by more than a tenth of the span between them
    (at least a day): ANT's ten stories of 2012-2017 beside its 5,090 of 2018 are stray, a corpus spread
    evenly over years has none. Missing dates are not stray (they are undated).

    >>> dates = pd.Series(pd.to_datetime(["2012-10-08"] + ["2018-03-01"] * 50 + ["2018-09-01"] * 50, utc=True))
    >>> int(stray_dates(dates).sum()), bool(stray_dates(dates).iloc[0])
    (1, True)
    """
    dates = pd.to_datetime(published_at, utc=True)
    if dates.notna().sum() == 0:
        return pd.Series(False, index=dates.index)
    low, high = dates.quantile(0.01), dates.quantile(0.99)
    margin = max((high - low) / 10, pd.Timedelta(days=1))
    return (dates < low - margin) | (dates > high + margin)


def period_start(published_at: pd.Series, *, freq: str = "auto") -> pd.Series:
    """The start (UTC) of the period each date falls in: the time bins of every table over time.

    ``freq`` is ``"D"``, ``"W"`` (weeks start on Monday), ``"M"``, ``"Q"`` or ``"Y"``; ``"auto"`` picks the
    finest that gives at most about 60 periods over the central 98% of the dates, so a few stray old
    stories do not stretch the bins. The chosen frequency is in ``result.attrs["freq"]``.

    >>> dates = pd.Series(pd.to_datetime(["2018-02-01", "2018-05-17", "2018-10-01"], utc=True))
    >>> bins = period_start(dates)
    >>> bins.attrs["freq"], str(bins.iloc[1].date())
    ('W', '2018-05-14')
    """
    dates = pd.to_datetime(published_at, utc=True)
    if freq == "auto":
        span = (dates.quantile(0.99) - dates.quantile(0.01)).days if dates.notna().any() else 0
        freq = next((f for f, days in _PERIODS if span <= days), "Y")
    if freq not in ("D", "W", "M", "Q", "Y"):
        raise InputError("freq", f"must be 'auto', 'D', 'W', 'M', 'Q' or 'Y', got {freq!r}")
    starts = dates.dt.tz_convert(None).dt.to_period(freq).dt.start_time.dt.tz_localize("UTC")
    starts.attrs["freq"] = freq
    return starts


def save_articles(articles: pd.DataFrame, path: str | Path) -> Path:
    """Write ``articles`` to a Parquet file, its rejections to ``<stem>.rejections.csv`` and its notes to
    ``<stem>.notes.csv`` beside it.

    Returns the path of the rejections CSV (both CSVs are written even when empty, with their header).
    The three files replace the old ones together (`_replace_together`): a run that is killed or fails
    leaves the old files whole. A path that cannot be written raises `InputError` naming it.

    >>> save_articles(load_articles("data/raw"), "data/processed/articles.parquet")  # doctest: +SKIP
    PosixPath('data/processed/articles.rejections.csv')
    """
    path = Path(path)
    listings = {
        _beside(path, "rejections"): rejections(articles).to_csv(index=False).encode("utf-8"),
        _beside(path, "notes"): notes(articles).to_csv(index=False).encode("utf-8"),
    }
    # The rejections go to their own CSV, not the Parquet metadata (which keeps only the CSVs' digests, for
    # read_articles to tell a CSV another run wrote); and a list column written with its Arrow dtype cannot
    # be read back by a plain pd.read_parquet.
    table = validate_articles(articles).astype({"tags": object})
    table.attrs = {_DIGESTS: {csv_path.name: hashlib.sha256(data).hexdigest() for csv_path, data in listings.items()}}
    writers: dict[Path, Callable[[BinaryIO], object]] = {path: partial(table.to_parquet, index=False)}
    writers.update({csv_path: partial(_write_bytes, data) for csv_path, data in listings.items()})
    _replace_together(writers)
    return _beside(path, "rejections")


# The attrs key of the digests of an articles file's CSVs, by file name.
_DIGESTS = "toolkit_csv_sha256"


def _beside(path: Path, listing: Literal["rejections", "notes"]) -> Path:
    """The CSV of an articles file's rejections or notes."""
    return path.with_name(f"{path.stem}.{listing}.csv")


def _write_bytes(data: bytes, file: BinaryIO) -> None:
    file.write(data)


def _replace_together(writers: Mapping[Path, Callable[[BinaryIO], object]]) -> None:
    """Write each file (of one folder; a writer writes it to an open binary file) to a temporary file beside
    it, then rename them all into place, in order, one run at a time: a kill or a full disk leaves the old files whole,
    and two runs writing the same files leave one run's set, never a mix. Raises `InputError` naming the
    file that cannot be written."""
    for target in writers:
        if target.exists() and not target.is_file():  # renaming onto /dev/full would replace the device
            raise InputError(target, "not a file (a folder or a device such as /dev/full): name a file to write")
    temporaries: dict[Path, Path] = {}
    try:
        for target, write in writers.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            temporaries[target] = Path(temporary)
            with open(handle, "wb") as file:
                write(file)
                file.flush()
                os.fsync(file.fileno())  # whole on disk before it replaces the old file
        with _folder_locked(next(iter(writers)).parent):
            for target, temporary in temporaries.items():
                os.replace(temporary, target)
    except OSError as err:  # not allowed, disk full: one line naming the file, not a traceback
        raise InputError(target, f"cannot write ({err.strerror or _first_line(err)})") from err
    finally:
        for temporary in temporaries.values():
            temporary.unlink(missing_ok=True)  # (renamed already, unless something failed)


@contextmanager
def _folder_locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on ``folder`` while held (flock: the system frees it when the process dies)."""
    if fcntl is None:  # Windows: no flock; read_articles still tells a CSV that another run wrote
        yield
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # (frees the lock)


def read_articles(path: str | Path) -> pd.DataFrame:
    """Read an articles Parquet file written by `save_articles`, with its dtypes, rejections and notes.

    A rejections or notes CSV that is not the one written with the file (another run wrote it, or it was
    edited) is read with a warning.

    >>> articles = read_articles("data/processed/articles.parquet")   # doctest: +SKIP
    """
    path = Path(path)
    try:
        articles = pd.read_parquet(path)
        articles = articles.astype({c: d for c, d in ARTICLE_COLUMNS.items() if c in articles.columns})
    except (OSError, ValueError, TypeError, pa.ArrowException) as err:
        raise InputError(path, f"not an articles Parquet file ({err})") from err
    digests = articles.attrs.pop(_DIGESTS, {})
    for listing in ("rejections", "notes"):
        csv_path = _beside(path, listing)
        if csv_path.is_file():
            data = csv_path.read_bytes()
            if csv_path.name in digests and hashlib.sha256(data).hexdigest() != digests[csv_path.name]:
                warnings.warn(
                    f"{csv_path} was not written with {path.name}: its {listing} may be another run's", stacklevel=2
                )
            articles.attrs[listing] = pd.read_csv(io.BytesIO(data), dtype=str).to_dict("records")
    return validate_articles(articles)


# ---------------------------------------------------------------- boilerplate rules


@dataclass(frozen=True)
class _Rule:
    name: str
    action: str
    line: re.Pattern[str]  # the whole line; group "value" is the rest of a "start" line
    max_words: int | None
    last_line: bool
    phrases: tuple[str, ...] = ()  # a phrase rule's phrases: every line it matches starts with one (decoration aside)


@dataclass(frozen=True)
class BoilerplateRules:
    """The boilerplate table, compiled: made by `boilerplate_rules`, used by `load_articles`."""

    rules: tuple[_Rule, ...]
    bullets: str
    paragraphs: Mapping[str, float]
    stories: Mapping[str, float]
    time_zones: Mapping[str, str]
    # A line that some rule may match, or starts with a bullet: the rest of a text needs no rule work.
    candidate_line: re.Pattern[str] = field(repr=False)
    # A line break before such a line (the line itself not taken: lines next to each other are found one
    # by one): a search finds it with a fast scan for "\n".
    candidate_break: re.Pattern[str] = field(repr=False)

    @property
    def names(self) -> list[str]:
        """Rule names in the order they are tried."""
        return [rule.name for rule in self.rules]

    @property
    def paragraph_repeats(self) -> ParagraphRepeats:
        """When a paragraph repeats an earlier one of its story (``[paragraphs]``)."""
        # (The built-in table has every key: a user's file only overrides them.)
        return ParagraphRepeats(
            min_words=int(self.paragraphs["near_duplicate_min_words"]),
            containment=float(self.paragraphs["near_duplicate_containment"]),
            jaccard=float(self.paragraphs["near_duplicate_jaccard"]),
        )

    @property
    def story_duplicates(self) -> StoryDuplicates:
        """When a story repeats an earlier one (``[stories]``)."""
        return StoryDuplicates(
            min_words=int(self.stories["near_duplicate_min_words"]),
            jaccard=float(self.stories["near_duplicate_jaccard"]),
        )

    def with_markers(self, texts: Sequence[str]) -> list[bool]:
        """Per text: has it a line that some rule may match? (The others are all story.)"""
        # The first line, then any line after a line break (a fast scan for "\n" finds those).
        return [bool(self.candidate_line.match(text) or self.candidate_break.search(text)) for text in texts]

    def classify(self, line: str, *, last: bool) -> tuple[_Rule, str] | None:
        """The first rule that matches ``line`` and the line's value, or None for a story line."""
        if not self.candidate_line.match(line):
            return None
        for rule in self.rules:
            found = rule.line.fullmatch(line)
            if found is None or (rule.last_line and not last):
                continue
            value = (found.groupdict().get("value") or "").strip(_VALUE_TRIM)
            if rule.max_words is None or len(value.split()) <= rule.max_words:
                return rule, value
        return None


_ACTIONS = ("drop", "source", "tags", "end", "embedded", "related")
# Stripped from both ends of a marker's value (not quotes or brackets, which may be part of it).
_VALUE_TRIM = " \t:：-–—،,.؛;/|"
# Decoration allowed before a marker («// انتهى //», «-- المصدر»), but not an opening bracket or quote.
_DECORATION = r"[^\w\n(\[{«\"“'‘]*"
_SEPARATOR = r"\s*[:：\-–—،,]+\s*"


def boilerplate_rules(path: str | Path | None = None) -> BoilerplateRules:
    """Read the boilerplate table: the built-in ``toolkit/data/boilerplate.toml``, extended by ``path``.

    In the user's file (same layout) a ``[[rule]]`` with a built-in rule's name replaces it
    (``enabled = false`` switches it off), a new name is added after the built-in rules, and keys of
    ``[paragraphs]``, ``[stories]`` and ``[time_zones]`` override the built-in ones.

    >>> rules = boilerplate_rules()
    >>> rules.names[:3]
    ['source line', 'reprinted from', 'tag line']
    >>> rule, value = rules.classify("المصدر: الجزيرة", last=False)
    >>> rule.action, value
    ('source', 'الجزيرة')
    >>> rules.classify("إعلان", last=False)[0].name
    'advertisement marker'
    >>> rules.classify("إعلان وزارة الدفاع عن صفقة جديدة", last=False) is None
    True
    """
    return _compiled_rules(None if path is None else str(Path(path).resolve()))


@lru_cache(maxsize=8)
def _compiled_rules(path: str | None) -> BoilerplateRules:
    table = tomllib.loads(resources.files("toolkit.data").joinpath("boilerplate.toml").read_text(encoding="utf-8"))
    if path is not None:
        try:
            user = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
            raise InputError(path, f"cannot read the boilerplate rules ({err})") from err
        table = _merge_tables(table, user)
    source = path or "toolkit/data/boilerplate.toml"
    rules = tuple(_compile_rule(entry, source) for entry in table.get("rule", []) if entry.get("enabled", True))
    bullets = table.get("bullets", "")
    # Candidate lines: a phrase after decoration, a pattern rule's line, or a bullet.
    phrases = [_phrase_parts(phrase) for rule in rules for phrase in rule.phrases]
    alternatives = [_DECORATION + _starts_pattern(phrases)] if phrases else []
    # (Case is ignored only for the phrases' Latin letters and inside the pattern rules: a case-blind regex
    # tests every Arabic letter for case, several times slower.)
    alternatives += [
        "(?i:" + rule.line.pattern.replace("(?P<value>", "(?:") + ")$" for rule in rules if not rule.phrases
    ]
    if bullets:
        alternatives.append(f"[{re.escape(bullets)}]")
    return BoilerplateRules(
        rules=rules,
        bullets=bullets,
        paragraphs=MappingProxyType(dict(table.get("paragraphs", {}))),
        stories=MappingProxyType(dict(table.get("stories", {}))),
        time_zones=MappingProxyType(dict(table.get("time_zones", {}))),
        candidate_line=re.compile("^(?:" + "|".join(alternatives or ["(?!)"]) + ")", re.MULTILINE),
        candidate_break=re.compile("\n(?=" + "|".join(alternatives or ["(?!)"]) + ")", re.MULTILINE),
    )


def _merge_tables(base: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
    merged = {**base, **{k: v for k, v in user.items() if k not in ("rule", "paragraphs", "stories", "time_zones")}}
    for section in ("paragraphs", "stories", "time_zones"):
        merged[section] = {**base.get(section, {}), **user.get(section, {})}
    by_name = {entry["name"]: entry for entry in base.get("rule", [])}
    for entry in user.get("rule", []):
        by_name[entry.get("name", f"rule {len(by_name) + 1}")] = entry
    merged["rule"] = list(by_name.values())
    return merged


def _compile_rule(entry: Mapping[str, Any], source: str) -> _Rule:
    name = entry.get("name", "?")
    action, match = entry.get("action"), entry.get("match", "line")
    if action not in _ACTIONS or match not in ("line", "start") or ("phrases" in entry) == ("pattern" in entry):
        raise InputError(
            source,
            f"rule {name!r}: needs action ({', '.join(_ACTIONS)}), match (line or start) and phrases or a pattern",
        )
    if "pattern" in entry:
        body = f"(?:{entry['pattern']})"
    else:
        phrases = "|".join(_phrase_pattern(p) for p in entry["phrases"])
        if match == "line":
            body = rf"{_DECORATION}(?:{phrases})[^\w\n]*"
        elif entry.get("separator", False):
            body = rf"{_DECORATION}(?:{phrases}){_SEPARATOR}(?P<value>.*)"
        else:
            # Not the start of a longer word («سمات» is not «سماته»).
            body = rf"{_DECORATION}(?:{phrases})(?![^\W_])[^\w\n]*?(?P<value>.*)"
    try:
        # A phrase's letters that have case match in either case already (`_phrase_parts`): a case-blind
        # regex would test every Arabic letter for case too, several times slower.
        line = re.compile(body, re.IGNORECASE if "pattern" in entry else 0)
    except re.error as err:
        raise InputError(source, f"rule {name!r}: bad pattern ({err})") from err
    return _Rule(
        name, action, line, entry.get("max_words"), bool(entry.get("last_line", False)), tuple(entry.get("phrases", ()))
    )


def _phrase_pattern(phrase: str) -> str:
    """A regex finding ``phrase`` in canonical text however it is spelled, by `normalise`'s folds."""
    return "".join(_phrase_parts(phrase))


def _starts_pattern(phrases: list[list[str]]) -> str:
    """A regex matching text that starts with one of the phrases (each a list of parts), as a trie: a line is
    tried against the phrases sharing its first letters only, not against every phrase."""
    if any(not parts for parts in phrases):
        return ""  # a phrase ends here: enough for a start
    following: dict[str, list[list[str]]] = {}
    for first, *rest in phrases:
        following.setdefault(first, []).append(rest)
    return "(?:" + "|".join(first + _starts_pattern(rest) for first, rest in following.items()) + ")"


def _phrase_parts(phrase: str) -> list[str]:
    """`_phrase_pattern`, a part per letter (a letter with case in any case)."""
    variants, ignorable = _spelling_variants()
    return [
        r"\s+"
        if char.isspace()
        else variants.get(char, f"(?i:{re.escape(char)})" if char.lower() != char.upper() else re.escape(char))
        + ignorable
        for char in normalise(phrase)
    ]


@lru_cache(maxsize=1)
def _spelling_variants() -> tuple[dict[str, str], str]:
    # Derived from normalise itself (not a second normaliser): which Arabic code points it folds together,
    # and which it removes (diacritics, tatweel).
    groups: dict[str, set[str]] = {}
    for code in range(0x0600, 0x0700):
        char = chr(code)
        groups.setdefault(normalise(char), set()).add(char)
    ignorable = "[" + "".join(sorted(groups.pop("", set()))) + "]*"
    variants = {
        folded: "[" + re.escape("".join(sorted(chars | {folded}))) + "]"
        for folded, chars in groups.items()
        if len(folded) == 1 and chars - {folded}
    }
    return variants, ignorable


# ---------------------------------------------------------------- reading inputs


class _Rejected(Exception):
    """An input that gives no row; the message is the reason."""


@dataclass
class _Record:
    """One page or export row, before cleaning."""

    origin: str
    article_id: str
    text: str
    title: str | None = None
    source: str | None = None
    published: Any = None
    url: str | None = None
    tags: list[str] = field(default_factory=list)
    category: str | None = None


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


def _records(path: Path, column_map: _ColumnMap) -> Iterator[_Record | tuple[str, str] | _Note]:
    """The records of one file, or (origin, reason) for each part that gives none, and notes."""
    file = _InputFile.at(path)
    kind = _file_kind(path)
    if _LONE_SURROGATE.search(file.name):  # (Python keeps the bytes of a name that is not UTF-8 as surrogates)
        yield file.name, "file name is not UTF-8 (its bytes are shown as \\udcXX): rename the file to load it"
        return
    try:
        if kind == "parquet":
            yield from _table_records(pd.read_parquet(path), file, column_map)
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


# Python's json parser recurses once per level: a document nested deeper than its recursion limit is refused.
_TOO_DEEP = "nested too deep: over Python's recursion limit, about 1,000 levels"


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
    """(line number, value or `_LineError`) for each line that is not blank.

    orjson parses (several times faster than json); json takes what it refuses but Python's json writes
    (NaN, Infinity, numbers beyond 64 bits, lone surrogates) and words the error.
    """
    items: list[tuple[int, Any]] = []
    for number, line in enumerate(_lines(data), start=1):
        try:
            items.append((number, orjson.loads(line)))
        except orjson.JSONDecodeError:
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError as err:
                reason = f"not UTF-8 as the rest of the file (byte {err.start + 1} of the line)"
                items.append((number, _LineError(reason, undecodable=True)))
                continue
            if not text.strip():
                continue
            if "\x00" in text:
                items.append((number, _LineError("binary data (NUL bytes), not a JSON line")))
                continue
            try:
                items.append((number, json.loads(text)))
            except json.JSONDecodeError as err:
                items.append((number, _LineError(f"malformed JSON line ({err.msg}, column {err.colno})")))
            except RecursionError:
                items.append((number, _LineError(f"malformed JSON line ({_TOO_DEEP})")))
    return items


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


def _table_records(
    table: pd.DataFrame, file: _InputFile, column_map: _ColumnMap
) -> Iterator[_Record | tuple[str, str]]:
    if table.empty:
        raise _Rejected("no rows")
    for number, item in enumerate(table.to_dict("records"), start=1):
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


def _mapped_record(item: Mapping[str, Any], origin: str, default_id: str, column_map: _ColumnMap) -> _Record:
    columns = _columns(tuple(item), column_map)
    text = _present(item[columns["text"]]) if "text" in columns else None
    if not isinstance(text, str):
        raise _Rejected(f"no text (looked for the column {columns.get('text') or ' / '.join(DEFAULT_COLUMNS['text'])})")
    url = _verbatim(_field_text(item, columns, "url"), "url")
    return _Record(
        origin=origin,
        article_id=_verbatim(_field_text(item, columns, "article_id"), "id") or default_id,
        text=text,
        title=_field_text(item, columns, "title"),
        source=_verbatim(_field_text(item, columns, "source"), "source") or _host(url),
        published=_present(item[columns["published_at"]]) if "published_at" in columns else None,
        url=url,
        tags=_split_tags(_present(item[columns["tags"]])) if "tags" in columns else [],
        category=_verbatim(_field_text(item, columns, "category") or _scraped_category(item), "category"),
    )


# A value in a reason or a note: cut short when long, a few levels when nested (repr would recurse as deep as
# the value: as deep as JSON goes).
_SHOWN = reprlib.Repr()
_SHOWN.maxstring = _SHOWN.maxother = 80


# Half of a surrogate pair: what a JSON "\\ud83d" escape cut in half gives, or a file name that is not UTF-8.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _verbatim(value: str | None, field_: str) -> str | None:
    """A field kept as written (the text, title and tags are canonicalised, which drops lone surrogates): one
    that UTF-8 cannot write rejects its record rather than being changed."""
    if value is not None and _LONE_SURROGATE.search(value):
        raise _Rejected(
            f"{field_} {_SHOWN.repr(value)} has a lone surrogate (half of a \\u escape pair), which UTF-8 cannot write"
        )
    return value


def _field_text(item: Mapping[str, Any], columns: Mapping[str, str], field_: str) -> str | None:
    return _as_text(item[columns[field_]]) if field_ in columns else None


@lru_cache(maxsize=256)
def _columns(keys: tuple[str, ...], column_map: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Field -> column of a record with these keys (cached: an export's records share their keys)."""
    by_lower = {key.lower(): key for key in reversed(keys)}
    columns = {}
    for field_, aliases in DEFAULT_COLUMNS.items():
        found = next((by_lower[a] for a in aliases if a in by_lower), None)
        if found is not None:
            columns[field_] = found
    for field_, column in column_map:
        if column not in keys:
            raise _Rejected(f"no column {column!r} for {field_} (columns: {', '.join(keys)})")
        columns[field_] = column
    return columns


def _present(value: Any) -> Any:
    """None for the ways an export says "no value" (None, NaN, NaT, empty string)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and value != value:
        return None
    if value is pd.NaT:
        return None
    return value


def _as_text(value: Any) -> str | None:
    """Text of a value that is there (see `_present`), stripped; else None."""
    if isinstance(value, str):  # most values
        return value.strip() or None
    value = _present(value)
    return None if value is None else str(value).strip() or None


def _host(url: str | None) -> str | None:
    """The site of a URL (no "www."), or None. A URL it cannot read (``http://[::1/x``) gives none and is kept
    as written."""
    try:
        host = urlsplit(url).hostname if url else None
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def _scraped_category(item: Mapping[str, Any]) -> str | None:
    # Scraped Al Mayadeen records carry the site section in "classes": [{"mapping": "category", ...}].
    classes = item.get("classes")
    if isinstance(classes, list):
        for entry in classes:
            if isinstance(entry, dict) and entry.get("mapping") == "category" and entry.get("value"):
                return str(entry["value"]).strip() or None
    return None


_TAG_SEPARATORS = re.compile(r"\s*[,،;؛|]+\s*")


def _split_tags(value: Any) -> list[str]:
    """A tag list from a list, or from a tag line: split on commas when it has them, else on spaces, joining a
    word that starts with ال onto a preceding word that does not (وزير الدفاع, حقوق الإنسان)."""
    if value is None:
        return []
    if isinstance(value, str):
        text = canonical_letters(value).strip(_VALUE_TRIM)
        if _TAG_SEPARATORS.search(text):
            parts = _TAG_SEPARATORS.split(text)
        else:
            parts = []
            for word in text.split():
                if parts and word.startswith("ال") and not parts[-1].split()[-1].startswith("ال"):
                    parts[-1] = f"{parts[-1]} {word}"
                else:
                    parts.append(word)
    elif isinstance(value, list | tuple | np.ndarray) and not any(isinstance(v, dict | list) for v in value):
        # a list, whose items may themselves be comma-separated
        parts = [p for v in value if _present(v) is not None for p in _TAG_SEPARATORS.split(canonical_letters(str(v)))]
    else:  # a number or a map: not tags this can read
        raise _Rejected(f"tags must be text or a list of text, not {_SHOWN.repr(value)}")
    return list(dict.fromkeys(p.strip(_VALUE_TRIM) for p in parts if p.strip(_VALUE_TRIM)))


# ---------------------------------------------------------------- cleaning a page


@dataclass
class _Page:
    """A page split by the boilerplate rules: canonical text, a paragraph a line (blank lines aside)."""

    story: str = ""
    source: str | None = None
    tags: list[str] = field(default_factory=list)
    embedded: list[tuple[str, str]] = field(default_factory=list)  # title, text
    headlines: list[str] = field(default_factory=list)


def _split_page(text: str, rules: BoilerplateRules, markers: bool) -> _Page:
    """``markers``: has the page a line that a rule may match (`BoilerplateRules.with_markers`)?"""
    if not markers:
        return _Page(story=text)
    # Only the lines that some rule may match (or that start with a bullet) need a closer look: one search
    # finds them. (Lines of canonical text are stripped: only a bullet line changes when bullets go.)
    candidates = (found.start() + 1 for found in rules.candidate_break.finditer(text))
    candidate, at = 0 if rules.candidate_line.match(text) else next(candidates, -1), 0
    lines: list[str] = []
    looked_at: list[int] = []  # the candidates' places in lines
    for line in text.split("\n"):
        at, start = at + len(line) + 1, at
        if start == candidate:
            candidate = next(candidates, -1)
            line = line.lstrip(rules.bullets + " ")
            if line:
                looked_at.append(len(lines))
        if line:
            lines.append(line)
    marks: list[tuple[_Rule, str] | None] = [None] * len(lines)
    for i in looked_at:
        marks[i] = rules.classify(lines[i], last=i == len(lines) - 1)
    return _PageReader(lines, marks, int(rules.paragraphs.get("headline_max_words", 20))).read()


@dataclass
class _PageReader:
    """Walks a page's lines once, sending each to the story, a field, a block or the bin."""

    lines: list[str]
    marks: list[tuple[_Rule, str] | None]
    headline_max_words: int
    page: _Page = field(default_factory=_Page)
    story: list[str] = field(default_factory=list)
    position: int = 0
    story_ended: bool = False  # a source, tag, trailer or related line came: what follows is not the story

    def read(self) -> _Page:
        while self.position < len(self.lines):
            mark = self.marks[self.position]
            self.position += 1
            if mark is None:
                self.story.append(self.lines[self.position - 1])
            else:
                self._act(*mark)
        self.page.story = "\n".join(self.story)
        return self.page

    def _act(self, rule: _Rule, value: str) -> None:
        if rule.action == "source":
            self.page.source = self.page.source or value or None
        elif rule.action == "tags":
            self.page.tags.extend(_split_tags(value))
        elif rule.action == "end":
            self._unmarked_lines()  # the trailer's time code and the like
        elif rule.action == "related":
            self.page.headlines.extend([value] if value else [])
            self.page.headlines.extend(self._headline_lines())
        elif rule.action == "embedded":
            self._read_also(value)
        if rule.action != "drop" and rule.action != "embedded":
            self.story_ended = True

    def _read_also(self, value: str) -> None:
        if not self.story_ended:
            # Links inside the story: the linked headlines, then the story goes on.
            self.page.headlines.extend([value] if value else self._headline_lines())
            return
        block = ([value] if value else []) + self._unmarked_lines()
        if len(block) > 1:
            self.page.embedded.append((block[0], "\n".join(block[1:])))
        else:
            self.page.headlines.extend(block)

    def _unmarked_lines(self) -> list[str]:
        start = self.position
        while self.position < len(self.lines) and self.marks[self.position] is None:
            self.position += 1
        return self.lines[start : self.position]

    def _headline_lines(self) -> list[str]:
        start = self.position
        while (
            self.position < len(self.lines)
            and self.marks[self.position] is None
            and _is_headline(self.lines[self.position], self.headline_max_words)
        ):
            self.position += 1
        return self.lines[start : self.position]


def _is_headline(line: str, max_words: int) -> bool:
    # A story sentence ends with a full stop or introduces what follows; a headline rarely does.
    return len(line.split()) <= max_words and not line.rstrip().endswith((".", ":", "؛"))


def _stories_rows(
    records: list[_Record], rules: BoilerplateRules
) -> tuple[list[dict[str, Any]], list[tuple[str, str]], StoryWords, _Texts]:
    """The rows of some pages or export records (each: its story, embedded stories, headlines), the
    records that give none, the words of the story rows (for finding duplicates) and the rows' texts. The
    text steps run on all records at once."""
    texts = canonical_letters_many([html.unescape(record.text) for record in records])
    pages = [_split_page(text, rules, markers) for text, markers in zip(texts, rules.with_markers(texts), strict=True)]
    # Blocks of paragraphs, normalised and hashed together: each page's story, then for each embedded
    # story its title (which stands for the story when it has no text left) and its text; then the pages'
    # headlines, a block each.
    blocks = [block for page in pages for block in (page.story, *(b for pair in page.embedded for b in pair))]
    paragraphs = normalised_paragraphs(blocks + [headline for page in pages for headline in page.headlines])
    words = StoryWords.of(paragraphs)
    kept = distinct_paragraphs(paragraphs, repeats=rules.paragraph_repeats, words=words)
    titles = canonical_letters_many([record.title or "" for record in records])
    record_titles = [title if record.title else None for record, title in zip(records, titles, strict=True)]
    first = paragraphs.first.tolist()
    rows: list[dict[str, Any]] = []
    rejected: list[tuple[str, str]] = []
    story_blocks: list[int] = []  # the block of each story row
    pieces: list[int] = []  # the paragraphs of each row, one row after the other
    bounds = [0]  # where each row's paragraphs end in pieces
    block, headline = 0, len(blocks)
    for record, page, title in zip(records, pages, record_titles, strict=True):
        here, block = block, block + 1 + 2 * len(page.embedded)
        headlines, headline = range(headline, headline + len(page.headlines)), headline + len(page.headlines)
        if not kept[here]:
            rejected.append((record.origin, "no story text left after removing boilerplate"))
            continue
        # An embedded story with no text left is its title (all its lines, when none is kept).
        for b in [here] + [b + 1 if kept[b + 1] else b for b in range(here + 1, block, 2)]:
            kept[b] = kept[b] or list(range(first[b + 1] - first[b]))
            story_blocks.append(b)
            pieces.extend([first[b] + i for i in kept[b]])
            bounds.append(len(pieces))
        for b in headlines:
            pieces.append(first[b])
            bounds.append(len(pieces))
        rows.extend(_record_rows(record, page, title))
    row_texts = _Texts.of(paragraphs, np.array(pieces, dtype=np.int64), np.array(bounds, dtype=np.int64))
    return rows, rejected, words.kept(kept, story_blocks), row_texts


@dataclass(frozen=True)
class _Texts:
    """The ``text``, ``text_norm`` and ``n_words`` columns of some rows."""

    text: pa.Array
    text_norm: pa.Array
    n_words: np.ndarray

    @classmethod
    def of(cls, paragraphs: Paragraphs, pieces: np.ndarray, bounds: np.ndarray) -> _Texts:
        """Row r: paragraphs ``pieces[bounds[r]:bounds[r + 1]]``, a blank line apart (Arrow strings written
        from the paragraphs' arrays: no Python string per row)."""
        total = np.concatenate(([0], np.cumsum(paragraphs.words.counts[pieces])))
        return cls(
            _arrow_strings(*paragraphs.utf8_joined(pieces, bounds, normalised=False)),
            _arrow_strings(*paragraphs.utf8_joined(pieces, bounds, normalised=True)),
            total[bounds[1:]] - total[bounds[:-1]],
        )

    @classmethod
    def joined(cls, parts: Sequence[_Texts]) -> _Texts:
        return cls(
            pa.concat_arrays([part.text for part in parts]),
            pa.concat_arrays([part.text_norm for part in parts]),
            np.concatenate([part.n_words for part in parts]),
        )


def _arrow_strings(data: np.ndarray, offsets: np.ndarray) -> pa.Array:
    """An Arrow large_string array from its buffers: UTF-8 bytes and each string's offset into them."""
    return pa.LargeStringArray.from_buffers(len(offsets) - 1, pa.py_buffer(offsets), pa.py_buffer(data))


def _record_rows(record: _Record, page: _Page, title: str | None) -> list[dict[str, Any]]:
    """The rows of one page or export record but their texts: its story, then embedded stories, then
    headlines (an embedded story with no text left is its title: a headline that came with a story's block)."""
    article_id, source, origin = record.article_id, record.source or page.source, record.origin
    tags = record.tags + [tag for tag in page.tags if tag not in record.tags] if page.tags else record.tags
    rows = [_row(article_id, "article", None, title, source, origin, record, tags)]
    for number, (title, _) in enumerate(page.embedded, start=1):
        rows.append(_row(f"{article_id}#e{number}", "embedded", article_id, title, source, origin))
    for number, headline in enumerate(page.headlines, start=1):
        rows.append(_row(f"{article_id}#h{number}", "headline", article_id, headline, source, origin))
    return rows


def _row(
    article_id: str,
    kind: str,
    parent_id: str | None,
    title: str | None,
    source: str | None,
    origin: str,
    record: _Record | None = None,
    tags: list[str] | None = None,
) -> dict[str, Any]:
    """A row; ``record`` and ``tags`` for a page's own story, which has the record's date, url and category."""
    return {
        "article_id": article_id,
        "kind": kind,
        "parent_id": parent_id,
        "title": title,
        "source": source,
        "published_at": record and record.published,
        "url": record and record.url,
        "tags": tags or [],
        "category": record and record.category,
        "origin": origin,
    }


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


def _frame(rows: list[dict[str, Any]], rules: BoilerplateRules, words: StoryWords, texts: _Texts) -> pd.DataFrame:
    columns = {c: [row[c] for row in rows] for c in rows[0] if c != "published_at"}
    frame = pd.DataFrame(
        {
            **{c: _strings(v) for c, v in columns.items() if ARTICLE_COLUMNS[c] == _STRING},
            "text": pd.array(texts.text, dtype=_STRING),
            "text_norm": pd.array(texts.text_norm, dtype=_STRING),
            "published_at": _utc_times([row["published_at"] for row in rows], columns["source"], rules.time_zones),
            "tags": pd.array(columns["tags"], dtype=_TAGS),
            "n_words": texts.n_words,
            "duplicate_of": _strings(_duplicate_of(rows, rules.story_duplicates, words, texts.text_norm)),
        }
    )
    return frame[list(ARTICLE_COLUMNS)]


def _strings(values: list[str | None]) -> pd.api.extensions.ExtensionArray:
    """A pyarrow-backed string array."""
    return pd.array(pa.array(values, type=pa.large_string()), dtype=_STRING)


_HAS_OFFSET = re.compile(r"(?:[+-]\d\d:?\d\d|Z|UTC|GMT)$", re.IGNORECASE)


def _utc_times(values: list[Any], sources: list[str | None], time_zones: Mapping[str, str]) -> pd.Series:
    """Timestamps in UTC; those without an offset are read in their outlet's zone (else UTC). Only text and
    datetimes are read: a number is no date (seconds? milliseconds? days?), and is left empty."""
    times = pd.Series(pd.NaT, index=range(len(values)), dtype=ARTICLE_COLUMNS["published_at"])
    raw = pd.Series(values, dtype=object)
    present = pd.Series([isinstance(value, str | date) for value in values], dtype=bool)
    if not present.any():
        return times
    naive = present & ~raw.map(_has_offset)
    aware = present & ~naive
    if aware.any():
        times[aware] = _parse_times(raw[aware], utc=True)
    zones = pd.Series([time_zones.get(s or "", "UTC") for s in sources])
    for zone in zones[naive].unique():
        group = naive & (zones == zone)
        local = _parse_times(raw[group], utc=False)
        times[group] = local.dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")
    return times


def _has_offset(value: Any) -> bool:
    if isinstance(value, str):
        return _HAS_OFFSET.search(value.rstrip()[-6:]) is not None  # (an offset is 6 characters at most)
    return getattr(value, "tzinfo", None) is not None


def _parse_times(values: pd.Series, *, utc: bool) -> pd.Series:
    parsed = pd.to_datetime(values, utc=utc, format="ISO8601", errors="coerce")
    odd = parsed.isna()
    if odd.any():  # RFC 2822 and other spellings: slower, one by one
        parsed[odd] = pd.to_datetime(values[odd], utc=utc, format="mixed", errors="coerce")
    # A year a nanosecond timestamp cannot hold (0001 and 9999 stand for "no date" in some systems) is no date.
    parsed = parsed.where(parsed.dt.year.between(*_YEARS))
    return parsed.astype(f"datetime64[ns{', UTC' if utc else ''}]")


# The whole years between pd.Timestamp.min (1677-09-21) and pd.Timestamp.max (2262-04-11).
_YEARS = (1678, 2261)


def _date_notes(rows: list[dict[str, Any]], times: pd.Series) -> list[tuple[str, str]]:
    """A note for each row whose record gave a date that `_utc_times` could not read."""
    unread = times.isna().to_numpy()
    first, last = _YEARS
    return [
        (
            row["origin"],
            f"published_at left empty: {_SHOWN.repr(row['published_at'])} is no date it can read "
            f"(a number, an unknown spelling or a year outside {first}-{last})",
        )
        for row, empty in zip(rows, unread, strict=True)
        if empty and row["published_at"] is not None
    ]


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


def _unique_id(article_id: str, used: set[str]) -> str:
    candidate, number = article_id, 1
    while candidate in used:
        number += 1
        candidate = f"{article_id}~{number}"
    used.add(candidate)
    return candidate


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
    if on_error not in ("collect", "raise"):
        raise ValueError(f"on_error must be 'collect' or 'raise', not {on_error!r}")
    with _cyclic_gc_paused():
        return _load_articles(inputs, column_map, rules, on_error, progress)


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


def _load_articles(
    inputs: str | Path | Sequence[str | Path],
    column_map: Mapping[str, str] | None,
    rules: BoilerplateRules | str | Path | None,
    on_error: Literal["collect", "raise"],
    progress: bool | None,
) -> pd.DataFrame:
    compiled = rules if isinstance(rules, BoilerplateRules) else boilerplate_rules(rules)
    column_map = check_column_map(column_map or {})
    files = _input_files(inputs)
    rows: list[dict[str, Any]] = []
    rejections: list[tuple[str, str]] = []
    notes: list[tuple[str, str]] = []
    used_ids: set[str] = set()
    story_words: list[StoryWords] = []
    texts: list[_Texts] = []
    for item in _with_progress(files, progress):
        # A file's records are cleaned together; its rejections are listed in the order of its records.
        records: list[_Record] = []
        place: dict[str, int] = {}  # origin -> place among the file's records and rejections
        rejected: list[tuple[str, str]] = []
        for number, record in enumerate(_records(item, column_map)):
            if isinstance(record, _Note):
                notes.append(record)
                continue
            if isinstance(record, _Record):
                record.article_id = _unique_id(record.article_id, used_ids)
                records.append(record)
            else:
                rejected.append(record)
            place[record.origin if isinstance(record, _Record) else record[0]] = number
        # A batch at a time: the arrays of its text steps stay small enough for the CPU cache.
        for first in range(0, len(records), _RECORDS_AT_A_TIME):
            batch_rows, not_cleaned, batch_words, batch_texts = _stories_rows(
                records[first : first + _RECORDS_AT_A_TIME], compiled
            )
            for row in batch_rows:  # an embedded or headline row's id (its page's + "#e1") may be a record's too
                if row["kind"] != "article":
                    row["article_id"] = _unique_id(row["article_id"], used_ids)
            rows.extend(batch_rows)
            story_words.append(batch_words)
            texts.append(batch_texts)
            rejected.extend(not_cleaned)
        rejected.sort(key=lambda rejection: place[rejection[0]])
        if rejected and on_error == "raise":
            raise InputError(*rejected[0])
        rejections.extend(rejected)
    if not rows:
        first = f" (first: {rejections[0][0]}: {rejections[0][1]})" if rejections else ""
        raise InputError(_describe(inputs), f"no readable input: {len(rejections)} rejected{first}")
    articles = validate_articles(_frame(rows, compiled, StoryWords.joined(story_words), _Texts.joined(texts)))
    notes.extend(_date_notes(rows, articles["published_at"]))
    for file in _undated_exports(rows):
        warnings.warn(
            f"{file}: no story has a date: no column was read as published_at (tried "
            f"{', '.join(DEFAULT_COLUMNS['published_at'])}); name yours with column_map={{'published_at': ...}}",
            stacklevel=3,
        )
    articles.attrs["rejections"] = _listed(rejections, _REJECTION_COLUMNS)
    articles.attrs["notes"] = _listed(notes, _NOTE_COLUMNS)
    if rejections:
        pages = articles["origin"].nunique() + len(rejections)
        warnings.warn(
            f"{len(rejections)} of {pages} inputs rejected (first: {rejections[0][0]}: {rejections[0][1]}); "
            "see toolkit.rejections(articles)",
            stacklevel=3,
        )
    if notes:
        warnings.warn(
            f"{len(notes)} notes on what was changed (first: {notes[0][0]}: {notes[0][1]}); "
            "see toolkit.notes(articles)",
            stacklevel=3,
        )
    return articles


def check_column_map(column_map: Mapping[str, str], *, where: str = "column_map") -> _ColumnMap:
    """``column_map`` as (field, column) pairs; a field that is not an article field is an `InputError`.

    >>> check_column_map({"txt": "body"}, where="--column-map")
    Traceback (most recent call last):
    toolkit.errors.InputError: --column-map: unknown field 'txt' (fields: article_id, text, ...)
    """
    unknown = sorted(set(column_map) - set(DEFAULT_COLUMNS))
    if unknown:
        raise InputError(where, f"unknown field {unknown[0]!r} (fields: {', '.join(DEFAULT_COLUMNS)})")
    return tuple(column_map.items())


def _describe(inputs: str | Path | Sequence[str | Path]) -> str:
    items = [inputs] if isinstance(inputs, str | Path) else list(inputs)
    return str(items[0]) + (f" and {len(items) - 1} more" if len(items) > 1 else "")


def _with_progress(files: list[Path], progress: bool | None) -> Iterable[Path]:
    show = progress if progress is not None else len(files) >= _PROGRESS_FROM_FILES
    if not show:
        return files
    from tqdm.auto import tqdm

    return tqdm(files, unit="file", desc="cleaning", leave=False)

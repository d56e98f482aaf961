"""The articles DataFrame: its columns and dtypes (`ARTICLE_COLUMNS`), its check (`validate_articles`), and what
travels with it in ``attrs``: the inputs that gave no row (`rejections`) and what was changed (`notes`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from toolkit.errors import InputError

_STRING = pd.StringDtype("pyarrow")
_TAGS = pd.ArrowDtype(pa.list_(pa.string()))


#: The articles DataFrame: column -> dtype, in column order (see the docstring of `toolkit.load.articles`).
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


def validate_articles(articles: pd.DataFrame, *, earlier: Collection[str] = ()) -> pd.DataFrame:
    """Check ``articles`` against `ARTICLE_COLUMNS` and return it; raise `InputError` naming the problem.

    Checks the columns, their order and dtypes, unique ids, kinds, and that ``parent_id`` and
    ``duplicate_of`` name rows of the frame (``duplicate_of`` may also name the ids in ``earlier``: rows of
    earlier batches of a stream, `iter_articles`).

    >>> validate_articles(load_articles("data/raw")).shape   # doctest: +SKIP
    (11, 14)
    >>> validate_articles(pd.DataFrame({"text": ["..."]}))
    Traceback (most recent call last):
    ...
    toolkit.errors.InputError: articles: missing columns article_id, kind, parent_id, title, text_norm, ...
    """
    problem = _schema_problem(articles, frozenset(earlier))
    if problem:
        raise InputError("articles", problem)
    return articles


def _schema_problem(articles: pd.DataFrame, earlier: frozenset[str]) -> str | None:
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
        allowed = known | earlier if column == "duplicate_of" else known
        unknown = [name for name in articles[column].dropna().tolist() if name not in allowed]
        if unknown:
            return f"{column} names rows that are not there: {unknown[:3]}"
    if articles["text"].isna().any() or articles["text_norm"].isna().any():
        return "text and text_norm must not be empty"
    return None


def rejections(articles: pd.DataFrame) -> pd.DataFrame:
    """The inputs that gave no row, with the reason: a DataFrame (``origin``, ``reason``).

    They travel with the articles in ``articles.attrs["rejections"]`` as plain records, which pandas
    can copy and compare when it merges or concatenates frames (a DataFrame there breaks pandas 3).

    >>> from toolkit.load import load_articles
    >>> rejections(load_articles("data/raw")).columns.tolist()
    ['origin', 'reason']
    """
    return _listing(articles, "rejections", _REJECTION_COLUMNS)


def notes(articles: pd.DataFrame) -> pd.DataFrame:
    """What was changed in inputs that gave rows, and why: a DataFrame (``origin``, ``note``).

    Kept like the rejections, in ``articles.attrs["notes"]``.

    >>> from toolkit.load import load_articles
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


def _strings(values: list[str | None]) -> pd.api.extensions.ExtensionArray:
    """A pyarrow-backed string array."""
    return pd.array(pa.array(values, type=pa.large_string()), dtype=_STRING)

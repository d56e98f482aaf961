"""A record's fields: found by column name (`DEFAULT_COLUMNS`, or a ``column_map``), read as text, tags split.

`_Record` is one page or export row before cleaning, as each reader of `toolkit.load.records` makes it.
"""

from __future__ import annotations

import re
import reprlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from toolkit.arabic import canonical_letters
from toolkit.errors import InputError
from toolkit.load.files import _Rejected
from toolkit.load.rules import _VALUE_TRIM

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

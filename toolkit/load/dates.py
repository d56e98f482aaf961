"""Dates: the inputs' times read as UTC (a time without an offset in its outlet's zone), and stories selected and
binned by date (`select_articles`, `stray_dates`, `period_start`).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd

from toolkit.errors import InputError
from toolkit.load.fields import _SHOWN
from toolkit.load.schema import ARTICLE_COLUMNS

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

"""Checking theme verdicts on your own stories: draw a sample to read, then measure the verdicts against it.

The built-in themes were measured on outlets read by hand (``benchmarks/RESULTS.md``), and an outlet
nobody read may do worse. A researcher checks them as content analysts check any coder:

1. `reading_sample` draws a seeded sample of one theme's stories, stratified by the toolkit's verdict
   (``assigned``: the theme was given; ``near``: some evidence, a score of at least `NEAR_SCORE`;
   ``rest``) so that both precision and recall are measured, and shuffles it so the reader cannot tell
   the strata apart. Its last column is named after the theme: read each story against the theme's
   definition (``docs/themes.md`` for the built-in themes) and fill it with 1 or 0, blind to the scores.
2. `theme_accuracy` weighs each label by its stratum (stories there ÷ stories read: the
   Horvitz–Thompson estimate) and gives precision, recall, F1 and the share of stories that truly have
   the theme, beside the share the toolkit gives, each with a 95 % stratified bootstrap interval.

>>> articles = pd.DataFrame({"article_id": list("abcdef"), "source": "X", "title": None, "text": "…"})
>>> scores = pd.DataFrame({"article_id": list("abcdef"), "score_natural_disasters": [.9, .8, .2, 0, 0, 0],
...     "theme": ["natural_disasters"] * 2 + [None] * 4})
>>> sample = reading_sample(articles, scores, theme="natural_disasters", size=6)
>>> labels = sample.assign(natural_disasters=sample["article_id"].map({"a": 1, "b": 0, "c": 1}).fillna(0))
>>> theme_accuracy(articles, scores, labels)[["measure", "estimate"]].round(2)
           measure  estimate
0        precision      0.50
1           recall      0.50
2               f1      0.50
3    toolkit share      0.33
4  estimated share      0.33
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.distributed import columns_of, is_partitioned, rows_of
from toolkit.errors import InputError, require_columns
from toolkit.stories import STORY_KINDS, counted_stories

__all__ = [
    "NEAR_SCORE",
    "STRATA",
    "read_labels",
    "reading_sample",
    "stratified_intervals",
    "theme_accuracy",
    "verdict_strata",
    "weighted_scores",
]

STRATA = ("assigned", "near", "rest")
# A story not given the theme but scored at least this has some evidence for it (a seed, a passage):
# where the toolkit's misses are. On the gold set, all 11 security-cooperation stories the toolkit misses
# score 0.005 or more, and so do 1,434 of the 10,993 stories of the shared corpora it does not assign.
NEAR_SCORE = 0.005
# The share of a sample drawn from the assigned and the near strata (the rest takes what is left):
# most stories have no evidence, and a few of them read tell whether any were missed.
ALLOCATION = {"assigned": 0.4, "near": 0.4}
SHOWN = ("article_id", "source", "published_at", "title", "text")


def verdict_strata(
    articles: pd.DataFrame, scores: pd.DataFrame, *, theme: str, kinds: Sequence[str] | None = STORY_KINDS
) -> pd.Series:
    """Per story counted (`toolkit.stories.counted_stories`), indexed by ``article_id``: its stratum for ``theme``.

    >>> articles = pd.DataFrame({"article_id": ["a", "b", "c"]})
    >>> scores = pd.DataFrame({"article_id": ["a", "b", "c"], "score_x": [0.9, 0.01, 0.0], "theme": ["x", None, None]})
    >>> verdict_strata(articles, scores, theme="x", kinds=None).tolist()
    ['assigned', 'near', 'rest']
    """
    if is_partitioned(articles):  # a dataset folder or a Dask DataFrame: the columns counted, not the texts
        articles = columns_of(articles, ["article_id", "kind", "duplicate_of", "source"])
    require_columns(articles, ["article_id"])
    column = f"score_{theme}"
    require_columns(scores, ["article_id", "theme", column], name="theme scores")
    stories = counted_stories(articles, kinds=kinds)[["article_id"]].merge(
        scores[["article_id", "theme", column]], on="article_id"
    )
    assigned = (stories["theme"] == theme).fillna(False).to_numpy(dtype=bool)
    near = ~assigned & (stories[column].to_numpy(dtype=float) >= NEAR_SCORE)
    stratum = np.where(assigned, "assigned", np.where(near, "near", "rest"))
    return pd.Series(stratum, index=pd.Index(stories["article_id"].astype(str), name="article_id"), name="stratum")


def reading_sample(
    articles: pd.DataFrame,
    scores: pd.DataFrame,
    *,
    theme: str,
    size: int = 100,
    seed: int = 42,
    kinds: Sequence[str] | None = STORY_KINDS,
) -> pd.DataFrame:
    """A seeded sample of stories to read by hand to check one theme's verdicts, with a blank column to fill.

    About 40 % of ``size`` comes from the stories given ``theme``, 40 % from the near ones and the rest
    from the others; a stratum smaller than its part is read whole, and what it leaves goes to the others
    (assigned, then near, then the rest). Within a stratum the stories are ordered by id, then drawn with
    ``seed``; the sample is then shuffled with the same seed, so it is the same on every machine and the
    reader cannot tell which stories the toolkit gave the theme. Returns the story's ``article_id``,
    ``source``, ``published_at``, ``title`` and ``text`` (those ``articles`` has) and an empty column named
    ``theme`` (fill 1 or 0), nothing of the scores. ``articles`` may be read by partition (a dataset folder's
    `toolkit.distributed.ArticleParts`, or a Dask DataFrame): only the counted columns and the stories drawn
    are gathered.

    >>> articles = pd.DataFrame({"article_id": list("abcd"), "title": list("ABCD")})
    >>> scores = pd.DataFrame({"article_id": list("abcd"), "score_x": [0.9, 0.5, 0.0, 0.0],
    ...     "theme": ["x", "x", None, None]})
    >>> sample = reading_sample(articles, scores, theme="x", size=3, kinds=None)
    >>> sample.columns.tolist(), sorted(sample["article_id"])[:2], len(sample)
    (['article_id', 'title', 'x'], ['a', 'b'], 3)
    """
    if size < 1:
        raise InputError("size", f"must be at least 1, got {size}")
    strata = verdict_strata(articles, scores, theme=theme, kinds=kinds)
    ids = {name: np.sort(strata.index[strata.to_numpy() == name].to_numpy(dtype=str)) for name in STRATA}
    wanted = [round(size * ALLOCATION["assigned"]), round(size * ALLOCATION["near"])]
    take = [min(n, len(ids[name])) for n, name in zip([*wanted, size - sum(wanted)], STRATA, strict=True)]
    for i, name in enumerate(STRATA):  # what a small stratum leaves goes to the next ones, in this order
        take[i] += min(size - sum(take), len(ids[name]) - take[i])
    rng = np.random.default_rng(seed)
    drawn = [rng.choice(ids[name], size=n, replace=False) for name, n in zip(STRATA, take, strict=True)]
    picked = rng.permutation(np.concatenate(drawn))
    if is_partitioned(articles):  # only the stories drawn are read whole
        articles = rows_of(articles, pd.Series(picked, dtype=str))
    shown = [c for c in SHOWN if c in articles.columns]
    texts = articles.assign(article_id=articles["article_id"].astype(str)).drop_duplicates("article_id")
    sample = pd.DataFrame({"article_id": picked}).merge(texts[shown], on="article_id", how="left")
    return sample.assign(**{theme: pd.array([pd.NA] * len(sample), dtype="Int8")})


def theme_accuracy(
    articles: pd.DataFrame,
    scores: pd.DataFrame,
    labels: pd.DataFrame,
    *,
    theme: str | None = None,
    kinds: Sequence[str] | None = STORY_KINDS,
    resamples: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """How right one theme's verdicts are on your stories, from the labels of a `reading_sample` read by hand.

    ``labels`` has ``article_id`` and a column named after the theme, as `reading_sample` writes it (1: the
    story has the theme, 0: it has not; empty: not read yet, left out); ``theme`` is that column's name, by
    default the one column of ``labels`` that names a theme of ``scores``. Each label is weighed by its
    stratum (stories of the stratum ÷ stories read there), so the figures estimate the whole of
    ``articles``, not the sample. Returns one row per ``measure`` (``precision``, ``recall``, ``f1``, the
    ``toolkit share`` of stories given the theme and the ``estimated share`` that have it) with its
    ``estimate`` and a 95 % stratified bootstrap interval (``low``, ``high``; seeded, the same on every
    machine; the toolkit's share is counted, not estimated), and ``read``, the labels used. A measure
    nothing defines (no story read has or gets the theme) is nan. ``articles`` may be read by partition,
    as in `reading_sample`.

    Raises `InputError` for a label other than 0 or 1, a story that is not among the scored stories, no
    label at all, or no (or more than one) theme column.

    >>> articles = pd.DataFrame({"article_id": ["a", "b"]})
    >>> scores = pd.DataFrame({"article_id": ["a", "b"], "score_x": [0.9, 0.0], "theme": ["x", None]})
    >>> labels = pd.DataFrame({"article_id": ["a", "b"], "x": [1, 1]})
    >>> theme_accuracy(articles, scores, labels, kinds=None)["estimate"].round(2).tolist()
    [1.0, 0.5, 0.67, 0.5, 1.0]
    """
    theme = theme or _labelled_theme(labels, scores)
    require_columns(labels, ["article_id", theme], name="labels")
    strata = verdict_strata(articles, scores, theme=theme, kinds=kinds)
    read = labels.dropna(subset=[theme]).assign(article_id=lambda f: f["article_id"].astype(str))
    unknown = read.loc[~read["article_id"].isin(strata.index), "article_id"]
    if len(unknown):
        raise InputError("labels", f"stories not among the scored stories: {', '.join(unknown[:5])}")
    values = pd.to_numeric(read[theme], errors="coerce")
    if not values.isin([0, 1]).all():
        bad = read[~values.isin([0, 1]).to_numpy()].iloc[0]
        raise InputError("labels", f"a label is 1 or 0; story {bad['article_id']} has {bad[theme]!r}")
    if read.empty:
        raise InputError("labels", f"no story has a label yet: fill the {theme} column with 1 or 0")
    stratum = strata.loc[read["article_id"]].to_numpy()
    sizes, counts = strata.value_counts(), pd.Series(stratum).value_counts()
    weight = np.array([sizes[s] / counts[s] for s in stratum], dtype=float)
    found, true = stratum == "assigned", values.to_numpy(dtype=int) == 1

    def measures(rows: np.ndarray) -> tuple[float, ...]:
        share = (weight[rows] * true[rows]).sum() / weight[rows].sum() if len(rows) else float("nan")
        return (*weighted_scores(weight[rows], found[rows], true[rows]), share)

    everything = np.arange(len(read))
    estimate = measures(everything)
    groups = [np.flatnonzero(stratum == s) for s in STRATA if (stratum == s).any()]
    low, high = stratified_intervals(groups, measures, resamples=resamples, seed=seed)
    given = float((strata == "assigned").mean()) if len(strata) else float("nan")
    return pd.DataFrame(
        {
            "measure": ["precision", "recall", "f1", "toolkit share", "estimated share"],
            "estimate": [*estimate[:3], given, estimate[3]],
            "low": [*low[:3], given, low[3]],
            "high": [*high[:3], given, high[3]],
            "read": len(read),
        }
    )


def read_labels(path: str | Path) -> pd.DataFrame:
    """A reading sample you labelled: the CSV of `reading_sample` (or ``toolkit reading-sample``), saved by a
    spreadsheet or a script, with or without its byte order mark.

    >>> labels = read_labels("data/labels/security_cooperation.csv")  # doctest: +SKIP
    """
    try:
        labels = pd.read_csv(path, encoding="utf-8-sig", dtype={"article_id": str})
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise InputError(path, f"not a reading sample CSV ({err})") from err
    if "article_id" not in labels.columns:
        raise InputError(path, "not a reading sample: it has no article_id column")
    return labels


def _labelled_theme(labels: pd.DataFrame, scores: pd.DataFrame) -> str:
    named = [c for c in labels.columns if f"score_{c}" in scores.columns]
    if len(named) != 1:
        keys = [c.removeprefix("score_") for c in scores.columns if str(c).startswith("score_")]
        found = f"found {', '.join(map(str, named))}" if named else "found none"
        raise InputError("labels", f"needs one column named after a theme ({', '.join(keys)}); {found}")
    return str(named[0])


def weighted_scores(weight: np.ndarray, predicted: np.ndarray, true: np.ndarray) -> tuple[float, float, float]:
    """Weighted precision, recall and F1 of boolean verdicts against boolean labels (nan where undefined).

    >>> weighted_scores(np.array([1.0, 1.0, 8.0]), np.array([True, True, False]), np.array([True, False, True]))
    (0.5, 0.1111111111111111, 0.1818181818181818)
    """
    hit = (weight * (predicted & true)).sum()
    precision = hit / (weight * predicted).sum() if predicted.any() else float("nan")
    recall = hit / (weight * true).sum() if true.any() else float("nan")
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else float("nan")
    return float(precision), float(recall), float(f1)


def stratified_intervals(
    strata: Sequence[np.ndarray],
    measures: Callable[[np.ndarray], tuple[float, ...]],
    *,
    resamples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap intervals of ``measures(rows)``: each resample redraws every stratum's rows with replacement.

    Keeping the strata keeps the sampling design (a stratum read thinly, whose few stories weigh much, varies as
    it would). The seed fixes the draws, so the intervals are the same on every machine; a measure no resample
    defines is nan.

    >>> low, high = stratified_intervals([np.arange(4)], lambda rows: (float(np.mean(rows)),), seed=1)
    >>> float(low[0]) >= 0, float(high[0]) <= 3
    (True, True)
    """
    rng = np.random.default_rng(seed)
    draws = [np.concatenate([rng.choice(rows, size=len(rows)) for rows in strata]) for _ in range(resamples)]
    samples = np.array([measures(d) for d in draws], dtype=float)
    tail = 100 * (1 - confidence) / 2
    with warnings.catch_warnings():  # a measure no resample defines: nan
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = np.nanpercentile(samples, [tail, 100 - tail], axis=0)
    return low, high

"""Checking theme verdicts on your own stories: draw a sample to read, then measure the verdicts against it.

The built-in themes were measured on outlets read by hand (``benchmarks/RESULTS.md``), and an outlet
nobody read may do worse. A researcher checks them as content analysts check any coder:

1. `reading_sample` draws a seeded sample of one theme's stories, stratified by the toolkit's verdict
   (``assigned``: the theme was given; ``near``: some evidence, a score of at least `NEAR_SCORE`;
   ``rest``) so that both precision and recall are measured, and shuffles it so the reader cannot tell
   the strata apart. Its last column is named after the theme: read each story against the theme's
   definition (``docs/themes.md`` for the built-in themes) and fill it with 1 or 0, blind to the scores.
   `save_reading_sample` writes it as a CSV, and the draw (each story's stratum and the strata's sizes)
   beside it, so the labels are weighed as the sample was drawn even if the stories are scored again.
2. `read_labels` reads the labelled CSV back and `theme_accuracy` weighs each label by its stratum
   (stories there ÷ stories read: the Horvitz–Thompson estimate). It gives precision, recall, F1 and the
   share of stories that truly have the theme, beside the share the toolkit gives.

>>> articles = pd.DataFrame({"article_id": list("abcdef"), "source": "X", "title": None, "text": "…"})
>>> scores = pd.DataFrame({"article_id": list("abcdef"), "score_natural_disasters": [.9, .8, .2, 0, 0, 0],
...     "theme": ["natural_disasters"] * 2 + [None] * 4})
>>> sample = reading_sample(articles, scores, theme="natural_disasters", size=6)
>>> labels = sample.assign(natural_disasters=sample["article_id"].map({"a": 1, "b": 0, "c": 1}).fillna(0))
>>> theme_accuracy(labels)[["measure", "estimate"]].round(2)
           measure  estimate
0        precision      0.50
1           recall      0.50
2               f1      0.50
3    toolkit share      0.33
4  estimated share      0.33
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from toolkit.distributed import columns_of, is_partitioned, rows_of
from toolkit.errors import InputError, require_columns
from toolkit.stories import STORY_KINDS, counted_stories, seeded_order

__all__ = [
    "NEAR_SCORE",
    "STRATA",
    "read_labels",
    "reading_sample",
    "save_reading_sample",
    "theme_accuracy",
    "verdict_strata",
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
INTERVAL_DRAWS = 2000


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
    require_columns(scores, ["article_id", "theme"], name="theme scores")
    if column not in scores.columns:
        known = ", ".join(c.removeprefix("score_") for c in scores.columns if str(c).startswith("score_"))
        raise InputError("theme scores", f"no scores for the theme {theme!r} (scored: {known})")
    if scores["article_id"].duplicated().any():
        raise InputError(
            "theme scores",
            f"story {scores.loc[scores['article_id'].duplicated(), 'article_id'].iloc[0]} is scored twice",
        )
    stories = counted_stories(articles, kinds=kinds)[["article_id"]].astype(str).drop_duplicates()
    stories = stories.merge(scores[["article_id", "theme", column]].astype({"article_id": str}), on="article_id")
    assigned = (stories["theme"] == theme).fillna(False).to_numpy(dtype=bool)
    near = ~assigned & (stories[column].to_numpy(dtype=float) >= NEAR_SCORE)
    stratum = np.where(assigned, "assigned", np.where(near, "near", "rest"))
    return pd.Series(stratum, index=pd.Index(stories["article_id"], name="article_id"), name="stratum")


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
    (assigned, then near, then the rest). Each stratum's stories are taken in the order of their seeded
    BLAKE2 digest (`toolkit.stories.seeded_order`) and the sample is shuffled the same way with the next
    seed, so it is the same on every machine and with every numpy, a larger sample holds a smaller one, and
    the reader cannot tell which stories the toolkit gave the theme. Returns the story's ``article_id``,
    ``source``, ``published_at``, ``title`` and ``text`` (those ``articles`` has) and an empty column named
    ``theme`` (fill 1 or 0), nothing of the scores; ``attrs["design"]`` holds the draw (each story's
    stratum, the strata's sizes) for `save_reading_sample` and `theme_accuracy`. ``articles`` may be read
    by partition (a dataset folder's `toolkit.distributed.ArticleParts`, or a Dask DataFrame): only the
    counted columns and the stories drawn are gathered.

    >>> articles = pd.DataFrame({"article_id": list("abcd"), "title": list("ABCD")})
    >>> scores = pd.DataFrame({"article_id": list("abcd"), "score_x": [0.9, 0.5, 0.0, 0.0],
    ...     "theme": ["x", "x", None, None]})
    >>> sample = reading_sample(articles, scores, theme="x", size=3, kinds=None)
    >>> sample.columns.tolist(), sorted(sample["article_id"]), sample.attrs["design"]["stories"]
    (['article_id', 'title', 'x'], ['a', 'b', 'c'], {'assigned': 2, 'near': 0, 'rest': 2})
    """
    if size < 1:
        raise InputError("size", f"must be at least 1, got {size}")
    strata = verdict_strata(articles, scores, theme=theme, kinds=kinds)
    ids = {name: np.sort(strata.index[strata.to_numpy() == name].to_numpy(dtype=str)) for name in STRATA}
    filled = [name for name in STRATA if len(ids[name])]
    if size < len(filled):  # every stratum with stories needs a story read, or nothing can be estimated
        raise InputError("size", f"must be at least {len(filled)}: a story from each of {', '.join(filled)}")
    wanted = [round(size * ALLOCATION["assigned"]), round(size * ALLOCATION["near"])]
    wanted.append(size - sum(wanted))
    wanted = [max(n, 1) if len(ids[name]) else 0 for n, name in zip(wanted, STRATA, strict=True)]
    while sum(wanted) > size:  # the minimum of one story came out of the largest part
        wanted[int(np.argmax(wanted))] -= 1
    take = [min(n, len(ids[name])) for n, name in zip(wanted, STRATA, strict=True)]
    for i, name in enumerate(STRATA):  # what a small stratum leaves goes to the next ones, in this order
        take[i] += min(size - sum(take), len(ids[name]) - take[i])
    drawn = np.concatenate(
        [ids[name][seeded_order(ids[name], seed=seed)[:n]] for name, n in zip(STRATA, take, strict=True)]
    )
    picked = drawn[seeded_order(drawn, seed=seed + 1)]
    if is_partitioned(articles):  # only the stories drawn are read whole
        articles = rows_of(articles, pd.Series(picked, dtype=str))
    shown = [c for c in SHOWN if c in articles.columns]
    texts = articles[shown].astype({"article_id": str}).drop_duplicates("article_id")
    sample = pd.DataFrame({"article_id": picked}).merge(texts, on="article_id", how="left")
    sample[theme] = pd.array([pd.NA] * len(sample), dtype="Int8")
    sample.attrs["design"] = {
        "theme": theme,
        "seed": seed,
        "size": size,
        "near_score": NEAR_SCORE,
        "stories": {name: len(ids[name]) for name in STRATA},
        "drawn": dict(zip(picked.tolist(), strata.loc[picked].tolist(), strict=True)),
    }
    return sample


def save_reading_sample(sample: pd.DataFrame, path: str | Path) -> Path:
    """Write a `reading_sample` as a CSV to label (UTF-8 with a byte order mark, so spreadsheets read Arabic) and
    its draw beside it in a hidden file (``.<name>.design.json``: it names each story's stratum, so keep it from
    the reader), which `read_labels` finds. Never overwrites: the file may hold
    labels. Returns the path of the draw.

    >>> save_reading_sample(sample, "data/labels/security_cooperation.csv")  # doctest: +SKIP
    """
    path = Path(path)
    design = refuse_overwrite(path)
    if "design" not in sample.attrs:
        raise InputError("sample", "not a reading_sample (it carries no draw)")
    path.parent.mkdir(parents=True, exist_ok=True)
    sample.to_csv(path, index=False, encoding="utf-8-sig")
    design.write_text(json.dumps(sample.attrs["design"], ensure_ascii=False, indent=1), encoding="utf-8")
    return design


def refuse_overwrite(path: Path) -> Path:
    """Raise `InputError` where a reading sample's CSV or its draw already exists (it may hold labels); else the
    draw's path. `save_reading_sample` calls it, and ``toolkit reading-sample`` before it reads any story."""
    design = design_path(path)
    for target in (path, design):
        if target.exists():
            raise InputError(target, "exists and may hold your labels: write elsewhere, or delete it first")
    return design


def read_labels(path: str | Path) -> pd.DataFrame:
    """A reading sample you labelled: the CSV of `save_reading_sample` (or ``toolkit reading-sample``), as a
    spreadsheet or a script saved it, with its draw (``attrs["design"]``) when ``.<name>.design.json`` is beside it.

    >>> labels = read_labels("data/labels/security_cooperation.csv")  # doctest: +SKIP
    """
    try:
        labels = pd.read_csv(path, encoding="utf-8-sig", dtype={"article_id": str})
    except UnicodeDecodeError as err:
        raise InputError(path, f"not UTF-8 ({err.reason}): save it as 'CSV UTF-8' from the spreadsheet") from err
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise InputError(path, f"not a reading sample CSV ({err})") from err
    if "article_id" not in labels.columns:
        hint = ": save it comma-separated ('CSV UTF-8')" if ";" in str(labels.columns[0]) else ""
        raise InputError(path, f"not a reading sample: it has no article_id column{hint}")
    design = design_path(Path(path))
    if design.is_file():
        labels.attrs["design"] = json.loads(design.read_text(encoding="utf-8"))
    return labels


def design_path(path: Path) -> Path:
    """Where the draw is kept: a hidden file beside the CSV (it names each story's stratum: not for the reader)."""
    return path.with_name(f".{path.stem}.design.json")


def theme_accuracy(
    labels: pd.DataFrame,
    articles: pd.DataFrame | None = None,
    scores: pd.DataFrame | None = None,
    *,
    theme: str | None = None,
    kinds: Sequence[str] | None = STORY_KINDS,
    seed: int = 0,
) -> pd.DataFrame:
    """How right one theme's verdicts are on your stories, from the labels of a `reading_sample` read by hand.

    ``labels`` has ``article_id`` and a column named after the theme, as `reading_sample` writes it (1: the
    story has the theme, 0: it has not; empty: not read yet, left out). Each story's stratum, and how many
    stories each stratum holds, come from the draw the labels carry (``attrs["design"]``, kept by
    `reading_sample` and `read_labels`); without one, from ``articles`` and ``scores`` as they are now.
    Within a stratum the verdict is the same for every story, so each measure follows from the strata's
    rates of stories with the theme (the labels read there), weighed by their sizes: ``precision``,
    ``recall``, ``f1``, the ``estimated share`` of stories with the theme, beside the ``toolkit share`` of
    stories given it (counted). Each has a 95 % interval from 2,000 seeded draws of every stratum's rate
    (Jeffreys' Beta(k + ½, n − k + ½) for k of n read; a stratum read whole is exact), so a stratum where
    no story read has the theme still leaves room for a few. Returns ``theme``, ``measure``, ``estimate``,
    ``low``, ``high`` and ``read`` (the labels used); a measure nothing defines is nan.

    Raises `InputError` for a label other than 0 or 1, a story labelled twice or not among the stories
    drawn (or scored), no label at all, a stratum with stories but none read, or no theme column.

    >>> labels = pd.DataFrame({"article_id": ["a", "b"], "x": [1, 1]})
    >>> articles = pd.DataFrame({"article_id": ["a", "b"]})
    >>> scores = pd.DataFrame({"article_id": ["a", "b"], "score_x": [0.9, 0.0], "theme": ["x", None]})
    >>> theme_accuracy(labels, articles, scores, kinds=None)["estimate"].round(2).tolist()
    [1.0, 0.5, 0.67, 0.5, 1.0]
    """
    design: dict[str, Any] | None = labels.attrs.get("design")
    if design is not None and theme is not None and design["theme"] != theme:
        raise InputError("labels", f"the sample was drawn for {design['theme']!r}, not {theme!r}")
    theme = theme or (design["theme"] if design else _labelled_theme(labels, scores))
    require_columns(labels, ["article_id", theme], name="labels")
    if design is not None:
        strata = pd.Series(design["drawn"], dtype=str)
        sizes = {name: int(design["stories"][name]) for name in STRATA}
    elif articles is None or scores is None:
        raise InputError("labels", "carry no draw: give the articles and the theme scores the sample was drawn from")
    else:
        strata = verdict_strata(articles, scores, theme=theme, kinds=kinds)
        sizes = {name: int((strata == name).sum()) for name in STRATA}
    read = _read_labels_of(labels, theme, strata)
    stratum = strata.loc[read["article_id"]].to_numpy()
    counts = {
        name: (int((stratum == name).sum()), int(read[theme].to_numpy()[stratum == name].sum())) for name in STRATA
    }
    unread = [f"{sizes[name]:,} {name}" for name in STRATA if sizes[name] and not counts[name][0]]
    if unread:
        raise InputError("labels", f"no story read among the {' and '.join(unread)} stories: read some of each")
    rates = {name: counts[name][1] / counts[name][0] if counts[name][0] else 0.0 for name in STRATA}
    rng = np.random.default_rng(seed)
    draws = {
        name: np.full(INTERVAL_DRAWS, rates[name])
        if counts[name][0] >= sizes[name]  # read whole: the rate is known
        else rng.beta(counts[name][1] + 0.5, counts[name][0] - counts[name][1] + 0.5, size=INTERVAL_DRAWS)
        for name in STRATA
    }
    estimate = _measures({name: np.array([rates[name]]) for name in STRATA}, sizes)
    spread = _measures(draws, sizes)
    rows = []
    for measure in ("precision", "recall", "f1", "toolkit share", "estimated share"):
        low, high = (
            np.nanpercentile(spread[measure], [2.5, 97.5]) if np.isfinite(spread[measure]).any() else (np.nan,) * 2
        )
        value = float(estimate[measure][0])
        # The interval holds the estimate: Jeffreys draws are never exactly 0 or 1, the rate read can be.
        low, high = (min(low, value), max(high, value)) if np.isfinite(value) else (np.nan, np.nan)
        rows.append((theme, measure, value, float(low), float(high), len(read)))
    return pd.DataFrame(rows, columns=["theme", "measure", "estimate", "low", "high", "read"])


def _labelled_theme(labels: pd.DataFrame, scores: pd.DataFrame | None) -> str:
    if scores is None:
        raise InputError("labels", "carry no draw: give the articles and the theme scores the sample was drawn from")
    named = [c for c in labels.columns if f"score_{c}" in scores.columns]
    if len(named) != 1:
        keys = [c.removeprefix("score_") for c in scores.columns if str(c).startswith("score_")]
        found = f"found {', '.join(map(str, named))}" if named else "found none"
        raise InputError("labels", f"needs one column named after a theme ({', '.join(keys)}); {found}")
    return str(named[0])


def _read_labels_of(labels: pd.DataFrame, theme: str, strata: pd.Series) -> pd.DataFrame:
    """The labelled rows, ids as text and labels as 0/1, checked against the stories drawn or scored."""
    read = labels[["article_id", theme]].replace(r"^\s*$", np.nan, regex=True)  # a blank cell is not read yet
    read = read.dropna(subset=[theme]).astype({"article_id": str})
    if read.empty:
        raise InputError("labels", f"no story has a label yet: fill the {theme} column with 1 or 0")
    twice = read.loc[read["article_id"].duplicated(), "article_id"]
    if len(twice):
        raise InputError("labels", f"story {twice.iloc[0]} is labelled twice")
    unknown = read.loc[~read["article_id"].isin(strata.index), "article_id"]
    if len(unknown):
        raise InputError("labels", f"stories not among those drawn or scored: {', '.join(unknown[:5])}")
    values = pd.to_numeric(read[theme], errors="coerce")
    if not values.isin([0, 1]).all():
        bad = read[~values.isin([0, 1]).to_numpy()].iloc[0]
        raise InputError("labels", f"a label is 1 or 0; story {bad['article_id']} has {bad[theme]!r}")
    return read.assign(**{theme: values.astype(int)})


def _measures(rates: dict[str, np.ndarray], sizes: dict[str, int]) -> dict[str, np.ndarray]:
    """Each measure from the strata's rates of stories with the theme (arrays of draws) and their sizes."""
    total = sum(sizes.values())
    found = sizes["assigned"] * rates["assigned"]  # stories given the theme that have it
    having = sum(sizes[name] * rates[name] for name in STRATA)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = rates["assigned"] if sizes["assigned"] else np.full_like(found, np.nan)
        recall = np.where(having > 0, found / np.where(having > 0, having, 1), np.nan)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), np.nan)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "toolkit share": np.full_like(found, sizes["assigned"] / total if total else np.nan),
        "estimated share": having / total if total else np.full_like(found, np.nan),
    }

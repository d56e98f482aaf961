"""Which rows count as stories: the one rule every table and chart of the toolkit counts by.

Depends on pandas only, so that the charts (`toolkit.plots`) can count as the tables do without the
loading stage's dependencies.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["SAMPLE_SIZE", "STORY_KINDS", "counted_stories", "sampled_stories", "seeded_order"]

# What every table and chart counts as a story an outlet published: whole articles and "read also" stories.
STORY_KINDS = ("article", "embedded")
# The stories a corpus-level fit (topics, the themes' word model) reads; the others are assigned by the
# fitted model in batches, so the fit's cost and memory stop growing with the corpus. On ANT, a topic fit
# on 3,000 of its 5,088 stories agrees with the categories as well as one on all of them
# (benchmarks/RESULTS.md, "sampled fits"); 20,000 leaves room for corpora with many more topics.
SAMPLE_SIZE = 20_000


def counted_stories(articles: pd.DataFrame, *, kinds: Sequence[str] | None = STORY_KINDS) -> pd.DataFrame:
    """The rows every table and chart counts: the stories each outlet published, once each.

    Rows of ``kinds`` (default `STORY_KINDS`: whole articles and the "read also" stories embedded in
    pages; related-headline rows are not stories unless asked; None keeps every kind), less a row that
    repeats an earlier story of the same outlet (``duplicate_of`` a row with the same ``source``: a page
    scraped twice). A story another outlet republished counts for both: each outlet published it.

    >>> articles = pd.DataFrame({"article_id": ["a", "b", "c", "d"], "source": ["X", "X", "Y", "X"],
    ...     "kind": ["article", "article", "article", "headline"], "duplicate_of": [None, "a", "a", None]})
    >>> counted_stories(articles)["article_id"].tolist()
    ['a', 'c']
    """
    rows = articles if kinds is None or "kind" not in articles else articles[articles["kind"].isin(kinds)]
    if "duplicate_of" not in rows or "source" not in rows:
        return rows
    source_of = dict(zip(articles["article_id"], articles["source"], strict=True))
    original_source = rows["duplicate_of"].map(source_of)
    repeats = rows["duplicate_of"].notna() & (original_source == rows["source"]).fillna(False).astype(bool)
    return rows[~repeats.to_numpy()]


def sampled_stories(article_ids: pd.Series, sample_size: int | None, *, seed: int = 42) -> np.ndarray:
    """Which rows a corpus-level fit reads: all, or the ``sample_size`` whose seeded BLAKE2 digest of the id is lowest.

    The choice depends only on the ids and the seed (not on the input's order, the CPU or the number of
    workers), and a story in the sample of a corpus stays in it when the corpus grows, as long as it
    ranks below the new cut. Equal digests (equal ids) go to the earlier row.

    >>> sampled_stories(pd.Series(["a", "b", "c", "d"]), 2).tolist()
    [True, False, True, False]
    """
    n = len(article_ids)
    if sample_size is None or n <= sample_size:
        return np.ones(n, dtype=bool)
    chosen = np.zeros(n, dtype=bool)
    chosen[seeded_order(article_ids, seed=seed)[:sample_size]] = True
    return chosen


def seeded_order(article_ids: pd.Series | Sequence[str], *, seed: int = 42) -> np.ndarray:
    """The positions of ``article_ids`` ordered by the seeded BLAKE2 digest of each id: a shuffle that depends only
    on the ids and the seed (not on numpy's version, the CPU or the input's order). Equal ids keep their order.

    >>> seeded_order(["a", "b", "c", "d"]).tolist()
    [0, 2, 1, 3]
    """
    salt = seed.to_bytes(8, "little", signed=True)
    digests = [
        hashlib.blake2b(str(i).encode("utf-8", "surrogatepass"), digest_size=8, salt=salt).digest() for i in article_ids
    ]
    return np.array(sorted(range(len(digests)), key=digests.__getitem__), dtype=np.int64)

"""Which rows count as stories: the one rule every table and chart of the toolkit counts by.

Depends on pandas only, so that the charts (`toolkit.plots`) can count as the tables do without the
loading stage's dependencies.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

__all__ = ["STORY_KINDS", "counted_stories"]

# What every table and chart counts as a story an outlet published: whole articles and "read also" stories.
STORY_KINDS = ("article", "embedded")


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

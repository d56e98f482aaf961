"""Where the shared corpora are, and the article sets the benchmark fits on."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
ANT = "ant-multisource"
# The three shared corpora, 5,100 + 3,000 + 3,000 articles.
CORPORA = (ANT, "almayadeen", "saudinewsnet")


def default_corpora() -> Path:
    """$TOOLKIT_CORPORA, else ``../shared/corpora`` beside the clone (as the tests look for it)."""
    return Path(os.environ.get("TOOLKIT_CORPORA", REPO.parent / "shared" / "corpora"))


def corpus_file(corpora: Path, name: str) -> Path:
    """The export of one corpus: ``<corpora>/<name>/articles.jsonl.gz``.

    >>> corpus_file(Path("shared/corpora"), ANT).as_posix()
    'shared/corpora/ant-multisource/articles.jsonl.gz'
    """
    return corpora / name / "articles.jsonl.gz"


@cache
def load_corpora(corpora: Path, names: tuple[str, ...]) -> pd.DataFrame:
    """The articles of the named corpora, loaded and cleaned by the toolkit, one row per story (no headlines).

    Cached: every benchmark row that needs the same corpora reads them once.
    """
    import toolkit

    articles = toolkit.load_articles([corpus_file(corpora, name) for name in names], progress=False)
    return articles[articles["kind"] == "article"].reset_index(drop=True)


def sample(articles: pd.DataFrame, n: int, *, seed: int) -> pd.DataFrame:
    """``n`` articles drawn at random with ``seed`` (all of them when there are no more than ``n``).

    >>> len(sample(pd.DataFrame({"a": range(10)}), 3, seed=1)), len(sample(pd.DataFrame({"a": range(2)}), 3, seed=1))
    (3, 2)
    """
    if len(articles) <= n:
        return articles
    return articles.sample(n=n, random_state=seed).reset_index(drop=True)

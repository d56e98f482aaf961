"""The per-story stages on a Dask DataFrame: the same tables as pandas, on one machine's cores or a cluster.

Dask (``pip install "arabic-news-toolkit[dask]"``) is the engine pandas users already know; the
toolkit schedules nothing of its own. What reads the corpus as a whole (the topic fit, the themes' word
model) gathers its seeded sample (`toolkit.stories.sampled_stories`) to the client and fits there;
what is per story (assigning topics, scoring themes) runs as ``map_partitions`` on the workers, which
receive the small fitted parts (`toolkit.topics.TopicAssigner`, `toolkit.themes.ThemeScorer`). Every
task is a pure function of its partition, so when a worker dies Dask runs its tasks again elsewhere
and no row is lost or counted twice.

>>> from dask.distributed import Client                     # doctest: +SKIP
>>> client = Client("tcp://10.0.0.5:8786")                   # doctest: +SKIP
>>> stories = read_articles_dask("data/processed/articles")  # doctest: +SKIP
>>> scores = score_themes_dask(stories).compute()            # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.errors import InputError
from toolkit.stories import SAMPLE_SIZE, counted_stories, sampled_stories

__all__ = [
    "SCHEDULER_VARIABLE",
    "assign_topics_dask",
    "dask_client",
    "fit_topics_dask",
    "is_dask_frame",
    "read_articles_dask",
    "score_themes_dask",
]

SCHEDULER_VARIABLE = "TOOLKIT_SCHEDULER"


def _dask_dataframe() -> Any:
    try:
        import dask.dataframe as dd
    except ImportError as err:  # the default install has no Dask
        raise InputError("dask", 'not installed: pip install "arabic-news-toolkit[dask]"') from err
    return dd


def is_dask_frame(frame: object) -> bool:
    """Whether ``frame`` is a Dask DataFrame (without importing Dask when it is not one).

    >>> is_dask_frame(pd.DataFrame())
    False
    """
    return type(frame).__module__.split(".")[0] == "dask"


@contextmanager
def dask_client(address: str | None = None) -> Iterator[Any]:
    """A ``distributed.Client`` of the scheduler at ``address`` (else ``$TOOLKIT_SCHEDULER``), or None.

    With neither, it yields None: the caller runs in-process, with pandas.

    >>> with dask_client(None) as client:  # with TOOLKIT_SCHEDULER unset
    ...     print(client)
    None
    """
    address = address or os.environ.get(SCHEDULER_VARIABLE) or None
    if address is None:
        yield None
        return
    _dask_dataframe()
    from dask.distributed import Client

    with Client(address) as client:
        yield client


def read_articles_dask(path: str | Path) -> Any:
    """An articles Parquet file, or a dataset folder of them, as a Dask DataFrame: a partition per file.

    Each partition is `toolkit.read_articles` of its file: the same columns, types and rows.
    """
    dd = _dask_dataframe()
    from toolkit.load import read_articles

    path = Path(path)
    files = sorted(path.glob("*.parquet")) if path.is_dir() else [path]
    if not path.exists() or not files:
        raise InputError(path, "no articles Parquet file here (write it with `toolkit clean`)")
    return dd.from_map(read_articles, files, meta=read_articles(files[0]).iloc[:0], enforce_metadata=False)


def score_themes_dask(articles: Any, *, sample_size: int | None = SAMPLE_SIZE, seed: int = 42, **options: Any) -> Any:
    """`toolkit.score_themes` of a Dask DataFrame, as a Dask DataFrame with the same partitions.

    The word model is learnt on the client from the seeded sample; the stories are scored where they
    are. The rows equal ``score_themes(articles.compute(), sample_size=sample_size, seed=seed, **options)``.
    """
    from toolkit.themes import ThemeScorer

    ids = articles["article_id"].compute().reset_index(drop=True)
    themes = options.pop("themes", None)
    scorer = ThemeScorer(themes, **options).fit(_rows_of(articles, ids[sampled_stories(ids, sample_size, seed=seed)]))
    return articles.map_partitions(scorer.transform, meta=scorer.transform(articles._meta))


def fit_topics_dask(articles: Any, **options: Any) -> Any:
    """`toolkit.fit_topics` of a Dask DataFrame: the sample fitted on the client, the rest assigned by partition.

    ``options`` are `toolkit.topics.ArabicTopicModel`'s (precomputed embeddings excepted). The fitted
    model equals ``fit_topics(articles.compute(), **options)``: the same topics, and a ``doc_topics_``
    with every counted story in input order.
    """
    from toolkit.topics import ArabicTopicModel

    model = ArabicTopicModel(**options)
    model._check_options()
    if not isinstance(model.embedding, str):
        raise InputError("embedding", "precomputed embeddings need the pandas path: fit_topics(articles.compute())")
    outline = articles[[c for c in ("article_id", "source", "kind", "duplicate_of") if c in articles.columns]]
    outline = outline.compute().reset_index(drop=True)
    story_ids = counted_stories(outline, kinds=model.kinds)["article_id"].reset_index(drop=True)
    in_sample = sampled_stories(story_ids, model.sample_size, seed=model.seed)
    model.fit_sample(_rows_of(articles, story_ids[in_sample]))
    rest = _rows_where(articles, story_ids[~in_sample])
    assigned = [assign_topics_dask(model, rest).compute()] if (~in_sample).any() else []
    return model.adopt_assigned(assigned, story_ids, rows_left_out=len(outline) - len(story_ids))


def assign_topics_dask(model: Any, articles: Any) -> Any:
    """The topic of every story of a Dask DataFrame (``model.transform`` by partition), as a Dask DataFrame."""
    assign = model.assigner()
    return articles.map_partitions(assign, meta=assign(articles._meta))


def _rows_where(articles: Any, ids: pd.Series) -> Any:
    """The rows of ``articles`` whose id is one of ``ids``, still a Dask DataFrame (ids are unique per corpus)."""
    wanted = frozenset(ids.astype(str))
    return articles[articles["article_id"].astype(str).isin(wanted)]


def _rows_of(articles: Any, ids: pd.Series) -> pd.DataFrame:
    """Those rows gathered to the client, in input order."""
    return _rows_where(articles, ids).compute().reset_index(drop=True)

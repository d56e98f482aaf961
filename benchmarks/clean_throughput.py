"""Throughput of the load/clean stage: ANT corpus (5,100 articles) from jsonl.gz to the articles DataFrame.

Target: at least 5,000 articles/s on one core (single process, ``text_norm`` included).

>>> from pathlib import Path
>>> measure(Path("../shared/corpora"), repeats=1)   # doctest: +SKIP
{'articles': 5100, 'repeats': 1, 'median_per_s': ..., 'min_per_s': ..., 'max_per_s': ..., ...}
"""

from __future__ import annotations

import statistics
import time
import warnings
from pathlib import Path

import toolkit


def measure(corpora: Path, repeats: int = 5) -> dict[str, float]:
    """Time `toolkit.load_articles` on ``corpora/ant-multisource/articles.jsonl.gz``; articles per second.

    One untimed warm-up run first (imports, compiling the boilerplate rules, loading the compiled loops of
    `toolkit._units`), then ``repeats`` timed runs.
    """
    path = Path(corpora) / "ant-multisource" / "articles.jsonl.gz"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        n_articles = int((toolkit.load_articles(path)["kind"] == "article").sum())  # the warm-up, not kept
        rates, cpu_rates = [], []
        for _ in range(repeats):
            start, cpu_start = time.perf_counter(), time.process_time()
            toolkit.load_articles(path)
            rates.append(n_articles / (time.perf_counter() - start))
            cpu_rates.append(n_articles / (time.process_time() - cpu_start))
    return {
        "articles": n_articles,
        "repeats": repeats,
        "median_per_s": round(statistics.median(rates)),
        "min_per_s": round(min(rates)),
        "max_per_s": round(max(rates)),
        # Per second of this process's CPU time: steadier than the wall clock on a shared machine.
        "median_per_cpu_s": round(statistics.median(cpu_rates)),
        "best_per_cpu_s": round(max(cpu_rates)),
    }


if __name__ == "__main__":
    import sys

    print(measure(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpora")))

"""What runs inside a fresh benchmark process: it reads its articles from Parquet, then is measured."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from benchmarks.runs import Measured, measured


def fit_toolkit(articles: Path, *, seed: int) -> Measured:
    """Fit `toolkit.fit_topics` with its defaults on the articles in ``articles`` (Parquet)."""
    from toolkit.topics import fit_topics  # imported before the clock starts

    frame = pd.read_parquet(articles)
    return measured(lambda: fit_topics(frame, seed=seed))

"""Country detection against stories read by hand: ``python -m benchmarks.countries_eval``.

The gold set (``benchmarks/countries_gold.csv``: ids and ISO codes only, never texts) lists, for 210
stories (``dev``: 50 drawn with ``random_state=18`` from the counted stories of each shared corpus;
``test``: 20 more from each, ``random_state=19``, drawn and read after the gazetteer's last change), every
country each story mentions by name, capital, government metonym or adjective (``countries``), and
apart from those the countries it reaches only through another city or a region (``via_places``). It
was made by reading the stories, not by any word list. Precision and recall count (story, country)
pairs: a country the toolkit finds in a story that the reader did not list is a false positive, one
the reader listed that the toolkit missed a false negative. ``via_places`` are not counted either way.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

import toolkit
from benchmarks.corpora import REPO, corpus_file, default_corpora
from toolkit.places import detect_countries

GOLD = REPO / "benchmarks" / "countries_gold.csv"


def read_gold(path: Path = GOLD) -> pd.DataFrame:
    """``article_id``, ``corpus`` and the sets ``countries`` and ``via_places``."""
    gold = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column in ("countries", "via_places"):
        gold[column] = gold[column].map(lambda cell: frozenset(code for code in cell.split(";") if code))
    return gold


def detected(corpora: Path, gold: pd.DataFrame) -> pd.DataFrame:
    """The gold rows with the toolkit's ``found`` countries, each corpus loaded and detected on its own."""
    parts = []
    for corpus, rows in gold.groupby("corpus"):
        articles = toolkit.load_articles(corpus_file(corpora, str(corpus)), progress=False)
        found = detect_countries(articles[articles["article_id"].isin(rows["article_id"])])
        parts.append(
            rows.merge(found[["article_id", "countries"]].rename(columns={"countries": "found"}), on="article_id")
        )
    table = pd.concat(parts, ignore_index=True)
    table["found"] = table["found"].map(frozenset)
    return table


def scores(table: pd.DataFrame) -> dict[str, float]:
    """Precision, recall and F1 over (story, country) pairs, and the share of stories found exactly."""
    true_positive = sum(len(found & gold) for found, gold in table[["found", "countries"]].itertuples(index=False))
    found = int(table["found"].map(len).sum())
    gold = int(table["countries"].map(len).sum())
    precision, recall = true_positive / max(found, 1), true_positive / max(gold, 1)
    return {
        "stories": len(table),
        "gold_pairs": gold,
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / max(precision + recall, 1e-12),
        "exact_stories": float((table["found"] == table["countries"]).mean()),
    }


def errors(table: pd.DataFrame) -> pd.DataFrame:
    """One row per story and country the toolkit got wrong: ``kind`` is "missed" or "extra"."""
    rows = []
    for story, gold, found, via in table[["article_id", "countries", "found", "via_places"]].itertuples(index=False):
        rows += [(story, code, "missed") for code in sorted(gold - found)]
        rows += [
            (story, code, "extra (reached through a place)" if code in via else "extra")
            for code in sorted(found - gold)
        ]
    return pd.DataFrame(rows, columns=["article_id", "country", "kind"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=default_corpora())
    args = parser.parse_args()
    started = time.perf_counter()
    table = detected(args.corpora, read_gold())
    groups = (
        [("all", table), *table.groupby("split"), *table.groupby("corpus")]
        if "split" in table
        else [("all", table), *table.groupby("corpus")]
    )
    for corpus, rows in groups:
        row = scores(rows)
        print(
            f"{corpus:16} stories {row['stories']:3}  pairs {row['gold_pairs']:3}  precision {row['precision']:.3f}"
            f"  recall {row['recall']:.3f}  F1 {row['f1']:.3f}  exact {row['exact_stories']:.2f}"
        )
    print(errors(table).to_string())
    print(f"took {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()

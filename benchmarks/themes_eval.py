"""Theme assignment against weak labels on the shared corpora: ``python -m benchmarks.themes_eval``.

Weak labels are the corpora README's "focus" definition: the README's disaster (or security
cooperation) regex matches the raw title, or matches at least 3 times in the raw body. They are
narrow (the security regex knows five phrases) and noisy (a long article that mentions an
earthquake three times is "focus"), so precision here is a lower bound; the 50 assignments read by
hand are in ``benchmarks/themes_review.md``. The toolkit's theme file is written independently
of these regexes: copying them would make this evaluation meaningless.

For each corpus the table gives, per theme, the stories the weak label marks, the stories
`toolkit.score_themes` assigns the theme, the overlap, precision and recall, and the seconds
`score_themes` took. ``--review N`` prints a seeded sample of N assignments (id, assigned theme,
weak label, title) to read; titles are printed, never stored.
"""

from __future__ import annotations

import argparse
import os
import re
import time
from pathlib import Path

import pandas as pd

import toolkit
from benchmarks.machine import machine_header
from benchmarks.table import markdown_table, number, score

CORPORA = ("ant-multisource", "almayadeen", "saudinewsnet")
# The corpora README's focus regexes, verbatim: the weak labels, not the toolkit's themes.
WEAK_LABELS = {
    "natural_disasters": re.compile(
        r"زلزال|زلازل|هزة أرضية|هزات أرضية|هزتان أرضيتان|فيضان|فيضانات|السيول(?![ء-ي])|إعصار|اعصار|تسونامي"
        r"|حرائق الغابات|حرائق غابات|انهيار أرضي|انهيارات أرضية|انهيارات طينية|ثوران|البركان|بركاني"
    ),
    "security_cooperation": re.compile(
        r"تعاون (?:عسكري|دفاعي|أمني)|التعاون (?:العسكري|الدفاعي|الأمني)|اتفاقية (?:دفاع|دفاعية|أمنية|عسكرية)"
        r"|مناورات (?:عسكرية|مشتركة|بحرية)|تدريبات (?:عسكرية )?مشتركة"
    ),
}
REVIEW_SEED = 20250101


def weak_labels(path: Path) -> pd.DataFrame:
    """``article_id`` and one boolean column per theme: the README's focus rule on the raw export."""
    raw = pd.read_json(path, lines=True, compression="gzip", dtype={"id": str})
    out = pd.DataFrame({"article_id": raw["id"].astype(str)})
    for theme, regex in WEAK_LABELS.items():
        in_title = raw["title"].fillna("").map(lambda t, rx=regex: rx.search(t) is not None)
        in_body = raw["text"].fillna("").map(lambda t, rx=regex: len(rx.findall(t)) >= 3)
        out[theme] = in_title | in_body
    return out


def evaluate(corpora: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per corpus and theme: weak, assigned, overlap, precision, recall, seconds; and every story's result."""
    rows, stories = [], []
    for name in CORPORA:
        path = corpora / name / "articles.jsonl.gz"
        articles = toolkit.load_articles(path)
        start = time.perf_counter()
        scores = toolkit.score_themes(articles)
        seconds = time.perf_counter() - start
        # Only the export's own records have weak labels (not the "read also" stories found inside them).
        joined = scores.merge(weak_labels(path), on="article_id")
        joined = joined.merge(articles[["article_id", "title"]], on="article_id").assign(corpus=name)
        stories.append(joined)
        for theme in WEAK_LABELS:
            assigned, weak = joined["theme"] == theme, joined[theme]
            overlap = int((assigned & weak).sum())
            rows.append(
                {
                    "corpus": name,
                    "stories": len(joined),
                    "theme": theme,
                    "weak": int(weak.sum()),
                    "assigned": int(assigned.sum()),
                    "overlap": overlap,
                    "precision": overlap / assigned.sum() if assigned.any() else float("nan"),
                    "recall": overlap / weak.sum() if weak.any() else float("nan"),
                    "seconds": seconds,
                }
            )
    return pd.DataFrame(rows), pd.concat(stories, ignore_index=True)


def review_sample(stories: pd.DataFrame, n: int) -> pd.DataFrame:
    """A seeded sample spread over corpora and over agreement cells (both, toolkit only, weak only).

    Cells are taken in turn, one story at a time, so disagreements are sampled as often as agreements.
    """
    weak = (
        stories["natural_disasters"]
        .map({True: "natural_disasters", False: None})
        .where(~stories["security_cooperation"].astype(bool), "security_cooperation")
    )
    stories = stories.assign(weak_label=weak.astype("string"), cell=_cell(stories["theme"], weak))
    shuffled = stories.sample(frac=1.0, random_state=REVIEW_SEED)
    queues = [group for _, group in shuffled.groupby(["corpus", "cell"], sort=True)]
    picked: list[pd.Series] = []
    while len(picked) < n and any(len(q) for q in queues):
        for i, queue in enumerate(queues):
            if len(picked) < n and len(queue):
                picked.append(queue.iloc[0])
                queues[i] = queue.iloc[1:]
    return pd.DataFrame(picked)[["corpus", "article_id", "theme", "weak_label", "title"]]


def _cell(theme: pd.Series, weak: pd.Series) -> pd.Series:
    both = theme.fillna("none") + " / " + weak.fillna("none")
    # Stories that neither the toolkit nor the weak label put in a theme are most of each corpus.
    return both.where(both != "none / none", "neither")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(os.environ.get("TOOLKIT_CORPORA", Path(__file__).resolve().parents[2] / "shared" / "corpora"))
    parser.add_argument("--corpora", type=Path, default=default)
    parser.add_argument("--review", type=int, default=0, metavar="N", help="print N assignments to read")
    args = parser.parse_args()
    table, stories = evaluate(args.corpora)
    print("\n".join(machine_header(corpora=args.corpora, command="python -m benchmarks.themes_eval")))
    print()
    print(
        markdown_table(
            ["corpus", "stories", "theme", "weak", "assigned", "overlap", "precision", "recall", "score_themes s"],
            [
                [
                    *(r.corpus, str(r.stories), r.theme, str(r.weak), str(r.assigned), str(r.overlap)),
                    *(score(r.precision), score(r.recall), number(r.seconds)),
                ]
                for r in table.itertuples()
            ],
        )
    )
    if args.review:
        print()
        print(review_sample(stories, args.review).to_string(index=False))


if __name__ == "__main__":
    main()

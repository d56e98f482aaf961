"""Theme assignment against the hand-labelled gold set: ``python -m benchmarks.themes_eval``.

The gold set (``benchmarks/themes_gold.csv``: ids and labels only, never texts) was labelled by reading
the stories against the annotation guideline ``docs/themes.md``. It is a stratified sample of every story
of the three shared corpora, the raw Al Mayadeen pages and the bundled sample page:

* ``assigned``: every story the toolkit's first scorer (the seed lexicon of 2026-11) gave a theme: all read;
* ``assigned_later``: every other story today's scorer (``score_themes``) or its lexicon-only variant
  (``ThemeScorer(learn=False)``) gives a theme: all read (2026-12-05), and moved here from the strata below
  where they had been sampled. The strata below keep their weights for the stories left in them: each still
  stands for the stories of its stratum that no scorer assigns;
* ``mentions``: the other stories whose title, or at least two (disasters) or three (security) places in
  the text, use a theme word of a broad list: a seeded random sample read;
* ``rest``: everything else: a smaller seeded random sample read.

Each gold row carries its ``weight`` (stories of its stratum ÷ stories read), so precision, recall and the
attention shares here are estimates for the whole corpora, not for the sample (Horvitz–Thompson). Rows
are split in two halves by the parity of the MD5 of their id: ``dev`` was used to choose the scorer's
constants, ``test`` never was.

Every corpus is scored on its own, as a user would load and score it (the word model is learnt per corpus).
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import toolkit
from benchmarks.corpora import REPO, corpus_file, default_corpora
from benchmarks.machine import machine_header
from benchmarks.table import markdown_table, number, score
from toolkit.stories import counted_stories
from toolkit.themes import DEFAULT_THRESHOLD, RELATION_WEIGHTS, ThemeScorer, relation_inputs, relation_score

GOLD = REPO / "benchmarks" / "themes_gold.csv"
# Every reading of the gold stories (ids and labels only): the first, a blind second of every story, and a
# blind third of each story the two disagree on. The gold label is the majority (`adjudicated`).
READINGS = REPO / "benchmarks" / "themes_readings.csv"
THEMES = ("security_cooperation", "natural_disasters")
# (name in the gold set, where its stories are): the three corpora, the raw pages, the bundled page.
SOURCES = ("ant-multisource", "almayadeen", "saudinewsnet", "raw-pages", "seed")
# The raw pages are Al Mayadeen's own pages: held out with the corpus of its stories, as one outlet.
SAME_OUTLET = {"almayadeen.net": "Al Mayadeen"}


def source_path(corpora: Path, name: str) -> Path:
    """Where the stories of one gold source are.

    >>> source_path(Path("shared/corpora"), "raw-pages").as_posix(), source_path(Path("c"), "seed").name
    ('shared/corpora/raw-pages/almayadeen', 'raw')
    """
    if name == "raw-pages":
        return corpora / "raw-pages" / "almayadeen"
    if name == "seed":
        return REPO / "data" / "raw"
    return corpus_file(corpora, name)


def read_gold(path: Path = GOLD) -> pd.DataFrame:
    """The gold labels: ``article_id, corpus, stratum, weight, split`` and a 0/1 column per theme."""
    return pd.read_csv(path, dtype={"article_id": str, "corpus": str, "stratum": str, "split": str})


def read_readings(path: Path = READINGS) -> pd.DataFrame:
    """Every reading of the gold stories: ``article_id, reading`` (first, second, third) and a 0/1 column per theme."""
    return pd.read_csv(path, dtype={"article_id": str, "reading": str})


def reading(readings: pd.DataFrame, name: str, gold: pd.DataFrame) -> pd.DataFrame:
    """One reading's labels, with the gold rows' ids and sampling weights (as `reading_agreement` takes them)."""
    labels = readings.loc[readings["reading"] == name, ["article_id", *THEMES]]
    return gold.drop(columns=list(THEMES)).merge(labels, on="article_id")


def adjudicated(readings: pd.DataFrame) -> pd.DataFrame:
    """The gold label of each story and theme: the label most readings give (two agree, or two of three).

    >>> readings = pd.DataFrame({"article_id": list("aabbb"), "reading": ["first", "second"] + ["first", "second",
    ...     "third"], "security_cooperation": [1, 1, 1, 0, 0], "natural_disasters": [0, 0, 0, 1, 1]})
    >>> adjudicated(readings).to_numpy().tolist()
    [['a', 1, 0], ['b', 0, 1]]
    """
    votes = readings.groupby("article_id", sort=True)[list(THEMES)]
    return (2 * votes.sum() > votes.count()).astype(int).reset_index()


def reading_agreement(gold: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """Per theme: how a second reading of the gold stories agrees with another (``gold``: the first reading).

    ``n`` stories read twice, ``gold`` and ``second`` the 1s of each reading, ``agreement`` (share of equal
    labels), Cohen's ``kappa``, and the second reading's own weighted ``precision`` and ``recall`` against
    the first (the sampling weights, as the scorer is measured): what a careful reader scores.

    >>> gold = pd.DataFrame({"article_id": list("abcd"), "weight": [1.0, 1.0, 1.0, 5.0],
    ...     "security_cooperation": [1, 1, 0, 0], "natural_disasters": [0, 0, 1, 1]})
    >>> second = gold.assign(security_cooperation=[1, 0, 0, 0])
    >>> reading_agreement(gold, second).round(3).to_numpy().tolist()[0]
    ['security_cooperation', 4, 2, 1, 0.75, 0.5, 1.0, 0.5]
    """
    joined = gold.merge(second, on="article_id", suffixes=("", "_second"))
    weight = joined["weight"].to_numpy(dtype=float)
    rows = []
    for theme in THEMES:
        first, other = joined[theme].to_numpy() == 1, joined[f"{theme}_second"].to_numpy() == 1
        agreement = float((first == other).mean())
        chance = first.mean() * other.mean() + (1 - first.mean()) * (1 - other.mean())
        precision, recall, _ = _weighted_scores(weight, other, first)
        rows.append(
            {
                "theme": theme,
                "n": len(joined),
                "gold": int(first.sum()),
                "second": int(other.sum()),
                "agreement": agreement,
                "kappa": (agreement - chance) / (1 - chance) if chance < 1 else float("nan"),
                "precision": float(precision),
                "recall": float(recall),
            }
        )
    return pd.DataFrame(rows)


def score_sources(corpora: Path) -> tuple[pd.DataFrame, dict[str, float]]:
    """Every story of every source that exists: its corpus, outlet, kind, and the theme of each scorer.

    ``theme`` and the ``score_<theme>`` columns are `toolkit.score_themes` (the default), ``theme_lexicon``
    the scorer without its word model (``ThemeScorer(learn=False)``: seed evidence, and for a theme between
    states its passages, pairs and not_about words). Also the seconds `score_themes` took per source.
    """
    frames, seconds = [], {}
    for name in SOURCES:
        path = source_path(corpora, name)
        if not path.exists():
            continue
        articles = toolkit.load_articles(path, progress=False)
        start = time.perf_counter()
        scores = toolkit.score_themes(articles)
        seconds[name] = time.perf_counter() - start
        lexicon = ThemeScorer(learn=False).fit_transform(articles)
        frames.append(
            articles[["article_id", "source", "kind", "duplicate_of"]].assign(
                corpus=name,
                **{c: scores[c].to_numpy() for c in scores.columns if c.startswith("score_")},
                theme=scores["theme"].to_numpy(),
                theme_lexicon=lexicon["theme"].to_numpy(),
            )
        )
    return pd.concat(frames, ignore_index=True), seconds


def relation_features(corpora: Path, theme: str = "security_cooperation") -> pd.DataFrame:
    """Per story of every source: what `toolkit.themes.relation_score` weighs for a theme between states.

    ``score`` (seed evidence and focus), ``passages``, ``pairs``, ``words`` (of the text), ``off_title`` and
    ``off_density`` (the theme's not_about words in the title, and per 100 words of the text), ``title_matches``
    (its seed and context words in the title) and ``paragraph_share`` (the share of the text's paragraphs with a
    seed, a passage or a pair), and the story's ``source``; each corpus scored on its own as `score_sources` does.
    """
    frames = []
    for name in SOURCES:
        path = source_path(corpora, name)
        if not path.exists():
            continue
        articles = toolkit.load_articles(path, progress=False)
        scorer = ThemeScorer()
        found, focus = scorer._fit(articles)
        col = [t.key for t in scorer.themes].index(theme)
        frames.append(
            pd.DataFrame(
                {
                    "article_id": articles["article_id"].to_numpy(),
                    "score": scorer._focused(found, focus)[:, col],
                    "passages": found.passages[:, col],
                    "pairs": found.pairs[:, col],
                    "words": found.text_words,
                    "off_title": found.off_title[:, col],
                    "off_density": found.off_density[:, col],
                    "title_matches": found.title[:, col],
                    "paragraph_share": found.paragraph_share[:, col],
                    "source": articles["source"].to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def fit_relation_weights(
    features: pd.DataFrame, gold: pd.DataFrame, theme: str = "security_cooperation"
) -> tuple[float, ...]:
    """`toolkit.themes.RELATION_WEIGHTS` fitted on ``gold``'s stories, each weighted by its sampling weight.

    The toolkit's constants are this function on the dev half (``--fit``), run before the focus rule
    (`toolkit.themes.FOCUS_SHARE`): refitted with the rule in place, they score lower there. A logistic regression
    (scikit-learn, C = 1) of the gold label on ``(score, log(1 + passages), log(1 + pairs), off_title,
    off_density)`` gives the five coefficients; its intercept is then moved by the step of −1, −0.75 … 1 that gives
    `toolkit.themes.relation_score` the best weighted F1 at the default threshold (equal F1: the smaller
    move). Returns the coefficients and the intercept, rounded to 2 decimals.
    """
    return _fitted_weights(gold.merge(features, on="article_id").sort_values("article_id"), theme)


def _fitted_weights(rows: pd.DataFrame, theme: str) -> tuple[float, ...]:
    """`fit_relation_weights` on gold rows that already carry their features."""
    from sklearn.linear_model import LogisticRegression

    x = relation_inputs(*(rows[c].to_numpy() for c in ("score", "passages", "pairs", "off_title", "off_density")))
    true, weight = (rows[theme] == 1).to_numpy(), rows["weight"].to_numpy()
    model = LogisticRegression(C=1.0, max_iter=5000).fit(x, true, sample_weight=weight)
    coefficients = tuple(round(float(v), 2) for v in model.coef_[0])

    def f1(intercept: float) -> float:
        found = _relation_theme(rows, (*coefficients, intercept))
        return _weighted_scores(weight, found, true)[2]

    moves = sorted(np.arange(-4, 5) / 4, key=abs)  # the smaller move first: max keeps the first of equals
    best = max(moves, key=lambda move: f1(round(float(model.intercept_[0]) + move, 2)))
    return (*coefficients, round(float(model.intercept_[0] + best), 2))


def held_out_outlets(
    features: pd.DataFrame, gold: pd.DataFrame, theme: str = "security_cooperation"
) -> tuple[float, float, float]:
    """Weighted precision, recall and F1 of a theme between states on outlets its weights never saw.

    Each outlet's gold stories (dev and test) are scored with `fit_relation_weights` fitted on the other
    outlets' gold stories only; the verdicts of all outlets are then pooled. This is what a user's own
    outlet can expect from the fitted step (the word lists were still written while reading these corpora).
    All nan where some outlet leaves no story with and without the theme to fit on.

    >>> features = pd.DataFrame({"article_id": list("abcdefgh"), "score": 0.0, "words": 500, "off_title": 0,
    ...     "off_density": 0.0, "title_matches": 1, "paragraph_share": 1.0, "passages": [0, 9, 0, 9, 0, 9, 0, 9],
    ...     "pairs": 0, "source": list("xxyyzzww")})
    >>> gold = features[["article_id"]].assign(weight=1.0, security_cooperation=[0, 1] * 4)
    >>> held_out_outlets(features, gold)
    (1.0, 1.0, 1.0)
    """
    rows = gold.merge(features, on="article_id").sort_values("article_id", ignore_index=True)
    outlet = rows["source"].replace(SAME_OUTLET).to_numpy()
    true = (rows[theme] == 1).to_numpy()
    found = np.zeros(len(rows), dtype=bool)
    for name in sorted(set(outlet)):
        held = outlet == name
        if len(set(true[~held])) < 2:  # nothing to fit on without this outlet (a corpus-free run)
            return (float("nan"),) * 3
        found[held] = _relation_theme(rows[held], _fitted_weights(rows[~held], theme))
    return tuple(float(v) for v in _weighted_scores(rows["weight"].to_numpy(dtype=float), found, true))


def relation_ceiling(
    features: pd.DataFrame,
    gold: pd.DataFrame,
    theme: str = "security_cooperation",
    *,
    steps: int = 20_000,
    seed: int = 0,
) -> tuple[tuple[float, ...], tuple[float, float, float]]:
    """How far `toolkit.themes.relation_score`'s inputs go on ``gold``: weights searched for on these very stories.

    An in-sample figure, so an optimistic one: it scores the weights on the stories they were chosen on. A target
    that even this barely reaches needs a new kind of evidence, not new constants. Starts from `fit_relation_weights`
    on the same stories, then takes ``steps`` seeded random steps (normal, scaled per weight, smaller in the second
    half), keeping each step that raises the weighted F1. Returns the weights (rounded to 2 decimals) and their
    precision, recall and F1.

    >>> features = pd.DataFrame({"article_id": list("abcd"), "score": [0.9, 0.1, 0.8, 0.2], "passages": 0,
    ...     "pairs": 0, "words": 500, "off_title": 0, "off_density": 0.0, "title_matches": 1, "paragraph_share": 1.0})
    >>> gold = features[["article_id"]].assign(weight=1.0, security_cooperation=[1, 0, 1, 0])
    >>> relation_ceiling(features, gold, steps=200)[1]
    (1.0, 1.0, 1.0)
    """
    rows = gold.merge(features, on="article_id").sort_values("article_id", ignore_index=True)
    true, weight = (rows[theme] == 1).to_numpy(), rows["weight"].to_numpy(dtype=float)
    if len(set(true)) < 2:  # nothing to fit on (a corpus-free run)
        return (), (float("nan"),) * 3

    def scores(weights: np.ndarray) -> tuple[float, float, float]:
        return _weighted_scores(weight, _relation_theme(rows, tuple(weights)), true)

    best = np.array(_fitted_weights(rows, theme))
    best_f1 = scores(best)[2]
    scale = np.array([1.0, 0.5, 0.5, 1.0, 0.3, 1.0])  # the war density's weight moves less: its values run to 10
    rng = np.random.default_rng(seed)
    for step in range(steps):
        candidate = best + rng.normal(0.0, 1.0 if step < steps // 2 else 0.3, len(best)) * scale
        f1 = scores(candidate)[2]
        if f1 > best_f1:
            best, best_f1 = candidate, f1
    best = np.round(best, 2)
    return tuple(float(v) for v in best), tuple(float(v) for v in scores(best))


def _relation_theme(rows: pd.DataFrame, weights: tuple[float, ...]) -> np.ndarray:
    """Whether `toolkit.themes.relation_score` with ``weights`` reaches the default threshold, per row."""
    features = ("score", "passages", "pairs", "words", "off_title", "off_density", "title_matches", "paragraph_share")
    scores = relation_score(*(rows[c].to_numpy() for c in features), weights=weights)
    return scores >= DEFAULT_THRESHOLD


def gold_metrics(stories: pd.DataFrame, gold: pd.DataFrame, *, column: str = "theme") -> pd.DataFrame:
    """Weighted precision, recall and F1 per split (dev, test, all) and theme of the scorer in ``column``.

    Also the gold stories read (``n``), those the gold marks (``gold``) and those the scorer assigns
    (``assigned``), unweighted.

    >>> stories = pd.DataFrame({"article_id": ["a", "b", "c"], "theme": ["natural_disasters", None, None]})
    >>> gold = pd.DataFrame({"article_id": ["a", "b", "c"], "weight": [1.0, 1.0, 4.0], "split": "dev",
    ...     "security_cooperation": 0, "natural_disasters": [1, 0, 1]})
    >>> gold_metrics(stories, gold).query("split == 'all'")[["theme", "precision", "recall"]].to_numpy().tolist()
    [['security_cooperation', nan, nan], ['natural_disasters', 1.0, 0.2]]
    """
    joined = gold.merge(stories[["article_id", column]], on="article_id")
    rows = []
    for split in ("dev", "test", "all"):
        part = joined if split == "all" else joined[joined["split"] == split]
        weight = part["weight"].to_numpy(dtype=float)
        for theme in THEMES:
            predicted, true = _predicted_and_true(part, theme, column)
            precision, recall, f1 = _weighted_scores(weight, predicted, true)
            rows.append(
                {
                    "split": split,
                    "theme": theme,
                    "n": len(part),
                    "gold": int(true.sum()),
                    "assigned": int(predicted.sum()),
                    "precision": precision,
                    "recall": recall,
                    "f1": f1,
                }
            )
    return pd.DataFrame(rows)


def gold_intervals(
    stories: pd.DataFrame, gold: pd.DataFrame, *, column: str = "theme", resamples: int = 1000, seed: int = 0
) -> pd.DataFrame:
    """95 % bootstrap intervals of the weighted precision, recall and F1 over all gold stories, per theme.

    Each resample draws, with replacement, as many stories from each (corpus, stratum) as were read there,
    so the sampling design (and the heavy weight of a single story of the ``rest`` stratum) is kept. The
    seed fixes the draws: the intervals are the same on every machine.

    >>> gold = pd.DataFrame({"article_id": list("abcd"), "corpus": "x", "stratum": ["assigned"] * 2 + ["rest"] * 2,
    ...     "weight": [1.0, 1.0, 50.0, 50.0], "security_cooperation": 0, "natural_disasters": [1, 0, 1, 0]})
    >>> stories = pd.DataFrame({"article_id": list("abcd"), "theme": ["natural_disasters", None, None, None]})
    >>> intervals = gold_intervals(stories, gold).query("theme == 'natural_disasters'")
    >>> intervals[["low", "high"]].round(3).to_numpy().tolist()
    [[1.0, 1.0], [0.0, 1.0], [0.02, 1.0]]
    """
    joined = gold.merge(stories[["article_id", column]], on="article_id").sort_values("article_id", ignore_index=True)
    weight = joined["weight"].to_numpy(dtype=float)
    strata = [ix for _, ix in sorted(joined.groupby(["corpus", "stratum"]).indices.items())]
    rng = np.random.default_rng(seed)
    draws = [np.concatenate([rng.choice(ix, size=len(ix)) for ix in strata]) for _ in range(resamples)]
    rows = []
    for theme in THEMES:
        predicted, true = _predicted_and_true(joined, theme, column)
        samples = np.array([_weighted_scores(weight[d], predicted[d], true[d]) for d in draws])
        with warnings.catch_warnings():  # a measure no resample defines (no story has or gets the theme): nan
            warnings.simplefilter("ignore", RuntimeWarning)
            low, high = np.nanpercentile(samples, [2.5, 97.5], axis=0)
        for name, lo, hi in zip(("precision", "recall", "f1"), low, high, strict=True):
            rows.append({"theme": theme, "metric": name, "low": lo, "high": hi})
    return pd.DataFrame(rows)


def _predicted_and_true(part: pd.DataFrame, theme: str, column: str) -> tuple[np.ndarray, np.ndarray]:
    return (part[column] == theme).fillna(False).to_numpy(dtype=bool), part[theme].to_numpy() == 1


def _weighted_scores(weight: np.ndarray, predicted: np.ndarray, true: np.ndarray) -> tuple[float, float, float]:
    """Weighted precision, recall and F1 (nan where undefined)."""
    hit = (weight * (predicted & true)).sum()
    precision = hit / (weight * predicted).sum() if predicted.any() else float("nan")
    recall = hit / (weight * true).sum() if true.any() else float("nan")
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else float("nan")
    return precision, recall, f1


def reading_check(stories: pd.DataFrame, gold: pd.DataFrame, theme: str, *, size: int = 100, seeds: int = 200) -> dict:
    """How a user's check (`toolkit.reading_sample` of ``size`` stories, `toolkit.theme_accuracy`) fares where the
    truth is known: the gold stories are the corpus, their gold labels the reader, one draw per seed.

    Returns the census ``precision``, ``recall`` and ``share`` of the gold stories counted, and per measure the
    share of draws whose 95 % interval holds the census value (``covered``) and the median interval width.
    """
    from toolkit.validation import reading_sample, theme_accuracy

    corpus = stories[stories["article_id"].isin(gold["article_id"])]
    articles, scores = corpus[["article_id", "source", "kind", "duplicate_of"]], corpus.drop(columns=["kind"])
    counted = counted_stories(articles)["article_id"]
    true = gold.set_index("article_id").loc[counted, theme].to_numpy() == 1
    given = (scores.set_index("article_id").loc[counted, "theme"] == theme).fillna(False).to_numpy(dtype=bool)
    if not true.any() or not given.any():  # a corpus-free run: no gold story to draw from
        return {
            m: {"census": np.nan, "covered": np.nan, "width": np.nan}
            for m in ("precision", "recall", "estimated share")
        }
    census = {
        "precision": true[given].mean(),
        "recall": (true & given).sum() / true.sum(),
        "estimated share": true.mean(),
    }
    covered, widths = {m: 0 for m in census}, {m: [] for m in census}
    for seed in range(seeds):
        sample = reading_sample(articles, scores, theme=theme, size=size, seed=seed)
        labels = sample[["article_id"]].merge(gold[["article_id", theme]], on="article_id")
        labels.attrs = sample.attrs
        table = theme_accuracy(labels).set_index("measure")
        for measure, value in census.items():
            covered[measure] += bool(table.loc[measure, "low"] <= value <= table.loc[measure, "high"])
            widths[measure].append(table.loc[measure, "high"] - table.loc[measure, "low"])
    return {
        measure: {
            "census": float(value),
            "covered": covered[measure] / seeds,
            "width": float(np.median(widths[measure])),
        }
        for measure, value in census.items()
    }


def attention_by_outlet(stories: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Per outlet and theme: the share of its stories the toolkit gives the theme, and the gold estimate.

    Stories are whole articles and embedded stories, as `toolkit.theme_attention` counts them. The
    gold share is the weighted share of the outlet's gold stories with the theme (None where the gold
    read none of its stories); ``n_gold`` is how many were read.
    """
    counted = counted_stories(stories)
    with_gold = counted.merge(gold, on="article_id", how="left")
    rows = []
    for source, group in with_gold.groupby("source", sort=True):
        read = group[group["weight"].notna()]
        for theme in THEMES:
            toolkit_share = float((group["theme"] == theme).mean())
            gold_share = (
                float((read["weight"] * (read[theme] == 1)).sum() / read["weight"].sum()) if len(read) else np.nan
            )
            rows.append(
                {
                    "source": source,
                    "theme": theme,
                    "stories": len(group),
                    "n_gold": len(read),
                    "toolkit": toolkit_share,
                    "gold": gold_share,
                }
            )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=default_corpora())
    parser.add_argument("--fit", action="store_true", help="refit RELATION_WEIGHTS on the dev half, print them")
    parser.add_argument(
        "--ceiling", action="store_true", help="search RELATION_WEIGHTS for the best F1 on all gold stories (in-sample)"
    )
    args = parser.parse_args()
    if args.fit:
        gold = read_gold()
        weights = fit_relation_weights(relation_features(args.corpora), gold[gold["split"] == "dev"])
        print(f"RELATION_WEIGHTS fitted on the dev half: {weights}; in toolkit.themes: {RELATION_WEIGHTS}")
        return
    if args.ceiling:
        weights, (precision, recall, f1) = relation_ceiling(relation_features(args.corpora), read_gold())
        print(
            f"security_cooperation, weights searched for on all gold stories (in-sample, optimistic): {weights}:"
            f" P {score(precision)}, R {score(recall)}, F1 {score(f1)}"
        )
        return
    stories, seconds = score_sources(args.corpora)
    gold = read_gold()
    print("\n".join(machine_header(corpora=args.corpora, command="python -m benchmarks.themes_eval")))
    scorers = (("theme", "score_themes (default)"), ("theme_lexicon", "without the word model (learn=False)"))
    for column, label in scorers:
        table = gold_metrics(stories, gold, column=column)
        intervals = gold_intervals(stories, gold, column=column)
        print(f"\n{label}\n")
        print(
            markdown_table(
                ["split", "theme", "read", "gold", "assigned", "precision", "recall", "F1"],
                [
                    [r.split, r.theme, *map(str, (r.n, r.gold, r.assigned)), *map(score, (r.precision, r.recall, r.f1))]
                    for r in table.itertuples()
                ],
            )
        )
        print(
            "\n95 % stratified bootstrap intervals (all stories read): "
            + "; ".join(f"{r.theme} {r.metric} {score(r.low)}–{score(r.high)}" for r in intervals.itertuples())
        )
    print()
    shares = attention_by_outlet(stories, gold)
    print(
        markdown_table(
            ["outlet", "theme", "stories", "read", "toolkit share", "gold share"],
            [
                [r.source, r.theme, str(r.stories), str(r.n_gold), score(r.toolkit), score(r.gold)]
                for r in shares.itertuples()
            ],
        )
    )
    print("\nscore_themes seconds per source: " + ", ".join(f"{k} {number(v)}" for k, v in seconds.items()))


if __name__ == "__main__":
    main()

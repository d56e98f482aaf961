"""Command line: ``toolkit clean|topics|themes|reading-sample|accuracy|gallery|report``.

Wires the stages together; nothing imports this module. User errors (bad
input, bad usage) print one line naming the file and the problem and exit 2.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from toolkit.errors import InputError


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # argparse would show the top-level usage; the subcommand's says what it takes
        args.subparser.error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        return args.run(args)
    except (InputError, FileNotFoundError, IsADirectoryError, NotADirectoryError) as err:
        print(f"toolkit {args.command}: error: {_one_line(err)}", file=sys.stderr)
        return 2


def _one_line(err: Exception) -> str:
    if isinstance(err, OSError) and err.filename is not None:
        return f"{err.filename}: {err.strerror or err}"
    return str(err)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="toolkit",
        description="Arabic news toolkit: clean pages, fit topics, score themes, write reports.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    clean = sub.add_parser("clean", help="load and clean pages or exports into an articles Parquet file or folder")
    clean.add_argument("inputs", nargs="+", help="files, folders or globs (txt, html, json, jsonl, csv, parquet)")
    clean.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("data/processed/articles.parquet"),
        help="a .parquet file (loaded whole), or a folder (one already, or a new path without .parquet), written a "
        "batch at a time (default: data/processed/articles.parquet)",
    )
    clean.add_argument(
        "--batch-size", type=int, metavar="N", help="records a batch, for a folder output (default: 2000)"
    )
    _add_column_map(clean)
    _add_scheduler(clean)
    clean.set_defaults(run=_cmd_clean, subparser=clean)

    topics = sub.add_parser("topics", help="fit an Arabic topic model on an articles Parquet file")
    topics.add_argument("articles", type=Path)
    topics.add_argument("-o", "--output", type=Path, default=Path("models/topics"))
    topics.add_argument("--unit", choices=["article", "paragraph"], default="article")
    topics.add_argument(
        "--embedding", default="tfidf", help="'tfidf' (default, offline) or a sentence-transformers name/path"
    )
    topics.add_argument("--n-topics", default="auto", help="number of topics or 'auto'")
    topics.add_argument("--seed", type=int, default=42)
    topics.add_argument(
        "--sample-size",
        metavar="N|all",
        help="fit on a seeded sample of N stories, assign the others (default: toolkit.topics.SAMPLE_SIZE, 20000)",
    )
    _add_kinds(topics)
    _add_scheduler(topics)
    topics.set_defaults(run=_cmd_topics, subparser=topics)

    themes = sub.add_parser("themes", help="score every story against the themes")
    themes.add_argument("articles", type=Path)
    themes.add_argument("-o", "--output", type=Path, default=Path("data/processed/themes.parquet"))
    themes.add_argument("--themes", type=Path, default=None, help="a themes TOML file (default: the built-in themes)")
    themes.add_argument("--threshold", type=float, default=None, help="minimum score for a story to get a theme")
    _add_countries(themes)
    _add_scheduler(themes)
    themes.set_defaults(run=_cmd_themes, subparser=themes)

    sample = sub.add_parser(
        "reading-sample",
        help="draw a seeded sample of stories to read by hand, to check one theme's verdicts",
        description="Write a CSV of stories to read (id, source, date, title, text and an empty column named after "
        "the theme), drawn from those given the theme, those near it and the rest; fill that column with 1 or 0, "
        "then run `toolkit accuracy`.",
    )
    sample.add_argument("articles", type=Path, help="articles saved by `toolkit clean`")
    _add_scores(sample)
    sample.add_argument("--theme", required=True, help="the theme to check, by its key (e.g. security_cooperation)")
    _add_kinds(sample)
    sample.add_argument("-n", "--size", type=int, default=100, help="stories to read (default: 100)")
    sample.add_argument("--seed", type=int, default=42)
    sample.add_argument(
        "-o", "--output", type=Path, required=True, help="the CSV to write (never overwritten: it may hold labels)"
    )
    sample.set_defaults(run=_cmd_reading_sample, subparser=sample)

    accuracy = sub.add_parser(
        "accuracy",
        help="precision, recall and F1 of one theme's verdicts against a reading sample you labelled",
    )
    accuracy.add_argument("labels", type=Path, help="the CSV of `toolkit reading-sample`, its theme column filled")
    accuracy.add_argument(
        "--articles",
        type=Path,
        help="articles saved by `toolkit clean`: needed only for labels without the draw beside them",
    )
    _add_scores(accuracy)
    _add_kinds(accuracy)
    accuracy.set_defaults(run=_cmd_accuracy, subparser=accuracy)

    gallery = sub.add_parser(
        "gallery",
        help="write every chart as PNG and HTML for the given data",
        description="Write every chart as PNG and HTML: topics fitted (or a saved model) and themes scored "
        "(or saved scores) on the inputs, or on a saved articles file.",
    )
    inputs = gallery.add_mutually_exclusive_group()
    inputs.add_argument("inputs", nargs="*", default=[], help="files, folders or globs to load (or give --articles)")
    gallery.add_argument("-o", "--output", type=Path, default=Path("reports/figures"))
    _add_settings(gallery, inputs)
    gallery.set_defaults(run=_cmd_gallery, subparser=gallery)

    report = sub.add_parser(
        "report",
        help="execute the notebooks on the data and export HTML reports",
        description="Execute the notebooks on the data and export HTML reports. Every setting below reaches "
        "the notebooks; one left out keeps the notebooks' default (shown in each report's settings table).",
        epilog="example: toolkit report --data my-export.csv --column-map text=body,published_at=date "
        "--themes my-themes.toml --unit article --n-topics 20 --since 2024-01-01",
    )
    inputs = report.add_mutually_exclusive_group()
    inputs.add_argument("--data", nargs="+", help="inputs for the notebooks to load (default: data/raw; or --articles)")
    report.add_argument("-o", "--output", type=Path, default=Path("reports"))
    report.add_argument("--hide-code", action="store_true", help="leave code cells out of the HTML")
    report.add_argument(
        "--self-contained",
        action="store_true",
        help="put plotly.js inside each HTML file (about 5 MB more each) instead of one shared copy beside them",
    )
    _add_settings(report, inputs)
    report.add_argument(
        "--reading-labels",
        type=Path,
        metavar="FILE",
        help="a reading sample you labelled (`toolkit reading-sample`): the themes report measures its theme's "
        "verdicts against it",
    )
    report.set_defaults(run=_cmd_report, subparser=report)
    return parser


def _add_column_map(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--column-map",
        "--column",
        dest="column_map",
        action="append",
        default=[],
        metavar="MAP",
        help="export columns for article fields: FIELD=NAME pairs, comma-separated "
        "(--column-map text=body,published_at=date), or a .toml or .json file of them "
        '(text = "body" / {"text": "body"}); repeatable, later ones win. Fields: '
        "article_id, text, title, published_at, source, url, tags, category",
    )


def _add_countries(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    parser.add_argument(
        "--countries",
        type=Path,
        metavar="FILE",
        help="a gazetteer TSV of your own rows (the columns of toolkit/data/countries.tsv), on top of the "
        "built-in one: the states security cooperation and the country tables read",
    )


def _add_scores(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scores",
        type=Path,
        default=Path("data/processed/themes.parquet"),
        help="theme scores saved by `toolkit themes` (default: data/processed/themes.parquet)",
    )


def _add_kinds(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    parser.add_argument(
        "--kinds",
        type=_kinds,
        metavar="KIND,...",
        help="the rows counted as stories, by the topic fit and the attention tables: comma-separated kinds "
        "(default article,embedded: whole articles and 'read also' stories; add headline for related headlines)",
    )


def _kinds(text: str) -> list[str]:
    """``--kinds`` as a list, each a row kind of the articles table.

    >>> _kinds("article,embedded,headline")
    ['article', 'embedded', 'headline']
    """
    kinds = [kind.strip() for kind in text.split(",") if kind.strip()]
    known = ("article", "embedded", "headline")  # toolkit.load.KINDS, without importing the loading stage
    if not kinds or not set(kinds) <= set(known):
        raise argparse.ArgumentTypeError(f"expected some of {','.join(known)}, comma-separated, not {text!r}")
    return kinds


def _add_settings(parser: argparse.ArgumentParser, inputs: argparse._MutuallyExclusiveGroup) -> None:
    """The settings `toolkit report` and `toolkit gallery` share: every option of the API's stages.

    ``inputs`` holds the command's inputs to load; ``--articles`` joins it, as the other way in.
    Each setting defaults to None (left out): the report's notebooks and the API then use their own
    defaults, so those are written in one place.
    """
    data = parser.add_argument_group("stories")
    inputs.add_argument(
        "--articles",
        type=Path,
        metavar="PATH",
        help="articles saved by `toolkit clean` (a Parquet file or a dataset folder): read, not loaded again",
    )
    _add_column_map(data)
    data.add_argument(
        "--since", type=_iso_date, metavar="DATE", help="keep stories published on or after this date (YYYY-MM-DD)"
    )
    data.add_argument(
        "--until", type=_iso_date, metavar="DATE", help="keep stories published on or before this date (YYYY-MM-DD)"
    )
    data.add_argument(
        "--source", dest="sources", action="append", metavar="OUTLET", help="keep this outlet's stories (repeatable)"
    )
    topics = parser.add_argument_group("topics", "fit options; with --model, the saved model's own apply")
    topics.add_argument(
        "--model", type=Path, metavar="DIR", help="a topic model folder saved by `toolkit topics`: used, not refitted"
    )
    topics.add_argument(
        "--unit", choices=["article", "paragraph"], help="what the topic model counts and clusters (default: article)"
    )
    topics.add_argument("--n-topics", metavar="N|auto", help="number of topics, or 'auto' (the default)")
    topics.add_argument(
        "--embedding", metavar="NAME_OR_PATH", help="'tfidf' (default, offline) or a sentence-transformers name/path"
    )
    topics.add_argument("--seed", type=int, metavar="N", help="random seed of the topic model (default: 42)")
    _add_kinds(data)
    themes = parser.add_argument_group("themes")
    themes.add_argument("--themes", type=Path, metavar="FILE", help="a themes TOML file, added to the built-in themes")
    themes.add_argument(
        "--theme-scores",
        type=Path,
        metavar="FILE",
        help="theme scores saved by `toolkit themes`: used, not scored again",
    )
    _add_countries(themes)


def _iso_date(text: str) -> str:
    """An ISO date (or date and time), kept as written: the notebooks take it as text."""
    try:
        datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, not {text!r}") from None
    return text


# The fit options of `fit_topics` among the settings: a saved model (--model) has its own.
_FIT_OPTIONS = ("unit", "n_topics", "embedding", "seed")


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    """The settings given, under the notebooks' parameter names; those left out are not in the result.

    >>> _settings(_parser().parse_args(["report", "--unit", "paragraph", "--source", "الجزيرة"]))
    {'sources': ['الجزيرة'], 'unit': 'paragraph'}
    """
    if args.model is not None:
        given = [f"--{name.replace('_', '-')}" for name in _FIT_OPTIONS if getattr(args, name) is not None]
        if given:
            args.subparser.error(f"{', '.join(given)}: a saved model (--model) keeps the options it was fitted with")
    if args.articles is not None and args.column_map:
        args.subparser.error("--column-map: saved articles (--articles) were mapped when `toolkit clean` read them")
    if args.since and args.until and datetime.fromisoformat(args.until) < datetime.fromisoformat(args.since):
        args.subparser.error(f"--until {args.until} is before --since {args.since}")
    settings = {
        "column_map": _column_map(args.column_map) if args.column_map else None,
        "articles_file": args.articles,
        "since": args.since,
        "until": args.until,
        "sources": args.sources,
        "kinds": args.kinds,
        "unit": args.unit,
        "n_topics": None if args.n_topics is None else _n_topics(args.n_topics),
        "embedding": args.embedding,
        "seed": args.seed,
        "model_dir": args.model,
        "themes_file": args.themes,
        "theme_scores_file": args.theme_scores,
        "countries_file": args.countries,
        "reading_labels_file": getattr(args, "reading_labels", None),  # the report's own: no chart reads it
    }
    return {
        name: str(value) if isinstance(value, Path) else value for name, value in settings.items() if value is not None
    }


def _n_topics(text: str) -> int | str:
    if text != "auto" and not (text.isdigit() and int(text) > 0):
        raise InputError("--n-topics", f"expected 'auto' or a whole number of at least 1, not {text!r}")
    return text if text == "auto" else int(text)


def _column_map(values: list[str]) -> dict[str, str]:
    """``--column-map`` values as one mapping: ``FIELD=NAME`` pairs (comma-separated), or a .toml/.json file.

    >>> _column_map(["text=body,published_at=date", "title=headline"])
    {'text': 'body', 'published_at': 'date', 'title': 'headline'}
    """
    mapping: dict[str, str] = {}
    for value in values:
        mapping.update(_column_map_file(Path(value)) if value.lower().endswith((".toml", ".json")) else _pairs(value))
    from toolkit.load import check_column_map

    check_column_map(mapping, where="--column-map")  # here: a typo fails now, not after the notebooks start
    return mapping


def _pairs(value: str) -> dict[str, str]:
    mapping = {}
    for pair in value.split(","):
        field, sep, name = (part.strip() for part in pair.partition("="))
        if not sep or not field or not name:
            raise InputError(pair, "--column-map takes FIELD=NAME pairs, e.g. text=body,published_at=date")
        mapping[field] = name
    return mapping


def _column_map_file(path: Path) -> dict[str, str]:
    """A column map file: a TOML table or JSON object of field = column name."""
    import json
    import tomllib

    text = path.read_text(encoding="utf-8")
    try:
        mapping = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as err:
        raise InputError(path, f"not a column map ({err})") from err
    if not isinstance(mapping, dict) or not all(isinstance(name, str) for name in mapping.values()):
        raise InputError(path, 'a column map is field = "column name" lines (TOML) or {"field": "column"} (JSON)')
    return mapping


def _cmd_clean(args: argparse.Namespace) -> int:
    import warnings

    from toolkit.distributed import dask_client, iter_articles_dask, load_articles_dask
    from toolkit.load import BATCH_SIZE, iter_articles, load_articles, save_articles, write_articles_dataset

    if args.batch_size is not None and args.batch_size < 1:
        args.subparser.error("--batch-size takes a whole number of at least 1")
    # A folder: an existing one, or a new path without the .parquet suffix (`articles`, `articles/`); an existing
    # file (or device) is written as a file, as before.
    folder = args.output.is_dir() or (not args.output.exists() and args.output.suffix.lower() != ".parquet")
    counts = {"rows": Counter(), "rejected": 0, "noted": 0, "origins": 0, "duplicates": 0}
    options = {"column_map": _column_map(args.column_map), "progress": True}
    with warnings.catch_warnings(), dask_client(args.scheduler) as client:
        warnings.simplefilter("ignore")  # rejections and notes are counted below and written beside the output
        # With a scheduler, the workers read and clean the files: the same rows and files are written.
        if folder:
            options["batch_size"] = args.batch_size or BATCH_SIZE
            if client is None:
                batches = iter_articles(args.inputs, **options)
            else:
                batches = iter_articles_dask(args.inputs, client, **options)
            write_articles_dataset((_counted(batch, counts) for batch in batches), args.output)
            rejections_path, notes_path = args.output / "rejections.csv", args.output / "notes.csv"
        else:
            if client is None:
                articles = load_articles(args.inputs, **options)
            else:
                articles = load_articles_dask(args.inputs, client, **options)
            _counted(articles, counts)
            rejections_path = save_articles(articles, args.output)
            notes_path = args.output.with_name(f"{args.output.stem}.notes.csv")
    rejected, noted, kinds = counts["rejected"], counts["noted"], counts["rows"]
    print(f"pages read: {counts['origins'] + rejected}")
    print("rows: " + ", ".join(f"{kind} {kinds.get(kind, 0)}" for kind in ("article", "embedded", "headline")))
    print(f"duplicates: {counts['duplicates']}")
    print(f"rejections: {rejected}" + (f" (see {rejections_path})" if rejected else ""))
    print(f"notes: {noted}" + (f" (see {notes_path})" if noted else ""))
    print(f"wrote {args.output}, {rejections_path} and {notes_path}")
    return 0


def _counted(articles: Any, counts: dict[str, Any]) -> Any:
    """``articles`` (a frame or a batch of one), its rows, rejections and notes added to ``counts``."""
    counts["rows"].update(articles["kind"].value_counts().to_dict())
    counts["rejected"] += len(articles.attrs["rejections"])
    counts["noted"] += len(articles.attrs["notes"])
    counts["origins"] += articles["origin"].nunique()
    counts["duplicates"] += int(articles["duplicate_of"].notna().sum())
    return articles


def _add_scheduler(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on the Dask scheduler at ADDRESS, e.g. tcp://10.0.0.5:8786 (default: $TOOLKIT_SCHEDULER; "
        "without either, in this process)",
    )


def _read_stories(path: Path, client: object) -> Any:
    """The articles of ``path`` (written by `toolkit clean`): a DataFrame of a file, the parts of a dataset
    folder (read one at a time), or with a Dask client a Dask DataFrame."""
    from toolkit.distributed import ArticleParts, read_articles_dask
    from toolkit.load import read_articles

    if not path.exists():
        raise InputError(path, "no such file or folder (write it with `toolkit clean`)")
    if client is not None:
        return read_articles_dask(path)
    return ArticleParts.of(path) if path.is_dir() else read_articles(path)


def _sample_size(text: str | None) -> dict[str, int | None]:
    """``--sample-size`` as `fit_topics` options: nothing (its default), a whole number of at least 2, or ``all``."""
    if text is None:
        return {}
    if text != "all" and not (text.isdigit() and int(text) >= 2):
        raise InputError("--sample-size", f"a whole number of at least 2, or 'all', not {text!r}")
    return {"sample_size": None if text == "all" else int(text)}


def _cmd_topics(args: argparse.Namespace) -> int:
    from toolkit.distributed import dask_client
    from toolkit.topics import fit_topics

    n_topics = _n_topics(args.n_topics)
    options: dict[str, Any] = _sample_size(args.sample_size)
    if args.kinds is not None:
        options["kinds"] = args.kinds
    with dask_client(args.scheduler) as client:
        articles = _read_stories(args.articles, client)
        model = fit_topics(
            articles, unit=args.unit, embedding=args.embedding, n_topics=n_topics, seed=args.seed, **options
        )
    model.save(args.output)
    print(f"wrote {args.output}/: model/, doc_topics.parquet, topic_info.csv ({model.settings_['n_topics']} topics)")
    return 0


def _cmd_themes(args: argparse.Namespace) -> int:
    from toolkit.countries import load_countries
    from toolkit.distributed import dask_client
    from toolkit.themes import DEFAULT_THRESHOLD, load_themes, score_themes

    threshold = DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    themes, countries = load_themes(args.themes), load_countries(args.countries)
    with dask_client(args.scheduler) as client:
        stories = _read_stories(args.articles, client)
        scores = score_themes(stories, themes=themes, threshold=threshold, countries=countries)
        if client is not None:  # a Dask DataFrame: computed on the cluster, gathered here
            scores = scores.compute().reset_index(drop=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    scores.to_parquet(args.output, index=False)
    counts = scores["theme"].fillna("none").value_counts()
    print(f"wrote {len(scores)} stories to {args.output} ({', '.join(f'{k}: {n}' for k, n in counts.items())})")
    return 0


def _cmd_reading_sample(args: argparse.Namespace) -> int:
    from toolkit.themes import read_theme_scores
    from toolkit.validation import reading_sample, refuse_overwrite, save_reading_sample

    refuse_overwrite(args.output)  # before any story is read
    stories, scores = _read_stories(args.articles, None), read_theme_scores(args.scores)
    try:
        sample = reading_sample(stories, scores, theme=args.theme, size=args.size, seed=args.seed, **_kinds_of(args))
    except InputError as err:  # a theme the scores do not have is a problem of the scores file
        raise InputError(args.scores, err.problem) if err.path == "theme scores" else err from None
    design = save_reading_sample(sample, args.output)
    print(
        f"wrote {len(sample)} stories to read to {args.output} (the draw, not for the reader: {design.name}): "
        f"fill {args.theme} with 1 or 0, then toolkit accuracy {args.output}"
    )
    return 0


def _cmd_accuracy(args: argparse.Namespace) -> int:
    from toolkit.themes import read_theme_scores
    from toolkit.validation import read_labels, theme_accuracy

    labels = read_labels(args.labels)
    drawn = "design" in labels.attrs  # the draw decides the strata: the articles and scores are not read
    if not drawn and args.articles is None:
        raise InputError(args.labels, "has no draw beside it: give --articles (and --scores) it was drawn from")
    articles = None if drawn else _read_stories(args.articles, None)
    scores = None if drawn else read_theme_scores(args.scores)
    try:
        table = theme_accuracy(labels, articles, scores, **_kinds_of(args))
    except InputError as err:  # a problem of the labels is one of the labels file
        raise InputError(args.labels, err.problem) if err.path == "labels" else err from None
    print(f"{table['theme'].iloc[0]}: {table['read'].iloc[0]} stories read ({args.labels})")
    for row in table.itertuples():
        print(f"  {row.measure:<16} {row.estimate:6.3f}  (95 % interval {row.low:.3f}–{row.high:.3f})")
    return 0


def _kinds_of(args: argparse.Namespace) -> dict[str, list[str]]:
    return {} if args.kinds is None else {"kinds": args.kinds}


def _cmd_gallery(args: argparse.Namespace) -> int:
    if not args.inputs and args.articles is None:
        args.subparser.error("give the inputs to load, or --articles FILE")
    settings = _settings(args)  # usage errors before the stages' slow imports
    from toolkit.countries import detect_countries, load_countries
    from toolkit.load import load_articles, read_articles, select_articles
    from toolkit.places import cooperation_pairs, country_attention
    from toolkit.plots import write_gallery
    from toolkit.themes import load_themes, read_theme_scores, score_themes, theme_attention
    from toolkit.topics import fit_topics, load_topic_model, topics_over_time

    if args.articles is not None:
        articles = read_articles(args.articles)
    else:
        articles = load_articles(args.inputs, column_map=settings.get("column_map"))
    articles = select_articles(articles, since=args.since, until=args.until, sources=args.sources)
    if args.model is not None:
        model = load_topic_model(args.model)
        saved = None if model.kinds is None else list(model.kinds)
        if args.kinds is not None and args.kinds != saved:
            fitted = "every kind" if saved is None else ",".join(saved)
            raise InputError(
                args.model,
                f"--kinds {','.join(args.kinds)}: this model was fitted on {fitted}; every chart counts as it",
            )
        kinds = {"kinds": model.kinds}  # the saved model's rows: every table counts the same stories
    else:
        model = fit_topics(articles, **{name: settings[name] for name in (*_FIT_OPTIONS, "kinds") if name in settings})
        kinds = {"kinds": args.kinds} if args.kinds is not None else {}
    themes, gazetteer = load_themes(args.themes), load_countries(args.countries)
    countries = detect_countries(articles, countries=gazetteer)
    scores = (
        read_theme_scores(args.theme_scores)
        if args.theme_scores
        else score_themes(articles, themes=themes, countries=gazetteer)
    )
    written = write_gallery(
        articles,
        output_dir=args.output,
        topic_info=model.topic_info_,
        topics_over_time=topics_over_time(model, articles),
        theme_attention=theme_attention(articles, scores, themes=themes, **kinds),
        theme_attention_by_source=theme_attention(articles, scores, by="source", themes=themes, **kinds),
        cooperation_pairs=cooperation_pairs(articles, scores, countries, **kinds),
        country_attention_by_source=country_attention(articles, scores, countries, by="source", **kinds),
        unit=model.settings_["unit"],
        **kinds,
    )
    print(f"wrote {len(written)} files to {args.output}: {', '.join(p.name for p in written if p.suffix == '.png')}")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from toolkit.report import build_reports  # papermill and nbconvert load only for this command

    settings = _settings(args)
    # Saved articles replace the inputs; without either, the bundled default folder is loaded.
    data = args.data or (None if args.articles is not None else ["data/raw"])
    reports = build_reports(
        data,
        output_dir=args.output,
        hide_code=args.hide_code,
        self_contained=args.self_contained,
        parameters=settings,
    )
    print(f"wrote {len(reports)} reports; open {args.output / 'index.html'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

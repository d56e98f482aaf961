"""Command line: ``toolkit clean|topics|themes|gallery|report``.

Wires the stages together; nothing imports this module. User errors (bad
input, bad usage) print one line naming the file and the problem and exit 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from toolkit.errors import InputError


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
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

    clean = sub.add_parser("clean", help="load and clean pages or exports into an articles Parquet file")
    clean.add_argument("inputs", nargs="+", help="files, folders or globs (txt, html, json, jsonl, csv, parquet)")
    clean.add_argument("-o", "--output", type=Path, default=Path("data/processed/articles.parquet"))
    clean.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="FIELD=NAME",
        help="map an export's column to an article field, e.g. --column text=body (repeatable)",
    )
    clean.set_defaults(run=_cmd_clean)

    topics = sub.add_parser("topics", help="fit an Arabic topic model on an articles Parquet file")
    topics.add_argument("articles", type=Path)
    topics.add_argument("-o", "--output", type=Path, default=Path("models/topics"))
    topics.add_argument("--unit", choices=["article", "paragraph"], default="article")
    topics.add_argument(
        "--embedding", default="tfidf", help="'tfidf' (default, offline) or a sentence-transformers name/path"
    )
    topics.add_argument("--n-topics", default="auto", help="number of topics or 'auto'")
    topics.add_argument("--seed", type=int, default=42)
    topics.set_defaults(run=_cmd_topics)

    themes = sub.add_parser("themes", help="score every story against the themes")
    themes.add_argument("articles", type=Path)
    themes.add_argument("-o", "--output", type=Path, default=Path("data/processed/themes.parquet"))
    themes.add_argument("--themes", type=Path, default=None, help="a themes TOML file (default: the built-in themes)")
    themes.add_argument("--threshold", type=float, default=None, help="minimum score for a story to get a theme")
    themes.set_defaults(run=_cmd_themes)

    gallery = sub.add_parser("gallery", help="write every chart as PNG for the given data")
    gallery.add_argument("inputs", nargs="+")
    gallery.add_argument("-o", "--output", type=Path, default=Path("reports/figures"))
    gallery.set_defaults(run=_cmd_gallery)

    report = sub.add_parser("report", help="execute the notebooks on the data and export HTML reports")
    report.add_argument("--data", nargs="+", default=["data/raw"], help="inputs for the notebooks (default: data/raw)")
    report.add_argument("-o", "--output", type=Path, default=Path("reports"))
    report.add_argument("--hide-code", action="store_true", help="leave code cells out of the HTML")
    report.set_defaults(run=_cmd_report)
    return parser


def _column_map(pairs: list[str]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        field, sep, name = pair.partition("=")
        if not sep or not field or not name:
            raise InputError(pair, "--column takes FIELD=NAME, e.g. text=body")
        mapping[field] = name
    return mapping


def _cmd_clean(args: argparse.Namespace) -> int:
    import warnings

    from toolkit.load import load_articles, save_articles

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rejections and notes are counted below and written beside the output
        articles = load_articles(args.inputs, column_map=_column_map(args.column), progress=True)
    rejections_path = save_articles(articles, args.output)
    notes_path = args.output.with_name(f"{args.output.stem}.notes.csv")
    rejected, noted = len(articles.attrs["rejections"]), len(articles.attrs["notes"])
    kinds = articles["kind"].value_counts()
    print(f"pages read: {articles['origin'].nunique() + rejected}")
    print("rows: " + ", ".join(f"{kind} {kinds.get(kind, 0)}" for kind in ("article", "embedded", "headline")))
    print(f"duplicates: {articles['duplicate_of'].notna().sum()}")
    print(f"rejections: {rejected}" + (f" (see {rejections_path})" if rejected else ""))
    print(f"notes: {noted}" + (f" (see {notes_path})" if noted else ""))
    print(f"wrote {args.output}, {rejections_path} and {notes_path}")
    return 0


def _cmd_topics(args: argparse.Namespace) -> int:
    from toolkit.load import read_articles
    from toolkit.topics import fit_topics

    if args.n_topics != "auto" and not (args.n_topics.isdigit() and int(args.n_topics) > 0):
        raise InputError("--n-topics", f"expected 'auto' or a whole number of at least 1, not {args.n_topics!r}")
    n_topics = args.n_topics if args.n_topics == "auto" else int(args.n_topics)
    if not args.articles.is_file():
        raise InputError(args.articles, "no such file (write it with `toolkit clean`)")
    model = fit_topics(
        read_articles(args.articles), unit=args.unit, embedding=args.embedding, n_topics=n_topics, seed=args.seed
    )
    model.save(args.output)
    print(f"wrote {args.output}/: model/, doc_topics.parquet, topic_info.csv ({model.settings_['n_topics']} topics)")
    return 0


def _cmd_themes(args: argparse.Namespace) -> int:
    from toolkit.load import read_articles
    from toolkit.themes import DEFAULT_THRESHOLD, load_themes, score_themes

    if not args.articles.is_file():
        raise InputError(args.articles, "no such file (write it with `toolkit clean`)")
    articles = read_articles(args.articles)
    threshold = DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    scores = score_themes(articles, themes=load_themes(args.themes), threshold=threshold)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    scores.to_parquet(args.output, index=False)
    counts = scores["theme"].fillna("none").value_counts()
    print(f"wrote {len(scores)} stories to {args.output} ({', '.join(f'{k}: {n}' for k, n in counts.items())})")
    return 0


def _cmd_gallery(args: argparse.Namespace) -> int:
    from toolkit.load import load_articles
    from toolkit.plots import write_gallery
    from toolkit.themes import score_themes, theme_attention
    from toolkit.topics import fit_topics, topics_over_time

    articles = load_articles(args.inputs)
    model = fit_topics(articles)
    scores = score_themes(articles)
    written = write_gallery(
        articles,
        output_dir=args.output,
        topic_info=model.topic_info_,
        topics_over_time=topics_over_time(model, articles),
        theme_attention=theme_attention(articles, scores),
        theme_attention_by_source=theme_attention(articles, scores, by="source"),
    )
    print(f"wrote {len(written)} files to {args.output}: {', '.join(p.name for p in written if p.suffix == '.png')}")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from toolkit.report import build_reports  # papermill and nbconvert load only for this command

    reports = build_reports(args.data, output_dir=args.output, hide_code=args.hide_code)
    print(f"wrote {len(reports)} reports; open {args.output / 'index.html'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

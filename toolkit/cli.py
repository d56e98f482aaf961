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
    raise NotImplementedError  # filled by the load stage


def _cmd_topics(args: argparse.Namespace) -> int:
    raise NotImplementedError  # filled by the topics stage


def _cmd_themes(args: argparse.Namespace) -> int:
    raise NotImplementedError  # filled by the themes stage


def _cmd_gallery(args: argparse.Namespace) -> int:
    raise NotImplementedError  # filled by the plots stage


def _cmd_report(args: argparse.Namespace) -> int:
    raise NotImplementedError  # filled by the report stage


if __name__ == "__main__":
    raise SystemExit(main())

"""Clean, topics and themes on 10k to 1M articles, each stage its own process: ``make bench-scale``.

The input is built here from the shared corpora's 11,100 articles: copy k of an article gets the id
``<id>~k`` and the outlet ``<outlet> · k``, so a copy is the same story republished by another outlet.
Duplicate detection marks it (``duplicate_of``) and every table still counts it for its own outlet, so
the topic and theme stages do the work of that many distinct stories. The inputs are gzip JSON Lines
files of 10,000 articles under ``--work`` (default ``/tmp/toolkit-scale``), written once per size.

Each stage runs the ``toolkit`` command in a fresh process; its wall time and its peak resident memory
(``os.wait4``: the largest of the process and its children) are reported. The stages:

- ``clean``: ``toolkit clean <inputs> -o <dataset folder>``;
- ``topics``: ``toolkit topics <dataset folder>``: a fit on the seeded sample, every other story assigned;
- ``themes``: ``toolkit themes <dataset folder>``;
- with ``--dask N``, the three stages again at size N through a ``LocalCluster`` of two worker processes
  started by this script (the workers' peak memory is asked from them). Clean on Dask writes the same dataset
  folder again (the same files), which topics and themes on Dask then read.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.corpora import CORPORA, REPO, corpus_file, default_corpora
from benchmarks.machine import machine_header
from benchmarks.sampled_fits import sampled_fit_rows
from benchmarks.table import markdown_table, number

FILE_ARTICLES = 10_000
STAGES = ("clean", "topics", "themes")


def build_input(corpora: Path, size: int, folder: Path) -> Path:
    """``size`` articles as gzip JSON Lines files of `FILE_ARTICLES` in ``folder`` (kept for the next run)."""
    done = folder / "complete"
    if done.is_file():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    originals = [
        line
        for name in CORPORA
        for line in gzip.decompress(corpus_file(corpora, name).read_bytes()).decode().splitlines()
    ]
    records = (_copy(originals[i % len(originals)], i // len(originals)) for i in range(size))
    for number_, first in enumerate(range(0, size, FILE_ARTICLES)):
        with gzip.open(folder / f"articles-{number_:04d}.jsonl.gz", "wt", encoding="utf-8", compresslevel=1) as out:
            for _ in range(min(FILE_ARTICLES, size - first)):
                out.write(next(records))
    done.touch()
    return folder


def _copy(line: str, k: int) -> str:
    if k == 0:
        return line if line.endswith("\n") else line + "\n"
    record = json.loads(line)
    record["id"], record["source"] = f"{record['id']}~{k}", f"{record['source']} · {k}"
    return json.dumps(record, ensure_ascii=False) + "\n"


def run_stage(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of ``command`` in a fresh process; raises when it fails."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed with {os.waitstatus_to_exitcode(status)}")
    return seconds, usage.ru_maxrss / 1024


def stage_commands(inputs: Path, out: Path, scheduler: str | None = None) -> dict[str, list[str]]:
    toolkit = [str(Path(sys.executable).with_name("toolkit"))]
    dask = ["--scheduler", scheduler] if scheduler else []
    dataset = str(out / "articles")
    return {
        "clean": [*toolkit, "clean", str(inputs), "-o", dataset, *dask],
        "topics": [*toolkit, "topics", dataset, "-o", str(out / "model"), *dask],
        "themes": [*toolkit, "themes", dataset, "-o", str(out / "themes.parquet"), *dask],
    }


def _dask_rows(size: int, inputs: Path, out: Path) -> list[list[str]]:
    from dask.distributed import Client, LocalCluster

    rows = []
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        commands = stage_commands(inputs, out, scheduler=cluster.scheduler_address)
        for stage in STAGES:
            client.restart()  # each stage's worker peak memory on its own
            seconds, rss = run_stage(commands[stage])
            workers = client.run(_max_rss_mb)
            rows.append(_row(size, f"{stage} (Dask, 2 workers)", seconds, max(rss, *workers.values())))
    return rows


def _max_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _row(size: int, stage: str, seconds: float, rss: float) -> list[str]:
    return [f"{size:,}", stage, number(seconds), number(size / seconds), f"{1e6 * seconds / size:.0f}", number(rss)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated numbers of articles")
    parser.add_argument("--dask", type=int, default=100_000, help="also run the stages on Dask at this size (0: no)")
    parser.add_argument("--corpora", type=Path, default=default_corpora())
    parser.add_argument("--work", type=Path, default=Path("/tmp/toolkit-scale"))
    parser.add_argument("--output", type=Path, default=REPO / "benchmarks" / "SCALE.md")
    args = parser.parse_args()
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        inputs = build_input(args.corpora, size, args.work / f"input-{size}")
        out = args.work / f"out-{size}"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        total = 0.0
        for stage, command in stage_commands(inputs, out).items():
            print(f"bench-scale: {size:,} {stage} ...", file=sys.stderr, flush=True)
            seconds, rss = run_stage(command)
            total += seconds
            rows.append(_row(size, stage, seconds, rss))
            # each row as it comes: kept if a later size fails
            print("bench-scale: | " + " | ".join(rows[-1]) + " |", file=sys.stderr, flush=True)
        rows.append(_row(size, "end to end", total, max(float(r[-1].replace(",", "")) for r in rows[-3:])))
        if size == args.dask:
            print(f"bench-scale: {size:,} on Dask ...", file=sys.stderr, flush=True)
            rows += _dask_rows(size, inputs, out)
    print("bench-scale: sampled fits on ANT ...", file=sys.stderr, flush=True)
    sampled = sampled_fit_rows(args.corpora)
    command = shlex.join(["python", "-m", "benchmarks.scale", *sys.argv[1:]])
    document = "\n\n".join(
        [
            "# Scale: clean, topics and themes from 10,000 to 1,000,000 articles",
            "Generated by `make bench-scale` (`python -m benchmarks.scale`); regenerate rather than edit.",
            "\n".join(machine_header(corpora=args.corpora, command=command)),
            "## Each stage as its own process",
            markdown_table(["articles", "stage", "seconds", "articles/s", "µs per article", "peak RSS (MB)"], rows),
            "## The size of the sample a topic fit learns from (`benchmarks.sampled_fits`)",
            markdown_table(["stories fitted", "seconds (fit and assign)", "NMI, 6 topics", "ARI, 6 topics"], sampled),
            "## How it is measured",
            __doc__.split("\n\n", 1)[1].strip(),
        ]
    )
    print(document)
    args.output.write_text(document + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

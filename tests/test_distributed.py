"""The same pipeline by partition: a dataset folder's files in process, and a Dask cluster of two worker
processes, give exactly the tables pandas gives on the whole corpus; and cleaning on the cluster writes exactly
the dataset that cleaning in process writes."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import random
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from test_stream import record, words  # (made-up stories whose words normalisation leaves as they are)

import toolkit
from toolkit.cli import main
from toolkit.distributed import ArticleParts, iter_articles_dask, load_articles_dask
from toolkit.errors import InputError
from toolkit.load import BoilerplateRules, boilerplate_rules, iter_articles, load_articles, save_articles
from toolkit.stories import counted_stories

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "docs" / "examples" / "stories.csv"
EXAMPLE_COLUMNS = {"article_id": "raqm", "source": "jarida", "published_at": "yawm", "title": "unwan", "text": "matn"}


@pytest.fixture(scope="module")
def dd():
    return pytest.importorskip("dask.dataframe", reason="Dask is the [dask] extra: pip install -e '.[dask]'")


@pytest.fixture(scope="module")
def client(dd):
    distributed = pytest.importorskip("dask.distributed")
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def example() -> pd.DataFrame:
    """The README's 16 example stories (written for the example) and the bundled sample page."""
    stories = toolkit.load_articles(EXAMPLE, column_map=EXAMPLE_COLUMNS)
    return pd.concat([stories, toolkit.load_articles(REPO / "data" / "raw")], ignore_index=True)


@pytest.fixture(scope="module")
def ant(corpora: Path) -> pd.DataFrame:
    articles = toolkit.load_articles(corpora / "ant-multisource" / "articles.jsonl.gz", progress=False)
    return articles.iloc[::10].reset_index(drop=True)  # 519 rows: every tenth, all outlets


def _plain(table: pd.DataFrame) -> pd.DataFrame:
    return table.reset_index(drop=True)


def _dataset(articles: pd.DataFrame, folder: Path, bounds: list[int]) -> Path:
    """The articles as a dataset folder: a Parquet file per run of rows between ``bounds`` (a page's rows together)."""
    folder.mkdir()
    for number, (first, last) in enumerate(zip([0, *bounds], [*bounds, len(articles)], strict=True)):
        save_articles(articles.iloc[first:last].reset_index(drop=True), folder / f"part-{number:05d}.parquet")
    return folder


def test_a_dataset_folder_is_read_a_part_at_a_time_with_the_same_results(example: pd.DataFrame, tmp_path: Path) -> None:
    parts = ArticleParts.of(_dataset(example, tmp_path / "articles", [5, 10, 16]))  # the page's rows are 16 on
    assert len(parts.files) == 4
    pd.testing.assert_frame_equal(toolkit.score_themes(parts), toolkit.score_themes(example))
    pd.testing.assert_frame_equal(
        toolkit.score_themes(parts, sample_size=8), toolkit.score_themes(example, sample_size=8)
    )
    scores = toolkit.score_themes(example)
    for by in ("source", "period"):
        expected_attention = toolkit.theme_attention(example, scores, by=by)
        pd.testing.assert_frame_equal(toolkit.theme_attention(parts, scores, by=by), expected_attention)
    sample = toolkit.reading_sample(example, scores, theme="natural_disasters", size=6)
    pd.testing.assert_frame_equal(toolkit.reading_sample(parts, scores, theme="natural_disasters", size=6), sample)
    labels = sample.assign(natural_disasters=1)
    labels.attrs = {}  # no draw: the strata come from the stories as they are scored now
    accuracy = toolkit.theme_accuracy(labels, example, scores)
    pd.testing.assert_frame_equal(toolkit.theme_accuracy(labels, parts, scores), accuracy)
    options = {"sample_size": 8, "cache": False, "verbose": False}
    model, expected = toolkit.fit_topics(parts, **options), toolkit.fit_topics(example, **options)
    assert model.settings_["stories_sampled"] == 8
    pd.testing.assert_frame_equal(model.doc_topics_, expected.doc_topics_)
    pd.testing.assert_frame_equal(model.topic_info_, expected.topic_info_)


def test_themes_on_the_cluster_are_the_themes_in_process(client, dd, example: pd.DataFrame) -> None:
    expected = toolkit.score_themes(example)
    scores = toolkit.score_themes(dd.from_pandas(example, npartitions=3))
    assert scores.npartitions == 3
    pd.testing.assert_frame_equal(_plain(scores.compute()), expected)


def test_topics_on_the_cluster_are_the_topics_in_process(client, dd, example: pd.DataFrame) -> None:
    expected = toolkit.fit_topics(example, cache=False, verbose=False)
    model = toolkit.fit_topics(dd.from_pandas(example, npartitions=3), cache=False, verbose=False)
    pd.testing.assert_frame_equal(model.doc_topics_, expected.doc_topics_)
    pd.testing.assert_frame_equal(model.topic_info_, expected.topic_info_)


@pytest.mark.corpora
def test_a_sampled_fit_on_the_cluster_is_the_sampled_fit_in_process(client, dd, ant: pd.DataFrame) -> None:
    options = {"sample_size": 200, "cache": False, "verbose": False}
    expected = toolkit.fit_topics(ant, **options)
    model = toolkit.fit_topics(dd.from_pandas(ant, npartitions=4), **options)
    assert model.settings_["stories_assigned"] == len(counted_stories(ant)) - 200
    pd.testing.assert_frame_equal(model.doc_topics_, expected.doc_topics_)
    pd.testing.assert_frame_equal(model.topic_info_, expected.topic_info_)
    expected_scores = toolkit.score_themes(ant, sample_size=200)
    scores = toolkit.score_themes(dd.from_pandas(ant, npartitions=4), sample_size=200).compute()
    pd.testing.assert_frame_equal(_plain(scores), expected_scores)


class _DiesOnce:
    """Kills the worker process the first time it reaches partition ``victim`` (a file marks that it did)."""

    def __init__(self, marker: Path, victim: str) -> None:
        self.marker, self.victim = marker, victim

    def __call__(self, part: pd.DataFrame) -> pd.DataFrame:
        if self.victim in set(part["article_id"]) and not self.marker.exists():
            self.marker.touch()
            os._exit(1)  # the worker dies mid-task; its nanny starts a new one and the scheduler retries
        return part


def test_a_worker_killed_mid_run_loses_and_repeats_no_row(client, dd, example: pd.DataFrame, tmp_path: Path) -> None:
    stories = dd.from_pandas(example, npartitions=4)
    victim = example["article_id"].iloc[len(example) // 2]
    doomed = stories.map_partitions(_DiesOnce(tmp_path / "died", victim), meta=stories._meta)
    scores = _plain(toolkit.score_themes(doomed).compute())
    assert (tmp_path / "died").exists()  # a worker did die
    pd.testing.assert_frame_equal(scores, toolkit.score_themes(example))
    assert scores["article_id"].is_unique and len(scores) == len(example)


def test_the_cli_runs_topics_and_themes_on_a_scheduler(client, example: pd.DataFrame, tmp_path: Path) -> None:
    save_articles(example, tmp_path / "articles.parquet")
    address = client.scheduler.address
    themes = ["themes", str(tmp_path / "articles.parquet")]
    assert main([*themes, "-o", str(tmp_path / "here.parquet")]) == 0
    assert main([*themes, "-o", str(tmp_path / "there.parquet"), "--scheduler", address]) == 0
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "there.parquet"), pd.read_parquet(tmp_path / "here.parquet")
    )
    topics = ["topics", str(tmp_path / "articles.parquet"), "--seed", "7"]
    assert main([*topics, "-o", str(tmp_path / "here")]) == 0
    assert main([*topics, "-o", str(tmp_path / "there"), "--scheduler", address]) == 0
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "there" / "doc_topics.parquet"),
        pd.read_parquet(tmp_path / "here" / "doc_topics.parquet"),
    )


def test_without_a_scheduler_nothing_needs_dask(monkeypatch: pytest.MonkeyPatch) -> None:
    from toolkit.distributed import dask_client

    monkeypatch.delenv("TOOLKIT_SCHEDULER", raising=False)
    with dask_client(None) as no_client:
        assert no_client is None


def test_the_cli_reads_a_dataset_folder_a_part_at_a_time(example: pd.DataFrame, tmp_path: Path) -> None:
    folder = _dataset(example, tmp_path / "articles", [16])
    save_articles(example, tmp_path / "articles.parquet")
    for name, source in (("folder", folder), ("file", tmp_path / "articles.parquet")):
        assert main(["themes", str(source), "-o", str(tmp_path / f"{name}.parquet")]) == 0
        assert main(["topics", str(source), "-o", str(tmp_path / name), "--sample-size", "10"]) == 0
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "folder.parquet"), pd.read_parquet(tmp_path / "file.parquet")
    )
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "folder" / "doc_topics.parquet"),
        pd.read_parquet(tmp_path / "file" / "doc_topics.parquet"),
    )


# ---------------------------------------------------------------- cleaning on the cluster


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    """Three exports and a page: a story repeated exactly and as wire copies across files (and so across batches),
    an id given twice, a broken JSON line, a CSV row without text and NUL padding, a page named like a record."""
    rng = random.Random(7)
    story, other = words(rng, 80), words(rng, 70)
    wire = list(story)
    for at in (10, 30, 50, 70):
        wire[at] = words(rng, 1, long_share=0)[0]
    folder = tmp_path / "inputs"
    folder.mkdir()
    again = record("a", words(rng, 60))  # an id given before, and a related headline: "a~2", "a~2#h1"
    again["text"] += "\n\nاقرأ أيضا\n" + " ".join(words(rng, 6))
    lines = [json.dumps(row, ensure_ascii=False) for row in (record("a", story), record("f1", words(rng, 60)))]
    lines += ["{broken"] + [json.dumps(row, ensure_ascii=False) for row in (record("b", other), again)]
    (folder / "1.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = [record("a-again", story), record("a-wire", wire, title="عنوان اخر"), {"id": "no-text", "text": ""}]
    rows.append(record("b-wire", other[:-2] + words(rng, 2)))
    table = io.StringIO()
    writer = csv.DictWriter(table, fieldnames=["id", "title", "text", "published_at"])
    writer.writeheader()
    writer.writerows(rows)
    (folder / "2.csv").write_bytes(table.getvalue().encode("utf-8") + b"\x00\x00")
    rows = [
        record("g1", words(rng, 60)),
        record("a-wire-again", wire, title="عنوان ثالث"),
        record("g2", words(rng, 60)),
    ]
    lines = [json.dumps(row, ensure_ascii=False) for row in rows]
    (folder / "3.jsonl.gz").write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8")))
    page = ["عنوان الصفحة", " ".join(words(rng, 50)), "اقرأ أيضا", " ".join(story[:4])]  # a's title, as a headline
    (folder / "f1.txt").write_text("\n".join(page), encoding="utf-8")
    return folder


def _batches(read, *args, **options) -> list[pd.DataFrame]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (rejections and notes: compared below)
        return list(read(*args, **options))


def _assert_same_batches(batches: list[pd.DataFrame], expected: list[pd.DataFrame]) -> None:
    assert len(batches) == len(expected)
    for batch, expected_batch in zip(batches, expected, strict=True):
        pd.testing.assert_frame_equal(batch, expected_batch)
        assert batch.attrs == expected_batch.attrs  # the batch's rejections and notes


MALFORMED = "malformed JSON line (Expecting property name enclosed in double quotes, column 2)"


@pytest.mark.parametrize("batch_size", [1, 2, 3, 5, 2000])
def test_clean_on_the_cluster_gives_the_batches_of_clean_in_process(client, exports: Path, batch_size: int) -> None:
    batches = _batches(iter_articles_dask, exports, client, batch_size=batch_size)
    _assert_same_batches(batches, _batches(iter_articles, exports, batch_size=batch_size))
    articles = pd.concat(batches, ignore_index=True)
    assert articles[["article_id", "duplicate_of"]].fillna("").values.tolist() == [
        ["a", ""],
        ["f1", ""],
        ["b", ""],
        ["a~2", ""],
        ["a~2#h1", ""],
        ["a-again", "a"],  # the same text
        ["a-wire", "a"],  # a wire copy (another file: another batch but at 2000)
        ["b-wire", "b"],
        ["g1", ""],
        ["a-wire-again", "a-wire"],  # as the whole load marks it
        ["g2", ""],
        ["f1~2", ""],  # the page f1.txt
        ["f1~2#h1", "a"],  # its related headline: a's title
    ]
    assert [row for batch in batches for row in batch.attrs["rejections"]] == [
        {"origin": f"{exports / '1.jsonl'}:3", "reason": MALFORMED},
        {"origin": f"{exports / '2.csv'}:3", "reason": "no text (looked for the column text)"},
    ]
    assert [row for batch in batches for row in batch.attrs["notes"]] == [
        {"origin": str(exports / "2.csv"), "note": "NUL padding stripped from the ends (2 of 2934 bytes)"}
    ]


def test_the_sample_pages_clean_on_the_cluster_as_in_process(client) -> None:
    sample = REPO / "data" / "raw"
    for batch_size in (1, 1000):
        batches = _batches(iter_articles_dask, sample, client, batch_size=batch_size)
        _assert_same_batches(batches, _batches(iter_articles, sample, batch_size=batch_size))
    expected = load_articles(sample)
    articles = load_articles_dask(sample, client)  # the whole load: one frame, as `toolkit clean -o x.parquet`
    pd.testing.assert_frame_equal(articles, expected)
    assert articles.attrs == expected.attrs
    assert len(articles) == 11


def test_on_the_cluster_the_first_rejection_raises_as_in_process(client, exports: Path) -> None:
    with pytest.raises(InputError) as in_process:
        _batches(iter_articles, exports, batch_size=2, on_error="raise")
    with pytest.raises(InputError) as on_the_cluster:
        _batches(iter_articles_dask, exports, client, batch_size=2, on_error="raise")
    assert str(on_the_cluster.value) == str(in_process.value)
    assert str(in_process.value) == f"{exports / '1.jsonl'}:3: {MALFORMED}"


@dataclass(frozen=True)
class _DiesOnceRules(BoilerplateRules):
    """The built-in rules, but the worker process cleaning a text with ``victim`` in it dies the first time (a file
    marks that it did)."""

    marker: Path = Path()
    victim: str = ""

    def with_markers(self, texts):
        if not self.marker.exists() and any(self.victim in text for text in texts):
            self.marker.touch()
            os._exit(1)  # the worker dies mid-task; its nanny starts a new one and the scheduler retries
        return super().with_markers(texts)


def test_a_worker_killed_while_cleaning_loses_and_repeats_no_row(client, exports: Path, tmp_path: Path) -> None:
    g2 = json.loads(gzip.decompress((exports / "3.jsonl.gz").read_bytes()).decode().splitlines()[2])
    rules = _DiesOnceRules(**vars(boilerplate_rules()), marker=tmp_path / "died", victim=g2["text"].split()[0])
    batches = _batches(iter_articles_dask, exports, client, batch_size=2, rules=rules)
    assert (tmp_path / "died").exists()  # a worker did die, cleaning g2's file
    _assert_same_batches(batches, _batches(iter_articles, exports, batch_size=2))
    articles = pd.concat(batches, ignore_index=True)
    assert articles["article_id"].is_unique and len(articles) == 13
    rejected = sum(len(batch.attrs["rejections"]) for batch in batches)
    assert articles["origin"].nunique() + rejected == 13  # every record is a row or a rejection


def _files(folder: Path) -> dict[str, bytes]:
    return {file.name: file.read_bytes() for file in sorted(folder.iterdir())}


def test_the_cli_cleans_on_a_scheduler(
    client, exports: Path, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean = ["clean", str(exports), "--batch-size", "3", "-o"]
    assert main([*clean, str(tmp_path / "here")]) == 0
    said_here = capsys.readouterr().out
    assert main([*clean, str(tmp_path / "there"), "--scheduler", client.scheduler.address]) == 0
    assert capsys.readouterr().out == said_here.replace("here", "there")
    assert _files(tmp_path / "there") == _files(tmp_path / "here")  # the same parts, rejections.csv and notes.csv
    parts = [f"part-{number:05d}.parquet" for number in range(5)]  # 13 records, 3 a batch
    assert sorted(_files(tmp_path / "here")) == ["notes.csv", *parts, "rejections.csv"]
    assert "pages read: 13\nrows: article 11, embedded 0, headline 2\nduplicates: 5\nrejections: 2" in said_here
    # One Parquet file: the whole load, its duplicates marked at once; the scheduler from TOOLKIT_SCHEDULER.
    assert main(["clean", str(exports), "-o", str(tmp_path / "here.parquet")]) == 0
    monkeypatch.setenv("TOOLKIT_SCHEDULER", client.scheduler.address)
    assert main(["clean", str(exports), "-o", str(tmp_path / "there.parquet")]) == 0
    for listing in ("rejections", "notes"):
        there, here = tmp_path / f"there.{listing}.csv", tmp_path / f"here.{listing}.csv"
        assert there.read_bytes() == here.read_bytes()
    pd.testing.assert_frame_equal(
        toolkit.read_articles(tmp_path / "there.parquet"), toolkit.read_articles(tmp_path / "here.parquet")
    )


def test_clean_topics_and_themes_on_the_cluster_are_clean_topics_and_themes_in_process(client, tmp_path: Path) -> None:
    columns = ",".join(f"{field}={name}" for field, name in EXAMPLE_COLUMNS.items())
    for where, scheduler in (("here", []), ("there", ["--scheduler", client.scheduler.address])):
        out = tmp_path / where
        clean = ["clean", str(EXAMPLE), str(REPO / "data" / "raw"), "--column-map", columns, "--batch-size", "5"]
        assert main([*clean, "-o", str(out / "articles"), *scheduler]) == 0
        assert main(["topics", str(out / "articles"), "-o", str(out / "model"), "--seed", "7", *scheduler]) == 0
        assert main(["themes", str(out / "articles"), "-o", str(out / "themes.parquet"), *scheduler]) == 0
    here, there = tmp_path / "here", tmp_path / "there"
    assert _files(there / "articles") == _files(here / "articles")
    assert len(toolkit.read_articles(here / "articles")) == 27  # 16 stories and the sample page's 11 rows
    for table in ("model/doc_topics.parquet", "themes.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(there / table), pd.read_parquet(here / table))
    assert (there / "model" / "topic_info.csv").read_bytes() == (here / "model" / "topic_info.csv").read_bytes()


@pytest.mark.corpora
def test_a_corpus_cleaned_on_the_cluster_is_the_corpus_cleaned_in_process(client, corpora: Path) -> None:
    export = corpora / "ant-multisource" / "articles.jsonl.gz"
    batches = _batches(iter_articles_dask, export, client, batch_size=700, progress=False)
    _assert_same_batches(batches, _batches(iter_articles, export, batch_size=700, progress=False))
    assert sum(batch["origin"].nunique() for batch in batches) == 5100  # the corpus's articles, each read once

"""The same pipeline by partition: a dataset folder's files in process, and a Dask cluster of two worker
processes, give exactly the tables pandas gives on the whole corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

import toolkit
from toolkit.cli import main
from toolkit.distributed import ArticleParts
from toolkit.load import save_articles
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

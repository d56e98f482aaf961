"""The same pipeline on a Dask cluster: two worker processes give exactly the tables pandas gives."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

import toolkit
from toolkit.cli import main
from toolkit.load import save_articles
from toolkit.stories import counted_stories

dd = pytest.importorskip("dask.dataframe", reason="Dask is the [dask] extra: pip install -e '.[dask]'")
distributed = pytest.importorskip("dask.distributed")

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "docs" / "examples" / "stories.csv"
EXAMPLE_COLUMNS = {"article_id": "raqm", "source": "jarida", "published_at": "yawm", "title": "unwan", "text": "matn"}


@pytest.fixture(scope="module")
def client():
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


def test_themes_on_the_cluster_are_the_themes_in_process(client, example: pd.DataFrame) -> None:
    expected = toolkit.score_themes(example)
    scores = toolkit.score_themes(dd.from_pandas(example, npartitions=3))
    assert scores.npartitions == 3
    pd.testing.assert_frame_equal(_plain(scores.compute()), expected)


def test_topics_on_the_cluster_are_the_topics_in_process(client, example: pd.DataFrame) -> None:
    expected = toolkit.fit_topics(example, cache=False, verbose=False)
    model = toolkit.fit_topics(dd.from_pandas(example, npartitions=3), cache=False, verbose=False)
    pd.testing.assert_frame_equal(model.doc_topics_, expected.doc_topics_)
    pd.testing.assert_frame_equal(model.topic_info_, expected.topic_info_)


@pytest.mark.corpora
def test_a_sampled_fit_on_the_cluster_is_the_sampled_fit_in_process(client, ant: pd.DataFrame) -> None:
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


def test_a_worker_killed_mid_run_loses_and_repeats_no_row(client, example: pd.DataFrame, tmp_path: Path) -> None:
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

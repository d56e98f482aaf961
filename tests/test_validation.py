"""Checking theme verdicts by reading: the sample to read, and the accuracy the labels give."""

from __future__ import annotations

import pandas as pd
import pytest

import toolkit
from toolkit.cli import main
from toolkit.errors import InputError
from toolkit.load import save_articles
from toolkit.validation import save_reading_sample, verdict_strata

PAGE = "000_6115d0bf09f38642"


@pytest.fixture(scope="module")
def seed_stories(seed_page) -> tuple[pd.DataFrame, pd.DataFrame]:
    articles = toolkit.load_articles(seed_page)
    return articles, toolkit.score_themes(articles)


def population(assigned: tuple[int, int], near: tuple[int, int], rest: tuple[int, int]) -> tuple[pd.DataFrame, ...]:
    """Stories a0.., n0.., r0.. in three strata, and the true label of each: (stories, of which have the theme)."""
    rows = []
    for prefix, (size, true), score, theme in (
        ("a", assigned, 0.9, "x"),
        ("n", near, 0.1, None),
        ("r", rest, 0.0, None),
    ):
        rows += [(f"{prefix}{i:04d}", score, theme, int(i < true)) for i in range(size)]
    frame = pd.DataFrame(rows, columns=["article_id", "score_x", "theme", "x"])
    return frame[["article_id"]], frame[["article_id", "score_x", "theme"]], frame[["article_id", "x"]]


def test_the_seed_page_gives_its_two_stories_to_read_and_the_disaster_verdicts_are_right(seed_stories):
    articles, scores = seed_stories
    sample = toolkit.reading_sample(articles, scores, theme="natural_disasters", size=5)
    # Headlines are not stories an outlet published (as every table counts): the article and the "read also".
    assert sorted(sample["article_id"]) == [PAGE, f"{PAGE}#e1"]
    assert sample.columns.tolist() == ["article_id", "source", "published_at", "title", "text", "natural_disasters"]
    assert sample["natural_disasters"].isna().all()
    labels = sample.assign(natural_disasters=sample["article_id"].map({PAGE: 0, f"{PAGE}#e1": 1}))
    accuracy = toolkit.theme_accuracy(labels).set_index("measure")
    # Both stories read: every figure is exact, its interval a point.
    assert accuracy["estimate"].to_dict() == {
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
        "toolkit share": 0.5,
        "estimated share": 0.5,
    }
    assert (accuracy["low"] == accuracy["high"]).all()
    assert accuracy["read"].tolist() == [2] * 5 and set(accuracy["theme"]) == {"natural_disasters"}


def test_the_sample_takes_forty_forty_twenty_the_same_everywhere_and_shows_nothing_of_the_verdicts():
    articles, scores, _ = population((300, 0), (500, 0), (5000, 0))
    sample = toolkit.reading_sample(articles, scores, theme="x", size=100, seed=7)
    strata = verdict_strata(articles, scores, theme="x").loc[sample["article_id"]]
    assert strata.value_counts().to_dict() == {"assigned": 40, "near": 40, "rest": 20}
    assert sample.columns.tolist() == ["article_id", "x"]
    assert sample.attrs["design"]["stories"] == {"assigned": 300, "near": 500, "rest": 5000}
    # Shuffled: the strata are not read in blocks (the first 40 are not all assigned).
    assert strata.iloc[:40].nunique() == 3
    # The draw depends on the ids and the seed only (BLAKE2 digests), not on the input's order or numpy.
    assert sample["article_id"].tolist()[:5] == ["n0012", "a0195", "a0145", "a0188", "a0065"]
    again = toolkit.reading_sample(articles.iloc[::-1], scores, theme="x", size=100, seed=7)
    assert again["article_id"].tolist() == sample["article_id"].tolist()
    # A larger sample holds the smaller one: reading on adds stories, it does not redraw.
    larger = toolkit.reading_sample(articles, scores, theme="x", size=200, seed=7)
    assert set(sample["article_id"]) <= set(larger["article_id"])


def test_a_small_stratum_is_read_whole_and_leaves_its_part_to_the_others():
    articles, scores, _ = population((10, 0), (0, 0), (5000, 0))
    sample = toolkit.reading_sample(articles, scores, theme="x", size=100)
    strata = verdict_strata(articles, scores, theme="x").loc[sample["article_id"]]
    assert strata.value_counts().to_dict() == {"rest": 90, "assigned": 10}


def test_each_label_weighs_for_the_stories_of_its_stratum():
    # 100 given the theme (80 have it), 200 near (40 have it), 700 others (70 have it); read 10, 20 and 70
    # with the same proportions. Truth: precision 80/100, recall 80/190, share 190/1000.
    articles, scores, truth = population((100, 80), (200, 40), (700, 70))
    read = pd.concat(
        [
            truth[truth["article_id"].str.startswith("a")].iloc[[*range(8), 80, 81]],
            truth[truth["article_id"].str.startswith("n")].iloc[[*range(4), *range(40, 56)]],
            truth[truth["article_id"].str.startswith("r")].iloc[[*range(7), *range(70, 133)]],
        ]
    )
    accuracy = toolkit.theme_accuracy(read, articles, scores).set_index("measure")
    assert accuracy.loc["precision", "estimate"] == pytest.approx(0.8)
    assert accuracy.loc["recall", "estimate"] == pytest.approx(80 / 190)
    assert accuracy.loc["estimated share", "estimate"] == pytest.approx(0.19)
    assert accuracy.loc["toolkit share", "estimate"] == pytest.approx(0.1)
    for measure, truth_value in (("precision", 0.8), ("recall", 80 / 190), ("estimated share", 0.19)):
        assert accuracy.loc[measure, "low"] < truth_value < accuracy.loc[measure, "high"]
    # The intervals are seeded: the same on every run.
    first = toolkit.theme_accuracy(read, articles, scores)
    assert toolkit.theme_accuracy(read, articles, scores).equals(first)


def test_no_theme_found_among_the_rest_read_still_leaves_room_for_misses():
    # 20 of 9,000 other stories read, none with the theme: recall is 1 as read, but its interval says that
    # a few hundred stories with the theme could hide there.
    articles, scores, truth = population((300, 220), (1000, 25), (9000, 0))
    # 29 of 40 given the theme have it, 1 of 40 near it, none of 20 others.
    given, near, rest = (
        truth.iloc[[*range(29), *range(220, 231)]],
        truth.iloc[[300, *range(400, 439)]],
        truth.iloc[1300:1320],
    )
    read = pd.concat([given, near, rest])
    recall = toolkit.theme_accuracy(read, articles, scores).set_index("measure").loc["recall"]
    assert recall["estimate"] == pytest.approx(217.5 / (217.5 + 25)) and recall["high"] < 1
    assert recall["low"] < 0.5


def test_every_story_read_gives_the_plain_precision_and_recall():
    articles, scores, truth = population((20, 15), (30, 6), (50, 1))
    accuracy = toolkit.theme_accuracy(truth, articles, scores).set_index("measure")
    assert accuracy.loc["precision", "estimate"] == pytest.approx(15 / 20)
    assert accuracy.loc["recall", "estimate"] == pytest.approx(15 / 22)
    assert (accuracy["low"] == accuracy["high"]).all() and accuracy["read"].iloc[0] == 100


def test_the_labels_are_weighed_as_the_sample_was_drawn_even_after_the_stories_are_scored_again():
    articles, scores, truth = population((100, 80), (200, 40), (700, 70))
    sample = toolkit.reading_sample(articles, scores, theme="x", size=100)
    labels = sample.drop(columns="x").merge(truth, on="article_id")
    labels.attrs = sample.attrs
    drawn = toolkit.theme_accuracy(labels, articles, scores)
    rescored = scores.assign(theme=None)  # a new themes file: nothing given the theme any more
    assert toolkit.theme_accuracy(labels, articles, rescored).equals(drawn)
    labels.attrs = {}
    assert not toolkit.theme_accuracy(labels, articles, rescored).equals(drawn)


def test_labels_that_cannot_be_weighed_are_named():
    articles, scores, truth = population((4, 2), (4, 1), (4, 0))
    labels = truth.astype({"x": "object"})
    labels.loc[labels["article_id"] == "r0003", "x"] = None  # not read yet: left out
    assert toolkit.theme_accuracy(labels, articles, scores)["read"].iloc[0] == 11
    with pytest.raises(InputError, match="no story read among the 4 rest stories: read some of each"):
        toolkit.theme_accuracy(labels[~labels["article_id"].str.startswith("r")], articles, scores)
    with pytest.raises(InputError, match="story a0001 is labelled twice"):
        toolkit.theme_accuracy(pd.concat([labels, labels.iloc[[1]]]), articles, scores)
    labels.loc[labels["article_id"] == "n0002", "x"] = "yes"
    with pytest.raises(InputError, match="story n0002 has 'yes'"):
        toolkit.theme_accuracy(labels, articles, scores)
    stray = pd.DataFrame({"article_id": ["zz"], "x": [1]})
    with pytest.raises(InputError, match="not among those drawn or scored: zz"):
        toolkit.theme_accuracy(stray, articles, scores)
    with pytest.raises(InputError, match=r"needs one column named after a theme \(x\); found none"):
        toolkit.theme_accuracy(stray.rename(columns={"x": "label"}), articles, scores)
    with pytest.raises(InputError, match="give the articles and the theme scores"):
        toolkit.theme_accuracy(stray)


def test_a_theme_without_scores_is_a_clear_error(seed_stories):
    articles, scores = seed_stories
    with pytest.raises(InputError, match="no scores for the theme 'elections' "):
        toolkit.reading_sample(articles, scores, theme="elections")


def test_a_labels_file_a_spreadsheet_saved_wrongly_is_named(tmp_path):
    sample = toolkit.reading_sample(*population((4, 0), (4, 0), (4, 0))[:2], theme="x", size=6)
    path = tmp_path / "read.csv"
    save_reading_sample(sample, path)
    assert toolkit.read_labels(path).attrs["design"] == sample.attrs["design"]
    with pytest.raises(InputError, match=r"read\.csv: exists and may hold your labels"):
        save_reading_sample(sample, path)
    semicolons = tmp_path / "semicolons.csv"
    semicolons.write_text("article_id;x\na0000;1\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"semicolons\.csv: not a reading sample: .* save it comma-separated"):
        toolkit.read_labels(semicolons)
    windows = tmp_path / "windows.csv"
    windows.write_bytes("article_id,x,title\na0000,1,زلزال\n".encode("cp1256"))
    with pytest.raises(InputError, match=r"windows\.csv: not UTF-8 .*save it as 'CSV UTF-8'"):
        toolkit.read_labels(windows)


def test_cli_draws_a_sample_to_read_keeps_it_and_measures_the_labels(tmp_path, seed_page, capsys):
    articles, scores, sample = tmp_path / "articles.parquet", tmp_path / "themes.parquet", tmp_path / "read.csv"
    save_articles(toolkit.load_articles(seed_page, progress=False), articles)
    assert main(["themes", str(articles), "-o", str(scores)]) == 0
    draw = ["reading-sample", str(articles), "--scores", str(scores), "--theme", "natural_disasters", "-o", str(sample)]
    assert main(draw) == 0
    # Spreadsheets read Arabic from a CSV that starts with a byte order mark; the draw is kept beside it.
    assert sample.read_bytes().startswith("\ufeffarticle_id,source,published_at,title,text,natural_disasters".encode())
    assert (tmp_path / ".read.design.json").is_file()
    assert main(draw) == 2
    assert "read.csv: exists and may hold your labels" in capsys.readouterr().err
    assert main(["accuracy", str(sample)]) == 2
    assert "read.csv: no story has a label yet" in capsys.readouterr().err
    read = pd.read_csv(sample, encoding="utf-8-sig")
    read.assign(natural_disasters=read["article_id"].map({PAGE: 0, f"{PAGE}#e1": 1})).to_csv(sample, index=False)
    assert main(["accuracy", str(sample)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"natural_disasters: 2 stories read ({sample})"
    assert out[1].split() == ["precision", "1.000", "(95", "%", "interval", "1.000–1.000)"]
    assert out[5].split()[:3] == ["estimated", "share", "0.500"]
    assert main(["reading-sample", str(articles), "--scores", str(scores), "--theme", "votes", "-o", "x.csv"]) == 2
    assert f"{scores}: no scores for the theme 'votes'" in capsys.readouterr().err


def test_every_estimate_lies_in_its_interval_and_a_sample_too_small_to_weigh_is_refused():
    # All 40 given the theme have it, none of the others read: the rates read are 1 and 0, the draws never are.
    articles, scores, truth = population((300, 300), (1000, 0), (9000, 0))
    read = pd.concat([truth.iloc[:40], truth.iloc[300:340], truth.iloc[1300:1320]])
    table = toolkit.theme_accuracy(read, articles, scores).dropna(subset=["estimate"])
    assert ((table["low"] <= table["estimate"]) & (table["estimate"] <= table["high"])).all()
    with pytest.raises(InputError, match="must be at least 3: a story from each of assigned, near, rest"):
        toolkit.reading_sample(articles, scores, theme="x", size=2)
    three = toolkit.reading_sample(articles, scores, theme="x", size=3)
    assert set(verdict_strata(articles, scores, theme="x").loc[three["article_id"]]) == {"assigned", "near", "rest"}

"""Who and where: countries in every story, cooperating pairs, countries by outlet, words in context."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import toolkit
from toolkit.arabic import normalise
from toolkit.errors import InputError
from toolkit.places import concordance, cooperation_pairs, country_attention, detect_countries, load_countries

PAGE = "000_6115d0bf09f38642"


@pytest.fixture(scope="module")
def seed_articles(seed_page: Path) -> pd.DataFrame:
    return toolkit.load_articles(seed_page.parent)


@pytest.fixture(scope="module")
def seed_scores(seed_articles: pd.DataFrame) -> pd.DataFrame:
    return toolkit.score_themes(seed_articles)


@pytest.fixture(scope="module")
def seed_countries(seed_articles: pd.DataFrame) -> pd.DataFrame:
    return detect_countries(seed_articles)


def _found(*texts: str) -> list[list[str]]:
    articles = pd.DataFrame(
        {"article_id": [f"s{i}" for i in range(len(texts))], "text_norm": list(map(normalise, texts))}
    )
    return detect_countries(articles)["countries"].tolist()


def test_the_gazetteer_has_every_state_once_with_arabic_names() -> None:
    countries = load_countries()
    assert countries["code"].is_unique and len(countries) == 198
    pakistan = countries.set_index("code").loc["PK"]
    assert (pakistan["name"], pakistan["places"], pakistan["adjectives"]) == ("باكستان", ["إسلام آباد"], ["باكستاني"])
    assert countries.set_index("code").loc["US", "names"][:2] == ["الولايات المتحدة", "الولايات المتحدة الأمريكية"]


def test_the_sample_page_names_its_countries_most_mentioned_first(
    seed_articles: pd.DataFrame, seed_countries: pd.DataFrame
) -> None:
    found = seed_countries.set_index("article_id")
    # The story: Pakistan and Iran 11 times each (Pakistan first named), the United States once, in
    # «التوترات بين إيران والولايات المتحدة».
    assert found.loc[PAGE].tolist() == [["PK", "IR", "US"], [11, 11, 1]]
    assert found.loc[f"{PAGE}#e1"].tolist() == [["PK"], [5]]  # «الأراضي الباكستانية», «إسلام آباد»...
    assert found.loc[f"{PAGE}#h8", "countries"] == ["PK", "US", "IR"]  # «قائد الهجوم الأمريكي»
    assert found.loc[f"{PAGE}#h7", "countries"] == ["NL"]  # «السيسي» and «غزة» name no country
    assert len(seed_countries) == len(seed_articles)


def test_names_capitals_and_adjectives_with_their_clitics() -> None:
    assert _found(
        "وصل وفد عسكري إلى أنقرة لبحث التعاون مع الجيش التركي",
        "قالت طهران إن الصواريخ الإيرانية لا تهدد أحدا",
        "أكدت واشنطن وبكين أن المحادثات مستمرة",
        "جنوب السودان يوقع اتفاقا مع كوريا الشمالية",
        "اتفقت الولايات المتحدة الأميركية والسعوديون على صفقة",
    ) == [["TR"], ["IR"], ["US", "CN"], ["SS", "KP"], ["US", "SA"]]


def test_words_that_only_look_like_a_country_are_not_one() -> None:
    assert _found(
        "أدى المصلون صلاة المغرب ثم عادوا",  # the sunset prayer
        "سبح الأطفال في نهر الأردن",  # the river
        "زار وفد من أمريكا اللاتينية المعرض",  # a continent
        "روى قصة بني إسرائيل في مصر القديمة",  # a people of scripture; Egypt is named
        "استقبل الأمير تركي الفيصل الضيوف",  # a first name
        "تحدث المدير عن الوضع المالي للشركة",  # "financial", not Mali
    ) == [[], [], [], ["EG"], [], []]


def test_a_users_file_adds_names_and_replaces_rows(tmp_path: Path) -> None:
    own = tmp_path / "countries.tsv"
    own.write_text(
        "# Egypt as the press also calls it\ncode\tname\tnames\tplaces\tadjectives\tnot_before\tnot_after\n"
        "EG\tمصر\tمصر|أرض الكنانة\tالقاهرة\tمصري\t\t\n",
        encoding="utf-8",
    )
    countries = load_countries(own)
    assert len(countries) == 198 and countries.set_index("code").loc["EG", "names"] == ["مصر", "أرض الكنانة"]
    articles = pd.DataFrame({"article_id": ["a"], "text_norm": [normalise("زار الوفد أرض الكنانة")]})
    assert detect_countries(articles, countries=countries)["countries"].tolist() == [["EG"]]
    own.write_text("code\tname\nEGY\tمصر\n", encoding="utf-8")
    with pytest.raises(InputError, match="the first line must name the columns code, name, names"):
        load_countries(own)
    own.write_text("code\tname\tnames\tplaces\tadjectives\tnot_before\tnot_after\nEGY\tمصر\tمصر\t\t\t\t\n")
    with pytest.raises(InputError, match=r"countries\.tsv: code 'EGY' is not an ISO 3166 alpha-2 code"):
        load_countries(own)


def test_the_sample_pairs_pakistan_and_iran_as_the_cooperating_countries(
    seed_articles: pd.DataFrame, seed_scores: pd.DataFrame, seed_countries: pd.DataFrame
) -> None:
    pairs = cooperation_pairs(seed_articles, seed_scores, seed_countries)
    assert pairs[["country_a", "country_b", "name_a", "name_b", "n_stories"]].values.tolist() == [
        ["IR", "PK", "إيران", "باكستان", 1]
    ]
    assert pairs["example_ids"].tolist() == [[PAGE]]
    # Counting a passing mention as a party adds the United States to both.
    everyone = cooperation_pairs(seed_articles, seed_scores, seed_countries, min_mentions=1)
    assert everyone[["country_a", "country_b"]].values.tolist() == [["IR", "PK"], ["IR", "US"], ["PK", "US"]]


def test_the_earthquake_is_in_pakistan_in_the_outlets_disaster_coverage(
    seed_articles: pd.DataFrame, seed_scores: pd.DataFrame, seed_countries: pd.DataFrame
) -> None:
    table = country_attention(seed_articles, seed_scores, seed_countries, by="source")
    assert table.columns.tolist() == [
        "source", "theme", "country", "country_name", "n_stories", "n_total", "share", "share_low", "share_high"
    ]  # fmt: skip
    disasters = table[table["theme"] == "natural_disasters"]
    assert disasters[["source", "country_name", "n_stories", "n_total"]].values.tolist() == [
        ["الجزيرة", "باكستان", 1, 1]
    ]
    overall = country_attention(seed_articles, seed_scores, seed_countries, by=None)
    assert overall[["theme", "country", "n_stories"]].values.tolist() == [
        ["natural_disasters", "PK", 1],
        ["security_cooperation", "IR", 1],
        ["security_cooperation", "PK", 1],
        ["security_cooperation", "US", 1],
    ]
    with pytest.raises(InputError, match="by: must be 'source', 'period' or None"):
        country_attention(seed_articles, seed_scores, seed_countries, by="outlet")


def test_a_word_in_its_context_as_the_story_writes_it(seed_articles: pd.DataFrame) -> None:
    kwic = concordance(seed_articles, "تعاون", window=3)
    assert kwic.columns.tolist() == ["before", "keyword", "after", "article_id", "source", "published_at"]
    # In the order the story writes them; the context keeps its quotation marks and commas.
    assert kwic[["before", "keyword", "after"]].values.tolist() == [
        ["الإرهاب وسبل تعزيز", "التعاون", "الدفاعي بين البلدين"],
        ['"نتطلع إلى تطوير', "التعاون", "العسكري مع إيران،"],
        ["ويجب علينا مواصلة", "التعاون", "فيما بيننا، وأن"],
    ]
    assert set(kwic["article_id"]) == {PAGE}
    with pytest.raises(InputError, match="window: must be a whole number of words, 0 or more, got -1"):
        concordance(seed_articles, "تعاون", window=-1)


def test_a_phrase_and_its_clitics_in_context() -> None:
    articles = pd.DataFrame(
        {
            "article_id": ["b", "a"],
            "text": ["وقّع البلدان اتفاقيةً أمنيةً جديدة.", "أكد الوزير أن الاتفاقية الأمنية، والاتفاقيات الأمنية مهمة."],
            "published_at": pd.to_datetime(["2024-01-02", "2024-01-01"], utc=True),
        }
    )
    kwic = concordance(articles, "اتفاقية أمنية", window=2)
    # By date: story a (1 January) first; the keyword as written, its diacritics and comma kept.
    assert kwic[["before", "keyword", "after", "article_id"]].values.tolist() == [
        ["الوزير أن", "الاتفاقية الأمنية،", "والاتفاقيات الأمنية", "a"],
        ["الاتفاقية الأمنية،", "والاتفاقيات الأمنية", "مهمة.", "a"],
        ["وقّع البلدان", "اتفاقيةً أمنيةً", "جديدة.", "b"],
    ]


def test_the_concordance_reads_right_to_left_and_shows_markup_as_text() -> None:
    kwic = pd.DataFrame(
        {"before": ["<b>قال</b>"], "keyword": ["التعاون"], "after": ["مهم"], "article_id": ["a"],
         "source": ["الجزيرة"], "published_at": [pd.NaT]}
    )  # fmt: skip
    page = toolkit.rtl_concordance(kwic).data
    assert '<table class="toolkit-table toolkit-kwic" dir="rtl">' in page
    assert '<td class="toolkit-before">&lt;b&gt;قال&lt;/b&gt;</td><td class="toolkit-keyword">التعاون</td>' in page
    assert "the keyword is in none of the stories" in toolkit.rtl_concordance(kwic.iloc[:0]).data


@pytest.mark.charts
def test_the_pairs_matrix_and_the_disaster_countries_chart(
    seed_articles: pd.DataFrame, seed_scores: pd.DataFrame, seed_countries: pd.DataFrame
) -> None:
    pairs = cooperation_pairs(seed_articles, seed_scores, seed_countries, min_mentions=1)
    matrix = toolkit.cooperation_pairs_chart(pairs, backend="plotly").data[0]
    # Iran and Pakistan in two pairs each, the United States in two: equal counts go by code.
    assert list(matrix.x) == ["إيران", "باكستان", "الولايات المتحدة"]
    assert [list(row) for row in matrix.z] == [[0, 1, 1], [1, 0, 1], [1, 1, 0]]
    table = country_attention(seed_articles, seed_scores, seed_countries, by="source")
    bars = toolkit.countries_by_source_chart(table, backend="plotly").data[0]
    assert (list(bars.y), list(bars.x)) == (["باكستان"], [100.0])
    empty = toolkit.countries_by_source_chart(table.iloc[:0], backend="plotly")
    assert empty.layout.annotations[0].text == "no story of this theme mentions a country"


def test_the_gallery_draws_who_cooperates_and_where_disasters_strike(seed_page: Path, tmp_path: Path) -> None:
    from toolkit.cli import main

    assert main(["gallery", str(seed_page.parent), "-o", str(tmp_path)]) == 0
    for name in ("cooperation_pairs", "disaster_countries"):
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000 and (tmp_path / f"{name}.html").is_file()


@pytest.mark.corpora
def test_countries_found_in_stories_read_by_hand(corpora: Path) -> None:
    # 60 held-out stories (20 per corpus), read after the gazetteer was last corrected: each country the
    # reader listed, and only those. Precision and recall over (story, country) pairs.
    from benchmarks.countries_eval import detected, read_gold, scores

    table = detected(corpora, read_gold())
    held_out = scores(table[table["split"] == "test"])
    assert held_out["stories"] == 60
    assert held_out["precision"] >= 0.9 and held_out["recall"] >= 0.9


def test_countries_over_time_count_each_periods_stories_of_the_theme() -> None:
    texts = ["زلزال يضرب تركيا", "زلزال جديد في تركيا وسوريا", "فيضانات في باكستان", "زلزال في إيران"]
    articles = pd.DataFrame(
        {
            "article_id": ["a", "b", "c", "d"],
            "text_norm": list(map(normalise, texts)),
            "published_at": pd.to_datetime(["2023-02-06", "2023-02-20", "2023-03-01", "2023-03-15"], utc=True),
        }
    )
    scores = pd.DataFrame({"article_id": ["a", "b", "c", "d"], "theme": "natural_disasters"})
    table = country_attention(articles, scores, detect_countries(articles), by="period", freq="M")
    assert table[["period", "country", "n_stories", "n_total"]].astype({"period": str}).values.tolist() == [
        ["2023-02-01 00:00:00+00:00", "TR", 2, 2],
        ["2023-02-01 00:00:00+00:00", "SY", 1, 2],
        ["2023-03-01 00:00:00+00:00", "IR", 1, 2],
        ["2023-03-01 00:00:00+00:00", "PK", 1, 2],
    ]


def test_the_tables_take_any_ids_once_each_and_name_what_is_missing(
    seed_articles: pd.DataFrame, seed_scores: pd.DataFrame, seed_countries: pd.DataFrame
) -> None:
    # A story listed twice in the scores and the countries still counts once.
    twice = cooperation_pairs(seed_articles, pd.concat([seed_scores] * 2), pd.concat([seed_countries] * 2))
    assert twice[["country_a", "country_b", "n_stories", "example_ids"]].values.tolist() == [["IR", "PK", 1, [PAGE]]]
    # A code the given gazetteer does not name is shown as the code.
    renamed = cooperation_pairs(seed_articles, seed_scores, seed_countries, countries=load_countries().iloc[:0])
    assert renamed[["name_a", "name_b"]].values.tolist() == [["IR", "PK"]]
    with pytest.raises(InputError, match=r"articles: missing column\(s\) source"):
        country_attention(seed_articles.drop(columns="source"), seed_scores, seed_countries, by="source")
    # Integer ids, as a CSV export may give them, join with the text ids of detect_countries.
    numbered = pd.DataFrame({"article_id": [7], "text_norm": [normalise("زلزال في تركيا")], "source": ["أ"]})
    table = country_attention(numbered, pd.DataFrame({"article_id": [7], "theme": ["natural_disasters"]}),
                              detect_countries(numbered))  # fmt: skip
    assert table[["source", "country", "n_stories"]].values.tolist() == [["أ", "TR", 1]]


def test_a_phrase_ending_right_before_a_name_does_not_cancel_it() -> None:
    # «جنوب» before «السودان» makes it South Sudan; after «جنوب السودان» the next «السودان» is Sudan.
    assert _found("المفاوضات بين جنوب السودان والسودان", "لألمانيا وألبانيا ودبلوماسي ألماني") == [
        ["SS", "SD"],
        ["DE", "AL"],
    ]


def test_a_saved_models_rows_decide_what_the_gallery_counts(
    seed_articles: pd.DataFrame, seed_page: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from toolkit.cli import main

    model = toolkit.fit_topics(seed_articles, cache=False, verbose=False).save(tmp_path / "model")
    argv = ["gallery", str(seed_page.parent), "--model", str(model), "-o", str(tmp_path / "out")]
    assert main([*argv, "--kinds", "article,embedded,headline"]) == 2
    assert "this model was fitted on article,embedded; every chart counts as it" in capsys.readouterr().err
    assert main([*argv, "--kinds", "article,embedded"]) == 0

"""The load/clean stage: the seed page's exact rows, the shared corpora, bad input, rules, the CLI."""

from __future__ import annotations

import gzip
import json
import warnings
from pathlib import Path

import pandas as pd
import pytest

import toolkit
from toolkit.arabic import normalise
from toolkit.cli import main
from toolkit.errors import InputError
from toolkit.load import ARTICLE_COLUMNS, read_articles, rejections, save_articles

SEED_ID = "000_6115d0bf09f38642"
RELATED_HEADLINES = [
    "ظريف يقترح آلية إقليمية موسعة لإنهاء المخاوف من برنامج إيران النووي",
    "الأعرجي:الدفاع عن إيران “واجب مقدس”",
    "بقوة 5.1 درجة.. زلزال ثانٍ يضرب الأراضي الباكستانية",
    "رئيسها زار باكستان.. هل بدأت إيران ترتيب الميدان لحرب جديدة؟",
    "مصرع وإصابة 18 شخصًا إثر انفجار قذيفة شمال غربي باكستان",
    "هجوم مسلح يودي بحياة 5 من الشرطة في إقليم البنجاب الباكستاني",
    "الرئيس السيسي ورئيس وزراء هولندا يبحثان العلاقات الثنائية وجهود وقف إطلاق النار في غزة",
    "باكستان تكرّم قائد الهجوم الأمريكي على إيران بالتزامن مع زيارة بزشكيان",
    "الإمام الطيب: طلاب باكستان الدارسون بـ الأزهر لعبوا دورًا كبيرًا في توثيق العلاقات وتعزيزها",
]
# Written for these tests: a short Arabic news story.
STORY = (
    "ضربت عاصفة رملية قوية مدينة الرياض صباح اليوم، وأدت إلى تراجع مدى الرؤية على الطرق السريعة.\n\n"
    "وقالت الهيئة العامة للأرصاد إن الرياح ستهدأ تدريجيا مساء الغد، ودعت السائقين إلى الحذر."
)


def load_quietly(inputs, **options) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return toolkit.load_articles(inputs, **options)


# ---------------------------------------------------------------- the seed page


@pytest.fixture(scope="module")
def seed_rows(seed_page: Path) -> pd.DataFrame:
    return toolkit.load_articles(seed_page)


def test_seed_page_gives_the_story_the_embedded_story_and_the_related_headlines(seed_rows, seed_page) -> None:
    paragraphs = seed_page.read_text(encoding="utf-8").split("\n\n")
    story, embedded, *headlines = seed_rows.to_dict("records")

    assert story["article_id"] == SEED_ID and story["kind"] == "article" and pd.isna(story["parent_id"])
    assert pd.isna(story["title"])  # the page has no headline line: none is invented
    # Paragraphs 1-8, 10 and 12: not 9 (a near repeat of 4) nor 11 (the ad marker «إعلان»).
    assert story["text"] == "\n\n".join(paragraphs[i] for i in (0, 1, 2, 3, 4, 5, 6, 7, 9, 11))
    assert story["text_norm"] == normalise(story["text"])
    assert story["source"] == "الجزيرة"
    assert story["tags"] == ["حريات", "دراسات", "وزير الدفاع"]  # the page's Persian ی in «وزیر» is Arabic ي
    assert story["origin"] == seed_page.as_posix()
    assert story["n_words"] == len(story["text_norm"].split())
    assert "إعلان" not in story["text"].split("\n\n")

    assert embedded["article_id"] == f"{SEED_ID}#e1" and embedded["kind"] == "embedded"
    assert embedded["parent_id"] == SEED_ID
    assert embedded["title"] == "بقوة 5.1 درجة.. زلزال ثانٍ يضرب الأراضي الباكستانية"
    assert embedded["text"] == "\n\n".join(paragraphs[16:19])
    assert embedded["source"] == "الجزيرة" and embedded["tags"] == []

    assert [h["article_id"] for h in headlines] == [f"{SEED_ID}#h{n}" for n in range(1, 10)]
    assert [h["kind"] for h in headlines] == ["headline"] * 9
    assert [h["title"] for h in headlines] == RELATED_HEADLINES
    assert [h["text"] for h in headlines] == RELATED_HEADLINES
    assert {h["parent_id"] for h in headlines} == {SEED_ID}
    # The headline repeating the embedded story's title stays, marked as its duplicate.
    assert seed_rows.set_index("article_id")["duplicate_of"].dropna().to_dict() == {f"{SEED_ID}#h3": f"{SEED_ID}#e1"}
    assert rejections(seed_rows).empty


def test_the_frame_follows_the_schema(seed_rows) -> None:
    assert dict(seed_rows.dtypes) == dict(ARTICLE_COLUMNS)
    assert str(seed_rows["text"].dtype) == "string" and seed_rows["text"].dtype.storage == "pyarrow"
    assert str(seed_rows["published_at"].dtype) == "datetime64[ns, UTC]"
    assert toolkit.validate_articles(seed_rows) is seed_rows


def test_validate_articles_names_the_problem(seed_rows) -> None:
    with pytest.raises(InputError, match="missing columns text_norm"):
        toolkit.validate_articles(seed_rows.drop(columns="text_norm"))
    broken = seed_rows.copy()
    broken.loc[1, "parent_id"] = "nowhere"
    with pytest.raises(InputError, match=r"parent_id names rows that are not there: \['nowhere'\]"):
        toolkit.validate_articles(broken)
    broken = seed_rows.copy()
    broken.loc[2, "kind"] = "video"
    with pytest.raises(InputError, match="kind must be one of"):
        toolkit.validate_articles(broken)


def test_save_and_read_keep_the_schema_and_the_rejections(seed_rows, tmp_path) -> None:
    path = tmp_path / "out" / "articles.parquet"
    assert save_articles(seed_rows, path) == tmp_path / "out" / "articles.rejections.csv"
    again = read_articles(path)
    pd.testing.assert_frame_equal(again, seed_rows)
    assert list(rejections(again).columns) == ["origin", "reason"]
    assert pd.read_parquet(path)["tags"].map(list).tolist()[0] == ["حريات", "دراسات", "وزير الدفاع"]


# ---------------------------------------------------------------- the shared corpora


@pytest.fixture(scope="module")
def corpus(corpora: Path):
    loaded: dict[str, pd.DataFrame] = {}

    def load(name: str) -> pd.DataFrame:
        if name not in loaded:
            loaded[name] = toolkit.load_articles(corpora / name / "articles.jsonl.gz")
        return loaded[name]

    return load


@pytest.mark.corpora
@pytest.mark.parametrize(("name", "duplicates"), [("ant-multisource", 27), ("almayadeen", 5), ("saudinewsnet", 83)])
def test_duplicate_stories_in_each_corpus(corpus, name: str, duplicates: int) -> None:
    # As counted by the first implementation (Python sets of word 3-grams); the hashed one finds the same.
    assert corpus(name)["duplicate_of"].notna().sum() == duplicates


@pytest.mark.corpora
@pytest.mark.parametrize(
    ("name", "articles"), [("ant-multisource", 5100), ("almayadeen", 3000), ("saudinewsnet", 3000)]
)
def test_each_corpus_loads_every_article_without_boilerplate(corpus, name: str, articles: int) -> None:
    rows = corpus(name)
    assert (rows["kind"] == "article").sum() == articles
    assert rejections(rows).empty
    assert rows["origin"].nunique() == articles
    assert rows["source"].notna().all() and rows["published_at"].notna()[rows["kind"] == "article"].all()
    rules = toolkit.boilerplate_rules()
    marked = [
        (row.article_id, line)
        for row in rows.itertuples()
        for line in row.text.split("\n\n")
        if rules.classify(line, last=False) is not None
    ]
    assert marked == []
    for marker in ("// انتهى //", "إقرأ أيضاً:", "اقرأ أيضاً:", "للمزيد:", "يمكنكم استلام إشعارات"):
        assert not rows["text"].str.contains(marker, regex=False).any(), marker
    sample = rows.sample(300, random_state=0)
    assert [normalise(t) for t in sample["text"]] == sample["text_norm"].tolist()


@pytest.mark.corpora
def test_ant_keeps_labels_dates_and_outlets(corpus) -> None:
    row = corpus("ant-multisource").set_index("article_id").loc["AL-culture-1-20180218"]
    assert (row["category"], row["source"]) == ("culture", "Al Arabiya")
    assert row["published_at"] == pd.Timestamp("2018-02-18 17:35:43", tz="UTC")  # given as +04:00
    assert row["title"] == 'هكذا تحالفت أحلام وإليسا ضد عاصي وحماقي بـ"ذا فويس"'


@pytest.mark.corpora
def test_ant_read_also_links_become_headline_rows(corpus) -> None:
    rows = corpus("ant-multisource").set_index("article_id")
    # «اقرأ ايضاً:» inside a BBC story, followed by two linked headlines; the story goes on after them.
    assert rows.loc["BB-culture-311-20180920#h1", "text"] == "وفاة الممثل المصري نور الشريف"
    assert rows.loc["BB-culture-311-20180920#h2", "parent_id"] == "BB-culture-311-20180920"
    assert "ولم تخلُ الدراما المصرية" in rows.loc["BB-culture-311-20180920", "text"]


@pytest.mark.corpora
def test_almayadeen_tags_come_from_keywords_and_the_repeated_lede_goes(corpus) -> None:
    rows = corpus("almayadeen")
    row = rows.set_index("article_id").loc["almayadeen-1637665"]
    assert row["tags"] == ["تمرين البلانك", "فوائد البلانك"]
    assert row["category"] == "أخبار منوعة"
    # 2,606 records repeat their lede as the last paragraph; none is left.
    paragraphs = rows.loc[rows["kind"] == "article", "text_norm"].str.split("\n\n")
    assert not any(len(p) > 1 and p[0] == p[-1] for p in paragraphs)


@pytest.mark.corpora
def test_saudinewsnet_naive_dates_are_riyadh_time(corpus) -> None:
    row = corpus("saudinewsnet").set_index("article_id").loc["snn-000b6353a9273173"]
    assert row["published_at"] == pd.Timestamp("2015-07-26 14:25:13", tz="UTC")  # 17:25:13 in Riyadh


SNN_EXACT_DUPLICATES = {
    "snn-6c6a92de2bfcc0b8": "snn-00b524c799b79165",
    "snn-fa773f9e2425403b": "snn-0247b803b5c60693",
    "snn-eb824dd6ab474505": "snn-1e680f351f9ff488",
    "snn-92568a8d2dec3139": "snn-2f7c16b48adc705b",
    "snn-ff8b0b212937c004": "snn-3987aa8b62048dce",
    "snn-be48f715486a44ba": "snn-49706f321f506c3f",
    "snn-636fed2de96c5d15": "snn-5d0085c6830783d5",
    "snn-f4837e5472b8f42c": "snn-795a6ab5fc34910d",
    "snn-a4603d242eddfd41": "snn-96fd3e869eed140b",
    "snn-d1c2b79dd47199e0": "snn-b06812f98f420e91",
}


@pytest.mark.corpora
def test_saudinewsnet_wire_copies_are_marked_not_dropped(corpus) -> None:
    rows = corpus("saudinewsnet").set_index("article_id")
    marked = rows["duplicate_of"].dropna()
    assert marked[list(SNN_EXACT_DUPLICATES)].to_dict() == SNN_EXACT_DUPLICATES
    assert rows.loc[list(SNN_EXACT_DUPLICATES.values()), "duplicate_of"].isna().all()
    assert marked.isin(rows.index[rows["duplicate_of"].isna()]).all()  # pointers go to first occurrences
    assert len(marked) > len(SNN_EXACT_DUPLICATES)  # near duplicates too (edited wire copy)


@pytest.mark.corpora
def test_raw_almayadeen_records_load_from_their_folder(corpora: Path) -> None:
    rows = toolkit.load_articles(corpora / "raw-pages" / "almayadeen", progress=False)
    articles = rows[rows["kind"] == "article"].set_index("article_id")
    assert len(articles) == 200 and rows["origin"].nunique() == 200  # README.md is not an input
    assert rejections(rows).empty
    record = articles.loc["1668555"]
    assert record["source"] == "almayadeen.net" and record["category"] == "سياسة"
    assert record["title"] == '"تلغراف": "الناتو" أكثر تردّداً مما يبدو في دعم كييف'
    assert record["published_at"] == pd.Timestamp("2023-01-26 16:47:00", tz="UTC")
    assert record["tags"][:3] == ["أوكرانيا", "ألمانيا", "الناتو"]
    paragraphs = record["text"].split("\n\n")
    assert paragraphs[0].startswith('صحيفة "تلغراف" البريطانية تؤكد') and len(paragraphs) == 13  # 14, lede twice
    # The records with «اقرأ أيضاً:» links give headline rows.
    assert (rows["kind"] == "headline").sum() >= 6


# ---------------------------------------------------------------- inputs and bad input


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def test_encodings_line_ends_and_entities_are_read(tmp_path) -> None:
    write(tmp_path / "bom.txt", b"\xef\xbb\xbf" + STORY.encode())
    write(tmp_path / "utf16.txt", STORY.encode("utf-16"))
    write(tmp_path / "utf16le.txt", STORY.encode("utf-16-le"))  # no BOM
    write(tmp_path / "windows.txt", STORY.encode("cp1256"))
    write(tmp_path / "crlf.txt", STORY.replace("\n", "\r\n").replace("الرياض", "&quot;الرياض&quot;"))
    rows = toolkit.load_articles(tmp_path).set_index("article_id")
    assert rows.loc[["bom", "utf16", "utf16le", "windows"], "text"].tolist() == [STORY] * 4
    assert rows.loc["crlf", "text"] == STORY.replace("الرياض", '"الرياض"')


BAD_INPUTS = {
    "empty.txt": (b"", "empty file"),
    "blank.txt": (b" \r\n\r\n ", "empty file"),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "binary file"),
    "latin1.txt": ("Café crème à l'été, près de la rivière.".encode("latin-1"), "undecodable"),
    "english.txt": (b"A storm hit the city this morning, closing roads.", "no Arabic text"),
    "broken.json": ('{"title": "عاصفة", "text": "ضربت', "malformed JSON"),
    "broken.parquet": (b"PAR1 this is not a parquet file", "cannot read parquet file"),
    "broken.jsonl.gz": (b"\x1f\x8b\x08\x00garbage", "broken gzip file"),
    "truncated.jsonl.gz": (gzip.compress(b'{"id": "t1", "text": "x"}\n' * 50)[:-12], "broken gzip file"),
    "only_boilerplate.txt": ("إعلان\n\nالمصدر: الجزيرة\n\nشارك هذا المقال", "no story text left"),
}


def test_each_bad_input_is_a_rejection_with_its_reason_and_the_batch_goes_on(tmp_path) -> None:
    for name, (data, _) in BAD_INPUTS.items():
        write(tmp_path / name, data)
    write(tmp_path / "good.txt", STORY)
    lines = [json.dumps({"id": "a1", "text": STORY}, ensure_ascii=False), '{"id": "a2", "text": "ضربت', '{"id": "a3"}']
    write(tmp_path / "export.jsonl", "\n".join(lines) + "\n")

    with pytest.warns(UserWarning, match=r"12 of 14 inputs rejected"):
        rows = toolkit.load_articles(tmp_path)
    reasons = rejections(rows).set_index("origin")["reason"]
    for name, (_, reason) in BAD_INPUTS.items():
        assert reason in reasons[(tmp_path / name).as_posix()], name
    assert reasons[f"{(tmp_path / 'export.jsonl').as_posix()}:2"].startswith("malformed JSON line")
    assert reasons[f"{(tmp_path / 'export.jsonl').as_posix()}:3"].startswith("no text")
    assert sorted(rows["article_id"]) == ["a1", "good"]
    # Every page is accounted for: 12 files, one of them an export of 3 records.
    assert rows["origin"].nunique() + len(reasons) == 14


def test_on_error_raise_stops_at_the_first_bad_input(tmp_path) -> None:
    write(tmp_path / "a.txt", b"")
    write(tmp_path / "b.txt", STORY)
    with pytest.raises(InputError, match=r"a\.txt: empty file"):
        toolkit.load_articles(tmp_path, on_error="raise")


def test_missing_or_unreadable_inputs_raise(tmp_path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        toolkit.load_articles(tmp_path / "nowhere")
    with pytest.raises(InputError, match="no input files"):
        toolkit.load_articles(tmp_path)
    with pytest.raises(InputError, match="no file matches this pattern"):
        toolkit.load_articles(str(tmp_path / "*.txt"))
    write(tmp_path / "empty.txt", b"")
    with pytest.raises(InputError, match="no readable input: 1 rejected"):
        load_quietly(tmp_path)


def test_globs_and_lists_of_inputs(tmp_path) -> None:
    write(tmp_path / "a" / "one.txt", STORY)
    write(tmp_path / "b" / "two.txt", STORY.replace("الرياض", "جدة"))
    write(tmp_path / "b" / "notes.md", "# not an input")
    rows = toolkit.load_articles([tmp_path / "a", str(tmp_path / "b" / "*.txt")])
    assert rows["article_id"].tolist() == ["one", "two"]
    assert rows["duplicate_of"].tolist()[1] == "one"  # one word apart: a near duplicate


def test_exports_find_their_columns_and_column_map_overrides(tmp_path) -> None:
    table = pd.DataFrame(
        {
            "headline": ["عاصفة رملية في الرياض"],
            "body": [STORY],
            "published": ["2025-03-01 08:30"],
            "outlet": ["Al-Riyadh"],
            "link": ["https://example.com/storm"],
            "keywords": ["طقس، الرياض"],
            "label": ["محليات"],
        }
    )
    table.to_csv(tmp_path / "export.csv", index=False)
    row = toolkit.load_articles(tmp_path / "export.csv").iloc[0]
    assert (row["article_id"], row["title"], row["source"], row["category"]) == (
        "export:1",
        "عاصفة رملية في الرياض",
        "Al-Riyadh",
        "محليات",
    )
    assert row["tags"] == ["طقس", "الرياض"] and row["url"] == "https://example.com/storm"
    assert row["published_at"] == pd.Timestamp("2025-03-01 05:30", tz="UTC")  # Al-Riyadh: Riyadh time

    table.rename(columns={"body": "story_text"}).to_parquet(tmp_path / "export.parquet")
    rows = toolkit.load_articles(tmp_path / "export.parquet", column_map={"text": "story_text"})
    assert rows.loc[0, "text"] == STORY
    with pytest.raises(InputError, match="unknown field 'body'"):
        toolkit.load_articles(tmp_path / "export.parquet", column_map={"body": "story_text"})
    rows = load_quietly([tmp_path / "export.csv", tmp_path / "export.parquet"], column_map={"text": "story_text"})
    assert "no column 'story_text'" in rejections(rows)["reason"].iloc[0]


def test_json_lines_as_python_and_scrapers_write_them(tmp_path) -> None:
    # Python's json writes NaN for a missing value; a scraper cut an emoji's escape in half («\\ud83d» alone,
    # which no encoding can write); exports in UTF-16 and Windows-1256.
    lines = [
        json.dumps({"id": "nan", "title": float("nan"), "text": STORY}),
        json.dumps({"id": "cut", "text": STORY + " \ud83d"}),
        "",
        "\u00a0",  # a blank line, as a word processor leaves it
    ]
    write(tmp_path / "python.jsonl", "\n".join(lines))
    write(tmp_path / "utf16.jsonl", json.dumps({"id": "utf16", "text": STORY}, ensure_ascii=False).encode("utf-16"))
    write(tmp_path / "cp1256.jsonl", json.dumps({"id": "cp1256", "text": STORY}, ensure_ascii=False).encode("cp1256"))
    articles = toolkit.load_articles(tmp_path)
    assert rejections(articles).empty
    rows = articles.set_index("article_id")
    assert rows.loc[["nan", "cut", "utf16", "cp1256"], "text"].tolist() == [STORY] * 4
    assert pd.isna(rows.loc["nan", "title"])
    toolkit.save_articles(rows.reset_index(), tmp_path / "out" / "articles.parquet")  # writable as UTF-8


def test_markers_are_found_on_every_page_of_an_export(tmp_path) -> None:
    # The first story ends with a rule line and the next starts with one: each page is searched on its own.
    lines = [
        json.dumps({"id": "one", "text": STORY + "\n---"}, ensure_ascii=False),
        json.dumps({"id": "two", "text": "***\n" + STORY}, ensure_ascii=False),
    ]
    write(tmp_path / "export.jsonl", "\n".join(lines))
    assert toolkit.load_articles(tmp_path)["text"].tolist() == [STORY, STORY]


def test_marker_lines_next_to_each_other_and_bullets(tmp_path) -> None:
    # Two ad markers in a row, a bullet line, a bullet alone, a "read also" link inside the story.
    page = "\n".join(
        [
            "ضرب زلزال مدينة بشاور صباح اليوم.",
            "• فرق الإنقاذ تصل إلى المدينة",
            "•",
            "إعلان",
            "إعلان",
            "وقال مسؤول إن الهزة لم تسفر عن أضرار.",
            "اقرأ أيضا",
            "أمطار غزيرة في كراتشي",
            "تسببت الأمطار في إغلاق الطرق.",
            "شارك هذا المقال",
        ]
    )
    write(tmp_path / "page.txt", page)
    rows = toolkit.load_articles(tmp_path)
    assert rows["text"].tolist() == [
        "ضرب زلزال مدينة بشاور صباح اليوم.\n\nفرق الإنقاذ تصل إلى المدينة\n\n"
        "وقال مسؤول إن الهزة لم تسفر عن أضرار.\n\nتسببت الأمطار في إغلاق الطرق.",
        "أمطار غزيرة في كراتشي",
    ]
    assert rows["kind"].tolist() == ["article", "headline"]


def test_json_records_and_gzip(tmp_path) -> None:
    record = {"postId": "77", "title": "عاصفة", "full_text": STORY, "published_time": "2025-03-01T08:30:00+03:00"}
    write(tmp_path / "77.json", json.dumps(record, ensure_ascii=False))
    write(tmp_path / "many.json", json.dumps([record, {**record, "postId": "78"}], ensure_ascii=False))
    write(tmp_path / "export.jsonl.gz", gzip.compress(json.dumps(record, ensure_ascii=False).encode()))
    rows = toolkit.load_articles(tmp_path)
    assert rows["article_id"].tolist() == ["77", "77~2", "77~3", "78"]  # ids stay unique
    assert rows["origin"].str.rsplit("/", n=1).str[-1].tolist() == [
        "77.json",
        "export.jsonl.gz:1",
        "many.json:1",
        "many.json:2",
    ]
    assert set(rows["published_at"]) == {pd.Timestamp("2025-03-01 05:30", tz="UTC")}


def test_a_gzip_file_of_several_members_is_read_whole(tmp_path) -> None:
    # As `cat a.gz b.gz` makes, and zeros after a member as some tools pad.
    first, second = ({"id": n, "text": STORY} for n in ("m1", "m2"))
    members = [gzip.compress(json.dumps(r, ensure_ascii=False).encode() + b"\n") for r in (first, second)]
    write(tmp_path / "export.jsonl.gz", members[0] + b"\x00" * 8 + members[1])
    assert toolkit.load_articles(tmp_path)["article_id"].tolist() == ["m1", "m2"]


def test_html_pages_use_their_main_text(tmp_path) -> None:
    paragraphs = STORY.split("\n\n")
    write(
        tmp_path / "storm.html",
        f"""<!DOCTYPE html><html lang="ar"><head><title>عاصفة رملية | صحيفة</title>
        <meta property="og:site_name" content="صحيفة الرياض">
        <meta name="keywords" content="طقس، عواصف">
        <meta property="article:published_time" content="2025-03-01T08:30:00+03:00"></head>
        <body><nav><a href="/">الرئيسية</a> <a href="/sport">رياضة</a></nav>
        <article><h1>عاصفة رملية تضرب الرياض</h1><p>{paragraphs[0]}</p><p>إعلان</p>
        <p>{paragraphs[1]}</p><p>المصدر: واس</p></article>
        <footer>جميع الحقوق محفوظة</footer></body></html>""",
    )
    row = toolkit.load_articles(tmp_path).iloc[0]
    assert (row["article_id"], row["title"], row["source"]) == ("storm", "عاصفة رملية تضرب الرياض", "صحيفة الرياض")
    assert row["text"] == STORY
    assert row["tags"] == ["طقس", "عواصف"]
    assert row["published_at"] == pd.Timestamp("2025-03-01 05:30", tz="UTC")


# ---------------------------------------------------------------- the boilerplate table


@pytest.mark.parametrize(
    ("line", "tags"),
    [
        ("كلمات دلالية: حريات دراسات وزیر الدفاع", ["حريات", "دراسات", "وزير الدفاع"]),
        ("كلمات دلالية: سوريا، تركيا، حقوق الإنسان", ["سوريا", "تركيا", "حقوق الإنسان"]),
        ("الوسوم: طقس, الرياض", ["طقس", "الرياض"]),
    ],
)
def test_tag_lines(tmp_path, line: str, tags: list[str]) -> None:
    write(tmp_path / "page.txt", f"{STORY}\n\n{line}")
    row = toolkit.load_articles(tmp_path).iloc[0]
    assert row["tags"] == tags and row["text"] == STORY


def test_agency_trailer_and_share_lines_go(tmp_path) -> None:
    write(tmp_path / "spa.txt", f"{STORY}\n// انتهـــى //\n12:45 ت م\n\nشارك هذا المقال\n-------")
    assert toolkit.load_articles(tmp_path).loc[0, "text"] == STORY


def test_users_extend_and_switch_off_rules(tmp_path) -> None:
    rules_file = write(
        tmp_path / "rules.toml",
        """
        [[rule]]
        name = "photo credit"
        action = "drop"
        match = "start"
        phrases = ["حقوق الصورة"]

        [[rule]]
        name = "advertisement marker"
        enabled = false
        """,
    )
    write(tmp_path / "pages" / "page.txt", f"{STORY}\n\nحقوق الصورة: وكالة الأنباء\n\nإعلان")
    rules = toolkit.boilerplate_rules(rules_file)
    assert "photo credit" in rules.names and "advertisement marker" not in rules.names
    row = toolkit.load_articles(tmp_path / "pages", rules=rules_file).iloc[0]
    assert row["text"] == f"{STORY}\n\nإعلان"
    with pytest.raises(InputError, match="needs action"):
        toolkit.boilerplate_rules(write(tmp_path / "bad.toml", '[[rule]]\nname = "x"\nphrases = ["y"]\n'))


# ---------------------------------------------------------------- the command line


def test_cli_clean_writes_parquet_and_rejections_and_prints_counts(seed_page, tmp_path, capsys) -> None:
    write(tmp_path / "in" / "empty.txt", b"")
    output = tmp_path / "out" / "articles.parquet"
    assert main(["clean", str(seed_page), str(tmp_path / "in"), "-o", str(output)]) == 0
    printed = capsys.readouterr().out
    assert "pages read: 2" in printed
    assert "rows: article 1, embedded 1, headline 9" in printed
    assert "duplicates: 1" in printed and "rejections: 1" in printed
    assert read_articles(output).shape == (11, len(ARTICLE_COLUMNS))
    rejections = pd.read_csv(tmp_path / "out" / "articles.rejections.csv")
    assert rejections.to_dict("list") == {
        "origin": [(tmp_path / "in" / "empty.txt").as_posix()],
        "reason": ["empty file"],
    }


def test_cli_clean_bad_input_exits_2_with_one_line(tmp_path, capsys) -> None:
    assert main(["clean", str(tmp_path / "missing"), "-o", str(tmp_path / "a.parquet")]) == 2
    error = capsys.readouterr().err.strip()
    assert error == f"toolkit clean: error: {tmp_path / 'missing'}: no such file or folder"
    assert main(["clean", str(tmp_path), "--column", "body", "-o", str(tmp_path / "a.parquet")]) == 2


def test_loaded_articles_merge_and_concatenate_with_their_rejections(seed_rows) -> None:
    # pandas compares attrs when it merges or concatenates: the rejections must be plain records.
    merged = seed_rows.merge(seed_rows[["article_id"]], on="article_id")
    assert len(merged) == len(seed_rows)
    assert len(pd.concat([seed_rows, seed_rows])) == 2 * len(seed_rows)
    assert rejections(merged).empty


def test_an_export_whose_dates_no_column_gave_says_so(tmp_path):
    # A partial column_map: the text is mapped, the date column («date_of_publication») is not.
    export = tmp_path / "mine.csv"
    export.write_text("id,body,date_of_publication\nx1,ضرب زلزال قوي جزيرة سومطرة,2024-05-01\n", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"mine\.csv: no story has a date: no column was read as published_at"):
        articles = toolkit.load_articles(export, column_map={"text": "body"}, progress=False)
    assert articles["published_at"].isna().all()
    dated = toolkit.load_articles(export, column_map={"text": "body", "published_at": "date_of_publication"})
    assert str(dated["published_at"].iloc[0].date()) == "2024-05-01"

"""The topics stage: Arabic topic words, any corpus size, safe persistence, reproducible fits."""

from __future__ import annotations

import gzip
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from bertopic import BERTopic
from bertopic import _save_utils as bertopic_save_utils
from safetensors.numpy import load_file, save_file

import toolkit
from toolkit import embeddings
from toolkit._model_folder import file_checksums
from toolkit.arabic import is_arabic, normalise
from toolkit.cli import main
from toolkit.errors import InputError
from toolkit.load import save_articles
from toolkit.stories import counted_stories, sampled_stories
from toolkit.topics import (
    ArabicTopicModel,
    fit_topics,
    load_topic_model,
    topic_documents,
    topics_over_time,
    topics_per_source,
)

MAIN = "000_6115d0bf09f38642"
EMBEDDED = f"{MAIN}#e1"
SAMPLE_SIZE = 300  # ANT articles in the corpus tests: every 17th of 5,100, all six categories


@pytest.fixture(scope="module")
def seed_articles(seed_page: Path) -> pd.DataFrame:
    return toolkit.load_articles(seed_page.parent)


@pytest.fixture(scope="module")
def seed_paragraphs(seed_articles: pd.DataFrame) -> ArabicTopicModel:
    return fit_topics(seed_articles, unit="paragraph", cache=False, verbose=False)


@pytest.fixture(scope="module")
def ant_sample_file(corpora: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    export = corpora / "ant-multisource" / "articles.jsonl.gz"
    lines = gzip.decompress(export.read_bytes()).decode("utf-8").splitlines()
    subset = tmp_path_factory.mktemp("ant") / "ant-sample.jsonl"
    subset.write_text("\n".join(lines[::17][:SAMPLE_SIZE]) + "\n", encoding="utf-8")
    return subset


@pytest.fixture(scope="module")
def ant_sample(ant_sample_file: Path) -> pd.DataFrame:
    return toolkit.load_articles(ant_sample_file, progress=False)


@pytest.fixture(scope="module")
def ant_model(ant_sample: pd.DataFrame) -> ArabicTopicModel:
    return fit_topics(ant_sample, cache=False, verbose=False)


def _topic_of(model: ArabicTopicModel, article_id: str, paragraph: int) -> int:
    table = model.doc_topics_
    return int(table.loc[(table["article_id"] == article_id) & (table["paragraph"] == paragraph), "topic"].item())


def _words_of(model: ArabicTopicModel, topic: int) -> list[str]:
    return list(model.topic_info_.set_index("topic").loc[topic, "words"])


# --- the sample page, paragraph by paragraph ------------------------------------------------------


def test_paragraphs_of_the_sample_page_keep_their_article_id(seed_articles: pd.DataFrame) -> None:
    units = topic_documents(seed_articles, unit="paragraph")
    assert units.groupby("article_id", sort=False).size().to_dict() == {
        MAIN: 10,
        EMBEDDED: 3,
        **{f"{MAIN}#h{i}": 1 for i in range(1, 10)},
    }
    assert (
        units.loc[(units["article_id"] == EMBEDDED) & (units["paragraph"] == 0), "text_norm"]
        .item()
        .startswith("ضرب زلزال ثان الاراضي الباكستانية")
    )


def test_defence_and_earthquake_paragraphs_get_different_topics(seed_paragraphs: ArabicTopicModel) -> None:
    # Paragraph 1 of the story: the defence ministers meet; paragraph 0 of the embedded story: the earthquake.
    defence, earthquake = _topic_of(seed_paragraphs, MAIN, 1), _topic_of(seed_paragraphs, EMBEDDED, 0)
    assert defence != earthquake
    assert {"الدفاع", "وزير الدفاع"} & set(_words_of(seed_paragraphs, defence))
    assert "زلزال" in _words_of(seed_paragraphs, earthquake)
    # Every paragraph of the embedded earthquake story is in the earthquake topic.
    assert {_topic_of(seed_paragraphs, EMBEDDED, p) for p in range(3)} == {earthquake}


def test_the_fit_says_what_it_chose(seed_paragraphs: ArabicTopicModel) -> None:
    settings = seed_paragraphs.settings_
    # The story's 10 paragraphs and the embedded story's 3; the 9 related headlines are not stories.
    assert (settings["n_documents"], settings["rows_left_out"]) == (13, 9)
    assert (settings["embedding"], settings["embedding_cache"], settings["reducer"]) == ("tfidf", "off", "none")
    assert settings["clusterer"] == "KMeans (k=3, auto)"
    assert settings["summary"].startswith("topics: 13 paragraphs · embedding tfidf (cache off) · reducer none")
    assert settings["summary"].endswith(" · 9 rows not fitted (related headlines, repeats)")


def test_related_headlines_are_fitted_only_when_asked(seed_articles: pd.DataFrame) -> None:
    stories = fit_topics(seed_articles, cache=False, verbose=False)
    assert stories.doc_topics_["article_id"].tolist() == [MAIN, EMBEDDED]
    everything = fit_topics(seed_articles, kinds=None, cache=False, verbose=False)
    # Headline 3 repeats the embedded story's title on the same page: a repeat, never fitted twice.
    assert seed_articles.set_index("article_id").loc[f"{MAIN}#h3", "duplicate_of"] == EMBEDDED
    assert everything.doc_topics_["article_id"].tolist() == [
        i for i in seed_articles["article_id"] if i != f"{MAIN}#h3"
    ]
    assert everything.settings_["rows_left_out"] == 1
    # A model fitted on headlines counts them in its tables too; the default counts as theme_attention does.
    assert topics_per_source(everything, seed_articles)["n_total"].unique().tolist() == [10]
    assert topics_per_source(stories, seed_articles)["n_total"].unique().tolist() == [2]
    with pytest.raises(ValueError, match="kinds must be None or a list of some of article, embedded, headline"):
        fit_topics(seed_articles, kinds=["story"])


def test_tables_have_the_documented_columns_and_arabic_labels(seed_paragraphs: ArabicTopicModel) -> None:
    doc_topics, topic_info = seed_paragraphs.doc_topics_, seed_paragraphs.topic_info_
    assert doc_topics.columns.tolist() == ["article_id", "paragraph", "topic", "probability", "topic_label"]
    assert topic_info.columns.tolist() == ["topic", "size", "words", "weights", "label", "representative_ids"]
    assert topic_info["size"].sum() == len(doc_topics) == 13
    assert topic_info["label"].is_unique
    # Three words' worth of phrases: «التعاون · لإحلال السلام», «الزلزال · بقوة درجة».
    assert all(is_arabic(label) and len(label.replace(" · ", " ").split()) >= 3 for label in topic_info["label"])
    assert doc_topics["probability"].between(0, 1).all()
    assert set(topic_info["representative_ids"].explode()) <= set(doc_topics["article_id"])


def test_topic_words_are_arabic_with_precomputed_embeddings(seed_articles: pd.DataFrame) -> None:
    # BERTopic's English setting deletes every non-ASCII letter; with precomputed embeddings nothing else
    # would have set the language.
    n = len(topic_documents(counted_stories(seed_articles), unit="paragraph"))
    vectors = np.random.default_rng(0).normal(size=(n, 8))
    model = fit_topics(seed_articles, unit="paragraph", embedding=vectors, n_topics=3, verbose=False)
    words = [w for topic_words in model.topic_info_["words"] for w in topic_words]
    assert len(words) == 30
    assert all(is_arabic(w) for w in words)
    assert model.settings_["embedding"] == "precomputed"


def test_precomputed_embeddings_must_match_the_documents(seed_articles: pd.DataFrame) -> None:
    with pytest.raises(InputError, match=r"shape \(5, 8\); expected \(13, dim\)"):
        fit_topics(seed_articles, unit="paragraph", embedding=np.ones((5, 8)), verbose=False)


def test_a_tiny_local_sentence_transformers_model(
    seed_articles: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import Whitespace
    from tokenizers.trainers import WordLevelTrainer

    texts = topic_documents(counted_stories(seed_articles), unit="paragraph")["text"].tolist()
    tokenizer = Tokenizer(WordLevel(unk_token="[UNK]"))
    tokenizer.pre_tokenizer = Whitespace()
    tokenizer.train_from_iterator(texts, WordLevelTrainer(special_tokens=["[UNK]"]))
    torch.manual_seed(0)
    SentenceTransformer(modules=[StaticEmbedding(tokenizer, embedding_dim=16)]).save(str(tmp_path / "tiny"))

    model = fit_topics(seed_articles, unit="paragraph", embedding=tmp_path / "tiny", n_topics=2, cache=False)
    expected = SentenceTransformer(str(tmp_path / "tiny")).encode(texts, normalize_embeddings=True)
    np.testing.assert_allclose(model.embeddings_, expected, rtol=1e-5, atol=1e-6)
    assert model.settings_["embedding"] == str(tmp_path / "tiny")
    assert len(model.doc_topics_) == 13 and model.topic_info_["topic"].tolist() == [0, 1]


def test_a_model_name_that_is_not_on_this_machine_is_a_clear_error(
    seed_articles: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(InputError, match="not a local sentence-transformers model"):
        fit_topics(seed_articles, embedding="no-such-org/no-such-model", cache=False, verbose=False)


def test_a_second_fit_reads_the_embeddings_from_the_cache(
    seed_articles: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = fit_topics(seed_articles, unit="paragraph", cache=tmp_path, verbose=False)

    def no_second_embedding(*args: object, **kwargs: object) -> None:
        raise AssertionError("the embeddings were computed again")

    monkeypatch.setattr(embeddings, "_svd", no_second_embedding)
    second = fit_topics(seed_articles, unit="paragraph", cache=tmp_path, verbose=False)
    assert (first.settings_["embedding_cache"], second.settings_["embedding_cache"]) == ("miss", "hit")
    assert len(list(tmp_path.glob("*.safetensors"))) == 1
    pd.testing.assert_frame_equal(first.doc_topics_, second.doc_topics_)


def test_no_usable_document_is_a_clear_error(seed_articles: pd.DataFrame) -> None:
    empty = seed_articles.assign(text="2024 - 5.1 !", text_norm="2024 - 5.1 !")
    with pytest.raises(
        InputError,
        match="no usable documents: none of the 2 articles of rows of article or embedded has an Arabic word",
    ):
        fit_topics(empty, cache=False, verbose=False)


def test_one_document_is_one_topic(seed_articles: pd.DataFrame) -> None:
    model = fit_topics(seed_articles.head(1), cache=False, verbose=False)
    assert model.doc_topics_[["article_id", "topic", "probability"]].values.tolist() == [[MAIN, 0, 1.0]]
    assert model.topic_info_["size"].tolist() == [1]
    # «اصف», «العلاقات», «ايران», «الايراني», «الايرانية» weigh the same: equal weights go in the code-point
    # order of the words as counted (normalised), and are shown as the story writes them.
    assert _words_of(model, 0)[:6] == ["المنطقة", "آصف", "العلاقات", "إيران", "الإيراني", "الإيرانية"]
    assert model.topic_info_["label"].tolist() == ["المنطقة · آصف · العلاقات"]


def test_topic_words_are_spelled_as_the_stories_write_them(seed_articles: pd.DataFrame) -> None:
    model = fit_topics(seed_articles, cache=False, verbose=False)
    info = model.topic_info_.set_index("label")
    assert info.index.tolist() == ["المنطقة · آصف · العلاقات", "الزلزال · بقوة درجة"]
    # Counted as «اصف», «ايران», «الايراني», «اسلام اباد»; shown with their hamza and madda.
    assert info.loc["المنطقة · آصف · العلاقات", "words"][:6] == [
        "المنطقة",
        "آصف",
        "العلاقات",
        "إيران",
        "الإيراني",
        "الإيرانية",
    ]
    assert info.loc["الزلزال · بقوة درجة", "words"] == [
        "الزلزال",
        "بقوة",
        "بقوة درجة",
        "درجة",
        "زلزال",
        "ضرب",
        "مناطق",
        "آباد",
        "إسلام",
        "إسلام آباد",
    ]
    # Every word shown is a word the stories write, letter for letter but for diacritics («ثانٍ» shows «ثان»).
    written = set(re.sub("[\u064b-\u0652\u0640]", "", " ".join(seed_articles["text"])).replace("،", " ").split())
    assert {w for words in info["words"] for phrase in words for w in phrase.split()} <= written


def test_equal_weights_are_ordered_by_the_word(seed_paragraphs: ArabicTopicModel) -> None:
    # By the word as counted (normalised: «العلاقات» before «إيران», counted «ايران»), shown as written.
    for row in seed_paragraphs.topic_info_.itertuples():
        ranked = list(zip(-np.round(np.asarray(row.weights), 12), map(normalise, row.words), strict=True))
        assert ranked == sorted(ranked)


_FIT_ELSEWHERE = """
import sys, toolkit
articles = toolkit.load_articles(sys.argv[1], progress=False)
for unit in ("article", "paragraph"):
    model = toolkit.fit_topics(articles, unit=unit, cache=False, verbose=False)
    print(model.topic_info_.to_json(force_ascii=False))
    print(model.doc_topics_.to_json(force_ascii=False))
scores = toolkit.score_themes(articles)
print(scores.to_json(force_ascii=False))
both = scores["theme"].nunique() == 2  # distinctive words need stories of both themes
print((toolkit.distinctive_words(articles, scores) if both else scores.head(0)).to_json(force_ascii=False))
"""


def _tables_on_an_old_cpu(path: Path) -> list[str]:
    """`_FIT_ELSEWHERE`'s tables with numpy's vector kernels turned off and OpenBLAS on an old CPU's kernels."""
    from numpy._core._multiarray_umath import __cpu_dispatch__

    env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": " ".join(__cpu_dispatch__), "OPENBLAS_CORETYPE": "Prescott"}
    run = subprocess.run([sys.executable, "-c", _FIT_ELSEWHERE, str(path)], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return run.stdout.splitlines()


def _tables_here(articles: pd.DataFrame) -> list[str]:
    tables = []
    for unit in ("article", "paragraph"):
        model = fit_topics(articles, unit=unit, cache=False, verbose=False)
        tables += [model.topic_info_.to_json(force_ascii=False), model.doc_topics_.to_json(force_ascii=False)]
    scores = toolkit.score_themes(articles)
    words = toolkit.distinctive_words(articles, scores) if scores["theme"].nunique() == 2 else scores.head(0)
    return [*tables, scores.to_json(force_ascii=False), words.to_json(force_ascii=False)]


def test_fits_and_themes_are_the_same_without_the_cpus_vector_instructions(
    seed_articles: pd.DataFrame, seed_page: Path
) -> None:
    # numpy picks sort and sum kernels by CPU (AVX2, AVX-512), OpenBLAS its matrix kernels: with numpy's
    # turned off and OpenBLAS told the CPU is an old one, every table must stay the same.
    assert _tables_on_an_old_cpu(seed_page.parent) == _tables_here(seed_articles)


@pytest.mark.corpora
def test_a_corpus_fits_the_same_without_the_cpus_vector_instructions(
    ant_sample_file: Path, ant_sample: pd.DataFrame
) -> None:
    # On 300 ANT articles (3,000 paragraphs) near-ties are many: scikit-learn's KMeans on embeddings differing
    # in their 12th digit, and its unstable sort at the n-gram cut, gave other topics and other topic words.
    assert _tables_on_an_old_cpu(ant_sample_file) == _tables_here(ant_sample)


def test_same_input_and_seed_give_identical_topics(
    seed_articles: pd.DataFrame, seed_paragraphs: ArabicTopicModel
) -> None:
    again = fit_topics(seed_articles, unit="paragraph", cache=False, verbose=False)
    pd.testing.assert_frame_equal(again.doc_topics_, seed_paragraphs.doc_topics_)
    pd.testing.assert_frame_equal(again.topic_info_, seed_paragraphs.topic_info_)


def test_hdbscan_outliers_can_be_reassigned(seed_articles: pd.DataFrame) -> None:
    options = {"unit": "paragraph", "clustering": "hdbscan", "cache": False, "verbose": False}
    kept = fit_topics(seed_articles, **options)
    reassigned = fit_topics(seed_articles, reassign_outliers=True, **options)
    outliers = kept.doc_topics_["topic"] == -1
    assert outliers.any() and kept.settings_["outlier_share"] > 0
    assert kept.topic_info_.loc[kept.topic_info_["topic"] == -1, "label"].item() == "غير مصنف"
    assert (reassigned.doc_topics_["topic"] >= 0).all()


def test_bad_options_are_refused(seed_articles: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="unit must be 'article' or 'paragraph'"):
        fit_topics(seed_articles, unit="sentence")
    with pytest.raises(ValueError, match="n_topics must be 'auto' or a whole number"):
        fit_topics(seed_articles, n_topics=0)
    with pytest.raises(ValueError, match="clustering='hdbscan' finds its own number of topics"):
        fit_topics(seed_articles, clustering="hdbscan", n_topics=4)


def test_a_path_where_articles_go_says_to_load_it_first() -> None:
    with pytest.raises(InputError, match=r"load it first with toolkit\.load_articles\('data/raw/x\.csv'\)$"):
        fit_topics("data/raw/x.csv")


def test_more_topics_than_documents_is_said(seed_articles: pd.DataFrame) -> None:
    with pytest.warns(UserWarning, match="^n_topics=50 but there are only 2 documents: fitting 2 topics$"):
        model = fit_topics(seed_articles, n_topics=50, cache=False, verbose=False)
    assert model.settings_["n_topics"] == 2


def test_tables_of_stories_the_model_never_saw_are_refused_or_warned(
    seed_paragraphs: ArabicTopicModel, seed_articles: pd.DataFrame
) -> None:
    others = pd.DataFrame({"article_id": ["x1", "x2"], "source": ["أ", "ب"], "published_at": pd.NaT})
    with pytest.raises(InputError, match=r"^articles: none of these stories is in the model's doc_topics_"):
        topics_per_source(seed_paragraphs, others)
    with pytest.raises(InputError, match=r"^articles: none of these stories is in the model's doc_topics_"):
        topics_over_time(seed_paragraphs, others)
    some = pd.concat([seed_articles[["article_id", "source", "kind"]], others.assign(kind="article")])
    with pytest.warns(UserWarning, match="^2 of 4 stories are not in the model's doc_topics_ and are left out"):
        table = topics_per_source(seed_paragraphs, some)
    assert table["source"].unique().tolist() == seed_articles["source"].dropna().unique().tolist()


# --- topics a reader can work with -----------------------------------------------------------------


def test_find_topics_reads_a_word_as_the_classifier_does(seed_paragraphs: ArabicTopicModel) -> None:
    found = seed_paragraphs.find_topics("زلزال")
    assert found[["topic", "label"]].values.tolist() == [
        [2, "الزلزال · بقوة درجة"],
        [0, "التعاون · لإحلال السلام"],
        [1, "الإيراني · الدفاع الباكستاني"],
    ]
    assert found["probability"].sum() == pytest.approx(1.0)
    assert seed_paragraphs.find_topics("وزير الدفاع", top_n=1)["topic"].tolist() == [1]
    with pytest.raises(InputError, match="no word of 'كرة القدم' is in the model's vocabulary"):
        seed_paragraphs.find_topics("كرة القدم")


def test_example_stories_are_ready_to_read(seed_paragraphs: ArabicTopicModel, seed_articles: pd.DataFrame) -> None:
    examples = seed_paragraphs.example_stories(seed_articles, n=2, opening=40)
    assert examples.columns.tolist() == [
        "topic", "label", "rank", "article_id", "title", "source", "published_at", "opening"
    ]  # fmt: skip
    # One story per topic here: a topic's paragraphs come from one story, and a story is shown once.
    assert examples[["topic", "rank", "article_id"]].values.tolist() == [[0, 1, MAIN], [1, 1, MAIN], [2, 1, EMBEDDED]]
    quake = examples[examples["topic"] == 2].iloc[0]
    assert quake["opening"] == "ضرب زلزال ثانٍ الأراضي الباكستانية في…"
    assert quake["source"] == "الجزيرة"


def test_topic_counts_are_compared_on_the_stored_embeddings(seed_paragraphs: ArabicTopicModel) -> None:
    before = seed_paragraphs.topic_info_.copy()
    table = toolkit.compare_topic_counts(seed_paragraphs, [3, 2, 2])
    assert table.columns.tolist() == ["n_topics", "coherence", "diversity", "smallest", "median", "largest"]
    assert table[["n_topics", "smallest", "median", "largest"]].values.tolist() == [[2, 4, 6.5, 9], [3, 3, 5, 5]]
    assert table["diversity"].tolist() == [1.0, 1.0]  # no top word is in two topics
    assert table["coherence"].between(-1, 1).all()
    pd.testing.assert_frame_equal(seed_paragraphs.topic_info_, before)  # the model itself is left as it was


def test_renamed_topics_reach_every_table_and_the_saved_model(seed_articles: pd.DataFrame, tmp_path: Path) -> None:
    model = fit_topics(seed_articles, unit="paragraph", cache=False, verbose=False)
    model.set_topic_labels({0: "التعاون الدفاعي"})
    assert model.topic_info_["label"].tolist() == [
        "التعاون الدفاعي",
        "الإيراني · الدفاع الباكستاني",
        "الزلزال · بقوة درجة",
    ]
    assert set(model.doc_topics_.loc[model.doc_topics_["topic"] == 0, "topic_label"]) == {"التعاون الدفاعي"}
    assert model.bertopic_.custom_labels_[0] == "التعاون الدفاعي"
    loaded = load_topic_model(model.save(tmp_path / "renamed"))
    assert loaded.topic_info_["label"].tolist() == model.topic_info_["label"].tolist()
    assert "التعاون الدفاعي" in set(loaded.transform(seed_articles)["topic_label"])
    with pytest.raises(InputError, match=r"no topic \[7\] in this model \(topics: \[0, 1, 2\]\)"):
        model.set_topic_labels({7: "x"})
    with pytest.raises(InputError, match="two topics would both be called 'الزلزال · بقوة درجة'"):
        model.set_topic_labels({0: "الزلزال · بقوة درجة"})


# --- saving and loading ---------------------------------------------------------------------------


def test_save_writes_safetensors_and_no_pickle(seed_paragraphs: ArabicTopicModel, tmp_path: Path) -> None:
    seed_paragraphs.save(tmp_path / "sample")
    files = {p.relative_to(tmp_path / "sample").as_posix() for p in (tmp_path / "sample").rglob("*") if p.is_file()}
    assert {
        "model/topic_embeddings.safetensors",
        "model/ctfidf.safetensors",
        "classifier.safetensors",
        "doc_topics.parquet",
        "topic_info.csv",
    } <= files
    assert {Path(f).suffix for f in files} <= {".safetensors", ".json", ".parquet", ".csv"}


def test_a_loaded_model_gives_the_same_topics(
    seed_paragraphs: ArabicTopicModel, seed_articles: pd.DataFrame, tmp_path: Path
) -> None:
    loaded = load_topic_model(seed_paragraphs.save(tmp_path / "sample"))
    pd.testing.assert_frame_equal(loaded.transform(counted_stories(seed_articles)), seed_paragraphs.doc_topics_)
    pd.testing.assert_frame_equal(loaded.doc_topics_, seed_paragraphs.doc_topics_)
    pd.testing.assert_frame_equal(loaded.topic_info_, seed_paragraphs.topic_info_)
    assert dict(loaded.bertopic_.get_topic(0)) == dict(seed_paragraphs.bertopic_.get_topic(0))
    # BERTopic's own view of the topics' typical documents: the paragraphs as written, after loading too.
    representative = seed_paragraphs.bertopic_.get_representative_docs()
    assert loaded.bertopic_.get_representative_docs() == representative
    assert representative[2] == [seed_articles.set_index("article_id").loc[EMBEDDED, "text"].split("\n\n")[2]]


def test_a_loaded_model_reduces_topics_as_the_original_would(seed_articles: pd.DataFrame, tmp_path: Path) -> None:
    original = fit_topics(seed_articles, unit="paragraph", n_topics=4, cache=False, verbose=False)
    loaded = load_topic_model(original.save(tmp_path / "sample"))
    pd.testing.assert_frame_equal(loaded.reduce_topics(2).doc_topics_, original.reduce_topics(2).doc_topics_)
    pd.testing.assert_frame_equal(loaded.topic_info_, original.topic_info_)


def test_a_model_saved_without_documents_holds_no_story_text(
    seed_paragraphs: ArabicTopicModel, seed_articles: pd.DataFrame, tmp_path: Path
) -> None:
    saved = seed_paragraphs.save(tmp_path / "shared", documents=False)
    assert not (saved / "documents.parquet").exists() and not (saved / "embeddings.safetensors").exists()
    loaded = load_topic_model(saved)
    pd.testing.assert_frame_equal(loaded.transform(counted_stories(seed_articles)), seed_paragraphs.doc_topics_)
    assert loaded.bertopic_.get_representative_docs() == {}  # no story text in the folder, so none
    with pytest.raises(ValueError, match=r"this model was saved without them \(refit\)"):
        loaded.reduce_topics(1)
    with pytest.raises(InputError, match="this model has no fitted documents to save"):
        loaded.save(tmp_path / "again")


def test_loading_a_folder_that_is_no_model_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a saved topic model"):
        load_topic_model(tmp_path)


# --- a model folder from someone else never runs code ----------------------------------------------


class _LeavesAMarker:
    """Unpickling this creates the file ``marker``: what a hostile shared model would do instead."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def _refresh_checksums(folder: Path) -> None:
    """Rewrite topic_model.json's checksums, as someone hiding a change (or an old format-1 model) would."""
    meta_file = folder / "topic_model.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    meta["files"] = file_checksums(folder, meta["files"])
    meta_file.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def test_a_pickle_where_the_model_folder_belongs_is_refused_and_never_run(
    seed_paragraphs: ArabicTopicModel, tmp_path: Path
) -> None:
    saved = seed_paragraphs.save(tmp_path / "shared")
    shutil.rmtree(saved / "model")
    (saved / "model").write_bytes(pickle.dumps(_LeavesAMarker(tmp_path / "ran")))
    with pytest.raises(InputError, match=r"shared/model: is a file where a folder of the saved model belongs"):
        load_topic_model(saved)
    assert not (tmp_path / "ran").exists()
    BERTopic.load(str(saved / "model"))  # what the toolkit used to call: it runs the pickle
    assert (tmp_path / "ran").exists()


@pytest.mark.parametrize("name", ["model/topic_embeddings.bin", "model/ctfidf.bin", "extra.pkl"])
def test_a_pickle_style_file_anywhere_in_the_folder_is_refused(
    seed_paragraphs: ArabicTopicModel, tmp_path: Path, name: str
) -> None:
    saved = seed_paragraphs.save(tmp_path / "shared")
    (saved / name).write_bytes(pickle.dumps(_LeavesAMarker(tmp_path / "ran")))
    with pytest.raises(InputError, match=f"{re.escape(name)}: refusing to load a pickle-style file"):
        load_topic_model(saved)
    assert not (tmp_path / "ran").exists()


def test_a_missing_model_folder_is_named_and_the_hub_is_never_asked(
    seed_paragraphs: ArabicTopicModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_hub(*args: object, **kwargs: object) -> None:
        raise AssertionError("the Hugging Face Hub was asked")

    monkeypatch.setattr(bertopic_save_utils, "hf_hub_download", no_hub)
    saved = seed_paragraphs.save(tmp_path / "shared")
    shutil.rmtree(saved / "model")
    with pytest.raises(InputError, match=r"shared/model/config\.json: missing; a saved topic model needs this file"):
        load_topic_model(saved)


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _nan_weights(path: Path) -> None:
    tensors = load_file(str(path))
    tensors["weights"][0, 0] = np.nan
    save_file(tensors, str(path))


def _header_only(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")


def _unknown_topic(path: Path) -> None:
    pd.read_parquet(path).assign(topic=7).to_parquet(path, index=False)


def _topics_json_of_wrong_type(path: Path) -> None:
    path.write_text('{"topic_representations": [1, 2], "topics": "none"}', encoding="utf-8")


# (file, damage, the error once the checksums are rewritten to hide it)
DAMAGES = [
    ("classifier.safetensors", _truncate, "not a readable safetensors file, truncated or damaged"),
    ("model/ctfidf.safetensors", _truncate, "not a readable safetensors file, truncated or damaged"),
    ("classifier.safetensors", _nan_weights, "tensor 'weights' holds NaN or infinite values"),
    ("topic_info.csv", _header_only, "should list topics 0 to 2, one per row, as the classifier has"),
    ("doc_topics.parquet", _unknown_topic, "column 'topic' should hold topic numbers 0 to 2"),
    ("model/topics.json", _topics_json_of_wrong_type, "BERTopic cannot read this folder"),
]


@pytest.mark.parametrize(("name", "damage", "problem"), DAMAGES, ids=lambda value: getattr(value, "__name__", None))
def test_a_damaged_file_is_one_error_naming_it(
    seed_paragraphs: ArabicTopicModel, tmp_path: Path, name: str, damage: Callable[[Path], None], problem: str
) -> None:
    saved = seed_paragraphs.save(tmp_path / "shared")
    damage(saved / name)
    with pytest.raises(InputError, match=f"{re.escape(name)}: changed since the model was saved"):
        load_topic_model(saved)
    _refresh_checksums(saved)
    expected = saved / "model" if name == "model/topics.json" else saved / name
    with pytest.raises(InputError, match=f"^{re.escape(str(expected))}: {re.escape(problem)}"):
        load_topic_model(saved)


def test_swapped_weights_are_caught_by_the_checksum(seed_paragraphs: ArabicTopicModel, tmp_path: Path) -> None:
    saved = seed_paragraphs.save(tmp_path / "shared")
    tensors = load_file(str(saved / "classifier.safetensors"))
    save_file(
        {"idf": tensors["idf"], "weights": tensors["weights"][::-1].copy()}, str(saved / "classifier.safetensors")
    )
    with pytest.raises(InputError, match=r"classifier\.safetensors: changed since the model was saved"):
        load_topic_model(saved)


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("vocabulary", "ايران", "field 'vocabulary' should be list, not str"),
        ("format", "2", "field 'format' should be int, not str"),
        ("format", 9, "format 9 is not one this toolkit reads (1 or 2)"),
        ("params", {"unit": "sentence", "embedding": "tfidf"}, "field 'params' is not a topic model's settings"),
        ("files", {}, "field 'files' should give the checksum of each of"),
    ],
)
def test_topic_model_json_of_wrong_types_is_named(
    seed_paragraphs: ArabicTopicModel, tmp_path: Path, field: str, value: object, problem: str
) -> None:
    saved = seed_paragraphs.save(tmp_path / "shared")
    meta = json.loads((saved / "topic_model.json").read_text(encoding="utf-8"))
    (saved / "topic_model.json").write_text(json.dumps({**meta, field: value}), encoding="utf-8")
    with pytest.raises(InputError, match=f"topic_model.json: {re.escape(problem)}"):
        load_topic_model(saved)


def test_a_model_saved_before_checksums_still_loads(
    seed_paragraphs: ArabicTopicModel, seed_articles: pd.DataFrame, tmp_path: Path
) -> None:
    saved = seed_paragraphs.save(tmp_path / "format-1")
    meta = json.loads((saved / "topic_model.json").read_text(encoding="utf-8"))
    del meta["files"], meta["params"]["kinds"]
    (saved / "topic_model.json").write_text(json.dumps({**meta, "format": 1}), encoding="utf-8")
    loaded = load_topic_model(saved)
    pd.testing.assert_frame_equal(loaded.transform(counted_stories(seed_articles)), seed_paragraphs.doc_topics_)
    assert loaded.kinds is None  # saved before `kinds`: such a model was fitted on every row


def test_cli_writes_the_three_outputs(
    seed_articles: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the embedding cache stays in tmp_path
    articles = seed_articles.copy()
    save_articles(articles, tmp_path / "articles.parquet")
    assert main(["topics", str(tmp_path / "articles.parquet"), "-o", str(tmp_path / "models" / "sample")]) == 0
    out = tmp_path / "models" / "sample"
    assert (out / "model" / "topic_embeddings.safetensors").is_file()
    assert pd.read_parquet(out / "doc_topics.parquet")["article_id"].tolist() == [MAIN, EMBEDDED]
    everything = tmp_path / "models" / "everything"
    assert (
        main(["topics", str(tmp_path / "articles.parquet"), "-o", str(everything), "--kinds", "article,headline"]) == 0
    )
    assert len(pd.read_parquet(everything / "doc_topics.parquet")) == 1 + 8  # the story and the headlines but h3
    # A sample of one of the two stories: the other is assigned by the model fitted on it.
    sampled = tmp_path / "models" / "sampled"
    assert main(["topics", str(tmp_path / "articles.parquet"), "-o", str(sampled), "--sample-size", "2"]) == 0
    assert main(["topics", str(tmp_path / "articles.parquet"), "-o", str(sampled), "--sample-size", "all"]) == 0
    # One cached embedding per set of documents fitted.
    assert len(list((tmp_path / "cache" / "arabic-news-toolkit" / "embeddings").glob("*.safetensors"))) == 2
    assert pd.read_csv(out / "topic_info.csv").columns.tolist()[:2] == ["topic", "size"]


def test_cli_refuses_a_bad_number_of_topics(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["topics", str(tmp_path / "articles.parquet"), "--n-topics", "many"]) == 2
    assert "--n-topics: expected 'auto' or a whole number" in capsys.readouterr().err
    assert main(["topics", str(tmp_path / "articles.parquet"), "--sample-size", "1"]) == 2
    assert "--sample-size: a whole number of at least 2, or 'all', not '1'" in capsys.readouterr().err


# --- a sample of the ANT corpus -------------------------------------------------------------------


@pytest.mark.corpora
def test_corpus_fit_is_reproducible_and_survives_saving(
    ant_sample: pd.DataFrame, ant_model: ArabicTopicModel, tmp_path: Path
) -> None:
    again = fit_topics(ant_sample, cache=False, verbose=False)
    pd.testing.assert_frame_equal(again.doc_topics_, ant_model.doc_topics_)
    pd.testing.assert_frame_equal(again.topic_info_, ant_model.topic_info_)
    loaded = load_topic_model(ant_model.save(tmp_path / "ant"))
    pd.testing.assert_frame_equal(loaded.transform(ant_sample), ant_model.doc_topics_)


@pytest.mark.corpora
def test_corpus_sample_topics_follow_the_categories(ant_sample: pd.DataFrame, ant_model: ArabicTopicModel) -> None:
    assert ant_model.settings_["clusterer"] == "KMeans (k=12, auto)"  # about sqrt(300 / 2)
    topics = ant_model.doc_topics_.merge(ant_sample[["article_id", "category"]], on="article_id")
    sport = topics.loc[topics["category"].eq("sport"), "topic"].mode().item()
    assert {"مباراة", "المباراة", "كرة", "القدم", "الدوري", "المنتخب"} & set(_words_of(ant_model, sport))


@pytest.mark.corpora
def test_reduce_topics_gives_that_many_topics(ant_sample: pd.DataFrame) -> None:
    model = fit_topics(ant_sample, cache=False, verbose=False).reduce_topics(6)
    assert model.topic_info_["topic"].tolist() == [0, 1, 2, 3, 4, 5]
    assert model.settings_["clusterer"] == "KMeans (k=6, given)"


@pytest.mark.corpora
def test_topics_over_time_by_week(ant_sample: pd.DataFrame, ant_model: ArabicTopicModel) -> None:
    table = topics_over_time(ant_model, ant_sample)
    assert table.columns.tolist() == ["period", "topic", "topic_label", "n", "n_total", "share"]
    assert table.attrs == {"undated": 0, "stray": 0, "freq": "W"}
    assert table["n"].sum() == len(ant_sample)
    assert (table.groupby("period")["topic"].count() == ant_model.settings_["n_topics"]).all()
    np.testing.assert_allclose(table.groupby("period")["share"].sum(), 1.0)
    assert table["period"].dt.day_of_week.eq(0).all()  # weeks start on Monday
    weekly = ant_sample["published_at"].dt.tz_convert(None).dt.to_period("W").dt.start_time.value_counts()
    assert table.groupby(table["period"].dt.tz_convert(None))["n"].sum().to_dict() == weekly.to_dict()


@pytest.mark.corpora
def test_topics_per_source(ant_sample: pd.DataFrame, ant_model: ArabicTopicModel) -> None:
    table = topics_per_source(ant_model, ant_sample)
    assert table.columns.tolist() == ["source", "topic", "topic_label", "n", "n_total", "share"]
    assert table.groupby("source")["n"].sum().to_dict() == ant_sample["source"].value_counts().to_dict()
    np.testing.assert_allclose(table.groupby("source")["share"].sum(), 1.0)
    assert table.attrs["no_source"] == 0


@pytest.mark.corpora
def test_a_large_corpus_is_fitted_on_a_sample_and_every_story_gets_a_topic(ant_sample: pd.DataFrame) -> None:
    stories = counted_stories(ant_sample)
    model = fit_topics(ant_sample, sample_size=150, cache=False, verbose=False)
    in_sample = sampled_stories(stories["article_id"], 150)
    # The sample alone, fitted as a corpus of its own, is the same model.
    alone = fit_topics(stories[in_sample], sample_size=None, cache=False, verbose=False)
    assert model.doc_topics_["article_id"].tolist() == stories["article_id"].tolist()
    assert model.settings_["stories_sampled"] == 150
    assert model.settings_["stories_assigned"] == len(stories) - 150
    assert "fitted on a sample of 150 stories, the other" in model.settings_["summary"]
    sampled_rows = model.doc_topics_[in_sample].reset_index(drop=True)
    pd.testing.assert_frame_equal(sampled_rows, alone.doc_topics_)
    rest = model.doc_topics_[~in_sample].reset_index(drop=True)
    pd.testing.assert_frame_equal(rest, alone.transform(stories[~in_sample]))
    assert model.topic_info_["size"].sum() == len(stories)
    assert model.transform(stories.iloc[:0]).columns.tolist() == model.doc_topics_.columns.tolist()  # an empty batch
    with pytest.warns(UserWarning, match="fitted on a sample of 150 stories"):
        model.reduce_topics(3)


def test_the_sample_depends_on_the_ids_and_the_seed_only() -> None:
    ids = pd.Series([f"story-{i}" for i in range(1000)])
    chosen = set(ids[sampled_stories(ids, 100)])
    assert len(chosen) == 100
    assert set(ids[::-1][sampled_stories(ids[::-1], 100)]) == chosen
    assert set(ids[sampled_stories(ids, 100, seed=7)]) != chosen
    assert sampled_stories(ids, None).all() and sampled_stories(ids, 1000).all()
    with pytest.raises(ValueError, match="sample_size must be None or a whole number"):
        fit_topics(pd.DataFrame({"article_id": ["a"], "text": ["زلزال"], "text_norm": ["زلزال"]}), sample_size=0)


def test_a_fit_splits_each_document_into_words_once(
    seed_articles: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The word model and the topic words (c-TF-IDF) both count the one split of the fitted documents.
    import toolkit.embeddings

    splits: list[int] = []
    split = toolkit.embeddings._words_without_stop_words

    def counted(texts: list[str]) -> tuple[object, object]:
        splits.append(len(texts))
        return split(texts)

    monkeypatch.setattr(toolkit.embeddings, "_words_without_stop_words", counted)
    model = fit_topics(seed_articles, unit="paragraph", cache=False, verbose=False)
    assert splits == [len(model.documents_)] == [13]


@pytest.mark.corpora
def test_words_are_counted_as_scikit_learn_counts_them(ant_sample: pd.DataFrame) -> None:
    from sklearn.feature_extraction.text import CountVectorizer

    from toolkit.arabic import TOKEN_PATTERN, arabic_stop_words
    from toolkit.embeddings import WordTfidf, topic_word_vectorizer

    texts = ant_sample["text_norm"].tolist()
    options = {"token_pattern": TOKEN_PATTERN, "stop_words": sorted(arabic_stop_words()), "lowercase": False}
    words, _ = WordTfidf.fit(texts)
    reference = CountVectorizer(min_df=2, max_df=0.5, **options).fit(texts)
    assert words.vocabulary == reference.get_feature_names_out().tolist()
    pd.testing.assert_frame_equal(
        pd.DataFrame(words.transform(texts).toarray()),
        pd.DataFrame(WordTfidf(words.vocabulary, words.idf)._weigh(reference.transform(texts)).toarray()),
    )
    vectorizer, counts = topic_word_vectorizer(texts, max_ngrams=5_000)
    bigrams = CountVectorizer(ngram_range=(1, 2), vocabulary=vectorizer.get_feature_names_out(), **options)
    assert (counts != bigrams.transform(texts)).nnz == 0
    totals = np.asarray(CountVectorizer(ngram_range=(1, 2), **options).fit_transform(texts).sum(axis=0)).ravel()
    assert counts.sum() == np.sort(totals)[::-1][:5_000].sum()  # the commonest n-grams were kept

"""Arabic topic models: BERTopic with Arabic topic words, offline by default, for any corpus size.

One call turns the articles DataFrame (`toolkit.load_articles`) into a fitted model with a table of
documents and their topics and a table of topics with Arabic words and labels:

>>> model = fit_topics(articles, unit="paragraph")  # doctest: +SKIP
>>> model.doc_topics_.columns.tolist()  # doctest: +SKIP
['article_id', 'paragraph', 'topic', 'probability', 'topic_label']
>>> model.topic_info_.columns.tolist()  # doctest: +SKIP
['topic', 'size', 'words', 'weights', 'label', 'representative_ids']

How a fit works (every choice measured on ANT, 5,100 articles in 6 categories; see benchmarks/quality.py):

1. Documents are the stories every table counts (`toolkit.stories.counted_stories`: articles and "read
   also" stories, not related-headline rows unless ``kinds`` asks, not a page scraped twice), whole
   (``unit="article"``) or as paragraphs (``unit="paragraph"``: ``text`` split on blank lines, each row
   keeping its ``article_id`` and a ``paragraph`` index).
2. Embeddings (`toolkit.embeddings`): TF-IDF of the normalised words reduced by TruncatedSVD to 100
   dimensions by default (no download), or a local sentence-transformers model, or your own vectors.
3. Clustering: KMeans with ``n_topics`` topics (``"auto"``: about the square root of half the
   documents, Mardia's rule of thumb, at least 2 and at most 100) on the normalised embeddings; no UMAP,
   no outliers. ``clustering="hdbscan"`` is BERTopic's usual UMAP + HDBSCAN instead, with outliers
   (topic -1) that ``reassign_outliers=True`` puts in their best topic.
4. Refinement: up to three rounds in which a word classifier (Complement Naive Bayes on the word TF-IDF,
   `toolkit.embeddings.WordTfidf`) is trained on the topics and every document moves to the topic its
   words fit best. It raised NMI against the ANT categories from 0.63 to 0.66 at 6 topics (more rounds
   start to empty small topics). The same classifier assigns new documents
   (`ArabicTopicModel.transform`), and its softmax score is the ``probability`` column.
5. Topic words: BERTopic's c-TF-IDF over a CountVectorizer of ``text_norm`` with Arabic stop words and
   uni+bigrams, never BERTopic's English preprocessing (which deletes every Arabic letter).
"""

from __future__ import annotations

import copy
import itertools
import json
import logging
import math
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Self

import numpy as np
import pandas as pd
import scipy.sparse as sp
from bertopic import BERTopic
from bertopic.cluster import BaseCluster
from bertopic.dimensionality import BaseDimensionalityReduction
from safetensors.numpy import save_file
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.naive_bayes import ComplementNB
from threadpoolctl import threadpool_limits

from toolkit._model_folder import check_model_folder, file_checksums, read_finite_tensors, read_json_object
from toolkit._ranking import rank_by_value
from toolkit.arabic import TOKEN_PATTERN, normalise, written, written_forms
from toolkit.distributed import is_partitioned
from toolkit.embeddings import (
    CacheSetting,
    Embedding,
    SplitTexts,
    WordTfidf,
    embed,
    embedding_name,
    ngram_counts,
    topic_word_vectorizer,
)
from toolkit.errors import InputError, require_columns
from toolkit.load import KINDS, period_start, stray_dates
from toolkit.stories import SAMPLE_SIZE, STORY_KINDS, counted_stories, sampled_stories

__all__ = [
    "ArabicTopicModel",
    "compare_topic_counts",
    "fit_topics",
    "load_topic_model",
    "topic_coherence",
    "topic_diversity",
    "topic_documents",
    "topics_over_time",
    "topics_per_source",
]

log = logging.getLogger(__name__)

Unit = Literal["article", "paragraph"]
Clustering = Literal["kmeans", "hdbscan"]
OUTLIER_LABEL = "غير مصنف"  # "unclassified": BERTopic's topic -1
MAX_AUTO_TOPICS = 100
ASSIGN_BATCH = 10_000  # stories assigned at a time: the word counts of one batch are held at once
REFINE_ROUNDS = 3  # more rounds start to empty small topics (ANT, 32 topics: 32 -> 30 after 8 rounds)
TOP_WORDS = 10
N_REPRESENTATIVES = 3
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_WORD = re.compile(TOKEN_PATTERN)
_DOC_TOPIC_COLUMNS = ["article_id", "paragraph", "topic", "probability", "topic_label"]
_TOPIC_INFO_COLUMNS = ["topic", "size", "words", "weights", "label", "representative_ids"]
_LIST_COLUMNS = ["words", "weights", "representative_ids"]
# Every file `save` writes besides topic_model.json, which lists their checksums.
_SAVED_FILES = (
    "classifier.safetensors",
    "doc_topics.parquet",
    "topic_info.csv",
    "model/config.json",
    "model/topics.json",
    "model/ctfidf_config.json",
    "model/topic_embeddings.safetensors",
    "model/ctfidf.safetensors",
)
# Written unless ``save(documents=False)``: what `reduce_topics` needs after loading.
_DOCUMENT_FILES = ("documents.parquet", "embeddings.safetensors")


def topic_documents(articles: pd.DataFrame, *, unit: Unit = "article") -> pd.DataFrame:
    """The documents a topic model sees: one row per article, or per paragraph of ``text``.

    Columns ``article_id``, ``paragraph`` (0 for whole articles), ``text`` and ``text_norm``. Paragraphs
    are the blocks of ``text`` between blank lines; precomputed embeddings follow this order.

    >>> articles = pd.DataFrame({"article_id": ["a"], "text": ["زلزال قوي.\\n\\nوزير الدفاع"], "text_norm": ["-"]})
    >>> topic_documents(articles, unit="paragraph")[["article_id", "paragraph", "text_norm"]].values.tolist()
    [['a', 0, 'زلزال قوي.'], ['a', 1, 'وزير الدفاع']]
    """
    require_columns(articles, ["article_id", "text", "text_norm"])
    if unit == "article":
        # Built from plain lists: articles.attrs holds a DataFrame, which pandas cannot carry through concat.
        return pd.DataFrame(
            {
                "article_id": articles["article_id"].astype(str).tolist(),
                "paragraph": 0,
                "text": articles["text"].astype(str).tolist(),
                "text_norm": articles["text_norm"].astype(str).tolist(),
            }
        )
    if unit != "paragraph":
        raise ValueError(f"unit must be 'article' or 'paragraph', not {unit!r}")
    rows = [
        (article_id, i, paragraph, normalise(paragraph))
        for article_id, text in zip(articles["article_id"].astype(str), articles["text"].astype(str), strict=True)
        for i, paragraph in enumerate(p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip())
    ]
    return pd.DataFrame(rows, columns=["article_id", "paragraph", "text", "text_norm"])


@dataclass(frozen=True)
class _Classifier:
    """Complement Naive Bayes weights, one row per topic (0, 1, ...): assigns documents to topics."""

    weights: np.ndarray

    @classmethod
    def fit(cls, features: sp.csr_matrix, labels: np.ndarray, n_classes: int) -> _Classifier:
        model = ComplementNB(alpha=1.0).fit(features, labels)
        weights = np.zeros((n_classes, features.shape[1]))
        weights[model.classes_] = model.feature_log_prob_
        return cls(weights)

    def assign(self, features: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """Best topic per row and its softmax probability."""
        scores = np.asarray(features @ self.weights.T)
        best = scores.argmax(axis=1)
        shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
        return best, shifted[np.arange(len(best)), best] / shifted.sum(axis=1)


@dataclass(frozen=True)
class TopicAssigner:
    """A fitted model's word classifier alone: gives articles their topics (`ArabicTopicModel.transform`).

    Small and picklable, so Dask ships it to every worker instead of the model's documents.
    """

    unit: Unit
    words: WordTfidf
    classifier: _Classifier
    labels_by_topic: dict[int, str]

    def __call__(self, articles: pd.DataFrame) -> pd.DataFrame:
        units = topic_documents(articles, unit=self.unit)
        units = units[_usable(units)].reset_index(drop=True)
        if units.empty:  # a partition or batch without words: no rows, the table's columns and types
            return _doc_topics(units, np.zeros(0, dtype=int), np.zeros(0), self.labels_by_topic)
        topics, probability = self.classifier.assign(self.words.transform(units["text_norm"].tolist()))
        return _doc_topics(units, topics, probability, self.labels_by_topic)


class ArabicTopicModel:
    """A BERTopic model fitted on Arabic news, with tidy tables of its topics (scikit-learn style).

    Options (keyword-only): ``unit`` ``"article"`` or ``"paragraph"``; ``kinds``, the rows fitted
    (default `STORY_KINDS`: articles and "read also" stories; add ``"headline"`` to fit related-headline
    rows too, None for every row); ``embedding`` ``"tfidf"`` (default, offline), a sentence-transformers
    model name in the local cache or a model folder, or an array with one row per document of
    ``topic_documents(counted_stories(articles, kinds=kinds), unit=unit)``; ``n_topics`` ``"auto"`` or a
    number; ``clustering`` ``"kmeans"`` (default) or ``"hdbscan"``; ``seed``; ``reassign_outliers`` (HDBSCAN's
    outliers go to their best topic); ``cache`` (embedding cache: ``True``, a folder, or ``False``);
    ``verbose`` prints the one-line summary of what the fit chose; ``sample_size`` (default
    `SAMPLE_SIZE`, None for every story): a corpus with more stories is fitted on a seeded sample of that
    many and its other stories are assigned by the fitted model, batch by batch, so the fit's cost stops
    growing with the corpus (see `sampled_stories`).

    Fitted attributes: ``doc_topics_``, ``topic_info_``, ``bertopic_`` (the BERTopic model; its
    ``get_representative_docs()`` gives the texts of ``topic_info_["representative_ids"]`` as written),
    ``settings_`` (what the fit chose), and for `reduce_topics` ``documents_`` and ``embeddings_``.

    >>> model = ArabicTopicModel(unit="paragraph", n_topics=2).fit(articles)  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        unit: Unit = "article",
        kinds: Sequence[str] | None = STORY_KINDS,
        embedding: Embedding = "tfidf",
        n_topics: int | Literal["auto"] = "auto",
        clustering: Clustering = "kmeans",
        seed: int = 42,
        reassign_outliers: bool = False,
        cache: CacheSetting = True,
        verbose: bool = True,
        sample_size: int | None = SAMPLE_SIZE,
    ) -> None:
        self.unit = unit
        self.kinds = kinds
        self.embedding = embedding
        self.n_topics = n_topics
        self.clustering = clustering
        self.seed = seed
        self.reassign_outliers = reassign_outliers
        self.cache = cache
        self.verbose = verbose
        self.sample_size = sample_size

    def fit(self, articles: pd.DataFrame) -> Self:
        """Fit on the stories of the articles DataFrame (rows of ``kinds``, once each); returns the model.

        Rows left out (related headlines, a page scraped twice) get no row in ``doc_topics_``: the
        tables by outlet and over time count what `theme_attention` counts. ``transform(articles)``
        gives a topic to any row.

        >>> model = ArabicTopicModel(unit="paragraph").fit(articles)  # doctest: +SKIP
        """
        self._check_options()
        require_columns(articles, ["article_id", "text", "text_norm"])
        stories = counted_stories(articles, kinds=self.kinds)
        in_sample = sampled_stories(stories["article_id"], self.sample_size, seed=self.seed)
        embedding = self.embedding
        if isinstance(embedding, np.ndarray) and not in_sample.all():
            # Precomputed embeddings have a row per unit of every story: keep the sample's.
            units = topic_documents(stories, unit=self.unit)
            embedding = embedding[units["article_id"].isin(stories["article_id"][in_sample]).to_numpy()]
        self.fit_sample(stories[in_sample], embedding=embedding)
        rest = stories[~in_sample]
        assign = self.assigner()
        assigned = [assign(rest.iloc[start : start + ASSIGN_BATCH]) for start in range(0, len(rest), ASSIGN_BATCH)]
        return self.adopt_assigned(assigned, stories["article_id"], rows_left_out=len(articles) - len(stories))

    def fit_sample(self, stories: pd.DataFrame, *, embedding: Embedding | None = None) -> Self:
        """Fit on every row of ``stories`` (counted and sampled by the caller); the first half of `fit`.

        `fit` and `toolkit.distributed.fit_topics_dask` call it on the sample, then `adopt_assigned`.
        """
        embedding = self.embedding if embedding is None else embedding
        units = topic_documents(stories, unit=self.unit)
        usable = _usable(units)
        if not usable.any():
            kinds = "every kind" if self.kinds is None else " or ".join(self.kinds)
            raise InputError(
                "articles",
                f"no usable documents: none of the {len(units)} {self.unit}s of rows of {kinds} has an Arabic word",
            )
        # Every unit is embedded, so precomputed embeddings line up with topic_documents; then the usable kept.
        split = SplitTexts.of(units["text_norm"].tolist())  # once: the word model and the topic words count it
        words, features = WordTfidf.fit(split)
        texts = units["text_norm" if str(self.embedding) == "tfidf" else "text"].tolist()
        vectors, cache_status = embed(texts, embedding=embedding, seed=self.seed, cache=self.cache, word_tfidf=features)
        self.documents_ = units[usable].reset_index(drop=True)
        self.embeddings_ = vectors[usable]
        self._words, self._features = words, features[usable]
        self._fit_documents(self.n_topics, word_counts=topic_word_vectorizer(split.only(usable)))
        self.settings_.update(
            embedding=embedding_name(self.embedding), embedding_cache=cache_status, skipped_units=int((~usable).sum())
        )
        return self

    def adopt_assigned(self, assigned: Sequence[pd.DataFrame], story_ids: pd.Series, *, rows_left_out: int) -> Self:
        """Take the topics ``assigned`` to the stories outside the fitted sample; the second half of `fit`.

        ``doc_topics_`` then covers every story of ``story_ids`` in that order, ``topic_info_``'s sizes
        count them all, and the summary says how many were fitted and how many assigned.
        """
        if assigned:
            table = pd.concat([self.doc_topics_, *assigned], ignore_index=True)
            position = pd.Series(np.arange(len(story_ids)), index=story_ids.astype(str).to_numpy())
            order = np.argsort(position[table["article_id"].astype(str)].to_numpy(), kind="stable")
            self.doc_topics_ = table.iloc[order].reset_index(drop=True)
            sizes = self.doc_topics_["topic"].value_counts()
            self.topic_info_ = self.topic_info_.assign(size=[int(sizes.get(t, 0)) for t in self.topic_info_["topic"]])
        n_assigned = sum(table["article_id"].nunique() for table in assigned)
        self.settings_.update(
            rows_left_out=rows_left_out,
            stories_sampled=len(story_ids) - n_assigned if n_assigned else None,
            stories_assigned=n_assigned,
        )
        self.settings_["summary"] = _summary(self.settings_)
        log.info(self.settings_["summary"])
        if self.verbose:
            print(self.settings_["summary"])
        return self

    def assigner(self) -> TopicAssigner:
        """What `transform` runs: a small picklable callable (the words and the classifier, not the documents)."""
        self._check_fitted()
        labels_by_topic = dict(zip(self.topic_info_["topic"], self.topic_info_["label"], strict=True))
        return TopicAssigner(self.unit, self._words, self._classifier, labels_by_topic)

    def _check_options(self) -> None:
        _check_options(self.unit, self.n_topics, self.clustering, self.kinds, self.sample_size)

    def reduce_topics(self, n_topics: int) -> Self:
        """Re-cluster the fitted documents into ``n_topics`` topics; returns the model.

        This re-runs clustering and refinement on the stored embeddings (the same as fitting with
        ``n_topics=n_topics``, without embedding again). It does not merge the existing topics: on
        ANT, merging 20-80 KMeans topics into 6 gave NMI 0.38-0.52 against 0.63 for clustering into 6,
        and BERTopic's own ``reduce_topics`` gave 0.07.

        >>> model.reduce_topics(6).topic_info_["topic"].tolist()  # doctest: +SKIP
        [0, 1, 2, 3, 4, 5]
        """
        if getattr(self, "embeddings_", None) is None:
            raise ValueError("reduce_topics needs the fitted documents: this model was saved without them (refit)")
        _check_options(self.unit, n_topics, "kmeans")
        kept = {
            key: self.settings_[key]
            for key in (
                "embedding",
                "embedding_cache",
                "skipped_units",
                "rows_left_out",
                "stories_sampled",
                "stories_assigned",
            )
            if key in self.settings_
        }
        self._fit_documents(n_topics, clustering="kmeans")
        self.settings_.update(kept)
        if self.settings_.get("stories_sampled"):
            warnings.warn(
                f"this model was fitted on a sample of {self.settings_['stories_sampled']:,} stories: doc_topics_"
                " now holds those only; model.transform(articles) gives every story its new topic",
                stacklevel=2,
            )
        self.settings_["summary"] = _summary(self.settings_)
        return self

    def set_topic_labels(self, labels: Mapping[int, str]) -> Self:
        """Rename topics: ``{topic: label}``; returns the model.

        The labels reach ``topic_info_``, ``doc_topics_``, BERTopic's custom labels, every chart and
        report drawn from the model, and the saved model. Labels must stay distinct (charts group by
        them); a refit or `reduce_topics` makes new topics with new labels.

        >>> model.set_topic_labels({0: "التعاون الدفاعي", 1: "زلزال باكستان"})  # doctest: +SKIP
        """
        self._check_fitted()
        unknown = sorted(set(labels) - set(self.topic_info_["topic"]))
        if unknown:
            raise InputError(
                "labels", f"no topic {unknown} in this model (topics: {self.topic_info_['topic'].tolist()})"
            )
        if not all(isinstance(label, str) and label.strip() for label in labels.values()):
            raise InputError("labels", "every label must be a non-empty string")
        renamed = [labels.get(topic, label).strip() for topic, label in self.topic_info_[["topic", "label"]].values]
        twice = sorted({label for label in renamed if renamed.count(label) > 1})
        if twice:
            raise InputError("labels", f"two topics would both be called {twice[0]!r}: labels must stay distinct")
        self.topic_info_ = self.topic_info_.assign(label=renamed)
        labels_by_topic = dict(zip(self.topic_info_["topic"], renamed, strict=True))
        self.bertopic_.set_topic_labels(labels_by_topic)
        topic_label = self.doc_topics_["topic"].map(labels_by_topic).fillna(OUTLIER_LABEL)
        self.doc_topics_ = self.doc_topics_.assign(topic_label=topic_label.astype("string"))
        return self

    def find_topics(self, query: str, *, top_n: int = 5) -> pd.DataFrame:
        """The topics a word or phrase belongs to, offline: ``topic``, ``label``, ``probability``.

        The query is normalised like the stories and read by the model's word classifier as a very
        short document (the same classifier as `transform`); rows go by probability, highest first,
        equal probabilities by topic number. Only words the model's vocabulary holds count: a query
        with none of them is an `InputError` (try another form of the word: «الزلزال», «زلازل»).

        >>> model.find_topics("زلزال").head(1)  # doctest: +SKIP
           topic                  label  probability
        0      1  بقوة درجة · زلزال         0.93
        """
        self._check_fitted()
        features = self._words.transform([normalise(query)])
        if features.nnz == 0:
            raise InputError("query", f"no word of {query!r} is in the model's vocabulary")
        scores = np.asarray(features @ self._classifier.weights.T).ravel()
        probability = np.exp(scores - scores.max())
        probability /= probability.sum()
        order = rank_by_value(probability)[:top_n]
        labels = self.topic_info_.set_index("topic")["label"]
        return pd.DataFrame({"topic": order, "label": labels.loc[order].to_numpy(), "probability": probability[order]})

    def example_stories(self, articles: pd.DataFrame, *, n: int = 3, opening: int = 200) -> pd.DataFrame:
        """Each topic's ``n`` most typical stories, ready to read: one row per topic and story.

        Columns ``topic``, ``label``, ``rank`` (1 is the most typical: highest probability, then input
        order), ``article_id``, ``title``, ``source``, ``published_at`` and ``opening``: the start of the
        story's own text (``text``), about ``opening`` characters, cut at a word.

        >>> model.example_stories(articles, n=2)[["label", "title", "opening"]]  # doctest: +SKIP
        """
        self._check_fitted()
        require_columns(articles, ["article_id", "text"])
        ids = articles["article_id"].astype(str)
        stories = articles.assign(article_id=ids).drop_duplicates("article_id").set_index("article_id")
        rows = []
        for topic, label, ids in self.topic_info_[["topic", "label", "representative_ids"]].itertuples(index=False):
            known = [story for story in ids if story in stories.index][:n]
            for rank, story in enumerate(known, start=1):
                row = stories.loc[story]
                rows.append(
                    (
                        topic,
                        label,
                        rank,
                        story,
                        row.get("title"),
                        row.get("source"),
                        row.get("published_at"),
                        _opening(str(row["text"]), opening),
                    )
                )
        if not rows:
            raise InputError("articles", "none of the topics' example stories is in these articles")
        columns = ["topic", "label", "rank", "article_id", "title", "source", "published_at", "opening"]
        return pd.DataFrame(rows, columns=columns)

    def _check_fitted(self) -> None:
        if not hasattr(self, "topic_info_"):
            raise InputError("ArabicTopicModel", "not fitted: call fit(articles) or load_topic_model(path) first")

    def _fit_documents(
        self,
        n_topics: int | Literal["auto"],
        *,
        clustering: Clustering | None = None,
        word_counts: tuple[CountVectorizer, sp.csr_matrix] | None = None,
    ) -> None:
        """Cluster `documents_` into topics and describe them; ``word_counts``: their `topic_word_vectorizer`
        (made here when not given)."""
        clustering = clustering or self.clustering
        documents, vectors, features = self.documents_, self.embeddings_, self._features
        n = len(documents)
        labels, reducer, clusterer = _cluster(vectors, n_topics, clustering, seed=self.seed)
        labels, classifier, rounds = _refine(features, labels)
        if self.reassign_outliers:
            labels[labels < 0] = classifier.assign(features[labels < 0])[0]
        texts = documents["text_norm"].tolist()
        self.bertopic_ = _bertopic(texts, vectors, labels, word_counts or topic_word_vectorizer(texts))
        classifier = _follow_numbering(classifier, labels, np.asarray(self.bertopic_.topics_))
        labels = np.asarray(self.bertopic_.topics_)
        inside = labels >= 0
        probability = np.zeros(n)
        _, probability[inside] = classifier.assign(features[inside])
        self._classifier = classifier
        self.topic_info_ = _topic_info(self.bertopic_, documents, labels, probability)
        self.bertopic_.representative_docs_ = _representative_docs(documents, labels, probability)
        labels_by_topic = dict(zip(self.topic_info_["topic"], self.topic_info_["label"], strict=True))
        self.bertopic_.set_topic_labels(labels_by_topic)
        self.doc_topics_ = _doc_topics(documents, labels, probability, labels_by_topic)
        self.settings_ = {
            "unit": self.unit,
            "n_documents": n,
            "reducer": reducer,
            "clusterer": clusterer,
            "refinement_rounds": rounds,
            "n_topics": int(labels.max()) + 1,
            "outlier_share": round(float(np.mean(labels == -1)), 4),
            "seed": self.seed,
        }

    def transform(self, articles: pd.DataFrame) -> pd.DataFrame:
        """Topics of (new) articles: a table like ``doc_topics_``, assigned by the model's word classifier.

        Every document gets a topic; HDBSCAN's outlier detection is part of the fit only.

        >>> model.transform(articles).columns.tolist()  # doctest: +SKIP
        ['article_id', 'paragraph', 'topic', 'probability', 'topic_label']
        """
        return self.assigner()(articles)

    def save(self, path: str | Path, *, documents: bool = True) -> Path:
        """Write the model to folder ``path`` with safetensors and JSON, never pickle; returns ``path``.

        ``path/model/`` is BERTopic's own safetensors folder; ``classifier.safetensors`` and
        ``topic_model.json`` hold the word classifier and the settings; ``doc_topics.parquet`` and
        ``topic_info.csv`` (list columns as JSON) are the two tables. With ``documents=True`` (the
        default) ``documents.parquet`` and ``embeddings.safetensors`` keep the fitted documents, so the
        loaded model can `reduce_topics`; ``documents=False`` leaves the stories' texts out of a folder
        you share.

        >>> model.save("models/sample")  # doctest: +SKIP
        PosixPath('models/sample')
        """
        path = Path(path)
        if documents and getattr(self, "embeddings_", None) is None:
            raise InputError(path, "this model has no fitted documents to save (it was loaded without them)")
        path.mkdir(parents=True, exist_ok=True)
        for name in _DOCUMENT_FILES:  # a re-save without documents must not leave old ones behind
            (path / name).unlink(missing_ok=True)
        with _quiet_bertopic():  # it warns that no embedding model is saved: ours is not a BERTopic backend
            self.bertopic_.save(
                path / "model", serialization="safetensors", save_ctfidf=True, save_embedding_model=False
            )
        save_file({"idf": self._words.idf, "weights": self._classifier.weights}, str(path / "classifier.safetensors"))
        self.doc_topics_.to_parquet(path / "doc_topics.parquet", index=False)
        _topic_info_csv(self.topic_info_, path / "topic_info.csv")
        if documents:
            self.documents_.to_parquet(path / "documents.parquet", index=False)
            save_file({"embeddings": np.ascontiguousarray(self.embeddings_)}, str(path / "embeddings.safetensors"))
        meta = {
            "format": 2,
            "params": self._params(),
            "settings": self.settings_,
            "vocabulary": self._words.vocabulary,
            "files": file_checksums(path, _SAVED_FILES + (_DOCUMENT_FILES if documents else ())),
        }
        (path / "topic_model.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        return path

    def _params(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "kinds": None if self.kinds is None else list(self.kinds),
            "embedding": embedding_name(self.embedding),
            "n_topics": self.n_topics,
            "clustering": self.clustering,
            "seed": self.seed,
            "reassign_outliers": self.reassign_outliers,
            "sample_size": self.sample_size,
        }

    def __repr__(self) -> str:
        options = ", ".join(f"{key}={value!r}" for key, value in self._params().items())
        return f"ArabicTopicModel({options})"


def fit_topics(articles: pd.DataFrame, **options: Any) -> ArabicTopicModel:
    """Fit an `ArabicTopicModel` on the articles DataFrame (options as for `ArabicTopicModel`).

    A corpus read by partition (a Dask DataFrame, or `toolkit.distributed.ArticleParts`: a dataset
    folder's files one at a time) is fitted on its sample and assigned part by part
    (`toolkit.distributed.fit_topics_dask`): the same model as on the whole DataFrame.

    >>> model = fit_topics(toolkit.load_articles("data/raw"), unit="paragraph")  # doctest: +SKIP
    >>> model.topic_info_[["topic", "size", "label"]]  # doctest: +SKIP
    """
    if is_partitioned(articles):
        from toolkit.distributed import fit_topics_dask

        return fit_topics_dask(articles, **options)
    return ArabicTopicModel(**options).fit(articles)


def load_topic_model(path: str | Path) -> ArabicTopicModel:
    """Load a model written by `ArabicTopicModel.save`: JSON, CSV, Parquet and safetensors, never a pickle.

    Model folders travel between people, so the folder is checked before anything is parsed: a
    pickle-style file anywhere, a missing file, a byte changed since saving (``topic_model.json``
    lists every file's SHA-256), a damaged safetensors file, NaN weights, wrong JSON types or an
    empty topic table each raise one `InputError` naming the file. BERTopic's own loader only ever
    sees a checked safetensors folder, so it can reach neither a pickle nor the Hugging Face Hub.

    The loaded model has ``doc_topics_``, ``topic_info_``, ``bertopic_`` and ``settings_``, and
    ``transform`` gives the same topics as the saved model; saved with its documents (the default),
    it also has ``documents_`` and ``embeddings_``, `reduce_topics` gives what the original would, and
    ``bertopic_.get_representative_docs()`` the original's texts (a model saved without its documents
    holds no story text, so it has none).

    >>> model = load_topic_model("models/sample")  # doctest: +SKIP
    """
    path = Path(path)
    meta_file = path / "topic_model.json"
    if not meta_file.is_file():
        raise InputError(path, "not a saved topic model (no topic_model.json)")
    meta = read_json_object(meta_file, fields={"format": int, "params": dict, "settings": dict, "vocabulary": list})
    if meta["format"] not in (1, 2):
        raise InputError(meta_file, f"format {meta['format']} is not one this toolkit reads (1 or 2)")
    checksums = _saved_checksums(meta_file, meta) if meta["format"] == 2 else None  # format 1 had none
    check_model_folder(path, required=_SAVED_FILES, checksums=checksums)
    vocabulary = meta["vocabulary"]
    if not all(isinstance(word, str) for word in vocabulary):
        raise InputError(meta_file, "field 'vocabulary' should be a list of words")
    tensors = read_finite_tensors(
        path / "classifier.safetensors", shapes={"idf": (len(vocabulary),), "weights": (None, len(vocabulary))}
    )
    n_topics = tensors["weights"].shape[0]
    model = _model_with_params(meta_file, meta["params"])
    model._words = WordTfidf(vocabulary, tensors["idf"])
    model._classifier = _Classifier(tensors["weights"])
    model.bertopic_ = _load_bertopic_folder(path / "model")
    model.settings_ = meta["settings"]
    model.doc_topics_ = _read_doc_topics(path / "doc_topics.parquet", n_topics)
    model.topic_info_ = _read_topic_info_csv(path / "topic_info.csv", n_topics)
    model.documents_ = model.embeddings_ = model._features = None
    if checksums is not None and set(_DOCUMENT_FILES) <= set(checksums):
        model.documents_, model.embeddings_ = _read_documents(path)
        model._features = model._words.transform(model.documents_["text_norm"].tolist())
        topics = model.doc_topics_
        model.bertopic_.representative_docs_ = _representative_docs(
            model.documents_, topics["topic"].to_numpy(), topics["probability"].to_numpy()
        )
    return model


def _read_documents(path: Path) -> tuple[pd.DataFrame, np.ndarray]:
    """The fitted documents and their embeddings, one row each."""
    documents = _read_checked_parquet(path / "documents.parquet", ["article_id", "paragraph", "text", "text_norm"])
    tensors = read_finite_tensors(path / "embeddings.safetensors", shapes={"embeddings": (len(documents), None)})
    return documents, tensors["embeddings"]


def _saved_checksums(meta_file: Path, meta: dict[str, Any]) -> dict[str, str]:
    files = meta.get("files")
    if not isinstance(files, dict) or set(files) - set(_DOCUMENT_FILES) != set(_SAVED_FILES):
        raise InputError(meta_file, f"field 'files' should give the checksum of each of {sorted(_SAVED_FILES)}")
    if set(files) & set(_DOCUMENT_FILES) not in (set(), set(_DOCUMENT_FILES)):
        raise InputError(meta_file, f"field 'files' should list both of {list(_DOCUMENT_FILES)} or neither")
    return files


def _model_with_params(meta_file: Path, params: dict[str, Any]) -> ArabicTopicModel:
    try:
        # A model saved before ``kinds`` existed was fitted on every row.
        options = {"kinds": None} | {key: value for key, value in params.items() if key != "embedding"}
        model = ArabicTopicModel(embedding=str(params["embedding"]), verbose=False, **options)
        _check_options(model.unit, model.n_topics, model.clustering, model.kinds)
    except (KeyError, TypeError, ValueError) as err:
        raise InputError(meta_file, f"field 'params' is not a topic model's settings ({err})") from None
    return model


def _load_bertopic_folder(folder: Path) -> BERTopic:
    read_finite_tensors(folder / "topic_embeddings.safetensors", shapes={"topic_embeddings": (None, None)})
    read_finite_tensors(folder / "ctfidf.safetensors", shapes={"data": (None,), "indices": (None,), "indptr": (None,)})
    try:
        with _quiet_bertopic():  # it warns that no embedding model is loaded: transform does not need one
            return BERTopic.load(str(folder))
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise InputError(folder, f"BERTopic cannot read this folder ({err.__class__.__name__}: {err})") from None


def compare_topic_counts(model: ArabicTopicModel, sizes: Iterable[int]) -> pd.DataFrame:
    """Refit the model's documents into each number of topics in ``sizes``, and measure each, to choose one.

    One row per size: ``n_topics``, ``coherence`` (`topic_coherence`: −1 to 1, higher reads as more
    coherent), ``diversity`` (`topic_diversity`: 1 means no topic repeats another's words) and the
    ``smallest``, ``median`` and ``largest`` topic sizes. Each size is `reduce_topics` on a copy of the
    model, on its stored embeddings (no new embedding); ``model`` is left as it is.

    >>> compare_topic_counts(model, [4, 8, 16])  # doctest: +SKIP
       n_topics  coherence  diversity  smallest  median  largest
    """
    if getattr(model, "embeddings_", None) is None:
        raise ValueError("compare_topic_counts needs the fitted documents: this model was saved without them (refit)")
    texts = model.documents_["text_norm"].tolist()
    rows = []
    for n_topics in sorted(set(sizes)):
        trial = copy.deepcopy(model).reduce_topics(n_topics)
        words = [[w for w, _ in trial.bertopic_.get_topic(t) or [] if w] for t in trial.topic_info_["topic"]]
        sizes_now = trial.topic_info_["size"]
        rows.append(
            (
                int(trial.settings_["n_topics"]),
                topic_coherence(words, texts),
                topic_diversity(words),
                int(sizes_now.min()),
                float(sizes_now.median()),
                int(sizes_now.max()),
            )
        )
    return pd.DataFrame(rows, columns=["n_topics", "coherence", "diversity", "smallest", "median", "largest"])


def topic_coherence(words: list[list[str]], texts: Sequence[str]) -> float:
    """Mean NPMI of the top-word pairs per topic, document window, over normalised ``texts``.

    Words are normalised first; a pair that never shares a document scores -1, a pair in every document 1.

    >>> texts = ["زلزال يضرب المدينة", "زلزال قوي يضرب", "مباراة كرة القدم", "كرة القدم اليوم"]
    >>> topic_coherence([["زلزال", "يضرب"], ["كرة", "القدم"]], texts)
    1.0
    >>> topic_coherence([["زلزال", "القدم"]], texts)
    -1.0
    """
    vocabulary = sorted({normalise(w) for topic in words for w in topic} - {""})
    if not vocabulary:
        return float("nan")
    present = (ngram_counts(texts, vocabulary) > 0).astype(np.float64).tocsc()
    n_docs = present.shape[0]
    p_word = np.asarray(present.sum(axis=0)).ravel() / n_docs
    p_pair = (present.T @ present).toarray() / n_docs
    index = {w: i for i, w in enumerate(vocabulary)}
    scores = []
    for topic in words:
        ids = [index[w] for w in dict.fromkeys(normalise(w) for w in topic) if w in index]
        pairs = [_npmi(p_pair[a, b], p_word[a], p_word[b]) for a, b in itertools.combinations(ids, 2)]
        if pairs:
            scores.append(float(np.mean(pairs)))
    return float(np.mean(scores)) if scores else float("nan")


def _npmi(p_ab: float, p_a: float, p_b: float) -> float:
    if p_ab == 0:
        return -1.0
    if p_ab == 1:
        return 1.0
    return float(np.log(p_ab / (p_a * p_b)) / -np.log(p_ab))


def topic_diversity(words: list[list[str]], *, top_n: int = TOP_WORDS) -> float:
    """Share of distinct words among the top ``top_n`` words of all topics (after Dieng et al. 2020).

    >>> topic_diversity([["زلزال", "هزة"], ["زلزال", "مباراة"]])
    0.75
    """
    top = [w for topic in words for w in topic[:top_n]]
    return len(set(top)) / len(top) if top else float("nan")


def topics_over_time(model: ArabicTopicModel, articles: pd.DataFrame, *, freq: str = "auto") -> pd.DataFrame:
    """Documents per topic per period: ``period``, ``topic``, ``topic_label``, ``n``, ``n_total``, ``share``.

    ``period`` is the start of the period (UTC); ``n_total`` counts the period's documents and ``share`` is
    the topic's share of them. ``freq="auto"`` picks day, week, month, quarter or year so that the central
    98% of the dates spans at most about 60 periods; or give ``"D"``, ``"W"``, ``"M"``, ``"Q"`` or ``"Y"``.
    Every period with documents lists every topic (``n`` 0 included). Documents without ``published_at``
    are left out, and so are stray ones (`toolkit.load.stray_dates`: far from the corpus's other dates);
    ``result.attrs`` counts them (``undated``, ``stray``) and holds ``freq``.

    >>> topics_over_time(model, articles).head()  # doctest: +SKIP
    """
    table = _with_article_column(model, articles, "published_at")
    dated = table["published_at"].notna()
    stray = stray_dates(table["published_at"])
    kept = dated & ~stray
    periods = period_start(table.loc[kept, "published_at"], freq=freq)
    result = _counts_by(table[kept].assign(period=periods), "period", model)
    result.attrs.update(undated=int((~dated).sum()), stray=int(stray.sum()), freq=periods.attrs["freq"])
    return result


def topics_per_source(model: ArabicTopicModel, articles: pd.DataFrame) -> pd.DataFrame:
    """Documents per topic per outlet: ``source``, ``topic``, ``topic_label``, ``n``, ``n_total``, ``share``.

    ``n_total`` counts the outlet's documents and ``share`` is the topic's share of them; every outlet
    lists every topic. Documents without a ``source`` are left out; ``result.attrs["no_source"]`` counts
    them.

    >>> topics_per_source(model, articles).head()  # doctest: +SKIP
    """
    table = _with_article_column(model, articles, "source")
    known = table["source"].notna()
    result = _counts_by(table[known].astype({"source": str}), "source", model)
    result.attrs["no_source"] = int((~known).sum())
    return result


# --- fitting ------------------------------------------------------------------------------------

_UMAP_MIN_DOCUMENTS = 50


def _check_options(
    unit: str, n_topics: object, clustering: str, kinds: object = STORY_KINDS, sample_size: object = None
) -> None:
    if unit not in ("article", "paragraph"):
        raise ValueError(f"unit must be 'article' or 'paragraph', not {unit!r}")
    if clustering not in ("kmeans", "hdbscan"):
        raise ValueError(f"clustering must be 'kmeans' or 'hdbscan', not {clustering!r}")
    if n_topics != "auto" and (isinstance(n_topics, bool) or not isinstance(n_topics, int) or n_topics < 1):
        raise ValueError(f"n_topics must be 'auto' or a whole number of at least 1, not {n_topics!r}")
    if kinds is not None and (isinstance(kinds, str) or not kinds or not set(kinds) <= set(KINDS)):
        raise ValueError(f"kinds must be None or a list of some of {', '.join(KINDS)}, not {kinds!r}")
    if sample_size is not None and (
        isinstance(sample_size, bool) or not isinstance(sample_size, int) or sample_size < 2
    ):
        raise ValueError(f"sample_size must be None or a whole number of at least 2, not {sample_size!r}")
    if clustering == "hdbscan" and n_topics != "auto":
        raise ValueError("clustering='hdbscan' finds its own number of topics: leave n_topics='auto'")


def _auto_n_topics(n_documents: int) -> int:
    """About sqrt(n/2) (Mardia's rule of thumb), at least 2 from 2 documents on and at most 100.

    Small corpora are where users start: on the sample page's 13 paragraphs, 3 topics keep the
    earthquake apart from the defence story; sqrt(n/5) gave 2 and mixed them.

    >>> [_auto_n_topics(n) for n in (1, 2, 13, 300, 5100, 10**6)]
    [1, 2, 3, 12, 50, 100]
    """
    if n_documents < 2:
        return 1
    return max(2, min(MAX_AUTO_TOPICS, round(math.sqrt(n_documents / 2))))


def _usable(units: pd.DataFrame) -> np.ndarray:
    """Which documents have at least one word to count."""
    return units["text_norm"].map(lambda text: _WORD.search(text) is not None).to_numpy(dtype=bool)


def _cluster(
    vectors: np.ndarray, n_topics: int | Literal["auto"], clustering: Clustering, *, seed: int
) -> tuple[np.ndarray, str, str]:
    """Topic per document (-1: outlier), and how they were found: the reducer and the clusterer."""
    n = len(vectors)
    if clustering == "hdbscan":
        reducer = "UMAP (5 dimensions)" if n >= _UMAP_MIN_DOCUMENTS else "none"
        return _hdbscan(vectors, seed=seed), reducer, f"HDBSCAN (min_cluster_size={_min_cluster_size(n)})"
    if n_topics != "auto" and n_topics > n:
        warnings.warn(f"n_topics={n_topics} but there are only {n} documents: fitting {n} topics", stacklevel=4)
    k = _auto_n_topics(n) if n_topics == "auto" else min(int(n_topics), n)
    return _kmeans(vectors, k, seed=seed), "none", f"KMeans (k={k}, {'auto' if n_topics == 'auto' else 'given'})"


def _kmeans(vectors: np.ndarray, k: int, *, seed: int) -> np.ndarray:
    """KMeans (k-means++ starts, Lloyd's iterations) in exact arithmetic: the same topics on every CPU.

    Embeddings that differ in their last bits (the BLAS and LAPACK kernels behind the embedding step
    differ between CPUs: ANT, 645 articles' paragraphs, 2.5e-12) made scikit-learn's KMeans move 20% of
    the paragraphs to other topics, because one near-tie decided differently changes every later
    iteration. So the vectors are put on a grid of 2^-16 (scaled to at most 1), centres are rounded to
    the same grid, and every product is then a whole number below 2^53: exact in float64 whatever the
    kernel's order of summation. Equal distances go to the lower-numbered centre, equal inertias to the
    earlier start.
    """
    from sklearn.cluster import kmeans_plusplus

    if k == 1:
        return np.zeros(len(vectors), dtype=int)
    points = _on_grid(vectors)
    # Restarts steady the result (ANT at 6 topics: NMI 0.61-0.64 over seeds with 10, 0.63 with 30);
    # their cost grows with documents x topics, so large fits get fewer (ANT at 32 topics: 6).
    n_init = int(np.clip(1_000_000 // (len(points) * k), 3, 30))
    starts = np.random.RandomState(seed)
    best: tuple[int, np.ndarray] | None = None
    # One thread: OpenMP's start-up and spinning cost more than they save here (ANT, 30 restarts at 6 topics:
    # 1.6 s of CPU with one thread, 11.7 s with two on a shared 2-core machine).
    with threadpool_limits(1):
        for _ in range(n_init):
            centres, _ = kmeans_plusplus(points, k, random_state=starts)
            inertia, labels = _lloyd(points, centres)
            if best is None or inertia < best[0]:
                best = (inertia, labels)
    return best[1]


_GRID = 2.0**16


def _on_grid(vectors: np.ndarray) -> np.ndarray:
    """``vectors`` scaled into [-1, 1] and rounded to whole multiples of 2^-16, kept as those whole numbers."""
    vectors = np.asarray(vectors, dtype=np.float64)
    return np.round(vectors * (_GRID / max(1.0, float(np.abs(vectors).max(initial=0.0)))))


def _lloyd(points: np.ndarray, centres: np.ndarray, *, max_iter: int = 300) -> tuple[int, np.ndarray]:
    """Lloyd's iterations on grid points from grid centres: the exact inertia and each point's centre."""
    k = len(centres)
    labels = np.full(len(points), -1)
    for _ in range(max_iter):
        distances = (centres * centres).sum(axis=1) - 2 * (points @ centres.T)  # + |x|², the same for each centre
        moved = distances.argmin(axis=1)
        if (moved == labels).all():
            break
        labels = moved
        order = np.argsort(labels, kind="stable")
        counts = np.bincount(labels, minlength=k)
        sums = np.zeros_like(centres)
        present = counts > 0
        sums[present] = np.add.reduceat(points[order], np.cumsum(counts)[present] - counts[present])
        # An emptied centre stays where it was.
        centres = np.where(present[:, None], np.round(sums / np.maximum(counts, 1)[:, None]), centres)
    nearest = distances[np.arange(len(points)), labels].astype(np.int64)
    inertia = int(nearest.sum() + (points * points).sum(axis=1).astype(np.int64).sum())
    return inertia, labels


def _min_cluster_size(n_documents: int) -> int:
    return max(2, min(10, n_documents // 20))


def _hdbscan(vectors: np.ndarray, *, seed: int) -> np.ndarray:
    from sklearn.cluster import HDBSCAN

    n = len(vectors)
    if n >= _UMAP_MIN_DOCUMENTS:
        from umap import UMAP

        vectors = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed).fit_transform(
            vectors
        )
    labels = HDBSCAN(min_cluster_size=_min_cluster_size(n), copy=True).fit_predict(vectors)
    if (labels < 0).all():
        raise InputError("articles", f"HDBSCAN found no topics in {n} documents; use clustering='kmeans'")
    return labels


def _refine(features: sp.csr_matrix, labels: np.ndarray) -> tuple[np.ndarray, _Classifier, int]:
    """Move documents to the topic their words fit best, up to REFINE_ROUNDS times; outliers stay out.

    The returned labels are always the returned classifier's choice, so `transform` reproduces them.
    """
    labels = labels.copy()
    inside = labels >= 0
    n_classes = int(labels.max()) + 1
    rounds = 0
    while rounds < REFINE_ROUNDS:
        rounds += 1
        classifier = _Classifier.fit(features[inside], labels[inside], n_classes)
        moved, _ = classifier.assign(features[inside])
        stable = bool((moved == labels[inside]).all())
        labels[inside] = moved
        if stable:
            break
    return labels, classifier, rounds


def _follow_numbering(classifier: _Classifier, old: np.ndarray, new: np.ndarray) -> _Classifier:
    """The classifier with its rows in BERTopic's topic numbering (by size); topics left empty dropped."""
    mapping = {before: after for before, after in zip(old.tolist(), new.tolist(), strict=True) if before >= 0}
    return _Classifier(classifier.weights[sorted(mapping, key=mapping.__getitem__)])


@contextmanager
def _quiet_bertopic() -> Iterator[None]:
    logger = logging.getLogger("BERTopic")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


class _NumberKeepingBERTopic(BERTopic):
    """BERTopic that keeps the topic numbers it is given as ``y``.

    BERTopic renumbers topics by size with an unstable sort, so equal-sized topics swapped numbers from one
    CPU to another; `_numbered_by_size` numbers them by a stated rule before the fit instead.
    """

    topic_ngram_counts: dict[int, sp.csr_matrix]  # topic -> its n-gram counts (a row), set before fit

    def _sort_mappings_by_frequency(self, documents: pd.DataFrame) -> pd.DataFrame:
        self._update_topic_size(documents)
        self.topic_mapper_.add_mappings({topic: topic for topic in sorted(self.topic_sizes_)}, topic_model=self)
        return documents

    def _c_tf_idf(
        self, documents_per_topic: pd.DataFrame, fit: bool = True, partial_fit: bool = False
    ) -> tuple[sp.csr_matrix, list[str]]:
        """c-TF-IDF from the topics' counted n-grams: BERTopic would split every document's text again."""
        counts = sp.vstack([self.topic_ngram_counts[int(t)] for t in documents_per_topic["Topic"]]).tocsr()
        if fit:
            self.ctfidf_model = self.ctfidf_model.fit(counts)
        return self.ctfidf_model.transform(counts), self.vectorizer_model.get_feature_names_out()

    def _save_representative_docs(self, documents: pd.DataFrame) -> None:
        """Left to `_representative_docs` (by the word classifier's probability): BERTopic's would split them again."""


def _numbered_by_size(labels: np.ndarray) -> np.ndarray:
    """Topics renumbered 0, 1, ... by size, largest first, equal sizes in the order of their first document; -1 stays.

    >>> _numbered_by_size(np.array([5, 2, 2, -1, 5, 7, 9, 9])).tolist()
    [0, 1, 1, -1, 0, 3, 2, 2]
    """
    inside = labels >= 0
    topics, first, sizes = np.unique(labels[inside], return_index=True, return_counts=True)
    rank = np.empty(len(topics), dtype=labels.dtype)
    rank[np.lexsort((first, -sizes))] = np.arange(len(topics))
    numbered = labels.copy()
    numbered[inside] = rank[np.searchsorted(topics, labels[inside])]
    return numbered


def _topic_words(bertopic: BERTopic) -> dict[int, list[tuple[str, float]]]:
    """Each topic's `TOP_WORDS` words and c-TF-IDF weights, by weight, highest first.

    Equal weights go in the words' code-point order (the vectorizer's columns are in that order); weights
    count as equal to 40 bits of mantissa (`rank_by_value`).
    """
    matrix = sp.csr_matrix(bertopic.c_tf_idf_)
    words = bertopic.vectorizer_model.get_feature_names_out()
    result = {}
    for row, topic in enumerate(sorted(set(bertopic.topics_))):
        columns = matrix.indices[matrix.indptr[row] : matrix.indptr[row + 1]]
        weights = matrix.data[matrix.indptr[row] : matrix.indptr[row + 1]]
        by_column = np.argsort(columns, kind="stable")  # CSR rows need not have sorted columns
        best = by_column[rank_by_value(weights[by_column])][:TOP_WORDS]
        result[topic] = [(str(words[c]), float(w)) for c, w in zip(columns[best], weights[best], strict=True) if w > 0]
    return result


def _bertopic(
    texts: list[str], vectors: np.ndarray, labels: np.ndarray, word_counts: tuple[CountVectorizer, sp.csr_matrix]
) -> BERTopic:
    """BERTopic for topic words only: our topics go in as ``y``, with its clustering and UMAP switched off.

    Its topics are ours numbered by `_numbered_by_size`, and its topic words come from `_topic_words`, over
    ``word_counts`` (the texts' `topic_word_vectorizer`).
    """
    vectorizer, counts = word_counts
    topics = _numbered_by_size(labels)
    model = _NumberKeepingBERTopic(
        # Not "english": BERTopic then deletes every non-ASCII character before counting words.
        language="multilingual",
        umap_model=BaseDimensionalityReduction(),
        hdbscan_model=BaseCluster(),
        vectorizer_model=vectorizer,
        top_n_words=TOP_WORDS,
        verbose=False,
    )
    # Each topic's n-gram counts, summed from the documents' (split once, not again per topic).
    numbers = np.unique(topics)
    membership = sp.csr_matrix((np.ones(len(topics)), (np.searchsorted(numbers, topics), np.arange(len(topics)))))
    model.topic_ngram_counts = dict(zip(numbers.tolist(), sp.csr_matrix(membership @ counts), strict=True))
    with _quiet_bertopic():
        model.fit(texts, embeddings=vectors, y=topics)
    model.topic_representations_ = _topic_words(model)
    return model


def _topic_info(bertopic: Any, documents: pd.DataFrame, labels: np.ndarray, probability: np.ndarray) -> pd.DataFrame:
    """One row per topic; its words counted normalised, shown as the documents write them most often."""
    topics = sorted(set(labels.tolist()))
    sizes = pd.Series(labels).value_counts()
    forms = written_forms(documents["text"].tolist())
    rows = []
    taken: set[str] = set()
    for topic in topics:
        pairs = [(written(w, forms), float(s)) for w, s in bertopic.get_topic(topic) or [] if w]
        label = OUTLIER_LABEL if topic == -1 else _label([w for w, _ in pairs], topic, taken)
        taken.add(label)
        representatives = documents["article_id"].iloc[_representative_rows(documents, labels, probability, topic)]
        rows.append(
            (topic, int(sizes[topic]), [w for w, _ in pairs], [s for _, s in pairs], label, representatives.tolist())
        )
    return pd.DataFrame(rows, columns=_TOPIC_INFO_COLUMNS)


def _representative_rows(
    documents: pd.DataFrame, labels: np.ndarray, probability: np.ndarray, topic: int
) -> np.ndarray:
    """Rows of the topic's most typical documents: highest probability first (then input order), one per story."""
    members = np.flatnonzero(labels == topic)
    best = members[np.argsort(-probability[members], kind="stable")]
    first_of_story = ~documents["article_id"].iloc[best].duplicated().to_numpy()
    return best[first_of_story][:N_REPRESENTATIVES]


def _representative_docs(documents: pd.DataFrame, labels: np.ndarray, probability: np.ndarray) -> dict[int, list[str]]:
    """BERTopic's ``representative_docs_``: the texts of ``representative_ids``, as the stories write them."""
    return {
        int(topic): documents["text"].iloc[_representative_rows(documents, labels, probability, topic)].tolist()
        for topic in sorted(set(labels.tolist()))
    }


def _label(words: list[str], topic: int, taken: set[str]) -> str:
    """The topic's first phrases, three words' worth, joined by " · ", unique among topics.

    >>> _label(["ابيب", "تل", "إسرائيل", "تل ابيب", "غزة"], 0, set())
    'تل ابيب · إسرائيل'
    >>> _label(["زلزال", "درجة", "الأرض"], 3, {"زلزال · درجة · الأرض"})
    'زلزال · درجة · الأرض (3)'
    """
    phrases = _phrases(words)
    for size in range(1, len(phrases) + 1):
        label = " · ".join(phrases[:size])
        if sum(len(p.split(" ")) for p in phrases[:size]) >= 3 and label not in taken:
            return label
    label = " · ".join(phrases) or str(topic)
    return label if label not in taken else f"{label} ({topic})"


def _phrases(words: list[str]) -> list[str]:
    """Top words as a reader says them: a bigram split into two of the first five words reads as the bigram.

    >>> _phrases(["وزير", "الدفاع", "وزير الدفاع", "باكستان", "زلزال", "مناطق", "زلزال ثان", "ثان"])
    ['وزير الدفاع', 'باكستان', 'زلزال', 'مناطق', 'زلزال ثان']
    """
    top = set(words[:5])
    bigrams = [w for w in words if " " in w]
    phrases: list[str] = []
    for word in words:
        if " " not in word:
            whole = (b for b in bigrams if word in b.split(" ") and set(b.split(" ")) <= top)
            word = next(whole, word)
        covered = " " not in word and any(word in p.split(" ") for p in phrases)
        if word not in phrases and not covered:
            phrases.append(word)
    return phrases


def _opening(text: str, length: int) -> str:
    """The start of ``text``, paragraphs joined, cut at the last space before ``length`` characters.

    >>> _opening("ضرب زلزال قوي\\n\\nمناطق واسعة", 12)
    'ضرب زلزال…'
    """
    flat = " ".join(text.split())
    if len(flat) <= length:
        return flat
    cut = flat.rfind(" ", 0, length)
    return flat[: cut if cut > 0 else length] + "…"


def _doc_topics(
    documents: pd.DataFrame, topics: np.ndarray, probability: np.ndarray, labels_by_topic: dict[int, str]
) -> pd.DataFrame:
    table = documents[["article_id", "paragraph"]].copy()
    table["topic"] = topics.astype(int)
    table["probability"] = probability.astype(float)
    table["topic_label"] = [labels_by_topic.get(int(t), OUTLIER_LABEL) for t in topics]
    return table.astype({"article_id": "string", "topic_label": "string"})[_DOC_TOPIC_COLUMNS]


def _summary(settings: dict[str, Any]) -> str:
    return (
        f"topics: {settings['n_documents']:,} {settings['unit']}s · embedding {settings['embedding']}"
        f" (cache {settings['embedding_cache']}) · reducer {settings['reducer']} · {settings['clusterer']}"
        f" · refinement rounds {settings['refinement_rounds']} · {settings['n_topics']} topics,"
        f" {settings['outlier_share']:.0%} outliers"
        + (
            f" · {settings['rows_left_out']:,} rows not fitted (related headlines, repeats)"
            if settings.get("rows_left_out")
            else ""
        )
        + (
            f" · fitted on a sample of {settings['stories_sampled']:,} stories, the other"
            f" {settings['stories_assigned']:,} assigned"
            if settings.get("stories_sampled")
            else ""
        )
    )


# --- persistence --------------------------------------------------------------------------------


def _topic_info_csv(topic_info: pd.DataFrame, path: Path) -> None:
    table = topic_info.copy()
    for column in _LIST_COLUMNS:
        table[column] = table[column].map(lambda values: json.dumps(list(values), ensure_ascii=False))
    table.to_csv(path, index=False)


def _read_topic_info_csv(path: Path, n_topics: int) -> pd.DataFrame:
    """The topic table written by `_topic_info_csv`, checked to list topics 0 … n_topics − 1 in order."""
    try:
        table = pd.read_csv(path, dtype={"label": str})
        for column in _LIST_COLUMNS:
            table[column] = table[column].map(json.loads)
    except (ValueError, KeyError, TypeError, pd.errors.ParserError) as err:
        raise InputError(path, f"not a topic table ({err.__class__.__name__}: {err})") from None
    if table["topic"].tolist() != list(range(n_topics)):
        raise InputError(path, f"should list topics 0 to {n_topics - 1}, one per row, as the classifier has")
    if not all(isinstance(value, list) for column in _LIST_COLUMNS for value in table[column]):
        raise InputError(path, f"columns {_LIST_COLUMNS} should hold JSON lists")
    return table


def _read_checked_parquet(path: Path, columns: list[str]) -> pd.DataFrame:
    try:
        table = pd.read_parquet(path)
    except (OSError, ValueError) as err:
        raise InputError(path, f"not a readable Parquet file ({err.__class__.__name__})") from None
    if table.columns.tolist() != columns:
        raise InputError(path, f"should have columns {columns}, not {table.columns.tolist()}")
    return table


def _read_doc_topics(path: Path, n_topics: int) -> pd.DataFrame:
    table = _read_checked_parquet(path, ["article_id", "paragraph", "topic", "probability", "topic_label"])
    if not pd.api.types.is_integer_dtype(table["topic"]) or not table["topic"].between(0, n_topics - 1).all():
        raise InputError(path, f"column 'topic' should hold topic numbers 0 to {n_topics - 1}")
    return table


# --- tables over time and outlets ---------------------------------------------------------------


def _with_article_column(model: ArabicTopicModel, articles: pd.DataFrame, column: str) -> pd.DataFrame:
    """The model's ``doc_topics_`` with ``column`` of ``articles``' stories (the rows the model fits:
    `counted_stories` of its ``kinds``); stories the model never saw are named."""
    require_columns(articles, ["article_id", column])
    articles = counted_stories(articles, kinds=getattr(model, "kinds", None))
    values = pd.DataFrame(
        {"article_id": articles["article_id"].astype(str).tolist(), column: articles[column].tolist()}
    )
    values = values.astype({"article_id": "string"}).drop_duplicates("article_id")
    unseen = ~values["article_id"].isin(model.doc_topics_["article_id"])
    if unseen.all():
        raise InputError(
            "articles",
            "none of these stories is in the model's doc_topics_ (fitted on other stories): "
            "count model.transform(articles) yourself, or fit the model on these articles",
        )
    if unseen.any():
        warnings.warn(
            f"{int(unseen.sum())} of {len(values)} stories are not in the model's doc_topics_ and are left out "
            f"(first: {values['article_id'][unseen].iloc[0]!r})",
            stacklevel=3,
        )
    return model.doc_topics_.merge(values, on="article_id", how="inner")


def _counts_by(table: pd.DataFrame, column: str, model: ArabicTopicModel) -> pd.DataFrame:
    counts = table.groupby([column, "topic"]).size()
    groups = counts.index.get_level_values(0).unique()
    topics = model.topic_info_["topic"].tolist()
    full = counts.reindex(pd.MultiIndex.from_product([groups, topics], names=[column, "topic"]), fill_value=0)
    result = full.rename("n").reset_index()
    result["n_total"] = result.groupby(column)["n"].transform("sum")
    result["share"] = result["n"] / result["n_total"]
    labels = dict(zip(model.topic_info_["topic"], model.topic_info_["label"], strict=True))
    result.insert(2, "topic_label", result["topic"].map(labels).astype("string"))
    return result.sort_values([column, "topic"], ignore_index=True)

"""Document embeddings for the topics stage: TF-IDF + SVD (offline default), sentence-transformers, precomputed.

Every embedding is one row per document, L2-normalised, and cached on disk keyed by the model and the
texts, so fitting the same documents again does not embed them again.

>>> texts = ["زلزال يضرب المدينة", "مباراة كرة القدم", "زلزال قوي"]
>>> vectors, status = embed(texts, embedding="tfidf", seed=0, cache=False)
>>> vectors.shape, status
((3, 2), 'off')
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp
from safetensors.numpy import load_file, save_file
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from toolkit.arabic import TOKEN_PATTERN, arabic_stop_words, tokenize_many
from toolkit.errors import InputError

__all__ = [
    "Embedding",
    "SplitTexts",
    "WordTfidf",
    "default_cache_dir",
    "embed",
    "embedding_name",
    "ngram_counts",
    "ngram_vectorizer",
    "topic_word_vectorizer",
]

# A sentence-transformers name or local path, or one vector per document.
Embedding = str | Path | np.ndarray
CacheSetting = bool | str | Path

# Chosen on ANT (5,100 articles, 6 categories): unigrams beat uni+bigrams (KMeans NMI 0.63 vs 0.59),
# 100 SVD dimensions beat 50, 150 and 200; see benchmarks/quality.py.
SVD_DIMENSIONS = 100
_CACHE_VERSION = "1"


def default_cache_dir() -> Path:
    """Where embeddings are cached: ``$XDG_CACHE_HOME/arabic-news-toolkit/embeddings`` (``~/.cache`` by default).

    >>> default_cache_dir().parts[-2:]
    ('arabic-news-toolkit', 'embeddings')
    """
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "arabic-news-toolkit" / "embeddings"


def embedding_name(embedding: Embedding) -> str:
    """How an embedding setting is reported: ``"tfidf"``, the model name or path, or ``"precomputed"``.

    >>> embedding_name("tfidf"), embedding_name(np.zeros((2, 3)))
    ('tfidf', 'precomputed')
    """
    return "precomputed" if isinstance(embedding, np.ndarray) else str(embedding)


class SplitTexts(NamedTuple):
    """Normalised texts split into their words once, stop words left out: what `WordTfidf` and
    `topic_word_vectorizer` count, so that a topic fit splits each document once.

    >>> split = SplitTexts.of(["قال وزير الدفاع", "الزلزال"])
    >>> split.words.to_pylist(), split.rows.tolist(), split.n_texts
    (['وزير', 'الدفاع', 'الزلزال'], [0, 0, 1], 2)
    >>> split.only(np.array([False, True])).rows.tolist()
    [0]
    """

    words: pa.Array
    rows: np.ndarray  # the text of each word
    n_texts: int

    @classmethod
    def of(cls, texts: Sequence[str] | SplitTexts) -> SplitTexts:
        """``texts`` split (texts split already are returned as they are)."""
        if isinstance(texts, SplitTexts):
            return texts
        words, rows = _words_without_stop_words(texts)
        return cls(words, rows, len(texts))

    def only(self, kept: np.ndarray) -> SplitTexts:
        """The words of the texts where ``kept`` (a mask over the texts) is true, the texts numbered anew."""
        number = np.cumsum(kept) - 1
        mask = kept[self.rows]
        return SplitTexts(self.words.filter(pa.array(mask)), number[self.rows[mask]], int(kept.sum()))


@dataclass(frozen=True)
class WordTfidf:
    """Sublinear TF-IDF of normalised words (unigrams): the "tfidf" embedding's input and the topic classifier's.

    >>> words, matrix = WordTfidf.fit(["زلزال قوي", "زلزال ثان"])
    >>> words.vocabulary, matrix.shape
    (['ثان', 'زلزال', 'قوي'], (2, 3))
    """

    vocabulary: list[str]
    idf: np.ndarray

    @classmethod
    def fit(cls, texts: Sequence[str] | SplitTexts) -> tuple[WordTfidf, sp.csr_matrix]:
        """The vocabulary and IDF of ``texts`` (or their `SplitTexts`), and their TF-IDF (small corpora keep
        every word).

        Counted as scikit-learn's ``CountVectorizer(min_df, max_df, stop_words)`` counts (a test holds
        them equal), with every text split at once.
        """
        words, rows, n = SplitTexts.of(texts)
        min_df, max_df = (1 if n < 200 else 2 if n < 2000 else 5), (0.5 if n >= 20 else 1.0)
        encoded = pc.dictionary_encode(words)
        counts = _count_matrix(encoded.indices.to_numpy(), rows, n, len(encoded.dictionary))
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        kept = np.flatnonzero((df >= min_df) & (df <= max_df * n))
        if not len(kept):
            raise ValueError("empty vocabulary: after pruning, no terms remain")
        kept = kept[np.argsort(encoded.dictionary.take(pa.array(kept)).to_numpy(zero_copy_only=False), kind="stable")]
        counts = counts[:, kept]
        # scikit-learn's smoothed IDF
        idf = np.log((1 + n) / (1 + df[kept])) + 1
        fitted = cls(encoded.dictionary.take(pa.array(kept)).to_pylist(), idf)
        return fitted, fitted._weigh(counts)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """TF-IDF of (new) texts over the fitted vocabulary."""
        return self._weigh(ngram_counts(texts, self.vocabulary, bigrams=False))

    def _weigh(self, counts: sp.spmatrix) -> sp.csr_matrix:
        weighted = sp.csr_matrix(counts, dtype=np.float64)
        weighted.data = 1 + np.log(weighted.data)  # sublinear tf, as TfidfVectorizer(sublinear_tf=True)
        return normalize(weighted @ sp.diags(self.idf)).tocsr()


def topic_word_vectorizer(
    texts: Sequence[str] | SplitTexts, *, max_ngrams: int = 100_000
) -> tuple[CountVectorizer, sp.csr_matrix]:
    """Uni+bigram counts of normalised words for topic words, over the ``max_ngrams`` commonest n-grams of ``texts``
    (or of their `SplitTexts`).

    Returns the vectorizer (its vocabulary in code-point order) and the texts' counts over it: the texts
    are split once. Arabic stop words are left out. Rarer n-grams never lead a topic, and the saved
    vocabulary stays small (ANT has 843,000 uni+bigrams). Equal counts at the cut go in code-point order
    (scikit-learn's own ``max_features`` breaks them with an unstable sort whose result depends on the
    CPU's vector instructions).

    >>> vectorizer, counts = topic_word_vectorizer(["قال وزير الدفاع", "وزير الخارجية"], max_ngrams=2)
    >>> vectorizer.get_feature_names_out().tolist(), counts.toarray().tolist()
    (['الخارجية', 'وزير'], [[0, 1], [1, 1]])
    """
    split = SplitTexts.of(texts)
    grams, rows = _with_bigrams(split.words, split.rows)
    encoded = pc.dictionary_encode(grams)
    codes = encoded.indices.to_numpy()
    grams = encoded.dictionary
    totals = np.bincount(codes, minlength=len(grams))
    # By count, then code point (Arrow orders UTF-8 bytes, which is code-point order), then the vocabulary.
    by_count = pc.sort_indices(pa.table({"n": totals, "gram": grams}), [("n", "descending"), ("gram", "ascending")])
    kept = by_count[:max_ngrams]
    kept = kept.take(pc.sort_indices(grams.take(kept))).to_numpy()
    column = np.full(len(grams), -1)
    column[kept] = np.arange(len(kept))
    vectorizer = ngram_vectorizer(grams.take(pa.array(kept)).to_pylist())
    vectorizer.fit([])  # the vocabulary is given: this only makes the vectorizer ready to use
    return vectorizer, _count_matrix(column[codes], rows, split.n_texts, len(kept))


def ngram_counts(texts: Sequence[str], vocabulary: Sequence[str], *, bigrams: bool = True) -> sp.csr_matrix:
    """Counts of ``vocabulary``'s words (and with ``bigrams``, word pairs) in normalised texts: ``ngram_vectorizer``'s.

    Stop words go before pairs are formed; Arrow splits every text at once.

    >>> ngram_counts(["قال وزير الدفاع", "الدفاع"], ["الدفاع", "وزير الدفاع"]).toarray().tolist()
    [[1, 1], [1, 0]]
    """
    words, rows = _words_without_stop_words(texts)
    if bigrams:
        words, rows = _with_bigrams(words, rows)
    codes = pc.index_in(words, value_set=pa.array(list(vocabulary), type=pa.string())).fill_null(-1).to_numpy()
    return _count_matrix(codes, rows, len(texts), len(vocabulary))


def _words_without_stop_words(texts: Sequence[str]) -> tuple[pa.Array, np.ndarray]:
    words, rows = tokenize_many(list(texts))
    kept = pc.invert(pc.is_in(words, value_set=pa.array(sorted(arabic_stop_words()), type=pa.string())))
    return words.filter(kept), rows[kept.to_numpy(zero_copy_only=False)]


def _with_bigrams(words: pa.Array, rows: np.ndarray) -> tuple[pa.Array, np.ndarray]:
    """The words, then every pair of neighbouring words of one text joined by a space (scikit-learn's bigrams)."""
    same_text = rows[1:] == rows[:-1]
    mask = pa.array(same_text)
    pairs = pc.binary_join_element_wise(words[:-1].filter(mask), words[1:].filter(mask), " ")
    return pa.concat_arrays([words, pairs]), np.concatenate([rows, rows[:-1][same_text]])


def _count_matrix(codes: np.ndarray, rows: np.ndarray, n_texts: int, n_terms: int) -> sp.csr_matrix:
    """Texts × terms counts from each token's term (−1: not counted) and text."""
    known = codes >= 0
    matrix = sp.csr_matrix(
        (np.ones(int(known.sum()), dtype=np.int64), (rows[known], codes[known])), shape=(n_texts, n_terms)
    )
    matrix.sum_duplicates()
    return matrix


def ngram_vectorizer(vocabulary: Sequence[str]) -> CountVectorizer:
    """Counts of the uni+bigrams of ``vocabulary`` in normalised texts; stop words go before bigrams are formed.

    >>> ngram_vectorizer(["وزير الدفاع"]).transform(["قال وزير الدفاع"]).toarray().tolist()
    [[1]]
    """
    return _word_counter(ngram_range=(1, 2), vocabulary=vocabulary)


def _word_counter(**options: Any) -> CountVectorizer:
    return CountVectorizer(
        token_pattern=TOKEN_PATTERN, stop_words=sorted(arabic_stop_words()), lowercase=False, **options
    )


def embed(
    texts: Sequence[str],
    *,
    embedding: Embedding = "tfidf",
    seed: int = 42,
    cache: CacheSetting = True,
    word_tfidf: sp.csr_matrix | None = None,
) -> tuple[np.ndarray, str]:
    """One L2-normalised vector per text, and whether the cache was used (``"hit"``, ``"miss"`` or ``"off"``).

    ``embedding`` is ``"tfidf"`` (`WordTfidf` of the normalised words, then TruncatedSVD to 100
    dimensions; no download), a sentence-transformers model name (loaded from the local Hugging Face
    cache only, never downloaded) or a local model folder, or an array with one row per text. Give
    ``"tfidf"`` the normalised texts (and their ``word_tfidf`` when you have it, to skip counting them
    again) and a sentence-transformers model the texts as written.
    ``cache``: ``True`` for `default_cache_dir`, a folder, or ``False`` for no cache.

    >>> embed(["زلزال"], embedding=np.array([[3.0, 4.0]]), cache=False)
    (array([[0.6, 0.8]]), 'off')
    """
    if isinstance(embedding, np.ndarray):
        return _precomputed(embedding, len(texts)), "off"
    folder = _cache_folder(cache)
    key = _cache_key(texts, embedding, seed)
    if folder is not None and (folder / f"{key}.safetensors").is_file():
        return load_file(folder / f"{key}.safetensors")["embeddings"], "hit"
    if str(embedding) == "tfidf":
        vectors = _svd(WordTfidf.fit(texts)[1] if word_tfidf is None else word_tfidf, seed=seed)
    else:
        vectors = _sentence_transformer(texts, embedding)
    if folder is None:
        return vectors, "off"
    _write_atomically(folder / f"{key}.safetensors", vectors)
    return vectors, "miss"


def _precomputed(vectors: np.ndarray, n_texts: int) -> np.ndarray:
    if vectors.ndim != 2 or len(vectors) != n_texts:
        raise InputError(
            "embedding",
            f"precomputed embeddings have shape {vectors.shape}; expected ({n_texts}, dim): one row per document of "
            "topic_documents(counted_stories(articles, kinds=kinds), unit=unit), the stories the model fits",
        )
    if not np.isfinite(vectors).all():
        raise InputError("embedding", "precomputed embeddings contain NaN or infinite values")
    return normalize(np.asarray(vectors, dtype=np.float64))


ARPACK_MAX_DOCUMENTS = 30_000


def _svd(word_tfidf: sp.csr_matrix, *, seed: int) -> np.ndarray:
    dimensions = min(SVD_DIMENSIONS, word_tfidf.shape[0] - 1, word_tfidf.shape[1] - 1)
    if dimensions < 2:  # nothing to reduce: one or two documents, or a single word
        return word_tfidf.toarray()
    # The exact (ARPACK) SVD, not the randomized one, up to tens of thousands of documents: with the
    # randomized SVD, ANT at 6 topics gave NMI 0.574 with seed 42 and 0.656 with seeds 1 and 2; exact, 0.655
    # for every seed. Beyond that the randomized SVD keeps large fits affordable.
    algorithm = "arpack" if word_tfidf.shape[0] <= ARPACK_MAX_DOCUMENTS else "randomized"
    # One BLAS thread: on a shared 2-core machine two threads spent 7.3 s of CPU on ANT's SVD, one 4.1 s.
    with threadpool_limits(1):
        svd = TruncatedSVD(dimensions, algorithm=algorithm, random_state=seed)
        return normalize(svd.fit_transform(word_tfidf))


def _sentence_transformer(texts: Sequence[str], model: str | Path) -> np.ndarray:
    from sentence_transformers import SentenceTransformer

    try:
        # local_files_only: a name resolves from the local Hugging Face cache; nothing is downloaded.
        encoder = SentenceTransformer(str(model), local_files_only=True)
    except OSError as err:
        raise InputError(
            model, f"not a local sentence-transformers model ({err.__class__.__name__}); give a model folder"
        ) from err
    vectors = encoder.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float64)


def _cache_folder(cache: CacheSetting) -> Path | None:
    if cache is False:
        return None
    return default_cache_dir() if cache is True else Path(cache)


def _cache_key(texts: Sequence[str], embedding: str | Path, seed: int) -> str:
    digest = hashlib.sha256()
    # The seed and the dimensions only shape the TF-IDF+SVD embedding.
    settings = [seed, SVD_DIMENSIONS] if str(embedding) == "tfidf" else []
    model = json.dumps([_CACHE_VERSION, str(embedding), _model_fingerprint(embedding), *settings])
    digest.update(model.encode())
    for text in texts:
        data = text.encode()
        digest.update(len(data).to_bytes(8, "little") + data)  # length-prefixed: texts cannot run together
    return digest.hexdigest()


def _model_fingerprint(embedding: str | Path) -> list[list[object]]:
    # A model folder that changes on disk (retrained, replaced) gets a new key.
    folder = Path(embedding)
    if str(embedding) == "tfidf" or not folder.is_dir():
        return []
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return [[p.relative_to(folder).as_posix(), p.stat().st_size, p.stat().st_mtime_ns] for p in files]


def _write_atomically(path: Path, vectors: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.stem}.{os.getpid()}.partial")
    save_file({"embeddings": np.ascontiguousarray(vectors)}, str(partial))
    partial.replace(path)

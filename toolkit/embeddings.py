"""Document embeddings for the topics stage: TF-IDF + SVD (offline default), sentence-transformers, precomputed.

Every embedding is one row per document, L2-normalised, and cached on disk keyed by the model and the
texts, so fitting the same documents again does not embed them again.

>>> vectors, status = embed(["زلزال يضرب المدينة", "مباراة كرة القدم"], embedding="tfidf", seed=0, cache=False)
>>> vectors.shape, status
((2, 1), 'off')
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from safetensors.numpy import load_file, save_file
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize

from toolkit.arabic import TOKEN_PATTERN, arabic_stop_words
from toolkit.errors import InputError

__all__ = [
    "Embedding",
    "default_cache_dir",
    "embed",
    "embedding_name",
    "smoothed_idf",
    "tfidf",
    "word_limits",
    "word_vectorizer",
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


def embed(
    texts: Sequence[str], *, embedding: Embedding = "tfidf", seed: int = 42, cache: CacheSetting = True
) -> tuple[np.ndarray, str]:
    """One L2-normalised vector per text, and whether the cache was used (``"hit"``, ``"miss"`` or ``"off"``).

    ``embedding`` is ``"tfidf"`` (TF-IDF of the normalised words, then TruncatedSVD; no download),
    a sentence-transformers model name (loaded from the local Hugging Face cache only, never
    downloaded) or a local model folder, or an array with one row per text. Give ``"tfidf"`` the
    normalised texts and a sentence-transformers model the texts as written.
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
    vectors = _tfidf_svd(texts, seed=seed) if str(embedding) == "tfidf" else _sentence_transformer(texts, embedding)
    if folder is None:
        return vectors, "off"
    _write_atomically(folder / f"{key}.safetensors", vectors)
    return vectors, "miss"


def _precomputed(vectors: np.ndarray, n_texts: int) -> np.ndarray:
    if vectors.ndim != 2 or len(vectors) != n_texts:
        raise InputError("embedding", f"precomputed embeddings have shape {vectors.shape}; expected ({n_texts}, dim)")
    if not np.isfinite(vectors).all():
        raise InputError("embedding", "precomputed embeddings contain NaN or infinite values")
    return normalize(np.asarray(vectors, dtype=np.float64))


def word_vectorizer(**options: Any) -> CountVectorizer:
    """Counts of normalised Arabic words (toolkit tokens, Arabic stop words left out); options go to CountVectorizer.

    >>> word_vectorizer().fit(["قال وزير الدفاع في بيان"]).get_feature_names_out().tolist()
    ['الدفاع', 'بيان', 'وزير']
    """
    return CountVectorizer(
        token_pattern=TOKEN_PATTERN, stop_words=sorted(arabic_stop_words()), lowercase=False, **options
    )


def word_limits(n_documents: int) -> dict[str, float]:
    """Document-frequency limits for the word TF-IDF: small corpora keep every word.

    >>> word_limits(10), word_limits(5100)
    ({'min_df': 1, 'max_df': 1.0}, {'min_df': 5, 'max_df': 0.5})
    """
    n = n_documents
    return {"min_df": 1 if n < 200 else 2 if n < 2000 else 5, "max_df": 0.5 if n >= 20 else 1.0}


def smoothed_idf(counts: sp.spmatrix) -> np.ndarray:
    """scikit-learn's smoothed IDF, ``log((1 + n) / (1 + df)) + 1``, from a document-word count matrix.

    >>> smoothed_idf(sp.csr_matrix([[1, 0], [2, 1]])).round(3).tolist()
    [1.0, 1.405]
    """
    frequency = np.bincount(sp.csr_matrix(counts).indices, minlength=counts.shape[1])
    return np.log((1 + counts.shape[0]) / (1 + frequency)) + 1


def tfidf(counts: sp.spmatrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear TF-IDF (``1 + log(tf)``) with L2-normalised rows, as TfidfVectorizer(sublinear_tf=True).

    >>> tfidf(sp.csr_matrix([[1, 0], [2, 1]]), np.array([1.0, 1.405])).toarray().round(3).tolist()
    [[1.0, 0.0], [0.769, 0.639]]
    """
    weighted = sp.csr_matrix(counts, dtype=np.float64)
    weighted.data = 1 + np.log(weighted.data)
    return normalize(weighted @ sp.diags(idf)).tocsr()


def _tfidf_svd(texts: Sequence[str], *, seed: int) -> np.ndarray:
    counts = word_vectorizer(**word_limits(len(texts))).fit_transform(texts)
    weighted = tfidf(counts, smoothed_idf(counts))
    dimensions = min(SVD_DIMENSIONS, len(texts) - 1, weighted.shape[1] - 1)
    if dimensions < 2:  # nothing to reduce: one or two documents, or a single word
        return weighted.toarray()
    return normalize(TruncatedSVD(dimensions, random_state=seed).fit_transform(weighted))


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
    model = json.dumps([_CACHE_VERSION, str(embedding), _model_fingerprint(embedding), seed, SVD_DIMENSIONS])
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

"""What a stream of batches (`toolkit.load.stream`) keeps of the stories of earlier batches: enough to mark a
story that repeats one of them as `load_articles` marks it in one corpus, not the stories themselves.

Per row of an earlier batch, in memory: its id (Arrow string: its bytes and 8), the row it repeats (8), the size
of its 3-gram sample (4) and where its 3-gram set lies on disk (8). Per distinct story text and per distinct
title, a 64-bit digest and the row (16). Per sampled 3-gram of a long story (a 3-gram starting with a word of 8
letters or more, within a paragraph), the 3-gram and the row (12), at most 51 rows a 3-gram (one that more than
50 stories share is a stock phrase, never evidence). On disk, in a temporary file: each long story's 3-gram set
(8 bytes a 3-gram), read back for the few earlier stories that a new one's sample points to. Measured on 100,000
stories of the shared corpora (about 330 words each): 654 bytes a row in memory, 584 of them the samples (49 a
story), and 2.7 kB a row on disk.

>>> seen = SeenStories()
>>> seen.rows
0
"""

from __future__ import annotations

import hashlib
import tempfile
from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from toolkit.arabic import normalise_many
from toolkit.duplicates import _ENOUGH_SHARED, _MAX_POSTING, StoryDuplicates, StoryWords, _new, _Trigrams


class _Runs:
    """uint64 key -> int64 values, as sorted runs merged like a binary counter (a batch adds a run; equal
    sizes merge): adding n keys costs O(n log n) in all, a look-up a binary search a run. ``cap``: values
    kept a key (the first ones)."""

    def __init__(self, cap: int | None = None, values: type = np.int64) -> None:
        self.runs: list[tuple[np.ndarray, np.ndarray]] = []
        self.cap, self.dtype = cap, values

    @property
    def nbytes(self) -> int:
        return sum(keys.nbytes + values.nbytes for keys, values in self.runs)

    def add(self, keys: np.ndarray, values: np.ndarray) -> None:
        if not len(keys):
            return
        run = self._sorted(keys, values)
        while self.runs and len(self.runs[-1][0]) <= 2 * len(run[0]):
            older = self.runs.pop()  # (older values first: a key's values stay in the order they came)
            run = self._sorted(np.concatenate((older[0], run[0])), np.concatenate((older[1], run[1])))
        self.runs.append(run)

    def _sorted(self, keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(keys, kind="stable")
        keys, values = keys[order], values[order].astype(self.dtype, copy=False)
        if self.cap is not None and len(keys):
            starts = np.flatnonzero(_new(keys))
            rank = np.arange(len(keys)) - np.repeat(starts, np.diff(np.append(starts, len(keys))))
            keys, values = keys[rank < self.cap], values[rank < self.cap]
        return keys, values

    def first(self, keys: np.ndarray) -> np.ndarray:
        """Per key, its first value (runs are oldest first), or -1."""
        found = np.full(len(keys), -1, dtype=np.int64)
        for run_keys, run_values in self.runs:
            at = np.minimum(np.searchsorted(run_keys, keys), len(run_keys) - 1)
            hit = (found < 0) & (run_keys[at] == keys)
            found[hit] = run_values[at[hit]]
        return found

    def all(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every (key, value) of these keys (sorted, distinct)."""
        found_keys, found_values = [], []
        for run_keys, run_values in self.runs:
            lo, hi = np.searchsorted(run_keys, keys, "left"), np.searchsorted(run_keys, keys, "right")
            at = _ranges(lo, hi)
            found_keys.append(run_keys[at])
            found_values.append(run_values[at])
        if not found_keys:
            return np.zeros(0, np.uint64), np.zeros(0, np.int64)
        return np.concatenate(found_keys), np.concatenate(found_values).astype(np.int64)


def _ranges(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The integers of [lo[i], hi[i]) for each i, one after the other."""
    sizes = hi - lo
    starts = np.repeat(lo - np.concatenate(([0], np.cumsum(sizes)[:-1])), sizes)
    return starts + np.arange(int(sizes.sum()))


class _Column:
    """A growing numpy array (doubling: amortised O(1) an item)."""

    def __init__(self, dtype: Any) -> None:
        self.data, self.size = np.zeros(1024, dtype=dtype), 0

    def extend(self, values: np.ndarray) -> None:
        if self.size + len(values) > len(self.data):
            self.data = np.resize(self.data, max(2 * len(self.data), self.size + len(values)))
        self.data[self.size : self.size + len(values)] = values
        self.size += len(values)

    def __getitem__(self, rows: np.ndarray) -> np.ndarray:
        return self.data[rows]


def _digests(strings: Sequence[str | bytes]) -> np.ndarray:
    """A 64-bit digest (BLAKE2b) of each string: two distinct texts among a million share one with a
    chance of about 3e-8."""
    return np.array(
        [
            int.from_bytes(hashlib.blake2b(s if isinstance(s, bytes) else s.encode(), digest_size=8).digest(), "little")
            for s in strings
        ],
        dtype=np.uint64,
    )


class SeenStories:
    """The stories of earlier batches, for `mark` to find what a new batch's rows repeat."""

    def __init__(self) -> None:
        self.rows = 0  # rows seen: a new batch's rows are numbered from here
        self.texts = _Runs()  # digest of a story's text_norm -> its first row
        self.titles = _Runs()  # digest of a normalised title -> the row a headline with it repeats
        # sampled 3-gram -> the rows of the long stories with it (rows as 32 bits: 12 bytes a sample, not 16)
        self.samples = _Runs(cap=_MAX_POSTING + 1, values=np.uint32)
        self.root = _Column(np.int64)  # per row: the row it repeats, or -1
        self.sample_size = _Column(np.int32)  # per row: its distinct sampled 3-grams
        self.spilled = _Column(np.int64)  # per row: where its 3-gram set starts in the spill file (8-byte units)
        # (closed by `close`, or at the latest when the process ends: the system deletes it then)
        self.spill = tempfile.TemporaryFile(prefix="toolkit-3grams-")  # noqa: SIM115
        self.spill_size = 0
        self.ids: list[pa.Array] = []
        self.id_starts: list[int] = []

    def close(self) -> None:
        self.spill.close()

    def nbytes(self) -> tuple[int, int]:
        """(bytes in memory, bytes on disk) that it keeps."""
        columns = sum(c.data[: c.size].nbytes for c in (self.root, self.sample_size, self.spilled))
        runs = self.texts.nbytes + self.titles.nbytes + self.samples.nbytes
        return columns + runs + sum(ids.nbytes for ids in self.ids), 8 * self.spill_size

    def mark(
        self, rows: list[dict[str, Any]], words: StoryWords, text_norm: pa.Array, duplicates: StoryDuplicates
    ) -> tuple[list[str | None], set[str]]:
        """Per row of a new batch, the id of the row it repeats (as `load_articles` would mark it, earlier
        batches included), and the ids of earlier batches' rows among them; then remembers the batch."""
        start = self.rows
        stories = np.array([k for k, row in enumerate(rows) if row["kind"] != "headline"], dtype=np.int64)
        first_of = self._exact(stories, text_norm)
        self._near(stories, len(rows), words, duplicates, first_of)
        self._headlines(rows, text_norm, first_of)
        self.root.extend(np.array([first_of.get(k, -1) for k in range(len(rows))], dtype=np.int64))
        self.ids.append(pa.array([row["article_id"] for row in rows], type=pa.large_string()))
        self.id_starts.append(start)
        self.rows += len(rows)
        marked = [first_of.get(k) for k in range(len(rows))]
        outside = {self._id(g) for g in marked if g is not None and g < start}
        return [None if g is None else self._id(g) for g in marked], outside

    def _id(self, row: int) -> str:
        chunk = bisect_right(self.id_starts, row) - 1
        return self.ids[chunk][row - self.id_starts[chunk]].as_py()

    def _exact(self, stories: np.ndarray, text_norm: pa.Array) -> dict[int, int]:
        """Batch row -> the first row (of any batch) with the same text, for the stories that repeat one."""
        start, first_of = self.rows, {}
        digests = _digests([text_norm[k].as_py() for k in stories.tolist()])
        earlier = self.texts.first(digests).tolist()
        in_batch: dict[int, int] = {}
        for k, digest, original in zip(stories.tolist(), digests.tolist(), earlier, strict=True):
            original = original if original >= 0 else in_batch.setdefault(digest, start + k)
            if original != start + k:
                first_of[k] = original
        new = np.array(
            [in_batch.get(d) == start + k for k, d in zip(stories.tolist(), digests.tolist(), strict=True)], dtype=bool
        )
        self.texts.add(digests[new], stories[new] + start)
        return first_of

    def _near(
        self,
        stories: np.ndarray,
        n_rows: int,
        words: StoryWords,
        duplicates: StoryDuplicates,
        first_of: dict[int, int],
    ) -> None:
        """As `toolkit.duplicates.duplicate_stories`: a long story that repeats no text exactly repeats the
        first earlier long story (earlier batches first) whose 3-gram set is similar enough, of those its
        3-gram sample proposes."""
        start = self.rows
        n_words = np.bincount(words.story_of[words.words.text_index], minlength=len(stories))
        compared = n_words >= duplicates.min_words
        compared[[s for s, k in enumerate(stories.tolist()) if k in first_of]] = False
        grams = _Trigrams.of(words, compared, n_words)
        row_of = stories + start  # per story of the batch: its row
        # The batch's sampled 3-grams, each once a story; with those of earlier stories, by 3-gram then row.
        batch_gram, batch_row = _distinct(grams.gram[grams.sampled], row_of[grams.story[grams.sampled]])
        sample_size = np.bincount(batch_row - start, minlength=n_rows)
        old_gram, old_row = self.samples.all(np.unique(batch_gram))
        gram, row = _distinct(np.concatenate((old_gram, batch_gram)), np.concatenate((old_row, batch_row)))
        later, earlier, shared = _shared_samples(gram, row, start)
        new = earlier >= start
        sizes = np.empty(len(earlier), dtype=np.int64)
        sizes[new] = sample_size[earlier[new] - start]
        sizes[~new] = self.sample_size[earlier[~new]]
        union = sizes + sample_size[later - start] - shared
        proposed = (shared >= _ENOUGH_SHARED) | (shared >= (duplicates.jaccard - 0.2) * union)
        later, earlier = later[proposed], earlier[proposed]
        pick = np.lexsort((earlier, later))
        later, earlier = later[pick], earlier[pick]
        similar = self._similar(earlier, later, grams, stories, duplicates.jaccard)
        for story, candidate, alike in zip(later.tolist(), earlier.tolist(), similar.tolist(), strict=True):
            if alike and story - start not in first_of:
                root = first_of.get(candidate - start, candidate) if candidate >= start else int(self.root[candidate])
                first_of[story - start] = candidate if root < 0 else root
        self._remember(grams, compared, stories, batch_gram, batch_row, sample_size)

    def _similar(
        self, earlier: np.ndarray, later: np.ndarray, grams: _Trigrams, stories: np.ndarray, jaccard: float
    ) -> np.ndarray:
        """Per pair: is the 3-gram Jaccard index at least ``jaccard``? (Earlier batches' sets read from disk.)"""
        from toolkit import _units

        start = self.rows
        old = np.unique(earlier[earlier < start])
        old_sets = [self._spilled(g) for g in old.tolist()]
        old_bounds = np.cumsum([0] + [len(s) for s in old_sets])
        gram = np.concatenate([*old_sets, grams.gram]) if old_sets else grams.gram
        bounds = np.concatenate((old_bounds[:-1], grams.bounds + old_bounds[-1]))
        story_of_row = np.full(int(stories[-1]) + 1 if len(stories) else 0, -1, dtype=np.int64)
        story_of_row[stories] = np.arange(len(stories))

        def local(rows: np.ndarray) -> np.ndarray:
            out = np.searchsorted(old, rows)
            new = rows >= start
            out[new] = len(old) + story_of_row[rows[new] - start]
            return out

        return _units.similar_pairs(gram, bounds, local(earlier), local(later), jaccard)

    def _spilled(self, row: int) -> np.ndarray:
        at = int(self.spilled[row])
        self.spill.seek(8 * at)
        count = np.frombuffer(self.spill.read(8), dtype=np.int64)[0]
        return np.frombuffer(self.spill.read(8 * int(count)), dtype=np.uint64)

    def _remember(
        self,
        grams: _Trigrams,
        compared: np.ndarray,
        stories: np.ndarray,
        batch_gram: np.ndarray,
        batch_row: np.ndarray,
        sample_size: np.ndarray,
    ) -> None:
        self.samples.add(batch_gram, batch_row)
        spilled = np.full(len(sample_size), -1, dtype=np.int64)
        self.spill.seek(8 * self.spill_size)
        for s in np.flatnonzero(compared).tolist():
            distinct = np.unique(grams.gram[grams.bounds[s] : grams.bounds[s + 1]])
            spilled[stories[s]] = self.spill_size
            self.spill.write(np.int64(len(distinct)).tobytes() + distinct.tobytes())
            self.spill_size += 1 + len(distinct)
        self.sample_size.extend(sample_size.astype(np.int32))
        self.spilled.extend(spilled)

    def _headlines(self, rows: list[dict[str, Any]], text_norm: pa.Array, first_of: dict[int, int]) -> None:
        """As `toolkit.load.articles._duplicate_of`: a headline repeats the first row (of any batch) with its
        title, or that row's original."""
        start = self.rows
        titled = [k for k, row in enumerate(rows) if row["kind"] == "headline" or row["title"]]
        plain = iter(
            normalise_many([rows[k]["title"] for k in titled if rows[k]["kind"] != "headline"], assume_canonical=True)
        )
        titles = [text_norm[k].as_py() if rows[k]["kind"] == "headline" else next(plain) for k in titled]
        earlier = self.titles.first(_digests(titles)).tolist() if titles else []
        in_batch: dict[str, int] = {}
        new_titles, new_rows = [], []
        for k, title, old in zip(titled, titles, earlier, strict=True):
            seen = old if old >= 0 else in_batch.get(title)
            if rows[k]["kind"] == "headline" and seen is not None:
                first_of[k] = seen
            if title and seen is None:
                in_batch[title] = first_of.get(k, start + k)
                new_titles.append(title)
                new_rows.append(in_batch[title])
        self.titles.add(_digests(new_titles), np.array(new_rows, dtype=np.int64))


def _distinct(gram: np.ndarray, row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The (3-gram, row) pairs, each once, by 3-gram then row."""
    order = np.lexsort((row, gram))
    gram, row = gram[order], row[order].astype(np.int64)
    keep = _new(gram)
    keep[1:] |= row[1:] != row[:-1]
    return gram[keep], row[keep]


def _shared_samples(gram: np.ndarray, row: np.ndarray, start: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs of rows sharing sampled 3-grams (sorted by 3-gram, then row) of which the later is in the batch
    (from ``start``): later, earlier and how many they share, counting only 3-grams of at most `_MAX_POSTING`
    stories so far (`toolkit.duplicates._candidate_pairs` counts those of the whole corpus)."""
    if not len(gram):
        return (np.zeros(0, np.int64),) * 3
    starts = np.flatnonzero(_new(gram))
    sizes = np.diff(np.append(starts, len(gram)))
    total = int(row.max()) + 1
    pairs = []
    for size in np.unique(sizes[(sizes >= 2) & (sizes <= _MAX_POSTING)]).tolist():
        members = row[starts[sizes == size][:, None] + np.arange(size)]
        first, second = np.triu_indices(size, 1)
        pair = members[:, first].ravel() * total + members[:, second].ravel()
        pairs.append(pair[members[:, second].ravel() >= start])
    if not pairs:
        return (np.zeros(0, np.int64),) * 3
    pair = np.sort(np.concatenate(pairs))
    first_at = np.flatnonzero(_new(pair))
    shared = np.diff(np.append(first_at, len(pair)))
    earlier, later = np.divmod(pair[first_at], total)
    return later, earlier, shared

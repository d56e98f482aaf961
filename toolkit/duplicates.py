"""Repeated paragraphs inside a story and duplicate stories across a corpus.

The load stage's cleaning asks two questions of normalised text, for a whole corpus at once:

* `distinct_paragraphs`: which paragraphs of each story to keep, without the ones repeating an earlier
  paragraph exactly or nearly (a lede restated at the end, a paragraph pasted twice);
* `duplicate_stories`: which story repeats which earlier one (wire copy republished by several outlets).

Both count words as 64-bit hashes (`toolkit.arabic.hashed_words`), with array operations and compiled
loops (`toolkit._units`), and look at the words themselves only for the few paragraphs or stories that the
counts single out.

>>> stories = [["خبر اول", "فقرة ثانية", "خبر اول"]]
>>> distinct_paragraphs(stories)
[[0, 1]]
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from toolkit.arabic import HashedWords, Paragraphs, hashed_words, tokenize

__all__ = ["ParagraphRepeats", "StoryDuplicates", "StoryWords", "distinct_paragraphs", "duplicate_stories"]


@dataclass(frozen=True)
class ParagraphRepeats:
    """When a later paragraph of a story repeats an earlier one (see ``[paragraphs]`` in the boilerplate table).

    A paragraph of at least ``min_words`` words, not longer than an earlier one, holding ``containment`` of
    its words in it, with a word-set Jaccard index of at least ``jaccard`` and no number the earlier one
    lacks. The first paragraph and the one right before are never the earlier one.
    """

    min_words: int = 12
    containment: float = 0.65
    jaccard: float = 0.44


@dataclass(frozen=True)
class StoryDuplicates:
    """When a story repeats an earlier one (see ``[stories]`` in the boilerplate table): the same text, or,
    for stories of at least ``min_words`` words, word 3-gram sets with a Jaccard index of at least ``jaccard``."""

    min_words: int = 30
    jaccard: float = 0.5


@dataclass(frozen=True)
class StoryWords:
    """Stories as paragraphs of hashed words (`toolkit.arabic.hashed_words`): what both checks count.

    Made once by `of` and narrowed with `kept`, so that a corpus is hashed once.
    """

    words: HashedWords  # text_index: the paragraph, numbered through all stories
    story_of: np.ndarray  # per paragraph: its story
    first: np.ndarray  # per story: its first paragraph's number (one more entry: the number of paragraphs)

    @classmethod
    def of(cls, stories: Sequence[Sequence[str]]) -> StoryWords:
        """The words of each story's paragraphs (normalised text; `toolkit.arabic.Paragraphs` have theirs).

        >>> StoryWords.of([["زلزال قوي", "هزة"], []]).words.text_index.tolist()
        [0, 0, 1]
        """
        if isinstance(stories, Paragraphs):
            first, words = stories.first, stories.words
        else:
            first = np.concatenate(([0], np.cumsum([len(story) for story in stories], dtype=np.int64)))
            words = hashed_words([paragraph for story in stories for paragraph in story])
        return cls(words, np.repeat(np.arange(len(first) - 1), np.diff(first)), first)

    def kept(self, paragraphs: Sequence[Sequence[int]], stories: Sequence[int] | None = None) -> StoryWords:
        """Only these paragraphs of each story (indices as in `of`), of these stories (increasing; all)."""
        keep = np.zeros(self.first[-1], dtype=bool)
        chosen = range(len(paragraphs)) if stories is None else stories
        kept = [paragraphs[k] for k in chosen]
        # One array of (story's first paragraph + index) for all: a small array per story costs more.
        firsts = np.repeat(self.first[np.asarray(chosen, dtype=np.int64)], [len(indices) for indices in kept])
        keep[firsts + np.fromiter(itertools.chain.from_iterable(kept), dtype=np.int64, count=len(firsts))] = True
        return self._narrowed(keep, self._chosen(stories))

    def _chosen(self, stories: Sequence[int] | None) -> np.ndarray:
        chosen = np.zeros(len(self.first) - 1, dtype=bool)
        chosen[slice(None) if stories is None else np.asarray(stories, dtype=np.int64)] = True
        return chosen

    def _narrowed(self, paragraphs: np.ndarray, stories: np.ndarray) -> StoryWords:
        # Order is kept: masks only, and the numbers of what is left counted anew.
        number = np.cumsum(paragraphs) - 1
        story_number = np.cumsum(stories) - 1
        on = paragraphs[self.words.text_index]
        sizes = np.bincount(story_number[self.story_of[paragraphs]], minlength=int(stories.sum()))
        return StoryWords(
            HashedWords(
                self.words.hashes[on],
                self.words.lengths[on],
                number[self.words.text_index[on]],
                self.words.text_hashes[paragraphs],
            ),
            story_number[self.story_of[paragraphs]],
            np.concatenate(([0], np.cumsum(sizes))),
        )

    def sliced(self, start: int, stop: int) -> StoryWords:
        """Stories ``start`` to ``stop`` (not included), numbered from 0: views of these arrays but the numbers.

        >>> StoryWords.of([["زلزال قوي"], ["هزة", "ارتدادية ثانية"], []]).sliced(1, 3).words.text_index.tolist()
        [0, 1, 1]
        """
        first, last = int(self.first[start]), int(self.first[stop])
        # (a story's words follow its paragraphs in order: text_index is sorted)
        at, end = np.searchsorted(self.words.text_index, [first, last])
        return StoryWords(
            HashedWords(
                self.words.hashes[at:end],
                self.words.lengths[at:end],
                self.words.text_index[at:end] - first,
                self.words.text_hashes[first:last],
            ),
            self.story_of[first:last] - start,
            self.first[start : stop + 1] - first,
        )

    def __reduce__(self) -> tuple[Any, tuple[np.ndarray, ...]]:
        """Pickled (a Dask worker's cleaned records, sent to the client) in half the bytes: each paragraph's number
        of words, not each word's paragraph, and word lengths in 32 bits.

        >>> import pickle
        >>> words = StoryWords.of([["زلزال قوي", "هزة"], []])
        >>> pickle.loads(pickle.dumps(words)).words.text_index.tolist()
        [0, 0, 1]
        """
        words = self.words
        lengths = words.lengths.astype(np.int32)
        return _story_words, (words.hashes, lengths, words.counts, words.text_hashes, self.story_of, self.first)

    @classmethod
    def joined(cls, parts: Sequence[StoryWords]) -> StoryWords:
        """The stories of ``parts``, one after the other."""
        paragraph_offsets = np.cumsum([0] + [part.first[-1] for part in parts])
        story_offsets = np.cumsum([0] + [len(part.first) - 1 for part in parts])
        return cls(
            HashedWords(
                _joined([p.words.hashes for p in parts], np.uint64),
                _joined([p.words.lengths for p in parts], np.int64),
                _joined([p.words.text_index + o for p, o in zip(parts, paragraph_offsets, strict=False)], np.int64),
                _joined([p.words.text_hashes for p in parts], np.uint64),
            ),
            _joined([p.story_of + o for p, o in zip(parts, story_offsets, strict=False)], np.int64),
            _joined(
                [np.zeros(1, np.int64)] + [p.first[1:] + o for p, o in zip(parts, paragraph_offsets, strict=False)],
                np.int64,
            ),
        )


def _story_words(
    hashes: np.ndarray,
    lengths: np.ndarray,
    counts: np.ndarray,
    text_hashes: np.ndarray,
    story_of: np.ndarray,
    first: np.ndarray,
) -> StoryWords:
    """`StoryWords` as `StoryWords.__reduce__` sends them."""
    text_index = np.repeat(np.arange(len(counts)), counts)
    return StoryWords(HashedWords(hashes, lengths.astype(np.int64), text_index, text_hashes), story_of, first)


def _new(values: np.ndarray) -> np.ndarray:
    """Per value of a sorted array: is it the first of its run?"""
    new = np.ones(len(values), dtype=bool)
    new[1:] = values[1:] != values[:-1]
    return new


def _joined(arrays: list[np.ndarray], dtype: type) -> np.ndarray:
    """The arrays one after the other (none: an empty one of ``dtype``)."""
    return np.concatenate(arrays).astype(dtype, copy=False) if arrays else np.zeros(0, dtype=dtype)


# Whitespace words pre-filter (counted as hashes), tokens decide: a paragraph that has not even this share
# of its words anywhere in the earlier paragraphs together is no near repeat of one of them.
_PREFILTER_SHARE = 0.4
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def distinct_paragraphs(
    stories: Sequence[Sequence[str]], *, repeats: ParagraphRepeats | None = None, words: StoryWords | None = None
) -> list[list[int]]:
    """For each story (its paragraphs, normalised), the indices of the paragraphs to keep, in order.

    Empty paragraphs go, an identical repeat goes (the first is kept), and so does a near repeat as
    ``repeats`` defines it. ``words``: ``StoryWords.of(stories)``, when the caller has it already. Only the
    stories that the word counts single out are read (`toolkit.arabic.Paragraphs` decodes those alone).

    >>> quake = "وقالت هيئة الارصاد ان زلزالا بقوة 5 درجات ضرب مدينة بشاور شمال غرب باكستان صباح اليوم"
    >>> again = "وقالت الهيئة ان زلزالا بقوة 5 درجات ضرب مدينة بشاور شمال غرب باكستان"
    >>> story = ["ضرب زلزال مدينة بشاور", quake, "وقال مسؤول ان الهزة لم تسفر عن اضرار",
    ...          "واضاف ان فرق الانقاذ في حالة تاهب", again]
    >>> distinct_paragraphs([story])
    [[0, 1, 2, 3]]
    """
    repeats = repeats or ParagraphRepeats()
    words = words or StoryWords.of(stories)
    sizes = np.diff(words.first).tolist()
    kept = [
        _first_occurrences(stories[k]) if look else list(range(size))
        for k, (size, look) in enumerate(zip(sizes, _with_repeats_or_blanks(words), strict=True))
    ]
    # Near repeats need a lede, an earlier paragraph and one in between: more than three paragraphs.
    compared = [k for k, indices in enumerate(kept) if len(indices) > 3]
    suspects = _near_repeat_suspects(words, kept, compared, repeats) if compared else {}
    for k, story_suspects in suspects.items():
        kept[k] = _without_near_repeats(stories[k], kept[k], story_suspects, repeats)
    return kept


def _with_repeats_or_blanks(words: StoryWords) -> list[bool]:
    """Per story: may a paragraph repeat an earlier one exactly, or have no words? (By the paragraphs'
    hashes, for all stories at once: only those stories' strings are compared.)"""
    blank = words.words.counts == 0
    order = np.lexsort((words.words.text_hashes, words.story_of))
    same = (np.diff(words.story_of[order]) == 0) & (np.diff(words.words.text_hashes[order]) == 0)
    found = np.zeros(len(words.first) - 1, dtype=bool)
    found[words.story_of[blank]] = True
    found[words.story_of[order[1:][same]]] = True
    return found.tolist()


def _first_occurrences(paragraphs: Sequence[str]) -> list[int]:
    seen: set[str] = set()
    first = []
    for i, paragraph in enumerate(paragraphs):
        if paragraph and paragraph not in seen:
            seen.add(paragraph)
            first.append(i)
    return first


def _near_repeat_suspects(
    words: StoryWords, kept: list[list[int]], compared: list[int], repeats: ParagraphRepeats
) -> dict[int, dict[int, list[int]]]:
    """Story -> its paragraphs that pass the word pre-filter -> the earlier paragraphs they may repeat.

    Of the ``kept`` paragraphs of the ``compared`` stories, a paragraph passes when it has ``min_words``
    distinct words, at least `_PREFILTER_SHARE` of them in the pool (the paragraphs before it, less the
    story's first one and the one right before it), and as many in one paragraph of the pool: that one is a
    suspect. This holds for every near repeat, so the others need no closer look. (A compiled loop counts
    the words of each story in a hash table.)
    """
    from toolkit import _units  # (numba is slow to import: only when a corpus comes)

    firsts = words.first.tolist()
    rest = [kept[k][1:] for k in compared]  # the first paragraph is never pooled: it need not be counted
    paragraphs = np.array([firsts[k] + i for k, indices in zip(compared, rest, strict=True) for i in indices])
    word_starts = np.concatenate(([0], np.cumsum(words.words.counts)))
    stories, later, earlier = _units.near_repeat_suspects(
        words.words.hashes,
        word_starts,
        paragraphs.astype(np.int64),
        np.fromiter(itertools.chain.from_iterable(rest), dtype=np.int64, count=len(paragraphs)),
        np.cumsum([0] + [len(indices) for indices in rest], dtype=np.int64),
        repeats.min_words,
        _PREFILTER_SHARE,
    )
    suspects: dict[int, dict[int, list[int]]] = {}
    for story, j, i in zip(stories, later, earlier, strict=True):
        suspects.setdefault(compared[story], {}).setdefault(j, []).append(i)
    return suspects


def _without_near_repeats(
    paragraphs: Sequence[str], kept: list[int], suspects: Mapping[int, list[int]], repeats: ParagraphRepeats
) -> list[int]:
    """``kept`` less the suspects that repeat an earlier paragraph still kept (by tokens and numbers).

    ``suspects``: paragraph -> the earlier paragraphs holding `_PREFILTER_SHARE` of its words, by hash.
    """
    result: list[int] = []
    for j in kept:
        if j in suspects:
            mine = set(paragraphs[j].split())
            least = _PREFILTER_SHARE * len(mine)
            still_kept = set(result[1:])
            earlier = [
                i
                for i in suspects[j]
                if i in still_kept and i <= j - 2 and len(mine & set(paragraphs[i].split())) >= least
            ]
            b = frozenset(tokenize(paragraphs[j], normalised=True))
            numbers = set(_NUMBER.findall(paragraphs[j]))
            if len(b) >= repeats.min_words and any(
                _near_repeat(frozenset(tokenize(paragraphs[i], normalised=True)), b, repeats)
                and numbers <= set(_NUMBER.findall(paragraphs[i]))
                for i in earlier
            ):
                continue
        result.append(j)
    return result


def _near_repeat(a: frozenset[str], b: frozenset[str], repeats: ParagraphRepeats) -> bool:
    if len(b) > len(a):
        return False
    shared = len(a & b)
    return shared >= repeats.containment * len(b) and shared >= repeats.jaccard * (len(a) + len(b) - shared)


# A sampled 3-gram starts with a word of at least this many letters (content words, mostly); sampling by
# the words themselves (not by a hash) makes the result the same in every run.
_SAMPLE_WORD_LENGTH = 8
# A sampled 3-gram in more stories than this is a stock phrase, not evidence of copying.
_MAX_POSTING = 50
# Stories sharing this many sampled 3-grams are compared in full, whatever their samples' sizes.
_ENOUGH_SHARED = 3
# Mixing three word hashes into one 3-gram hash (odd multipliers, mod 2**64).
_MIX = (np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))


def duplicate_stories(
    texts: Sequence[str], *, duplicates: StoryDuplicates | None = None, words: StoryWords | None = None
) -> list[int | None]:
    """For each story (normalised text, paragraphs apart by a blank line), the index of the first story it
    repeats, or None.

    Identical texts repeat the first of them; stories of ``min_words`` words or more also repeat an
    earlier one whose word 3-gram set has a Jaccard index of at least ``jaccard`` with theirs. A story
    always points to one that repeats nothing. ``words``: the stories' `StoryWords`, when the caller has
    them already (then only the texts of stories whose words hash alike are read).

    >>> wire = "اعلنت وزارة الدفاع الباكستانية اليوم عن توقيع اتفاق للتعاون العسكري مع ايران يشمل التدريب"
    >>> duplicate_stories([wire, "خبر اخر", wire], duplicates=StoryDuplicates(min_words=5))
    [None, None, 0]
    """
    duplicates = duplicates or StoryDuplicates()
    words = words or StoryWords.of([text.split("\n\n") for text in texts])
    n_words = np.bincount(words.story_of[words.words.text_index], minlength=len(texts))
    first_of: dict[int, int] = {}
    by_text: dict[str, int] = {}
    for k in _alike(words).tolist():  # (the others repeat no text exactly)
        original = by_text.setdefault(texts[k], k)
        if original != k:
            first_of[k] = original
    compared = n_words >= duplicates.min_words  # long stories that repeat no earlier text exactly
    compared[list(first_of)] = False
    grams = _Trigrams.of(words, compared, n_words)
    later, earlier = _candidate_pairs(grams, duplicates.jaccard)
    # Each later story repeats the first earlier one that is similar enough (pairs in that order).
    for story, candidate, similar in zip(
        later.tolist(), earlier.tolist(), grams.similar(earlier, later, duplicates.jaccard).tolist(), strict=True
    ):
        if similar and story not in first_of:
            first_of[story] = first_of.get(candidate, candidate)
    return [first_of.get(k) for k in range(len(texts))]


def _alike(words: StoryWords) -> np.ndarray:
    """The stories (numbers, increasing) whose paragraphs' hashes, in order, are another story's too."""
    story_of, hashes = words.story_of, words.words.text_hashes
    # Each paragraph's hash mixed with its place in the story, summed per story (mod 2**64).
    place = (np.arange(len(story_of)) - words.first[story_of]).astype(np.uint64)
    mixed = (hashes ^ place * _MIX[1]) * _MIX[0]
    mixed ^= mixed >> np.uint64(31)
    sums = np.concatenate((np.zeros(1, np.uint64), np.cumsum(mixed, dtype=np.uint64)))
    story = (sums[words.first[1:]] - sums[words.first[:-1]]) ^ (np.diff(words.first).astype(np.uint64) * _MIX[0])
    order = np.argsort(story, kind="stable")
    same = story[order[1:]] == story[order[:-1]]
    alike = np.zeros(len(story), dtype=bool)
    alike[order[1:][same]] = alike[order[:-1][same]] = True
    return np.flatnonzero(alike)


@dataclass(frozen=True)
class _Trigrams:
    """The word 3-grams of some stories, hashed, in story order: ``story`` and ``gram`` per 3-gram (the
    other stories have none)."""

    story: np.ndarray
    gram: np.ndarray
    sampled: np.ndarray  # bool: starts with a long word, within a paragraph
    bounds: np.ndarray  # story k's 3-grams are [bounds[k], bounds[k + 1])

    @classmethod
    def of(cls, words: StoryWords, stories: np.ndarray, n_words: np.ndarray) -> _Trigrams:
        """The 3-grams of ``stories`` (a bool per story; ``n_words``: words per story)."""
        from toolkit import _units  # (numba is slow to import: only when a corpus comes)

        # Sampled 3-grams keep within paragraphs: where an outlet breaks paragraphs is layout, not wording.
        gram, story, sampled, bounds = _units.trigrams(
            words.words.hashes,
            words.words.lengths,
            words.words.text_index,
            np.concatenate(([0], np.cumsum(n_words))),
            stories,
            _SAMPLE_WORD_LENGTH,
            np.array(_MIX, dtype=np.uint64),
        )
        return cls(story, gram, sampled, bounds)

    def similar(self, a: np.ndarray, b: np.ndarray, jaccard: float) -> np.ndarray:
        """Per pair of stories a[p], b[p]: have they a 3-gram Jaccard index of at least ``jaccard``?"""
        from toolkit import _units

        return _units.similar_pairs(self.gram, self.bounds, a, b, jaccard)


def _candidate_pairs(grams: _Trigrams, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of a story and an earlier one whose samples suggest a Jaccard index near ``threshold``: the
    later ones and the earlier ones, by later story, then earlier."""
    # Sampled 3-grams by 3-gram, then story, each once a story: the story packed into the low bits of the
    # 3-gram's hash, and sorted (np.sort is several times faster than a lexsort). Two 3-grams whose hashes
    # share their top bits are one: a chance of about samples**2 / 2**(64 - story bits) that a pair of
    # stories is proposed, or a sample counted, differently; the full 3-gram sets decide.
    story_bits = max(1, len(grams.bounds).bit_length())
    low = np.uint64((1 << story_bits) - 1)
    packed = np.sort(grams.gram[grams.sampled] & ~low | grams.story[grams.sampled].astype(np.uint64))
    packed = packed[_new(packed)]
    story, gram = (packed & low).astype(np.int64), packed & ~low
    sample_size = np.bincount(story, minlength=len(grams.bounds) - 1)
    starts = np.flatnonzero(_new(gram))
    sizes = np.diff(np.append(starts, len(gram)))
    pairs = []
    counts = np.bincount(sizes, minlength=_MAX_POSTING + 1)
    for size in (np.flatnonzero(counts[2 : _MAX_POSTING + 1]) + 2).tolist():
        members = story[starts[sizes == size][:, None] + np.arange(size)]  # one row per 3-gram
        earlier, later = np.triu_indices(size, 1)
        pairs.append(members[:, earlier].ravel() * len(sample_size) + members[:, later].ravel())
    if not pairs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    pair = np.sort(np.concatenate(pairs))
    first = np.flatnonzero(_new(pair))
    shared = np.diff(np.append(first, len(pair)))
    earlier, later = np.divmod(pair[first], len(sample_size))
    union = sample_size[earlier] + sample_size[later] - shared
    # Generous: the sample only proposes, the full 3-gram sets decide.
    proposed = (shared >= _ENOUGH_SHARED) | (shared >= (threshold - 0.2) * union)
    order = np.lexsort((earlier[proposed], later[proposed]))  # later stories in order, earlier ones in order
    return later[proposed][order], earlier[proposed][order]

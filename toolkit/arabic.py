"""Arabic text layer: normalisation, tokenisation and stop words.

Every later stage (loading, topics, themes, plots) uses these functions, so a
word is spelled the same way wherever it is counted or matched.

>>> normalise("وزیر الدفاع")          # Persian yeh inside an Arabic word
'وزير الدفاع'
>>> normalise("ﻷن الزلزال ضرب ٣ مدن")  # presentation form, Eastern digits
'لان الزلزال ضرب 3 مدن'
>>> tokenize("قال وزير الدفاع: 5 زلازل")
['قال', 'وزير', 'الدفاع', 'زلازل']

A corpus of short texts (paragraphs, titles) goes faster through `normalise_many`, which gives the same
strings as `normalise`, and `hashed_words` turns its words into integers for counting.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

__all__ = [
    "TOKEN_PATTERN",
    "arabic_stop_words",
    "canonical_letters",
    "hashed_words",
    "is_arabic",
    "normalise",
    "normalise_many",
    "normalised_words",
    "tokenize",
]

# Removed before anything else, so that NFKC sees the letters they separate.
_INVISIBLE = "".join(
    [
        "\u00ad",  # soft hyphen
        "\u061c",  # Arabic letter mark
        "\u180e",  # Mongolian vowel separator
        *map(chr, range(0x200B, 0x2010)),  # zero-width space/joiners, LRM, RLM
        *map(chr, range(0x202A, 0x202F)),  # bidi embeddings and overrides
        *map(chr, range(0x2060, 0x2065)),  # word joiner, invisible operators
        *map(chr, range(0x2066, 0x206A)),  # bidi isolates
        "\ufeff",  # BOM / zero-width no-break space
        # Control characters that are not white space (NUL, escape, DEL, C1): scraping debris, never text.
        *map(chr, [*range(0x00, 0x09), *range(0x0E, 0x1C), 0x7F, *range(0x80, 0x85), *range(0x86, 0xA0)]),
    ]
)
# Lone surrogates (a JSON "\\ud83d" escape cut in half) are not text: no encoding can write them.
_SURROGATES = "\ud800-\udfff"

# Persian and Urdu letter shapes that scraped Arabic text mixes into Arabic words.
_PERSIAN_TO_ARABIC = str.maketrans(
    {
        "\u06cc": "\u064a",  # ی farsi yeh -> ي
        "\u06d2": "\u064a",  # ے yeh barree -> ي
        "\u06a9": "\u0643",  # ک keheh -> ك
        "\u06aa": "\u0643",  # ڪ swash kaf -> ك
        "\u06be": "\u0647",  # ھ heh doachashmee -> ه
        "\u06c1": "\u0647",  # ہ heh goal -> ه
        "\u06d5": "\u0647",  # ە ae -> ه
        "\u06c0": "\u0629",  # ۀ heh with yeh above -> ة
        "\u06c3": "\u0629",  # ۃ teh marbuta goal -> ة
    }
)

_DIGITS = str.maketrans(
    {
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian
        "\u066b": ".",  # Arabic decimal separator
        "\u066c": ",",  # Arabic thousands separator
    }
)
# Rare in real text: one regex scan finds them, where str.translate would look up every character.
_LETTER_AND_DIGIT_FIXES = _PERSIAN_TO_ARABIC | _DIGITS
_TO_FIX = re.compile("[" + "".join(map(chr, _LETTER_AND_DIGIT_FIXES)) + "]")

_ANALYSIS_FOLDS = str.maketrans(
    {
        "\u0640": None,  # tatweel
        "\u0623": "\u0627",  # أ
        "\u0625": "\u0627",  # إ
        "\u0622": "\u0627",  # آ
        "\u0671": "\u0627",  # ٱ alef wasla
        "\u0672": "\u0627",
        "\u0673": "\u0627",
        "\u0649": "\u064a",  # ى alef maksura -> ي
    }
)
_TEH_MARBUTA = str.maketrans({"\u0629": "\u0647"})
_HAMZA_CARRIERS = str.maketrans({"\u0624": "\u0648", "\u0626": "\u064a"})

# Harakat, tanween, shadda, sukun, superscript alef and Quranic annotation marks.
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u08d3-\u08ff]")
_LINE_BREAK_CHARS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # besides \n, where str.splitlines splits
# White space other than the plain space and the newline (tabs, NBSP, line separators...).
_ODD_SPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace() and c not in " \n")
_ODD_SPACES = re.compile(f"[{re.escape(_ODD_SPACE)}]")
_REMOVED = frozenset(_INVISIBLE) | frozenset(map(chr, range(0xD800, 0xE000)))
_LINE_SPACES = frozenset(c for c in _ODD_SPACE if c not in _LINE_BREAK_CHARS)
_LINE_BREAK_SET = frozenset(_LINE_BREAK_CHARS)
_LETTERS_TO_FIX = frozenset(map(chr, _LETTER_AND_DIGIT_FIXES))
# Everything canonical_letters changes besides NFKC and doubled spaces: most news text has none of it.
_NEEDS_FIXING_CHARS = _INVISIBLE + "".join(map(chr, _LETTER_AND_DIGIT_FIXES)) + _ODD_SPACE
_NEEDS_FIXING = re.compile(f"[{re.escape(_NEEDS_FIXING_CHARS)}{_SURROGATES}]")
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_BLANK_LINES = re.compile(r"\n{3,}")

# Letters only (no digits, no underscore), two or more: what counts as a word.
TOKEN_PATTERN = r"(?u)\b[^\W\d_]{2,}\b"
_TOKEN = re.compile(TOKEN_PATTERN)
_ARABIC_LETTER = re.compile("[\u0620-\u064a\u0671-\u06d3\u06fa-\u06ff]")


def canonical_letters(text: str) -> str:
    """Fix how the text is encoded without changing how it is spelled.

    NFKC (presentation forms such as ﻷ become ل + أ, NBSP becomes a space),
    invisible and bidi control characters removed, Persian/Urdu letter shapes
    mapped to their Arabic letters, Eastern Arabic and Persian digits to ASCII,
    white space tidied. Diacritics, hamza and tatweel stay: this is the form for
    text a reader sees (`text`, `tags`).

    >>> canonical_letters("حريات\\u00a0دراسات وزیر")
    'حريات دراسات وزير'
    """
    # The common case costs one scan, NFKC's quick check and a few substring tests.
    odd = set(_NEEDS_FIXING.findall(text))
    if not odd and unicodedata.is_normalized("NFKC", text) and _is_tidy(text):
        return text
    # A text holds few distinct characters to fix (NBSP, mostly): one replace each beats a regex pass each.
    for char in odd:
        if char in _REMOVED or char in _LINE_SPACES:
            text = text.replace(char, "" if char in _REMOVED else " ")
    composed = unicodedata.normalize("NFKC", text)
    changed = composed != text  # presentation forms can become Persian letters
    letters = set(_TO_FIX.findall(composed)) if changed else odd & _LETTERS_TO_FIX
    for char in letters:
        composed = composed.replace(char, _LETTER_AND_DIGIT_FIXES[ord(char)])
    if letters:  # a mapped letter can compose with a following mark (ی + ٔ -> ي + ٔ -> ئ)
        composed = unicodedata.normalize("NFKC", composed)
    if changed or letters or odd & _LINE_BREAK_SET:
        return _tidy_space(composed)
    return _tidy_plain_space(composed)  # its only white space is " " and "\n"


def normalise(text: str, *, fold_teh_marbuta: bool = False, fold_hamza: bool = False) -> str:
    """Normalise Arabic text for counting and matching (the `text_norm` column).

    Everything `canonical_letters` does, then diacritics and tatweel removed,
    alef variants (أ إ آ ٱ) folded to ا and alef maksura ى to ي. Options fold
    teh marbuta ة to ه and the hamza carriers ؤ ئ to و ي. Idempotent; never
    raises on any string.

    >>> normalise("تَشــــهدُ المدينةُ أمطاراً غزيرة", fold_teh_marbuta=True)
    'تشهد المدينه امطارا غزيره'
    """
    text = canonical_letters(text)
    text = _replace_letters(_DIACRITICS.sub("", text), _ANALYSIS_FOLDS)
    if fold_teh_marbuta:
        text = _replace_letters(text, _TEH_MARBUTA)
    if fold_hamza:
        text = _replace_letters(text, _HAMZA_CARRIERS)
    return _composed_and_tidy(text)


def _composed_and_tidy(text: str) -> str:
    # Removing marks can leave a base letter next to a mark it now composes with, or doubled spaces.
    text = unicodedata.normalize("NFKC", text)
    return text if _is_tidy(text) else _tidy_space(text)


def _tidy_space(text: str) -> str:
    if _ODD_SPACES.search(text) is None and _is_tidy(text):
        return text
    # Whole-text passes (not line by line): every line break becomes \n, other white space a space, runs of
    # spaces one space, lines stripped, at most one blank line. No regex visits every space.
    return _tidy_plain_space(_ODD_SPACES.sub(" ", _LINE_BREAKS.sub("\n", text)))


def _tidy_plain_space(text: str) -> str:
    """`_tidy_space` of a text whose only white space is " " and "\n"."""
    while "  " in text:
        text = text.replace("  ", " ")
    return _BLANK_LINES.sub("\n\n", text.replace(" \n", "\n").replace("\n ", "\n")).strip()


def _is_tidy(text: str) -> bool:
    """True when a text of plain spaces and newlines needs no tidying."""
    return not ("  " in text or " \n" in text or "\n " in text or "\n\n\n" in text) and text == text.strip()


def _replace_letters(text: str, table: dict[int, str | None]) -> str:
    # These letters are frequent: chained str.replace is far faster than str.translate on Arabic text.
    for old, new in table.items():
        text = text.replace(chr(old), new or "")
    return text


# ---------------------------------------------------------------- a corpus at once
#
# The batch forms run the per-character steps on all texts at once, as one array of UTF-16 code units, and
# send a text through the one-text function only where that array shows it needs more (rare in news).
# They return exactly what the one-text functions return (tests/test_arabic.py checks it on any text).

_JOIN = "\x00"  # between the texts in the array; a corpus with NUL in a text goes text by text
_UTF16_DECODE = codecs.utf_16_le_decode
_SPACE, _NEWLINE = ord(" "), ord("\n")


@dataclass(frozen=True)
class _CodeUnits:
    """Texts as one array of UTF-16 code units, NUL between them."""

    units: np.ndarray
    starts: np.ndarray  # the first unit of each text
    ends: np.ndarray  # one past its last unit

    @classmethod
    def of(cls, texts: Sequence[str]) -> _CodeUnits | None:
        # Text by text, then the bytes joined: a few characters beyond the BMP (emoji) in one text would
        # make a joined string four bytes a character, and slow every text down.
        units = np.frombuffer(
            b"\x00\x00".join([text.encode("utf-16-le", "surrogatepass") for text in texts]), np.uint16
        )
        array = cls.at(units)
        return array if texts and len(array.starts) == len(texts) else None  # None: a text holds NUL

    @classmethod
    def at(cls, units: np.ndarray) -> _CodeUnits:
        joins = np.flatnonzero(units == 0)
        return cls(units, np.concatenate(([0], joins + 1)), np.concatenate((joins, [len(units)])))

    def replaced(self, texts: Mapping[int, str]) -> _CodeUnits:
        """The array with these texts (by number) in place of theirs."""
        pieces, done = [], 0
        for i in sorted(texts):
            pieces += [
                self.units[done : self.starts[i]],
                np.frombuffer(texts[i].encode("utf-16-le", "surrogatepass"), dtype=np.uint16),
            ]
            done = self.ends[i]
        return _CodeUnits.at(np.concatenate([*pieces, self.units[done:]]))

    def texts(self) -> list[str]:
        # Text by text, for the same reason as in `of`.
        data = memoryview(self.units.tobytes())
        starts, ends = (2 * self.starts).tolist(), (2 * self.ends).tolist()
        return [_UTF16_DECODE(data[start:end], "surrogatepass")[0] for start, end in zip(starts, ends, strict=True)]

    def texts_with(self, flagged: np.ndarray) -> np.ndarray:
        """Per text: does it hold a flagged unit (``flagged`` is one bool per unit)?"""
        found = np.zeros(len(self.starts), dtype=bool)
        found[np.searchsorted(self.starts, np.flatnonzero(flagged), side="right") - 1] = True
        return found

    def untidy(self) -> np.ndarray:
        """Per text: would `_is_tidy` reject it? (For texts whose only white space is " " and "\n".)"""
        space, newline = self.units == _SPACE, self.units == _NEWLINE
        blank = space | newline
        doubled = blank[:-1] & blank[1:] & ~(newline[:-1] & newline[1:])  # "  ", " \n", "\n "
        three_lines = newline[:-2] & newline[1:-1] & newline[2:]
        found = self.texts_with(doubled) | self.texts_with(three_lines)
        filled = self.ends > self.starts
        found[filled] |= blank[self.starts[filled]] | blank[self.ends[filled] - 1]
        return found


@lru_cache(maxsize=4)
def _fold_units(fold_teh_marbuta: bool, fold_hamza: bool) -> tuple[np.ndarray, np.ndarray]:
    """`normalise`'s letter folds as (code unit -> code unit, code unit -> removed) tables."""
    folds = {**_ANALYSIS_FOLDS, **(_TEH_MARBUTA if fold_teh_marbuta else {}), **(_HAMZA_CARRIERS if fold_hamza else {})}
    mapped = np.arange(0x10000, dtype=np.uint16)
    removed = np.zeros(0x10000, dtype=bool)
    for old, new in folds.items():
        if new:
            mapped[old] = ord(new)
        else:
            removed[old] = True
    removed[[code for code in range(0x10000) if _DIACRITICS.match(chr(code))]] = True
    return mapped, removed


def normalise_many(
    texts: Sequence[str], *, fold_teh_marbuta: bool = False, fold_hamza: bool = False, assume_canonical: bool = False
) -> list[str]:
    """`normalise` of each text: the same strings, several times faster on a corpus.

    ``assume_canonical=True`` skips the `canonical_letters` step, for texts that come from it.

    >>> normalise_many(["وزیر الدفاع", "تَشــــهدُ أمطاراً"])
    ['وزير الدفاع', 'تشهد امطارا']
    """
    return _normalised(texts, fold_teh_marbuta, fold_hamza, assume_canonical)[0]


def normalised_words(texts: Sequence[str], *, assume_canonical: bool = False) -> tuple[list[str], HashedWords]:
    """`normalise_many` of the texts and `hashed_words` of the result, at once (the normalised corpus is
    hashed as it stands, not joined and encoded again).

    >>> texts, words = normalised_words(["زلزال قوي", "زلزالٌ"])
    >>> texts, bool(words.hashes[0] == words.hashes[2])
    (['زلزال قوي', 'زلزال'], True)
    """
    normal, array, redone = _normalised(texts, False, False, assume_canonical)
    if array is None:
        return normal, hashed_words(normal)
    return normal, _hashed(array.replaced({i: normal[i] for i in redone}) if redone else array)


def _normalised(
    texts: Sequence[str], fold_teh_marbuta: bool, fold_hamza: bool, assume_canonical: bool
) -> tuple[list[str], _CodeUnits | None, list[int]]:
    """The normalised texts; the array they come from (None for a corpus that goes text by text), which
    holds them all but the redone ones: those numbered in the list, normalised one by one after it."""
    canonical = texts if assume_canonical else [canonical_letters(text) for text in texts]
    array = _CodeUnits.of(canonical)
    if array is None:
        return [normalise(text, fold_teh_marbuta=fold_teh_marbuta, fold_hamza=fold_hamza) for text in texts], None, []
    mapped, removed = _fold_units(fold_teh_marbuta, fold_hamza)
    gone = removed[array.units]
    folded = _CodeUnits.at(mapped[array.units][~gone])
    normal = folded.texts()
    # Only a removed mark can leave a text out of NFKC (the folds map letters to letters that compose with
    # nothing left): the others need no check.
    marked = np.flatnonzero(array.texts_with(gone)).tolist()
    redo = folded.untidy()
    redo[marked] |= np.array([not unicodedata.is_normalized("NFKC", normal[i]) for i in marked], dtype=bool)
    redo = np.flatnonzero(redo).tolist()
    for i in redo:
        normal[i] = _composed_and_tidy(normal[i])
    return normal, folded, redo


@dataclass(frozen=True)
class HashedWords:
    """The white-space separated words of some texts, in order, as 64-bit hashes: made by `hashed_words`."""

    hashes: np.ndarray  # uint64, equal for equal words
    lengths: np.ndarray  # characters in the word
    text_index: np.ndarray  # the text each word is in


# Polynomial hashing mod 2**64 from prefix sums: hash(word) = sum(unit * BASE**i) over its units.
_HASH_BASE = 0x9E3779B97F4A7C15  # odd, so it has an inverse mod 2**64
_HASH_CHUNK = 1 << 16  # code units hashed at a time: the arrays of a chunk stay in the CPU cache


def _hash_powers(length: int) -> tuple[np.ndarray, np.ndarray]:
    """BASE**i and BASE**-i mod 2**64 for i < length."""
    tables = []
    for base in (_HASH_BASE, pow(_HASH_BASE, -1, 2**64)):
        powers = np.full(length, base, dtype=np.uint64)
        powers[0] = 1
        tables.append(np.cumprod(powers))
    return tables[0], tables[1]


@lru_cache(maxsize=1)
def _chunk_powers() -> tuple[np.ndarray, np.ndarray]:
    return _hash_powers(_HASH_CHUNK)


@lru_cache(maxsize=1)
def _white_space_units() -> np.ndarray:
    table = np.array([chr(code).isspace() for code in range(0x10000)])
    table[0] = True  # the joiner
    return table


def hashed_words(texts: Sequence[str]) -> HashedWords:
    """Hash the white-space separated words of each text (the words ``text.split()`` gives; NUL ends a word
    too, which normalised text never holds).

    For counting words across a corpus without a Python string per word: equal words get equal hashes,
    and two different words share one with a chance of about 2**-64.

    >>> words = hashed_words(["زلزال قوي", "زلزال"])
    >>> words.text_index.tolist(), words.lengths.tolist(), bool(words.hashes[0] == words.hashes[2])
    ([0, 0, 1], [5, 3, 5], True)
    """
    array = _CodeUnits.of(texts)
    if array is None:  # a text holds NUL, which would end a word like the space does
        array = _CodeUnits.of([text.replace(_JOIN, " ") for text in texts])
    if array is None:  # no texts
        return HashedWords(*(np.zeros(0, dtype=dtype) for dtype in (np.uint64, np.int64, np.int64)))
    return _hashed(array)


def _hashed(array: _CodeUnits) -> HashedWords:
    """`hashed_words` of the texts of an array."""
    in_word = np.concatenate(([False], ~_white_space_units()[array.units], [False]))
    edges = np.flatnonzero(in_word[1:] != in_word[:-1])
    starts, ends = edges[0::2], edges[1::2]
    hashes = np.empty(len(starts), dtype=np.uint64)
    done = 0
    while done < len(starts):  # chunks of whole words
        first = starts[done]
        last = max(done + 1, done + int(np.searchsorted(ends[done:], first + _HASH_CHUNK, side="right")))
        units = array.units[first : ends[last - 1]]
        # (A chunk is longer only when it is one word longer than a chunk.)
        powers, inverse = _chunk_powers() if len(units) <= _HASH_CHUNK else _hash_powers(len(units))
        prefix = np.zeros(len(units) + 1, dtype=np.uint64)
        np.cumsum(units * powers[: len(units)], out=prefix[1:])  # (no unit of a word is 0)
        word_starts, word_ends = starts[done:last] - first, ends[done:last] - first
        hashes[done:last] = (prefix[word_ends] - prefix[word_starts]) * inverse[word_starts]
        done = last
    lengths = ends - starts
    # A character beyond the BMP is two code units (high, low surrogate): count it once.
    units = array.units
    lows = np.flatnonzero((units >= 0xDC00) & (units < 0xE000))
    lows = lows[(lows > 0) & (units[lows - 1] >= 0xD800) & (units[lows - 1] < 0xDC00)]
    if len(lows):
        lengths = lengths - np.bincount(np.searchsorted(starts, lows, side="right") - 1, minlength=len(starts))
    # Words and texts are both in order: count each text's words, rather than look up each word's text.
    words_per_text = np.diff(np.searchsorted(starts, array.starts), append=len(starts))
    return HashedWords(hashes, lengths, np.repeat(np.arange(len(array.starts)), words_per_text))


def tokenize(text: str, *, normalised: bool = False) -> list[str]:
    """Split text into words of two or more letters (digits and punctuation dropped).

    The text is normalised first unless ``normalised=True`` says it already is.

    >>> tokenize("إعصار «ميكونو» يضرب عُمان")
    ['اعصار', 'ميكونو', 'يضرب', 'عمان']
    """
    return _TOKEN.findall(text if normalised else normalise(text))


def is_arabic(text: str, *, min_share: float = 0.5) -> bool:
    """True when at least ``min_share`` of the letters in ``text`` are Arabic.

    >>> is_arabic("BBC عربي"), is_arabic("BBC News")
    (True, False)
    """
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    return sum(bool(_ARABIC_LETTER.match(c)) for c in letters) / len(letters) >= min_share


@lru_cache(maxsize=1)
def _builtin_stop_words() -> frozenset[str]:
    import stopwordsiso  # stopwords-iso, MIT licence

    extra = resources.files("toolkit.data").joinpath("stopwords_ar.txt").read_text(encoding="utf-8")
    return frozenset(stopwordsiso.stopwords("ar")) | frozenset(_read_word_list(extra))


def arabic_stop_words(*, extra: Iterable[str] = (), path: str | Path | None = None) -> frozenset[str]:
    """Arabic stop words, normalised with `normalise`, with the و/ف-prefixed forms.

    The base list is stopwords-iso's Arabic list (MIT) plus news words shipped in
    ``toolkit/data/stopwords_ar.txt``; ``extra`` words and a ``path`` to a file
    with one word per line (``#`` starts a comment) extend it.

    >>> {"في", "وقال", "الذي"} <= arabic_stop_words()
    True
    >>> "زلزال" in arabic_stop_words(extra=["زلزال"])
    True
    """
    words = set(_builtin_stop_words()) | set(extra)
    if path is not None:
        words |= set(_read_word_list(Path(path).read_text(encoding="utf-8")))
    normal = {normalise(w) for w in words if w.strip()}
    # Arabic writes the conjunctions و and ف onto the next word.
    return frozenset(normal | {p + w for w in normal if _ARABIC_LETTER.match(w) for p in ("و", "ف")})


def _read_word_list(text: str) -> list[str]:
    return [line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip()]

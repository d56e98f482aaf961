"""Arabic text layer: normalisation, tokenisation and stop words.

Every later stage (loading, topics, themes, plots) uses these functions, so a
word is spelled the same way wherever it is counted or matched.

>>> normalise("وزیر الدفاع")          # Persian yeh inside an Arabic word
'وزير الدفاع'
>>> normalise("ﻷن الزلزال ضرب ٣ مدن")  # presentation form, Eastern digits
'لان الزلزال ضرب 3 مدن'
>>> tokenize("قال وزير الدفاع: 5 زلازل")
['قال', 'وزير', 'الدفاع', 'زلازل']

A corpus goes faster through the batch forms, which give the same strings as the one-text functions:
`canonical_letters_many`, `normalise_many`, `normalised_paragraphs` (a page's lines at once), `tokenize_many`
(Arrow); `hashed_words` turns words into integers for counting. Their per-character loops are compiled
(`toolkit._units`).

Words are counted and matched normalised, and shown to a reader as the corpus writes them: `written_forms`
gives each normalised word the spelling the texts use most often («ايران» is shown «إيران»).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "TOKEN_PATTERN",
    "Paragraphs",
    "arabic_stop_words",
    "canonical_letters",
    "canonical_letters_many",
    "hashed_words",
    "is_arabic",
    "normalise",
    "normalise_many",
    "normalised_paragraphs",
    "tokenize",
    "tokenize_many",
    "written",
    "written_forms",
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
    composed = _nfkc(text)
    changed = composed != text  # presentation forms can become Persian letters
    letters = set(_TO_FIX.findall(composed)) if changed else odd & _LETTERS_TO_FIX
    for char in letters:
        composed = composed.replace(char, _LETTER_AND_DIGIT_FIXES[ord(char)])
    if letters:  # a mapped letter can compose with a following mark (ی + ٔ -> ي + ٔ -> ئ)
        composed = _nfkc(composed)
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
    text = _nfkc(text)
    return text if _is_tidy(text) else _tidy_space(text)


def _nfkc(text: str) -> str:
    if unicodedata.is_normalized("NFKC", text):
        return text
    if "\n" not in text:
        return unicodedata.normalize("NFKC", text)
    # Nothing composes with a line break, so NFKC goes line by line: only the lines that need it are rebuilt
    # (on a page with one ellipsis … in it, say, unicodedata.normalize would rebuild the whole page).
    return "\n".join([_nfkc(line) for line in text.split("\n")])


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
    text = text.replace(" \n", "\n").replace("\n ", "\n")
    # (The regex scans slowly for its first newline: it runs only when it has something to do.)
    return (_BLANK_LINES.sub("\n\n", text) if "\n\n\n" in text else text).strip()


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
# The batch forms run the per-character steps on all texts at once, as one array of UTF-16 code units, with
# compiled loops (`toolkit._units`), and send a text through the one-text function only where that array
# shows it needs more (rare in news). They return exactly what the one-text functions return
# (tests/test_arabic.py checks it on any text).

_UTF16_DECODE = codecs.utf_16_le_decode
_SPACE, _NEWLINE = ord(" "), ord("\n")


@dataclass(frozen=True)
class _CodeUnits:
    """Texts as one array of UTF-16 code units: text k is ``units[starts[k]:ends[k]]``, with one NUL between
    texts (an array of a text's lines has line breaks there instead)."""

    units: np.ndarray
    starts: np.ndarray
    ends: np.ndarray

    @classmethod
    def of(cls, texts: Sequence[str]) -> _CodeUnits:
        # Text by text, then the bytes joined: a few characters beyond the BMP (emoji) in one text would
        # make a joined string four bytes a character, and slow every text down.
        encoded = [text.encode("utf-16-le", "surrogatepass") for text in texts]
        lengths = np.array([len(data) // 2 for data in encoded], dtype=np.int64)
        return cls._joined(np.frombuffer(b"\x00\x00".join(encoded), np.uint16), lengths)

    @classmethod
    def _joined(cls, units: np.ndarray, lengths: np.ndarray) -> _CodeUnits:
        ends = np.cumsum(lengths + 1) - 1
        return cls(units, ends - lengths, ends)

    def replaced(self, texts: Mapping[int, str]) -> _CodeUnits:
        """The array with these texts (by number) in place of theirs (one NUL between texts, as `of` and
        `toolkit._units.folded` make)."""
        pieces, done = [], 0
        lengths = self.ends - self.starts
        for i in sorted(texts):
            new = np.frombuffer(texts[i].encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
            pieces += [self.units[done : self.starts[i]], new]
            lengths[i] = len(new)
            done = self.ends[i]
        return _CodeUnits._joined(np.concatenate([*pieces, self.units[done:]]), lengths)

    def texts(self, first: int = 0, stop: int | None = None) -> list[str]:
        """Texts ``first`` to ``stop`` (all by default)."""
        # Text by text, for the same reason as in `of`.
        data = memoryview(self.units).cast("B")
        starts, ends = (2 * self.starts[first:stop]).tolist(), (2 * self.ends[first:stop]).tolist()
        return [_UTF16_DECODE(data[start:end], "surrogatepass")[0] for start, end in zip(starts, ends, strict=True)]


@lru_cache(maxsize=4)
def _fold_units(fold_teh_marbuta: bool, fold_hamza: bool) -> np.ndarray:
    """`normalise`'s letter folds as a code unit -> code unit table (`toolkit._units.folded`)."""
    from toolkit import _units

    folds = {**_ANALYSIS_FOLDS, **(_TEH_MARBUTA if fold_teh_marbuta else {}), **(_HAMZA_CARRIERS if fold_hamza else {})}
    table = np.arange(0x10000, dtype=np.uint32)
    for old, new in folds.items():
        table[old] = ord(new) if new else _units.REMOVED
    table[[code for code in range(0x10000) if _DIACRITICS.match(chr(code))]] = _units.REMOVED
    return table


@lru_cache(maxsize=1)
def _canonical_units() -> tuple[np.ndarray, np.ndarray]:
    """Per code unit: may `canonical_letters` change a text holding it (a character it fixes, a surrogate, or
    one that NFKC's quick check does not pass), and its canonical combining class."""
    flagged = np.zeros(0x10000, dtype=bool)
    flagged[[ord(char) for char in _NEEDS_FIXING_CHARS]] = True
    flagged[0xD800:0xE000] = True
    combining = np.zeros(0x10000, dtype=np.uint8)
    for code in [*range(0xD800), *range(0xE000, 0x10000)]:
        char = chr(code)
        combining[code] = unicodedata.combining(char)
        flagged[code] |= unicodedata.normalize("NFKC", char) != char
    # Characters that compose with the one before them (NFKC's quick check says "maybe"): the second half
    # of a canonical decomposition, and Hangul vowels and trailing consonants.
    for code in range(0x110000):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and not parts[0].startswith("<") and int(parts[1], 16) < 0x10000:
            flagged[int(parts[1], 16)] = True
    flagged[0x1161:0x1176] = flagged[0x11A8:0x11C3] = True
    return flagged, combining


@lru_cache(maxsize=1)
def _canonical_fixes() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`canonical_letters` without NFKC, for `toolkit._units.canonical`: what each code unit becomes, the
    units that NFKC may change (then the one-text function does the text), and combining classes."""
    from toolkit import _units

    flagged, combining = _canonical_units()
    table = np.arange(0x10000, dtype=np.uint32)
    table[[ord(char) for char in _INVISIBLE]] = _units.REMOVED
    table[[ord(char) for char in _LINE_SPACES]] = _SPACE
    table[[ord(char) for char in _LINE_BREAK_CHARS]] = _NEWLINE
    table[ord("\r")] = _units.CARRIAGE_RETURN  # (with a line feed after it, one line break)
    for code, new in _LETTER_AND_DIGIT_FIXES.items():
        table[code] = ord(new)
    # Lone surrogates are left to the one-text function too: in code units they look like halves of a pair.
    unsure = flagged & (table == np.arange(0x10000))
    return table, unsure, combining


@lru_cache(maxsize=1)
def _unit_kinds() -> np.ndarray:
    """Per code unit: 1 for a space or newline, 2 for a character NFKC may change in context (`_units._unsettled`)."""
    flagged, combining = _canonical_units()
    kinds = np.where(flagged | (combining != 0), 2, 0).astype(np.uint8)
    kinds[[_SPACE, _NEWLINE]] = 1
    return kinds


def canonical_letters_many(texts: Sequence[str]) -> list[str]:
    """`canonical_letters` of each text: the same strings, faster on a corpus (most texts need nothing, and
    one pass over all of them finds those that may).

    >>> canonical_letters_many(["حريات\u00a0دراسات", "وزير الدفاع"])
    ['حريات دراسات', 'وزير الدفاع']
    """
    from toolkit import _units

    array = _CodeUnits.of(texts)
    canonical = list(texts)
    maybe = np.flatnonzero(_units.maybe_changed(array.units, array.starts, array.ends, *_canonical_units()))
    if len(maybe):
        # Most of those need characters mapped and white space tidied, no NFKC: a compiled loop does that.
        units, starts, ends, hard = _units.canonical(
            array.units, array.starts[maybe], array.ends[maybe], *_canonical_fixes()
        )
        fixed = _CodeUnits(units, starts, ends).texts()
        for i, text, by_itself in zip(maybe.tolist(), fixed, hard.tolist(), strict=True):
            canonical[i] = canonical_letters(texts[i]) if by_itself else text
    return canonical


def normalise_many(
    texts: Sequence[str], *, fold_teh_marbuta: bool = False, fold_hamza: bool = False, assume_canonical: bool = False
) -> list[str]:
    """`normalise` of each text: the same strings, several times faster on a corpus.

    ``assume_canonical=True`` skips the `canonical_letters` step, for texts that come from it (for others the
    result is not `normalise`'s: their white space, for one, is left as it is).

    >>> normalise_many(["وزیر الدفاع", "تَشــــهدُ أمطاراً"])
    ['وزير الدفاع', 'تشهد امطارا']
    """
    canonical = texts if assume_canonical else canonical_letters_many(texts)
    return _normalised(_CodeUnits.of(canonical), fold_teh_marbuta, fold_hamza).texts()


def normalised_paragraphs(texts: Sequence[str]) -> Paragraphs:
    """Each text's paragraphs (its lines that are not empty) as they stand and normalised, and their words
    hashed. The texts come from `canonical_letters`.

    >>> paragraphs = normalised_paragraphs(["زلزالٌ قوي\\n\\nهزة", "مطر"])
    >>> list(paragraphs), paragraphs.words.text_index.tolist()
    ([['زلزال قوي', 'هزة'], ['مطر']], [0, 0, 1, 2])
    """
    from toolkit import _units

    array = _CodeUnits.of(texts)
    starts, ends, counts = _units.lines(array.units, array.starts, array.ends)
    lines = _CodeUnits(array.units, starts, ends)
    normal = _normalised(lines, False, False)
    return Paragraphs(lines, normal, np.concatenate(([0], np.cumsum(counts))), _hashed(normal))


def _normalised(array: _CodeUnits, fold_teh_marbuta: bool, fold_hamza: bool) -> _CodeUnits:
    """The normalised texts of an array of canonical texts."""
    from toolkit import _units  # (numba is slow to import: only when a corpus comes)

    table = _fold_units(fold_teh_marbuta, fold_hamza)
    units, starts, ends, unsettled = _units.folded(array.units, array.starts, array.ends, table, _unit_kinds())
    folded = _CodeUnits(units, starts, ends)
    # The folds map letters to letters that compose with nothing left, and no letter to white space: only
    # where a mark or a tatweel went can a text be left out of NFKC or untidy (the loop flags those places).
    redone = {}
    for i in np.flatnonzero(unsettled).tolist():
        text = folded.texts(i, i + 1)[0]
        if (settled := _composed_and_tidy(text)) != text:
            redone[i] = settled
    return folded.replaced(redone) if redone else folded


@dataclass(frozen=True, eq=False)
class Paragraphs(Sequence[list[str]]):
    """Some texts' paragraphs, made by `normalised_paragraphs`: ``paragraphs[k]`` is text k's paragraphs
    normalised (decoded when asked for: a corpus's paragraphs stay in two arrays).

    Paragraphs are numbered through all texts: text k's are ``first[k]`` to ``first[k + 1] - 1``.
    `utf8_joined` writes chosen paragraphs of each row of a table as UTF-8, for an Arrow string column.

    >>> paragraphs = normalised_paragraphs(["زلزالٌ قوي\\nهزة", "مطر"])
    >>> data, offsets = paragraphs.utf8_joined(np.array([1, 0, 2]), np.array([0, 2, 3]), normalised=True)
    >>> [data[a:b].tobytes().decode() for a, b in zip(offsets[:-1], offsets[1:])]
    ['هزة\\n\\nزلزال قوي', 'مطر']
    """

    original: _CodeUnits  # each paragraph as it stands
    normalised: _CodeUnits  # each paragraph normalised
    first: np.ndarray
    words: HashedWords  # text_index: the paragraph

    def __len__(self) -> int:
        return len(self.first) - 1

    def __getitem__(self, k: int) -> list[str]:  # type: ignore[override]
        k = range(len(self))[k]
        return self.normalised.texts(int(self.first[k]), int(self.first[k + 1]))

    def utf8_joined(self, pieces: np.ndarray, bounds: np.ndarray, *, normalised: bool) -> tuple[np.ndarray, np.ndarray]:
        """Per row r, paragraphs ``pieces[bounds[r]:bounds[r + 1]]`` (numbers) joined by a blank line, as they
        stand or normalised: UTF-8 bytes, and each row's offset into them (one more: the end)."""
        from toolkit import _units

        array = self.normalised if normalised else self.original
        return _units.utf8_joined(array.units, array.starts, array.ends, pieces, bounds, *_utf8_units())


@lru_cache(maxsize=1)
def _utf8_units() -> tuple[np.ndarray, np.ndarray]:
    """Per code unit: its UTF-8 bytes as a little-endian number, and how many (0 for half a surrogate pair)."""
    code = np.arange(0x10000, dtype=np.uint32)
    one, two = code < 0x80, code < 0x800
    lead = np.where(one, code, np.where(two, 0xC0 | code >> 6, 0xE0 | code >> 12))
    second = 0x80 | np.where(two, code, code >> 6) & 0x3F
    encoded = lead | second << 8 | (0x80 | code & 0x3F) << 16
    sizes = np.where(one, 1, np.where(two, 2, 3)).astype(np.uint8)
    sizes[0xD800:0xE000] = 0
    return encoded.astype(np.uint32), sizes


@dataclass(frozen=True)
class HashedWords:
    """The white-space separated words of some texts, in order, as 64-bit hashes: made by `hashed_words`."""

    hashes: np.ndarray  # uint64, equal for equal words
    lengths: np.ndarray  # characters in the word
    text_index: np.ndarray  # the text each word is in
    text_hashes: np.ndarray  # per text: uint64, equal for texts with the same words in the same order

    @cached_property
    def counts(self) -> np.ndarray:
        """Per text: how many words it has."""
        return np.bincount(self.text_index, minlength=len(self.text_hashes))


# Polynomial hashing mod 2**64 (`toolkit._units.word_hashes`): of a word's code units, of a text's words.
_HASH_BASE, _TEXT_HASH_BASE = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xD6E8FEB86659FD93)


@lru_cache(maxsize=1)
def _word_steps() -> np.ndarray:
    """Per code unit: -1 for white space (NUL too), else what it adds to a word's length in characters."""
    steps = np.where([chr(code).isspace() for code in range(0x10000)], -1, 1).astype(np.int8)
    steps[0] = -1
    steps[0xDC00:0xE000] = 0  # the low half of a surrogate pair: its high half counted the character
    return steps


def hashed_words(texts: Sequence[str]) -> HashedWords:
    """Hash the white-space separated words of each text (the words ``text.split()`` gives; NUL ends a word
    too, which normalised text never holds).

    For counting words across a corpus without a Python string per word: equal words get equal hashes,
    and two different words share one with a chance of about 2**-64.

    >>> words = hashed_words(["زلزال قوي", "زلزال", " زلزال\\n"])
    >>> words.text_index.tolist(), words.lengths.tolist(), bool(words.hashes[0] == words.hashes[2])
    ([0, 0, 1, 2], [5, 3, 5, 5], True)
    >>> bool(words.text_hashes[1] == words.text_hashes[2]), bool(words.text_hashes[0] == words.text_hashes[1])
    (True, False)
    """
    words = _hashed(_CodeUnits.of(texts))
    # Surrogate code points (half an emoji escape; canonical text has none) are one character each, and two
    # of them must not hash as the emoji they would encode: such texts' words are hashed again here.
    odd = [k for k, text in enumerate(texts) if _HAS_SURROGATE.search(text)]
    if odd:
        firsts = np.cumsum(words.counts) - words.counts
        for k in odd:
            hashes = [_word_hash(word) for word in texts[k].replace("\x00", " ").split()]
            at = slice(firsts[k], firsts[k] + len(hashes))
            words.hashes[at] = hashes
            words.lengths[at] = [len(word) for word in texts[k].replace("\x00", " ").split()]
            words.text_hashes[k] = _horner(hashes, int(_TEXT_HASH_BASE))
    return words


_HAS_SURROGATE = re.compile(f"[{_SURROGATES}]")
_SURROGATE_WORD = 0x5851F42D4C957F2D  # mixed into the hash of a word holding a surrogate code point


def _word_hash(word: str) -> int:
    """A word's hash as `toolkit._units.word_hashes` computes it (marked when it holds a surrogate code point)."""
    units = np.frombuffer(word.encode("utf-16-le", "surrogatepass"), dtype=np.uint16).tolist()
    return _horner(units, int(_HASH_BASE)) ^ (_SURROGATE_WORD if _HAS_SURROGATE.search(word) else 0)


def _horner(values: list[int], base: int) -> int:
    value = 0
    for item in values:
        value = (value * base + item) % 2**64
    return value


def _hashed(array: _CodeUnits) -> HashedWords:
    """`hashed_words` of the texts of an array (a surrogate pair is one character)."""
    from toolkit import _units

    hashes, lengths, counts, text_hashes = _units.word_hashes(
        array.units, array.starts, array.ends, _word_steps(), _HASH_BASE, _TEXT_HASH_BASE
    )
    return HashedWords(hashes, lengths, np.repeat(np.arange(len(counts)), counts), text_hashes)


def tokenize(text: str, *, normalised: bool = False) -> list[str]:
    """Split text into words of two or more letters (digits and punctuation dropped).

    The text is normalised first unless ``normalised=True`` says it already is.

    >>> tokenize("إعصار «ميكونو» يضرب عُمان")
    ['اعصار', 'ميكونو', 'يضرب', 'عمان']
    """
    return _TOKEN.findall(text if normalised else normalise(text))


def tokenize_many(texts: Sequence[str] | pa.Array) -> tuple[pa.Array, np.ndarray]:
    """`tokenize` (``normalised=True``) of each text, the words end to end, and the text each word is from.

    One compiled pass over the texts' UTF-8 bytes (`toolkit._units.utf8_words`), with Python's own tables of
    which characters are word characters: the words ``TOKEN_PATTERN`` finds, several times faster than a
    regular expression over the column.

    >>> words, rows = tokenize_many(["زلزال قوي", "", "كوفيد19 و ب2 مطر"])
    >>> words.to_pylist(), rows.tolist()
    (['زلزال', 'قوي', 'مطر'], [0, 0, 2])
    """
    from toolkit import _units

    column = texts if isinstance(texts, pa.Array) else pa.array(texts, type=pa.large_string())
    column = column.cast(pa.large_string()).fill_null("")
    _, offsets, data = column.buffers()
    offsets = np.frombuffer(offsets, dtype=np.int64)[column.offset : column.offset + len(column) + 1]
    data = np.zeros(0, dtype=np.uint8) if data is None else np.frombuffer(data, dtype=np.uint8)
    found, bounds, rows = _units.utf8_words(data, offsets, _word_kinds())
    words = pa.LargeStringArray.from_buffers(len(rows), pa.py_buffer(bounds), pa.py_buffer(found))
    return words.cast(pa.string()), rows


@lru_cache(maxsize=1)
def _word_kinds() -> np.ndarray:
    """Per code point, for `toolkit._units.utf8_words`: 0 ends a word, 1 a letter (``[^\\W\\d_]``), 2 another word
    character (a decimal digit or ``_``): what ``TOKEN_PATTERN`` reads, from the same tables (Python's ``re``)."""
    every = "".join(map(chr, range(0x110000)))
    kinds = np.zeros(0x110000, dtype=np.uint8)
    kinds[[match.start() for match in re.finditer(r"\w", every)]] = 2
    kinds[[match.start() for match in re.finditer(r"[^\W\d_]", every)]] = 1
    return kinds


# Diacritics and tatweel (RE2): left out of a written form, they vary from story to story and split words.
_MARKS = "[" + _DIACRITICS.pattern[1:-1] + "\u0640]"


def written_forms(texts: Sequence[str]) -> dict[str, str]:
    """Each normalised word of some texts (as written: ``text``), and the spelling they use most for it.

    The written form keeps hamza, madda, teh marbuta and alef maksura as written and leaves out diacritics
    and tatweel. Equal counts go to the form first in code-point order, so every machine shows the same.

    >>> forms = written_forms(["قال وزير الدفاع الإيراني", "إيران وايران وإيرانُ", "وزيـر"])
    >>> forms["ايران"], forms["الايراني"], forms["وزير"]
    ('إيران', 'الإيراني', 'وزير')
    """
    column = pc.replace_substring_regex(pa.array(texts, type=pa.large_string()), _MARKS, "")
    words, _ = tokenize_many(column)
    counted = pc.value_counts(words).flatten()
    forms = pd.DataFrame({"form": counted[0].to_pylist(), "count": counted[1].to_numpy()})
    forms["word"] = normalise_many(forms["form"].tolist())
    chosen = forms.sort_values(["word", "count", "form"], ascending=[True, False, True], kind="stable")
    chosen = chosen.drop_duplicates("word")
    return dict(zip(chosen["word"], chosen["form"], strict=True))


def written(words: str, forms: Mapping[str, str]) -> str:
    """A normalised word or phrase as `written_forms` spells each of its words.

    >>> written("الاراضي الباكستانية", {"الاراضي": "الأراضي"})
    'الأراضي الباكستانية'
    """
    return " ".join(forms.get(word, word) for word in words.split(" "))


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

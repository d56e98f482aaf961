"""Word forms: how a dictionary word is written in running Arabic text, and the words of many texts at once.

The theme stage (`toolkit.themes`) and the country stage (`toolkit.countries`) match the words of a
user-editable list (seeds, country names) against every story. Both write each list word in all the forms
it takes in text (the clitics و ف ب ك ل, the article ال and the usual endings: `word_forms`), look every
word of the stories up in that table, and split the stories once (`word_column`, kept for the next stage).

>>> forms = word_forms({"تعاون": word_endings("تعاون")})
>>> forms["وبالتعاون"], forms["تعاونا"]
('تعاون+', 'تعاون')
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from itertools import product

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from toolkit.arabic import normalise, tokenize_many

__all__ = [
    "phrase_pattern",
    "seed_word",
    "stem_endings",
    "word_column",
    "word_endings",
    "word_forms",
    "word_paragraphs",
]

# Clitics written onto a word: a conjunction, then a preposition and/or the article.
_CONJUNCTIONS = ("", "و", "ف")
_PREPOSITIONS_ARTICLE = ("", "ال", "بال", "كال", "لل", "ب", "ك", "ل")
_ENDINGS = ("", "ا", "ان", "ين", "ون", "ات", "ه", "ها", "هم", "هما", "نا")
_FEMININE_ENDINGS = ("ة", "ه", "ات", "تان", "تين", "ته", "تها", "تهم", "تنا", "اتها", "اتهم")
_DEFINITE = "+"  # marks a word written with the article in the matcher's code


# A quoted run of two to four words is a name: «زلزال 77» (a boat), "طوفان الأقصى" (an operation). One
# quoted word is not: some outlets quote names of states and alliances ("إسرائيل", "الناتو").
# (RE2 syntax, for Arrow.)
_QUOTED_NAME = r"[«\"“”„]\s*[^«»\"“”„\s]+(?:\s+[^«»\"“”„\s]+){1,3}\s*[»\"“”„]"


def seed_word(word: str) -> tuple[str, bool]:
    """Stem of a normalised seed word (article and final ة removed) and whether it had the article."""
    definite = word.startswith("ال") and len(word) > 3
    stem = word[2:] if definite else word
    return (stem[:-1] if stem.endswith("ة") else stem), definite


def word_forms(endings: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """Every written form of each stem (clitics, article, the stem's ``endings``) and the code it reads as.

    >>> forms = word_forms({"زلزال": [""]})
    >>> forms["بالزلزال"], forms["وزلزال"]
    ('زلزال+', 'زلزال')
    """
    # Shorter stems first, so where two stems make the same form the longer one wins.
    forms: dict[str, str] = {}
    for stem in sorted(endings, key=len):
        for conjunction, clitic, ending in product(_CONJUNCTIONS, _PREPOSITIONS_ARTICLE, sorted(endings[stem])):
            forms[conjunction + clitic + stem + ending] = stem + (_DEFINITE if "ال" in clitic else "")
    return forms


def stem_endings(phrases: Iterable[str]) -> dict[str, set[str]]:
    """Each stem of the words of these phrases (normalised here) and the endings it takes, for `word_forms`.

    >>> stem_endings(["التعاون الدفاعي"])["تعاون"] == set(word_endings("تعاون"))
    True
    """
    endings: dict[str, set[str]] = {}
    for phrase in phrases:
        for word in normalise(phrase).split():
            endings.setdefault(seed_word(word)[0], set()).update(word_endings(word))
    return endings


def word_endings(word: str) -> tuple[str, ...]:
    """The endings a normalised seed word takes: the usual ones, the feminine ones for ة and adjectives in ي."""
    if word.endswith("ة"):
        return _FEMININE_ENDINGS
    # Adjectives in ي take the feminine too: دفاعي, دفاعية, دفاعيتان.
    return _ENDINGS + _FEMININE_ENDINGS if word.endswith("ي") else _ENDINGS


def phrase_pattern(phrase: str) -> str:
    r"""The regex of a seed phrase in a text's code: its words' stems, ``+`` where written with the article.

    >>> print(phrase_pattern("التعاون الدفاعي"))
    تعاون\+ دفاعي\+
    """
    parts = []
    for word in normalise(phrase).split():
        stem, definite = seed_word(word)
        parts.append(re.escape(stem) + re.escape(_DEFINITE) + ("" if definite else "?"))
    return " ".join(parts)


def word_column(texts: Sequence[str]) -> tuple[pa.Array, np.ndarray]:
    """The words of normalised texts, quoted names left out, end to end, and the text of each word.

    The results are kept, keyed by a digest of the texts: the theme and country stages
    (`toolkit.places.detect_countries`) read the same stories, and splitting them is most of the work.

    >>> words, rows = word_column(["زلزال «زلزال 77» قوي", "", "مطر"])
    >>> words.to_pylist(), rows.tolist()
    (['زلزال', 'قوي', 'مطر'], [0, 0, 2])
    """
    words, rows, _ = _split_words(texts)
    return words, rows


def word_paragraphs(texts: Sequence[str]) -> np.ndarray:
    """The paragraph (lines split at ``\\n``, numbered across all texts in order) of each word of `word_column`.

    >>> word_paragraphs(["زلزال قوي\\n\\nضرب الجزيرة", "مطر"]).tolist()
    [0, 0, 2, 2, 3]
    """
    return _split_words(texts)[2]


def _split_words(texts: Sequence[str]) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    texts = ["" if text is None else text for text in texts]
    digest = hashlib.blake2b(digest_size=16)
    for text in texts:
        data = text.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little") + data)  # each text's length first: texts stay apart
    key = digest.digest()
    if key not in _WORD_COLUMNS:
        column = pa.array(texts, type=pa.large_string())
        lines = pc.split_pattern(pc.replace_substring_regex(column, _QUOTED_NAME, " ، "), "\n")
        words, paragraphs = tokenize_many(pc.list_flatten(lines))
        rows = pc.list_parent_indices(lines).to_numpy()[paragraphs]
        for array in (rows, paragraphs):
            array.flags.writeable = False  # shared by every caller: none may change it
        _WORD_COLUMNS[key] = (words, rows, paragraphs)
        while len(_WORD_COLUMNS) > 2:
            _WORD_COLUMNS.pop(next(iter(_WORD_COLUMNS)))
    return _WORD_COLUMNS[key]


_WORD_COLUMNS: dict[bytes, tuple[pa.Array, np.ndarray, np.ndarray]] = {}

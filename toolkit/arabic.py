"""Arabic text layer: normalisation, tokenisation and stop words.

Every later stage (loading, topics, themes, plots) uses these functions, so a
word is spelled the same way wherever it is counted or matched.

>>> normalise("وزیر الدفاع")          # Persian yeh inside an Arabic word
'وزير الدفاع'
>>> normalise("ﻷن الزلزال ضرب ٣ مدن")  # presentation form, Eastern digits
'لان الزلزال ضرب 3 مدن'
>>> tokenize("قال وزير الدفاع: 5 زلازل")
['قال', 'وزير', 'الدفاع', 'زلازل']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path

__all__ = [
    "TOKEN_PATTERN",
    "arabic_stop_words",
    "canonical_letters",
    "is_arabic",
    "normalise",
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
    ]
)
_INVISIBLE_CHARS = re.compile(f"[{_INVISIBLE}]")

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
# Odd spaces within a line (NBSP, thin spaces...): made plain before NFKC, whose quick check NBSP would fail.
_ODD_LINE_SPACES = re.compile(f"[{re.escape(''.join(c for c in _ODD_SPACE if c not in _LINE_BREAK_CHARS))}]")
# Everything canonical_letters changes besides NFKC and doubled spaces: most news text has none of it.
_NEEDS_FIXING = re.compile(f"[{re.escape(_INVISIBLE + ''.join(map(chr, _LETTER_AND_DIGIT_FIXES)) + _ODD_SPACE)}]")
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
    if _NEEDS_FIXING.search(text) is None and unicodedata.is_normalized("NFKC", text) and _is_tidy(text):
        return text
    text = unicodedata.normalize("NFKC", _ODD_LINE_SPACES.sub(" ", _INVISIBLE_CHARS.sub("", text)))
    text = _TO_FIX.sub(_fixed_char, text)
    # A mapped letter can compose with a following mark (ی + ٔ -> ي + ٔ -> ئ).
    return _tidy_space(unicodedata.normalize("NFKC", text))


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
    # Removing marks can leave a base letter next to a mark it now composes with, or doubled spaces.
    text = unicodedata.normalize("NFKC", text)
    return text if _is_tidy(text) else _tidy_space(text)


def _tidy_space(text: str) -> str:
    if _ODD_SPACES.search(text) is None and _is_tidy(text):
        return text
    # Whole-text passes (not line by line): every line break becomes \n, other white space a space, runs of
    # spaces one space, lines stripped, at most one blank line. No regex visits every space.
    text = _ODD_SPACES.sub(" ", _LINE_BREAKS.sub("\n", text))
    while "  " in text:
        text = text.replace("  ", " ")
    return _BLANK_LINES.sub("\n\n", text.replace(" \n", "\n").replace("\n ", "\n")).strip()


def _is_tidy(text: str) -> bool:
    """True when a text of plain spaces and newlines needs no tidying."""
    return not ("  " in text or " \n" in text or "\n " in text or "\n\n\n" in text) and text == text.strip()


def _fixed_char(match: re.Match[str]) -> str:
    return _LETTER_AND_DIGIT_FIXES[ord(match.group())]


def _replace_letters(text: str, table: dict[int, str | None]) -> str:
    # These letters are frequent: chained str.replace is far faster than str.translate on Arabic text.
    for old, new in table.items():
        text = text.replace(chr(old), new or "")
    return text


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

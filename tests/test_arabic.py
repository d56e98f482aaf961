"""The Arabic text layer: one example per normalisation rule, the options, stop words, and properties."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.arabic import (
    arabic_stop_words,
    canonical_letters,
    canonical_letters_many,
    hashed_words,
    is_arabic,
    normalise,
    normalise_many,
    normalised_paragraphs,
    tokenize,
    tokenize_many,
    written_forms,
)

# Words from the seed page and the shared corpora's README (real spellings scraped text mixes in).
RULES = [
    # rule, input, canonical_letters (text a reader sees), normalise (text_norm)
    ("presentation forms (NFKC)", "ﺤﻮﺛﻲ ﺍﻟﻤﻘﺎﻭﻣﺔ", "حوثي المقاومة", "حوثي المقاومة"),
    ("lam-alef ligature", "ﻷن", "لأن", "لان"),
    ("Persian yeh", "وزیر الدفاع", "وزير الدفاع", "وزير الدفاع"),
    ("Persian yeh, keheh and heh", "السعودیة الاستھلاکي", "السعودية الاستهلاكي", "السعودية الاستهلاكي"),
    ("heh with yeh above", "مدرسۀ", "مدرسة", "مدرسة"),
    ("tatweel", "تشــــــهد", "تشــــــهد", "تشهد"),
    ("diacritics", "أنّ الزلزالَ", "أنّ الزلزالَ", "ان الزلزال"),
    ("alef variants", "إسلام آباد أكد ٱلله", "إسلام آباد أكد ٱلله", "اسلام اباد اكد الله"),
    ("alef maksura", "انتهى مستشفى", "انتهى مستشفى", "انتهي مستشفي"),
    ("Eastern Arabic digits", "٢٦ شوال ١٤٣٦", "26 شوال 1436", "26 شوال 1436"),
    ("Persian digits and separators", "۱۴۰۲ و ٥٫١ و ١٬٠٠٠", "1402 و 5.1 و 1,000", "1402 و 5.1 و 1,000"),
    ("NBSP", "حريات\u00a0دراسات", "حريات دراسات", "حريات دراسات"),
    ("zero-width and BOM", "\ufeffجدة وزير\u200b الدفاع", "جدة وزير الدفاع", "جدة وزير الدفاع"),
    ("bidi controls", "\u200fالرياض\u200e \u202bواس\u202c", "الرياض واس", "الرياض واس"),
    ("white space and line breaks", "  ضرب\t\tزلزال \r\n\r\n\r\nثانٍ  ", "ضرب زلزال\n\nثانٍ", "ضرب زلزال\n\nثان"),
    # A Persian letter mapped to Arabic composes with the hamza after it (found by the property tests).
    ("Persian yeh with hamza above", "ی\u0654", "ئ", "ئ"),
    # Half of a JSON surrogate pair ("\\ud83c" without its partner) is no character: no encoding writes it.
    ("lone surrogate", "زلزال\ud83c قوي", "زلزال قوي", "زلزال قوي"),
    ("NBSP around a line break", "زلزال\u00a0\n\u00a0قوي", "زلزال\nقوي", "زلزال\nقوي"),
    # Scraping debris: SaudiNewsNet has «\x1a متخصص» in nine stories.
    ("control characters", "\x1a متخصص\x00 بالشأن\x7f", "متخصص بالشأن", "متخصص بالشان"),
]


@pytest.mark.parametrize(("rule", "raw", "canonical", "normal"), RULES, ids=[r[0] for r in RULES])
def test_each_normalisation_rule(rule: str, raw: str, canonical: str, normal: str) -> None:
    assert canonical_letters(raw) == canonical
    assert normalise(raw) == normal


def test_teh_marbuta_and_hamza_folds_are_options() -> None:
    assert normalise("المدينة مسؤول رئيس") == "المدينة مسؤول رئيس"
    assert normalise("المدينة مسؤول رئيس", fold_teh_marbuta=True) == "المدينه مسؤول رئيس"
    assert normalise("المدينة مسؤول رئيس", fold_hamza=True) == "المدينة مسوول رييس"


def test_tokenize_keeps_words_of_two_or_more_letters() -> None:
    assert tokenize("ضرب زلزال بقوة 5.1 درجة، «جيو نيوز» و") == ["ضرب", "زلزال", "بقوة", "درجة", "جيو", "نيوز"]
    assert tokenize("إسلام آباد") == ["اسلام", "اباد"]
    assert tokenize("اسلام اباد", normalised=True) == ["اسلام", "اباد"]


def test_is_arabic_counts_letters() -> None:
    assert is_arabic("قناة جيو نيوز Geo News")
    assert not is_arabic("Geo News 5.1")
    assert not is_arabic("2015 - 12:45")


def test_stop_words_come_from_stopwords_iso_and_the_news_list_normalised() -> None:
    words = arabic_stop_words()
    assert {"في", "من", "الذي"} <= words  # stopwords-iso
    assert {"قال", "اضاف", "اكد"} <= words  # toolkit/data/stopwords_ar.txt, normalised (أضاف, أكد)
    assert {"وقال", "فقال"} <= words  # with the conjunctions written onto the word
    assert "الي" in words and "إلى" not in words  # stored normalised
    assert "زلزال" not in words


def test_stop_words_extend_with_words_and_a_file(tmp_path) -> None:
    path = tmp_path / "extra.txt"
    path.write_text("# words of our outlet\nالميادين  # the channel's name\n\nنت\n", encoding="utf-8")
    words = arabic_stop_words(extra=["إعصار"], path=path)
    assert {"اعصار", "الميادين", "نت", "والميادين"} <= words
    assert "# words of our outlet" not in words


ARABIC_TEXT = st.text(
    alphabet=st.sampled_from(
        list("اأإآٱىيوؤئةهـءبلم ی\u06d5\u06c1ۀکًٌٍَُِّْٰٕٓٔ٣۴٫\u200b\u200f\u00a0\u3000\n\r\t\u2028\x1c\x85ﻷﯼﺍﻟ\ufe70a\u0301")
    ),
    max_size=30,
)
# Any code point, lone surrogates included (str allows them).
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=()))


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(ARABIC_TEXT, ANY_TEXT), teh=st.booleans(), hamza=st.booleans())
def test_normalisation_is_idempotent(text: str, teh: bool, hamza: bool) -> None:
    once = canonical_letters(text)
    assert canonical_letters(once) == once
    normal = normalise(text, fold_teh_marbuta=teh, fold_hamza=hamza)
    assert normalise(normal, fold_teh_marbuta=teh, fold_hamza=hamza) == normal
    assert normalise(once) == normalise(text)  # text_norm from text is text_norm from the raw input


@settings(max_examples=300, deadline=None)
@given(text=ANY_TEXT)
def test_nothing_raises_on_any_unicode(text: str) -> None:
    assert isinstance(normalise(text), str)
    assert isinstance(tokenize(text), list)
    assert isinstance(is_arabic(text), bool)


TEXTS = st.lists(st.one_of(ARABIC_TEXT, ANY_TEXT), max_size=8)


@settings(max_examples=300, deadline=None)
@given(texts=TEXTS, teh=st.booleans(), hamza=st.booleans())
def test_normalise_many_gives_what_normalise_gives(texts: list[str], teh: bool, hamza: bool) -> None:
    one_by_one = [normalise(text, fold_teh_marbuta=teh, fold_hamza=hamza) for text in texts]
    assert normalise_many(texts, fold_teh_marbuta=teh, fold_hamza=hamza) == one_by_one
    canonical = [canonical_letters(text) for text in texts]
    assert normalise_many(canonical, fold_teh_marbuta=teh, fold_hamza=hamza, assume_canonical=True) == one_by_one


@settings(max_examples=300, deadline=None)
@given(texts=TEXTS)
def test_canonical_letters_many_gives_what_canonical_letters_gives(texts: list[str]) -> None:
    assert canonical_letters_many(texts) == [canonical_letters(text) for text in texts]


def test_line_breaks_of_every_kind_in_a_corpus() -> None:
    # CR LF is one line break, so a blank line is two of any other kind; white space around them goes.
    texts = ["أ\r\nب", "أ\r\x1cب", "أ\r\rب", "أ\r \nب", "أ\u2028\u2029\x85ب", "أ \r\n\r\n\r\n ب\r"]
    expected = ["أ\nب", "أ\n\nب", "أ\n\nب", "أ\n\nب", "أ\n\nب", "أ\n\nب"]
    assert canonical_letters_many(texts) == [canonical_letters(text) for text in texts] == expected


def test_canonical_letters_many_looks_at_every_character_it_may_change() -> None:
    # After each character of the BMP and after an alef (what a mark composes with), and as two spaces
    # around it: the compiled pass that skips most texts must never skip one that changes.
    characters = [chr(code) for code in range(0x10000)]
    texts = [f"ب{c}" for c in characters] + [f"ا{c}ب" for c in characters] + [f"ب {c} ب" for c in characters]
    assert canonical_letters_many(texts) == [canonical_letters(text) for text in texts]


def test_normalise_many_settles_what_removing_a_mark_unsettles() -> None:
    # A removed mark (fatha; maddah, which blocks marks of its class) or tatweel before every character of
    # the BMP: where it goes, the next character may compose or reorder (e + maddah + acute becomes é), and
    # spaces may meet. The compiled fold flags those texts for a closer look.
    characters = [chr(code) for code in [*range(0xD800), *range(0xE000, 0x10000)]]
    texts = [f"{base}{mark}{c}" for base in ("ا", "e") for mark in ("\u064e", "\u0653") for c in characters]
    texts += [f"ب {c}\u0640 ب" for c in characters] + ["\u0640 ب", "ب \u0640"]
    canonical = [canonical_letters(text) for text in texts]
    assert normalise_many(canonical, assume_canonical=True) == [normalise(text) for text in canonical]


@settings(max_examples=200, deadline=None)
@given(texts=TEXTS)
def test_normalised_paragraphs_are_the_lines_normalised(texts: list[str]) -> None:
    canonical = [canonical_letters(text) for text in texts]
    paragraphs = normalised_paragraphs(canonical)
    lines = [[line for line in text.split("\n") if line] for text in canonical]
    assert list(paragraphs) == [[normalise(line) for line in text_lines] for text_lines in lines]
    flat = [paragraph for text in paragraphs for paragraph in text]
    again = hashed_words(flat)
    assert paragraphs.words.text_index.tolist() == again.text_index.tolist()
    assert paragraphs.words.lengths.tolist() == again.lengths.tolist()
    assert paragraphs.words.hashes.tolist() == again.hashes.tolist()


@settings(max_examples=200, deadline=None)
@given(texts=TEXTS, data=st.data())
def test_paragraphs_written_as_utf8_rows(texts: list[str], data: st.DataObject) -> None:
    # Rows of chosen paragraphs (any, in any order, repeated or none), a blank line apart: the bytes
    # Python's encoder writes, as they stand and normalised.
    canonical = [canonical_letters(text) for text in texts]
    paragraphs = normalised_paragraphs(canonical)
    original = [line for text in canonical for line in text.split("\n") if line]
    normal = [paragraph for text in paragraphs for paragraph in text]
    row = st.lists(st.integers(0, len(original) - 1), max_size=4) if original else st.just([])
    rows = data.draw(st.lists(row, max_size=6))
    pieces = np.array([p for row in rows for p in row], dtype=np.int64)
    bounds = np.cumsum([0] + [len(row) for row in rows])
    for lines, normalised in ((original, False), (normal, True)):
        encoded, offsets = paragraphs.utf8_joined(pieces, bounds, normalised=normalised)
        expected = ["\n\n".join(lines[p] for p in row).encode("utf-8") for row in rows]
        assert [encoded[a:b].tobytes() for a, b in itertools.pairwise(offsets.tolist())] == expected


def test_paragraphs_written_as_utf8_every_character() -> None:
    # Every character of the BMP (canonical text keeps most of them) and one beyond it, 1 to 4 bytes each.
    text = canonical_letters("".join(map(chr, [*range(0x20, 0xD800), *range(0xE000, 0x10000), 0x1F600])))
    paragraphs = normalised_paragraphs([text])
    lines = [line for line in text.split("\n") if line]
    encoded, offsets = paragraphs.utf8_joined(np.arange(len(lines)), np.array([0, len(lines)]), normalised=False)
    assert encoded.tobytes() == "\n\n".join(lines).encode("utf-8") and offsets.tolist() == [0, len(encoded)]


def test_normalise_many_on_the_seed_paragraphs(seed_page: Path) -> None:
    lines = seed_page.read_text(encoding="utf-8").splitlines()
    paragraphs = [canonical_letters(line) for line in lines if line.strip()]
    assert normalise_many(paragraphs, assume_canonical=True) == [normalise(p) for p in paragraphs]
    # «وإيران تأكيد» on the page: hamza forms folded.
    assert normalise_many(paragraphs)[0].startswith("جددت باكستان وايران تاكيد التزامهما بتعزيز العلاقات")


@settings(max_examples=300, deadline=None)
@given(texts=TEXTS)
def test_hashed_words_are_the_words_split_gives(texts: list[str]) -> None:
    words = hashed_words(texts)
    # NUL ends a word too (normalised text never holds it).
    split = [(i, word) for i, text in enumerate(texts) for word in text.replace("\x00", " ").split()]
    assert words.text_index.tolist() == [i for i, _ in split]
    assert words.lengths.tolist() == [len(word) for _, word in split]
    by_hash: dict[int, str] = {}
    for hash_, (_, word) in zip(words.hashes.tolist(), split, strict=True):
        assert by_hash.setdefault(hash_, word) == word  # one word per hash
    assert len(by_hash) == len({word for _, word in split})  # and one hash per word
    sequences = [tuple(text.replace("\x00", " ").split()) for text in texts]
    for i, j in itertools.combinations(range(len(texts)), 2):  # a text's hash: its words in order
        assert (words.text_hashes[i] == words.text_hashes[j]) == (sequences[i] == sequences[j])


def test_hashed_word_lengths_count_characters_not_code_units() -> None:
    # An emoji is two UTF-16 code units and one character; half of one (a lone surrogate) is one too.
    words = hashed_words(["زلزال\U0001f30d قوي", "هزة\udc00 \ud83dب"])
    assert words.lengths.tolist() == [6, 3, 4, 2]
    assert words.text_index.tolist() == [0, 0, 1, 1]
    # Two surrogate code points in a row are two characters, not the emoji that UTF-16 would make of them.
    words = hashed_words(["\U0001f30d قوي", "\ud83c\udf0d قوي"])
    assert words.lengths.tolist() == [1, 3, 2, 3]
    assert words.hashes[0] != words.hashes[2] and words.hashes[1] == words.hashes[3]
    assert words.text_hashes[0] != words.text_hashes[1]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_categories=("Cs", "Cn"))), max_size=5))
def test_tokenize_many_is_tokenize_of_each_text(texts: list[str]) -> None:
    # Arrow's RE2 pattern and Python's TOKEN_PATTERN must find the same words in any text of characters
    # Python's Unicode tables know (RE2's are newer: a letter added since is no letter to Python's re).
    words, rows = tokenize_many(texts)
    expected = [tokenize(text, normalised=True) for text in texts]
    assert words.to_pylist() == [word for found in expected for word in found]
    assert rows.tolist() == [i for i, found in enumerate(expected) for _ in found]


def test_tokenize_many_reads_a_slice_of_an_arrow_column_with_nulls() -> None:
    # The offsets of a slice start past the first text; a null is an empty text; a letter outside the BMP is
    # four UTF-8 bytes; a run with a digit or an underscore is no word.
    column = pa.array(["قبل", None, "زلزال بقوة 6.4 درجات", "𐌰𐌱 ab_c x9y وزير"], type=pa.string())[1:]
    words, rows = tokenize_many(column)
    assert words.to_pylist() == ["زلزال", "بقوة", "درجات", "𐌰𐌱", "وزير"]
    assert rows.tolist() == [1, 1, 1, 2, 2]


def test_written_forms_are_the_spelling_the_texts_use_most() -> None:
    forms = written_forms(["أعلنت إيرانُ", "ايران وإيران", "الأراضي", "الاراضي", "وزيـــر"])
    assert forms == {
        "اعلنت": "أعلنت",  # the only spelling
        "ايران": "إيران",  # two to one (the diacritic left out)
        "الاراضي": "الأراضي",  # one each: the first in code-point order (أ before ا)
        "وايران": "وإيران",
        "وزير": "وزير",  # tatweel left out
    }

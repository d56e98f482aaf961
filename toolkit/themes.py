"""Themes: score every story against themes such as security cooperation and natural disasters.

Themes live in ``toolkit/data/themes.toml`` (a key, an Arabic and an English label, Arabic seed
words and phrases, and optional context words); `load_themes` reads it, adds a user's file and
themes written in code. `score_themes` gives every story a score per theme and assigns the best
theme whose score reaches the threshold. `theme_attention` turns the assignments into attention
tables (share of all stories per period or per source), `distinctive_words` lists the words that
set two themes apart and `topics_to_themes` maps a topic model's topics to themes.

What a theme means is written down first: ``docs/themes.md`` is the annotation guideline, and the
gold set ``benchmarks/themes_gold.csv`` (ids and labels of stories read by hand against it) is what
the scoring is measured on (``python -m benchmarks.themes_eval``; figures in ``benchmarks/RESULTS.md``).

How a story is scored (`ThemeScorer`; constants chosen on the gold set's development half):

* Seed evidence. Matching runs on normalised words (`toolkit.arabic.normalise`,
  `toolkit.arabic.tokenize`), on seeds normalised the same way. A seed word matches with the clitics
  و ف ب ك ل, the article ال and the usual endings (accusative ا, dual, plural, possessive; ة forms for
  words ending in ة or ي), so the seed "تعاون دفاعي" matches «بالتعاون الدفاعي» and «تعاونا دفاعيا».
  Every surface form of every seed word is generated once, each word of a story is looked up in that
  table, and one regular expression per theme finds the phrases. A quoted run of two to four words
  («زلزال 77», "طوفان الأقصى") is a name and is skipped, and so is a match next to one of the theme's
  ``not_before``/``not_after`` words («صاروخ بركان», «زلزال سياسي»). Seeds count 1 and context words
  0.5, in the text and, separately, in the title: ``lexical = 1 − exp(−(title matches + matches per
  100 words))`` where a seed matched, else 0 (context words alone never give a theme: «هجوم مسلح»
  is security, not security cooperation).
* Focus. On a corpus with at least 20 clear cases of a theme, a naive Bayes word model learnt from
  them (weak supervision: no labels needed) says how much the whole story reads like the theme; the
  lexical score is scaled down for a story whose other words are about something else (a metaphor,
  a passing mention, a news bulletin). On the gold set this raised natural-disaster precision from
  0.80 to 0.90 at the same recall.
* Between states. A theme with ``relation`` and ``subject`` words (security cooperation) is a relation
  between states, and a seed does not show one: «مناورات مشتركة» of one army's own units, a war story
  that names an alliance. Such a theme also counts passages (a subject word with a relation word and two
  different parties, states of `toolkit.countries` or the theme's ``partners`` such as «الناتو», within
  25 words either side) and pairs (a relation word followed
  within 7 words by a subject word), and its ``not_about`` words: war and attack words in the title, and
  their density in the text, weigh against the theme: a story about the fighting is not cooperation,
  whatever allies it names (the guideline's "Out": "a war, a battle, an attack, an air strike, including a
  coalition's strikes"). `relation_score` weighs them with the score above: a long analysis of two
  armies' ties reaches the theme without a seed phrase, a story with a seed or two and no second state
  does not (dense seeds with several relation-subject pairs still can), nor does a battle fought with a
  coalition's support. On the first 934 gold stories the seed-and-focus score alone gives security cooperation
  P 0.82, R 0.57 (F1 0.67); passages and pairs 0.72, 0.86 (F1 0.78); with the war words, and the seed
  score kept for briefs only (it was kept for any story with a passage), 0.83, 0.85 (F1 0.84).
* Focus of a theme between states, read by paragraphs. A story whose title has none of the theme's
  words keeps that score only where at least FOCUS_SHARE (a quarter) of its paragraphs hold a seed, a
  passage or a pair; elsewhere it is 0: a visit or an analysis in which cooperation is one thread among
  several. The census of every story the scorer assigns (1,125 gold stories) showed these as its
  commonest false positives; the rule raised security cooperation there from P 0.66, R 0.83 (F1 0.73)
  to P 0.76, R 0.77 (F1 0.76).
* ``threshold=0.4``: the best score at or above it gives the story its ``theme``.
* With ``embedding`` (a sentence-transformers model, or any object with ``encode(texts)``), the
  score is mixed with the cosine between the story and the mean of its theme's seed embeddings. It is
  optional: the default needs no model and no download.

>>> themes = load_themes()
>>> list(themes)
['security_cooperation', 'natural_disasters']
>>> import pandas as pd
>>> articles = pd.DataFrame({"article_id": ["a", "b"], "title": [None, None],
...     "text_norm": [normalise("ضرب زلزال بقوة 6 درجات جزيرة سومطرة"), normalise("فاز المنتخب بالمباراة")]})
>>> score_themes(articles)["theme"].fillna("none").tolist()
['natural_disasters', 'none']
"""

from __future__ import annotations

import re
import statistics
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, NamedTuple, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse

from toolkit._ranking import rank_by_value
from toolkit.arabic import arabic_stop_words, normalise, tokenize, written_forms
from toolkit.countries import _matcher as country_matcher
from toolkit.distributed import columns_of, is_dask_frame, is_partitioned
from toolkit.errors import InputError, require_columns
from toolkit.load import period_start, stray_dates
from toolkit.stories import SAMPLE_SIZE, STORY_KINDS, counted_stories, sampled_stories
from toolkit.wordforms import (
    _DEFINITE,
    phrase_pattern,
    seed_word,
    stem_endings,
    word_column,
    word_forms,
    word_paragraphs,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "Theme",
    "ThemeScorer",
    "distinctive_words",
    "load_themes",
    "read_theme_scores",
    "score_themes",
    "theme_attention",
    "topics_to_themes",
    "wilson_interval",
]

DEFAULT_THRESHOLD = 0.4
# The rows that are stories an outlet published: whole articles and the "read also" stories in them.
CONTEXT_WEIGHT = 0.5
# Weak supervision (see ThemeScorer): examples are stories with a lexical score of at least CONFIDENT,
# a theme needs MIN_EXAMPLES of them (and of counter-examples) to learn its word model, and a story's
# focus f scales its score by 1 / (1 + exp(−FOCUS_SLOPE × (f − FOCUS_OFFSET))).
CONFIDENT = 0.8
MIN_EXAMPLES = 20
SCORE_BATCH = 50_000  # rows scored at a time past the sample: their split words are held at once
FOCUS_SLOPE = 4.0
FOCUS_OFFSET = 0.1
_KEY = re.compile(r"[a-z][a-z0-9_]*")
_LISTS = ("seeds", "context", "not_after", "not_before", "relation", "subject", "partners", "not_about")
# A theme that is a relation between states (security cooperation) also counts *passages*: a subject word
# («عسكري») with a relation word («تعاون») and two or more states within PASSAGE_WORDS words either side,
# and *pairs*: a relation word followed within PAIR_WORDS words by a subject word («تعاون وثيق في المجال
# العسكري»). Its score is then sigmoid(RELATION_WEIGHTS · (score, log(1 + passages), log(1 + pairs),
# not_about word in the title, not_about words per 100 words, 1)), a logistic regression fitted on the gold
# set's development half, its intercept then moved to the best F1 there (`python -m benchmarks.themes_eval
# --fit`, run before the focus rule below: refitting with the rule in place lowers the dev F1), or at least
# its seed-and-focus score where the story has fewer than SHORT_STORY words (a brief or a headline has no
# room for passages) and its title names no war. A story whose title has none of the
# theme's seed or context words keeps that score only where at least FOCUS_SHARE of its paragraphs hold a
# seed, a passage or a pair: the guideline's focus rule (a third of the text, or a main thread) read by
# paragraphs (lines of the text: a text with no line break is one paragraph), chosen on the dev half.
PASSAGE_WORDS = 25
FOCUS_SHARE = 0.25
SHORT_STORY = 100
PAIR_WORDS = 7
RELATION_WEIGHTS = (3.42, 1.76, 2.12, -1.59, -0.76, -6.91)

_GAP = "|"  # stands for a run of words that are no theme word
_GAPS = re.compile(r"\|(?: \|)+")


@dataclass(frozen=True)
class Theme:
    """One theme: a key, labels, seed words and phrases, and optional context words.

    Seeds decide a story's theme; context words only add weight (0.5) to a story that also
    matches a seed. Write both in ordinary Arabic spelling; matching normalises them.

    >>> Theme("elections", "الانتخابات", "Elections", ("انتخابات", "صناديق الاقتراع")).seeds
    ('انتخابات', 'صناديق الاقتراع')
    """

    key: str
    label_ar: str
    label_en: str
    seeds: tuple[str, ...]
    context: tuple[str, ...] = ()
    not_after: tuple[str, ...] = ()
    not_before: tuple[str, ...] = ()
    relation: tuple[str, ...] = ()
    subject: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    not_about: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Lists from TOML or user code become tuples, so a Theme is hashable and cannot change.
        for name in _LISTS:
            object.__setattr__(self, name, tuple(getattr(self, name)))
        where = f"theme {self.key!r}"
        if not isinstance(self.key, str) or not _KEY.fullmatch(self.key):
            raise InputError(where, "a theme key is lower-case a-z, 0-9 and _, starting with a letter")
        if not (isinstance(self.label_ar, str) and self.label_ar and isinstance(self.label_en, str) and self.label_en):
            raise InputError(where, "needs a label_ar and a label_en")
        words = (
            *self.seeds,
            *self.context,
            *self.not_after,
            *self.not_before,
            *self.relation,
            *self.subject,
            *self.partners,
            *self.not_about,
        )
        if not self.seeds or not all(isinstance(w, str) and tokenize(w) for w in words):
            raise InputError(where, "seeds must be a non-empty list of Arabic words or phrases")
        single = (*self.not_after, *self.not_before, *self.relation, *self.subject, *self.partners, *self.not_about)
        if not all(len(tokenize(w)) == 1 for w in single):
            raise InputError(
                where, "not_after, not_before, relation, subject, partners and not_about are lists of single words"
            )
        if bool(self.relation) != bool(self.subject) or ((self.partners or self.not_about) and not self.relation):
            raise InputError(
                where,
                "relation and subject go together (both or neither), and partners and not_about need them",
            )

    @property
    def between_states(self) -> bool:
        """Whether the theme is a relation between states (it has ``relation`` and ``subject`` words)."""
        return bool(self.relation)


def load_themes(
    path: str | Path | None = None, *, extra: Iterable[Theme | Mapping[str, Any]] | None = None
) -> dict[str, Theme]:
    """The built-in themes, then the themes of a user's TOML file, then ``extra`` themes.

    A later theme with the same key replaces an earlier one. ``extra`` holds `Theme` objects or
    dicts with the same fields (``key``, ``label_ar``, ``label_en``, ``seeds``, ``context``).

    >>> themes = load_themes(extra=[{"key": "elections", "label_ar": "الانتخابات",
    ...     "label_en": "Elections", "seeds": ["انتخابات", "صناديق الاقتراع"]}])
    >>> list(themes), themes["natural_disasters"].label_en
    (['security_cooperation', 'natural_disasters', 'elections'], 'Natural disasters')
    """
    builtin = resources.files("toolkit.data").joinpath("themes.toml")
    themes = _read_theme_file(builtin.read_text(encoding="utf-8"), "toolkit/data/themes.toml")
    if path is not None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except UnicodeDecodeError as err:
            raise InputError(path, f"not UTF-8 text ({err.reason})") from err
        except OSError as err:
            raise InputError(path, f"cannot read the theme file ({err.strerror})") from None
        user_themes = _read_theme_file(text, path)
        if not user_themes:
            raise InputError(path, "defines no theme: add a [key] table with label_ar, label_en and seeds")
        themes.update(user_themes)
    for item in extra or ():
        theme = item if isinstance(item, Theme) else _theme_from_mapping(item)
        themes[theme.key] = theme
    return themes


def _read_theme_file(text: str, path: str | Path) -> dict[str, Theme]:
    try:
        tables = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError(path, f"not valid TOML: {err}") from err
    themes = {}
    for key, table in tables.items():
        try:
            if not isinstance(table, dict):
                raise InputError(f"theme {key!r}", "must be a [table] of label_ar, label_en, seeds")
            themes[key] = _theme_from_mapping({"key": key, **table})
        except InputError as err:
            raise InputError(path, str(err)) from err
    return themes


def _theme_from_mapping(table: Mapping[str, Any]) -> Theme:
    where = f"theme {table.get('key')!r}"
    lists = _LISTS
    unknown = set(table) - {"key", "label_ar", "label_en", *lists}
    if unknown:
        raise InputError(where, f"unknown field(s) {', '.join(sorted(unknown))}")
    missing = {"key", "label_ar", "label_en", "seeds"} - set(table)
    if missing:
        raise InputError(where, f"missing {', '.join(sorted(missing))}")
    values = {name: table.get(name, ()) for name in lists}
    if any(isinstance(value, str) for value in values.values()):
        raise InputError(where, f"{', '.join(lists)} are lists of strings")
    return Theme(table["key"], table["label_ar"], table["label_en"], **{k: tuple(v) for k, v in values.items()})


# Which themes a function uses: None for the built-in ones, a TOML file's path (as `load_themes(path)`:
# built-in themes and the file's), a dict from `load_themes`, or `Theme` objects.
ThemeChoice = Mapping[str, Theme] | Iterable[Theme] | str | Path | None


def _theme_tuple(themes: ThemeChoice) -> tuple[Theme, ...]:
    """The themes to score: built-in (None), `load_themes` of a TOML path, or the `Theme` objects given."""
    if themes is None or isinstance(themes, str | Path):
        return tuple(load_themes(themes).values())
    found = tuple(themes.values() if isinstance(themes, Mapping) else themes)
    if not found:
        raise InputError("themes", "no themes given")
    odd = [item for item in found if not isinstance(item, Theme)]
    if odd:
        raise InputError("themes", f"expected Theme objects (see load_themes), got {type(odd[0]).__name__} {odd[0]!r}")
    return found


class _SeedMatcher:
    """Seed matching for a fixed set of themes: a table of word forms and one regex per theme.

    Text is first rewritten as a *code*: each word that is a form of a theme word (seed, context or
    cancelling word) becomes that word's stem (plus ``+`` when it carries the article) and each run
    of other words becomes ``|``. Seeds are then plain sequences of stems, found with one regex per theme.
    """

    def __init__(self, themes: tuple[Theme, ...]) -> None:
        self.forms = word_forms(
            stem_endings(p for t in themes for p in (*t.seeds, *t.context, *t.not_after, *t.not_before))
        )
        self.form_keys = pa.array(list(self.forms), type=pa.string())
        self.form_stems = pa.array(list(self.forms.values()), type=pa.string())
        self.patterns = {theme.key: _theme_pattern(theme) for theme in themes}
        self.cancel = {theme.key: (_stems(theme.not_before), _stems(theme.not_after)) for theme in themes}
        self.relations = {theme.key: _relation_forms(theme) for theme in themes if theme.between_states}

    def encode(self, text_norm: str) -> str:
        """The code of one normalised text."""
        words, rows = word_column([text_norm])
        return self.codes(words, rows, 1)[0]

    def codes(self, words: pa.Array, rows: np.ndarray, n_texts: int) -> list[str]:
        """The code of each of ``n_texts`` texts from their words end to end (``rows``: each word's text)."""
        known = pc.index_in(words, value_set=self.form_keys)
        stems = pc.fill_null(pc.take(self.form_stems, known), _GAP)
        offsets = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n_texts))])
        joined = pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets, type=pa.int32()), stems), " ")
        return pc.replace_substring_regex(joined, _GAPS.pattern, _GAP).to_pylist()

    def matches(self, code: str, key: str) -> list[float]:
        """The weight of each match in ``code``: 1 for a seed, CONTEXT_WEIGHT for a context word.

        A match right after one of the theme's ``not_before`` words, or right before one of its
        ``not_after`` words, is a name or a metaphor («صاروخ بركان», «زلزال سياسي») and is skipped.
        """
        before, after = self.cancel[key]
        found = []
        for match in self.patterns[key].finditer(code):
            seed = match.group(1) is not None
            start, end = match.span(1 if seed else 2)
            # The neighbouring words are found in place: slicing the code up to each match would copy it.
            last = max(start - 1, 0)
            if before and code[code.rfind(" ", 0, last) + 1 : last].rstrip(_DEFINITE) in before:
                continue
            following = code.find(" ", end + 1)
            if after and code[end + 1 : following if following >= 0 else len(code)].rstrip(_DEFINITE) in after:
                continue
            found.append(1.0 if seed else CONTEXT_WEIGHT)
        return found


def _relation_forms(theme: Theme) -> tuple[pa.Array, np.ndarray]:
    """The written forms of a theme's relation, subject, partner and not-about words, and the lists of each
    (bits 1, 2, 4, 8).

    One lookup then reads the four lists; a form can be in several («الناتو» is a subject and a partner).
    """
    lists: dict[str, int] = {}
    for bit, words in ((1, theme.relation), (2, theme.subject), (4, theme.partners), (8, theme.not_about)):
        for form in word_forms(stem_endings(words)):
            lists[form] = lists.get(form, 0) | bit
    return pa.array(list(lists), type=pa.string()), np.array(list(lists.values()))


def _stems(words: Sequence[str]) -> frozenset[str]:
    return frozenset(seed_word(normalise(word))[0] for word in words)


def _theme_pattern(theme: Theme) -> re.Pattern[str]:
    def alternation(phrases: Sequence[str]) -> str:
        # Longest first, so "مناورات عسكرية مشتركة" wins over "مناورات" where both start.
        return "|".join(sorted({phrase_pattern(p) for p in phrases}, key=len, reverse=True)) or "(?!)"

    # A zero-width match at every word where a seed starts: overlapping seeds all count once each.
    return re.compile(rf"(?<!\S)(?=(?:({alternation(theme.seeds)})|({alternation(theme.context)}))(?!\S))")


@lru_cache(maxsize=8)
def seed_matcher(themes: tuple[Theme, ...]) -> _SeedMatcher:
    """The (cached) matcher of these themes' seeds, context and cancelling words."""
    return _SeedMatcher(themes)


class Encoder(Protocol):
    """Anything that embeds a list of texts as rows of a matrix (a sentence-transformers model)."""

    def encode(self, sentences: list[str]) -> Any: ...


class _Evidence(NamedTuple):
    """Per story and theme (rows × themes): where the theme's words were found, and each story's words."""

    title: np.ndarray  # seed and context matches in the title
    density: np.ndarray  # ... in the whole text, per 100 words
    seeded: np.ndarray  # a seed matched somewhere (context words alone never give a theme)
    any_match: np.ndarray  # a seed or a context word matched somewhere
    text_words: np.ndarray  # per story: the words of its text
    passages: np.ndarray  # a theme between states: subject and relation words with two states around them
    pairs: np.ndarray  # ... a relation word followed closely by a subject word
    off_title: np.ndarray  # ... 1 where the title has one of its not_about words (war, attack), else 0
    off_density: np.ndarray  # ... its not_about words per 100 words of the text
    paragraph_share: np.ndarray  # ... the share of the text's paragraphs with a seed, a passage or a pair
    words: pa.Array  # the titles' and texts' words (quoted names left out, stop words kept), end to end
    rows: np.ndarray  # the story of each of ``words``

    @property
    def lexical(self) -> np.ndarray:
        """1 − exp(−(title matches + matches per 100 words)) where a seed matched, else 0."""
        return np.where(self.seeded, 1 - np.exp(-(self.title + self.density)), 0.0)


def _evidence(articles: pd.DataFrame, themes: tuple[Theme, ...], countries: pd.DataFrame | None = None) -> _Evidence:
    matcher = seed_matcher(themes)
    n = len(articles)
    bodies = articles["text_norm"].fillna("").tolist()
    titles = articles["title"].fillna("").map(normalise).tolist() if "title" in articles else [""] * n
    title_words, title_rows = word_column(titles)
    body_words, body_rows = word_column(bodies)
    title_codes, body_codes = matcher.codes(title_words, title_rows, n), matcher.codes(body_words, body_rows, n)
    body_lengths = np.bincount(body_rows, minlength=n)
    shape = (n, len(themes))
    title, density = np.zeros(shape), np.zeros(shape)
    seeded, any_match = np.zeros(shape, dtype=bool), np.zeros(shape, dtype=bool)
    for row, (title_code, body_code) in enumerate(zip(title_codes, body_codes, strict=True)):
        if title_code in ("", _GAP) and body_code in ("", _GAP):
            continue  # no theme word at all
        for col, theme in enumerate(themes):
            in_title, in_body = matcher.matches(title_code, theme.key), matcher.matches(body_code, theme.key)
            seeded[row, col] = 1.0 in in_title or 1.0 in in_body
            any_match[row, col] = bool(in_title or in_body)
            title[row, col] = sum(in_title)
            density[row, col] = 100 * sum(in_body) / max(body_lengths[row], 1)
    passages, pairs, off_title, off_density, paragraph_share = (np.zeros(shape) for _ in range(5))
    paragraphs = word_paragraphs(bodies)
    for col, theme in enumerate(themes):
        if theme.between_states:
            forms, kinds = matcher.relations[theme.key]
            for is_title, part_words, part_rows in ((True, title_words, title_rows), (False, body_words, body_rows)):
                found = pc.index_in(part_words, value_set=forms).to_numpy(zero_copy_only=False)
                kind = np.zeros(len(found), dtype=np.int64)
                listed = ~np.isnan(found)
                kind[listed] = kinds[found[listed].astype(np.int64)]
                is_relation, is_subject = (kind & 1) > 0, (kind & 2) > 0
                off = np.bincount(part_rows[(kind & 8) > 0], minlength=n)
                if is_title:
                    off_title[:, col] = off > 0
                else:
                    off_density[:, col] = 100 * off / np.maximum(body_lengths, 1)
                _, country, place = country_matcher(countries).mentions(part_words, part_rows)
                # An alliance or a bloc («الناتو», «الأوروبي») is one more party, as a state is.
                allied = np.flatnonzero(kind & 4)
                order = np.argsort(np.concatenate([place, allied]), kind="stable")
                place = np.concatenate([place, allied])[order]
                country = np.concatenate([country, np.full(len(allied), -1)])[order]
                passages[:, col] += relation_passages(part_rows, is_subject, is_relation, place, country, n)
                pairs[:, col] += relation_pairs(part_rows, is_relation, is_subject, n)
                if not is_title:
                    paragraph_share[:, col] = _paragraph_share(
                        paragraphs,
                        part_rows,
                        n,
                        is_subject,
                        is_relation,
                        place,
                        country,
                        _seeded_paragraphs(matcher, theme.key, part_words, paragraphs, seeded[part_rows, col]),
                    )
    words = pa.concat_arrays([title_words, body_words])
    rows = np.concatenate([title_rows, body_rows])
    return _Evidence(
        title,
        density,
        seeded,
        any_match,
        body_lengths,
        passages,
        pairs,
        off_title,
        off_density,
        paragraph_share,
        words,
        rows,
    )


def _seeded_paragraphs(
    matcher: _SeedMatcher, key: str, words: pa.Array, paragraphs: np.ndarray, in_seeded_text: np.ndarray
) -> np.ndarray:
    """The paragraphs (numbers of ``paragraphs``, one per word) with a seed of theme ``key``; only the words of
    texts with a seed (``in_seeded_text``, per word) are read again."""
    candidates = paragraphs[in_seeded_text]
    if not len(candidates):
        return np.zeros(0, dtype=np.int64)
    numbers, local = np.unique(candidates, return_inverse=True)
    codes = matcher.codes(words.filter(pa.array(in_seeded_text)), local, len(numbers))
    return numbers[[1.0 in matcher.matches(code, key) for code in codes]]


def _paragraph_share(
    paragraphs: np.ndarray,
    rows: np.ndarray,
    n_texts: int,
    subject: np.ndarray,
    relation: np.ndarray,
    places: np.ndarray,
    countries: np.ndarray,
    seeded: np.ndarray,
) -> np.ndarray:
    """Per text: the share of its paragraphs (those with words) that hold a seed, a passage or a pair of their own.

    ``seeded`` lists the paragraphs (numbers of ``paragraphs``) with a seed.
    """
    n_paragraphs = int(paragraphs[-1]) + 1 if len(paragraphs) else 0
    text_of = np.zeros(n_paragraphs, dtype=np.int64)
    text_of[paragraphs] = rows
    held = (relation_passages(paragraphs, subject, relation, places, countries, n_paragraphs) > 0) | (
        relation_pairs(paragraphs, relation, subject, n_paragraphs) > 0
    )
    held[seeded] = True
    counted = np.bincount(text_of[np.unique(paragraphs)], minlength=n_texts)
    return np.bincount(text_of[held], minlength=n_texts) / np.maximum(counted, 1)


def relation_passages(
    rows: np.ndarray,
    subject: np.ndarray,
    relation: np.ndarray,
    places: np.ndarray,
    countries: np.ndarray,
    n_texts: int,
    *,
    reach: int = PASSAGE_WORDS,
) -> np.ndarray:
    """Per text: its subject words that have a relation word and two different states within ``reach`` words.

    ``rows`` gives each word's text (texts end to end, in order), ``subject`` and ``relation`` flag words,
    ``places`` and ``countries`` are the word positions (in order) and countries of the state mentions.

    >>> rows = np.zeros(6, dtype=int)  # «تعاون عسكري بين مصر واليونان اليوم»
    >>> flags = lambda *on: np.isin(np.arange(6), on)
    >>> relation_passages(rows, flags(1), flags(0), np.array([3, 4]), np.array([7, 9]), 1).tolist()
    [1.0]
    >>> relation_passages(rows, flags(1), flags(0), np.array([3, 4]), np.array([7, 7]), 1).tolist()
    [0.0]
    """
    anchors, related = np.flatnonzero(subject), np.flatnonzero(relation)
    if not len(anchors) or not len(related) or len(places) < 2:
        return np.zeros(n_texts)
    text = rows[anchors]
    # The passage stays inside its text.
    low = np.maximum(anchors - reach, np.searchsorted(rows, text, side="left"))
    high = np.minimum(anchors + reach, np.searchsorted(rows, text, side="right") - 1)
    k = np.searchsorted(related, low)
    with_relation = (k < len(related)) & (related[np.minimum(k, len(related) - 1)] <= high)
    # Two different states among the mentions first..last−1 ⇔ two neighbouring mentions there differ.
    first, last = np.searchsorted(places, low), np.searchsorted(places, high, side="right")
    changes = np.concatenate([[0], np.cumsum(countries[1:] != countries[:-1])])
    enough = last - first >= 2
    differ = changes[np.clip(last - 1, 0, len(places) - 1)] - changes[np.clip(first, 0, len(places) - 1)] > 0
    return np.bincount(text[with_relation & enough & differ], minlength=n_texts).astype(float)


def relation_pairs(
    rows: np.ndarray, relation: np.ndarray, subject: np.ndarray, n_texts: int, *, reach: int = PAIR_WORDS
) -> np.ndarray:
    """Per text: its relation words followed within ``reach`` words (same text) by a subject word.

    >>> rows = np.array([0, 0, 0, 0, 1])  # «تعاون وثيق في الدفاع» and «تعاون»
    >>> relation_pairs(rows, np.array([1, 0, 0, 0, 1], bool), np.array([0, 0, 0, 1, 0], bool), 2).tolist()
    [1.0, 0.0]
    """
    starts, targets = np.flatnonzero(relation), np.flatnonzero(subject)
    if not len(starts) or not len(targets):
        return np.zeros(n_texts)
    following = targets[np.minimum(np.searchsorted(targets, starts + 1), len(targets) - 1)]
    found = (following > starts) & (following <= starts + reach) & (rows[following] == rows[starts])
    return np.bincount(rows[starts[found]], minlength=n_texts).astype(float)


class ThemeScorer:
    """Scores stories against themes: seed evidence, weighed by what the rest of each story is about.

    Seeds alone mistake a metaphor («زلزال سياسي») or a passing mention for the theme. So a story's
    score has two parts:

    1. Seed evidence (``toolkit/data/themes.toml``): ``lexical = 1 − exp(−(title matches + matches
       per 100 words))``, counting seeds 1 and context words 0.5, where at least one seed matched.
    2. Focus, learnt by `fit` from the corpus itself (weak supervision: no labels needed). The stories
       whose lexical score is at least ``confident`` are the theme's examples, the stories without any
       of its words the counter-examples; a multinomial naive Bayes word model learnt from them
       (`word_weights_`: each word's log-likelihood ratio, add-one smoothing) gives every story its
       focus, the mean ratio over its words. `focus_range_` holds the typical counter-example's focus
       and the typical example's (medians), and focus is read on that scale: 0 for the first, 1 for
       the second.

    ``score = lexical × sigmoid(FOCUS_SLOPE × (relative focus − FOCUS_OFFSET))`` (0 to 1), and a
    theme is assigned where the best score reaches ``threshold``. A theme with fewer than
    ``min_examples`` examples or counter-examples in the corpus (a handful of pages) keeps its
    lexical score, and so does every theme with ``learn=False`` (scores that do not depend on the
    rest of the corpus). A theme between states (``relation`` and ``subject`` words) then weighs that
    score with its passages, pairs and not_about words, and keeps it only where its title or a quarter of
    its paragraphs carry the theme (`relation_score`). The constants were chosen on the development
    half of the gold set (``docs/themes.md``, ``benchmarks/themes_gold.csv``).

    Follows scikit-learn's contract: `fit` returns self, fitted attributes end in ``_``.

    >>> scorer = ThemeScorer().fit(pd.DataFrame({"article_id": ["a"], "text_norm": ["زلزال قوي"]}))
    >>> scorer.learned_
    {'security_cooperation': False, 'natural_disasters': False}
    """

    def __init__(
        self,
        themes: ThemeChoice = None,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        learn: bool = True,
        confident: float = CONFIDENT,
        min_examples: int = MIN_EXAMPLES,
        embedding: Encoder | None = None,
        embedding_weight: float = 0.5,
        countries: pd.DataFrame | None = None,
    ) -> None:
        if not 0 < threshold <= 1:
            raise InputError("threshold", f"must be in (0, 1], got {threshold}")
        if not 0 <= embedding_weight <= 1:
            raise InputError("embedding_weight", f"must be in [0, 1], got {embedding_weight}")
        self.themes = _theme_tuple(themes)
        self.threshold = threshold
        self.learn = learn
        self.confident = confident
        self.min_examples = min_examples
        self.embedding = embedding
        self.embedding_weight = embedding_weight
        self.countries = countries

    def fit(self, articles: pd.DataFrame) -> ThemeScorer:
        """Learn each theme's word model from ``articles`` (``article_id``, ``text_norm``, optional ``title``)."""
        self._fit(_checked(articles))
        return self

    def transform(self, articles: pd.DataFrame) -> pd.DataFrame:
        """``article_id``, ``score_<key>`` per theme and ``theme`` for every story of ``articles``."""
        self._check_fitted()
        articles = _checked(articles)
        found = _evidence(articles, self.themes, self.countries)
        counts = _word_counts_matrix(self._word_codes(found.words), found.rows, len(articles), len(self.vocabulary_))
        return self._scores(articles, found, self._focus(counts))

    def fit_transform(self, articles: pd.DataFrame) -> pd.DataFrame:
        """`fit` then `transform` on the same stories, reading them once."""
        articles = _checked(articles)
        return self._scores(articles, *self._fit(articles))

    def _fit(self, articles: pd.DataFrame) -> tuple[_Evidence, np.ndarray]:
        """Learn the word models; the evidence and the focus of ``articles``, for `_scores`."""
        found = _evidence(articles, self.themes, self.countries)
        lexical = found.lexical
        # Arrow hashes the words' UTF-8 bytes: several times faster than pandas on Python strings.
        encoded = pc.dictionary_encode(found.words)
        codes, vocabulary = encoded.indices.to_numpy(), encoded.dictionary
        counts = _word_counts_matrix(codes, found.rows, len(articles), len(vocabulary))
        self.vocabulary_ = pd.Index(vocabulary.to_pylist(), dtype=object)
        self.word_weights_ = np.zeros((len(self.themes), len(vocabulary)))
        self.focus_range_ = np.zeros((len(self.themes), 2))
        self.learned_ = {}
        examples, counter_examples = lexical >= self.confident, ~found.any_match
        for col, theme in enumerate(self.themes):
            learned = self.learn and min(examples[:, col].sum(), counter_examples[:, col].sum()) >= self.min_examples
            self.learned_[theme.key] = bool(learned)
            if learned:
                self.word_weights_[col] = _log_likelihood_ratios(counts, examples[:, col], counter_examples[:, col])
        focus = self._focus(counts)
        for col, theme in enumerate(self.themes):
            if self.learned_[theme.key]:
                # The typical counter-example's focus and the typical example's: focus is read on this scale.
                self.focus_range_[col] = (
                    np.median(focus[counter_examples[:, col], col]),
                    np.median(focus[examples[:, col], col]),
                )
        return found, focus

    def _check_fitted(self) -> None:
        if not hasattr(self, "learned_"):
            raise InputError("ThemeScorer", "not fitted: call fit(articles) first")

    def _word_codes(self, words: pa.Array) -> np.ndarray:
        """Each word's column in `vocabulary_` (−1 for a word the fit never saw)."""
        found = pc.index_in(words, value_set=pa.array(self.vocabulary_, type=pa.string()))
        return found.fill_null(-1).to_numpy()

    def _scores(self, articles: pd.DataFrame, found: _Evidence, focus: np.ndarray) -> pd.DataFrame:
        scores = self._focused(found, focus)
        for col, theme in enumerate(self.themes):
            if theme.between_states:
                scores[:, col] = relation_score(
                    scores[:, col],
                    found.passages[:, col],
                    found.pairs[:, col],
                    found.text_words,
                    found.off_title[:, col],
                    found.off_density[:, col],
                    found.title[:, col],
                    found.paragraph_share[:, col],
                )
        if self.embedding is not None:
            similarity = _embedding_similarity(articles["text_norm"].fillna("").tolist(), self.themes, self.embedding)
            scores = (1 - self.embedding_weight) * scores + self.embedding_weight * similarity
        return _assign(articles["article_id"], scores, [t.key for t in self.themes], self.threshold)

    def _focused(self, found: _Evidence, focus: np.ndarray) -> np.ndarray:
        """The seed evidence scaled by each story's focus (rows × themes): the score before `relation_score`."""
        scores = found.lexical
        for col, theme in enumerate(self.themes):
            if self.learned_[theme.key]:
                low, high = self.focus_range_[col]
                relative = (focus[:, col] - low) / max(high - low, 1e-9)
                scores[:, col] *= 1 / (1 + np.exp(-FOCUS_SLOPE * (relative - FOCUS_OFFSET)))
        return scores

    def _focus(self, counts: sparse.csr_matrix) -> np.ndarray:
        """Each story's mean log-likelihood ratio per theme over its words the theme's model knows."""
        weighed = counts @ (self.word_weights_ != 0).T.astype(float)
        return (counts @ self.word_weights_.T) / np.maximum(weighed, 1)


def relation_score(
    score: np.ndarray,
    passages: np.ndarray,
    pairs: np.ndarray,
    words: np.ndarray,
    off_title: np.ndarray,
    off_density: np.ndarray,
    title_matches: np.ndarray,
    paragraph_share: np.ndarray,
    *,
    weights: tuple[float, float, float, float, float, float] = RELATION_WEIGHTS,
) -> np.ndarray:
    """A theme between states: its seed-and-focus score weighed with its passages, pairs and not-about words (0 to 1).

    In a story of ``words`` words, seeds alone no longer decide («تعاون عسكري» in a story about one
    army), many passages decide without a seed (a long analysis of an alliance), a title that names a
    war or an attack (``off_title``, 0 or 1) and war words dense in the text (``off_density``, per 100
    words) say the story is about the fighting, not the cooperation, and a story shorter than
    SHORT_STORY words (a brief, a headline) keeps at least its seed score unless its title names a war.
    The theme must also be the story's focus: its title has one of the theme's seed or context words
    (``title_matches`` above 0) or at least FOCUS_SHARE of its paragraphs hold a seed, a passage or a pair
    (``paragraph_share``); elsewhere the score is 0 (a long analysis in which cooperation is one thread
    among several), before any mix with an ``embedding``.

    >>> score, words = np.array([0.9, 0.3, 0, 0, 0.9, 0.9, 0.9, 0]), np.array([400, 400, 900, 900, 400, 20, 20, 900])
    >>> passages, pairs = np.array([0, 4, 10, 10, 1, 0, 0, 10]), np.array([0, 3, 10, 10, 0, 0, 0, 10])
    >>> war_title, war_density = np.array([0, 0, 0, 1, 0, 0, 1, 0]), np.array([0, 0, 0, 2.0, 0, 0, 10.0, 0])
    >>> in_title, share = np.array([1, 1, 0, 0, 1, 1, 1, 0]), np.array([0, 0, 0.5, 0.5, 0, 0, 0, 0.2])
    >>> relation_score(score, passages, pairs, words, war_title, war_density, in_title, share).round(2)
    array([0.02, 0.47, 0.92, 0.33, 0.07, 0.9 , 0.  , 0.  ])
    """
    *coefficients, intercept = weights
    weighed = 1 / (
        1 + np.exp(-(relation_inputs(score, passages, pairs, off_title, off_density) @ coefficients + intercept))
    )
    kept = np.maximum(weighed, np.where((words < SHORT_STORY) & (off_title == 0), score, 0.0))
    return np.where((title_matches > 0) | (paragraph_share >= FOCUS_SHARE), kept, 0.0)


def relation_inputs(
    score: np.ndarray, passages: np.ndarray, pairs: np.ndarray, off_title: np.ndarray, off_density: np.ndarray
) -> np.ndarray:
    """What `relation_score` weighs, one row per story: the columns RELATION_WEIGHTS (but the intercept) multiply.

    >>> relation_inputs(*(np.array([v]) for v in (0.5, 1, 0, 1, 2.0))).round(2).tolist()
    [[0.5, 0.69, 0.0, 1.0, 2.0]]
    """
    return np.column_stack([score, np.log1p(passages), np.log1p(pairs), off_title, off_density])


def _checked(articles: pd.DataFrame) -> pd.DataFrame:
    require_columns(articles, ["article_id", "text_norm"])
    return articles


def _word_counts_matrix(codes: np.ndarray, rows: np.ndarray, n_stories: int, n_words: int) -> sparse.csr_matrix:
    """Stories × words counts from each word's code (−1, a word not counted) and story."""
    known = codes >= 0
    # The conversion to CSR adds up repeated (story, word) pairs.
    return sparse.csr_matrix((np.ones(known.sum()), (rows[known], codes[known])), shape=(n_stories, n_words))


def _log_likelihood_ratios(counts: sparse.csr_matrix, examples: np.ndarray, counter_examples: np.ndarray) -> np.ndarray:
    """log P(word | examples) − log P(word | counter-examples), multinomial with add-one smoothing.

    A word in neither set says nothing either way: 0 (smoothing alone would tilt it towards the
    smaller set).
    """
    inside = np.asarray(counts[examples].sum(axis=0)).ravel()
    outside = np.asarray(counts[counter_examples].sum(axis=0)).ravel()
    ratios = np.log((inside + 1) / (inside + 1).sum()) - np.log((outside + 1) / (outside + 1).sum())
    return np.where(inside + outside > 0, ratios, 0.0)


def score_themes(
    articles: pd.DataFrame,
    *,
    themes: ThemeChoice = None,
    threshold: float = DEFAULT_THRESHOLD,
    embedding: Encoder | None = None,
    embedding_weight: float = 0.5,
    countries: pd.DataFrame | None = None,
    sample_size: int | None = SAMPLE_SIZE,
    seed: int = 42,
) -> pd.DataFrame:
    """Score every story against every theme and assign the best theme reaching ``threshold``.

    Returns one row per article: ``article_id``, ``score_<key>`` per theme (0 to 1, see
    `ThemeScorer` for how) and ``theme`` (the key of the highest score at or above ``threshold``,
    equal scores going to the theme listed first, else None). ``articles`` needs ``article_id``
    and ``text_norm``; ``title`` is used when present. ``themes``: the built-in ones (None), the
    path of your TOML file (built-in themes and yours, as `load_themes`), or `load_themes`'s result.
    The word model is learnt from ``articles`` themselves, so score a whole corpus at once (or fit a
    `ThemeScorer` on one and `transform` others). With ``embedding`` (a sentence-transformers model,
    or anything with ``encode(texts)``), the score is mixed with the cosine between the story and
    the mean of its theme's seed embeddings: ``(1 − embedding_weight) × score + embedding_weight × cosine``.
    ``countries`` is the gazetteer a theme between states reads its states from (`toolkit.load_countries`,
    the default; pass your own rows as you would to `toolkit.detect_countries`).
    A corpus of more than ``sample_size`` rows (None: no limit) learns its word model from a seeded
    sample of that many (`toolkit.stories.sampled_stories`) and is scored ``SCORE_BATCH`` rows at a time,
    so memory is set by the sample and the batch, not by the corpus. A corpus read by partition
    (`toolkit.distributed`: a Dask DataFrame, lazily, or `ArticleParts`, a dataset folder's files one at
    a time) gives the same rows (`toolkit.distributed.score_themes_dask`).

    >>> import toolkit
    >>> scores = score_themes(toolkit.load_articles("data/raw"))  # doctest: +SKIP
    >>> scores.theme.value_counts()  # doctest: +SKIP
    """
    if is_partitioned(articles):
        from toolkit.distributed import score_themes_dask

        options = {
            "threshold": threshold,
            "embedding": embedding,
            "embedding_weight": embedding_weight,
            "countries": countries,
        }
        return score_themes_dask(articles, themes=themes, sample_size=sample_size, seed=seed, **options)
    scorer = ThemeScorer(
        themes, threshold=threshold, embedding=embedding, embedding_weight=embedding_weight, countries=countries
    )
    in_sample = sampled_stories(_checked(articles)["article_id"], sample_size, seed=seed)
    if in_sample.all():
        return scorer.fit_transform(articles)
    scorer.fit(articles[in_sample])
    batches = [
        scorer.transform(articles.iloc[start : start + SCORE_BATCH]) for start in range(0, len(articles), SCORE_BATCH)
    ]
    return pd.concat(batches, ignore_index=True)


def _embedding_similarity(texts: list[str], themes: tuple[Theme, ...], encoder: Encoder) -> np.ndarray:
    docs = _unit_rows(np.asarray(encoder.encode(texts), dtype=float))
    centroids = np.vstack(
        [
            _unit_rows(np.asarray(encoder.encode([normalise(s) for s in t.seeds]), dtype=float)).mean(axis=0)
            for t in themes
        ]
    )
    return np.clip(docs @ _unit_rows(centroids).T, 0, 1)


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def _assign(article_id: pd.Series, scores: np.ndarray, keys: list[str], threshold: float) -> pd.DataFrame:
    best = scores.argmax(axis=1) if len(keys) else np.zeros(len(scores), dtype=int)
    reached = scores[np.arange(len(scores)), best] >= threshold
    out = pd.DataFrame({"article_id": article_id.to_numpy()})
    for col, key in enumerate(keys):
        out[f"score_{key}"] = scores[:, col]
    theme = pd.Series([keys[b] if ok else None for b, ok in zip(best, reached, strict=True)], dtype="string[pyarrow]")
    out["article_id"] = out["article_id"].astype("string[pyarrow]")
    out["theme"] = theme
    return out


def read_theme_scores(path: str | Path) -> pd.DataFrame:
    """Read theme scores saved by ``toolkit themes`` (a Parquet file of `toolkit.score_themes`'s table).

    The file must have ``article_id``, ``theme`` and at least one ``score_<theme>`` column, else
    `InputError` names what is missing.

    >>> scores = read_theme_scores("data/processed/themes.parquet")  # doctest: +SKIP
    """
    try:
        scores = pd.read_parquet(path)
    except (OSError, ValueError) as err:
        raise InputError(path, f"not a theme scores Parquet file ({err})") from err
    missing = [column for column in ("article_id", "theme") if column not in scores.columns]
    if missing or not any(str(column).startswith("score_") for column in scores.columns):
        raise InputError(path, "not theme scores: expected article_id, theme and score_<theme> columns")
    return scores


def theme_attention(
    articles: pd.DataFrame,
    theme_scores: pd.DataFrame,
    *,
    by: Literal["period", "source"] = "period",
    freq: str = "auto",
    themes: ThemeChoice = None,
    kinds: Sequence[str] | None = STORY_KINDS,
    language: Literal["ar", "en"] = "ar",
    confidence: float | None = 0.95,
) -> pd.DataFrame:
    """Attention per theme: the share of all stories of a period (or source) that have the theme.

    Returns ``period`` (or ``source``), ``theme``, ``theme_label``, ``n_stories`` (stories with the
    theme), ``n_total`` (all stories of that period or source, any theme or none) and ``share``
    (``n_stories / n_total``), as Media Cloud reports attention. Every theme of ``theme_scores``
    has a row in every period or source that has stories, with zeros, so lines are continuous.
    Periods are `toolkit.load.period_start` bins (``freq``: ``"auto"``, ``"D"``, ``"W"``, ``"M"``,
    ``"Q"`` or ``"Y"``), the same as `toolkit.topics_over_time`. Stories without a date (or source)
    are left out, and so are stray dates (`toolkit.load.stray_dates`); ``result.attrs`` counts them
    (``undated`` and ``stray``, or ``no_source``) and holds ``freq``. Stories are counted as every table
    counts them (`toolkit.stories.counted_stories`): rows of ``kinds``, by default whole articles and the
    "read also" stories embedded in pages, not related-headline rows (None keeps all), once per outlet.
    ``themes`` gives labels for user themes. ``articles`` may be read by partition (a dataset folder's
    `toolkit.distributed.ArticleParts`, or a Dask DataFrame): only the columns counted are gathered.

    The stories are a sample of what an outlet published, so each share carries a Wilson score
    interval at ``confidence`` (``share_low``, ``share_high``; None leaves them out): with 2 stories a
    share of 50 % is anywhere between 9 % and 91 %, with 2,000 between 48 % and 52 %.

    >>> articles = pd.DataFrame({"article_id": ["a", "b", "c"], "source": ["X", "X", "Y"]})
    >>> scores = pd.DataFrame({"article_id": ["a", "b", "c"], "score_natural_disasters": [0.9, 0.1, 0.8],
    ...     "theme": ["natural_disasters", None, "natural_disasters"]})
    >>> table = theme_attention(articles, scores, by="source")
    >>> table.round(3)[["source", "n_stories", "n_total", "share", "share_low"]]
      source  n_stories  n_total  share  share_low
    0      X          1        2    0.5      0.095
    1      Y          1        1    1.0      0.207
    """
    if by not in ("period", "source"):
        raise InputError("by", f"must be 'period' or 'source', got {by!r}")
    group = "published_at" if by == "period" else "source"
    if is_partitioned(articles):  # a dataset folder or a Dask DataFrame: the columns counted, not the texts
        articles = columns_of(articles, ["article_id", "kind", "duplicate_of", "source", group])
    if is_dask_frame(theme_scores):
        theme_scores = theme_scores.compute()
    require_columns(articles, ["article_id", group])
    require_columns(theme_scores, ["article_id", "theme"], name="theme_scores")
    keys = [c.removeprefix("score_") for c in theme_scores.columns if c.startswith("score_")]
    stories = counted_stories(articles, kinds=kinds)
    stories = stories[["article_id", group]].merge(theme_scores[["article_id", "theme"]], on="article_id")
    known = stories[group].notna()
    stray = stray_dates(stories[group]) if by == "period" else pd.Series(False, index=stories.index)
    stories = stories[known & ~stray]
    attrs: dict[str, Any] = {"undated" if by == "period" else "no_source": int((~known).sum())}
    if by == "period":
        periods = period_start(stories[group], freq=freq)
        stories = stories.assign(period=periods)
        group = "period"
        attrs.update(stray=int(stray.sum()), freq=periods.attrs["freq"])
    totals = stories.groupby(group).size()
    counts = stories.dropna(subset=["theme"]).groupby([group, "theme"]).size()
    grid = pd.MultiIndex.from_product([totals.index, keys], names=[group, "theme"])
    out = counts.reindex(grid, fill_value=0).rename("n_stories").reset_index()
    labels = _theme_labels(themes, language)
    out.insert(2, "theme_label", out["theme"].map(lambda key: labels.get(key, key)))
    out["n_total"] = out[group].map(totals).astype(int)
    out["share"] = out["n_stories"] / out["n_total"]
    if confidence is not None:
        out["share_low"], out["share_high"] = wilson_interval(out["n_stories"], out["n_total"], confidence=confidence)
    out = out.astype({"theme": "string[pyarrow]", "theme_label": "string[pyarrow]", "n_stories": int})
    out.attrs.update(attrs)
    return out


def wilson_interval(
    successes: pd.Series | np.ndarray, totals: pd.Series | np.ndarray, *, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """The Wilson score interval of the proportions ``successes / totals`` (0 to 1 where a total is 0).

    Chosen over the normal approximation because it stays inside [0, 1] and is honest for the small
    counts of a single outlet or week (Brown, Cai and DasGupta 2001).

    >>> low, high = wilson_interval(np.array([1, 0]), np.array([2, 10]))
    >>> low.round(3).tolist(), high.round(3).tolist()
    ([0.095, 0.0], [0.905, 0.278])
    """
    if not 0 < confidence < 1:
        raise InputError("confidence", f"must be between 0 and 1, got {confidence}")
    k, n = np.asarray(successes, dtype=float), np.asarray(totals, dtype=float)
    z = statistics.NormalDist().inv_cdf(0.5 + confidence / 2)
    safe_n = np.where(n > 0, n, 1)
    p = k / safe_n
    centre = (p + z * z / (2 * safe_n)) / (1 + z * z / safe_n)
    half = z * np.sqrt(p * (1 - p) / safe_n + z * z / (4 * safe_n * safe_n)) / (1 + z * z / safe_n)
    empty = n <= 0
    return np.where(empty, 0.0, np.clip(centre - half, 0, 1)), np.where(empty, 1.0, np.clip(centre + half, 0, 1))


def _theme_labels(themes: ThemeChoice, language: str) -> dict[str, str]:
    return {t.key: t.label_ar if language == "ar" else t.label_en for t in _theme_tuple(themes)}


def distinctive_words(
    articles: pd.DataFrame,
    theme_scores: pd.DataFrame,
    *,
    themes: tuple[str, str] = ("security_cooperation", "natural_disasters"),
    top_n: int = 20,
) -> pd.DataFrame:
    """The words that most distinguish the stories of one theme from those of another.

    Log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi and Quinn 2008,
    "Fightin' Words", section 3.5.1): the prior for each word is its count in all ``articles``;
    ``score`` is the z-score of the log-odds difference, towards ``theme``. Words are counted as
    normalised tokens without stop words and shown as the stories write them most often (from ``text``
    where there is one, `toolkit.arabic.written_forms`). Returns ``top_n`` rows per theme: ``word``,
    ``theme``, ``score``, ``n_a`` and ``n_b`` (the word's count in the stories of the first and second theme).

    >>> import toolkit
    >>> articles = toolkit.load_articles("data/raw")  # doctest: +SKIP
    >>> distinctive_words(articles, score_themes(articles), top_n=5)  # doctest: +SKIP
    """
    require_columns(articles, ["article_id", "text_norm"])
    require_columns(theme_scores, ["article_id", "theme"], name="theme_scores")
    labelled = articles[["article_id", "text_norm"]].merge(theme_scores[["article_id", "theme"]], on="article_id")
    prior = _word_counts(articles["text_norm"])
    counts = []
    for theme in themes:
        texts = labelled.loc[labelled["theme"] == theme, "text_norm"]
        if texts.empty:
            raise InputError("theme_scores", f"no story has the theme {theme!r}")
        counts.append(_word_counts(texts))
    words = sorted(set(counts[0]) | set(counts[1]))
    y_a, y_b, alpha = (np.array([c[w] for w in words], dtype=float) for c in (*counts, prior))
    n_a, n_b, alpha_0 = y_a.sum(), y_b.sum(), alpha.sum()
    delta = np.log((y_a + alpha) / (n_a + alpha_0 - y_a - alpha)) - np.log(
        (y_b + alpha) / (n_b + alpha_0 - y_b - alpha)
    )
    z = delta / np.sqrt(1 / (y_a + alpha) + 1 / (y_b + alpha))
    table = pd.DataFrame({"word": words, "z": z, "n_a": y_a.astype(int), "n_b": y_b.astype(int)})
    rows = []
    for sign, theme in ((1, themes[0]), (-1, themes[1])):
        # Highest z first; equal z (to 40 bits) in the words' code-point order: the same on every CPU.
        ranked = table.iloc[rank_by_value(sign * z)].assign(theme=theme, score=lambda t, s=sign: s * t["z"])
        rows.append(ranked[ranked["score"] > 0].head(top_n))
    out = pd.concat(rows, ignore_index=True)[["word", "theme", "score", "n_a", "n_b"]]
    forms = written_forms(articles["text"].fillna("").tolist()) if "text" in articles else {}
    out["word"] = out["word"].map(lambda word: forms.get(word, word))
    return out.astype({"word": "string[pyarrow]", "theme": "string[pyarrow]"})


def _word_counts(texts: Iterable[str]) -> Counter[str]:
    stop = arabic_stop_words()
    return Counter(w for text in texts for w in tokenize(text, normalised=True) if w not in stop)


def topics_to_themes(
    topic_info: pd.DataFrame,
    themes: ThemeChoice = None,
    *,
    threshold: float = 0.3,
) -> pd.DataFrame:
    """Map each topic of a topic model to the theme its top words belong to, or to None.

    A topic's score for a theme is the share of its word weight (``words`` and ``weights`` of
    ``topic_info``, as in ``ArabicTopicModel.topic_info_``) carried by words of the theme's seeds
    (full weight) or context (half weight), stop words left out. The topic gets the best theme when
    that share reaches ``threshold``. Returns ``topic``, ``theme``, ``score`` (the best share).

    >>> info = pd.DataFrame({"topic": [0, 1], "words": [["الزلزال", "بقوة", "ريختر"], ["المنتخب", "هدف"]],
    ...     "weights": [[0.5, 0.3, 0.2], [0.6, 0.4]]})
    >>> topics_to_themes(info)
       topic              theme  score
    0      0  natural_disasters    0.7
    1      1               <NA>    0.0
    """
    require_columns(topic_info, ["topic", "words", "weights"], name="topic_info")
    chosen = _theme_tuple(themes)
    matcher = seed_matcher(chosen)
    vocabularies = [_theme_vocabulary(theme) for theme in chosen]
    rows = []
    for topic, words, weights in topic_info[["topic", "words", "weights"]].itertuples(index=False):
        stems = [matcher.encode(normalise(w)).split() for w in words]
        shares = [
            sum(
                weight * max((vocab.get(s.rstrip(_DEFINITE), 0.0) for s in word), default=0.0)
                for word, weight in zip(stems, weights, strict=True)
            )
            / max(sum(weights), 1e-12)
            for vocab in vocabularies
        ]
        best = int(np.argmax(shares))
        rows.append((topic, chosen[best].key if shares[best] >= threshold else None, round(shares[best], 6)))
    out = pd.DataFrame(rows, columns=["topic", "theme", "score"])
    return out.astype({"theme": "string[pyarrow]"})


def _theme_vocabulary(theme: Theme) -> dict[str, float]:
    """Stem -> weight of the theme's seed words (1) and context-only words (0.5), stop words left out."""
    stop = arabic_stop_words()
    vocabulary: dict[str, float] = {}
    for phrases, weight in ((theme.context, CONTEXT_WEIGHT), (theme.seeds, 1.0)):
        for word in (w for p in phrases for w in normalise(p).split() if w not in stop):
            vocabulary[seed_word(word)[0]] = weight
    return vocabulary

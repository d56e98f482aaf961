"""Who and where: the countries of every story, who cooperates with whom, and words in their context.

Countries come from an offline gazetteer shipped with the package (``toolkit/data/countries.tsv``: CLDR's
Arabic names of every state plus the press's short forms, capitals and names that stand for a government,
and nisba adjectives) and are matched with the theme stage's morphology (`toolkit.themes`: the clitics
و ف ب ك ل, the article and the usual endings), so «باكستان», «إسلام آباد», «الباكستانية» and «بالجيش
الباكستاني» are all Pakistan. `load_countries` reads it (and a user's own rows), `detect_countries` lists
each story's countries, `country_attention` and `cooperation_pairs` turn them into tables, and
`concordance` shows a word in its context (keyword in context, right to left).

>>> import pandas as pd
>>> articles = pd.DataFrame({"article_id": ["a"], "title": [None],
...     "text_norm": [normalise("بحث وزير الدفاع الباكستاني في طهران التعاون مع إيران")]})
>>> detect_countries(articles)[["countries", "mentions"]].values.tolist()
[[['IR', 'PK'], [2, 1]]]
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from itertools import combinations, product
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from toolkit.arabic import normalise
from toolkit.errors import InputError, require_columns
from toolkit.load import period_start, stray_dates
from toolkit.stories import STORY_KINDS, counted_stories
from toolkit.themes import (
    Theme,
    phrase_pattern,
    seed_matcher,
    seed_word,
    wilson_interval,
    word_column,
    word_endings,
    word_forms,
)

__all__ = [
    "concordance",
    "cooperation_pairs",
    "country_attention",
    "detect_countries",
    "load_countries",
]

_COLUMNS = ["code", "name", "names", "places", "adjectives", "not_before", "not_after"]
_LISTS = ["names", "places", "adjectives", "not_before", "not_after"]
_CODE = re.compile(r"[A-Z]{2}")
_BODY_OFFSET = 1 << 40  # a title's words come before the text's when ordering first mentions
N_EXAMPLES = 3


def load_countries(path: str | Path | None = None) -> pd.DataFrame:
    """The gazetteer: one row per country (``code``, ``name`` and the lists of `_LISTS`), yours on top.

    ``path`` is a tab-separated file with the built-in file's columns (see the head of
    ``toolkit/data/countries.tsv``); a row whose code is built in replaces that row, a new code adds one.

    >>> countries = load_countries()
    >>> countries.set_index("code").loc["PK", ["name", "places"]].tolist()
    ['باكستان', ['إسلام آباد']]
    """
    builtin = resources.files("toolkit.data").joinpath("countries.tsv").read_text(encoding="utf-8")
    table = _read_gazetteer(builtin, "toolkit/data/countries.tsv")
    if path is not None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise InputError(path, f"cannot read the countries file ({err})") from None
        own = _read_gazetteer(text, path)
        table = pd.concat([table[~table["code"].isin(own["code"])], own], ignore_index=True)
    return table.sort_values("code", ignore_index=True)


def _read_gazetteer(text: str, where: str | Path) -> pd.DataFrame:
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter="\t"))
    if not rows or rows[0] != _COLUMNS:
        raise InputError(where, f"the first line must name the columns {', '.join(_COLUMNS)} (tab-separated)")
    long = next((k for k, row in enumerate(rows[1:], start=2) if len(row) > len(_COLUMNS)), None)
    if long is not None:
        raise InputError(where, f"row {long} has more than the {len(_COLUMNS)} tab-separated columns")
    table = pd.DataFrame([row + [""] * (len(_COLUMNS) - len(row)) for row in rows[1:]], columns=_COLUMNS)
    if table["code"].duplicated().any():
        raise InputError(where, f"code {table['code'][table['code'].duplicated()].iloc[0]} has two rows")
    odd = table[~table["code"].map(lambda code: bool(_CODE.fullmatch(code)))]
    if len(odd):
        raise InputError(where, f"code {odd['code'].iloc[0]!r} is not an ISO 3166 alpha-2 code (two capitals)")
    for column in _LISTS:
        table[column] = table[column].map(lambda cell: [part.strip() for part in cell.split("|") if part.strip()])
    nameless = table[
        table["name"].str.strip().eq("") | table[["names", "places", "adjectives"]].map(len).sum(axis=1).eq(0)
    ]
    if len(nameless):
        raise InputError(where, f"country {nameless['code'].iloc[0]} needs a name and at least one name to match")
    return table


class _CountryMatcher:
    """Every written form of the gazetteer's words, and each country's phrases as sequences of stems.

    Forms are made as the themes make theirs (`toolkit.themes.word_forms`: clitics, the article), but
    a name or a place takes no ending (only its ة): «مصر» is not «مصرين» (insisting), «المجر» not
    «المجرات» (galaxies). Adjectives take all of them («الباكستانيين», «الإيرانية»). A phrase matches
    with ``+`` on a word it writes with the article (only a form with the article) or either way.
    """

    def __init__(self, table: pd.DataFrame) -> None:
        endings: dict[str, set[str]] = {}
        name_endings: dict[str, set[str]] = {}
        self.phrases: dict[tuple[str, ...], str] = {}
        self.cancel: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        for code, _, names, places, adjectives, before, after in table[_COLUMNS].itertuples(index=False):
            for phrase in (*names, *places):
                for word in phrase.split():
                    name_endings.setdefault(_stem(word)[0], set()).add("ة" if normalise(word).endswith("ة") else "")
            for phrase in (*adjectives, *before, *after):
                for word in phrase.split():
                    endings.setdefault(_stem(word)[0], set()).update(word_endings(normalise(word)))
            for phrase in (*names, *places, *adjectives):
                for stems in _written_stems(phrase):
                    if self.phrases.setdefault(stems, code) != code:
                        raise InputError("countries", f"{phrase!r} names both {self.phrases[stems]} and {code}")
            self.cancel[code] = (_stem_set(before), _stem_set(after))
        # A name's own forms win: «ألمانيا» is Germany, not «ألماني» (German) with the accusative ا.
        forms = word_forms(endings) | word_forms(name_endings)
        self.form_keys = pa.array(list(forms), type=pa.string())
        form_stems = list(forms.values())
        # Stems numbered; per stem, its one-word country (-1: none) and whether a longer phrase starts with it.
        self.stem_names = sorted(set(form_stems))
        number = {stem: k for k, stem in enumerate(self.stem_names)}
        self.stem_of_form = np.array([number[stem] for stem in form_stems], dtype=np.int64)
        self.codes = sorted(set(self.phrases.values()))
        self.number_of = {code: k for k, code in enumerate(self.codes)}
        self.longest = max(map(len, self.phrases))
        self.single = np.full(len(number), -1, dtype=np.int64)
        self.starts_longer = np.zeros(len(number), dtype=bool)
        for stems, country in self.phrases.items():
            if stems[0] not in number:
                continue  # its first word always reads as another stem: the phrase cannot match
            if len(stems) == 1:
                self.single[number[stems[0]]] = self.number_of[country]
            else:
                self.starts_longer[number[stems[0]]] = True
        # cancels_before[country, stem]: this stem right before the country's word makes it something else.
        self.cancels_before = np.zeros((len(self.codes), len(number)), dtype=bool)
        self.cancels_after = np.zeros_like(self.cancels_before)
        for c, code in enumerate(self.codes):
            before, after = self.cancel[code]
            for stem, k in number.items():
                self.cancels_before[c, k] = _bare(stem) in before
                self.cancels_after[c, k] = _bare(stem) in after

    def mentions(self, words: pa.Array, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each mention's text, country (index into ``codes``) and word position, in word order.

        One-word names are found with array operations over the words that are forms of a country word;
        the few words that start a longer phrase («الولايات المتحدة», «جنوب السودان») are read in Python,
        and the words a longer phrase covers are not read again alone («السودان» in «جنوب السودان»).
        """
        known = pc.index_in(words, value_set=self.form_keys).to_numpy(zero_copy_only=False)
        places = np.flatnonzero(~np.isnan(known))
        stems = self.stem_of_form[known[places].astype(np.int64)]
        texts = rows[places]
        country = self.single[stems].copy()
        ends = places.copy()  # the last word of each mention, and its stem: a longer phrase ends further on
        last_stems = stems.copy()
        covered = np.zeros(len(places), dtype=bool)
        for i in np.flatnonzero(self.starts_longer[stems]).tolist():
            for k in range(min(self.longest, len(places) - i), 1, -1):
                last = i + k - 1
                if places[last] - places[i] != k - 1 or texts[last] != texts[i]:
                    continue  # not k words in a row of one text
                found = self.phrases.get(tuple(self.stem_names[s] for s in stems[i : last + 1]))
                if found is not None:
                    country[i], ends[i], last_stems[i] = self.number_of[found], places[last], stems[last]
                    covered[i + 1 : last + 1] = True
                    break
        places, ends, stems, last_stems, texts, country = (
            a[~covered] for a in (places, ends, stems, last_stems, texts, country)
        )
        # A neighbour is the word right before (or after) in the same text, if it is a country-word form.
        touching = np.r_[(places[1:] - ends[:-1] == 1) & (texts[1:] == texts[:-1])]
        before, after = np.r_[False, touching], np.r_[touching, False]
        prev_stem, next_stem = np.r_[0, last_stems[:-1]], np.r_[stems[1:], 0]
        kept = country >= 0
        c = np.where(kept, country, 0)
        kept &= ~(before & self.cancels_before[c, prev_stem]) & ~(after & self.cancels_after[c, next_stem])
        return texts[kept], country[kept], places[kept]


def _written_stems(phrase: str) -> list[tuple[str, ...]]:
    """The stem sequences a phrase matches: ``+`` on a word written with the article, either way elsewhere.

    >>> _written_stems("إسلام آباد"), _written_stems("التركي")
    ([('اسلام', 'اباد'), ('اسلام', 'اباد+'), ('اسلام+', 'اباد'), ('اسلام+', 'اباد+')], [('تركي+',)])
    """
    choices = [[stem + "+"] if definite else [stem, stem + "+"] for stem, definite in map(_stem, phrase.split())]
    return list(product(*choices))


def _stem(word: str) -> tuple[str, bool]:
    """A gazetteer word's stem and whether it is written with the article, decided on the written word:
    «ألمانيا» (its root starts أل) and «الهند» (the article) read alike once normalised.

    >>> _stem("ألمانيا"), _stem("الهند"), _stem("السعودية")
    (('المانيا', False), ('هند', True), ('سعودي', True))
    """
    if word.startswith(("أل", "إل", "آل")):
        norm = normalise(word)
        return norm.removesuffix("ة"), False
    return seed_word(normalise(word))


def _stem_set(words: Sequence[str]) -> frozenset[str]:
    return frozenset(_stem(word)[0] for word in words)


def _bare(stem: str) -> str:
    return stem.removesuffix("+")


@lru_cache(maxsize=4)
def _matcher_for(key: tuple[tuple[str, ...], ...]) -> _CountryMatcher:
    return _CountryMatcher(pd.DataFrame([[c, n, *map(list, rest)] for c, n, *rest in key], columns=_COLUMNS))


def _matcher(countries: pd.DataFrame | None) -> _CountryMatcher:
    table = load_countries() if countries is None else countries
    require_columns(table, _COLUMNS, name="countries (toolkit.load_countries)")
    key = tuple((row[0], row[1], *(tuple(v) for v in row[2:])) for row in table[_COLUMNS].itertuples(index=False))
    return _matcher_for(key)


def detect_countries(articles: pd.DataFrame, *, countries: pd.DataFrame | None = None) -> pd.DataFrame:
    """The countries each story mentions: ``article_id``, ``countries`` (ISO codes) and ``mentions``.

    Title and text are read (``title`` when present, ``text_norm``; a title that is the whole text, as in
    a related-headline row, once). ``countries`` lists the codes by
    number of mentions, most first, equal counts by first mention; ``mentions`` gives the counts in the
    same order. ``countries`` (the gazetteer) defaults to `load_countries`.

    >>> articles = pd.DataFrame({"article_id": ["a", "b"], "title": ["زلزال في باكستان", None],
    ...     "text_norm": [normalise("ضرب زلزال إسلام آباد"), normalise("أذان المغرب في نهر الأردن")]})
    >>> detect_countries(articles)[["countries", "mentions"]].values.tolist()
    [[['PK'], [2]], [[], []]]
    """
    require_columns(articles, ["article_id", "text_norm"])
    matcher = _matcher(countries)
    n = len(articles)
    bodies = articles["text_norm"].fillna("").tolist()
    titles = articles["title"].fillna("").map(normalise).tolist() if "title" in articles else [""] * n
    titles = ["" if title == body else title for title, body in zip(titles, bodies, strict=True)]
    parts = [(matcher.mentions(*word_column(texts)), offset) for offset, texts in ((0, titles), (_BODY_OFFSET, bodies))]
    text = np.concatenate([found[0] for found, _ in parts])
    country = np.concatenate([found[1] for found, _ in parts])
    place = np.concatenate([found[2] + offset for found, offset in parts])
    # Per story: countries by mentions (most first), then by first mention; one sort for all stories.
    mentions = pd.DataFrame({"text": text, "country": country, "place": place})
    per_country = mentions.groupby(["text", "country"]).agg(n=("place", "size"), first=("place", "min"))
    per_country = per_country.reset_index().sort_values(["text", "n", "first"], ascending=[True, False, True])
    found_countries: list[list[str]] = [[] for _ in range(n)]
    found_mentions: list[list[int]] = [[] for _ in range(n)]
    for story, found, count in per_country[["text", "country", "n"]].itertuples(index=False):
        found_countries[story].append(matcher.codes[found])
        found_mentions[story].append(int(count))
    return pd.DataFrame(
        {
            "article_id": articles["article_id"].astype("string").to_numpy(),
            "countries": found_countries,
            "mentions": found_mentions,
        }
    )


def country_attention(
    articles: pd.DataFrame,
    theme_scores: pd.DataFrame,
    story_countries: pd.DataFrame,
    *,
    by: Literal["source", "period", None] = "source",
    freq: str = "auto",
    kinds: Sequence[str] | None = STORY_KINDS,
    countries: pd.DataFrame | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Per theme, the share of its stories that mention each country, by outlet or period (tidy).

    Columns: ``source`` or ``period`` (none with ``by=None``), ``theme``, ``country``, ``country_name``,
    ``n_stories`` (stories of the theme mentioning the country), ``n_total`` (stories of the theme in
    that outlet or period), ``share`` and its Wilson interval (``share_low``, ``share_high``). Only
    countries mentioned at least once have rows. Stories are counted as every table counts them
    (`toolkit.stories.counted_stories` of ``kinds``). Rows go by group, theme, ``n_stories`` (most first)
    and country code.

    >>> country_attention(articles, scores, detect_countries(articles), by="source").head()  # doctest: +SKIP
    """
    group = {"source": "source", "period": "published_at", None: None}.get(by, "")
    if group == "":
        raise InputError("by", f"must be 'source', 'period' or None, got {by!r}")
    require_columns(articles, ["article_id", *([group] if group else [])])
    stories = _stories_with(articles, theme_scores, story_countries, kinds=kinds, column=group)
    stories = stories.dropna(subset=["theme"])
    keys = ["theme"]
    if group == "published_at":
        stories = stories[stories[group].notna() & ~stray_dates(stories[group])]
        stories = stories.assign(period=period_start(stories[group], freq=freq))
        keys = ["period", "theme"]
    elif group == "source":
        stories = stories[stories["source"].notna()]
        keys = ["source", "theme"]
    totals = stories.groupby(keys).size().rename("n_total")
    mentioned = stories.explode("countries").dropna(subset=["countries"]).rename(columns={"countries": "country"})
    counts = mentioned.groupby([*keys, "country"]).size().rename("n_stories").reset_index()
    table = counts.merge(totals.reset_index(), on=keys)
    names = _names(countries)
    table.insert(len(keys) + 1, "country_name", [names.get(code, code) for code in table["country"]])
    table["share"] = table["n_stories"] / table["n_total"]
    table["share_low"], table["share_high"] = wilson_interval(
        table["n_stories"], table["n_total"], confidence=confidence
    )
    order = [*keys, "n_stories", "country"]
    return table.sort_values(order, ascending=[True] * len(keys) + [False, True], ignore_index=True)


def cooperation_pairs(
    articles: pd.DataFrame,
    theme_scores: pd.DataFrame,
    story_countries: pd.DataFrame,
    *,
    theme: str = "security_cooperation",
    min_mentions: int = 2,
    kinds: Sequence[str] | None = STORY_KINDS,
    countries: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The pairs of countries that appear together in stories of ``theme`` (security cooperation).

    A story pairs the countries it mentions at least ``min_mentions`` times (``mentions`` of
    `detect_countries`): a country named once in passing («… tensions between Iran and the United
    States» in a Pakistan–Iran defence story) is not a party to the story's cooperation.

    Columns: ``country_a``, ``country_b`` (codes, a before b in code order), ``name_a``, ``name_b``,
    ``n_stories``, ``first`` and ``last`` (``published_at`` of the first and last such story, NaT
    without dates) and ``example_ids`` (up to three stories, earliest first, then by id). Rows go by
    ``n_stories`` (most first), then by the two codes.

    >>> cooperation_pairs(articles, scores, detect_countries(articles)).head(1)  # doctest: +SKIP
      country_a country_b   name_a   name_b  n_stories ...
    0        IR        PK    إيران  باكستان          1 ...
    """
    dated = "published_at" in articles
    stories = _stories_with(
        articles, theme_scores, story_countries, kinds=kinds, column="published_at" if dated else None
    )
    stories = stories[stories["theme"] == theme].assign(**({} if dated else {"published_at": pd.NaT}))
    stories = stories.assign(countries=_principal(stories, min_mentions))
    rows = [
        (a, b, story, published)
        for story, published, found in stories[["article_id", "published_at", "countries"]].itertuples(index=False)
        for a, b in combinations(sorted(set(found)), 2)
    ]
    pairs = pd.DataFrame(rows, columns=["country_a", "country_b", "article_id", "published_at"])
    pairs["published_at"] = pd.to_datetime(pairs["published_at"], utc=True)
    names = _names(countries)
    columns = ["country_a", "country_b", "name_a", "name_b", "n_stories", "first", "last", "example_ids"]
    if pairs.empty:
        return pairs.assign(name_a="", name_b="", n_stories=0, first=pairs["published_at"], last=pairs["published_at"],
                            example_ids=[])[columns]  # fmt: skip
    pairs = pairs.sort_values(["published_at", "article_id"], na_position="last", kind="stable")
    table = (
        pairs.groupby(["country_a", "country_b"], sort=False)
        .agg(
            n_stories=("article_id", "size"),
            first=("published_at", "min"),
            last=("published_at", "max"),
            example_ids=("article_id", lambda ids: list(ids)[:N_EXAMPLES]),
        )
        .reset_index()
    )
    for end in ("a", "b"):  # a code the gazetteer does not name is shown as the code
        table[f"name_{end}"] = [names.get(code, code) for code in table[f"country_{end}"]]
    return table[columns].sort_values(
        ["n_stories", "country_a", "country_b"], ascending=[False, True, True], ignore_index=True
    )


def _stories_with(
    articles: pd.DataFrame,
    theme_scores: pd.DataFrame,
    story_countries: pd.DataFrame,
    *,
    kinds: Sequence[str] | None,
    column: str | None,
) -> pd.DataFrame:
    """Each counted story once: ``article_id`` (text), ``column`` of ``articles``, ``theme`` and its lists
    ``countries`` and ``mentions`` (empty where `detect_countries` has no row)."""
    require_columns(theme_scores, ["article_id", "theme"], name="theme_scores")
    require_columns(story_countries, ["article_id", "countries"], name="story_countries (detect_countries)")
    stories = counted_stories(articles, kinds=kinds)
    stories = pd.DataFrame(
        {
            "article_id": stories["article_id"].astype(str).to_numpy(),
            **({column: stories[column].to_numpy()} if column else {}),
        }
    ).drop_duplicates("article_id")
    themes = theme_scores[["article_id", "theme"]].astype({"article_id": str}).drop_duplicates("article_id")
    found = story_countries.astype({"article_id": str}).drop_duplicates("article_id")
    if "mentions" not in found:
        found = found.assign(mentions=found["countries"].map(lambda codes: [1] * len(codes)))
    stories = stories.merge(themes, on="article_id").merge(
        found[["article_id", "countries", "mentions"]], on="article_id", how="left"
    )
    for name in ("countries", "mentions"):
        stories[name] = stories[name].map(lambda value: list(value) if isinstance(value, list | np.ndarray) else [])
    return stories


def _principal(story_countries: pd.DataFrame, min_mentions: int) -> list[list[str]]:
    """Each story's countries mentioned at least ``min_mentions`` times."""
    return [
        [country for country, n in zip(found, counts, strict=True) if n >= min_mentions]
        for found, counts in story_countries[["countries", "mentions"]].itertuples(index=False)
    ]


def _names(countries: pd.DataFrame | None) -> dict[str, str]:
    table = load_countries() if countries is None else countries
    return dict(zip(table["code"], table["name"], strict=True))


# --- words in context ---------------------------------------------------------------------------------

_EDGE_PUNCTUATION = re.compile(r"^[^\w]+|[^\w]+$")


def concordance(
    articles: pd.DataFrame,
    keyword: str,
    *,
    window: int = 8,
    kinds: Sequence[str] | None = STORY_KINDS,
) -> pd.DataFrame:
    """Keyword in context: every place ``keyword`` (a word or phrase) is written in the stories.

    The keyword matches as the themes' seeds do (normalised, with clitics, the article and the usual
    endings: «تعاون» finds «والتعاون», «تعاونا»); the context is the stories' own ``text`` as written.
    Columns: ``before`` (the ``window`` words before the keyword: shown to its right, as Arabic reads),
    ``keyword`` (as written), ``after``, ``article_id``, ``source``, ``published_at``. Rows go by date
    (undated last), story id, then place in the story.

    >>> articles = pd.DataFrame({"article_id": ["a"], "text": ["أكد الوزيران أهمية التعاون الدفاعي بين البلدين."]})
    >>> concordance(articles, "تعاون", window=2)[["before", "keyword", "after"]].values.tolist()
    [['الوزيران أهمية', 'التعاون', 'الدفاعي بين']]
    """
    require_columns(articles, ["article_id", "text"])
    if isinstance(window, bool) or not isinstance(window, int) or window < 0:
        raise InputError("window", f"must be a whole number of words, 0 or more, got {window!r}")
    if not isinstance(keyword, str) or not normalise(keyword).split():
        raise InputError("keyword", f"must be an Arabic word or phrase, got {keyword!r}")
    try:
        probe = Theme("keyword", keyword, keyword, (keyword,))
    except InputError:
        raise InputError("keyword", f"must be an Arabic word or phrase, got {keyword!r}") from None
    matcher = seed_matcher((probe,))
    pattern = re.compile(rf"(?<!\S)(?:{phrase_pattern(keyword)})(?!\S)")
    stories = counted_stories(articles, kinds=kinds)
    rows = []
    for story in stories.itertuples(index=False):
        written = str(story.text).split()
        stems = [matcher.forms.get(normalise(_EDGE_PUNCTUATION.sub("", word)), "|") for word in written]
        code = " ".join(stems)
        starts = np.cumsum([0] + [len(stem) + 1 for stem in stems])
        for match in pattern.finditer(code):
            first = int(np.searchsorted(starts, match.start()))
            last = first + len(match.group(0).split())
            rows.append(
                (
                    " ".join(written[max(first - window, 0) : first]),
                    " ".join(written[first:last]),
                    " ".join(written[last : last + window]),
                    str(story.article_id),
                    getattr(story, "source", None),
                    getattr(story, "published_at", pd.NaT),
                    first,
                )
            )
    columns = ["before", "keyword", "after", "article_id", "source", "published_at"]
    table = pd.DataFrame(rows, columns=[*columns, "place"])
    table["published_at"] = pd.to_datetime(table["published_at"], utc=True)
    table = table.sort_values(["published_at", "article_id", "place"], na_position="last", kind="stable")
    return table[columns].reset_index(drop=True)

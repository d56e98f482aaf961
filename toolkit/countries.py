"""Countries: which states each story names, from an offline gazetteer.

Countries come from an offline gazetteer shipped with the package (``toolkit/data/countries.tsv``: CLDR's
Arabic names of every state plus the press's short forms, capitals and names that stand for a government,
and nisba adjectives) and are matched with the same morphology as theme words (`toolkit.wordforms`: the
clitics و ف ب ك ل, the article and the usual endings), so «باكستان», «إسلام آباد», «الباكستانية» and
«بالجيش الباكستاني» are all Pakistan. `load_countries` reads it (and a user's own rows), `detect_countries`
lists each story's countries. The theme stage reads states named together as evidence of a relation
between them (`toolkit.themes`), and `toolkit.places` turns the countries into tables.

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
from itertools import product
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from toolkit.arabic import normalise
from toolkit.errors import InputError, require_columns
from toolkit.wordforms import seed_word, word_column, word_endings, word_forms

__all__ = ["detect_countries", "load_countries"]

_COLUMNS = ["code", "name", "names", "places", "adjectives", "not_before", "not_after"]
_LISTS = ["names", "places", "adjectives", "not_before", "not_after"]
_CODE = re.compile(r"[A-Z]{2}")
_BODY_OFFSET = 1 << 40  # a title's words come before the text's when ordering first mentions


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

    Forms are made as the themes make theirs (`toolkit.wordforms.word_forms`: clitics, the article), but
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

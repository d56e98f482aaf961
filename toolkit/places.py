"""Who and where: the countries of every story over time and by outlet, who cooperates with whom, and words in
their context.

`toolkit.countries` finds the countries each story names (`detect_countries`, from an offline gazetteer:
`load_countries`; both are importable from here too). This stage turns them into tables: `country_attention`
(the share of stories naming each country, per period or outlet) and `cooperation_pairs` (the pairs of states
named together in security-cooperation stories); `concordance` shows a word in its context (keyword in
context, right to left).

>>> import pandas as pd
>>> articles = pd.DataFrame({"article_id": ["a"], "title": [None],
...     "text_norm": [normalise("بحث وزير الدفاع الباكستاني في طهران التعاون مع إيران")]})
>>> detect_countries(articles)[["countries", "mentions"]].values.tolist()
[[['IR', 'PK'], [2, 1]]]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import combinations
from typing import Literal

import numpy as np
import pandas as pd

from toolkit.arabic import normalise
from toolkit.countries import detect_countries, load_countries
from toolkit.errors import InputError, require_columns
from toolkit.load import period_start, stray_dates
from toolkit.stories import STORY_KINDS, counted_stories
from toolkit.themes import Theme, seed_matcher, wilson_interval
from toolkit.wordforms import phrase_pattern

__all__ = [
    "concordance",
    "cooperation_pairs",
    "country_attention",
    "detect_countries",
    "load_countries",
]

N_EXAMPLES = 3


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

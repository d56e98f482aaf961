"""The standard charts, static (matplotlib) and interactive (plotly), right to left.

Every chart function takes a tidy table, prepares one long frame of what to
draw (bars: ``panel, label, value``; lines: ``x, series, value``) and hands it
to the drawer for ``backend``; the drawers route every string (titles, axis
labels, tick labels, legends, bar labels) through `display_text` for their
renderer, and for plotly through `plotly_text` too (plotly reads labels as
markup; scraped text must show as written). Right-to-left conventions: category
labels and the value axis on the right, bars growing leftwards, titles
right-aligned, panels filled from the right, legend markers after their text;
time still runs left to right. A chart with nothing to draw says why inside the
figure, with the same words in both backends (`_why_empty`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, MaxNLocator, PercentFormatter

from toolkit.errors import require_columns
from toolkit.plots.fonts import BROWSER_FONTS, arabic_font, font_family
from toolkit.plots.text import display_text, plotly_text
from toolkit.stories import STORY_KINDS, counted_stories

__all__ = [
    "cooperation_pairs_chart",
    "corpus_words",
    "countries_by_source_chart",
    "stories_per_source_chart",
    "theme_by_source_chart",
    "theme_comparison_chart",
    "topic_counts_chart",
    "topic_sizes_chart",
    "topic_words_chart",
    "topics_over_time_chart",
    "word_cloud_chart",
]

Backend = Literal["matplotlib", "plotly"]
Value = Literal["share", "count"]

OUTLIER_TOPIC = -1
UNKNOWN_SOURCE = "مصدر غير معروف"
_PANEL_COLUMNS = 3
_MAX_MARKED_PERIODS = 24  # beyond this, markers on every period hide the lines

# Why a chart has nothing to draw, written inside the empty figure (see `_why_empty`).
NO_DATES = "no story has a date: attention over time needs dated stories"
NO_SOURCES = "no story has a source: attention by source needs the outlet of each story"
NO_STORIES = "no story to count"
NO_TOPICS = "no topics: the topic model has none"
ONLY_OUTLIERS = "no topic to show: every document is an outlier (topic -1)"
NO_TOPIC_WORDS = "no words to show: the topics have no top words"
NO_WORDS = "no words to draw: no word has a weight above zero"
NO_TOPIC_COUNTS = "no numbers of topics compared"
NO_COUNTRIES = "no story of this theme mentions a country"
NO_PAIRS = "no story of this theme mentions two countries"
# Shares of periods with fewer stories are not drawn: they swing too far (2 stories: 50 % is 9-91 %).
MIN_PERIOD_STORIES = 10


@dataclass(frozen=True)
class _Style:
    """How to draw: backend, numerals and font, shared by every chart."""

    backend: Backend
    arabic_digits: bool
    font: Path

    def text(self, text: object) -> str:
        """A title, label or category as this backend's renderer needs it, shown as written (never as markup)."""
        return self._literal(display_text(str(text), self.backend))

    def number(self, text: object) -> str:
        """A tick or bar label: like `text`, with Arabic-Indic digits when asked."""
        return self._literal(display_text(str(text), self.backend, arabic_digits=self.arabic_digits))

    def _literal(self, text: str) -> str:
        # Only plotly reads markup in labels; matplotlib would draw the escapes themselves.
        return plotly_text(text) if self.backend == "plotly" else text


@dataclass(frozen=True)
class _Labels:
    title: str
    value: str
    percent: bool = False
    note: str = ""  # under the chart: what it leaves out


def _style(backend: str, arabic_digits: bool, font: str | Path | None) -> _Style:
    if backend not in ("matplotlib", "plotly"):
        raise ValueError(f"backend must be 'matplotlib' or 'plotly', not {backend!r}")
    return _Style(backend, arabic_digits, arabic_font(font))


# ---- the charts: data preparation, one code path for both backends ----------------------------


def topic_words_chart(
    topic_info: pd.DataFrame,
    *,
    topics: list[int] | None = None,
    n_topics: int = 6,
    n_words: int = 8,
    title: str = "أهم كلمات كل موضوع",
    backend: Backend = "matplotlib",
    arabic_digits: bool = False,
    font: str | Path | None = None,
) -> Any:
    """Top words per topic: one panel of horizontal bars (word weight) per topic.

    ``topic_info`` is a topic model's ``topic_info_`` (``topic, size, words,
    weights, label``). Without ``topics``, the ``n_topics`` largest topics
    other than the outliers (-1). Returns a matplotlib ``Figure`` or, with
    ``backend="plotly"``, a plotly ``Figure``.

    >>> info = pd.DataFrame({"topic": [0], "size": [3], "words": [["زلزال", "هزة"]],
    ...                      "weights": [[0.4, 0.2]], "label": ["زلزال هزة"]})
    >>> topic_words_chart(info).axes[0].get_title(loc="right") == display_text("زلزال هزة")
    True
    """
    require_columns(topic_info, ["topic", "label", "words", "weights"], name="topic_info (model.topic_info_)")
    chosen = _choose_topics(topic_info, topics=topics, n_topics=n_topics)
    words = _topic_words(chosen).groupby("topic", sort=False).head(n_words)
    labels, style = _Labels(title, "الوزن"), _style(backend, arabic_digits, font)
    if reason := _why_empty((topic_info, NO_TOPICS), (chosen, ONLY_OUTLIERS), (words, NO_TOPIC_WORDS)):
        return _draw_empty(reason, labels, style)
    bars = pd.DataFrame({"panel": words["topic_label"], "label": words["word"], "value": words["weight"]})
    return _draw_bars(bars, labels, style)


def topic_sizes_chart(
    topic_info: pd.DataFrame,
    *,
    include_outliers: bool = False,
    title: str = "حجم كل موضوع",
    backend: Backend = "matplotlib",
    arabic_digits: bool = False,
    font: str | Path | None = None,
) -> Any:
    """Topic sizes: one horizontal bar per topic (number of documents), largest on top.

    >>> info = pd.DataFrame({"topic": [-1, 0, 1], "size": [4, 9, 5], "label": ["-", "زلزال هزة", "تعاون دفاع"]})
    >>> [t.get_text() for t in topic_sizes_chart(info, backend="matplotlib").axes[0].get_yticklabels()] == [
    ...     display_text("زلزال هزة"), display_text("تعاون دفاع")]
    True
    """
    require_columns(topic_info, ["topic", "size", "label"], name="topic_info (model.topic_info_)")
    rows = topic_info if include_outliers else topic_info[topic_info["topic"] != OUTLIER_TOPIC]
    rows = rows.sort_values("size", ascending=False, kind="stable")
    labels, style = _Labels(title, "عدد الوثائق"), _style(backend, arabic_digits, font)
    if reason := _why_empty((topic_info, NO_TOPICS), (rows, ONLY_OUTLIERS)):
        return _draw_empty(reason, labels, style)
    bars = pd.DataFrame({"panel": "", "label": rows["label"], "value": rows["size"]})
    return _draw_bars(bars, labels, style)


def topic_counts_chart(
    comparison: pd.DataFrame,
    *,
    title: str = "كم موضوعًا؟ ترابط الكلمات وتنوعها",
    backend: Backend = "matplotlib",
    arabic_digits: bool = False,
    font: str | Path | None = None,
) -> Any:
    """Coherence and diversity per number of topics (`toolkit.compare_topic_counts`), one panel each.

    >>> table = pd.DataFrame({"n_topics": [4, 8], "coherence": [0.29, 0.31], "diversity": [1.0, 0.94]})
    >>> [list(trace.y) for trace in topic_counts_chart(table, backend="plotly").data]
    [['4', '8'], ['4', '8']]
    """
    require_columns(
        comparison, ["n_topics", "coherence", "diversity"], name="comparison (toolkit.compare_topic_counts)"
    )
    labels, style = _Labels(title, "القيمة"), _style(backend, arabic_digits, font)
    if reason := _why_empty((comparison, NO_TOPIC_COUNTS)):
        return _draw_empty(reason, labels, style)
    panels = {"coherence": "الترابط (NPMI)", "diversity": "التنوع"}
    bars = pd.concat(
        pd.DataFrame({"panel": name, "label": comparison["n_topics"].astype(str), "value": comparison[column]})
        for column, name in panels.items()
    )
    return _draw_bars(bars, labels, style)


def stories_per_source_chart(
    articles: pd.DataFrame,
    *,
    kinds: Sequence[str] | None = STORY_KINDS,
    title: str = "عدد القصص لكل مصدر",
    backend: Backend = "matplotlib",
    arabic_digits: bool = False,
    font: str | Path | None = None,
) -> Any:
    """Stories per source (outlet), most first, counted as every table counts them.

    `toolkit.stories.counted_stories`: rows of ``kinds`` (default: whole articles and the
    stories embedded in them, not related headlines; None keeps all), a story
    repeated by the same outlet once, as ``theme_attention`` counts them.

    >>> articles = pd.DataFrame({"article_id": ["a", "b", "c"], "source": ["الجزيرة", "الجزيرة", None],
    ...     "duplicate_of": [None, None, None]})
    >>> fig = stories_per_source_chart(articles, backend="plotly")
    >>> list(fig.data[0].y), list(fig.data[0].x)
    (['الجزيرة', 'مصدر غير معروف'], [2, 1])
    """
    require_columns(articles, ["source"], name="articles")
    rows = counted_stories(articles, kinds=kinds)
    counts = rows["source"].astype("object").fillna(UNKNOWN_SOURCE).value_counts(sort=True)
    labels, style = _Labels(title, "عدد القصص"), _style(backend, arabic_digits, font)
    none_left = NO_STORIES if kinds is None else f"no story of kind {' or '.join(kinds)} to count"
    if reason := _why_empty((articles, NO_STORIES), (counts, none_left)):
        return _draw_empty(reason, labels, style)
    bars = pd.DataFrame({"panel": "", "label": counts.index, "value": counts.to_numpy()})
    return _draw_bars(bars, labels, style)


def theme_by_source_chart(
    attention: pd.DataFrame,
    *,
    themes: list[str] | None = None,
    value: Value = "share",
    title: str = "الاهتمام بكل محور حسب المصدر",
    backend: Backend = "matplotlib",
    arabic_digits: bool = False,
    font: str | Path | None = None,
) -> Any:
    """Theme attention by source: one panel per theme, one bar per source.

    ``attention`` is a by-source attention table (``source, theme, theme_label,
    n_stories, n_total, share``); ``value`` is ``"share"`` (percent of the
    source's stories) or ``"count"`` (``n_stories``). Shares with an interval
    (``share_low``, ``share_high``, as `toolkit.theme_attention` gives) get an
    error bar, so an outlet with few stories shows how little its share says.

    >>> attention = pd.DataFrame({"source": ["الجزيرة", "بي بي سي"], "theme": "disaster",
    ...     "theme_label": "الكوارث الطبيعية", "n_stories": [3, 1], "n_total": [10, 10], "share": [0.3, 0.1]})
    >>> list(theme_by_source_chart(attention, backend="plotly").data[0].x)
    [30.0, 10.0]
    """
    require_columns(attention, ["theme", "theme_label", "source"], name="attention (toolkit.theme_attention by source)")
    rows = _choose_themes(attention, themes)
    labels, style = _Labels(title, _value_label(value), percent=value == "share"), _style(backend, arabic_digits, font)
    if reason := _why_empty((attention, NO_SOURCES), (rows, _none_chosen("themes", themes))):
        return _draw_empty(reason, labels, style)
    column = "share" if value == "share" else "n_stories"
    rows = rows.sort_values(["theme", column], ascending=[True, False], kind="stable")
    bars = pd.DataFrame(
        {"panel": rows["theme_label"], "label": rows["source"], "value": _values(rows[column], value == "share")}
    )
    return _draw_bars(_with_interval(bars, rows, value), labels, style)


def countries_by_source_chart(
    attention: pd.DataFrame,
    *,
    theme: str = "natural_disasters",
    top_n: int = 10,
    title: str | None = None,
    backend: Backend = "matplotlib",
    arabic_digits: bool = False,
    font: str | Path | None = None,
) -> Any:
    """The countries a theme's stories mention most, one panel per outlet side by side.

    ``attention`` is `toolkit.country_attention` by source; each panel shows the outlet's ``top_n``
    countries by share of its ``theme`` stories (most first, equal shares by code), with the interval.
    The title names the theme (its key, for a theme other than natural disasters) unless ``title`` is given.

    >>> attention = pd.DataFrame({"source": ["أ", "أ"], "theme": "natural_disasters", "country": ["PK", "TR"],
    ...     "country_name": ["باكستان", "تركيا"], "n_stories": [3, 1], "n_total": [4, 4], "share": [0.75, 0.25]})
    >>> [list(bar.y) for bar in countries_by_source_chart(attention, backend="plotly").data]
    [['باكستان', 'تركيا']]
    """
    require_columns(attention, ["source", "theme", "country", "country_name", "share"], name="country_attention")
    if title is None:
        topic = "الكوارث الطبيعية" if theme == "natural_disasters" else theme
        title = f"الدول الأكثر حضوراً في قصص {topic}"
    labels = _Labels(title, _value_label("share"), percent=True)
    style = _style(backend, arabic_digits, font)
    rows = attention[attention["theme"] == theme]
    if reason := _why_empty((rows, NO_COUNTRIES)):
        return _draw_empty(reason, labels, style)
    rows = rows.sort_values(["source", "share", "country"], ascending=[True, False, True], kind="stable")
    rows = rows.groupby("source", sort=False).head(top_n)
    bars = pd.DataFrame({"panel": rows["source"], "label": rows["country_name"], "value": _values(rows["share"], True)})
    return _draw_bars(_with_interval(bars, rows, "share"), labels, style)


def cooperation_pairs_chart(
    pairs: pd.DataFrame,
    *,
    top_n: int = 8,
    title: str = "من يتعاون مع من: عدد قصص التعاون الأمني لكل زوج من الدول",
    backend: Backend = "matplotlib",
    arabic_digits: bool = False,
    font: str | Path | None = None,
) -> Any:
    """A matrix of the strongest pairs: the ``top_n`` countries in most pairs, stories per pair in each cell.

    ``pairs`` is `toolkit.cooperation_pairs`. Countries go by the stories of their pairs (most first,
    equal counts by code), the first on the top row and the right-hand column, as Arabic reads.

    >>> pairs = pd.DataFrame({"country_a": ["IR"], "country_b": ["PK"], "name_a": ["إيران"],
    ...     "name_b": ["باكستان"], "n_stories": [2]})
    >>> [list(row) for row in cooperation_pairs_chart(pairs, backend="plotly").data[0].z]
    [[0, 2], [2, 0]]
    """
    require_columns(pairs, ["country_a", "country_b", "name_a", "name_b", "n_stories"], name="cooperation_pairs")
    labels, style = _Labels(title, "عدد القصص"), _style(backend, arabic_digits, font)
    if reason := _why_empty((pairs, NO_PAIRS)):
        return _draw_empty(reason, labels, style)
    ends = pd.concat(
        [pairs[["country_a", "name_a", "n_stories"]].set_axis(["code", "name", "n"], axis=1),
         pairs[["country_b", "name_b", "n_stories"]].set_axis(["code", "name", "n"], axis=1)]
    )  # fmt: skip
    # By code: a country without a name in the table still counts, under its code.
    ends["name"] = ends["name"].fillna(ends["code"])
    totals = ends.groupby("code", as_index=False).agg(name=("name", "first"), n=("n", "sum"))
    chosen = totals.sort_values(["n", "code"], ascending=[False, True], kind="stable").head(top_n)
    position = {code: i for i, code in enumerate(chosen["code"])}
    matrix = np.zeros((len(chosen), len(chosen)), dtype=int)
    for a, b, n in pairs[["country_a", "country_b", "n_stories"]].itertuples(index=False):
        if a in position and b in position:
            matrix[position[a], position[b]] = matrix[position[b], position[a]] = n
    names = chosen["name"].tolist()
    draw = _matrix_plotly if style.backend == "plotly" else _matrix_matplotlib
    return draw(matrix, names, labels, style)


def topics_over_time_chart(
    over_time: pd.DataFrame,
    *,
    topics: list[int] | None = None,
    n_topics: int = 6,
    value: Value = "share",
    min_stories: int = MIN_PERIOD_STORIES,
    title: str = "المواضيع عبر الزمن",
    backend: Backend = "matplotlib",
    arabic_digits: bool = False,
    font: str | Path | None = None,
) -> Any:
    """Topics over time: one line per topic (share of the period's documents, or count).

    ``over_time`` is ``topics_over_time``'s table (``period, topic, topic_label,
    n, n_total, share``); without ``topics``, the ``n_topics`` largest overall, outliers
    left out. Lines break where a period has no documents, shares of periods with fewer
    than ``min_stories`` documents are not drawn, and a note under the chart says what
    was left out (those periods, and the table's stray and undated stories).

    >>> over_time = pd.DataFrame({"period": pd.to_datetime(["2024-01-01", "2024-02-01"]), "topic": 0,
    ...     "topic_label": "زلزال هزة", "n": [2, 4], "share": [0.5, 0.8]})
    >>> list(topics_over_time_chart(over_time, backend="plotly").data[0].y)
    [50.0, 80.0]
    """
    require_columns(over_time, ["period", "topic", "topic_label"], name="over_time (toolkit.topics_over_time)")
    none_left = ONLY_OUTLIERS if topics is None else _none_chosen("topics", topics)
    if topics is None:
        totals = over_time[over_time["topic"] != OUTLIER_TOPIC].groupby("topic")["n"].sum()
        topics = totals.sort_values(ascending=False, kind="stable").index[:n_topics].tolist()
    rows = over_time[over_time["topic"].isin(topics)]
    # Documents: a topic model's are stories or paragraphs (unit), as in the topic-size chart.
    labels = _Labels(title, _value_label(value, "الوثائق"), percent=value == "share")
    style = _style(backend, arabic_digits, font)
    if reason := _why_empty((over_time, NO_DATES), (rows, none_left)):
        return _draw_empty(reason, labels, style)
    column = "share" if value == "share" else "n"
    lines, note = _lines_over_time(rows, over_time.attrs, series="topic_label", column=column, min_stories=min_stories)
    return _draw_lines(lines, replace(labels, note=note), style)


def theme_comparison_chart(
    attention: pd.DataFrame,
    *,
    themes: list[str] | None = None,
    value: Value = "share",
    min_stories: int = MIN_PERIOD_STORIES,
    title: str | None = None,
    backend: Backend = "matplotlib",
    arabic_digits: bool = False,
    font: str | Path | None = None,
) -> Any:
    """Theme comparison over time: one line per theme (share of each period's stories, or count).

    ``attention`` is an attention table by period (``period, theme,
    theme_label, n_stories, n_total, share``); ``themes`` picks theme ids. The
    default title names the themes: "التعاون الأمني مقابل الكوارث الطبيعية عبر الزمن".
    Shares with an interval (``share_low``, ``share_high``) are drawn with a band around the line.
    Lines break where a period has no stories, shares of periods with fewer than ``min_stories``
    stories are not drawn, and a note under the chart says what was left out.

    >>> attention = pd.DataFrame({"period": ["2024-01", "2024-01"], "theme": ["security", "disaster"],
    ...     "theme_label": ["التعاون الأمني", "الكوارث الطبيعية"], "n_stories": [1, 3], "n_total": 4,
    ...     "share": [0.25, 0.75]})
    >>> [trace.name for trace in theme_comparison_chart(attention, backend="plotly").data]
    ['التعاون الأمني', 'الكوارث الطبيعية']
    """
    require_columns(attention, ["period", "theme", "theme_label"], name="attention (toolkit.theme_attention by period)")
    rows = _choose_themes(attention, themes)
    if title is None:
        title = " مقابل ".join(dict.fromkeys(rows["theme_label"]) or ["المحاور"]) + " عبر الزمن"
    labels, style = _Labels(title, _value_label(value), percent=value == "share"), _style(backend, arabic_digits, font)
    if reason := _why_empty((attention, NO_DATES), (rows, _none_chosen("themes", themes))):
        return _draw_empty(reason, labels, style)
    column = "share" if value == "share" else "n_stories"
    lines, note = _lines_over_time(rows, attention.attrs, series="theme_label", column=column, min_stories=min_stories)
    return _draw_lines(lines, replace(labels, note=note), style)


def word_cloud_chart(
    words: pd.DataFrame,
    *,
    max_words: int = 100,
    seed: int = 42,
    title: str = "سحابة الكلمات",
    backend: Backend = "matplotlib",
    font: str | Path | None = None,
) -> Any:
    """An Arabic word cloud from ``words`` (columns ``word, weight``; repeated words add up).

    The cloud is drawn by the ``wordcloud`` package with Pillow, so its words
    go through ``display_text(word, "pillow")``; the picture is then shown in a
    matplotlib or plotly figure.

    >>> words = pd.DataFrame({"word": ["زلزال", "هزة", "باكستان"], "weight": [5, 3, 2]})
    >>> word_cloud_chart(words).axes[0].images[0].get_array().shape
    (500, 1000, 3)
    """
    require_columns(words, ["word", "weight"], name="words")
    from wordcloud import WordCloud

    labels, style = _Labels(title, ""), _style(backend, False, font)
    weights = words.groupby("word", sort=False)["weight"].sum()
    weights = weights[weights > 0]
    if reason := _why_empty((weights, NO_WORDS)):
        return _draw_empty(reason, labels, style)
    cloud = WordCloud(
        font_path=str(style.font),
        width=1000,
        height=500,
        background_color="white",
        prefer_horizontal=1.0,  # Arabic is not written vertically
        max_words=max_words,
        random_state=seed,
        collocations=False,
        margin=6,  # wider than the default 2: Arabic words set close together read as one
    )
    image = cloud.generate_from_frequencies({display_text(w, "pillow"): float(v) for w, v in weights.items()})
    return _draw_image(image.to_array(), labels, style)


# ---- data helpers ------------------------------------------------------------------------------


def _why_empty(*stages: tuple[pd.DataFrame | pd.Series, str]) -> str | None:
    """Why a chart has nothing to draw: the message of the first of ``stages`` without rows; None if all have rows.

    The stages run from the table the chart was given to what it would draw, each with what its
    being empty means, so the message names the first step that lost everything. Decided once, before
    drawing, so matplotlib and plotly say the same.

    >>> _why_empty((pd.DataFrame({"period": []}), NO_DATES))
    'no story has a date: attention over time needs dated stories'
    >>> _why_empty((pd.DataFrame({"period": [1]}), NO_DATES)) is None
    True
    """
    return next((message for rows, message in stages if len(rows) == 0), None)


def _none_chosen(kind: str, chosen: Sequence[object] | None) -> str:
    """The message when the ``chosen`` topics or themes leave nothing of a table that has rows.

    >>> _none_chosen("themes", ["elections"])
    'none of the chosen themes is in the table: elections'
    """
    return f"none of the chosen {kind} is in the table: {', '.join(map(str, chosen or []))}"


def _choose_topics(topic_info: pd.DataFrame, *, topics: list[int] | None, n_topics: int) -> pd.DataFrame:
    if topics is not None:
        return topic_info.set_index("topic").loc[topics].reset_index()
    rows = topic_info[topic_info["topic"] != OUTLIER_TOPIC]
    return rows.sort_values("size", ascending=False, kind="stable").head(n_topics)


def _topic_words(topic_info: pd.DataFrame) -> pd.DataFrame:
    """One row per (topic, word): ``topic, topic_label, word, weight``, in the topics' word order."""
    rows = topic_info[["topic", "label", "words", "weights"]].explode(["words", "weights"]).dropna(subset=["words"])
    return pd.DataFrame(
        {
            "topic": rows["topic"].to_numpy(),
            "topic_label": rows["label"].to_numpy(),
            "word": rows["words"].to_numpy(),
            "weight": rows["weights"].astype(float).to_numpy(),
        }
    )


def corpus_words(topic_info: pd.DataFrame) -> pd.DataFrame:
    """Each topic word weighed by how much of the corpus its topic covers: ``word, weight`` for a word cloud.

    A word's weight is its c-TF-IDF weight in each topic times the topic's share of the documents,
    summed over topics (outliers left out), so a 34-story topic cannot outweigh a 658-story one.

    >>> info = pd.DataFrame({"topic": [0, 1], "size": [90, 10], "label": ["a", "b"],
    ...     "words": [["زلزال", "هزة"], ["مباراة", "زلزال"]], "weights": [[0.5, 0.2], [0.9, 0.1]]})
    >>> corpus_words(info).round(3).values.tolist()
    [['زلزال', 0.46], ['هزة', 0.18], ['مباراة', 0.09]]
    """
    require_columns(topic_info, ["topic", "size", "label", "words", "weights"], name="topic_info (model.topic_info_)")
    topics = topic_info[topic_info["topic"] != OUTLIER_TOPIC]
    share = dict(zip(topics["topic"], topics["size"] / max(int(topics["size"].sum()), 1), strict=True))
    words = _topic_words(topics)
    weighed = words.assign(weight=words["weight"] * words["topic"].map(share))
    totals = weighed.groupby("word", sort=False)["weight"].sum()
    return totals.sort_values(ascending=False, kind="stable").rename_axis("word").reset_index()


def _choose_themes(attention: pd.DataFrame, themes: list[str] | None) -> pd.DataFrame:
    return attention if themes is None else attention[attention["theme"].isin(themes)]


def _lines_over_time(
    rows: pd.DataFrame, attrs: dict[str, Any], *, series: str, column: str, min_stories: int
) -> tuple[pd.DataFrame, str]:
    """One line per ``series`` value over ``period`` (shares as percents, with their interval when the table
    has one), broken where a period has no stories; and the note on what is not drawn.

    A share of a period with fewer than ``min_stories`` stories (``n_total``) is not drawn: with 2 stories a
    share of 50 % is anywhere between 9 % and 91 %.
    """
    share = column == "share"
    lines = pd.DataFrame(
        {"x": _time_axis(rows["period"]), "series": rows[series], "value": _values(rows[column], share)}
    )
    lines = _with_interval(lines, rows, "share" if share else "count")
    thin = rows["n_total"].to_numpy() < min_stories if share and "n_total" in rows else np.zeros(len(rows), bool)
    lines.loc[thin, [c for c in ("value", "low", "high") if c in lines]] = np.nan
    counts = (
        (lines.loc[thin, "x"].nunique(), "period", f"with fewer than {min_stories} stories"),
        (attrs.get("stray", 0), "stray story", "far from the other dates"),
        (attrs.get("undated", 0), "undated story", ""),
    )
    notes = [f"{n:,} {_plural(n, noun)} {what}".strip() for n, noun, what in counts if n]
    note = "Not drawn: " + "; ".join(notes) if notes else ""
    return _with_gaps(lines, attrs.get("freq")), note


def _plural(n: int, noun: str) -> str:
    """``noun`` for ``n`` of it, in English.

    >>> _plural(1, "stray story"), _plural(3, "stray story"), _plural(2, "period")
    ('stray story', 'stray stories', 'periods')
    """
    if n == 1:
        return noun
    return noun[:-1] + "ies" if noun.endswith("y") else noun + "s"


# pandas' names of the regular grid of each period_start frequency.
_GRID_FREQ = {"D": "D", "W": "W-MON", "M": "MS", "Q": "QS", "Y": "YS"}


def _with_gaps(lines: pd.DataFrame, freq: str | None) -> pd.DataFrame:
    """Every period of the grid between the first and the last, empty ones as gaps, so no line bridges them.

    >>> lines = pd.DataFrame({"x": pd.to_datetime(["2024-01-01", "2024-01-03"]), "series": "s", "value": [1.0, 2]})
    >>> _with_gaps(lines, "D")["value"].tolist()
    [1.0, nan, 2.0]
    """
    if freq not in _GRID_FREQ or not pd.api.types.is_datetime64_any_dtype(lines["x"]) or lines.empty:
        return lines
    grid = pd.date_range(lines["x"].min(), lines["x"].max(), freq=_GRID_FREQ[freq])
    return pd.concat(
        rows.set_index("x").reindex(grid.union(pd.DatetimeIndex(rows["x"]))).rename_axis("x").reset_index()
        .assign(series=name)
        for name, rows in lines.groupby("series", sort=False)
    )[lines.columns]  # fmt: skip


def _with_interval(frame: pd.DataFrame, rows: pd.DataFrame, value: Value) -> pd.DataFrame:
    """``frame`` with ``low`` and ``high`` (percents) from ``share_low``/``share_high``, when shares have them."""
    if value != "share" or not {"share_low", "share_high"} <= set(rows.columns):
        return frame
    return frame.assign(low=_values(rows["share_low"], True), high=_values(rows["share_high"], True))


def _values(column: pd.Series, percent: bool) -> np.ndarray:
    values = column.to_numpy(dtype=float)
    return values * 100 if percent else values


def _value_label(value: Value, counted: str = "القصص") -> str:
    """The value axis: share of, or number of, what is ``counted`` (stories; for topics, documents)."""
    return f"النسبة من {counted}" if value == "share" else f"عدد {counted}"


def _time_axis(periods: pd.Series) -> pd.Series:
    """Periods as naive UTC timestamps where they are dates; other labels stay text."""
    if isinstance(periods.dtype, pd.PeriodDtype):
        return periods.dt.to_timestamp()
    if isinstance(periods.dtype, pd.DatetimeTZDtype):
        return periods.dt.tz_convert(None)
    if pd.api.types.is_datetime64_any_dtype(periods):
        return periods
    try:
        return pd.to_datetime(periods.astype(str), format="mixed")
    except (ValueError, TypeError):
        return periods.astype(str)


def _bar_text(bars: pd.DataFrame, labels: _Labels) -> Callable[[float], str] | None:
    """How to write a bar's value at its end: percents and counts are; weights (fractions) are not.

    A zero bar has no end to write at, so it gets no text (the axis shows zero).
    """
    if labels.percent:
        return lambda v: "" if v == 0 else f"{v:.0f}%" if v >= 10 or v == int(v) else f"{v:.1f}%"
    if _counts(bars):
        return lambda v: "" if v == 0 else f"{v:.0f}"
    return None


def _counts(bars: pd.DataFrame) -> bool:
    return bool(np.all(np.mod(bars["value"].to_numpy(dtype=float), 1) == 0))


def _value_limit(bars: pd.DataFrame) -> float:
    """The far end of the value axis: the longest bar (or error bar) and room for its text (1 when all are zero)."""
    longest = bars["high"].max() if "high" in bars else bars["value"].max()
    return float(max(longest, 0) * 1.12) or 1.0


def _panels(frame: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(frame["panel"]))


def _grid(n_panels: int) -> tuple[int, int]:
    columns = min(_PANEL_COLUMNS, max(n_panels, 1))
    return math.ceil(max(n_panels, 1) / columns), columns


def _grid_cell(index: int, columns: int) -> tuple[int, int]:
    # Right to left: the first panel sits top right.
    return index // columns, columns - 1 - index % columns


def _draw_bars(bars: pd.DataFrame, labels: _Labels, style: _Style) -> Any:
    draw = _bars_plotly if style.backend == "plotly" else _bars_matplotlib
    return draw(bars, labels, style)


def _draw_lines(lines: pd.DataFrame, labels: _Labels, style: _Style) -> Any:
    lines = lines.sort_values("x", kind="stable")
    draw = _lines_plotly if style.backend == "plotly" else _lines_matplotlib
    return draw(lines, labels, style)


def _draw_image(image: np.ndarray, labels: _Labels, style: _Style) -> Any:
    draw = _image_plotly if style.backend == "plotly" else _image_matplotlib
    return draw(image, labels, style)


def _draw_empty(message: str, labels: _Labels, style: _Style) -> Any:
    draw = _empty_plotly if style.backend == "plotly" else _empty_matplotlib
    return draw(message, labels, style)


# ---- matplotlib --------------------------------------------------------------------------------


class _TickText(Formatter):
    """Wraps an axis's own formatter so that its tick labels go through `display_text`."""

    def __init__(self, inner: Formatter, style: _Style) -> None:
        self.inner = inner
        self.style = style

    def set_axis(self, axis: Any) -> None:
        super().set_axis(axis)
        self.inner.set_axis(axis)

    def set_locs(self, locs: Any) -> None:
        self.inner.set_locs(locs)

    def __call__(self, x: Any, pos: int | None = None) -> str:
        return self.style.number(self.inner(x, pos))

    def format_ticks(self, values: Any) -> list[str]:
        return [self.style.number(label) for label in self.inner.format_ticks(values)]

    def get_offset(self) -> str:
        return self.style.number(self.inner.get_offset())


@contextmanager
def _matplotlib_font(style: _Style) -> Iterator[list[str]]:
    """Text made inside this block (titles, labels, legends) uses the Arabic font, DejaVu Sans for the rest."""
    families = [font_family(style.font), "DejaVu Sans"]
    # Text is drawn as written: "$5 to $6" in a scraped title is a price, not mathtext.
    with matplotlib.rc_context({"font.family": families, "axes.titlesize": "large", "text.parse_math": False}):
        yield families


def _rtl_axes(ax: Any, families: list[str], style: _Style, *, numbered: tuple[Any, ...]) -> None:
    """Value axis on the right; the ``numbered`` axes' tick labels (numbers, dates) through `display_text`."""
    ax.yaxis.tick_right()
    ax.yaxis.set_label_position("right")
    ax.spines[["left", "top"]].set_visible(False)
    ax.tick_params(labelfontfamily=families)  # tick labels are made at draw time
    for axis in numbered:
        axis.set_major_formatter(_TickText(axis.get_major_formatter(), style))


def _bars_matplotlib(bars: pd.DataFrame, labels: _Labels, style: _Style) -> Figure:
    panels = _panels(bars)
    rows, columns = _grid(len(panels))
    tallest = max([len(bars[bars["panel"] == p]) for p in panels], default=1)
    shown = _bar_text(bars, labels)
    with _matplotlib_font(style) as families:
        fig = Figure(figsize=(4.6 * columns, (0.38 * tallest + 1.4) * rows + 0.6), layout="constrained")
        grid = fig.subplots(rows, columns, squeeze=False)
        for index, panel in enumerate(panels):
            ax = grid[_grid_cell(index, columns)]
            rows_here = bars[bars["panel"] == panel]
            positions = np.arange(len(rows_here))
            container = ax.barh(
                positions, rows_here["value"], color="#2a6f97", xerr=_errors(rows_here), ecolor="#555555", capsize=3
            )
            ax.set_yticks(positions, labels=[style.text(label) for label in rows_here["label"]])
            ax.set_ylim(tallest - 0.5, -0.5)  # first row on top; the same bar height in every panel
            ax.set_xlim(_value_limit(bars), 0)  # bars grow leftwards from the labels; one scale for all panels
            ax.set_xlabel(style.text(labels.value), loc="right")
            if labels.percent:
                ax.xaxis.set_major_formatter(PercentFormatter(xmax=100))
            elif _counts(bars):
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            _rtl_axes(ax, families, style, numbered=(ax.xaxis,))
            if shown is not None:
                ax.bar_label(container, labels=[style.number(shown(v)) for v in rows_here["value"]], padding=3)
            if panel:
                ax.set_title(style.text(panel), loc="right")
        for index in range(len(panels), rows * columns):
            grid[_grid_cell(index, columns)].set_visible(False)
        fig.suptitle(style.text(labels.title), x=0.99, ha="right", fontsize="x-large")
    return fig


def _lines_matplotlib(lines: pd.DataFrame, labels: _Labels, style: _Style) -> Figure:
    with _matplotlib_font(style) as families:
        fig = Figure(figsize=(9, 4.8), layout="constrained")
        ax = fig.subplots()
        marker = "o" if lines["x"].nunique() <= _MAX_MARKED_PERIODS else None
        for series, rows in lines.groupby("series", sort=False):
            (line,) = ax.plot(rows["x"].to_numpy(), rows["value"].to_numpy(), marker=marker, label=style.text(series))
            if "low" in rows:
                ax.fill_between(rows["x"].to_numpy(), rows["low"], rows["high"], color=line.get_color(), alpha=0.15)
        ax.set_ylabel(style.text(labels.value))
        ax.set_ylim(bottom=0)
        if labels.percent:
            ax.yaxis.set_major_formatter(PercentFormatter(xmax=100))
        if pd.api.types.is_datetime64_any_dtype(lines["x"]):
            # A few ticks, each written as short as its neighbours allow (the year once, in the corner).
            locator = AutoDateLocator(minticks=3, maxticks=8)
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        _rtl_axes(ax, families, style, numbered=(ax.xaxis, ax.yaxis))
        ax.set_title(style.text(labels.title), loc="right", fontsize="x-large")
        # Beside the axes, so it never hides a line: on the left, where a right-to-left line ends.
        fig.legend(loc="outside left upper", markerfirst=False, frameon=False)
        if labels.note:
            # Bottom left: the date axis writes its year in the bottom right corner.
            fig.text(0.01, 0.0, style.text(labels.note), ha="left", va="bottom", fontsize="small", color="#555555")
    return fig


def _image_matplotlib(image: np.ndarray, labels: _Labels, style: _Style) -> Figure:
    with _matplotlib_font(style):
        fig = Figure(figsize=(10, 5.4), layout="constrained")
        ax = fig.subplots()
        ax.imshow(image, interpolation="bilinear")
        ax.set_axis_off()
        ax.set_title(style.text(labels.title), loc="right", fontsize="x-large")
    return fig


def _matrix_matplotlib(matrix: np.ndarray, names: list[str], labels: _Labels, style: _Style) -> Figure:
    """A square matrix, the first name on the top row and the right-hand column, counts in the cells."""
    n = len(names)
    with _matplotlib_font(style) as families:
        fig = Figure(figsize=(max(1.0 * n + 3, 8), 0.8 * n + 2.4), layout="constrained")
        ax = fig.subplots()
        ax.imshow(matrix, cmap="Blues", vmin=0)
        ax.set_xlim(n - 0.5, -0.5)  # right to left: the first country on the right
        ticks = [style.text(name) for name in names]
        ax.set_xticks(range(n), labels=ticks, rotation=45, ha="right", rotation_mode="anchor")
        ax.set_yticks(range(n), labels=ticks)
        ax.yaxis.tick_right()
        ax.tick_params(labelfontfamily=families, length=0)
        ax.spines[:].set_visible(False)
        high = matrix.max() or 1
        for (row, column), value in np.ndenumerate(matrix):
            if value:
                colour = "white" if value > high / 2 else "#222222"
                ax.text(column, row, style.number(value), ha="center", va="center", color=colour)
        fig.suptitle(style.text(labels.title), x=0.99, ha="right", fontsize="x-large")
    return fig


def _empty_matplotlib(message: str, labels: _Labels, style: _Style) -> Figure:
    """No axes: the title, and in the middle, in grey, why there is nothing to draw."""
    with _matplotlib_font(style):
        fig = Figure(figsize=(9, 3), layout="constrained")
        fig.suptitle(style.text(labels.title), x=0.99, ha="right", fontsize="x-large")
        fig.text(0.5, 0.5, style.text(message), ha="center", va="center", fontsize="large", color="#555555")
    return fig


# ---- plotly ------------------------------------------------------------------------------------


# Bar value labels: the size of tick labels, and darker, so they read at a glance.
_VALUE_FONT = {"size": 13, "color": "#222222"}


def _plotly_layout(fig: Any, labels: _Labels, style: _Style, *, height: int) -> Any:
    fig.update_layout(
        title={"text": style.text(labels.title), "x": 0.98, "xanchor": "right"},
        font={"family": BROWSER_FONTS},
        height=height,
        template="plotly_white",
        legend={"x": 0, "xanchor": "left"},
        margin={"l": 40, "r": 40},
    )
    return fig


def _plotly_ticks(values: np.ndarray, style: _Style, *, percent: bool) -> dict[str, Any]:
    """Explicit ticks with Arabic-Indic numerals (plotly only writes ASCII digits)."""
    if not style.arabic_digits or len(values) == 0:
        return {"ticksuffix": "%"} if percent else {}
    ticks = MaxNLocator(nbins=5).tick_values(0, float(np.nanmax(values)) or 1)
    text = [style.number(f"{t:g}{'%' if percent else ''}") for t in ticks]
    return {"tickmode": "array", "tickvals": list(ticks), "ticktext": text}


def _bars_plotly(bars: pd.DataFrame, labels: _Labels, style: _Style) -> Any:
    from plotly.subplots import make_subplots

    panels = _panels(bars)
    rows, columns = _grid(len(panels))
    titles = [""] * (rows * columns)
    for index, panel in enumerate(panels):
        row, column = _grid_cell(index, columns)
        titles[row * columns + column] = style.text(panel)
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=titles, horizontal_spacing=0.12)
    shown = _bar_text(bars, labels)
    for index, panel in enumerate(panels):
        row, column = _grid_cell(index, columns)
        rows_here = bars[bars["panel"] == panel]
        y = [style.text(label) for label in rows_here["label"]]
        text = None if shown is None else [style.number(shown(v)) for v in rows_here["value"]]
        errors = _plotly_errors(rows_here)
        fig.add_bar(
            x=rows_here["value"].tolist(),
            y=y,
            orientation="h",
            marker_color="#2a6f97",
            error_x=errors,
            text=text,
            # plotly shrinks outside text to the bar's thickness by default: unreadable on thin bars.
            textposition=None if text is None else "none" if errors else "outside",
            constraintext="none",
            textfont=_VALUE_FONT,
            cliponaxis=False,
            showlegend=False,
            row=row + 1,
            col=column + 1,
        )
        if text is not None and errors:
            # plotly writes outside text at the bar's end, under the error bar: write it past the error bar.
            for label, high, value in zip(y, rows_here["high"], text, strict=True):
                if not value:  # a zero bar has no label (see `_bar_text`)
                    continue
                fig.add_annotation(
                    x=high, y=label, text=value, xanchor="right", xshift=-4, showarrow=False, font=_VALUE_FONT,
                    row=row + 1, col=column + 1,
                )  # fmt: skip
    ticks = _plotly_ticks(bars["value"].to_numpy(dtype=float), style, percent=labels.percent)
    fig.update_xaxes(range=[_value_limit(bars), 0], title_text=style.text(labels.value), **ticks)
    fig.update_yaxes(side="right", autorange="reversed", automargin=True)
    tallest = max([len(bars[bars["panel"] == p]) for p in panels], default=1)
    return _plotly_layout(fig, labels, style, height=int((28 * tallest + 110) * rows + 60))


def _lines_plotly(lines: pd.DataFrame, labels: _Labels, style: _Style) -> Any:
    import plotly.graph_objects as go

    fig = go.Figure()
    for series, rows in lines.groupby("series", sort=False):
        fig.add_scatter(
            x=_plotly_x(rows["x"], style),
            y=rows["value"].tolist(),
            mode="lines+markers",
            name=style.text(series),
            error_y=_plotly_errors(rows),
        )
    ticks = _plotly_ticks(lines["value"].dropna().to_numpy(dtype=float), style, percent=labels.percent)
    fig.update_yaxes(side="right", rangemode="tozero", title_text=style.text(labels.value), **ticks)
    fig.update_xaxes(**_plotly_time_ticks(lines["x"], style))
    if labels.note:
        fig.add_annotation(
            text=style.text(labels.note), x=0, y=-0.18, xref="paper", yref="paper", xanchor="left",
            showarrow=False, font={"size": 12, "color": "#555555"},
        )  # fmt: skip
    fig = _plotly_layout(fig, labels, style, height=460)
    # Above the plot area, right to left, so it never covers a line.
    return fig.update_layout(legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom"})


def _plotly_x(x: pd.Series, style: _Style) -> list[Any]:
    """Time positions for plotly: dates as they are; periods that are not dates are text, escaped like any label."""
    return x.tolist() if pd.api.types.is_datetime64_any_dtype(x) else [style.text(v) for v in x]


def _plotly_time_ticks(x: pd.Series, style: _Style) -> dict[str, Any]:
    if not style.arabic_digits:
        return {}
    unique = pd.Series(x.unique())
    step = max(1, math.ceil(len(unique) / 8))
    chosen = unique.iloc[::step]
    as_text: Callable[[Any], str] = (
        (lambda v: v.strftime("%Y-%m-%d")) if pd.api.types.is_datetime64_any_dtype(unique) else str
    )
    ticks = [style.number(as_text(v)) for v in chosen]
    return {"tickmode": "array", "tickvals": _plotly_x(chosen, style), "ticktext": ticks}


def _errors(rows: pd.DataFrame) -> np.ndarray | None:
    """matplotlib's ``xerr``: distances below and above each value, or None without an interval."""
    if "low" not in rows:
        return None
    return np.vstack([rows["value"] - rows["low"], rows["high"] - rows["value"]]).clip(min=0)


def _plotly_errors(rows: pd.DataFrame) -> dict[str, Any] | None:
    errors = _errors(rows)
    if errors is None:
        return None
    return {"type": "data", "arrayminus": errors[0].tolist(), "array": errors[1].tolist(), "thickness": 1}


def _image_plotly(image: np.ndarray, labels: _Labels, style: _Style) -> Any:
    import plotly.graph_objects as go

    fig = go.Figure(go.Image(z=image, hoverinfo="skip"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _plotly_layout(fig, labels, style, height=560)


def _matrix_plotly(matrix: np.ndarray, names: list[str], labels: _Labels, style: _Style) -> Any:
    import plotly.graph_objects as go

    ticks = [style.text(name) for name in names]
    cells = [[style.number(value) if value else "" for value in row] for row in matrix]
    fig = go.Figure(
        go.Heatmap(
            z=matrix.tolist(), x=ticks, y=ticks, text=cells, texttemplate="%{text}", colorscale="Blues",
            showscale=False, hovertemplate="%{y} · %{x}: %{z}<extra></extra>",
        )
    )  # fmt: skip
    fig.update_xaxes(autorange="reversed", side="top")
    fig.update_yaxes(autorange="reversed", side="right")
    return _plotly_layout(fig, labels, style, height=int(60 * len(names) + 200))


def _empty_plotly(message: str, labels: _Labels, style: _Style) -> Any:
    """No axes: the title, and in the middle, in grey, why there is nothing to draw."""
    import plotly.graph_objects as go

    fig = go.Figure()
    fig.add_annotation(
        text=style.text(message),
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font={"size": 16, "color": "#555555"},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _plotly_layout(fig, labels, style, height=300)

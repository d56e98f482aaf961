"""Every chart for one data set, written as files: PNG (matplotlib) and HTML (plotly)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.plots.charts import (
    cooperation_pairs_chart,
    corpus_words,
    countries_by_source_chart,
    stories_per_source_chart,
    theme_by_source_chart,
    theme_comparison_chart,
    topic_sizes_chart,
    topic_words_chart,
    topics_over_time_chart,
    word_cloud_chart,
)
from toolkit.stories import STORY_KINDS

__all__ = ["topic_titles", "write_gallery"]

# What a topic model of each unit counts, in English (table headings) and Arabic (chart titles).
_COUNTED = {"article": ("stories", "القصص"), "paragraph": ("paragraphs", "الفقرات")}


def topic_titles(unit: str) -> dict[str, str]:
    """Headings that say what a topic model fitted on ``unit`` (``"article"`` or ``"paragraph"``) counts.

    ``count`` heads a table's count column; ``sizes`` and ``over_time`` title the topic-size and
    topics-over-time charts, so a chart of paragraphs never reads as one of stories.

    >>> topic_titles("paragraph")
    {'count': 'paragraphs', 'sizes': 'عدد الفقرات في كل موضوع', 'over_time': 'حصة كل موضوع من الفقرات عبر الزمن'}
    """
    if unit not in _COUNTED:
        raise ValueError(f"unit must be 'article' or 'paragraph', not {unit!r}")
    english, arabic = _COUNTED[unit]
    return {"count": english, "sizes": f"عدد {arabic} في كل موضوع", "over_time": f"حصة كل موضوع من {arabic} عبر الزمن"}


def write_gallery(
    articles: pd.DataFrame,
    *,
    output_dir: str | Path,
    topic_info: pd.DataFrame | None = None,
    topics_over_time: pd.DataFrame | None = None,
    theme_attention: pd.DataFrame | None = None,
    theme_attention_by_source: pd.DataFrame | None = None,
    cooperation_pairs: pd.DataFrame | None = None,
    country_attention_by_source: pd.DataFrame | None = None,
    unit: str = "article",
    kinds: Sequence[str] | None = STORY_KINDS,
    html: bool = True,
    arabic_digits: bool = False,
) -> list[Path]:
    """Write every chart the given tables allow into ``output_dir``; return the files written.

    Takes tables already computed (``articles``; a topic model's
    ``topic_info_``; ``topics_over_time``'s table; attention tables by period
    and by source; `toolkit.cooperation_pairs`; `toolkit.country_attention` by
    source, drawn for natural disasters). A chart whose table is missing (None) is skipped; one whose
    table has nothing to draw is written saying why (on undated stories, the
    charts over time say that no story has a date). The word cloud weighs the
    topics' top words by the share of documents each topic holds (`corpus_words`).
    ``unit`` is what the topic model counted (``model.settings_["unit"]``): the
    topic charts' titles say it (stories or paragraphs). ``kinds`` are the rows the stories-per-outlet
    chart counts (`toolkit.stories.counted_stories`), as the attention tables were given.
    Each chart becomes ``NAME.png`` (150 dpi) and, with ``html``, ``NAME.html``
    (plotly, with ``plotly.min.js`` written once beside it so it opens offline).

    >>> paths = write_gallery(articles, output_dir="reports/figures")  # doctest: +SKIP
    """
    output = Path(output_dir)
    output.mkdir(parents=True, exist_ok=True)
    options = {"arabic_digits": arabic_digits}
    charts: dict[str, Callable[..., Any]] = {
        "stories_per_source": lambda **kw: stories_per_source_chart(articles, kinds=kinds, **kw, **options),
    }
    titles = topic_titles(unit)
    if topic_info is not None:
        charts["topic_sizes"] = lambda **kw: topic_sizes_chart(topic_info, title=titles["sizes"], **kw, **options)
        charts["topic_words"] = lambda **kw: topic_words_chart(topic_info, **kw, **options)
        charts["word_cloud"] = lambda **kw: word_cloud_chart(corpus_words(topic_info), **kw)
    if topics_over_time is not None:
        charts["topics_over_time"] = lambda **kw: topics_over_time_chart(
            topics_over_time, title=titles["over_time"], **kw, **options
        )
    if theme_attention is not None:
        charts["themes_over_time"] = lambda **kw: theme_comparison_chart(theme_attention, **kw, **options)
    if theme_attention_by_source is not None:
        charts["themes_by_source"] = lambda **kw: theme_by_source_chart(theme_attention_by_source, **kw, **options)
    if cooperation_pairs is not None:
        charts["cooperation_pairs"] = lambda **kw: cooperation_pairs_chart(cooperation_pairs, **kw, **options)
    if country_attention_by_source is not None:
        charts["disaster_countries"] = lambda **kw: countries_by_source_chart(
            country_attention_by_source, **kw, **options
        )

    written = []
    for name, chart in charts.items():
        png = output / f"{name}.png"
        chart(backend="matplotlib").savefig(png, dpi=150, facecolor="white")
        written.append(png)
        if html:
            page = output / f"{name}.html"
            chart(backend="plotly").write_html(page, include_plotlyjs="directory")
            written.append(page)
    return written

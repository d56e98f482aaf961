"""Correctly shaped right-to-left Arabic charts (matplotlib and plotly).

`display_text` gives each renderer the string it needs (and `plotly_text` keeps
plotly from reading scraped text as markup); the chart functions take tidy
tables and return figures; `write_gallery` writes them all as files.
Depends on `toolkit.arabic`, `toolkit.errors` and the loading stage's rule of what counts as a story
(`toolkit.stories.counted_stories`, pandas only), never on the loading, topic or theme stages.

>>> from toolkit.plots import display_text
>>> display_text("BBC عربي", "plotly")
'BBC عربي'
"""

from __future__ import annotations

from toolkit.plots.charts import (
    cooperation_pairs_chart,
    corpus_words,
    countries_by_source_chart,
    stories_per_source_chart,
    theme_by_source_chart,
    theme_comparison_chart,
    topic_counts_chart,
    topic_sizes_chart,
    topic_words_chart,
    topics_over_time_chart,
    word_cloud_chart,
)
from toolkit.plots.fonts import BROWSER_FONTS, arabic_font
from toolkit.plots.gallery import write_gallery
from toolkit.plots.text import RENDERERS, display_text, plotly_text

__all__ = [
    "BROWSER_FONTS",
    "RENDERERS",
    "arabic_font",
    "cooperation_pairs_chart",
    "corpus_words",
    "countries_by_source_chart",
    "display_text",
    "plotly_text",
    "stories_per_source_chart",
    "theme_by_source_chart",
    "theme_comparison_chart",
    "topic_counts_chart",
    "topic_sizes_chart",
    "topic_words_chart",
    "topics_over_time_chart",
    "word_cloud_chart",
    "write_gallery",
]

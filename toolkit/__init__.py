"""Arabic news toolkit: load, clean, topic-model, compare themes and chart Arabic news.

>>> import toolkit
>>> articles = toolkit.load_articles("data/raw")            # doctest: +SKIP
>>> result = toolkit.fit_topics(articles, unit="paragraph")  # doctest: +SKIP

Names are imported on first use, so ``import toolkit`` stays fast and a stage's
heavy dependencies (BERTopic, torch) load only when that stage is used.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# Public name -> module that owns it (one stage per module, see CONTRIBUTING in the README).
_EXPORTS: dict[str, str] = {
    # arabic: the text layer every stage uses
    "normalise": "toolkit.arabic",
    "canonical_letters": "toolkit.arabic",
    "tokenize": "toolkit.arabic",
    "written_forms": "toolkit.arabic",
    "arabic_stop_words": "toolkit.arabic",
    "is_arabic": "toolkit.arabic",
    # load: pages and exports -> articles DataFrame
    "load_articles": "toolkit.load",
    "iter_articles": "toolkit.load",
    "rejections": "toolkit.load",
    "counted_stories": "toolkit.stories",
    "select_articles": "toolkit.load",
    "notes": "toolkit.load",
    "period_start": "toolkit.load",
    "ARTICLE_COLUMNS": "toolkit.load",
    "validate_articles": "toolkit.load",
    "boilerplate_rules": "toolkit.load",
    "BoilerplateRules": "toolkit.load",
    "DEFAULT_COLUMNS": "toolkit.load",
    "save_articles": "toolkit.load",
    "read_articles": "toolkit.load",
    "write_articles_dataset": "toolkit.load",
    # topics: BERTopic on Arabic
    "fit_topics": "toolkit.topics",
    "ArabicTopicModel": "toolkit.topics",
    "topics_over_time": "toolkit.topics",
    "topics_per_source": "toolkit.topics",
    "load_topic_model": "toolkit.topics",
    "compare_topic_counts": "toolkit.topics",
    "topic_coherence": "toolkit.topics",
    "topic_diversity": "toolkit.topics",
    "topic_documents": "toolkit.topics",
    # themes: security cooperation vs natural disasters, and user themes
    "load_themes": "toolkit.themes",
    "score_themes": "toolkit.themes",
    "read_theme_scores": "toolkit.themes",
    "ThemeScorer": "toolkit.themes",
    "theme_attention": "toolkit.themes",
    "distinctive_words": "toolkit.themes",
    "topics_to_themes": "toolkit.themes",
    "Theme": "toolkit.themes",
    # validation: check the theme verdicts on stories you read
    "reading_sample": "toolkit.validation",
    "theme_accuracy": "toolkit.validation",
    "read_labels": "toolkit.validation",
    "save_reading_sample": "toolkit.validation",
    # places: the countries of every story, who cooperates with whom, words in context
    "load_countries": "toolkit.countries",
    "detect_countries": "toolkit.countries",
    "country_attention": "toolkit.places",
    "cooperation_pairs": "toolkit.places",
    "concordance": "toolkit.places",
    # plots: right-to-left Arabic charts
    "display_text": "toolkit.plots",
    "arabic_font": "toolkit.plots",
    "topic_words_chart": "toolkit.plots",
    "topic_sizes_chart": "toolkit.plots",
    "topic_counts_chart": "toolkit.plots",
    "topics_over_time_chart": "toolkit.plots",
    "theme_comparison_chart": "toolkit.plots",
    "theme_by_source_chart": "toolkit.plots",
    "stories_per_source_chart": "toolkit.plots",
    "countries_by_source_chart": "toolkit.plots",
    "cooperation_pairs_chart": "toolkit.plots",
    "word_cloud_chart": "toolkit.plots",
    "corpus_words": "toolkit.plots",
    "write_gallery": "toolkit.plots",
    # report: executed notebooks -> HTML
    "build_reports": "toolkit.report",
    "export_html": "toolkit.report",
    "rtl_table": "toolkit.report",
    "rtl_concordance": "toolkit.report",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return __all__

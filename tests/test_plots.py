"""Charts: correctly shaped right-to-left Arabic on matplotlib before and after 3.11, proven by pixels.

The pixel proof draws a string the way a chart does (matplotlib, Agg, the chart font) and compares
its ink with a reference drawing of the logical string by Pillow's raqm layout (HarfBuzz + FriBiDi)
in the same font. Runs in the main environment (matplotlib >= 3.11) and in .venv-mpl310
(`make test-mpl310`), so it must import nothing heavier than matplotlib, Pillow and pandas.
"""

from __future__ import annotations

import html
import re
import warnings
from pathlib import Path

import arabic_reshaper
import matplotlib
import numpy as np
import pandas as pd
import pytest
from bidi import get_display
from conftest import LINK_PAYLOAD, STYLE_PAYLOAD, browser_doms, needs_chromium, parse_page
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text
from PIL import Image, ImageDraw, ImageFilter, ImageFont, features

from toolkit.errors import InputError
from toolkit.plots import (
    arabic_font,
    display_text,
    plotly_text,
    stories_per_source_chart,
    theme_by_source_chart,
    theme_comparison_chart,
    topic_sizes_chart,
    topic_words_chart,
    topics_over_time_chart,
    word_cloud_chart,
    write_gallery,
)

pytestmark = pytest.mark.charts

MATPLOTLIB_SHAPES = tuple(int(part) for part in matplotlib.__version__.split(".")[:2]) >= (3, 11)

# The strings: mixed numbers, a Latin name, a plain phrase, Arabic-Indic digits, lam-alef.
PROOF_STRINGS = [
    "زلزال بقوة 5.1 درجة",
    "BBC عربي",
    "التعاون الدفاعي",
    "سجل ١٢ زلزالاً في ٣ أيام",
    "لا تعاون على الأرض",
]
SIZE = 48  # pixels: matplotlib at 72 dpi, so points are pixels
# Ink likeness (F1 of ink pixels, matched within 2 px). Measured on these strings: correct drawings
# 0.98-1.00 (mpl 3.10.9 and 3.11.2); known-wrong ones at most 0.81 ("BBC عربي" reshaped on 3.11,
# where "BBC" still matches), 0.33-0.61 on 3.10. 0.93 leaves room on both sides.
LIKENESS_THRESHOLD = 0.93
PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]")
BASE_LETTERS = re.compile("[\u0621-\u064a]")


def visual(text: str) -> str:
    """The reshaped, reordered string (what a renderer without shaping needs), made independently."""
    return get_display(arabic_reshaper.reshape(text))


def ink(gray: np.ndarray) -> Image.Image:
    """Black-on-white pixels -> ink mask (255 = ink), cropped to the ink's bounding box."""
    mask = Image.fromarray(np.where(gray < 128, 255, 0).astype(np.uint8))
    return mask.crop(mask.getbbox())


def matplotlib_ink(text: str) -> Image.Image:
    fig = Figure(figsize=(14, 2), dpi=72)
    fig.text(0.5, 0.5, text, fontproperties=FontProperties(fname=arabic_font(), size=SIZE), ha="center", va="center")
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return ink(np.asarray(canvas.buffer_rgba())[..., 0])


def pillow_ink(text: str, layout: ImageFont.Layout = ImageFont.Layout.RAQM) -> Image.Image:
    font = ImageFont.truetype(str(arabic_font()), SIZE, layout_engine=layout)
    page = Image.new("L", (SIZE * (len(text) + 4), SIZE * 3), 255)
    ImageDraw.Draw(page).text((SIZE, SIZE), text, font=font, fill=0)
    return ink(np.asarray(page))


def likeness(drawn: Image.Image, reference: Image.Image, *, tolerance: int = 2) -> float:
    """F1 of ink pixels after scaling ``drawn`` onto ``reference``; a pixel matches within ``tolerance`` px."""
    drawn = drawn.resize(reference.size, Image.Resampling.BILINEAR).point(lambda v: 255 if v >= 128 else 0)
    grow = ImageFilter.MaxFilter(2 * tolerance + 1)
    a, b = np.asarray(drawn) > 0, np.asarray(reference) > 0
    a_near, b_near = np.asarray(drawn.filter(grow)) > 0, np.asarray(reference.filter(grow)) > 0
    precision, recall = (a & b_near).sum() / a.sum(), (b & a_near).sum() / b.sum()
    return float(2 * precision * recall / (precision + recall))


# ---- display_text: proof by pixels -------------------------------------------------------------


@pytest.mark.parametrize("text", PROOF_STRINGS)
def test_display_text_draws_on_this_matplotlib_like_harfbuzz_draws_the_logical_string(text):
    score = likeness(matplotlib_ink(display_text(text)), pillow_ink(text))
    print(f"matplotlib {matplotlib.__version__} display_text {text!r}: {score:.3f}")
    assert score >= LIKENESS_THRESHOLD


@pytest.mark.parametrize("text", PROOF_STRINGS)
def test_the_known_wrong_string_for_this_matplotlib_fails_the_same_comparison(text):
    # Reshaped text is wrong where matplotlib shapes (>= 3.11), the raw text where it does not.
    wrong = visual(text) if MATPLOTLIB_SHAPES else text
    score = likeness(matplotlib_ink(wrong), pillow_ink(text))
    print(f"matplotlib {matplotlib.__version__} wrong variant {text!r}: {score:.3f}")
    assert score < LIKENESS_THRESHOLD


@pytest.mark.parametrize("text", PROOF_STRINGS)
def test_a_renderer_that_does_not_shape_needs_the_basic_string(text):
    # Pillow's BASIC layout draws code points left to right, as matplotlib < 3.11 does.
    assert likeness(pillow_ink(display_text(text, "basic"), ImageFont.Layout.BASIC), pillow_ink(text)) >= 0.93
    assert likeness(pillow_ink(text, ImageFont.Layout.BASIC), pillow_ink(text)) < LIKENESS_THRESHOLD


# ---- display_text: the decision table ----------------------------------------------------------


def test_matplotlib_gets_the_logical_string_from_3_11_and_the_visual_string_before():
    text = "زلزال بقوة 5.1 درجة"
    assert display_text(text) == (text if MATPLOTLIB_SHAPES else visual(text))
    assert display_text(text, "matplotlib") == display_text(text)


def test_pillow_gets_the_logical_string_when_it_lays_text_out_with_raqm():
    text = "التعاون الدفاعي"
    assert display_text(text, "pillow") == (text if features.check("raqm") else visual(text))


@pytest.mark.parametrize("renderer", ["plotly", "browser"])
def test_browsers_shape_so_they_get_the_logical_string(renderer):
    assert display_text("لا تعاون على الأرض", renderer) == "لا تعاون على الأرض"


def test_the_basic_string_is_reshaped_and_reordered_with_latin_and_numbers_kept_left_to_right():
    assert display_text("BBC عربي", "basic") == "BBC \ufef2\ufe91\ufeae\ufecb"
    assert display_text("زلزال بقوة 5.1 درجة", "basic") == visual("زلزال بقوة 5.1 درجة")
    assert "5.1" in display_text("زلزال بقوة 5.1 درجة", "basic")


def test_each_line_of_a_label_is_laid_out_on_its_own():
    assert display_text("زلزال\nBBC عربي", "basic") == visual("زلزال") + "\n" + visual("BBC عربي")


def test_arabic_digits_writes_numbers_with_arabic_indic_digits_and_separators():
    assert display_text("زلزال بقوة 5.1 درجة", "plotly", arabic_digits=True) == "زلزال بقوة ٥٫١ درجة"
    assert display_text("1,250 نازحا في 2024", "plotly", arabic_digits=True) == "١٬٢٥٠ نازحا في ٢٠٢٤"
    assert display_text("5.1", "basic", arabic_digits=True) == "٥٫١"


@given(st.text(alphabet="abcXYZ0123456789 .-", max_size=30))
def test_text_without_arabic_passes_through_every_renderer_unchanged(text):
    assert display_text(text, "basic") == text
    assert display_text(text, "plotly") == text


def test_an_unknown_renderer_is_refused():
    with pytest.raises(ValueError, match="renderer must be one of"):
        display_text("زلزال", "cairo")


# ---- fonts -------------------------------------------------------------------------------------


def test_the_chart_font_is_the_pip_installed_noto_sans_arabic():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = arabic_font()
    assert path.parent.parent.name == "fontpkg_noto_sans_arabic"
    assert path.name == "NotoSansArabic[wdth,wght].ttf"


def test_a_font_without_arabic_letters_draws_a_clear_warning():
    no_arabic = Path(matplotlib.get_data_path(), "fonts", "ttf", "cmr10.ttf")
    with pytest.warns(UserWarning, match=r"cmr10\.ttf has no glyphs for the Arabic letters ابتثجحخ"):
        assert arabic_font(no_arabic) == no_arabic


# ---- charts: hand-built tidy tables in the stages' documented shapes ---------------------------

TOPIC_INFO = pd.DataFrame(
    {
        "topic": [-1, 0, 1, 2],
        "size": [6, 14, 21, 5],
        "words": [
            ["قال", "اليوم"],
            ["زلزال", "بقوة", "درجة", "الأرض", "هزة"],
            ["التعاون", "الدفاعي", "باكستان", "إيران"],
            ["فيضانات", "السيول", "إجلاء"],
        ],
        "weights": [[0.1, 0.05], [0.3, 0.2, 0.15, 0.1, 0.05], [0.25, 0.2, 0.1, 0.08], [0.3, 0.2, 0.1]],
        "label": ["متفرقات", "زلزال بقوة 5.1 درجة", "التعاون الدفاعي", "فيضانات السيول"],
    }
)
PERIODS = pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"], utc=True)
OVER_TIME = pd.DataFrame(
    {
        "period": list(PERIODS) * 3,
        "topic": [0] * 3 + [1] * 3 + [-1] * 3,
        "topic_label": ["زلزال بقوة 5.1 درجة"] * 3 + ["التعاون الدفاعي"] * 3 + ["متفرقات"] * 3,
        "n": [2, 5, 7, 9, 6, 6, 3, 1, 2],
        "share": [0.14, 0.42, 0.47, 0.64, 0.5, 0.4, 0.22, 0.08, 0.13],
    }
)
ATTENTION = pd.DataFrame(
    {
        "period": list(PERIODS) * 2,
        "theme": ["security_cooperation"] * 3 + ["natural_disasters"] * 3,
        "theme_label": ["التعاون الأمني"] * 3 + ["الكوارث الطبيعية"] * 3,
        "n_stories": [4, 3, 1, 1, 5, 8],
        "n_total": [10, 10, 10] * 2,
        "share": [0.4, 0.3, 0.1, 0.1, 0.5, 0.8],
    }
)
ATTENTION_BY_SOURCE = pd.DataFrame(
    {
        "source": ["الجزيرة", "BBC عربي"] * 2,
        "theme": ["security_cooperation"] * 2 + ["natural_disasters"] * 2,
        "theme_label": ["التعاون الأمني"] * 2 + ["الكوارث الطبيعية"] * 2,
        "n_stories": [6, 2, 3, 9],
        "n_total": [20, 30, 20, 30],
        "share": [0.3, 2 / 30, 0.15, 0.3],
    }
)
ARTICLES = pd.DataFrame(
    {
        "article_id": ["a", "b", "c", "d", "e", "f", "a#h1"],
        "kind": ["article"] * 6 + ["headline"],
        "source": ["الجزيرة", "الجزيرة", "BBC عربي", "الجزيرة", None, "BBC عربي", "الجزيرة"],
        "duplicate_of": [None, None, None, "a", None, None, None],
    }
)
WORDS = pd.DataFrame({"word": ["زلزال", "التعاون", "الأرض", "زلزال", "لا"], "weight": [3.0, 2.0, 1.5, 1.0, 0.5]})

CHARTS = {
    "topic_words": lambda **kw: topic_words_chart(TOPIC_INFO, **kw),
    "topic_sizes": lambda **kw: topic_sizes_chart(TOPIC_INFO, **kw),
    "stories_per_source": lambda **kw: stories_per_source_chart(ARTICLES, **kw),
    "theme_by_source": lambda **kw: theme_by_source_chart(ATTENTION_BY_SOURCE, **kw),
    "topics_over_time": lambda **kw: topics_over_time_chart(OVER_TIME, **kw),
    "theme_comparison": lambda **kw: theme_comparison_chart(ATTENTION, **kw),
}


def drawn_texts(fig: Figure) -> list[str]:
    """Every visible string of a matplotlib figure, as handed to the renderer (tick labels included)."""
    FigureCanvasAgg(fig).draw()
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_every_string_of_a_matplotlib_chart_is_in_the_form_this_matplotlib_draws_correctly(name):
    texts = drawn_texts(CHARTS[name](arabic_digits=True))
    wrong_form = PRESENTATION_FORMS if MATPLOTLIB_SHAPES else BASE_LETTERS
    assert [t for t in texts if wrong_form.search(t)] == []
    numbers = [t for t in texts if not re.search(r"[^\W\d_]", t)]  # ticks and bar labels: no letters
    assert numbers and [t for t in numbers if re.search("[0-9]", t)] == []  # written ٠١٢٣…, labels as spelled
    assert any(PRESENTATION_FORMS.search(t) or BASE_LETTERS.search(t) for t in texts)


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_plotly_charts_carry_logical_text_and_a_font_list_for_the_browser(name):
    fig = CHARTS[name](backend="plotly")
    assert not PRESENTATION_FORMS.search(fig.to_json())
    assert fig.layout.font.family.startswith("Noto Sans Arabic")
    assert (fig.layout.title.x, fig.layout.title.xanchor) == (0.98, "right")
    assert fig.layout.yaxis.side == "right"


def test_topic_sizes_lists_topics_largest_first_without_outliers_labels_on_the_right():
    fig = topic_sizes_chart(TOPIC_INFO, title="حجم كل موضوع")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        display_text("التعاون الدفاعي"),
        display_text("زلزال بقوة 5.1 درجة"),
        display_text("فيضانات السيول"),
    ]
    assert [p.get_width() for p in ax.patches] == [21, 14, 5]
    assert ax.yaxis.get_ticks_position() == "right"
    assert ax.xaxis_inverted()  # bars grow leftwards from their labels
    assert fig.get_suptitle() == display_text("حجم كل موضوع")
    assert fig._suptitle.get_horizontalalignment() == "right"


def test_topic_words_has_one_panel_per_topic_from_the_right_with_its_words_in_order():
    fig = topic_words_chart(TOPIC_INFO, n_topics=2, n_words=3)
    panels = [ax for ax in fig.axes if ax.get_visible()]
    # The largest topic's panel is the rightmost.
    assert [ax.get_title(loc="right") for ax in panels] == [
        display_text("زلزال بقوة 5.1 درجة"),
        display_text("التعاون الدفاعي"),
    ]
    assert [t.get_text() for t in panels[1].get_yticklabels()] == [
        display_text(w) for w in ["التعاون", "الدفاعي", "باكستان"]
    ]


def test_stories_per_source_counts_whole_stories_once_and_names_the_missing_source():
    fig = stories_per_source_chart(ARTICLES, backend="plotly")
    assert list(fig.data[0].y) == ["الجزيرة", "BBC عربي", "مصدر غير معروف"]
    assert list(fig.data[0].x) == [2, 2, 1]
    assert list(fig.layout.xaxis.range) == [2 * 1.12, 0]  # reversed: bars grow leftwards
    assert list(stories_per_source_chart(ARTICLES, kinds=None, backend="plotly").data[0].x) == [3, 2, 1]


def test_theme_comparison_is_titled_with_the_themes_it_compares():
    fig = theme_comparison_chart(ATTENTION)
    assert fig.axes[0].get_title(loc="right") == display_text("التعاون الأمني مقابل الكوارث الطبيعية عبر الزمن")


def test_topics_over_time_draws_the_largest_topics_as_percent_lines():
    fig = topics_over_time_chart(OVER_TIME, n_topics=1, backend="plotly")
    assert [(trace.name, list(trace.y)) for trace in fig.data] == [("التعاون الدفاعي", [64.0, 50.0, 40.0])]


def test_theme_comparison_counts_with_arabic_digit_ticks_in_plotly():
    fig = theme_comparison_chart(ATTENTION, value="count", arabic_digits=True, backend="plotly")
    assert [(trace.name, list(trace.y)) for trace in fig.data] == [
        ("التعاون الأمني", [4.0, 3.0, 1.0]),
        ("الكوارث الطبيعية", [1.0, 5.0, 8.0]),
    ]
    assert list(fig.layout.yaxis.ticktext) == ["٠", "٢", "٤", "٦", "٨"]
    assert list(fig.layout.xaxis.ticktext) == ["٢٠٢٤-٠١-٠١", "٢٠٢٤-٠٢-٠١", "٢٠٢٤-٠٣-٠١"]


def test_theme_by_source_has_a_panel_per_theme_with_percent_bar_labels():
    fig = theme_by_source_chart(ATTENTION_BY_SOURCE, backend="plotly")
    assert [list(trace.y) for trace in fig.data] == [["BBC عربي", "الجزيرة"], ["الجزيرة", "BBC عربي"]]
    assert list(fig.data[0].text) == ["30%", "15%"]


def test_the_word_cloud_is_drawn_in_ink_from_the_words():
    fig = word_cloud_chart(WORDS)
    image = fig.axes[0].images[0].get_array()
    assert image.shape == (500, 1000, 3)
    assert (image.min(axis=2) < 128).mean() > 0.02  # words, not an empty canvas
    assert fig.axes[0].get_title(loc="right") == display_text("سحابة الكلمات")


def test_write_gallery_writes_a_png_and_an_html_page_for_each_chart(tmp_path):
    written = write_gallery(
        ARTICLES,
        output_dir=tmp_path,
        topic_info=TOPIC_INFO,
        topics_over_time=OVER_TIME,
        theme_attention=ATTENTION,
        theme_attention_by_source=ATTENTION_BY_SOURCE,
    )
    names = sorted(p.name for p in written)
    charts = ["stories_per_source", "themes_by_source", "themes_over_time", "topic_sizes", "topic_words"]
    charts += ["topics_over_time", "word_cloud"]
    assert names == sorted([f"{c}.png" for c in charts] + [f"{c}.html" for c in charts])
    assert Image.open(tmp_path / "topic_sizes.png").size[0] > 600
    assert (tmp_path / "plotly.min.js").is_file()  # the pages open offline


def test_write_gallery_skips_charts_whose_tables_are_missing(tmp_path):
    written = write_gallery(ARTICLES, output_dir=tmp_path, html=False)
    assert [p.name for p in written] == ["stories_per_source.png"]


# ---- scraped text is shown as written, never read as markup -----------------------------------

HOSTILE = [LINK_PAYLOAD, STYLE_PAYLOAD]
HOSTILE_CHARTS = {
    "topic_words": lambda **kw: topic_words_chart(
        TOPIC_INFO.assign(
            label=["متفرقات", *HOSTILE, "فيضانات السيول"], words=[[*HOSTILE, *w[2:]] for w in TOPIC_INFO["words"]]
        ),
        **kw,
    ),
    "topic_sizes": lambda **kw: topic_sizes_chart(TOPIC_INFO.assign(label=["متفرقات", *HOSTILE, "فيضانات"]), **kw),
    "stories_per_source": lambda **kw: stories_per_source_chart(
        ARTICLES.assign(source=ARTICLES["source"].replace({"الجزيرة": LINK_PAYLOAD, "BBC عربي": STYLE_PAYLOAD})), **kw
    ),
    "theme_by_source": lambda **kw: theme_by_source_chart(ATTENTION_BY_SOURCE.assign(source=HOSTILE * 2), **kw),
    "topics_over_time": lambda **kw: topics_over_time_chart(
        OVER_TIME.assign(topic_label=OVER_TIME["topic"].map({0: LINK_PAYLOAD, 1: STYLE_PAYLOAD, -1: "متفرقات"})), **kw
    ),
    # Theme names come from a user's TOML; periods that are not dates are drawn as text.
    "theme_comparison": lambda **kw: theme_comparison_chart(
        ATTENTION.assign(theme_label=[LINK_PAYLOAD] * 3 + [STYLE_PAYLOAD] * 3, period=["<b>Q1</b>", "Q2", "Q3"] * 2),
        **kw,
    ),
}


def test_plotly_text_escapes_markup_with_references_plotly_decodes():
    assert plotly_text(LINK_PAYLOAD) == "&lt;a href=&#34;https://evil.example/phish&#34;&gt;اضغط هنا&lt;/a&gt;"
    assert plotly_text(STYLE_PAYLOAD) == "&lt;span style=&#34;color:red;font-size:80px&#34;&gt;X&lt;/span&gt;"
    # plotly decodes &amp; but not &quot;; $...$ would be TeX where MathJax is loaded.
    assert plotly_text("US$5 & 'up' &amp;") == "US&#36;5 &amp; &#39;up&#39; &amp;amp;"


@given(st.text())
def test_plotly_text_leaves_no_markup_and_decodes_back_to_the_text(text):
    escaped = plotly_text(text)
    assert not re.search("""[<>"'$]""", escaped)
    # Only &amp; &lt; &gt; and numeric references are made: plotly decodes those as html.unescape does.
    assert html.unescape(escaped) == text


def plotly_strings(fig) -> list[str]:
    """Every string of a plotly figure's data and layout (its template aside): what plotly may show."""
    figure = fig.to_plotly_json()
    found: list[str] = []
    stack = [figure["data"], {key: value for key, value in figure["layout"].items() if key != "template"}]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple | np.ndarray):
            stack.extend(item)
    return found


@pytest.mark.parametrize("name", sorted(HOSTILE_CHARTS))
def test_plotly_charts_carry_scraped_markup_escaped_in_every_label(name):
    strings = plotly_strings(HOSTILE_CHARTS[name](backend="plotly"))
    assert [s for s in strings if re.search("[<>]", s)] == []
    assert plotly_text(LINK_PAYLOAD) in strings and plotly_text(STYLE_PAYLOAD) in strings


@pytest.mark.parametrize("name", sorted(HOSTILE_CHARTS))
def test_matplotlib_charts_draw_scraped_markup_as_written(name):
    texts = drawn_texts(HOSTILE_CHARTS[name]())
    assert display_text(LINK_PAYLOAD) in texts and STYLE_PAYLOAD in texts
    assert [t for t in texts if "&lt;" in t or "&#" in t] == []


def test_matplotlib_draws_dollar_signs_as_written_not_as_mathtext():
    fig = stories_per_source_chart(ARTICLES.assign(source="US$5 to $6"), title="$x$")
    FigureCanvasAgg(fig).draw()
    dollars = [t for t in fig.findobj(Text) if "$" in t.get_text()]
    assert dollars and not [t.get_text() for t in dollars if t.get_parse_math()]


@needs_chromium
def test_scraped_markup_in_plotly_charts_shows_as_text_in_a_browser(tmp_path):
    figures = [chart(backend="plotly") for chart in HOSTILE_CHARTS.values()]
    body = "".join(fig.to_html(full_html=False, include_plotlyjs=n == 0) for n, fig in enumerate(figures))
    page = tmp_path / "charts.html"
    page.write_text(f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>{body}</body></html>')
    dom = parse_page(browser_doms([page], tmp_path / "chromium")[page.name])
    assert len([e for e in dom.elements if e[1].get("class") == "main-svg"]) >= len(figures)  # drawn
    assert dom.injected() == []
    assert {LINK_PAYLOAD, STYLE_PAYLOAD, "<b>Q1</b>"} <= set(dom.svg_texts)


# ---- a chart with nothing to draw says why -----------------------------------------------------

NO_DATES = "no story has a date: attention over time needs dated stories"
ONLY_OUTLIERS = "no topic to show: every document is an outlier (topic -1)"
EMPTY_CHARTS = {
    "topics over time, no dates": (lambda **kw: topics_over_time_chart(OVER_TIME.iloc[:0], **kw), NO_DATES),
    "themes over time, no dates": (lambda **kw: theme_comparison_chart(ATTENTION.iloc[:0], **kw), NO_DATES),
    "themes by source, no sources": (
        lambda **kw: theme_by_source_chart(ATTENTION_BY_SOURCE.iloc[:0], **kw),
        "no story has a source: attention by source needs the outlet of each story",
    ),
    "topic sizes, no topics": (
        lambda **kw: topic_sizes_chart(TOPIC_INFO.iloc[:0], **kw),
        "no topics: the topic model has none",
    ),
    "topic sizes, only outliers": (
        lambda **kw: topic_sizes_chart(TOPIC_INFO[TOPIC_INFO["topic"] == -1], **kw),
        ONLY_OUTLIERS,
    ),
    "topic words, only outliers": (
        lambda **kw: topic_words_chart(TOPIC_INFO[TOPIC_INFO["topic"] == -1], **kw),
        ONLY_OUTLIERS,
    ),
    "topic words, no words": (
        lambda **kw: topic_words_chart(TOPIC_INFO.assign(words=[[]] * 4, weights=[[]] * 4), **kw),
        "no words to show: the topics have no top words",
    ),
    "topics over time, only outliers": (
        lambda **kw: topics_over_time_chart(OVER_TIME[OVER_TIME["topic"] == -1], **kw),
        ONLY_OUTLIERS,
    ),
    "topics over time, topics not in the table": (
        lambda **kw: topics_over_time_chart(OVER_TIME, topics=[7, 8], **kw),
        "none of the chosen topics is in the table: 7, 8",
    ),
    "themes over time, themes not in the table": (
        lambda **kw: theme_comparison_chart(ATTENTION, themes=["elections"], **kw),
        "none of the chosen themes is in the table: elections",
    ),
    "stories per source, no stories": (
        lambda **kw: stories_per_source_chart(ARTICLES.iloc[:0], **kw),
        "no story to count",
    ),
    "stories per source, only headlines": (
        lambda **kw: stories_per_source_chart(ARTICLES[ARTICLES["kind"] == "headline"], **kw),
        "no story of kind article or embedded to count",
    ),
    "word cloud, no words": (
        lambda **kw: word_cloud_chart(WORDS.iloc[:0], **kw),
        "no words to draw: no word has a weight above zero",
    ),
}


@pytest.mark.parametrize("name", sorted(EMPTY_CHARTS))
def test_a_chart_with_nothing_to_draw_says_why_in_matplotlib_and_plotly_alike(name):
    chart, message = EMPTY_CHARTS[name]
    static, interactive = chart(), chart(backend="plotly")
    assert static.axes == []  # no empty axes to puzzle over
    assert [t.get_text() for t in static.texts][1:] == [message]  # after the title
    assert [note.text for note in interactive.layout.annotations] == [message]
    assert static.texts[0].get_text() and interactive.layout.title.text  # the title stays


def test_an_empty_theme_comparison_is_titled_themes_over_time():
    fig = theme_comparison_chart(ATTENTION.iloc[:0], backend="plotly")
    assert fig.layout.title.text == "المحاور عبر الزمن"


def test_write_gallery_writes_charts_with_nothing_to_draw_saying_why(tmp_path):
    written = write_gallery(
        ARTICLES, output_dir=tmp_path, topics_over_time=OVER_TIME.iloc[:0], theme_attention=ATTENTION.iloc[:0]
    )
    assert sorted(p.name for p in written if p.suffix == ".png") == [
        "stories_per_source.png",
        "themes_over_time.png",
        "topics_over_time.png",
    ]
    assert NO_DATES in (tmp_path / "topics_over_time.html").read_text(encoding="utf-8")


def test_a_chart_given_the_wrong_table_says_which_table_it_needs() -> None:
    doc_topics = pd.DataFrame({"article_id": ["a"], "paragraph": [0], "topic": [0], "topic_label": ["زلزال"]})
    with pytest.raises(InputError, match=r"^topic_info \(model\.topic_info_\): missing column\(s\) label, words"):
        topic_words_chart(doc_topics)
    with pytest.raises(InputError, match=r"^articles: expected a DataFrame, got the str 'data/raw': load it first"):
        stories_per_source_chart("data/raw")


def _weekly_attention() -> pd.DataFrame:
    """Four weeks of attention, the third without stories and the fourth with only 3, as theme_attention gives it."""
    periods = pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-22"], utc=True)
    table = pd.DataFrame(
        {
            "period": periods,
            "theme": "natural_disasters",
            "theme_label": "الكوارث الطبيعية",
            "n_stories": [4, 10, 2],
            "n_total": [40, 50, 3],
            "share": [0.1, 0.2, 2 / 3],
        }
    )
    table.attrs.update(undated=2, stray=1, freq="W")
    return table


def test_time_lines_break_at_empty_periods_and_leave_out_shares_of_few_stories() -> None:
    fig = theme_comparison_chart(_weekly_attention(), backend="plotly")
    (trace,) = fig.data
    assert [str(x)[:10] for x in trace.x] == ["2024-01-01", "2024-01-08", "2024-01-15", "2024-01-22"]
    assert [None if np.isnan(y) else y for y in trace.y] == [10.0, 20.0, None, None]  # no story; 3 stories
    assert fig.layout.annotations[0].text == (
        "Not drawn: 1 period with fewer than 10 stories; 1 stray story far from the other dates; 2 undated stories"
    )


def test_time_lines_in_matplotlib_say_what_they_leave_out() -> None:
    fig = theme_comparison_chart(_weekly_attention(), min_stories=2)
    line = fig.axes[0].get_lines()[0]
    assert np.isnan(line.get_ydata()).tolist() == [False, False, True, False]
    assert [t.get_text() for t in fig.texts] == ["Not drawn: 1 stray story far from the other dates; 2 undated stories"]


def test_topics_over_time_count_documents_whatever_the_unit() -> None:
    # A topic model's documents are stories or paragraphs: the axis says documents, not stories.
    over_time = pd.DataFrame({"period": pd.to_datetime(["2024-01-01"]), "topic": 0, "topic_label": "زلزال",
                              "n": [12], "n_total": [12], "share": [1.0]})  # fmt: skip
    assert topics_over_time_chart(over_time, backend="plotly").layout.yaxis.title.text == "النسبة من الوثائق"
    assert topics_over_time_chart(over_time, value="count", backend="plotly").layout.yaxis.title.text == "عدد الوثائق"

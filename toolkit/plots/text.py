"""What each renderer needs to draw Arabic correctly: `display_text`.

A renderer that shapes (joins letters into their contextual forms and lays
right-to-left runs out right to left) wants the logical string, as stored. A
renderer that does not shape draws code points one by one, left to right, so it
needs the string already reshaped into presentation forms and reordered into
visual order. Giving either the other's string draws broken, reversed Arabic.

Plotly also reads its labels as markup, so scraped text bound for plotly goes
through `plotly_text` as well: it must show as written, never as a link or a style.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

import arabic_reshaper
from bidi import get_display

__all__ = ["RENDERERS", "display_text", "plotly_text"]

Renderer = Literal["matplotlib", "pillow", "plotly", "browser", "basic"]
RENDERERS: tuple[str, ...] = ("matplotlib", "pillow", "plotly", "browser", "basic")

_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
# A full stop or comma between two digits is a decimal or thousands separator.
_SEPARATOR = re.compile(r"(?<=\d)[.,](?=\d)")
_ARABIC_SEPARATORS = {".": "\u066b", ",": "\u066c"}

# What plotly.js reads as markup in a label (svg_text_utils): the tags <a href>, <span style>, <b>, <i>,
# <em>, <s>, <u>, <sup>, <sub>, <br>; entities (it decodes &amp; &lt; &gt; &nbsp; and numeric ones, but
# not &quot;, so quotes take numeric references); and, where MathJax is loaded, $...$ as TeX.
_PLOTLY_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;", "$": "&#36;"})


def display_text(text: str, renderer: Renderer = "matplotlib", *, arabic_digits: bool = False) -> str:
    """The string to hand to ``renderer`` so that ``text`` (logical order) is drawn correctly.

    Decision table (each capability is detected once per process, then cached):

    - ``"matplotlib"``: logical text when Agg's layout shapes, i.e. draws lam + alef
      as one ligature narrower than the two letters (a probe with the bundled
      DejaVu Sans, not a version check; true from 3.11, which lays text out with
      libraqm); otherwise reshaped and bidi-reordered text (before 3.11).
    - ``"pillow"``: logical text when ``PIL.features.check("raqm")`` (Pillow's
      default layout is then raqm: HarfBuzz + FriBiDi); otherwise reshaped and
      reordered.
    - ``"plotly"``, ``"browser"``: logical text, always (browsers shape).
    - ``"basic"``: reshaped and reordered, always: any backend that draws code
      points left to right, such as Pillow's ``Layout.BASIC``.

    Mixed text keeps Latin words and numbers left to right inside the
    right-to-left line. ``arabic_digits=True`` first writes ASCII digits as
    Arabic-Indic digits (and a separator between digits as ٫ or ٬). Each line
    of a multi-line label is handled on its own.

    >>> display_text("زلزال بقوة 5.1 درجة", "plotly", arabic_digits=True)
    'زلزال بقوة ٥٫١ درجة'
    >>> display_text("BBC عربي", "basic")
    'BBC ﻲﺑﺮﻋ'
    """
    if renderer not in RENDERERS:
        raise ValueError(f"renderer must be one of {', '.join(RENDERERS)}, not {renderer!r}")
    if arabic_digits:
        text = _SEPARATOR.sub(lambda m: _ARABIC_SEPARATORS[m.group()], text).translate(_INDIC)
    if _shapes(renderer):
        return text
    return "\n".join(get_display(arabic_reshaper.reshape(line)) for line in text.split("\n"))


def plotly_text(text: str) -> str:
    """``text`` as plotly must receive it to show it as written: every character plotly reads as markup escaped.

    For every string a plotly figure shows (titles, axis and tick labels, category values, trace names,
    bar text, hover text, annotations): without it a scraped outlet named ``<a href=...>`` becomes a live
    link and ``<span style=...>`` restyles the chart. Plotly decodes the references back, so the reader
    sees the original characters. Not for matplotlib or Pillow, which draw the references literally.

    >>> plotly_text('<a href="https://evil.example">اضغط هنا</a>')
    '&lt;a href=&#34;https://evil.example&#34;&gt;اضغط هنا&lt;/a&gt;'
    >>> plotly_text("BBC عربي")
    'BBC عربي'
    """
    return text.translate(_PLOTLY_ESCAPES)


def _shapes(renderer: str) -> bool:
    if renderer in ("plotly", "browser"):
        return True
    if renderer == "basic":
        return False
    if renderer == "pillow":
        return _pillow_shapes()
    return _matplotlib_shapes()


@lru_cache(maxsize=1)
def _pillow_shapes() -> bool:
    from PIL import features

    return bool(features.check("raqm"))


@lru_cache(maxsize=1)
def _matplotlib_shapes() -> bool:
    # A shaping layout joins lam + alef into the lam-alef ligature, about 60 % of the
    # two isolated letters' width (DejaVu Sans at 40 px: 23 vs 40 without shaping).
    import matplotlib
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    dejavu = Path(matplotlib.get_data_path(), "fonts", "ttf", "DejaVuSans.ttf")
    font = FontProperties(fname=dejavu, size=40)
    agg = RendererAgg(64, 64, 72)

    def width(s: str) -> float:
        return agg.get_text_width_height_descent(s, font, ismath=False)[0]

    return width("لا") < 0.8 * (width("ل") + width("ا"))

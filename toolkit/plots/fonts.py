"""An Arabic-capable font for the charts, found without any download.

Order: the pip font package ``fontpkg-noto-sans-arabic`` (a dependency), then
the system's Noto Sans Arabic, Noto Naskh Arabic or Amiri, then DejaVu Sans,
which matplotlib ships and which covers Arabic.
"""

from __future__ import annotations

import dataclasses
import json
import re
import warnings
from functools import cache, lru_cache
from pathlib import Path

import matplotlib
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

__all__ = ["BROWSER_FONTS", "arabic_font"]

# Browsers shape Arabic themselves; they only need a family that has the glyphs.
BROWSER_FONTS = "Noto Sans Arabic, Noto Naskh Arabic, Amiri, Tahoma, sans-serif"

_SYSTEM_FAMILIES = ("Noto Sans Arabic", "Noto Naskh Arabic", "Amiri")
_WORD = re.compile(r"[^\W_]+")
# The 28 letters plus the hamza forms and teh marbuta every news text uses.
_ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءأإآؤئةى"


def arabic_font(path: str | Path | None = None) -> Path:
    """The font file charts draw Arabic with, registered with matplotlib.

    Without ``path`` the first of: the ``fontpkg-noto-sans-arabic`` package's
    Noto Sans Arabic, a system Noto Sans Arabic / Noto Naskh Arabic / Amiri,
    matplotlib's DejaVu Sans. With ``path``, that file. Warns (UserWarning)
    when the font lacks Arabic letters: such a font draws boxes.

    >>> arabic_font().suffix
    '.ttf'
    """
    chosen = Path(path) if path is not None else _default_font()
    missing = _missing_letters(chosen)
    if missing:
        warnings.warn(
            f"font {chosen} has no glyphs for the Arabic letters {missing}: Arabic text will show as boxes; "
            "install fontpkg-noto-sans-arabic or a Noto Arabic / Amiri font",
            UserWarning,
            stacklevel=2,
        )
    return chosen


def font_family(path: Path) -> str:
    """Register the file ``path`` with matplotlib under a family name of its own, and return that name.

    A family name of its own, because a system may hold another file with the
    same family name (Debian's Noto Sans Arabic has no Latin letters), and
    matplotlib would be free to draw with either.

    >>> font_family(arabic_font())
    'Noto Sans Arabic (NotoSansArabic wdth wght)'
    """
    return _register(path.resolve())


@cache
def _register(path: Path) -> str:
    entry = font_manager.ttfFontProperty(FT2Font(str(path)))
    name = f"{entry.name} ({' '.join(_WORD.findall(path.stem))})"
    font_manager.fontManager.ttflist.append(dataclasses.replace(entry, name=name))
    return name


@lru_cache(maxsize=1)
def _default_font() -> Path:
    return _package_font() or _system_font() or Path(matplotlib.get_data_path(), "fonts", "ttf", "DejaVuSans.ttf")


def _package_font() -> Path | None:
    try:
        import fontpkg_noto_sans_arabic as package
    except ImportError:
        return None
    # metadata.json is the package's own list of its files (fontpkg's format).
    meta = json.loads((package.ROOT / "metadata.json").read_text(encoding="utf-8"))
    path = package.ROOT / meta["files"][0]["path"]
    return path if path.is_file() else None


def _system_font() -> Path | None:
    for family in _SYSTEM_FAMILIES:
        try:
            found = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        except ValueError:
            continue
        return Path(found)
    return None


@cache
def _missing_letters(path: Path) -> str:
    charmap = FT2Font(str(path)).get_charmap()
    return "".join(c for c in _ARABIC_LETTERS if ord(c) not in charmap)

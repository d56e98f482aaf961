"""Shared fixtures: the repository's own sample, where present the shared corpora, and pages as Chromium shows them."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEED_PAGE = REPO / "data" / "raw" / "000_6115d0bf09f38642.txt"


def corpora_dir() -> Path:
    """Where the shared corpora live: $TOOLKIT_CORPORA, else ../shared/corpora beside the clone."""
    return Path(os.environ.get("TOOLKIT_CORPORA", REPO.parent / "shared" / "corpora"))


@pytest.fixture(scope="session")
def corpora() -> Path:
    """The shared corpora folder; tests that need it skip, with the reason, where it is absent."""
    path = corpora_dir()
    if not (path / "README.md").is_file():
        pytest.skip(f"shared corpora not found at {path} (set TOOLKIT_CORPORA to run these tests)")
    return path


@pytest.fixture(scope="session")
def seed_page() -> Path:
    return SEED_PAGE


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory):
    """Keep the embedding cache of test runs (and of the notebooks they execute) out of the user's cache."""
    patch = pytest.MonkeyPatch()
    patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    yield
    patch.undo()


# Scraped names that plotly would turn into a live link and a restyled label if it read them as markup.
LINK_PAYLOAD = '<a href="https://evil.example/phish">اضغط هنا</a>'
STYLE_PAYLOAD = '<span style="color:red;font-size:80px">X</span>'

# Headless Chromium as this machine runs it: no sandbox as root, no background network connections.
CHROMIUM = [
    "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--virtual-time-budget=5000",
]  # fmt: skip
needs_chromium = pytest.mark.skipif(
    shutil.which("chromium") is None, reason="headless Chromium not installed (apt-get install chromium)"
)


def browser_doms(pages: Iterable[Path], profiles: Path) -> dict[str, str]:
    """Each page's DOM once its scripts have run in headless Chromium, by file name; the browsers run side by side."""
    browsers = {
        page.name: subprocess.Popen(
            [*CHROMIUM, f"--user-data-dir={profiles / page.stem}", "--dump-dom", page.as_uri()],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for page in pages
    }
    return {name: browser.communicate(timeout=120)[0] for name, browser in browsers.items()}


class PageElements(HTMLParser):
    """Every element of a page (tag, attributes), the text of its scripts, and each SVG ``<text>``'s text.

    Plotly draws every label, title and legend entry as an SVG ``<text>``: its text is what a reader sees.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.svg_texts: list[str] = []
        self._open: str | None = None  # "script" or "text" while inside one (neither nests)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag in ("script", "text"):
            self._open = tag
            (self.scripts if tag == "script" else self.svg_texts).append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            (self.scripts if self._open == "script" else self.svg_texts)[-1] += data

    def injected(self) -> list[tuple[str, dict[str, str | None]]]:
        """The elements `LINK_PAYLOAD` and `STYLE_PAYLOAD` would make if a page read them as markup."""
        return [
            (tag, attrs)
            for tag, attrs in self.elements
            if any(name.endswith("href") and "evil.example" in (value or "") for name, value in attrs.items())
            or "font-size:80px" in (attrs.get("style") or "").replace(" ", "")
        ]


def parse_page(page: str) -> PageElements:
    parser = PageElements()
    parser.feed(page)
    return parser

"""A page split by the boilerplate rules into its story, embedded stories and headlines, and the rows they give.

The text steps run on a batch of records at once (`_stories_rows`): canonical letters, paragraphs normalised and
hashed, repeated paragraphs dropped (`toolkit.duplicates`).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from toolkit.arabic import Paragraphs, canonical_letters_many, normalised_paragraphs
from toolkit.duplicates import StoryWords, distinct_paragraphs
from toolkit.load.fields import _Record, _split_tags
from toolkit.load.rules import BoilerplateRules, _Rule


@dataclass
class _Page:
    """A page split by the boilerplate rules: canonical text, a paragraph a line (blank lines aside)."""

    story: str = ""
    source: str | None = None
    tags: list[str] = field(default_factory=list)
    embedded: list[tuple[str, str]] = field(default_factory=list)  # title, text
    headlines: list[str] = field(default_factory=list)


def _split_page(text: str, rules: BoilerplateRules, markers: bool) -> _Page:
    """``markers``: has the page a line that a rule may match (`BoilerplateRules.with_markers`)?"""
    if not markers:
        return _Page(story=text)
    # Only the lines that some rule may match (or that start with a bullet) need a closer look: one search
    # finds them. (Lines of canonical text are stripped: only a bullet line changes when bullets go.)
    candidates = (found.start() + 1 for found in rules.candidate_break.finditer(text))
    candidate, at = 0 if rules.candidate_line.match(text) else next(candidates, -1), 0
    lines: list[str] = []
    looked_at: list[int] = []  # the candidates' places in lines
    for line in text.split("\n"):
        at, start = at + len(line) + 1, at
        if start == candidate:
            candidate = next(candidates, -1)
            line = line.lstrip(rules.bullets + " ")
            if line:
                looked_at.append(len(lines))
        if line:
            lines.append(line)
    marks: list[tuple[_Rule, str] | None] = [None] * len(lines)
    for i in looked_at:
        marks[i] = rules.classify(lines[i], last=i == len(lines) - 1)
    return _PageReader(lines, marks, int(rules.paragraphs.get("headline_max_words", 20))).read()


@dataclass
class _PageReader:
    """Walks a page's lines once, sending each to the story, a field, a block or the bin."""

    lines: list[str]
    marks: list[tuple[_Rule, str] | None]
    headline_max_words: int
    page: _Page = field(default_factory=_Page)
    story: list[str] = field(default_factory=list)
    position: int = 0
    story_ended: bool = False  # a source, tag, trailer or related line came: what follows is not the story

    def read(self) -> _Page:
        while self.position < len(self.lines):
            mark = self.marks[self.position]
            self.position += 1
            if mark is None:
                self.story.append(self.lines[self.position - 1])
            else:
                self._act(*mark)
        self.page.story = "\n".join(self.story)
        return self.page

    def _act(self, rule: _Rule, value: str) -> None:
        if rule.action == "source":
            self.page.source = self.page.source or value or None
        elif rule.action == "tags":
            self.page.tags.extend(_split_tags(value))
        elif rule.action == "end":
            self._unmarked_lines()  # the trailer's time code and the like
        elif rule.action == "related":
            self.page.headlines.extend([value] if value else [])
            self.page.headlines.extend(self._headline_lines())
        elif rule.action == "embedded":
            self._read_also(value)
        if rule.action != "drop" and rule.action != "embedded":
            self.story_ended = True

    def _read_also(self, value: str) -> None:
        if not self.story_ended:
            # Links inside the story: the linked headlines, then the story goes on.
            self.page.headlines.extend([value] if value else self._headline_lines())
            return
        block = ([value] if value else []) + self._unmarked_lines()
        if len(block) > 1:
            self.page.embedded.append((block[0], "\n".join(block[1:])))
        else:
            self.page.headlines.extend(block)

    def _unmarked_lines(self) -> list[str]:
        start = self.position
        while self.position < len(self.lines) and self.marks[self.position] is None:
            self.position += 1
        return self.lines[start : self.position]

    def _headline_lines(self) -> list[str]:
        start = self.position
        while (
            self.position < len(self.lines)
            and self.marks[self.position] is None
            and _is_headline(self.lines[self.position], self.headline_max_words)
        ):
            self.position += 1
        return self.lines[start : self.position]


def _is_headline(line: str, max_words: int) -> bool:
    # A story sentence ends with a full stop or introduces what follows; a headline rarely does.
    return len(line.split()) <= max_words and not line.rstrip().endswith((".", ":", "؛"))


def _stories_rows(
    records: list[_Record], rules: BoilerplateRules
) -> tuple[list[dict[str, Any]], list[tuple[str, str]], StoryWords, _Texts]:
    """The rows of some pages or export records (each: its story, embedded stories, headlines), the
    records that give none, the words of the story rows (for finding duplicates) and the rows' texts. The
    text steps run on all records at once."""
    texts = canonical_letters_many([html.unescape(record.text) for record in records])
    pages = [_split_page(text, rules, markers) for text, markers in zip(texts, rules.with_markers(texts), strict=True)]
    # Blocks of paragraphs, normalised and hashed together: each page's story, then for each embedded
    # story its title (which stands for the story when it has no text left) and its text; then the pages'
    # headlines, a block each.
    blocks = [block for page in pages for block in (page.story, *(b for pair in page.embedded for b in pair))]
    paragraphs = normalised_paragraphs(blocks + [headline for page in pages for headline in page.headlines])
    words = StoryWords.of(paragraphs)
    kept = distinct_paragraphs(paragraphs, repeats=rules.paragraph_repeats, words=words)
    titles = canonical_letters_many([record.title or "" for record in records])
    record_titles = [title if record.title else None for record, title in zip(records, titles, strict=True)]
    first = paragraphs.first.tolist()
    rows: list[dict[str, Any]] = []
    rejected: list[tuple[str, str]] = []
    story_blocks: list[int] = []  # the block of each story row
    pieces: list[int] = []  # the paragraphs of each row, one row after the other
    bounds = [0]  # where each row's paragraphs end in pieces
    block, headline = 0, len(blocks)
    for record, page, title in zip(records, pages, record_titles, strict=True):
        here, block = block, block + 1 + 2 * len(page.embedded)
        headlines, headline = range(headline, headline + len(page.headlines)), headline + len(page.headlines)
        if not kept[here]:
            rejected.append((record.origin, "no story text left after removing boilerplate"))
            continue
        # An embedded story with no text left is its title (all its lines, when none is kept).
        for b in [here] + [b + 1 if kept[b + 1] else b for b in range(here + 1, block, 2)]:
            kept[b] = kept[b] or list(range(first[b + 1] - first[b]))
            story_blocks.append(b)
            pieces.extend([first[b] + i for i in kept[b]])
            bounds.append(len(pieces))
        for b in headlines:
            pieces.append(first[b])
            bounds.append(len(pieces))
        rows.extend(_record_rows(record, page, title))
    row_texts = _Texts.of(paragraphs, np.array(pieces, dtype=np.int64), np.array(bounds, dtype=np.int64))
    return rows, rejected, words.kept(kept, story_blocks), row_texts


@dataclass(frozen=True)
class _Texts:
    """The ``text``, ``text_norm`` and ``n_words`` columns of some rows."""

    text: pa.Array
    text_norm: pa.Array
    n_words: np.ndarray

    @classmethod
    def of(cls, paragraphs: Paragraphs, pieces: np.ndarray, bounds: np.ndarray) -> _Texts:
        """Row r: paragraphs ``pieces[bounds[r]:bounds[r + 1]]``, a blank line apart (Arrow strings written
        from the paragraphs' arrays: no Python string per row)."""
        total = np.concatenate(([0], np.cumsum(paragraphs.words.counts[pieces])))
        return cls(
            _arrow_strings(*paragraphs.utf8_joined(pieces, bounds, normalised=False)),
            _arrow_strings(*paragraphs.utf8_joined(pieces, bounds, normalised=True)),
            total[bounds[1:]] - total[bounds[:-1]],
        )

    def sliced(self, start: int, stop: int) -> _Texts:
        """Rows ``start`` to ``stop`` (not included)."""
        return _Texts(
            self.text.slice(start, stop - start), self.text_norm.slice(start, stop - start), self.n_words[start:stop]
        )

    @classmethod
    def joined(cls, parts: Sequence[_Texts]) -> _Texts:
        return cls(
            pa.concat_arrays([part.text for part in parts]),
            pa.concat_arrays([part.text_norm for part in parts]),
            np.concatenate([part.n_words for part in parts]),
        )


def _arrow_strings(data: np.ndarray, offsets: np.ndarray) -> pa.Array:
    """An Arrow large_string array from its buffers: UTF-8 bytes and each string's offset into them."""
    return pa.LargeStringArray.from_buffers(len(offsets) - 1, pa.py_buffer(offsets), pa.py_buffer(data))


def _record_rows(record: _Record, page: _Page, title: str | None) -> list[dict[str, Any]]:
    """The rows of one page or export record but their texts: its story, then embedded stories, then
    headlines (an embedded story with no text left is its title: a headline that came with a story's block)."""
    article_id, source, origin = record.article_id, record.source or page.source, record.origin
    tags = record.tags + [tag for tag in page.tags if tag not in record.tags] if page.tags else record.tags
    rows = [_row(article_id, "article", None, title, source, origin, record, tags)]
    for number, (title, _) in enumerate(page.embedded, start=1):
        rows.append(_row(f"{article_id}#e{number}", "embedded", article_id, title, source, origin))
    for number, headline in enumerate(page.headlines, start=1):
        rows.append(_row(f"{article_id}#h{number}", "headline", article_id, headline, source, origin))
    return rows


def _row(
    article_id: str,
    kind: str,
    parent_id: str | None,
    title: str | None,
    source: str | None,
    origin: str,
    record: _Record | None = None,
    tags: list[str] | None = None,
) -> dict[str, Any]:
    """A row; ``record`` and ``tags`` for a page's own story, which has the record's date, url and category."""
    return {
        "article_id": article_id,
        "kind": kind,
        "parent_id": parent_id,
        "title": title,
        "source": source,
        "published_at": record and record.published,
        "url": record and record.url,
        "tags": tags or [],
        "category": record and record.category,
        "origin": origin,
    }

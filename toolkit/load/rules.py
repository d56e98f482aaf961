"""The boilerplate rules: ``toolkit/data/boilerplate.toml``, extended by a user's file, compiled (`boilerplate_rules`).

A rule tells a line that is not story (an ad marker, a source or tag line, an agency trailer, a "read also" block)
and what to do with it; `toolkit.load.pages` splits the pages by them.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from toolkit.arabic import normalise
from toolkit.duplicates import ParagraphRepeats, StoryDuplicates
from toolkit.errors import InputError


@dataclass(frozen=True)
class _Rule:
    name: str
    action: str
    line: re.Pattern[str]  # the whole line; group "value" is the rest of a "start" line
    max_words: int | None
    last_line: bool
    phrases: tuple[str, ...] = ()  # a phrase rule's phrases: every line it matches starts with one (decoration aside)


@dataclass(frozen=True)
class BoilerplateRules:
    """The boilerplate table, compiled: made by `boilerplate_rules`, used by `load_articles`."""

    rules: tuple[_Rule, ...]
    bullets: str
    paragraphs: Mapping[str, float]
    stories: Mapping[str, float]
    time_zones: Mapping[str, str]
    # A line that some rule may match, or starts with a bullet: the rest of a text needs no rule work.
    candidate_line: re.Pattern[str] = field(repr=False)
    # A line break before such a line (the line itself not taken: lines next to each other are found one
    # by one): a search finds it with a fast scan for "\n".
    candidate_break: re.Pattern[str] = field(repr=False)

    @property
    def names(self) -> list[str]:
        """Rule names in the order they are tried."""
        return [rule.name for rule in self.rules]

    @property
    def paragraph_repeats(self) -> ParagraphRepeats:
        """When a paragraph repeats an earlier one of its story (``[paragraphs]``)."""
        # (The built-in table has every key: a user's file only overrides them.)
        return ParagraphRepeats(
            min_words=int(self.paragraphs["near_duplicate_min_words"]),
            containment=float(self.paragraphs["near_duplicate_containment"]),
            jaccard=float(self.paragraphs["near_duplicate_jaccard"]),
        )

    @property
    def story_duplicates(self) -> StoryDuplicates:
        """When a story repeats an earlier one (``[stories]``)."""
        return StoryDuplicates(
            min_words=int(self.stories["near_duplicate_min_words"]),
            jaccard=float(self.stories["near_duplicate_jaccard"]),
        )

    def with_markers(self, texts: Sequence[str]) -> list[bool]:
        """Per text: has it a line that some rule may match? (The others are all story.)"""
        # The first line, then any line after a line break (a fast scan for "\n" finds those).
        return [bool(self.candidate_line.match(text) or self.candidate_break.search(text)) for text in texts]

    def classify(self, line: str, *, last: bool) -> tuple[_Rule, str] | None:
        """The first rule that matches ``line`` and the line's value, or None for a story line."""
        if not self.candidate_line.match(line):
            return None
        for rule in self.rules:
            found = rule.line.fullmatch(line)
            if found is None or (rule.last_line and not last):
                continue
            value = (found.groupdict().get("value") or "").strip(_VALUE_TRIM)
            if rule.max_words is None or len(value.split()) <= rule.max_words:
                return rule, value
        return None


_ACTIONS = ("drop", "source", "tags", "end", "embedded", "related")
# Stripped from both ends of a marker's value (not quotes or brackets, which may be part of it).
_VALUE_TRIM = " \t:：-–—،,.؛;/|"
# Decoration allowed before a marker («// انتهى //», «-- المصدر»), but not an opening bracket or quote.
_DECORATION = r"[^\w\n(\[{«\"“'‘]*"
_SEPARATOR = r"\s*[:：\-–—،,]+\s*"


def boilerplate_rules(path: str | Path | None = None) -> BoilerplateRules:
    """Read the boilerplate table: the built-in ``toolkit/data/boilerplate.toml``, extended by ``path``.

    In the user's file (same layout) a ``[[rule]]`` with a built-in rule's name replaces it
    (``enabled = false`` switches it off), a new name is added after the built-in rules, and keys of
    ``[paragraphs]``, ``[stories]`` and ``[time_zones]`` override the built-in ones.

    >>> rules = boilerplate_rules()
    >>> rules.names[:3]
    ['source line', 'reprinted from', 'tag line']
    >>> rule, value = rules.classify("المصدر: الجزيرة", last=False)
    >>> rule.action, value
    ('source', 'الجزيرة')
    >>> rules.classify("إعلان", last=False)[0].name
    'advertisement marker'
    >>> rules.classify("إعلان وزارة الدفاع عن صفقة جديدة", last=False) is None
    True
    """
    return _compiled_rules(None if path is None else str(Path(path).resolve()))


@lru_cache(maxsize=8)
def _compiled_rules(path: str | None) -> BoilerplateRules:
    table = tomllib.loads(resources.files("toolkit.data").joinpath("boilerplate.toml").read_text(encoding="utf-8"))
    if path is not None:
        try:
            user = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
            raise InputError(path, f"cannot read the boilerplate rules ({err})") from err
        table = _merge_tables(table, user)
    source = path or "toolkit/data/boilerplate.toml"
    rules = tuple(_compile_rule(entry, source) for entry in table.get("rule", []) if entry.get("enabled", True))
    bullets = table.get("bullets", "")
    # Candidate lines: a phrase after decoration, a pattern rule's line, or a bullet.
    phrases = [_phrase_parts(phrase) for rule in rules for phrase in rule.phrases]
    alternatives = [_DECORATION + _starts_pattern(phrases)] if phrases else []
    # (Case is ignored only for the phrases' Latin letters and inside the pattern rules: a case-blind regex
    # tests every Arabic letter for case, several times slower.)
    alternatives += [
        "(?i:" + rule.line.pattern.replace("(?P<value>", "(?:") + ")$" for rule in rules if not rule.phrases
    ]
    if bullets:
        alternatives.append(f"[{re.escape(bullets)}]")
    return BoilerplateRules(
        rules=rules,
        bullets=bullets,
        paragraphs=MappingProxyType(dict(table.get("paragraphs", {}))),
        stories=MappingProxyType(dict(table.get("stories", {}))),
        time_zones=MappingProxyType(dict(table.get("time_zones", {}))),
        candidate_line=re.compile("^(?:" + "|".join(alternatives or ["(?!)"]) + ")", re.MULTILINE),
        candidate_break=re.compile("\n(?=" + "|".join(alternatives or ["(?!)"]) + ")", re.MULTILINE),
    )


def _merge_tables(base: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
    merged = {**base, **{k: v for k, v in user.items() if k not in ("rule", "paragraphs", "stories", "time_zones")}}
    for section in ("paragraphs", "stories", "time_zones"):
        merged[section] = {**base.get(section, {}), **user.get(section, {})}
    by_name = {entry["name"]: entry for entry in base.get("rule", [])}
    for entry in user.get("rule", []):
        by_name[entry.get("name", f"rule {len(by_name) + 1}")] = entry
    merged["rule"] = list(by_name.values())
    return merged


def _compile_rule(entry: Mapping[str, Any], source: str) -> _Rule:
    name = entry.get("name", "?")
    action, match = entry.get("action"), entry.get("match", "line")
    if action not in _ACTIONS or match not in ("line", "start") or ("phrases" in entry) == ("pattern" in entry):
        raise InputError(
            source,
            f"rule {name!r}: needs action ({', '.join(_ACTIONS)}), match (line or start) and phrases or a pattern",
        )
    if "pattern" in entry:
        body = f"(?:{entry['pattern']})"
    else:
        phrases = "|".join(_phrase_pattern(p) for p in entry["phrases"])
        if match == "line":
            body = rf"{_DECORATION}(?:{phrases})[^\w\n]*"
        elif entry.get("separator", False):
            body = rf"{_DECORATION}(?:{phrases}){_SEPARATOR}(?P<value>.*)"
        else:
            # Not the start of a longer word («سمات» is not «سماته»).
            body = rf"{_DECORATION}(?:{phrases})(?![^\W_])[^\w\n]*?(?P<value>.*)"
    try:
        # A phrase's letters that have case match in either case already (`_phrase_parts`): a case-blind
        # regex would test every Arabic letter for case too, several times slower.
        line = re.compile(body, re.IGNORECASE if "pattern" in entry else 0)
    except re.error as err:
        raise InputError(source, f"rule {name!r}: bad pattern ({err})") from err
    return _Rule(
        name, action, line, entry.get("max_words"), bool(entry.get("last_line", False)), tuple(entry.get("phrases", ()))
    )


def _phrase_pattern(phrase: str) -> str:
    """A regex finding ``phrase`` in canonical text however it is spelled, by `normalise`'s folds."""
    return "".join(_phrase_parts(phrase))


def _starts_pattern(phrases: list[list[str]]) -> str:
    """A regex matching text that starts with one of the phrases (each a list of parts), as a trie: a line is
    tried against the phrases sharing its first letters only, not against every phrase."""
    if any(not parts for parts in phrases):
        return ""  # a phrase ends here: enough for a start
    following: dict[str, list[list[str]]] = {}
    for first, *rest in phrases:
        following.setdefault(first, []).append(rest)
    return "(?:" + "|".join(first + _starts_pattern(rest) for first, rest in following.items()) + ")"


def _phrase_parts(phrase: str) -> list[str]:
    """`_phrase_pattern`, a part per letter (a letter with case in any case)."""
    variants, ignorable = _spelling_variants()
    return [
        r"\s+"
        if char.isspace()
        else variants.get(char, f"(?i:{re.escape(char)})" if char.lower() != char.upper() else re.escape(char))
        + ignorable
        for char in normalise(phrase)
    ]


@lru_cache(maxsize=1)
def _spelling_variants() -> tuple[dict[str, str], str]:
    # Derived from normalise itself (not a second normaliser): which Arabic code points it folds together,
    # and which it removes (diacritics, tatweel).
    groups: dict[str, set[str]] = {}
    for code in range(0x0600, 0x0700):
        char = chr(code)
        groups.setdefault(normalise(char), set()).add(char)
    ignorable = "[" + "".join(sorted(groups.pop("", set()))) + "]*"
    variants = {
        folded: "[" + re.escape("".join(sorted(chars | {folded}))) + "]"
        for folded, chars in groups.items()
        if len(folded) == 1 and chars - {folded}
    }
    return variants, ignorable

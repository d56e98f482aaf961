"""Repeated paragraphs and duplicate stories: what goes, what stays, and that hashing once changes nothing."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.arabic import normalise, tokenize
from toolkit.duplicates import (
    ParagraphRepeats,
    StoryDuplicates,
    StoryWords,
    _near_repeat_suspects,
    distinct_paragraphs,
    duplicate_stories,
)

# A wire story about an earthquake, written for these tests (normalised, as the load stage passes it).
LEDE = normalise("ضرب زلزال بقوة 5.1 درجة مدينة بشاور شمال غرب باكستان صباح اليوم الأحد.")
QUAKE = normalise(
    "وقالت هيئة الأرصاد الجوية الباكستانية إن الزلزال ضرب على عمق عشرة كيلومترات وشعر به سكان إسلام آباد "
    "وراولبندي، ولم ترد أنباء عن ضحايا."
)
RESCUE = normalise("وأضاف مسؤول في هيئة إدارة الكوارث أن فرق الإنقاذ في حالة تأهب قصوى في الإقليم.")
SCHOOLS = normalise("وأعلنت السلطات المحلية إغلاق المدارس في المدينة يوما واحدا لفحص المباني.")
# QUAKE again, as an editor pasted it lower down with a few words changed.
QUAKE_AGAIN = normalise(
    "وقالت هيئة الأرصاد الباكستانية إن الزلزال ضرب على عمق عشرة كيلومترات وشعر به سكان إسلام آباد "
    "وراولبندي، دون أنباء عن ضحايا."
)


def test_empty_and_identical_paragraphs_go_the_first_stays() -> None:
    assert distinct_paragraphs([[LEDE, "", QUAKE, LEDE, RESCUE]]) == [[0, 2, 4]]


def test_a_near_repeat_of_an_earlier_paragraph_goes() -> None:
    story = [LEDE, QUAKE, RESCUE, SCHOOLS, QUAKE_AGAIN]
    assert distinct_paragraphs([story]) == [[0, 1, 2, 3]]


def test_a_paragraph_restating_the_one_before_stays() -> None:
    # News restates: the lede and the paragraph right before are never the earlier one.
    assert distinct_paragraphs([[LEDE, RESCUE, SCHOOLS, QUAKE, QUAKE_AGAIN]]) == [[0, 1, 2, 3, 4]]
    assert distinct_paragraphs([[QUAKE, RESCUE, SCHOOLS, LEDE, QUAKE_AGAIN]]) == [[0, 1, 2, 3, 4]]


def test_a_near_repeat_with_another_number_stays() -> None:
    other_depth = QUAKE_AGAIN.replace("عشره", "12").replace("عشرة", "12")
    assert distinct_paragraphs([[LEDE, QUAKE, RESCUE, SCHOOLS, other_depth]]) == [[0, 1, 2, 3, 4]]


def test_thresholds_come_from_the_settings() -> None:
    story = [LEDE, QUAKE, RESCUE, SCHOOLS, QUAKE_AGAIN]
    assert distinct_paragraphs([story], repeats=ParagraphRepeats(min_words=40)) == [[0, 1, 2, 3, 4]]


def test_stories_are_checked_independently() -> None:
    stories = [[LEDE, QUAKE, RESCUE, SCHOOLS, QUAKE_AGAIN], [LEDE, QUAKE_AGAIN], []]
    assert distinct_paragraphs(stories) == [[0, 1, 2, 3], [0, 1], []]


STORY = "\n\n".join([LEDE, QUAKE, RESCUE, SCHOOLS])
EDITED = "\n\n".join([LEDE, QUAKE_AGAIN, RESCUE, SCHOOLS])  # one paragraph reworded: wire copy, edited
OTHER = "\n\n".join([SCHOOLS, normalise("وتستمر الدراسة في بقية مدارس الإقليم كالمعتاد وفق بيان الوزارة.")])


def test_identical_and_near_identical_stories_point_to_the_first() -> None:
    assert duplicate_stories([STORY, OTHER, EDITED, STORY]) == [None, None, 0, 0]


def test_short_stories_are_duplicates_only_when_identical() -> None:
    short = StoryDuplicates(min_words=200)
    assert duplicate_stories([STORY, EDITED, STORY], duplicates=short) == [None, None, 0]


def test_identical_means_the_same_paragraphs_in_the_same_order() -> None:
    short = StoryDuplicates(min_words=200)
    reordered = "\n\n".join([QUAKE, LEDE, RESCUE, SCHOOLS])
    split_elsewhere = STORY.replace("\n\n", " ", 1)  # the same words, one paragraph fewer
    stories = [STORY, reordered, split_elsewhere, STORY + "\n\n" + SCHOOLS, reordered]
    assert duplicate_stories(stories, duplicates=short) == [None, None, None, None, 1]


def test_a_duplicate_of_a_duplicate_points_to_the_first() -> None:
    again = EDITED.replace("صباح اليوم", "صباح")
    assert duplicate_stories([STORY, EDITED, again]) == [None, 0, 0]


def test_suspects_are_earlier_paragraphs_of_the_same_story_two_places_back() -> None:
    # QUAKE_AGAIN restates QUAKE; in the second story QUAKE comes later. Neither the story's first paragraph
    # (the third story) nor the one right before (the fourth) is an earlier one. Each story counts alone.
    stories = [
        [LEDE, QUAKE, RESCUE, SCHOOLS, QUAKE_AGAIN],
        [LEDE, QUAKE_AGAIN, SCHOOLS, RESCUE, QUAKE],
        [QUAKE, LEDE, RESCUE, SCHOOLS, QUAKE_AGAIN],
        [LEDE, RESCUE, QUAKE, QUAKE_AGAIN, SCHOOLS],
    ]
    kept = [[0, 1, 2, 3, 4]] * 4
    suspects = _near_repeat_suspects(StoryWords.of(stories), kept, [0, 1, 2, 3], ParagraphRepeats())
    assert suspects == {0: {4: [1]}, 1: {4: [1]}}


def test_words_narrowed_are_the_words_of_what_is_left() -> None:
    stories = [[LEDE, QUAKE, ""], [RESCUE], [SCHOOLS, QUAKE_AGAIN, LEDE]]
    kept, chosen = [[0, 1], [0], [1, 2]], [0, 2]
    narrowed = StoryWords.of(stories).kept(kept, chosen)
    fresh = StoryWords.of([[stories[k][i] for i in kept[k]] for k in chosen])
    for got, expected in zip(
        (
            narrowed.words.hashes,
            narrowed.words.text_index,
            narrowed.words.text_hashes,
            narrowed.story_of,
            narrowed.first,
        ),
        (fresh.words.hashes, fresh.words.text_index, fresh.words.text_hashes, fresh.story_of, fresh.first),
        strict=True,
    ):
        assert got.tolist() == expected.tolist()
    joined = StoryWords.joined([fresh, StoryWords.of([[RESCUE]])])
    assert joined.story_of.tolist() == [0, 0, 1, 1, 2] and joined.first.tolist() == [0, 2, 4, 5]
    assert joined.words.text_hashes[4] == StoryWords.of([[RESCUE]]).words.text_hashes[0]


NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


# The rule of ParagraphRepeats, word by word in plain Python: the arrays may only make it faster.
def one_story_by_the_rule(paragraphs: list[str], repeats: ParagraphRepeats) -> list[int]:
    kept = [i for i, p in enumerate(paragraphs) if p and p not in paragraphs[:i]]
    if len(kept) <= 3:
        return kept
    result: list[int] = []
    for j in kept:
        mine = set(paragraphs[j].split())
        tokens = frozenset(tokenize(paragraphs[j], normalised=True))
        numbers = set(NUMBER.findall(paragraphs[j]))
        for i in result[1:]:
            theirs = frozenset(tokenize(paragraphs[i], normalised=True))
            shared = len(tokens & theirs)
            if (
                i <= j - 2
                and len(mine) >= repeats.min_words
                and len(mine & set(paragraphs[i].split())) >= 0.4 * len(mine)
                and len(tokens) >= repeats.min_words
                and len(tokens) <= len(theirs)
                and shared >= repeats.containment * len(tokens)
                and shared >= repeats.jaccard * (len(tokens) + len(theirs) - shared)
                and numbers <= set(NUMBER.findall(paragraphs[i]))
            ):
                break
        else:
            result.append(j)
    return result


# Few words, so that paragraphs share many of them and near repeats are common.
VOCABULARY = (
    "زلزال هزة بشاور باكستان الانقاذ فرق هيئة الارصاد قال اعلن في من على 5 12 مدينة سكان عمق كيلومترات "
    "ضحايا اضرار المباني المدارس السلطات الاقليم الحكومة وزير الدفاع ايران التعاون العسكري اتفاق زيارة"
)
WORDS = st.sampled_from(VOCABULARY.split(" "))
PARAGRAPH = st.lists(WORDS, min_size=0, max_size=30)


@st.composite
def stories_with_repeats(draw: st.DrawFn) -> list[str]:
    """Paragraphs of which some are earlier ones with a few words changed, dropped or added."""
    paragraphs: list[list[str]] = []
    for _ in range(draw(st.integers(0, 9))):
        if paragraphs and draw(st.booleans()):
            words = list(draw(st.sampled_from(paragraphs)))
            for _ in range(draw(st.integers(0, 4))):
                place = draw(st.integers(0, len(words)))
                edit = draw(st.sampled_from(["change", "drop", "add"]))
                if edit == "add" or not words[place:]:
                    words.insert(place, draw(WORDS))
                elif edit == "change":
                    words[place] = draw(WORDS)
                else:
                    del words[place]
            paragraphs.append(words)
        else:
            paragraphs.append(draw(PARAGRAPH))
    return [" ".join(words) for words in paragraphs]


@settings(max_examples=500, deadline=None)
@given(stories=st.lists(stories_with_repeats(), max_size=4), min_words=st.sampled_from([6, 12]))
def test_distinct_paragraphs_follow_the_rule(stories: list[list[str]], min_words: int) -> None:
    repeats = ParagraphRepeats(min_words=min_words)
    assert distinct_paragraphs(stories, repeats=repeats) == [one_story_by_the_rule(s, repeats) for s in stories]


def test_paragraphs_without_words_are_kept() -> None:
    assert distinct_paragraphs([["\x00", "\x00\x00", "\x00" * 3, "\x00" * 4]]) == [[0, 1, 2, 3]]

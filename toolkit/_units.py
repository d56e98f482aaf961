"""Loops compiled with numba: the per-character steps of `toolkit.arabic`'s batch functions over texts as
UTF-16 code units (and, for `toolkit.arabic.tokenize_many`, as an Arrow column's UTF-8 bytes), and the word
counts of `toolkit.duplicates` over hashed words, one pass each over a whole corpus.

Private to `toolkit.arabic` and `toolkit.duplicates`, which import this module on first use (numba takes a
while to import). Text k is ``units[starts[k]:ends[k]]``; the texts' ranges increase and at least one unit
(NUL, or a line break between lines) separates each from the next: the output buffers are sized on that,
and numba does not check bounds. numba comes with umap-learn, which BERTopic needs; compiled loops are
cached beside this file (or in numba's user cache when that folder is read-only).

Branches on the text (a space or not) are mostly written as arithmetic or table lookups: a mispredicted
branch every few characters costs more than the few operations that replace it.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_SPACE, _NEWLINE = 32, 10
REMOVED = 0x10000  # in a `folded` or `canonical` table: the unit goes
CARRIAGE_RETURN = 0x10001  # in a `canonical` table


@njit(cache=True, nogil=True)
def maybe_changed(units, starts, ends, flagged, combining):  # pragma: no cover (compiled)
    """Per text: could `canonical_letters` change it? False only when it cannot.

    ``flagged``: per unit, a character that it may change (or that NFKC's quick check does not pass);
    ``combining``: per unit, its canonical combining class (marks out of order fail the quick check).
    Besides those, a text is looked at when its white space is untidy (`toolkit.arabic._is_tidy`).
    """
    found = np.zeros(len(starts), dtype=np.bool_)
    for k in range(len(starts)):
        start, end = starts[k], ends[k]
        if start == end:
            continue
        first, last = units[start], units[end - 1]
        bad = (first == _SPACE) | (first == _NEWLINE) | (last == _SPACE) | (last == _NEWLINE)
        last_class, blank_before, newline_before, newlines_before = 0, False, False, False
        for i in range(start, end):
            unit = units[i]
            mark_class = combining[unit]
            newline = unit == _NEWLINE
            blank = (unit == _SPACE) | newline
            bad |= (
                flagged[unit]
                | ((mark_class != 0) & (last_class > mark_class))
                | (blank & blank_before & (not (newline and newline_before)))  # "  ", " \n", "\n "
                | (newline & newlines_before)  # "\n\n\n"
            )
            last_class = mark_class
            newlines_before = newline & newline_before
            newline_before, blank_before = newline, blank
        found[k] = bad
    return found


@njit(cache=True, nogil=True)
def canonical(units, starts, ends, table, unsure, combining):  # pragma: no cover (compiled)
    """Each text with its units mapped by ``table`` and its white space tidied: what
    `toolkit.arabic.canonical_letters` does when NFKC has nothing to do.

    ``table``: per unit, what it becomes: `REMOVED`, `CARRIAGE_RETURN` (a line break, one with a line feed
    right after it), a space, a line feed or a letter. Returns the new units (NUL between texts), their
    starts and ends, and per text: does it hold a unit that NFKC may change (``unsure``) or marks out of
    canonical order (``combining``: their classes)? Those texts are the one-text function's to do.
    """
    n = len(starts)
    out = np.empty(len(units) + 1, dtype=np.uint16)
    new_starts = np.empty(n, dtype=np.int64)
    new_ends = np.empty(n, dtype=np.int64)
    hard = np.zeros(n, dtype=np.bool_)
    at = 0
    for k in range(n):
        first = at
        newlines, space, after_return, last_class, bad = 0, False, False, 0, False
        for i in range(starts[k], ends[k]):
            unit = table[units[i]]
            if unit == REMOVED:
                continue
            if unit in (_NEWLINE, CARRIAGE_RETURN):
                newlines += not (after_return and units[i] == _NEWLINE)  # CR LF is one line break
                after_return, space, last_class = unit == CARRIAGE_RETURN, False, 0
                continue
            after_return = False
            if unit == _SPACE:
                space, last_class = True, 0
                continue
            mark_class = combining[unit]
            bad |= unsure[unit] | ((mark_class != 0) & (last_class > mark_class))
            last_class = mark_class
            if at > first:
                if newlines:
                    out[at] = _NEWLINE
                    at += 1
                    if newlines > 1:
                        out[at] = _NEWLINE
                        at += 1
                elif space:
                    out[at] = _SPACE
                    at += 1
            newlines, space = 0, False
            out[at] = unit
            at += 1
        new_starts[k], new_ends[k] = first, at
        hard[k] = bad
        out[at] = 0
        at += 1
    return out[: max(at - 1, 0)], new_starts, new_ends, hard


@njit(cache=True, nogil=True)
def folded(units, starts, ends, table, kinds):  # pragma: no cover (compiled)
    """Each text with its units mapped by ``table`` (a unit to `REMOVED` goes).

    Returns the new units (texts in the same order, NUL between them), their starts and ends, and per
    text: may it need NFKC or tidying again (see `_unsettled`; ``kinds`` is its table)?
    """
    n = len(starts)
    out = np.empty(len(units) + 1, dtype=np.uint16)
    new_starts = np.empty(n, dtype=np.int64)
    new_ends = np.empty(n, dtype=np.int64)
    unsettled = np.zeros(n, dtype=np.bool_)
    at = 0
    for k in range(n):
        new_starts[k] = at
        for i in range(starts[k], ends[k]):
            unit = table[units[i]]
            out[at] = unit
            at += unit != REMOVED
        new_ends[k] = at
        if at - new_starts[k] < ends[k] - starts[k]:  # it lost a unit (a mark, a tatweel)
            unsettled[k] = _unsettled(units, starts[k], ends[k], table, kinds)
        out[at] = 0
        at += 1
    return out[: max(at - 1, 0)], new_starts, new_ends, unsettled


@njit(cache=True, nogil=True)
def _unsettled(units, start, end, table, kinds):  # pragma: no cover (compiled)
    """Could removing units from this text (in NFKC, tidy) have left it out of NFKC or untidy?

    ``kinds``: per unit, 1 for a space or newline, 2 for a mark or a character that may compose with the
    one before it. Untidy: a removed run between two blanks, or between a blank and the text's start or end.
    Out of NFKC: a mark or composing character after a removed run, before the next plain letter.
    """
    removed, blank_before, composing, kept = False, True, False, False
    for i in range(start, end):
        unit = table[units[i]]
        if unit == REMOVED:
            removed, composing = True, True
            continue
        kind = kinds[unit]
        if (removed and blank_before and kind & 1) or (composing and kind & 2):
            return True
        composing = composing and kind & 2 != 0
        removed, blank_before, kept = False, kind & 1 != 0, True
    return removed and blank_before and kept


@njit(cache=True, nogil=True)
def lines(units, starts, ends):  # pragma: no cover (compiled)
    """The lines of each text that are not empty: their starts and ends, and how many each text has."""
    most = len(units) // 2 + len(starts)
    line_starts = np.empty(most, dtype=np.int64)
    line_ends = np.empty(most, dtype=np.int64)
    counts = np.zeros(len(starts), dtype=np.int64)
    found = 0
    for k in range(len(starts)):
        start = starts[k]
        for i in range(starts[k], ends[k] + 1):
            if i == ends[k] or units[i] == _NEWLINE:
                if i > start:
                    line_starts[found], line_ends[found] = start, i
                    found += 1
                    counts[k] += 1
                start = i + 1
    return line_starts[:found], line_ends[:found], counts


@njit(cache=True, nogil=True)
def word_hashes(units, starts, ends, steps, base, text_base):  # pragma: no cover (compiled)
    """The words of the texts, in order: a polynomial hash of each (Horner's rule with ``base``, mod 2**64)
    and its length; and per text, how many words it has and a hash of its words' hashes in order (with
    ``text_base``: another base, or "a b" would hash as "ab").

    ``steps``: per unit, -1 for white space (it ends a word), else what it adds to a word's length (0 for
    the low half of a surrogate pair).
    """
    most = (len(units) + 1) // 2 + 2
    hashes = np.empty(most, dtype=np.uint64)
    lengths = np.empty(most, dtype=np.int64)
    counts = np.zeros(len(starts), dtype=np.int64)
    found = 0
    for k in range(len(starts)):
        first, value, length, in_word = found, np.uint64(0), 0, 0
        for i in range(starts[k], ends[k]):
            unit = units[i]
            step = steps[unit]
            space = step < 0
            # Written at every unit, kept (found moves on) only where a word ends.
            hashes[found], lengths[found] = value, length
            found += in_word & space
            value = np.uint64(0) if space else value * base + np.uint64(unit)
            length = 0 if space else length + step
            in_word = 1 - space
        hashes[found], lengths[found] = value, length
        found += in_word
        counts[k] = found - first
    # The texts' hashes from their words' (apart: in the loop above, a second chain of products per unit).
    text_hashes = np.zeros(len(starts), dtype=np.uint64)
    word = 0
    for k in range(len(starts)):
        text_hash = np.uint64(0)
        for w in range(word, word + counts[k]):
            text_hash = text_hash * text_base + hashes[w]
        text_hashes[k], word = text_hash, word + counts[k]
    return hashes[:found], lengths[:found], counts, text_hashes


@njit(cache=True, nogil=True)
def utf8_joined(units, starts, ends, pieces, bounds, encoded, sizes):  # pragma: no cover (compiled)
    """Rows of texts joined by a blank line, as UTF-8: row r is texts ``pieces[bounds[r]:bounds[r + 1]]``.

    Returns the bytes and each row's offset into them (one more: the end), an Arrow large_string array's
    buffers. ``encoded``: per unit, its UTF-8 bytes (little-endian, up to three); ``sizes``: how many, 0 for
    half a surrogate pair. The texts hold no lone surrogate (canonical text has none).
    """
    offsets = np.zeros(len(bounds), dtype=np.int64)
    most = 0  # bytes: three a code unit at most, and the blank lines
    for p in range(len(pieces)):
        most += 3 * (ends[pieces[p]] - starts[pieces[p]]) + 2
    data = np.empty(most + 2, dtype=np.uint8)  # (pages beyond what is written are never touched)
    at = 0
    for r in range(len(bounds) - 1):
        for p in range(bounds[r], bounds[r + 1]):
            if p > bounds[r]:
                data[at], data[at + 1] = _NEWLINE, _NEWLINE
                at += 2
            for i in range(starts[pieces[p]], ends[pieces[p]]):
                # Three bytes written, as many kept as the unit has: no branch on its size (spaces and
                # letters alternate too irregularly for the branch predictor).
                unit = units[i]
                size = sizes[unit]
                if size == 0:  # a surrogate pair: the character's four bytes, at its high half
                    if unit < 0xDC00:
                        code = 0x10000 + ((np.int64(unit) - 0xD800) << 10) + (np.int64(units[i + 1]) - 0xDC00)
                        data[at], data[at + 1] = 0xF0 | (code >> 18), 0x80 | ((code >> 12) & 0x3F)
                        data[at + 2], data[at + 3] = 0x80 | ((code >> 6) & 0x3F), 0x80 | (code & 0x3F)
                        at += 4
                    continue
                value = encoded[unit]
                data[at], data[at + 1], data[at + 2] = value & 0xFF, (value >> 8) & 0xFF, value >> 16
                at += size
        offsets[r + 1] = at
    return data[:at].copy(), offsets


@njit(cache=True, nogil=True)
def utf8_words(data, offsets, kinds):  # pragma: no cover (compiled)
    """The words of UTF-8 texts (an Arrow large_string array's ``data`` and ``offsets``), as `toolkit.arabic.tokenize`
    finds them: each maximal run of word characters that holds letters only and is two characters or longer.

    ``kinds``: per code point, 0 for a character that ends a word, 1 for a letter, 2 for a word character that is
    no letter (a decimal digit, ``_``): a run holding one is no word. Returns the words' bytes, their offsets
    (one more: the end) and the text each is from: an Arrow string array's buffers, and its rows.
    """
    most = len(data) // 2 + 1  # a word is two bytes or more, then a byte that ends it
    words = np.empty(len(data), dtype=np.uint8)
    bounds = np.empty(most + 1, dtype=np.int64)
    rows = np.empty(most, dtype=np.int64)
    bounds[0] = 0
    found, at = 0, 0
    for k in range(len(offsets) - 1):
        i, end = offsets[k], offsets[k + 1]
        start, chars, other = i, 0, 0  # the word so far: its first byte, its characters, whether one is no letter
        while i <= end:
            size, kind = 1, 0  # the text's end ends its last word
            if i < end:
                lead = np.int64(data[i])
                if lead < 0x80:
                    code = lead
                elif lead < 0xE0:
                    size, code = 2, ((lead & 0x1F) << 6) | (np.int64(data[i + 1]) & 0x3F)
                elif lead < 0xF0:
                    size, code = 3, ((lead & 0x0F) << 12) | ((np.int64(data[i + 1]) & 0x3F) << 6)
                    code |= np.int64(data[i + 2]) & 0x3F
                else:
                    size = 4
                    code = ((lead & 0x07) << 18) | ((np.int64(data[i + 1]) & 0x3F) << 12)
                    code |= ((np.int64(data[i + 2]) & 0x3F) << 6) | (np.int64(data[i + 3]) & 0x3F)
                kind = np.int64(kinds[code])
            if kind == 0:
                if chars >= 2 and other == 0:
                    for j in range(start, i):
                        words[at + j - start] = data[j]
                    at += i - start
                    rows[found] = k
                    found += 1
                    bounds[found] = at
                start, chars, other = i + size, 0, 0
            else:
                chars += 1
                other |= kind >> 1
            i += size
    return words[:at].copy(), bounds[: found + 1].copy(), rows[:found].copy()


# ---------------------------------------------------------------- hashed words (`toolkit.duplicates`)

_SLOT_MIX = np.uint64(0x9E3779B97F4A7C15)  # a word's hash to its slot in a table: the product's top bits


@njit(cache=True, nogil=True)
def near_repeat_suspects(hashes, word_starts, paragraphs, places, story_bounds, min_words, share):  # pragma: no cover
    """The paragraph pairs (later, earlier) of a story that `toolkit.duplicates` looks at for a near repeat.

    ``hashes``: word hashes, paragraph p's words are ``hashes[word_starts[p]:word_starts[p + 1]]``. Story s is
    paragraphs ``paragraphs[story_bounds[s]:story_bounds[s + 1]]`` (numbers, in order), at ``places`` in it.
    A later paragraph is looked at when it has ``min_words`` distinct words and ``share`` of them are in
    paragraphs at least two places before it; an earlier one goes with it when it alone holds that share.
    Returns per pair: the story, the later and the earlier paragraph's places.
    """
    most_words, most_paragraphs = 1, 1
    for s in range(len(story_bounds) - 1):
        words = 0
        for j in range(story_bounds[s], story_bounds[s + 1]):
            words += word_starts[paragraphs[j] + 1] - word_starts[paragraphs[j]]
        most_words = max(most_words, words)
        most_paragraphs = max(most_paragraphs, story_bounds[s + 1] - story_bounds[s])
    bits = 1
    while (1 << bits) < 2 * most_words:
        bits += 1
    shift, mask = np.uint64(64 - bits), (1 << bits) - 1
    # An open-addressing table of a story's words, each slot marked with its story (never cleared).
    keys = np.zeros(1 << bits, dtype=np.uint64)
    owner = np.full(1 << bits, -1, dtype=np.int64)
    earliest = np.empty(1 << bits, dtype=np.int64)  # the place of the first paragraph holding the word
    last = np.empty(1 << bits, dtype=np.int64)  # the last paragraph that counted it
    number = np.empty(1 << bits, dtype=np.int64)  # the word's number in its story
    held = np.empty(most_words, dtype=np.int64)  # each paragraph's distinct words (numbers), one after another
    held_from = np.empty(most_paragraphs + 1, dtype=np.int64)
    n_words = np.empty(most_paragraphs, dtype=np.int64)
    passing = np.zeros(most_paragraphs, dtype=np.bool_)
    holders_from = np.empty(most_words + 1, dtype=np.int64)  # a word's paragraphs, in order
    holders = np.empty(most_words, dtype=np.int64)
    shared_with = np.zeros(most_paragraphs, dtype=np.int64)
    touched = np.empty(most_paragraphs, dtype=np.int64)
    found_story, found_later, found_earlier = [0], [0], [0]  # (typed by a first item, dropped on return)
    for s in range(len(story_bounds) - 1):
        first, size = story_bounds[s], story_bounds[s + 1] - story_bounds[s]
        distinct, at, any_passing = 0, 0, False
        for j in range(size):
            place = places[first + j]
            held_from[j] = at
            count, shared = 0, 0
            for w in range(word_starts[paragraphs[first + j]], word_starts[paragraphs[first + j] + 1]):
                key = hashes[w]
                slot = np.int64((key * _SLOT_MIX) >> shift)
                while owner[slot] == s and keys[slot] != key:
                    slot = (slot + 1) & mask
                if owner[slot] != s:
                    owner[slot], keys[slot] = s, key
                    earliest[slot], last[slot], number[slot] = place, j, distinct
                    distinct += 1
                elif last[slot] == j:
                    continue
                else:
                    last[slot] = j
                    shared += earliest[slot] <= place - 2
                held[at] = number[slot]
                at += 1
                count += 1
            n_words[j] = count
            passing[j] = count >= min_words and shared >= share * count
            any_passing |= passing[j]
        held_from[size] = at
        if not any_passing:
            continue
        holders_from[: distinct + 1] = 0
        for x in range(at):
            holders_from[held[x] + 1] += 1
        for d in range(distinct):
            holders_from[d + 1] += holders_from[d]
        for j in range(size):
            for x in range(held_from[j], held_from[j + 1]):
                holders[holders_from[held[x]]] = j
                holders_from[held[x]] += 1
        for d in range(distinct, 0, -1):  # (filling moved each start to the next word's)
            holders_from[d] = holders_from[d - 1]
        holders_from[0] = 0
        for j in range(size):
            if not passing[j]:
                continue
            place, n_touched = places[first + j], 0
            for x in range(held_from[j], held_from[j + 1]):
                for y in range(holders_from[held[x]], holders_from[held[x] + 1]):
                    q = holders[y]
                    if places[first + q] > place - 2:
                        break
                    touched[n_touched] = q
                    n_touched += shared_with[q] == 0
                    shared_with[q] += 1
            for t in range(n_touched):
                q = touched[t]
                if shared_with[q] >= share * n_words[j]:
                    found_story.append(s)
                    found_later.append(place)
                    found_earlier.append(places[first + q])
                shared_with[q] = 0
    return found_story[1:], found_later[1:], found_earlier[1:]


@njit(cache=True, nogil=True)
def trigrams(hashes, lengths, paragraph_of, word_starts, stories, sample_length, mix):  # pragma: no cover
    """The word 3-grams of the chosen stories, hashed (``mix``: two odd multipliers), in story order.

    Story k's words are ``word_starts[k]`` to ``word_starts[k + 1] - 1``; ``stories``: a bool per story.
    Returns per 3-gram its hash, its story and whether it is sampled (its first word has ``sample_length``
    characters or more and its words are in one paragraph), and per story where its 3-grams start (one
    more: the end).
    """
    total = 0
    for k in range(len(stories)):
        total += max(word_starts[k + 1] - word_starts[k] - 2, 0) if stories[k] else 0
    gram = np.empty(total, dtype=np.uint64)
    story = np.empty(total, dtype=np.int64)
    sampled = np.empty(total, dtype=np.bool_)
    bounds = np.empty(len(stories) + 1, dtype=np.int64)
    at = 0
    for k in range(len(stories)):
        bounds[k] = at
        if stories[k]:
            for i in range(word_starts[k], word_starts[k + 1] - 2):
                gram[at] = hashes[i] * mix[0] + hashes[i + 1] * mix[1] + hashes[i + 2]
                story[at] = k
                sampled[at] = (lengths[i] >= sample_length) & (paragraph_of[i] == paragraph_of[i + 2])
                at += 1
    bounds[len(stories)] = at
    return gram, story, sampled, bounds


@njit(cache=True, nogil=True)
def similar_pairs(gram, bounds, earlier, later, jaccard):  # pragma: no cover
    """Per pair of stories: has the set of story ``earlier[p]``'s 3-grams a Jaccard index of at least
    ``jaccard`` with story ``later[p]``'s? (Story k's 3-grams: ``gram[bounds[k]:bounds[k + 1]]``.)"""
    needed = np.zeros(len(bounds) - 1, dtype=np.bool_)
    needed[earlier] = True
    needed[later] = True
    size = 0
    for k in np.flatnonzero(needed):
        size += bounds[k + 1] - bounds[k]
    # Each story's 3-grams sorted, each once: a story is often in several pairs.
    distinct = np.empty(size, dtype=np.uint64)
    starts = np.zeros(len(bounds) - 1, dtype=np.int64)
    ends = np.zeros(len(bounds) - 1, dtype=np.int64)
    at = 0
    for k in np.flatnonzero(needed):
        grams = np.sort(gram[bounds[k] : bounds[k + 1]])
        starts[k] = at
        for i in range(len(grams)):
            if i == 0 or grams[i] != grams[i - 1]:
                distinct[at] = grams[i]
                at += 1
        ends[k] = at
    similar = np.zeros(len(earlier), dtype=np.bool_)
    for p in range(len(earlier)):
        i, i_end, j, j_end = starts[earlier[p]], ends[earlier[p]], starts[later[p]], ends[later[p]]
        union, shared = (i_end - i) + (j_end - j), 0
        while i < i_end and j < j_end:
            a, b = distinct[i], distinct[j]
            shared += a == b
            i += a <= b
            j += b <= a
        similar[p] = shared > 0 and shared >= jaccard * (union - shared)
    return similar

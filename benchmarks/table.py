"""Markdown tables: numbers, medians with min–max, ratios."""

from __future__ import annotations

import math
from collections.abc import Sequence

from benchmarks.runs import Runs


def number(value: float | None) -> str:
    """A measurement with as many digits as it deserves.

    >>> number(12345.6), number(42.26), number(3.14159), number(0.4), number(0.0123), number(7), number(None)
    ('12,346', '42.3', '3.14', '0.40', '0.012', '7', '–')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, int):
        return f"{value:,}"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}" if magnitude >= 0.1 or magnitude == 0 else f"{value:.2g}"


def score(value: float | None) -> str:
    """A score between -1 and 1, three decimals.

    >>> score(0.41234), score(None)
    ('0.412', '–')
    """
    return "–" if value is None or math.isnan(value) else f"{value:.3f}"


def spread(runs: Runs) -> str:
    """Median with min–max, or the single value when there was one run.

    >>> spread(Runs((2.0, 1.0, 4.0))), spread(Runs((2.0,)))
    ('2.00 (1.00–4.00)', '2.00')
    """
    return median_range(runs.median, runs.low, runs.high, runs=len(runs.values))


def median_range(median: float, low: float, high: float, *, runs: int) -> str:
    """``median (low–high)``, or the median alone after a single run.

    >>> median_range(5.0, 4.0, 6.5, runs=3), median_range(5.0, 5.0, 5.0, runs=1)
    ('5.00 (4.00–6.50)', '5.00')
    """
    return number(median) if runs == 1 else f"{number(median)} ({number(low)}–{number(high)})"


def ratio(numerator: float | None, denominator: float | None) -> str:
    """``numerator / denominator`` as ``1.23×``, or ``–`` when either is missing or the denominator is 0.

    >>> ratio(3.0, 2.0), ratio(1.0, 0.0), ratio(None, 2.0)
    ('1.50×', '–', '–')
    """
    if numerator is None or denominator is None or denominator == 0:
        return "–"
    if math.isnan(numerator) or math.isnan(denominator):
        return "–"
    return f"{number(numerator / denominator)}×"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavoured Markdown table; ``|`` inside a cell is escaped.

    >>> print(markdown_table(["a", "b"], [["1", "x|y"]]))
    | a | b |
    |---|---|
    | 1 | x\\|y |
    """
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)

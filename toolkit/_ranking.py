"""Orderings by a float that come out the same on every CPU."""

from __future__ import annotations

import numpy as np


def rank_by_value(values: np.ndarray) -> np.ndarray:
    """Positions of ``values`` from highest to lowest; values equal to 40 bits of mantissa keep their order.

    Summing or taking logs in another order, or with other vector instructions, changes a float's
    last bits; about 12 significant digits are kept so that such noise cannot reorder a ranking.
    Ties then go by position, so callers put their tie-break key (the word, the code point) first.

    >>> rank_by_value(np.array([0.5, 2.0, 0.5 + 1e-15, 1.0])).tolist()
    [1, 3, 0, 2]
    """
    mantissa, exponent = np.frexp(np.asarray(values, dtype=float))
    rounded = np.ldexp(np.round(mantissa * 2.0**40), exponent)
    return np.argsort(-rounded, kind="stable")

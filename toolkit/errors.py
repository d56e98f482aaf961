"""The one exception users see for bad input: it names the file and the problem."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd


class InputError(ValueError):
    """Bad input: ``str(err)`` is ``"<path>: <problem>"``.

    >>> str(InputError("data/raw/x.txt", "file is empty"))
    'data/raw/x.txt: file is empty'
    """

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


def require_columns(frame: object, columns: Sequence[str], *, name: str = "articles") -> None:
    """Refuse what is not a DataFrame with ``columns``, saying what to do (a path: load it first).

    >>> require_columns("data/raw/x.csv", ["article_id"])
    Traceback (most recent call last):
    toolkit.errors.InputError: articles: expected a DataFrame, ...: load it first with toolkit.load_articles(...)
    """
    if not isinstance(frame, pd.DataFrame):
        path_given = name == "articles" and isinstance(frame, str | Path)
        hint = f": load it first with toolkit.load_articles({str(frame)!r})" if path_given else ""
        raise InputError(name, f"expected a DataFrame, got the {type(frame).__name__} {str(frame)[:80]!r}{hint}")
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise InputError(name, f"missing column(s) {', '.join(missing)}")

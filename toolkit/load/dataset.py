"""The articles on disk: `save_articles` writes a Parquet file and its rejections and notes CSVs, replacing the
old ones together; `read_articles` reads them back.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import BinaryIO, Literal

import pandas as pd
import pyarrow as pa

from toolkit.errors import InputError
from toolkit.load.files import _first_line
from toolkit.load.schema import ARTICLE_COLUMNS, notes, rejections, validate_articles

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None


def save_articles(articles: pd.DataFrame, path: str | Path) -> Path:
    """Write ``articles`` to a Parquet file, its rejections to ``<stem>.rejections.csv`` and its notes to
    ``<stem>.notes.csv`` beside it.

    Returns the path of the rejections CSV (both CSVs are written even when empty, with their header).
    The three files replace the old ones together (`_replace_together`): a run that is killed or fails
    leaves the old files whole. A path that cannot be written raises `InputError` naming it.

    >>> save_articles(load_articles("data/raw"), "data/processed/articles.parquet")  # doctest: +SKIP
    PosixPath('data/processed/articles.rejections.csv')
    """
    path = Path(path)
    listings = {
        _beside(path, "rejections"): rejections(articles).to_csv(index=False).encode("utf-8"),
        _beside(path, "notes"): notes(articles).to_csv(index=False).encode("utf-8"),
    }
    # The rejections go to their own CSV, not the Parquet metadata (which keeps only the CSVs' digests, for
    # read_articles to tell a CSV another run wrote); and a list column written with its Arrow dtype cannot
    # be read back by a plain pd.read_parquet.
    table = validate_articles(articles).astype({"tags": object})
    table.attrs = {_DIGESTS: {csv_path.name: hashlib.sha256(data).hexdigest() for csv_path, data in listings.items()}}
    writers: dict[Path, Callable[[BinaryIO], object]] = {path: partial(table.to_parquet, index=False)}
    writers.update({csv_path: partial(_write_bytes, data) for csv_path, data in listings.items()})
    _replace_together(writers)
    return _beside(path, "rejections")


# The attrs key of the digests of an articles file's CSVs, by file name.
_DIGESTS = "toolkit_csv_sha256"


def _beside(path: Path, listing: Literal["rejections", "notes"]) -> Path:
    """The CSV of an articles file's rejections or notes."""
    return path.with_name(f"{path.stem}.{listing}.csv")


def _write_bytes(data: bytes, file: BinaryIO) -> None:
    file.write(data)


def _replace_together(writers: Mapping[Path, Callable[[BinaryIO], object]]) -> None:
    """Write each file (of one folder; a writer writes it to an open binary file) to a temporary file beside
    it, then rename them all into place, in order, one run at a time: a kill or a full disk leaves the old files whole,
    and two runs writing the same files leave one run's set, never a mix. Raises `InputError` naming the
    file that cannot be written."""
    for target in writers:
        if target.exists() and not target.is_file():  # renaming onto /dev/full would replace the device
            raise InputError(target, "not a file (a folder or a device such as /dev/full): name a file to write")
    temporaries: dict[Path, Path] = {}
    try:
        for target, write in writers.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            temporaries[target] = Path(temporary)
            with open(handle, "wb") as file:
                write(file)
                file.flush()
                os.fsync(file.fileno())  # whole on disk before it replaces the old file
        with _folder_locked(next(iter(writers)).parent):
            for target, temporary in temporaries.items():
                os.replace(temporary, target)
    except OSError as err:  # not allowed, disk full: one line naming the file, not a traceback
        raise InputError(target, f"cannot write ({err.strerror or _first_line(err)})") from err
    finally:
        for temporary in temporaries.values():
            temporary.unlink(missing_ok=True)  # (renamed already, unless something failed)


@contextmanager
def _folder_locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on ``folder`` while held (flock: the system frees it when the process dies)."""
    if fcntl is None:  # Windows: no flock; read_articles still tells a CSV that another run wrote
        yield
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # (frees the lock)


def read_articles(path: str | Path) -> pd.DataFrame:
    """Read an articles Parquet file written by `save_articles`, with its dtypes, rejections and notes.

    A rejections or notes CSV that is not the one written with the file (another run wrote it, or it was
    edited) is read with a warning.

    >>> articles = read_articles("data/processed/articles.parquet")   # doctest: +SKIP
    """
    path = Path(path)
    try:
        articles = pd.read_parquet(path)
        articles = articles.astype({c: d for c, d in ARTICLE_COLUMNS.items() if c in articles.columns})
    except (OSError, ValueError, TypeError, pa.ArrowException) as err:
        raise InputError(path, f"not an articles Parquet file ({err})") from err
    digests = articles.attrs.pop(_DIGESTS, {})
    for listing in ("rejections", "notes"):
        csv_path = _beside(path, listing)
        if csv_path.is_file():
            data = csv_path.read_bytes()
            if csv_path.name in digests and hashlib.sha256(data).hexdigest() != digests[csv_path.name]:
                warnings.warn(
                    f"{csv_path} was not written with {path.name}: its {listing} may be another run's", stacklevel=2
                )
            articles.attrs[listing] = pd.read_csv(io.BytesIO(data), dtype=str).to_dict("records")
    return validate_articles(articles)

"""The articles on disk: `save_articles` writes a Parquet file and its rejections and notes CSVs, replacing the
old ones together; `write_articles_dataset` writes a folder of them a batch at a time (`iter_articles`), replacing
the old folder whole; `read_articles` reads either back.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import BinaryIO, Literal

import pandas as pd
import pyarrow as pa

from toolkit.errors import InputError
from toolkit.load.files import _first_line
from toolkit.load.schema import _NOTE_COLUMNS, _REJECTION_COLUMNS, ARTICLE_COLUMNS, notes, rejections, validate_articles

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
    """Read an articles Parquet file written by `save_articles`, or a dataset folder written by
    `write_articles_dataset` (its parts one after the other), with its dtypes, rejections and notes: the same
    frame for the same articles.

    A rejections or notes CSV that is not the one written with the file (another run wrote it, or it was
    edited) is read with a warning. A part of a dataset read alone has no rejections or notes, and its
    ``duplicate_of`` may name rows of earlier parts.

    >>> articles = read_articles("data/processed/articles.parquet")   # doctest: +SKIP
    >>> articles = read_articles("data/processed/articles")           # doctest: +SKIP
    """
    path = Path(path)
    if path.is_dir():
        return _read_dataset(path)
    articles = _read_parquet(path)
    digests = articles.attrs.pop(_DIGESTS, {})
    earlier = articles["duplicate_of"].dropna().tolist() if articles.attrs.pop(_PART, None) is not None else ()
    for listing in ("rejections", "notes"):
        csv_path = _beside(path, listing)
        if csv_path.is_file():
            data = csv_path.read_bytes()
            if csv_path.name in digests and hashlib.sha256(data).hexdigest() != digests[csv_path.name]:
                warnings.warn(
                    f"{csv_path} was not written with {path.name}: its {listing} may be another run's", stacklevel=2
                )
            articles.attrs[listing] = _read_listing(data)
    return validate_articles(articles, earlier=earlier)


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        articles = pd.read_parquet(path)
        return articles.astype({c: d for c, d in ARTICLE_COLUMNS.items() if c in articles.columns})
    except (OSError, ValueError, TypeError, pa.ArrowException) as err:
        raise InputError(path, f"not an articles Parquet file ({err})") from err


def _read_listing(data: bytes) -> list[dict[str, str]]:
    return pd.read_csv(io.BytesIO(data), dtype=str).to_dict("records")


# ---------------------------------------------------------------- dataset folders

# The attrs key that marks a part of a dataset folder (its number).
_PART = "toolkit_dataset_part"
_LISTINGS = ("rejections", "notes")


def _read_dataset(folder: Path) -> pd.DataFrame:
    parts = _parts(folder)
    if not parts:
        raise InputError(folder, "no articles Parquet file here (write it with `toolkit clean`)")
    frames = [_read_parquet(part) for part in parts]
    articles = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    articles = articles.astype(dict(ARTICLE_COLUMNS))  # (concat makes an all-empty column another dtype)
    articles.attrs = {}
    for listing in _LISTINGS:
        csv_path = folder / f"{listing}.csv"
        if csv_path.is_file():
            articles.attrs[listing] = _read_listing(csv_path.read_bytes())
    return validate_articles(articles)


def _parts(folder: Path) -> list[Path]:
    return sorted(folder.glob("part-*.parquet"))


def write_articles_dataset(batches: Iterable[pd.DataFrame], folder: str | Path) -> Path:
    """Write the batches of `iter_articles` (or any articles frames) to a dataset folder: ``part-00000.parquet``,
    ``part-00001.parquet``... (a part a batch with rows), ``rejections.csv`` and ``notes.csv`` (every batch's,
    in order). Returns the folder.

    Written into a hidden temporary folder beside it, then renamed into place: a run that is killed or fails
    leaves the old folder whole (or none), never a part of a new one. An existing folder is replaced only if it
    is empty or an articles dataset (its parts and CSVs alone); else `InputError`, as for a path that cannot be
    written.

    >>> write_articles_dataset(iter_articles("data/raw"), "data/processed/articles")  # doctest: +SKIP
    PosixPath('data/processed/articles')
    """
    folder = Path(folder)
    if folder.exists() and not _replaceable(folder):
        raise InputError(folder, "exists and is not an articles dataset folder: name a new folder to write")
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.", suffix=".tmp"))
        umask = os.umask(0o022)
        os.umask(umask)
        os.chmod(temporary, 0o777 & ~umask)  # (mkdtemp makes it private: the dataset is a folder like any other)
    except OSError as err:
        raise InputError(folder, f"cannot write ({err.strerror or _first_line(err)})") from err
    try:
        _write_parts(batches, temporary)
        with _folder_locked(folder.parent):
            _swap_in(temporary, folder)
    except OSError as err:
        raise InputError(folder, f"cannot write ({err.strerror or _first_line(err)})") from err
    finally:
        shutil.rmtree(temporary, ignore_errors=True)  # (renamed already, unless something failed)
    return folder


def _replaceable(folder: Path) -> bool:
    names = {f"{listing}.csv" for listing in _LISTINGS}
    return folder.is_dir() and all(
        child.is_file() and (child.name in names or (child.name.startswith("part-") and child.suffix == ".parquet"))
        for child in folder.iterdir()
    )


def _write_parts(batches: Iterable[pd.DataFrame], temporary: Path) -> None:
    listings = {listing: open(temporary / f"{listing}.csv", "wb") for listing in _LISTINGS}  # noqa: SIM115
    try:
        for file, columns in zip(listings.values(), (_REJECTION_COLUMNS, _NOTE_COLUMNS), strict=True):
            file.write(pd.DataFrame(columns=list(columns)).to_csv(index=False).encode("utf-8"))  # the header
        number = 0
        for batch in batches:
            for listing, file in listings.items():
                table = (rejections if listing == "rejections" else notes)(batch)
                file.write(table.to_csv(index=False, header=False).encode("utf-8"))
            if len(batch):
                part = batch.astype({"tags": object})  # (as save_articles writes it: plain pd.read_parquet reads it)
                part.attrs = {_PART: number}
                with open(temporary / f"part-{number:05d}.parquet", "wb") as file:
                    part.to_parquet(file, index=False)
                    os.fsync(file.fileno())
                number += 1
        for file in listings.values():
            file.flush()
            os.fsync(file.fileno())
    finally:
        for file in listings.values():
            file.close()


def _swap_in(temporary: Path, folder: Path) -> None:
    """Rename ``temporary`` to ``folder``; an old ``folder`` is renamed aside first and removed after (between
    the two renames, a kill leaves no folder and the old one whole beside it, hidden)."""
    old = None
    if folder.exists():
        old = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.", suffix=".old"))
        os.replace(folder, old)
    os.replace(temporary, folder)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)

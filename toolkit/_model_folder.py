"""Reading a model folder someone else may have written: checked files, never a pickle.

Users share saved topic models. Every reader here refuses what could run code (pickle, joblib,
``torch.load`` files) and turns a damaged file into one `InputError` that names it, instead of a
raw ``KeyError`` or a model that quietly assigns other topics. ``topic_model.json`` lists the
SHA-256 of every other file, so a flipped byte anywhere is caught before anything is parsed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from safetensors import SafetensorError
from safetensors.numpy import load_file

from toolkit.errors import InputError

# Suffixes of files that Python tools load by unpickling (pickle, joblib, torch.load, numpy's allow_pickle).
_CODE_RUNNING_SUFFIXES = frozenset({".pkl", ".pickle", ".joblib", ".bin", ".pt", ".pth", ".ckpt", ".npy", ".npz"})


def file_checksums(folder: Path, names: Iterable[str]) -> dict[str, str]:
    """SHA-256 of each file ``folder / name``, keyed by the name (``/``-separated), sorted by name.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()); _ = (folder / "a.txt").write_bytes(b"")
    >>> file_checksums(folder, ["a.txt"])["a.txt"][:12]
    'e3b0c44298fc'
    """
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in sorted(names)}


def check_model_folder(folder: Path, *, required: Iterable[str], checksums: Mapping[str, str] | None) -> None:
    """Refuse a folder holding code-running files, missing a required file, or not matching ``checksums``.

    ``required`` names must be regular files, and their folders folders (BERTopic unpickles a
    ``model`` file put where its folder belongs). ``checksums=None`` (models saved before checksums)
    skips the byte check only.

    >>> import pickle, tempfile
    >>> folder = Path(tempfile.mkdtemp()); _ = (folder / "model.pkl").write_bytes(pickle.dumps(1))
    >>> check_model_folder(folder, required=[], checksums=None)
    Traceback (most recent call last):
    toolkit.errors.InputError: ...model.pkl: refusing to load a pickle-style file: ...
    """
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() in _CODE_RUNNING_SUFFIXES:
            raise InputError(
                path,
                "refusing to load a pickle-style file: a saved topic model holds only JSON, "
                "CSV, Parquet and safetensors (delete the file if you trust the rest)",
            )
    for name in required:
        parent = (folder / name).parent
        if parent != folder and parent.is_file():  # BERTopic would unpickle a file in its folder's place
            raise InputError(parent, "is a file where a folder of the saved model belongs; refusing to load it")
        if not (folder / name).is_file():
            raise InputError(folder / name, "missing; a saved topic model needs this file")
    for name, expected in (checksums or {}).items():
        path = folder / name
        if not path.is_file():
            raise InputError(path, "missing; topic_model.json lists it")
        if hashlib.sha256(path.read_bytes()).hexdigest() != expected:
            raise InputError(path, "changed since the model was saved (checksum differs from topic_model.json)")


def read_json_object(path: Path, *, fields: Mapping[str, type | tuple[type, ...]]) -> dict[str, Any]:
    """A JSON object whose ``fields`` have the given types, else an `InputError` naming ``path``.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "m.json"; _ = path.write_text('{"format": "2"}')
    >>> read_json_object(path, fields={"format": int})
    Traceback (most recent call last):
    toolkit.errors.InputError: ...m.json: field 'format' should be int, not str
    """
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        raise InputError(path, f"not valid JSON ({err.__class__.__name__})") from None
    if not isinstance(value, dict):
        raise InputError(path, f"should hold a JSON object, not {type(value).__name__}")
    for name, kind in fields.items():
        if name not in value:
            raise InputError(path, f"field {name!r} is missing")
        if not isinstance(value[name], kind) or (isinstance(value[name], bool) and kind is not bool):
            expected = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
            raise InputError(path, f"field {name!r} should be {expected}, not {type(value[name]).__name__}")
    return value


def read_finite_tensors(path: Path, *, shapes: Mapping[str, tuple[int | None, ...]]) -> dict[str, np.ndarray]:
    """Tensors of a safetensors file, each present with the given shape (None: any length) and finite.

    >>> import tempfile
    >>> from safetensors.numpy import save_file
    >>> path = Path(tempfile.mkdtemp()) / "t.safetensors"
    >>> save_file({"w": np.array([1.0, np.nan])}, str(path))
    >>> read_finite_tensors(path, shapes={"w": (2,)})
    Traceback (most recent call last):
    toolkit.errors.InputError: ...t.safetensors: tensor 'w' holds NaN or infinite values
    """
    try:
        tensors = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as err:
        raise InputError(path, f"not a readable safetensors file, truncated or damaged ({err})") from None
    for name, shape in shapes.items():
        if name not in tensors:
            raise InputError(path, f"tensor {name!r} is missing")
        actual = tensors[name].shape
        if len(actual) != len(shape) or any(
            want is not None and want != got for want, got in zip(shape, actual, strict=True)
        ):
            wanted = tuple("any" if want is None else want for want in shape)
            raise InputError(path, f"tensor {name!r} has shape {actual}, expected {wanted}")
        if not np.isfinite(tensors[name]).all():
            raise InputError(path, f"tensor {name!r} holds NaN or infinite values")
    return tensors

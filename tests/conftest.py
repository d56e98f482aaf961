"""Shared fixtures: the repository's own sample and, where present, the shared corpora."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEED_PAGE = REPO / "data" / "raw" / "000_6115d0bf09f38642.txt"


def corpora_dir() -> Path:
    """Where the shared corpora live: $TOOLKIT_CORPORA, else ../shared/corpora beside the clone."""
    return Path(os.environ.get("TOOLKIT_CORPORA", REPO.parent / "shared" / "corpora"))


@pytest.fixture(scope="session")
def corpora() -> Path:
    """The shared corpora folder; tests that need it skip, with the reason, where it is absent."""
    path = corpora_dir()
    if not (path / "README.md").is_file():
        pytest.skip(f"shared corpora not found at {path} (set TOOLKIT_CORPORA to run these tests)")
    return path


@pytest.fixture(scope="session")
def seed_page() -> Path:
    return SEED_PAGE


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory):
    """Keep the embedding cache of test runs (and of the notebooks they execute) out of the user's cache."""
    patch = pytest.MonkeyPatch()
    patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    yield
    patch.undo()

"""A note deleted from a folder leaves the index whatever else in the folder could not be read; what
could not be read keeps what was stored from it (a file that became unreadable is not a deleted one)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from recall_ls.core.indexing import Indexer
from recall_ls.core.sources import notes
from recall_ls.core.sources.base import ImportOptions
from recall_ls.core.store import Store
from tests.helpers import HashingEmbedder, refuse


@pytest.fixture
def indexer(tmp_path: Path):
    store = Store(tmp_path / "index")
    yield Indexer(store, HashingEmbedder())
    store.close()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "notes"
    (root / "journal").mkdir(parents=True)
    (root / "diary.md").write_text("A diary entry I later deleted.\n", encoding="utf-8")
    (root / "garden.md").write_text("Tomatoes want sun and deep watering.\n", encoding="utf-8")
    (root / "journal" / "walks.md").write_text("Long walks along the river in autumn.\n", encoding="utf-8")
    return root


def stored_paths(indexer: Indexer) -> set[str]:
    return {Path(s.fragment.path).name for s in indexer.store.iter_fragments()}


def index(indexer: Indexer, root: Path) -> list:
    return indexer.read_sources(root, ImportOptions())


def _dangling_symlink(root: Path) -> None:
    os.symlink(root / "nowhere.md", root / "broken.md")


def _not_utf8(root: Path) -> None:
    (root / "latin1.md").write_bytes(b"caf\xe9 au lait\n")


@pytest.mark.parametrize("bad_file", [_dangling_symlink, _not_utf8], ids=["dangling symlink", "not utf-8"])
def test_a_deleted_note_leaves_beside_a_bad_file(indexer, folder, bad_file):
    bad_file(folder)
    index(indexer, folder)
    assert stored_paths(indexer) == {"diary.md", "garden.md", "walks.md"}
    (folder / "diary.md").unlink()
    (summary,) = index(indexer, folder)
    assert stored_paths(indexer) == {"garden.md", "walks.md"}
    assert summary.removed == 1


def test_a_dangling_symlink_is_a_skip_not_an_error(indexer, folder):
    _dangling_symlink(folder)
    report = notes.read(folder)
    assert report.skipped == {"broken link": 1}
    assert [(Path(p.path).name, p.message) for p in report.skipped_files] == [("broken.md", "broken link")]
    assert report.errors == []


def test_a_deleted_note_leaves_beside_an_unreadable_file_that_keeps_its_fragments(indexer, folder, monkeypatch):
    index(indexer, folder)
    locked = str(folder / "garden.md")
    refuse(monkeypatch, notes, "read_regular", locked)
    (folder / "diary.md").unlink()
    (summary,) = index(indexer, folder)
    assert summary.errors == [f"{locked}: cannot read: Permission denied"]
    assert stored_paths(indexer) == {"garden.md", "walks.md"}


def test_an_unlistable_folder_keeps_its_notes_and_a_deletion_beside_it_applies(indexer, folder, monkeypatch):
    index(indexer, folder)
    refuse(monkeypatch, notes.os, "scandir", folder / "journal")
    (folder / "diary.md").unlink()
    index(indexer, folder)
    assert stored_paths(indexer) == {"garden.md", "walks.md"}


def test_a_note_that_became_not_utf8_keeps_what_was_stored(indexer, folder):
    index(indexer, folder)
    (folder / "garden.md").write_bytes("Tomatoes want sun and deep watering, caf\u00e9.\n".encode("latin-1"))
    (folder / "diary.md").unlink()
    (summary,) = index(indexer, folder)
    assert any("garden.md: not valid UTF-8" in error for error in summary.errors)
    assert stored_paths(indexer) == {"garden.md", "walks.md"}

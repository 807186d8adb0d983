"""A folder that holds only an archive is the archive's source alone: no empty notes source beside it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from recall_ls.core.indexing import Indexer
from recall_ls.core.sources import read_all
from recall_ls.core.sources.base import ImportOptions
from recall_ls.core.store import Store
from tests.conftest import EXAMPLES
from tests.helpers import HashingEmbedder


@pytest.fixture
def indexer(tmp_path: Path):
    store = Store(tmp_path / "index")
    yield Indexer(store, HashingEmbedder())
    store.close()


def test_a_folder_of_only_an_archive_lists_the_archive_alone(tmp_path, indexer):
    downloads = tmp_path / "downloads"
    shutil.copytree(EXAMPLES / "twitter-archive", downloads / "twitter-archive")
    listed = [(Path(r.path).name, r.kind) for r in read_all(downloads, ImportOptions()) if not r.incidental]
    assert listed == [("twitter-archive", "twitter")]
    summaries = indexer.read_sources(downloads, ImportOptions())
    assert [s.kind for s in summaries] == ["twitter"]
    assert [s["kind"] for s in indexer.store.sources()] == ["twitter"]

    (downloads / "idea.md").write_text("A note beside the archive.\n", encoding="utf-8")
    assert sorted(s.kind for s in indexer.read_sources(downloads, ImportOptions())) == ["notes", "twitter"]
    (downloads / "idea.md").unlink()  # its notes source goes with its last note
    indexer.read_sources(downloads, ImportOptions())
    assert [s["kind"] for s in indexer.store.sources()] == ["twitter"]
    assert all(Path(s.fragment.path).name != "idea.md" for s in indexer.store.iter_fragments())

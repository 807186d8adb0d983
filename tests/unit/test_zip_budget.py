"""A zip is read within a budget: each member Recall reads, and all of them together, may expand only so
far. A zip bomb is one clear error naming it; memory stays bounded by the budget, not by what the zip
would expand to; what was stored from the archive before is kept; the sources after it are still read."""

from __future__ import annotations

import tracemalloc
import zipfile
from pathlib import Path

import pytest

from recall_ls.core.indexing import Indexer
from recall_ls.core.sources import archive, twitter
from recall_ls.core.sources.base import ImportOptions
from recall_ls.core.store import Store
from tests.helpers import HashingEmbedder

ARCHIVE = Path(__file__).resolve().parents[1] / "fixtures" / "twitter" / "archive"
MB = 1_000_000
BOMB_BYTES = 48 * MB


@pytest.fixture
def budget(monkeypatch):
    """Small limits, so that a bomb far past them is quick to build."""
    monkeypatch.setattr(archive, "MAX_MEMBER_BYTES", 1 * MB)
    monkeypatch.setattr(archive, "MAX_ZIP_BYTES", 2 * MB)


def export_zip(target: Path, bomb: bool = False) -> Path:
    """The fixture archive as a downloaded zip; with ``bomb``, its tweets.js is an empty list padded to
    48 MB of spaces (well-formed: read whole, it yields no tweet and no error)."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for path in sorted(ARCHIVE.rglob("*")):
            name = path.relative_to(ARCHIVE).as_posix()
            if path.is_file() and not (bomb and name == "data/tweets.js"):
                out.write(path, name)
        if bomb:
            with out.open("data/tweets.js", "w") as member:
                member.write(b"window.YTD.tweets.part0 = [")
                for _ in range(BOMB_BYTES // MB):
                    member.write(b" " * MB)
                member.write(b"]")
    return target


def test_a_zip_bomb_is_one_clear_error_in_bounded_memory(tmp_path, budget):
    bomb = export_zip(tmp_path / "twitter.zip", bomb=True)
    tracemalloc.start()
    try:
        report = twitter.read(bomb, ImportOptions())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * MB, f"reading took {peak / MB:.0f} MB"
    messages = [str(e) for e in report.errors]
    assert any(m.startswith(f"{bomb}!/data/tweets.js: cannot read: ") and "larger than 1.0 MB" in m
               for m in messages), messages


def test_what_the_budget_counts_is_all_the_members_read(tmp_path, budget):
    path = tmp_path / "two.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as out:
        out.writestr("a.js", b"a" * (MB * 3 // 4))
        out.writestr("b.js", b"b" * (MB * 3 // 4))
        out.writestr("c.js", b"c" * (MB * 3 // 4))
    with archive.ArchiveFiles(path) as files:
        assert len(files.read_bytes("a.js")) == len(files.read_bytes("b.js")) == MB * 3 // 4
        with pytest.raises(OSError, match="larger than 2.0 MB"):
            files.read_bytes("c.js")


def test_a_bomb_keeps_what_was_stored_and_the_next_source_is_read(tmp_path, budget):
    store = Store(tmp_path / "index")
    indexer = Indexer(store, HashingEmbedder())
    try:
        good = export_zip(tmp_path / "twitter.zip")
        (before,) = indexer.read_sources(good, ImportOptions())
        assert before.fragments == 10 and before.errors == []
        export_zip(tmp_path / "twitter.zip", bomb=True)  # the same archive, replaced by a bomb
        notes = tmp_path / "notes"
        notes.mkdir()
        (notes / "later.md").write_text("A note read after the archive.\n", encoding="utf-8")
        result = indexer.index([good, notes], ImportOptions())
        archive_summary, notes_summary = result.sources
        assert archive_summary.errors and archive_summary.removed == 0
        assert len(list(store.iter_fragments(str(good)))) == before.fragments + before.threads  # its threads too
        assert notes_summary.fragments == notes_summary.added == 1
    finally:
        store.close()


def test_running_out_of_memory_on_one_source_is_its_error_and_the_next_is_read(tmp_path, monkeypatch):
    # What a machine with little memory meets with an archive within the budget.
    def no_memory(self, info):
        raise MemoryError

    monkeypatch.setattr(archive.ArchiveFiles, "_read_member", no_memory)
    good = export_zip(tmp_path / "twitter.zip")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "later.md").write_text("A note read after the archive.\n", encoding="utf-8")
    store = Store(tmp_path / "index")
    try:
        archive_summary, notes_summary = Indexer(store, HashingEmbedder()).index([good, notes], ImportOptions()).sources
    finally:
        store.close()
    assert archive_summary.errors == [f"{good}: cannot read: not enough memory"]
    assert notes_summary.fragments == 1

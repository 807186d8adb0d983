"""The index folder: the folders Recall creates are private to the user; a folder that was already
there (``--index-dir``, ``RECALL_INDEX_DIR``, ``indexDir``) is never chmodded, only warned about when
other users can read it."""

from __future__ import annotations

import stat
from pathlib import Path

import numpy as np

from recall_ls.core.index import AnnFiles
from recall_ls.core.session import Session


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_an_existing_shared_folder_keeps_its_mode_and_gets_one_warning(tmp_path: Path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    session = Session(shared)
    try:
        assert mode(shared) == 0o1777  # the sticky bit and the other users' access are kept
        warnings = [p for p in session.problems if p.startswith(f"{shared}: ")]
        assert len(warnings) == 1 and "other users" in warnings[0] and "1777" in warnings[0], session.problems
    finally:
        session.close()


def test_an_existing_private_folder_gives_no_warning(tmp_path: Path):
    mine = tmp_path / "mine"
    mine.mkdir(mode=0o700)
    session = Session(mine)
    try:
        assert session.problems == []
    finally:
        session.close()


def test_every_folder_recall_creates_is_private(tmp_path: Path):
    index_dir = tmp_path / "data" / "recall-ls" / "index"
    session = Session(index_dir)
    try:
        assert [mode(p) for p in (tmp_path / "data", tmp_path / "data" / "recall-ls", index_dir)] == [0o700] * 3
        assert session.problems == []
    finally:
        session.close()
    ann = AnnFiles(index_dir / "ann" / "model", dim=4)
    vectors = np.eye(4, dtype=np.float32)
    ann.build(iter([(np.arange(4, dtype=np.int64), vectors)]), trees=2)
    assert [mode(index_dir / "ann"), mode(index_dir / "ann" / "model")] == [0o700, 0o700]

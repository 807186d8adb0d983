"""Where Recall keeps its index when the user does not say: the per-user data folder."""

from __future__ import annotations

import os
from pathlib import Path


def default_index_dir() -> Path:
    """``$RECALL_INDEX_DIR``, else the platform's per-user data folder (``~/.local/share/recall-ls``)."""
    override = os.environ.get("RECALL_INDEX_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("recall-ls", appauthor=False)) / "index"

"""Where Recall keeps its files when the user does not say: the per-user data and cache folders."""

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


def default_cache_dir() -> Path:
    """``$RECALL_CACHE_DIR``, else the platform's per-user cache folder (``~/.cache/recall-ls``): files
    made from others and made again when missing (the model exported for fast queries)."""
    override = os.environ.get("RECALL_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("recall-ls", appauthor=False))

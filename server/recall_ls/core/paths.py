"""Where Recall keeps its files when the user does not say (the per-user data and cache folders), and
how it makes the folders that hold the index."""

from __future__ import annotations

import os
import stat
from pathlib import Path

# Group and others: read (list the folder) or search (open a file whose name is known: recall.sqlite3).
_OPEN_TO_OTHERS = stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH


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


def ensure_private_dir(path: Path) -> None:
    """Create ``path`` and every missing folder above it, each readable only by the user (past
    writing may include private notes). A folder already there is left as it is: it may be shared,
    and a chmod would take other users' access and a 1777 folder's sticky bit (see ``exposed_warning``)."""
    path = Path(path)
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue  # made meanwhile by another process: not Recall's to change
        os.chmod(folder, 0o700)  # mkdir's mode went through the umask


def exposed_warning(path: Path) -> str | None:
    """What to tell the user, once, when other users can read the index folder ``path``."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return None
    if not mode & _OPEN_TO_OTHERS:
        return None
    return (f"{path}: other users can read this index folder (mode {mode:o}), and your past writing is stored "
            "there; Recall changes no folder it did not create: choose a private index folder, or make this "
            "one private (chmod 700) if it is yours alone")

"""Removing what a model no longer in use left behind: its vectors in the store and its search index.

Vectors are kept per model (a text is embedded once per model), so switching models leaves the old
vectors behind: a 100k archive holds ~150 MB of them per model. Nothing removes them on its own, since
switching back would embed everything again; ``recall-ls prune`` does when the user asks, and
``doctor`` says when there is something to prune.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from recall_ls.core.indexing import ann_folder
from recall_ls.core.store import Store


@dataclass(frozen=True, slots=True)
class Pruned:
    models: dict[str, int]  # model key -> vectors removed
    folders: list[str]  # search index folders removed


def prune_other_models(store: Store, keep: str, dry_run: bool = False) -> Pruned:
    """Remove every model's vectors and search index files but those of ``keep``."""
    others = {model: count for model, count in store.embedding_models().items() if model != keep}
    ann_root = Path(store.index_dir) / "ann"
    kept_folder = ann_folder(store.index_dir, keep)
    folders = [p for p in sorted(ann_root.iterdir()) if p.is_dir() and p != kept_folder] if ann_root.is_dir() else []
    if not dry_run:
        store.remove_embeddings(list(others))
        for folder in folders:
            shutil.rmtree(folder)
    return Pruned(others, [str(p) for p in folders])

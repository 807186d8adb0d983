"""A ready-to-use set of core objects for one index folder: store, embedder, indexer, engine.

The CLI and the language server both build theirs here, so both read and write the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from recall_ls.core.embed import Embedder, resolve_model
from recall_ls.core.engine import Engine
from recall_ls.core.indexing import Indexer
from recall_ls.core.open_documents import forget_orphans
from recall_ls.core.paths import exposed_warning
from recall_ls.core.store import open_store


class Session:
    """Opening one is cheap (the store); the model loads on first use or in ``ready()``."""

    def __init__(
        self,
        index_dir: Path,
        model: str | None = None,
        device: str = "auto",
        build_jobs: int = 1,
        fast_queries: bool = False,
        light_queries: bool = False,
    ) -> None:
        self.store, self.problems = open_store(index_dir)
        if not self.store.read_only:
            forget_orphans(self.store)  # drafts left by an editor or server that exited without closing them
        exposed = exposed_warning(index_dir)
        if exposed:
            self.problems.append(exposed)
        self.embedder = Embedder(resolve_model(model), device, fast_queries=fast_queries, light_queries=light_queries)
        self.indexer = Indexer(self.store, self.embedder, build_jobs=build_jobs)
        self._hidden: frozenset[str] = frozenset(self.store.hidden_ids())
        self.engine = Engine(self.store, self.embedder, self.indexer.snapshot, lambda: self._hidden)

    def ready(self, load_model: bool = True) -> None:
        """Load the model and the saved index: after this, queries answer from what is stored. Without
        ``load_model`` the model loads only if a query needs it (a cold CLI may embed without it)."""
        if load_model:
            self.embedder.load()
        if not self.indexer.is_open:
            self.indexer.open()
            self.problems += self.indexer.problems

    def hide(self, fragment_id: str) -> None:
        """Never show this fragment again (persisted)."""
        self.store.hide(fragment_id)
        self._hidden = frozenset(self.store.hidden_ids())

    def unhide(self, fragment_ids: Sequence[str] | None) -> int:
        """Show these hidden fragments again (None: all of them); how many were hidden."""
        count = self.store.unhide(fragment_ids)
        self._hidden = frozenset(self.store.hidden_ids())
        return count

    def close(self) -> None:
        self.store.close()

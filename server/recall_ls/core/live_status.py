"""What the live index tells about itself: plain values, taken on any thread.

``LiveStatus`` is cheap (from memory; the server pushes it with every change), ``LiveReport`` adds what
the store counts (for a status report). The LSP layer turns them into the wire's dictionaries
(``recall_ls.lsp.wire``); nothing here knows how they are sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from recall_ls.core.indexing import Progress


@dataclass(frozen=True, slots=True)
class Tiers:
    """How complete each search tier is: words once the sources are read, meaning once every
    distinct text is embedded (``embedded`` of ``texts``)."""

    keywords_ready: bool
    fragments: int
    meaning_ready: bool
    embedded: int
    texts: int


@dataclass(frozen=True, slots=True)
class LiveStatus:
    """The live index at a moment; cheap to take (the server pushes it with every change).
    ``message`` is the error in state ``error``, else the tiers in words."""

    state: str
    message: str
    tiers: Tiers
    progress: Progress | None
    revision: int
    pending_documents: int  # document updates queued or being applied: not yet searchable
    searchable: int


@dataclass(frozen=True, slots=True)
class SessionReport:
    """What the open index holds (counted in the store: for a status report, not every change)."""

    index_dir: str
    model_name: str
    model_location: str
    model_loaded: bool
    query_runtime: str | None
    batch_runtime: str | None
    fragments: int
    embedded: int
    hidden: int
    sources: list[dict]  # the store's rows (``Store.sources``), open documents as one more


@dataclass(frozen=True, slots=True)
class LiveReport:
    """Everything the live index can tell about itself; ``session`` is None before the store opens."""

    status: LiveStatus
    error: str | None
    configured_sources: tuple[str, ...]
    session: SessionReport | None

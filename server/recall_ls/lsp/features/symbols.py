"""Search by words and meaning (the ``ranking`` setting) through the editor's symbol picker
(``workspace/symbol``). Fragments come back as symbols: notes at their file and line, tweets at
their line in the archive file with the tweet's URL as the container.
"""

from __future__ import annotations

from lsprotocol import types

from recall_ls.core.fragments import Fragment
from recall_ls.lsp import render
from recall_ls.lsp.server import RecallServer

MAX_SYMBOLS = 50
_KINDS = {"note": types.SymbolKind.String, "tweet": types.SymbolKind.Event, "mastodon": types.SymbolKind.Event}


def register(server: RecallServer) -> None:
    @server.feature(types.WORKSPACE_SYMBOL)
    async def workspace_symbol(ls: RecallServer, params: types.WorkspaceSymbolParams) -> list[types.SymbolInformation]:
        if len(params.query.strip()) < 2:
            return []
        hits = await ls.search(params.query, k=MAX_SYMBOLS)
        return [symbol(hit.fragment) for hit in hits if location(hit.fragment) is not None]


def location(fragment: Fragment) -> types.Location | None:
    """Notes and tweets: their file at their line; a post without lines: its file's first line."""
    path = fragment.path.split("!/")[0]  # a member of a zip: the zip itself
    if not path.startswith("/"):
        return None
    line = max((fragment.line_start or 1) - 1, 0) if "!/" not in fragment.path else 0
    start = types.Position(line=line, character=0)
    return types.Location(uri=render.file_uri(path), range=types.Range(start, start))


def symbol(fragment: Fragment) -> types.SymbolInformation:
    container = " · ".join(x for x in (render.date_of(fragment), fragment.url or fragment.title or "") if x)
    return types.SymbolInformation(
        name=render.snippet(fragment.text, 100),
        kind=_KINDS.get(fragment.kind, types.SymbolKind.String),
        location=location(fragment),
        container_name=container or None,
    )

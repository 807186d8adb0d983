"""``recall/related``: the live list for the paragraph at a position (``{range, items}``)."""

from __future__ import annotations

from lsprotocol import types

from recall_ls.lsp import render
from recall_ls.lsp.server import RELATED_METHOD, RecallServer


def register(server: RecallServer) -> None:
    @server.feature(RELATED_METHOD)
    async def related(ls: RecallServer, params) -> dict:
        position = parse_position_params(ls, params)
        paragraph = ls.paragraph_at(position.text_document.uri, position.position)
        if paragraph is None:
            return {"range": None, "items": []}
        hits = await ls.related(paragraph)
        return {
            "range": ls.converter.unstructure(paragraph.range),
            "items": [render.item(h) for h in hits],
        }


def parse_position_params(ls: RecallServer, params) -> types.TextDocumentPositionParams:
    """Custom requests arrive untyped: check them like the standard ones, with a clear error."""
    from pygls.exceptions import JsonRpcInvalidParams

    try:
        # Plain JSON: the server's converter leaves custom params as parsed (server.py).
        return ls.converter.structure(params, types.TextDocumentPositionParams)
    except Exception as exc:
        raise JsonRpcInvalidParams(f"recall/related expects {{textDocument: {{uri}}, position: {{line, character}}}}: {exc}") from exc

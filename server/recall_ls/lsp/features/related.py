"""``recall/related``: the live list for the paragraph at a position (``{range, items}``)."""

from __future__ import annotations

from lsprotocol import types

from recall_ls.lsp import wire
from recall_ls.lsp.server import RecallServer


def register(server: RecallServer) -> None:
    @server.feature(wire.RELATED)
    async def related(ls: RecallServer, params) -> dict:
        position = parse_position_params(ls, params)
        paragraph = ls.paragraph_at(position.text_document.uri, position.position)
        if paragraph is None:
            return wire.related(None, [], filters=ls.options.filters())
        return wire.related(paragraph.range, await ls.related(paragraph), filters=ls.options.filters())


def parse_position_params(ls: RecallServer, params) -> types.TextDocumentPositionParams:
    """Custom requests arrive untyped: check them like the standard ones, with a clear error."""
    from pygls.exceptions import JsonRpcInvalidParams

    try:
        # Plain JSON: the server's converter leaves custom params as parsed (server.py).
        return ls.converter.structure(params, types.TextDocumentPositionParams)
    except Exception as exc:
        raise JsonRpcInvalidParams(f"{wire.RELATED} expects {{textDocument: {{uri}}, position: {{line, character}}}}: {exc}") from exc

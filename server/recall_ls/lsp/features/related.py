"""``recall/related``: the live list for the paragraph at a position (``{range, items}``); on a blank
line, forgotten gems (``{range: null, items, idle}``, the ``idle`` setting)."""

from __future__ import annotations

from lsprotocol import types

from recall_ls.lsp import wire
from recall_ls.lsp.server import RecallServer


def register(server: RecallServer) -> None:
    @server.feature(wire.RELATED)
    async def related(ls: RecallServer, params) -> dict:
        position = parse_position_params(ls, params)
        return await live_list(ls, position.text_document.uri, position.position.line) or wire.related(None, [], filters=ls.options.filters())


async def live_list(ls: RecallServer, uri: str, line: int, pushed: bool = False) -> dict | None:
    """The live list at a line, asked or ``pushed`` (then naming ``uri``): related to the paragraph
    there, or forgotten gems on a blank line; None where neither (a code block, ``idle`` off)."""
    paragraph = ls.paragraph_at(uri, types.Position(line=line, character=0))
    named, filters = uri if pushed else None, ls.options.filters()
    if paragraph is not None:
        return wire.related(paragraph.range, await ls.related(paragraph), uri=named, filters=filters)
    found = await ls.gems(uri) if ls.blank_at(uri, line) else None
    return wire.gems(found, uri=named, filters=filters) if found is not None else None


def parse_position_params(ls: RecallServer, params) -> types.TextDocumentPositionParams:
    """Custom requests arrive untyped: check them like the standard ones, with a clear error."""
    from pygls.exceptions import JsonRpcInvalidParams

    try:
        # Plain JSON: the server's converter leaves custom params as parsed (server.py).
        return ls.converter.structure(params, types.TextDocumentPositionParams)
    except Exception as exc:
        raise JsonRpcInvalidParams(f"{wire.RELATED} expects {{textDocument: {{uri}}, position: {{line, character}}}}: {exc}") from exc

"""Hover anywhere in a paragraph: its closest past writing, as Markdown. Nothing related: no hover."""

from __future__ import annotations

from lsprotocol import types

from recall_ls.lsp import render
from recall_ls.lsp.server import RecallServer


def register(server: RecallServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: RecallServer, params: types.HoverParams) -> types.Hover | None:
        paragraph = ls.paragraph_at(params.text_document.uri, params.position)
        if paragraph is None:
            return None
        hits = await ls.related(paragraph, k=min(ls.options.top_k, 3))
        if not hits:
            return None
        content = types.MarkupContent(kind=types.MarkupKind.Markdown, value=render.hover_markdown(hits))
        return types.Hover(contents=content, range=paragraph.range)

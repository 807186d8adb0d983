"""Code lens above each paragraph of a few words: ``N related · "best snippet…"``.

Lenses are cheap to list and resolved lazily (one query each, for the lenses the editor shows). The
lens command carries the items so the client can show them without another request.
"""

from __future__ import annotations

from lsprotocol import types

from recall_ls.lsp import render, wire
from recall_ls.lsp.server import RecallServer


def register(server: RecallServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=True))
    def code_lens(ls: RecallServer, params: types.CodeLensParams) -> list[types.CodeLens]:
        if not ls.options.code_lens:
            return []
        uri = params.text_document.uri
        return [
            types.CodeLens(
                range=types.Range(p.range.start, p.range.start),
                data={"uri": uri, "line": p.range.start.line},
            )
            for p in ls.paragraphs_of(uri)
            if p.words >= ls.options.code_lens_min_words
        ]

    @server.feature(types.CODE_LENS_RESOLVE)
    async def resolve(ls: RecallServer, lens: types.CodeLens) -> types.CodeLens:
        data = lens.data if isinstance(lens.data, dict) else {}
        paragraph = ls.paragraph_at(str(data.get("uri")), types.Position(int(data.get("line", -1)), 0))
        hits = await ls.related(paragraph) if paragraph is not None else []
        title = f"{len(hits)} related" + (f" · \"{render.snippet(hits[0].fragment.text, 48)}\"" if hits else "")
        span = paragraph.range if paragraph else None
        payload = wire.related(span, hits, uri=data.get("uri"), filters=ls.options.filters())
        lens.command = types.Command(title=title, command=wire.Commands.SHOW_RELATED, arguments=[payload])
        return lens

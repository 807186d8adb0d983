"""Inline completion (LSP 3.18): the best related fragment as ghost text after the cursor.

Only clients that announce ``textDocument.inlineCompletion`` ask for it; others never see it.
"""

from __future__ import annotations

from lsprotocol import types

from recall_ls.lsp import render
from recall_ls.lsp.server import RecallServer

MIN_WORDS = 3


def register(server: RecallServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, types.InlineCompletionOptions())
    async def inline_completion(
        ls: RecallServer, params: types.InlineCompletionParams
    ) -> types.InlineCompletionList | None:
        paragraph = ls.paragraph_at(params.text_document.uri, params.position)
        if paragraph is None or paragraph.words < MIN_WORDS:
            return None
        hits = await ls.related(paragraph, k=1)
        if not hits:
            return None
        text = render.insertion(hits[0].fragment, ls.options.insert_format)
        # Ghost text starts a new line of its own after the cursor: past writing is a whole thought.
        item = types.InlineCompletionItem(
            insert_text="\n" + text,
            range=types.Range(start=params.position, end=params.position),
        )
        return types.InlineCompletionList(items=[item])

"""Completion: past fragments related to the paragraph being written, inserted per ``insertFormat``.

Editors filter completion items against the word before the cursor. Past writing rarely starts with
that word, so each item's edit range covers the typed word and its filter text starts with it: the
items survive VS Code's and Neovim's filtering, and accepting one replaces the typed word. Clients
that filter on the inserted text instead (Emacs's eglot 1.9 matches the typed word against
``insertText``, or the label without one, with Emacs's completion styles) get an ``insertText`` that
starts with the typed word too; it is never inserted, since every item has a ``textEdit``. The list is
incomplete so the editor asks again as the paragraph grows. Documentation is filled in on resolve.
"""

from __future__ import annotations

import re

from lsprotocol import types

from recall_ls.lsp import render
from recall_ls.lsp.server import RecallServer

_WORD_BEFORE = re.compile(r"[\w'-]*$")


def register(server: RecallServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(resolve_provider=True))
    async def completion(ls: RecallServer, params: types.CompletionParams) -> types.CompletionList:
        uri, cursor = params.text_document.uri, params.position
        paragraph = ls.paragraph_at(uri, cursor)
        if paragraph is None:
            return types.CompletionList(is_incomplete=True, items=[])
        typed = _WORD_BEFORE.search(ls.text_before(uri, cursor)).group(0)
        typed_columns = ls.document(uri).position_codec.client_num_units(typed)
        span = types.Range(start=types.Position(cursor.line, max(cursor.character - typed_columns, 0)), end=cursor)
        hits = await ls.related(paragraph)
        items = [
            types.CompletionItem(
                label=(label := render.snippet(hit.fragment.text, 60)),
                kind=types.CompletionItemKind.Text,
                detail=f"{render.date_of(hit.fragment)} · {render.source_label(hit.fragment)} · {hit.score:.2f}",
                filter_text=f"{typed} {hit.fragment.text}" if typed else hit.fragment.text,
                insert_text=f"{typed} {label}" if typed else label,
                sort_text=f"{rank:03d}",
                preselect=rank == 0,
                text_edit=types.TextEdit(range=span, new_text=render.insertion(hit.fragment, ls.options.insert_format)),
                # A string, not a float: Neovim round-trips item data through Vimscript, which
                # turns fractional numbers into tables that cannot be sent back.
                data={"id": hit.fragment.id, "score": f"{hit.score:.4f}"},
            )
            for rank, hit in enumerate(hits)
        ]
        return types.CompletionList(is_incomplete=True, items=items)

    @server.feature(types.COMPLETION_ITEM_RESOLVE)
    def resolve(ls: RecallServer, item: types.CompletionItem) -> types.CompletionItem:
        data = item.data if isinstance(item.data, dict) else {}
        fragment = ls.fragment(str(data["id"])) if data.get("id") else None
        if fragment is not None:
            from recall_ls.core.engine import Hit

            markdown = render.hit_markdown(Hit(fragment, float(data.get("score", 0.0))), full=True)
            item.documentation = types.MarkupContent(kind=types.MarkupKind.Markdown, value=markdown)
        return item

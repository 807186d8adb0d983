"""Open documents are corpus, and edits drive the live related list.

An opened document's text goes to the live index at once. After an edit settles (``debounceMs``),
the document's text goes to the live index and the paragraph that was edited gets a pushed
``recall/related`` notification (a blank line, its forgotten gems). A newer edit cancels the pending
work for its document, so a storm of changes costs one update. The text goes with its split, the one the keystroke features use, so
the index does not split it again; the code lens refresh follows the index's change, once.
"""

from __future__ import annotations

import asyncio

from lsprotocol import types

from recall_ls.lsp import wire
from recall_ls.lsp.features.related import live_list
from recall_ls.lsp.server import RecallServer, uri_to_path


def register(server: RecallServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: RecallServer, params: types.DidOpenTextDocumentParams) -> None:
        # An open is one event, not a storm of edits: the text joins the corpus without waiting.
        document = params.text_document
        index_document(ls, document.uri, document.version, document.text)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: RecallServer, params: types.DidChangeTextDocumentParams) -> None:
        schedule(ls, params.text_document.uri, edited_line(params.content_changes))

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: RecallServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        pending = ls.debounced.pop(uri, None)
        if pending is not None:
            pending.cancel()
        ls.paragraphs.forget(uri)
        ls.live.close_document(uri, uri_to_path(uri))


def edited_line(changes: list) -> int | None:
    """The 0-based line where the last change ended; None for a whole-text replacement."""
    for change in reversed(changes):
        span = getattr(change, "range", None)
        if span is not None:
            return span.start.line + change.text.count("\n")
    return None


def schedule(ls: RecallServer, uri: str, line: int | None) -> None:
    pending = ls.debounced.pop(uri, None)
    if pending is not None:
        pending.cancel()
        line = line if line is not None else getattr(pending, "recall_line", None)
    task = asyncio.ensure_future(_settle(ls, uri, line))
    task.recall_line = line  # where a cancelled task still owed a pushed list
    ls.debounced[uri] = task


async def _settle(ls: RecallServer, uri: str, line: int | None) -> None:
    await asyncio.sleep(ls.options.debounce_ms / 1000)
    document = ls.document(uri)
    if document is None:
        return
    ls.debounced.pop(uri, None)
    listed = await live_list(ls, uri, line, pushed=True) if line is not None else None
    if listed is not None:
        ls.protocol.notify(wire.RELATED, listed)
    # After the query, not beside it: the writer then finds the edited paragraph's vector made.
    # Code lenses refresh when the writer has applied the text (its ``changed`` event), not now.
    index_document(ls, uri, document.version, document.source)


def index_document(ls: RecallServer, uri: str, version: int | None, text: str) -> None:
    """Hand a document's text to the live index with the split the keystroke features use."""
    path = uri_to_path(uri)
    ls.live.update_document(uri, path, text, ls.paragraphs.split(uri, path, version, text))

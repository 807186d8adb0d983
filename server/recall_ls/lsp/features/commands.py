"""``workspace/executeCommand``: reindex, status, search, hide, insert, and showRelated.

Arguments are checked here and a bad one is a clear ``InvalidParams`` error naming the command.
"""

from __future__ import annotations

from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from recall_ls import __version__
from recall_ls.lsp import render, wire
from recall_ls.lsp.protocol import describe
from recall_ls.lsp.server import RecallServer
from recall_ls.lsp.wire import Commands

MAX_SEARCH_K = 1000  # a panel shows a few dozen; more is a mistake, and every hit is rendered and sent


def register(server: RecallServer) -> None:
    """The index's commands here; those that act on a document in ``_register_document_commands``."""

    @server.command(Commands.REINDEX)
    def reindex(ls: RecallServer, *args: Any) -> dict:
        ls.live.reindex()
        return {"started": True}

    @server.command(Commands.STATUS)
    def status(ls: RecallServer, *args: Any) -> dict:
        open_documents = len(ls.workspace.text_documents)
        return wire.status_report(ls.live.report(), len(ls.debounced), open_documents, ls.options, __version__)

    @server.command(Commands.SEARCH)
    async def search(ls: RecallServer, *args: Any) -> list[dict]:
        query = _argument(args, Commands.SEARCH, "query", str)
        k = _search_k(args)
        return [wire.item(h) for h in await ls.search(query, k)]

    @server.command(Commands.HIDE)
    def hide(ls: RecallServer, *args: Any) -> dict:
        fragment_id = _argument(args, Commands.HIDE, "fragment id", str)
        ls.live.hide(fragment_id)
        return {"hidden": fragment_id}

    _register_document_commands(server)


def _register_document_commands(server: RecallServer) -> None:
    @server.command(Commands.INSERT)
    async def insert(ls: RecallServer, *args: Any) -> dict:
        spec = _argument(args, Commands.INSERT, "{uri, position, id, format?}", dict)
        uri, fragment_id = spec.get("uri"), spec.get("id")
        try:
            position = ls.converter.structure(spec.get("position"), types.Position)
        except Exception as exc:
            raise JsonRpcInvalidParams(f"{Commands.INSERT}: position must be {{line, character}}: {exc}") from exc
        fragment = ls.fragment(fragment_id) if isinstance(fragment_id, str) else None
        if not isinstance(uri, str) or fragment is None:
            raise JsonRpcInvalidParams(f"{Commands.INSERT}: unknown fragment {fragment_id!r} or missing uri")
        style = spec.get("format") if spec.get("format") in ("text", "quote", "link") else ls.options.insert_format
        text = _separated(ls, uri, position, render.insertion(fragment, style), block=style == "quote")
        edit = types.TextEdit(range=types.Range(position, position), new_text=text)
        result = await ls.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(edit=types.WorkspaceEdit(changes={uri: [edit]}))
        )
        return {"applied": bool(result and result.applied)}

    @server.command(Commands.SHOW_RELATED)
    def show_related(ls: RecallServer, *args: Any) -> dict:
        # Clients normally handle the lens command themselves; if one sends it back, push the list.
        payload = _related_payload(ls, _argument(args, Commands.SHOW_RELATED, "{uri, range, items}", dict))
        ls.protocol.notify(wire.RELATED, payload)
        return payload


def _separated(ls: RecallServer, uri: str, position: types.Position, text: str, block: bool) -> str:
    """Keep inserted text off the word before it: a space, or a blank line before a block quote."""
    before = ls.text_before(uri, position)
    if not before.strip():
        return text
    if block:
        return "\n\n" + text + "\n"
    return text if before[-1].isspace() else " " + text


def _search_k(args: tuple) -> int | None:
    """The optional second argument of ``recall.search``: how many hits (None: the ``topK`` setting)."""
    k = args[1] if len(args) > 1 else None
    if k is not None and (isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_SEARCH_K):
        raise JsonRpcInvalidParams(f"{Commands.SEARCH}: k must be a whole number from 1 to {MAX_SEARCH_K}, got {k!r:.80}")
    return k


def _related_payload(ls: RecallServer, payload: dict) -> dict:
    """``{uri, range, items}`` checked (it is pushed to the client as ``recall/related``), and only that."""
    uri, items = payload.get("uri"), payload.get("items")
    problem = None
    if not isinstance(uri, str) or not uri:
        problem = f"uri must be a non-empty string, got {uri!r:.80}"
    elif not isinstance(items, list) or not all(isinstance(i, dict) and isinstance(i.get("id"), str) for i in items):
        problem = f"items must be a list of items, objects with a string id, got {items!r:.80}"
    else:
        try:
            ls.converter.structure(payload.get("range"), types.Range)
        except Exception as exc:
            problem = f"range must be {{start, end}}, each {{line, character}}: {describe(exc)}"
    if problem is not None:
        raise JsonRpcInvalidParams(f"{Commands.SHOW_RELATED}: {problem}")
    return {"uri": uri, "range": payload["range"], "items": items}


def _argument(args: tuple, command: str, what: str, kind: type) -> Any:
    if not args or not isinstance(args[0], kind) or (kind is str and not args[0].strip()):
        raise JsonRpcInvalidParams(f"{command} expects {what} as its first argument, got {list(args)!r}")
    return args[0]

"""``workspace/executeCommand``: reindex, status, search, hide, insert, and showRelated.

Arguments are checked here and a bad one is a clear ``InvalidParams`` error naming the command.
"""

from __future__ import annotations

from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from recall_ls import __version__
from recall_ls.lsp import render
from recall_ls.lsp.features.code_lens import SHOW_RELATED
from recall_ls.lsp.protocol import describe
from recall_ls.lsp.server import RELATED_METHOD, RecallServer

MAX_SEARCH_K = 1000  # a panel shows a few dozen; more is a mistake, and every hit is rendered and sent


def register(server: RecallServer) -> None:
    @server.command("recall.reindex")
    def reindex(ls: RecallServer, *args: Any) -> dict:
        ls.live.reindex()
        return {"started": True}

    @server.command("recall.status")
    def status(ls: RecallServer, *args: Any) -> dict:
        return ls.live.status() | ls.brief_status() | {
            "openDocuments": len(ls.workspace.text_documents),
            "options": {"topK": ls.options.top_k, "minScore": ls.options.min_score, "ranking": ls.options.ranking,
                        "insertFormat": ls.options.insert_format, "debounceMs": ls.options.debounce_ms},
            "version": __version__,
        }

    @server.command("recall.search")
    async def search(ls: RecallServer, *args: Any) -> list[dict]:
        query = _argument(args, "recall.search", "query", str)
        k = _search_k(args)
        return [render.item(h) for h in await ls.search(query, k)]

    @server.command("recall.hide")
    def hide(ls: RecallServer, *args: Any) -> dict:
        fragment_id = _argument(args, "recall.hide", "fragment id", str)
        ls.live.hide(fragment_id)
        return {"hidden": fragment_id}

    @server.command("recall.insert")
    async def insert(ls: RecallServer, *args: Any) -> dict:
        spec = _argument(args, "recall.insert", "{uri, position, id, format?}", dict)
        uri, fragment_id = spec.get("uri"), spec.get("id")
        try:
            position = ls.converter.structure(spec.get("position"), types.Position)
        except Exception as exc:
            raise JsonRpcInvalidParams(f"recall.insert: position must be {{line, character}}: {exc}") from exc
        session = ls.live.session
        stored = session.store.fragment_by_id(fragment_id) if session and isinstance(fragment_id, str) else None
        if not isinstance(uri, str) or stored is None:
            raise JsonRpcInvalidParams(f"recall.insert: unknown fragment {fragment_id!r} or missing uri")
        style = spec.get("format") if spec.get("format") in ("text", "quote", "link") else ls.options.insert_format
        text = _separated(ls, uri, position, render.insertion(stored.fragment, style), block=style == "quote")
        edit = types.TextEdit(range=types.Range(position, position), new_text=text)
        result = await ls.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(edit=types.WorkspaceEdit(changes={uri: [edit]}))
        )
        return {"applied": bool(result and result.applied)}

    @server.command(SHOW_RELATED)
    def show_related(ls: RecallServer, *args: Any) -> dict:
        # Clients normally handle the lens command themselves; if one sends it back, push the list.
        payload = _related_payload(ls, _argument(args, SHOW_RELATED, "{uri, range, items}", dict))
        ls.protocol.notify(RELATED_METHOD, payload)
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
        raise JsonRpcInvalidParams(f"recall.search: k must be a whole number from 1 to {MAX_SEARCH_K}, got {k!r:.80}")
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
        raise JsonRpcInvalidParams(f"{SHOW_RELATED}: {problem}")
    return {"uri": uri, "range": payload["range"], "items": items}


def _argument(args: tuple, command: str, what: str, kind: type) -> Any:
    if not args or not isinstance(args[0], kind) or (kind is str and not args[0].strip()):
        raise JsonRpcInvalidParams(f"{command} expects {what} as its first argument, got {list(args)!r}")
    return args[0]

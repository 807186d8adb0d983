"""``workspace/executeCommand``: reindex, status, search, hide, unhide, hidden, thread, insert, and showRelated.

Arguments are checked here and a bad one is a clear ``InvalidParams`` error naming the command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from recall_ls import __version__
from recall_ls.lsp import render, wire
from recall_ls.lsp.config import INSERT_FORMATS
from recall_ls.lsp.protocol import describe
from recall_ls.lsp.server import RecallServer

if TYPE_CHECKING:
    from recall_ls.core.fragments import Fragment
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

    @server.command(Commands.UNHIDE)
    def unhide(ls: RecallServer, *args: Any) -> dict:
        which = _argument(args, Commands.UNHIDE, 'a fragment id or {"all": true}', str | dict)
        if isinstance(which, dict) and which.get("all") is not True:
            raise JsonRpcInvalidParams(f'{Commands.UNHIDE}: expected a fragment id or {{"all": true}}, got {which!r}')
        return {"unhidden": ls.live.unhide(None if isinstance(which, dict) else [which])}

    @server.command(Commands.HIDDEN)
    def hidden(ls: RecallServer, *args: Any) -> list[dict]:
        return wire.hidden(ls.live.hidden())

    @server.command(Commands.THREAD)
    async def thread(ls: RecallServer, *args: Any) -> dict:
        fragment_id = _argument(args, Commands.THREAD, '{"id": <a fragment id>}', dict).get("id")
        if not isinstance(fragment_id, str) or not fragment_id.strip():
            raise JsonRpcInvalidParams(f"{Commands.THREAD}: id must be a fragment id, got {fragment_id!r:.80}")
        expanded = await ls.thread(fragment_id)
        if expanded is None:
            raise JsonRpcInvalidParams(f"{Commands.THREAD}: no fragment {fragment_id!r:.80} in the index (gone since?)")
        return wire.thread(expanded)

    _register_document_commands(server)


def _register_document_commands(server: RecallServer) -> None:
    @server.command(Commands.INSERT)
    async def insert(ls: RecallServer, *args: Any) -> dict:
        spec = _argument(args, Commands.INSERT, "{uri, position, id, format?, range?}", dict)
        uri, fragment_id = spec.get("uri"), spec.get("id")
        position = _structured(ls, spec, "position", types.Position, "{line, character}")
        selection = _structured(ls, spec, "range", types.Range, "{start, end}") if spec.get("range") else None
        fragment = ls.fragment(fragment_id) if isinstance(fragment_id, str) else None
        if not isinstance(uri, str) or fragment is None:
            raise JsonRpcInvalidParams(f"{Commands.INSERT}: unknown fragment {fragment_id!r} or missing uri")
        style = spec.get("format") if spec.get("format") in INSERT_FORMATS else ls.options.insert_format
        if spec.get("format") == wire.INSERT_THREAD:
            text, style = _thread_text(ls, fragment), "quote"  # a block of its own, as a quote is placed
        else:
            text = render.insertion(fragment, style)
        if selection is not None and selection.start != selection.end:
            edit = types.TextEdit(range=selection, new_text=text)  # a selection is replaced as it is
        else:
            edit = _placed(ls, uri, position, text, style)
        result = await ls.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(edit=types.WorkspaceEdit(changes={uri: [edit]}))
        )
        return {"applied": bool(result and result.applied), "edit": ls.converter.unstructure(edit)}

    @server.command(Commands.SHOW_RELATED)
    def show_related(ls: RecallServer, *args: Any) -> dict:
        # Clients normally handle the lens command themselves; if one sends it back, push the list.
        payload = _related_payload(ls, _argument(args, Commands.SHOW_RELATED, "{uri, range, items}", dict))
        ls.protocol.notify(wire.RELATED, payload)
        return payload


def _thread_text(ls: RecallServer, fragment: Fragment) -> str:
    """The whole self-thread of a post (or of a thread item); a fragment in no thread, as itself."""
    place = fragment.meta.get("thread")
    thread = ls.fragment(place["id"]) if isinstance(place, dict) else None
    return render.thread_insertion(thread or fragment, quoted=ls.options.insert_format == "quote")


def _placed(ls: RecallServer, uri: str, position: types.Position, text: str, style: str) -> types.TextEdit:
    """The edit that puts ``text`` where ``render.placement`` says for a cursor at ``position`` (at the
    cursor, as it is, in a document the server was never sent)."""
    document = ls.document(uri)
    if document is None:
        return types.TextEdit(range=types.Range(position, position), new_text=text)
    lines, codec, row = document.lines, document.position_codec, position.line
    inside = row < len(lines)  # a row past the end: the empty line after a final line break
    line = lines[row] if inside else ""
    character = codec.position_from_client_units(lines, position).character if inside else 0
    place = render.placement(text, style, lines, row, character)
    start, end = (types.Position(row, codec.client_num_units(line[:column])) for column in (place.start, place.end))
    return types.TextEdit(range=types.Range(start, end), new_text=place.text)


def _structured(ls: RecallServer, spec: dict, key: str, kind: type, shape: str) -> Any:
    """``spec[key]`` as an lsprotocol ``kind``, or an ``InvalidParams`` error saying what is wrong."""
    try:
        return ls.converter.structure(spec.get(key), kind)
    except Exception as exc:
        raise JsonRpcInvalidParams(f"{Commands.INSERT}: {key} must be {shape}: {describe(exc)}") from exc


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

"""Recall's wire vocabulary: the names of its own methods and commands, and the shape of every
object it sends beyond LSP's (items, the live list, the status), all in camelCase as LSP's own.

The core hands the LSP layer domain objects (a ``Hit``, the live index's ``LiveStatus`` and
``LiveReport``); this module alone turns them into the dictionaries that go on the wire, so each field
is named once. docs/protocol.md documents these shapes; clients/vscode/src/protocol.ts and
clients/neovim/lua/recall/lsp.lua name them for the clients.

``recall_ls.lsp.bootstrap`` reads the command names before the server is imported, so nothing heavy
is imported here at module level.
"""

from __future__ import annotations

from functools import cache

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: the bootstrap imports this module (see there)
if TYPE_CHECKING:
    from lsprotocol.types import Range

    from recall_ls.core.engine import Filters, Hit
    from recall_ls.core.fragments import Fragment
    from recall_ls.core.gems import Gems
    from recall_ls.core.indexing import Progress
    from recall_ls.core.live_status import LiveReport, LiveStatus, SessionReport, Tiers
    from recall_ls.lsp.config import Options

# Methods: ``recall/related`` is both a request (client to server) and a notification (server to
# client); ``recall/status`` a notification.
RELATED = "recall/related"
STATUS = "recall/status"


class Commands:
    """``workspace/executeCommand`` commands the server runs."""

    REINDEX = "recall.reindex"
    STATUS = "recall.status"
    SEARCH = "recall.search"
    HIDE = "recall.hide"
    UNHIDE = "recall.unhide"  # a fragment id, or {"all": true}
    HIDDEN = "recall.hidden"  # the hidden fragments, to choose what to show again
    INSERT = "recall.insert"
    SHOW_RELATED = "recall.showRelated"  # the code lens command; clients normally run it themselves
    # In the order ``recall_ls.lsp.features.commands`` registers them: pygls lists them so.
    ALL = (REINDEX, STATUS, SEARCH, HIDE, UNHIDE, HIDDEN, INSERT, SHOW_RELATED)


# ``recall.insert``'s format for a whole self-thread, besides the ``insertFormat`` values.
INSERT_THREAD = "thread"


def item(hit: Hit) -> dict:
    """A hit as sent in ``recall/related`` and command results: the core's record of it
    (``Hit.to_dict``, the CLI's JSON too) in camelCase (``createdAt``), and how it reads."""
    from recall_ls.lsp import render  # pulls the core in: not at the bootstrap's import

    fragment = hit.fragment
    return {_camel(key): value for key, value in hit.to_dict().items()} | {
        "file": fragment.path,
        "line": fragment.line_start,
        "snippet": render.leading_snippet(fragment.text, hit.matched),
        "date": render.date_of(fragment),
        "sourceLabel": render.source_label(fragment),
        "relevance": render.relevance(hit.score),
    }


def hidden(listed: list[tuple[str, str, Fragment | None]]) -> list[dict]:
    """``recall.hidden``'s result: each hidden fragment as an item (score 0) with ``hiddenAt``, or,
    when the index no longer holds it, ``{id, hiddenAt, text: null}``."""
    from recall_ls.core.engine import Hit

    return [(item(Hit(fragment, 0.0)) if fragment else {"id": fid, "text": None}) | {"hiddenAt": at}
            for fid, at, fragment in listed]


def related(span: Range | None, hits: list[Hit], uri: str | None = None, filters: Filters | None = None) -> dict:
    """``{range, items}`` (the ``recall/related`` reply), with ``uri`` when pushed or in a lens, and
    ``filters`` when the filters in effect narrow what it holds."""
    listed = {"range": range_(span) if span is not None else None, "items": [item(h) for h in hits]}
    if filters is not None and filters.active:
        listed["filters"] = narrowing(filters)
    return {"uri": uri} | listed if uri is not None else listed


def narrowing(filters: Filters) -> dict:
    """The related list's ``filters``: the kinds kept (null: all of them) and the dates, as the
    settings say them, and the ``label`` both editors show (``render.filters_label``)."""
    from recall_ls.core.defaults import KIND_MEANINGS
    from recall_ls.lsp import render

    kinds = filters.narrowing_kinds
    return {"kinds": [kind for kind in KIND_MEANINGS if kind in kinds] if kinds else None,
            "since": filters.since, "until": filters.until, "label": render.filters_label(filters)}


def gems(found: Gems, uri: str | None = None, filters: Filters | None = None) -> dict:
    """The ``recall/related`` reply for a blank paragraph: forgotten gems (``core/gems.py``) with no
    range, each item's relevance its age (level 0: nothing was asked), and ``idle: {mode, label}``."""
    from recall_ls.lsp import render

    items = [item(hit) | {"relevance": render.age_relevance(hit.fragment, found.day)} for hit in found.hits]
    return related(None, [], uri, filters) | {"items": items, "idle": {"mode": found.mode, "label": render.idle_label(found)}}


def range_(span: Range) -> dict:
    """An LSP range as JSON, without asking pygls's converter (which this module does not hold)."""
    return {"start": {"line": span.start.line, "character": span.start.character},
            "end": {"line": span.end.line, "character": span.end.character}}


def status(live: LiveStatus, debounced: int) -> dict:
    """The ``recall/status`` notification. ``pending`` counts edits not yet indexed: those still
    waiting for typing to pause (``debounced``) and those the live index has not applied."""
    return {
        "state": live.state,
        "message": live.message,
        "tiers": tiers(live.tiers),
        "percent": live.progress.percent if live.progress else None,
        "revision": live.revision,
        "pending": debounced + live.pending_documents,
        "searchable": live.searchable,
    }


def tiers(counts: Tiers) -> dict:
    return {
        "keywords": {"ready": counts.keywords_ready, "fragments": counts.fragments},
        "meaning": {"ready": counts.meaning_ready, "embedded": counts.embedded, "total": counts.texts},
    }


def status_report(report: LiveReport, debounced: int, open_documents: int, options: Options, version: str) -> dict:
    """The ``recall.status`` command's result: the notification's fields and the rest."""
    reply = status(report.status, debounced) | {
        "error": report.error,
        "indexing": progress(report.status.progress),
        "configuredSources": list(report.configured_sources),
        "openDocuments": open_documents,
        "options": settings(options),
        "version": version,
    }
    return reply | _session(report.session) if report.session is not None else reply


def progress(step: Progress | None) -> dict | None:
    if step is None:
        return None
    return {"stage": step.stage, "done": step.done, "total": step.total, "percent": step.percent,
            "message": step.message}


def _session(opened: SessionReport) -> dict:
    return {
        "indexDir": opened.index_dir,
        "model": {"name": opened.model_name, "location": opened.model_location, "loaded": opened.model_loaded,
                  "queries": opened.query_runtime, "batches": opened.batch_runtime},
        "fragments": opened.fragments,
        "embedded": opened.embedded,
        "hidden": opened.hidden,
        "sources": [source(row) for row in opened.sources],
    }


def source(row: dict) -> dict:
    """A source as the store keeps it (``Store.sources``), and its last read's report as stored, with
    their names in camelCase (``indexedAt``, ``lastRead.skippedFiles``): a report stored by another
    version of Recall may hold other fields, and they go as they are, renamed alike."""
    reply = {_camel(key): value for key, value in row.items()}
    if isinstance(reply.get("lastRead"), dict):
        reply["lastRead"] = {_camel(key): value for key, value in reply["lastRead"].items()}
    return reply


def settings(options: Options) -> dict:
    """Every setting in effect, by its wire name (``core/settings.py`` names them)."""
    from recall_ls.core.settings import schema

    return {spec.wire: _plain(getattr(options, spec.name)) for spec in schema(type(options))}


def _plain(value):
    return list(value) if isinstance(value, tuple) else value


@cache  # a handful of names, renamed for every item of every keystroke's list
def _camel(name: str) -> str:
    from recall_ls.core.settings import camel

    return camel(name)

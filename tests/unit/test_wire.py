"""The wire vocabulary: what the server sends beyond LSP is built from the core's objects in one
module (``recall_ls.lsp.wire``), every field in camelCase."""

from recall_ls.core.engine import Hit
from recall_ls.core.indexing import Progress
from recall_ls.core.live_status import LiveReport, LiveStatus, SessionReport, Tiers
from recall_ls.lsp import wire
from recall_ls.lsp.config import DEFAULTS
from tests.helpers import fragment

TIERS = Tiers(keywords_ready=True, fragments=12, meaning_ready=False, embedded=3, texts=10)


def snake_keys(value) -> list[str]:
    """Every key, at any depth, with an underscore in it (the values of ``skipped`` are reasons, not fields)."""
    if isinstance(value, list):
        return [key for entry in value for key in snake_keys(entry)]
    if not isinstance(value, dict):
        return []
    found = [key for key in value if "_" in key]
    for key, inner in value.items():
        if key != "skipped":
            found += snake_keys(inner)
    return found


def live_status(**changes) -> LiveStatus:
    fields = {"state": "indexing", "message": "keywords ready, meaning 30%", "tiers": TIERS, "revision": 7,
              "progress": Progress("embedding", 3, 10, "3/10 texts"), "pending_documents": 1, "searchable": 3}
    return LiveStatus(**(fields | changes))


def test_an_item_names_every_field_in_camel_case():
    hit = Hit(fragment("tweet:1", "the Zeppelin over the lake", created_at="2024-06-25T05:00:00+00:00", line=3),
              0.61234, matched=("Zeppelin",))
    sent = wire.item(hit)
    assert sent["createdAt"] == "2024-06-25T05:00:00+00:00" and sent["sourceLabel"] == "tweet"
    assert sent["score"] == 0.6123 and sent["line"] == 3 and sent["matched"] == ["Zeppelin"]
    assert sent["relevance"] == {"level": 3, "label": "close"}
    assert snake_keys(sent) == []


def test_a_post_of_a_thread_names_its_place_and_its_thread():
    first = {"id": "tweet:1", "snippet": "The first post", "url": "https://x.com/me/status/1"}
    place = {"id": "thread:tweet:1", "position": 3, "length": 7, "first": first}
    sent = wire.item(Hit(fragment("tweet:3", "the third post", thread=place), 0.5))
    assert sent["sourceLabel"] == "thread · 3 of 7" and sent["thread"] == place
    whole = wire.item(Hit(fragment("thread:tweet:1", "all seven", kind="thread", thread=place | {"position": 0}), 0.5))
    assert whole["sourceLabel"] == "thread · 7 posts"
    alone = wire.item(Hit(fragment("tweet:9", "no thread"), 0.5, duplicates=2))
    assert alone["thread"] is None and alone["sourceLabel"] == "tweet" and alone["duplicates"] == 2


def test_the_status_counts_debounced_edits_as_pending():
    sent = wire.status(live_status(), debounced=2)
    assert sent["pending"] == 3 and sent["percent"] == 30 and sent["revision"] == 7
    assert sent["tiers"] == {"keywords": {"ready": True, "fragments": 12},
                             "meaning": {"ready": False, "embedded": 3, "total": 10}}
    assert wire.status(live_status(progress=None), debounced=0)["percent"] is None


def test_the_status_report_renames_the_stores_rows_too():
    row = {"path": "/notes", "kind": "notes", "indexed_at": "2026-11-26T23:12:55+00:00", "fragments": 2,
           "last_read": {"path": "/notes", "skipped": {"hidden_folder": 1}, "skipped_files": ["/notes/a.md"],
                         "errors": []}}
    opened = SessionReport(index_dir="/idx", model_name="m", model_location="/m", model_loaded=True,
                           query_runtime="onnxruntime", batch_runtime="torch", fragments=2, embedded=1, hidden=0,
                           sources=[row, {"path": "open documents", "kind": "open-documents", "fragments": 1}])
    report = LiveReport(live_status(), None, ("/notes",), opened)
    sent = wire.status_report(report, debounced=0, open_documents=1, options=DEFAULTS, version="0.1.0")
    assert sent["sources"][0] == {"path": "/notes", "kind": "notes", "indexedAt": "2026-11-26T23:12:55+00:00",
                                  "fragments": 2, "lastRead": {"path": "/notes", "skipped": {"hidden_folder": 1},
                                                               "skippedFiles": ["/notes/a.md"], "errors": []}}
    assert sent["sources"][1] == {"path": "open documents", "kind": "open-documents", "fragments": 1}
    assert sent["indexing"] == {"stage": "embedding", "done": 3, "total": 10, "percent": 30, "message": "3/10 texts"}
    assert sent["model"]["queries"] == "onnxruntime" and sent["indexDir"] == "/idx"
    assert sent["options"]["topK"] == DEFAULTS.top_k and sent["configuredSources"] == ["/notes"]
    assert snake_keys(sent) == []


def test_before_the_store_opens_the_report_is_the_status_alone():
    report = LiveReport(live_status(state="error", message="no model"), "no model", (), None)
    sent = wire.status_report(report, debounced=0, open_documents=0, options=DEFAULTS, version="0.1.0")
    assert sent["error"] == "no model" and sent["message"] == "no model" and "sources" not in sent

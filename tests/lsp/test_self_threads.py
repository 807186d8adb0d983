"""Self-threads through a real server and the real model, under VS Code's and Neovim's capabilities:
a draft that paraphrases a whole thread finds the thread first, a post's item names its thread,
``recall.thread`` reads it back whole (for the panels' expand in place) and ``recall.insert`` with
``format: "thread"`` inserts it.

The example archive holds one self-thread of two posts, about a commonplace book kept in plain text.
"""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from tests.lsp.conftest import plain

pytestmark = [pytest.mark.model, pytest.mark.asyncio(loop_scope="module")]

FIRST, SECOND = "tweet:1850000000000090000", "tweet:1850000000000091000"
THREAD = f"thread:{FIRST}"
# The whole thread in other words: what the first post says (a commonplace book in plain text) and
# what the second adds (indexing it by hand is when connections show).
PARAPHRASE = ("My commonplace notebook lives in plain text files, and I write its index myself, "
              "because filing each entry by hand is the moment I notice how ideas connect.")


async def command(client: LanguageClient, name: str, *arguments):
    return await client.workspace_execute_command_async(types.ExecuteCommandParams(command=name, arguments=list(arguments)))


async def open_doc(client: LanguageClient, name: str, text: str) -> str:
    path = client.workspace_path / "drafts" / name
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)))
    return uri


async def test_a_draft_paraphrasing_a_whole_thread_gets_the_thread_first(client: LanguageClient):
    uri = await open_doc(client, "paraphrase.md", f"# Notes\n\n{PARAPHRASE}\n")
    result = plain(await client.protocol.send_request_async(
        "recall/related", {"textDocument": {"uri": uri}, "position": {"line": 2, "character": 5}}))
    first = result["items"][0]
    assert first["thread"]["id"] == THREAD, [(item["id"], item["score"]) for item in result["items"]]
    # One item for the thread and its posts: no other item of the thread follows.
    assert [item["id"] for item in result["items"] if (item.get("thread") or {}).get("id") == THREAD] == [first["id"]]
    assert first["sourceLabel"] in ("thread · 1 of 2", "thread · 2 of 2", "thread · 2 posts")


async def test_a_posts_item_names_its_thread(client: LanguageClient):
    items = await command(client, "recall.search", "write the index by hand, filing is when you notice connections")
    second = next(item for item in items if item["id"] == SECOND)
    assert second["sourceLabel"] == "thread · 2 of 2"
    assert second["thread"]["id"] == THREAD and second["thread"]["position"] == 2 and second["thread"]["length"] == 2
    first = second["thread"]["first"]
    assert first["id"] == FIRST and first["snippet"].startswith("Wrote up how I keep a commonplace book")
    assert first["url"].endswith("/status/1850000000000090000")


async def test_the_thread_command_reads_a_thread_whole_in_order(client: LanguageClient):
    for asked in (SECOND, FIRST, THREAD):
        whole = await command(client, "recall.thread", {"id": asked})
        assert (whole["id"], whole["length"], whole["gaps"], whole["hidden"]) == (THREAD, 2, 0, 0)
        assert [post["id"] for post in whole["posts"]] == [FIRST, SECOND]
        assert [post["sourceLabel"] for post in whole["posts"]] == ["thread · 1 of 2", "thread · 2 of 2"]
    # A fragment in no thread comes back alone; a hidden post is left out, and counted.
    alone = await command(client, "recall.thread", {"id": "tweet:1850000000000018000"})
    assert alone["id"] is None and [post["id"] for post in alone["posts"]] == ["tweet:1850000000000018000"]
    await command(client, "recall.hide", FIRST)
    try:
        partial = await command(client, "recall.thread", {"id": SECOND})
        assert [post["id"] for post in partial["posts"]] == [SECOND] and partial["hidden"] == 1
    finally:
        await command(client, "recall.unhide", FIRST)


async def test_the_thread_command_names_what_was_wrong(client: LanguageClient):
    with pytest.raises(JsonRpcException, match=r"recall.thread expects \{\"id\""):
        await command(client, "recall.thread", SECOND)  # the id alone, not in an object
    with pytest.raises(JsonRpcException, match="recall.thread: id must be a fragment id"):
        await command(client, "recall.thread", {"id": 7})
    with pytest.raises(JsonRpcException, match="recall.thread: no fragment 'tweet:404' in the index"):
        await command(client, "recall.thread", {"id": "tweet:404"})


async def test_insert_as_thread_puts_the_whole_thread_in(client: LanguageClient):
    uri = await open_doc(client, "insert-thread.md", "start\n")
    spec = {"uri": uri, "position": {"line": 1, "character": 0}, "id": SECOND, "format": "thread"}
    assert (await command(client, "recall.insert", spec))["applied"]
    edit = client.recorder.applied_edits[-1].edit.changes[uri][0]
    text = edit.new_text
    # Both posts, in order, each a paragraph (the reply without its leading @mention), then the link
    # to the first post.
    opening, rest = text.index("Wrote up how I keep a commonplace book"), text.index("The trick is to write the index")
    assert opening < rest and "@sample_writer" not in text
    assert text.rstrip().endswith("(https://x.com/sample_writer/status/1850000000000090000)")

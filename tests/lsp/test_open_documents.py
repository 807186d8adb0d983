"""Open documents outside the sources: part of the corpus while open, never after their server is gone,
and keyed by their whole path."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from lsprotocol import types

from tests.lsp.conftest import CLIENTS, SERVER, make_workspace, search, start, status

pytestmark = pytest.mark.model

DRAFT = "Zanzibarian quokkas juggle marmalade jars while the tide goes out."


async def open_and_settle(client, path, text: str) -> None:
    recorder = client.recorder
    before = recorder.status[-1]["revision"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(path.as_uri(), "markdown", 1, text))
    )
    await recorder.wait_for(recorder.status, lambda s: s["pending"] == 0 and s["revision"] > before)


@pytest.mark.parametrize("spec", CLIENTS)
async def test_a_draft_open_when_its_server_is_killed_is_gone_after_a_restart(spec, tmp_path):
    workspace, index_dir = make_workspace(tmp_path), tmp_path / "index"
    first = await SERVER.start()
    await start(first, spec, workspace, index_dir)
    await open_and_settle(first, workspace / "drafts" / "draft.md", DRAFT)
    assert any(DRAFT in hit["text"] for hit in await search(first, "quokkas juggle marmalade"))
    entry = [s for s in (await status(first))["sources"] if s["kind"] == "open-documents"]
    assert entry and entry[0]["fragments"] == 1  # recall.status lists what open documents hold
    first._server.kill()  # no didClose, no shutdown: as a crash, kill -9 or Eglot's exit leaves it
    await first._server.wait()

    # The CLI, before any server starts again, and then a new server: the draft is not found.
    cli = subprocess.run(
        [sys.executable, "-m", "recall_ls", "search", "quokkas juggle marmalade", "--ranking", "keyword",
         "--index-dir", str(index_dir), "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert cli.returncode == 0, cli.stderr
    assert not any(DRAFT in hit["text"] for hit in json.loads(cli.stdout))
    second = await SERVER.start()
    try:
        await start(second, spec, workspace, index_dir)
        assert not any(DRAFT in hit["text"] for hit in await search(second, "quokkas juggle marmalade"))
        assert not [s for s in (await status(second))["sources"] if s["kind"] == "open-documents"]
    finally:
        await second.shutdown_session()


@pytest.mark.parametrize("spec", CLIENTS)
async def test_two_open_documents_of_the_same_name_in_different_folders(spec, tmp_path):
    workspace, index_dir = make_workspace(tmp_path), tmp_path / "index"
    client = await SERVER.start()
    try:
        await start(client, spec, workspace, index_dir)
        shared = f"{DRAFT}\n\nA paragraph of its own in "
        await open_and_settle(client, workspace / "drafts" / "a" / "notes.md", shared + "the first folder.\n")
        await open_and_settle(client, workspace / "drafts" / "b" / "notes.md", shared + "the second folder.\n")
        assert not [m.message for m in client.messages if "internal error" in m.message or "UNIQUE" in m.message]
        entry = [s for s in (await status(client))["sources"] if s["kind"] == "open-documents"]
        assert entry[0]["fragments"] == 4
        found = await search(client, "paragraph of its own second folder")
        assert any(hit["text"] == "A paragraph of its own in the second folder." for hit in found)
    finally:
        await client.shutdown_session()

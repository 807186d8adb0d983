"""Server lifecycles: what persists across restarts, and how settings from every layer apply.

Each test starts its own servers (under both clients' capabilities), so they cost a model load each.
"""

from __future__ import annotations

import asyncio
import random

import pytest
from lsprotocol import types

from tests.lsp.conftest import CLIENTS, SERVER, make_workspace, search, start, status

pytestmark = pytest.mark.model


async def run_server(spec, workspace, index_dir, **settings):
    client = await SERVER.start()
    await start(client, spec, workspace, index_dir, **settings)
    return client


@pytest.mark.parametrize("spec", CLIENTS)
async def test_hide_persists_across_a_restart(spec, tmp_path):
    workspace, index_dir = make_workspace(tmp_path), tmp_path / "index"
    first = await run_server(spec, workspace, index_dir)
    try:
        hits = await search(first, "baking bread with a long fermentation")
        hidden = hits[0]["id"]
        assert "Sourdough" in hits[0]["text"]
        await first.workspace_execute_command_async(types.ExecuteCommandParams(command="recall.hide", arguments=[hidden]))
        assert hidden not in [h["id"] for h in await search(first, "baking bread with a long fermentation")]
    finally:
        await first.shutdown_session()
    second = await run_server(spec, workspace, index_dir)
    try:
        assert hidden not in [h["id"] for h in await search(second, "baking bread with a long fermentation")]
        assert (await status(second))["hidden"] == 1
        # A restart re-reads the sources but embeds nothing again: every text was stored.
        assert (await status(second))["searchable"] == (await status(second))["fragments"]
        # A hidden fragment is listed, and can be shown again: by id, or all of them at once.
        listed = await command(second, "recall.hidden")
        assert [(h["id"], "Sourdough" in h["text"]) for h in listed] == [(hidden, True)] and listed[0]["hiddenAt"]
        assert await command(second, "recall.unhide", hidden) == {"unhidden": 1}
        assert hidden in [h["id"] for h in await search(second, "baking bread with a long fermentation")]
        await command(second, "recall.hide", hidden)
        assert await command(second, "recall.unhide", {"all": True}) == {"unhidden": 1}
        assert await command(second, "recall.hidden") == [] and (await status(second))["hidden"] == 0
    finally:
        await second.shutdown_session()


async def command(client, name: str, *arguments):
    return await client.workspace_execute_command_async(types.ExecuteCommandParams(command=name, arguments=list(arguments)))


@pytest.mark.parametrize("spec", CLIENTS)
async def test_bad_settings_are_reported_and_defaults_used(spec, tmp_path):
    workspace, index_dir = make_workspace(tmp_path), tmp_path / "index"
    client = await run_server(spec, workspace, index_dir, topK="many", insertFormat="bold", colour="blue")
    try:
        messages = " ".join(m.message for m in client.messages)
        assert "recall.topK" in messages and "using the default 8" in messages
        assert "recall.insertFormat" in messages and "recall.colour is not a Recall setting" in messages
        options = (await status(client))["options"]
        assert options["topK"] == 8 and options["insertFormat"] == "text"
        assert await search(client, "baking bread with a long fermentation")  # the rest still works
    finally:
        await client.shutdown_session()


@pytest.mark.parametrize("spec", CLIENTS)
async def test_recall_toml_applies_under_the_client_settings(spec, tmp_path):
    workspace, index_dir = make_workspace(tmp_path), tmp_path / "index"
    (workspace / "recall.toml").write_text('insertFormat = "quote"\ntopK = 3\n', encoding="utf-8")
    client = await run_server(spec, workspace, index_dir, topK=4)
    try:
        options = (await status(client))["options"]
        assert options["insertFormat"] == "quote"  # from the file
        assert options["topK"] == 4  # the client's settings win over the file
    finally:
        await client.shutdown_session()


async def test_settings_pushed_with_did_change_configuration_apply(tmp_path):
    """Neovim-style clients push the new settings in the notification itself."""
    workspace, index_dir = make_workspace(tmp_path), tmp_path / "index"
    client = await run_server("neovim", workspace, index_dir)
    try:
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"recall": {"sources": [str(workspace / "archive"), str(workspace / "notes")],
                                 "indexDir": str(index_dir), "topK": 2}}))
        for _ in range(200):  # request round trips until the notification has been handled
            if (await status(client))["options"]["topK"] == 2:
                break
            await asyncio.sleep(0)
        assert (await status(client))["options"]["topK"] == 2
        assert len(await search(client, "writing habits and daily practice")) <= 2
    finally:
        await client.shutdown_session()


@pytest.mark.parametrize("spec", CLIENTS)
async def test_a_missing_source_is_named_once_in_its_message(spec, tmp_path):
    workspace, index_dir = make_workspace(tmp_path), tmp_path / "index"
    missing = tmp_path / "no-such-notes"
    client = await run_server(spec, workspace, index_dir, sources=[str(workspace / "notes"), str(missing)])
    try:
        told = [m.message for m in client.messages if str(missing) in m.message]
        assert len(told) == 1 and told[0].count(str(missing)) == 1, told  # was "…/x: …/x: does not exist"
        assert told[0].endswith(f"{missing}: does not exist")
    finally:
        await client.shutdown_session()


@pytest.mark.parametrize("spec", CLIENTS)
async def test_a_broken_source_is_reported_once_and_the_rest_works(spec, tmp_path):
    workspace, index_dir = make_workspace(tmp_path), tmp_path / "index"
    broken = workspace / "broken" / "data"
    broken.mkdir(parents=True)
    (broken / "tweets.js").write_text('window.YTD.tweets.part0 = [ {"tweet": {"id_str": "1", "full_te', encoding="utf-8")
    client = await run_server(spec, workspace, index_dir,
                              sources=[str(workspace / "archive"), str(workspace / "notes"), str(workspace / "broken")])
    try:
        def about_broken():
            return [m for m in client.messages if "broken" in m.message and "tweets.js" in m.message]

        assert len(about_broken()) == 1 and about_broken()[0].type == types.MessageType.Warning
        recorder = client.recorder
        seen = len(recorder.status)
        await client.workspace_execute_command_async(types.ExecuteCommandParams(command="recall.reindex"))
        await recorder.wait_for(recorder.status, lambda s: s["state"] == "ready", start=seen + 1)
        assert len(about_broken()) == 1  # once, not at every reindex
        assert await search(client, "baking bread with a long fermentation")
    finally:
        await client.shutdown_session()


async def test_serves_over_tcp(tmp_path):
    import socket
    import subprocess
    import sys

    from pytest_lsp import LanguageClient, client_capabilities

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "recall_ls", "serve", "--tcp", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = LanguageClient()
    try:
        for _ in range(600):  # until the server listens: each try is a refused connection, not a sleep
            try:
                await client.start_tcp("127.0.0.1", port)
                break
            except OSError:
                await asyncio.sleep(0.05)
        result = await client.initialize_session(types.InitializeParams(
            capabilities=client_capabilities("neovim"), initialization_options={"indexDir": str(tmp_path / "index")}))
        assert result.capabilities.hover_provider and result.capabilities.workspace_symbol_provider
        await client.shutdown_session()
    finally:
        server.kill()
        server.wait()


@pytest.mark.parametrize("spec", CLIENTS)
async def test_a_read_only_index_folder_keeps_serving(spec, tmp_path, small_filesystem):
    import subprocess

    workspace, index_dir = make_workspace(tmp_path), small_filesystem / "index"
    first = await run_server(spec, workspace, index_dir)
    await first.shutdown_session()
    subprocess.run(["mount", "-o", "remount,ro", str(small_filesystem)], check=True)
    client = await run_server(spec, workspace, index_dir)
    try:
        assert [m for m in client.messages if "read-only" in m.message]
        hits = await search(client, "baking bread with a long fermentation")
        assert hits and "Sourdough" in hits[0]["text"]
    finally:
        await client.shutdown_session()


@pytest.mark.parametrize("spec", CLIENTS)
async def test_a_damaged_search_index_is_told_never_loaded_and_rebuilt(spec, tmp_path, monkeypatch):
    monkeypatch.setenv("RECALL_ANN_MIN_ITEMS", "10")  # the example corpus gets an annoy file
    workspace, index_dir = make_workspace(tmp_path), tmp_path / "index"
    first = await run_server(spec, workspace, index_dir)
    await first.shutdown_session()
    (ann,) = (index_dir / "ann").glob("*/gen-*.ann")
    data = bytearray(ann.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 4096] = random.Random(16).randbytes(4096)  # same size
    ann.write_bytes(bytes(data))
    client = await run_server(spec, workspace, index_dir)
    try:
        assert [m for m in client.messages if str(ann) in m.message and "search index is damaged" in m.message]
        draft = workspace / "drafts" / "bread.md"
        draft.write_text("Baking bread with a long fermentation.\n", encoding="utf-8")
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=draft.as_uri(), language_id="markdown", version=1, text=draft.read_text())))
        # On the code before the checksum, the server died here, with no message.
        await client.text_document_hover_async(types.HoverParams(
            types.TextDocumentIdentifier(draft.as_uri()), types.Position(0, 3)))
        hits = await search(client, "baking bread with a long fermentation")
        past = [hit for hit in hits if hit["kind"] == "tweet"]  # the open draft, that very text, may come first
        assert past and "Sourdough" in past[0]["text"]
        assert not ann.exists() and len(list((index_dir / "ann").glob("*/gen-*.ann"))) == 1  # rebuilt
    finally:
        await client.shutdown_session()

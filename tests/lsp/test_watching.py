"""Live sources: notes changed on disk are followed by a real server (watchdog), storms included.

Every wait is on the server's ``recall/status`` notifications (pushed after each applied change), with
a generous timeout; nothing is timed.
"""

from __future__ import annotations

import shutil

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.conftest import CLIENTS, SERVER, WAIT, make_workspace, start

pytestmark = [pytest.mark.model, pytest.mark.asyncio(loop_scope="module")]


@pytest_lsp.fixture(config=SERVER, params=CLIENTS, scope="module")
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp(f"watch-{request.param}")
    workspace = make_workspace(root)
    lsp_client.notes = workspace / "notes"
    lsp_client.root = root
    await start(lsp_client, request.param, workspace, root / "index")
    yield
    await lsp_client.shutdown_session()


async def status(client) -> dict:
    return await client.workspace_execute_command_async(types.ExecuteCommandParams(command="recall.status"))


async def search(client, query: str) -> list[dict]:
    return await client.workspace_execute_command_async(types.ExecuteCommandParams(command="recall.search",
                                                                                   arguments=[query]))


async def until(client, check, timeout: float = WAIT):
    """Ask ``check`` (an async predicate) again after every corpus change the server reports."""
    recorder = client.recorder
    while True:
        seen = len(recorder.status)
        result = await check()
        if result:
            return result
        await recorder.wait_for(recorder.status, lambda s: True, timeout=timeout, start=seen)


def finds(client, query: str, needle: str, path_end: str | None = None):
    async def check():
        hits = [h for h in await search(client, query) if needle in h["text"]]
        return hits if hits and (path_end is None or hits[0]["file"].endswith(path_end)) else None
    return check


def lacks(client, query: str, needle: str):
    async def check():
        return all(needle not in h["text"] for h in await search(client, query))
    return check


async def test_a_new_note_is_found_then_edits_renames_and_deletes_follow(client: LanguageClient):
    note = client.notes / "kayak.md"
    note.write_text("# Trip\n\nPaddling a sea kayak along the fjord at dawn, seals watching from the rocks.\n")
    hits = await until(client, finds(client, "canoeing on a Norwegian inlet early morning", "sea kayak", "kayak.md"))
    assert hits[0]["line"] == 3

    note.write_text("# Trip\n\nClimbing the glacier with crampons and an ice axe, roped to the guide.\n")
    await until(client, finds(client, "mountaineering on ice with a guide", "glacier"))
    await until(client, lacks(client, "canoeing on a Norwegian inlet early morning", "sea kayak"))

    embedded = (await status(client))["embedded"]
    moved = client.notes / "garden" / "glacier-trip.md"
    note.rename(moved)
    await until(client, finds(client, "mountaineering on ice with a guide", "glacier", "garden/glacier-trip.md"))
    assert (await status(client))["embedded"] == embedded  # a move keeps its embeddings

    moved.unlink()
    await until(client, lacks(client, "mountaineering on ice with a guide", "glacier"))


async def test_a_note_that_stops_reading_keeps_what_was_stored_from_it(client: LanguageClient):
    note = client.notes / "orchard.md"
    note.write_text("Grafting apple trees in the old orchard, wax and twine on every cut.\n")
    await until(client, finds(client, "grafting fruit trees", "Grafting apple trees", "orchard.md"))
    note.write_bytes(b"Grafting pear trees \xff\xfe in the orchard.\n")  # no longer UTF-8

    async def told():
        return any("orchard.md" in m.message and "UTF-8" in m.message for m in client.messages)

    await until(client, told)
    # As a full read does: what could not be read is not taken for deleted.
    assert await finds(client, "grafting fruit trees", "Grafting apple trees", "orchard.md")()
    note.unlink()
    await until(client, lacks(client, "grafting fruit trees", "Grafting apple trees"))


async def test_a_folder_moved_in_is_read(client: LanguageClient):
    outside = client.root / "elsewhere" / "recipes"
    outside.mkdir(parents=True)
    (outside / "soup.md").write_text("A slow pumpkin soup with roasted garlic, ginger and coconut milk.\n")
    shutil.move(str(outside), str(client.notes / "recipes"))
    await until(client, finds(client, "squash soup recipe with coconut", "pumpkin soup", "recipes/soup.md"))
    shutil.rmtree(client.notes / "recipes")
    await until(client, lacks(client, "squash soup recipe with coconut", "pumpkin soup"))


async def test_ignored_paths_are_never_indexed(client: LanguageClient):
    for folder in ("node_modules/pkg", ".obsidian", ".git/objects"):
        (client.notes / folder).mkdir(parents=True, exist_ok=True)
        (client.notes / folder / "readme.md").write_text("Volcanic eruptions in Iceland and lava fields.\n")
    (client.notes / "picture.png").write_bytes(b"\x89PNG\r\n" + bytes(200))
    # A real note written after them: once it is found, the earlier events were handled too.
    (client.notes / "iceland.md").write_text("Hot springs near Reykjavik after a long hike in the rain.\n")
    await until(client, finds(client, "geothermal pools in Iceland", "Hot springs"))
    hits = await search(client, "volcano eruption lava")
    assert all("Volcanic eruptions" not in h["text"] for h in hits)


async def test_a_storm_of_5000_files_becomes_a_few_batches(client: LanguageClient):
    topics = [f"Storm note on topic {t}: bees, hives, honey harvest number {t} in the orchard." for t in range(50)]
    before = await status(client)
    storm = client.notes / "storm"
    storm.mkdir()
    for n in range(5000):
        (storm / f"note-{n:04d}.md").write_text(f"{topics[n % 50]}\n", encoding="utf-8")
    # The editor stays responsive while the storm is applied.
    uri = (client.notes / "writing-habits.md").as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
        uri=uri, language_id="markdown", version=1, text=(client.notes / "writing-habits.md").read_text())))
    await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(8, 3)))

    async def all_in():
        now = await status(client)
        done = now["fragments"] >= before["fragments"] + 5000 and now["pending"] == 0
        return now if done and now["searchable"] == now["fragments"] else None

    after = await until(client, all_in, timeout=600)
    assert after["fragments"] == before["fragments"] + 5000
    assert after["embedded"] == before["embedded"] + 50  # equal texts are embedded once
    assert after["revision"] - before["revision"] < 200  # batches, not one update per file
    assert (await search(client, "beekeeping and honey"))[0]["text"].startswith("Storm note")
    shutil.rmtree(storm)
    await until(client, lambda: _fragments_back(client, before["fragments"]), timeout=600)


async def _fragments_back(client, count: int):
    return (await status(client))["fragments"] == count

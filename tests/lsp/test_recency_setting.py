"""Recency as a user turns it on: ``recencyHalfLifeDays`` set through ``workspace/didChangeConfiguration``
reorders two equally related notes of different ages at once, without a restart, and every item says
why it scored what it did. Runs under VS Code's and Neovim's capabilities."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.conftest import CLIENTS, SERVER, make_workspace, search, start, status

pytestmark = [pytest.mark.model, pytest.mark.asyncio(loop_scope="module")]

QUERY = "A lighthouse keeper writes down every ship that passes at dawn."
# Two paraphrases of QUERY that the bundled model finds equally close (cosine 0.893 and 0.894; 0.911
# and 0.908 with their words), neither a near-duplicate of the other (0.92): the older one comes first.
OLD = "The lighthouse keeper wrote down each ship passing at dawn."
NEW = "The lighthouse keeper notes each ship passing by at dawn."


def note(day: str, text: str) -> str:
    return f"---\ndate: {day}\n---\n\n{text}\n"


@pytest_lsp.fixture(config=SERVER, params=CLIENTS, scope="module")
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp(f"boosts-{request.param}")
    workspace = make_workspace(root)
    (workspace / "notes" / "harbour-2015.md").write_text(note("2015-06-01", OLD), "utf-8")
    today = datetime.now(UTC).date().isoformat()
    (workspace / "notes" / "harbour-today.md").write_text(note(today, NEW), "utf-8")
    lsp_client.settings = {"sources": [str(workspace / "archive"), str(workspace / "notes")],
                           "indexDir": str(root / "index"), "debounceMs": 50}
    await start(lsp_client, request.param, workspace, root / "index")
    yield
    await lsp_client.shutdown_session()


async def configure(client: LanguageClient, changed: dict, applied: dict | None = None, expect: str = "") -> None:
    """The user changed settings: pushed (as Neovim does) and answered when pulled (as VS Code does).
    Returns once the server holds ``applied`` (default: ``changed``) and showed a message holding ``expect``."""
    told = len(client.messages)
    section = client.settings = client.settings | changed
    client.set_configuration({"recall": section})
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"recall": section}))
    for _ in range(500):  # request round trips until the notification has been handled
        options = (await status(client))["options"]
        shown = not expect or any(expect in m.message for m in client.messages[told:])
        if shown and all(options[key] == value for key, value in (applied or changed).items()):
            return
        await asyncio.sleep(0)
    raise AssertionError(f"{changed} never applied, or no message saying {expect!r}")


def harbour(items: list[dict]) -> list[str]:
    return [item["text"] for item in items if item["text"] in (OLD, NEW)]


async def test_recency_turned_on_reorders_equally_related_notes_without_a_restart(client: LanguageClient):
    before = await search(client, QUERY)
    assert harbour(before) == [OLD, NEW]
    scores = {item["text"]: item["score"] for item in before}
    assert scores[OLD] - scores[NEW] < 0.02  # the premise: equally related
    assert all(item["why"] and "recent" not in item["why"] for item in before)

    await configure(client, {"recencyHalfLifeDays": 30})
    after = await search(client, QUERY)
    assert harbour(after) == [NEW, OLD]
    why = {item["text"]: item["why"] for item in after}
    assert re.fullmatch(r"0\.\d\d meaning( · \+0\.\d\d words)? · \+0\.05 recent", why[NEW]), why[NEW]
    assert "recent" not in why[OLD]  # eleven years at a 30-day half-life: nothing left to show

    await configure(client, {"recencyHalfLifeDays": None})  # null: off again
    assert harbour(await search(client, QUERY)) == [OLD, NEW]


async def test_a_half_life_of_zero_is_told_and_recency_stays_off(client: LanguageClient):
    await configure(client, {"recencyHalfLifeDays": 0, "topK": 7}, applied={"topK": 7},
                    expect="recall.recencyHalfLifeDays: expected a positive number of days, or nothing (off), got 0")
    assert (await status(client))["options"]["recencyHalfLifeDays"] is None
    assert harbour(await search(client, QUERY)) == [OLD, NEW]

"""What a client sees while a real server indexes from scratch: code lenses are not refreshed after
every backlog chunk, only once when the indexing ends (and at most once an interval before: set here
far beyond the test, ``RECALL_LENS_REFRESH_S``, so nothing depends on the machine's speed), and the
indexing percentage climbs from reading through embedding without ever going back.

Everything is read from the messages the client received, in order; nothing is timed.
"""

from __future__ import annotations

import os
import sys

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.lsp.conftest import CLIENTS, make_workspace, start

pytestmark = [pytest.mark.model, pytest.mark.asyncio(loop_scope="module")]

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "recall_ls", "serve"],
                            server_env=os.environ | {"RECALL_LENS_REFRESH_S": "3600"})


def write_journal(folder) -> None:
    """480 distinct paragraphs: ten backlog chunks to embed, each a change to the corpus."""
    folder.mkdir()
    for month in range(12):
        days = [f"Day {day} of month {month}: the heron stood {day} steps from the lock, tide {month * 40 + day}."
                for day in range(40)]
        (folder / f"month-{month:02}.md").write_text("\n\n".join(days) + "\n", encoding="utf-8")


@pytest_lsp.fixture(config=SERVER, params=CLIENTS, scope="module")
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp(f"feedback-{request.param}")
    workspace = make_workspace(root)
    write_journal(workspace / "journal")
    sources = [str(workspace / name) for name in ("archive", "notes", "journal")]
    await start(lsp_client, request.param, workspace, root / "index", sources=sources)
    yield
    await lsp_client.shutdown_session()


def embedding_statuses(statuses: list[dict]) -> tuple[int, int, int]:
    """(first, last) status showing the backlog's progress, and the first ``ready``: positions in
    the order the statuses came. The backlog is embedded once the model is loaded, after reading."""
    ready = next(i for i, s in enumerate(statuses) if s["state"] == "ready")
    loading = next(i for i, s in enumerate(statuses) if s["state"] == "loading-model")
    shown = [i for i, s in enumerate(statuses[:ready]) if i > loading and s["percent"] is not None]
    return shown[0], shown[-1], ready


async def test_code_lenses_refresh_when_indexing_ends_not_after_each_chunk(client: LanguageClient):
    statuses, refreshes = client.recorder.status, client.recorder.lens_refreshes
    lens_capability = client.capabilities.workspace.code_lens
    if not (lens_capability and lens_capability.refresh_support):
        assert refreshes == []  # never asked of a client that does not take it
        return
    first, last, ready = embedding_statuses(statuses)
    assert len({s["revision"] for s in statuses[first:last + 1]}) >= 4  # the corpus changed chunk after chunk
    # A refresh at position p came after p statuses: none while the backlog was embedded ...
    assert [p for p in refreshes if first < p <= last] == []
    # ... and one once it was, before the server said it is ready.
    assert len([p for p in refreshes if last < p <= ready]) == 1


async def test_the_percentage_climbs_from_reading_through_embedding(client: LanguageClient):
    statuses = client.recorder.status
    first, _, ready = embedding_statuses(statuses)
    shown = [s["percent"] for s in statuses[:ready] if s["percent"] is not None]
    reading = [s["percent"] for s in statuses[:first] if s["percent"] is not None]
    assert reading and shown[len(reading):], shown  # both steps were shown
    assert shown == sorted(shown), shown
    if client.capabilities.window.work_done_progress:
        percentages = [r.percentage for reports in client.progress_reports.values() for r in reports
                       if isinstance(r, types.WorkDoneProgressBegin | types.WorkDoneProgressReport)]
        assert len(percentages) >= 2 and percentages == sorted(percentages), percentages

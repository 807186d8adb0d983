"""A real ``recall-ls serve`` over stdio with the real model, driven by pytest-lsp.

Every test in ``tests/lsp`` runs twice: under VS Code's and Neovim's client capabilities. Waits are
on messages (``recall/status``, ``recall/related``, ``$/progress``), never on sleeps.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.conftest import EXAMPLES

CLIENTS = ["visual-studio-code", "neovim"]
WAIT = float(os.environ.get("RECALL_TEST_WAIT", "120"))  # seconds: generous, the model loads in ~6 s


class Recorder:
    """Collects Recall's custom notifications and lets a test wait for one that matches."""

    def __init__(self) -> None:
        self.status: list[dict] = []
        self.related: list[dict] = []
        self.applied_edits: list[types.ApplyWorkspaceEditParams] = []
        # One entry per ``workspace/codeLens/refresh``: how many statuses had come before it.
        self.lens_refreshes: list[int] = []
        self._changed = asyncio.Condition()

    async def record(self, bucket: list, value) -> None:
        async with self._changed:
            bucket.append(value)
            self._changed.notify_all()

    async def wait_for(self, bucket: list, accept: Callable[[dict], bool], timeout: float = WAIT, start: int = 0):
        async def found():
            async with self._changed:
                while True:
                    for value in bucket[start:]:
                        if accept(value):
                            return value
                    await self._changed.wait()

        return await asyncio.wait_for(found(), timeout)


def plain(value):
    """Custom notifications arrive as pygls named tuples; tests want dicts."""
    if hasattr(value, "_asdict"):
        return {k: plain(v) for k, v in value._asdict().items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def attach_recorder(client: LanguageClient) -> Recorder:
    recorder = Recorder()

    @client.feature("recall/status")
    async def on_status(params):
        await recorder.record(recorder.status, plain(params))

    @client.feature("recall/related")
    async def on_related(params):
        await recorder.record(recorder.related, plain(params))

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def on_apply_edit(params: types.ApplyWorkspaceEditParams):
        recorder.applied_edits.append(params)
        return types.ApplyWorkspaceEditResult(applied=True)

    @client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    async def on_lens_refresh(params):
        # Recorded like the statuses (in arrival order, async handlers run first come first served),
        # so its place among them says which change it followed.
        await recorder.record(recorder.lens_refreshes, len(recorder.status))

    client.recorder = recorder
    return recorder


def make_workspace(root: Path) -> Path:
    """A workspace with the example archive, example notes and an (initially empty) drafts file."""
    workspace = root / "workspace"
    shutil.copytree(EXAMPLES / "twitter-archive", workspace / "archive")
    shutil.copytree(EXAMPLES / "notes", workspace / "notes")
    (workspace / "drafts").mkdir()
    return workspace


async def start(client: LanguageClient, spec: str, workspace: Path, index_dir: Path, **settings) -> Recorder:
    recorder = attach_recorder(client)
    config = {"sources": [str(workspace / "archive"), str(workspace / "notes")], "indexDir": str(index_dir),
              "debounceMs": 50} | settings
    client.set_configuration({"recall": config})
    reply = await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(spec),
            root_uri=workspace.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="workspace")],
            initialization_options=config,
        )
    )
    # Columns count this encoding's code units: UTF-8 for Neovim (its first choice), UTF-16 for VS Code.
    client.position_encoding = reply.capabilities.position_encoding or types.PositionEncodingKind.Utf16
    await recorder.wait_for(recorder.status, lambda s: s.get("state") == "ready")
    return recorder


async def status(client: LanguageClient) -> dict:
    return await client.workspace_execute_command_async(types.ExecuteCommandParams(command="recall.status"))


async def search(client: LanguageClient, query: str) -> list[dict]:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="recall.search", arguments=[query])
    )


SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "recall_ls", "serve"])


@pytest_lsp.fixture(config=SERVER, params=CLIENTS, scope="module")
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp(request.param)
    workspace = make_workspace(root)
    lsp_client.workspace_path = workspace
    lsp_client.client_name = request.param
    await start(lsp_client, request.param, workspace, root / "index")
    yield
    await lsp_client.shutdown_session()

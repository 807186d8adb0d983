"""Start-up, configuration changes and shutdown.

``initialize`` only records what the client said (the reply must come at once); ``initialized``
reads the settings layers and starts the live index, whose writer thread loads the model.
"""

from __future__ import annotations

import asyncio

from lsprotocol import types

from recall_ls import __version__
from recall_ls.lsp import positions
from recall_ls.lsp.config import read_workspace_file
from recall_ls.lsp.features.watched_files import register_watchers
from recall_ls.lsp.server import RecallServer, log, uri_to_path


def register(server: RecallServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: RecallServer, params: types.InitializeParams) -> None:
        ls.loop = asyncio.get_running_loop()
        positions.install(ls.workspace)  # pygls made the workspace just before this handler
        root = params.root_uri or (params.workspace_folders[0].uri if params.workspace_folders else None)
        if root:
            from pathlib import Path

            ls.root = Path(uri_to_path(root))
        options = params.initialization_options
        if options == []:  # Neovim encodes an empty table as an empty list
            options = {}
        if isinstance(options, dict):
            # VS Code nests settings under their section; other clients send them flat.
            ls.layers.initialization = options.get("recall", options) if isinstance(options.get("recall"), dict) else options

    @server.feature(types.INITIALIZED)
    async def initialized(ls: RecallServer, params: types.InitializedParams) -> None:
        ls.layers.file, problems = read_workspace_file(ls.root)
        for problem in problems:
            ls.show(problem, types.MessageType.Warning)
        await ls.pull_client_settings()
        ls.apply_layers()
        log.info("Recall %s starting; index in %s", __version__, ls.settings().index_dir)
        ls.live.start(ls.settings())
        await register_watchers(ls)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: RecallServer, params: types.DidChangeConfigurationParams) -> None:
        settings = params.settings
        if isinstance(settings, dict) and isinstance(settings.get("recall"), dict):
            ls.layers.client = settings["recall"]  # clients that push the settings (Neovim, Helix)
        else:
            await ls.pull_client_settings()  # clients that only say "something changed" (VS Code)
        ls.apply_layers()
        ls.live.configure(ls.settings())
        ls.request_code_lens_refresh()
        ls.push_status()

    _register_pause_and_shutdown(server)


def _register_pause_and_shutdown(server: RecallServer) -> None:
    @server.feature(types.WINDOW_WORK_DONE_PROGRESS_CANCEL)
    def progress_cancel(ls: RecallServer, params: types.WorkDoneProgressCancelParams) -> None:
        ls.progress_cancelled(str(params.token))

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: RecallServer, params: None) -> None:
        ls.live.stop()

"""``workspace/didChangeWatchedFiles``: the editor's own file events, on top of Recall's watchers.

Registered dynamically where the client supports it. The events go through the same filter and
coalescer as watchdog's, so a change both see is applied once.
"""

from __future__ import annotations

from lsprotocol import types

from recall_ls.core.sources.files import NOTE_GLOB
from recall_ls.lsp.server import RecallServer, log, uri_to_path


def register(server: RecallServer) -> None:
    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: RecallServer, params: types.DidChangeWatchedFilesParams) -> None:
        for change in params.changes:
            ls.live.file_event(uri_to_path(change.uri), gone=change.type == types.FileChangeType.Deleted)


async def register_watchers(ls: RecallServer) -> None:
    """Ask the client to send note file events (called once the client is initialized)."""
    if not ls.client_supports("workspace", "did_change_watched_files", "dynamic_registration"):
        return
    options = types.DidChangeWatchedFilesRegistrationOptions(watchers=[types.FileSystemWatcher(glob_pattern=NOTE_GLOB)])
    try:
        await ls.client_register_capability_async(types.RegistrationParams(registrations=[
            types.Registration(id="recall-watched-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                               register_options=options)
        ]))
    except Exception as exc:  # the watchdog observers still follow the files
        log.info("the client did not take the file watcher registration: %s", exc)

"""One module per LSP feature; ``register_all`` wires them onto a server."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from recall_ls.lsp.server import RecallServer


def register_all(server: RecallServer) -> None:
    from recall_ls.lsp.features import (
        code_lens,
        commands,
        completion,
        documents,
        hover,
        inline_completion,
        lifecycle,
        related,
        symbols,
        watched_files,
    )

    for module in (lifecycle, documents, related, hover, completion, inline_completion, code_lens, symbols, commands,
                   watched_files):
        module.register(server)

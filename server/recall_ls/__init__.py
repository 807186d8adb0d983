"""Recall: brings your past writing back while you write.

The package has two halves: ``recall_ls.core`` (sources, store, embeddings, index, engine; no pygls)
and ``recall_ls.lsp`` (the language server that wraps the core).
"""

__version__ = "0.1.0"

"""The language server: pygls handlers over the core, one module per feature."""

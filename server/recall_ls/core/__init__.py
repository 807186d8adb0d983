"""The core of Recall: everything that knows nothing of the Language Server Protocol.

Data flows one way: sources -> fragments -> store -> embeddings -> index -> engine.
"""

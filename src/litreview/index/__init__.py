"""Indexing and retrieval: catalog (SQLite), vectors (ChromaDB), BM25, hybrid search.

Import :class:`Library` from :mod:`litreview.index.library`; the heavy
modules behind it load only when a search or an ingest needs them.
"""

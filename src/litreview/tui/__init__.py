"""The terminal UI (Textual): screens by area, widgets by job, styles in litreview.tcss.

It calls the review tasks (ask, related work) and the library; it never talks
to retrieval internals or litellm directly.
"""

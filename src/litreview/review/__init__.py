"""The review tasks: cited answers (ask), related-work drafts, batch questions.

Each is a function of a :class:`~litreview.index.library.Library` and a
backend from :mod:`litreview.llm`; the CLI and the TUI call these, never
the layers below directly for the same job.
"""

"""The model-free engine: cited answers and drafts built from the evidence's own sentences.

No instruction-following model can be installed offline here, so the
default that works with no key and no network selects, scores and arranges
sentences of the retrieved abstracts instead of generating text. It is
honest about it: its model name is ``extractive`` everywhere.
"""

from litreview.llm.extractive.engine import ExtractiveBackend

__all__ = ["ExtractiveBackend"]

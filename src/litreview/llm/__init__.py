"""The LLM layer: every call to a language model goes through here.

``registry`` turns a model name into a :class:`~litreview.llm.backend.Backend`;
``litellm_backend`` is the only module that imports litellm; ``extractive``
is the model-free engine that works with no key and no network. Callers see
one interface: stream text deltas, then a final usage record.
"""

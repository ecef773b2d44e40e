"""Backends declare what they can do; callers read the declaration, never a name."""

from __future__ import annotations

from litreview.llm.backend import Backend
from litreview.llm.extractive.engine import ExtractiveBackend
from litreview.llm.litellm_backend import LiteLLMBackend
from litreview.settings import LLMSettings, ModelSettings


def test_both_backends_satisfy_the_protocol_and_declare_capabilities() -> None:
    extractive = ExtractiveBackend()
    model = LiteLLMBackend(
        ModelSettings(model="openai/x", context_window=4096, max_tokens=300), LLMSettings()
    )
    for backend in (extractive, model):
        assert isinstance(backend, Backend)
    assert extractive.quotes_sources and extractive.context_window is None
    assert not model.quotes_sources
    assert (model.context_window, model.max_output_tokens) == (4096, 300)


def test_no_caller_tests_a_backend_by_name() -> None:
    from pathlib import Path

    import litreview

    root = Path(litreview.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if 'name == "extractive"' in path.read_text() or "getattr(backend" in path.read_text()
    ]
    assert offenders == []

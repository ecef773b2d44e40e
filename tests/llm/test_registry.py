"""Picking the model: explicit > provider key > local Ollama > extractive; never a silent swap."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from litreview.llm.errors import ModelNotConfigured
from litreview.llm.registry import KEY_DEFAULTS, choose_default, list_models, resolve
from litreview.llm.types import Request
from litreview.settings import Settings, load_settings

PROVIDER_KEYS = [variable for variable, _ in KEY_DEFAULTS]


@pytest.fixture(autouse=True)
def no_keys(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    for variable in PROVIDER_KEYS:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LITREVIEW_LLM__OLLAMA_BASE", "http://127.0.0.1:9")  # nothing listens


@contextmanager
def fake_ollama(models: list[str]) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return None

        def do_GET(self) -> None:
            body = json.dumps({"models": [{"name": m} for m in models]}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def test_nothing_configured_means_extractive(settings: Settings) -> None:
    choice = choose_default(settings)
    assert choice.name == "extractive" and "no provider key" in choice.reason
    assert resolve(None, settings).name == "extractive"


def test_provider_key_beats_ollama(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    with fake_ollama(["llama3.2"]) as base:
        monkeypatch.setenv("LITREVIEW_LLM__OLLAMA_BASE", base)
        assert choose_default(load_settings()).name.startswith("anthropic/")


def test_reachable_ollama_is_next(monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_ollama(["llama3.2:latest", "qwen"]) as base:
        monkeypatch.setenv("LITREVIEW_LLM__OLLAMA_BASE", base)
        settings = load_settings()
        assert choose_default(settings).name == "ollama_chat/llama3.2:latest"
        rows = {r.name: r for r in list_models(settings)}
        assert rows["ollama_chat/qwen"].available and rows["ollama_chat/llama3.2:latest"].default


def test_explicit_setting_wins(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    home.mkdir(parents=True)
    (home / "config.toml").write_text(
        '[llm]\nmodel = "local"\n[models.local]\nmodel = "openai/gemma"\n'
        'api_base = "http://127.0.0.1:9/v1"\ntemperature = 0.1\n'
    )
    settings = load_settings()
    assert choose_default(settings).name == "local"
    chosen = resolve(None, settings)
    assert chosen.name == "local"
    rows = {r.name: r for r in list_models(settings)}
    assert not rows["local"].available and "does not answer" in rows["local"].detail


def test_named_model_is_never_swapped(settings: Settings) -> None:
    with pytest.raises(ModelNotConfigured, match="unknown model 'gpt4'"):
        resolve("gpt4", settings)
    backend = resolve("openai/gpt-4o-mini", settings)
    assert backend.name == "openai/gpt-4o-mini"
    with pytest.raises(ModelNotConfigured, match="OPENAI_API_KEY"):
        list(backend.stream(Request("t", ())))

"""Picking the model: explicit > provider key > local Ollama > extractive; never a silent swap."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from litreview.llm.errors import ModelNotConfigured
from litreview.llm.registry import (
    KEY_DEFAULTS,
    choose_default,
    list_models,
    missing_key,
    resolve,
    spec_for,
)
from litreview.llm.types import Request
from litreview.settings import ModelSettings, Settings, load_settings

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
    from litreview.llm.errors import ModelUnavailable

    with pytest.raises(ModelUnavailable, match=r"^local: nothing answers"):  # not swapped
        resolve(None, settings)
    rows = {r.name: r for r in list_models(settings)}
    assert not rows["local"].available and "does not answer" in rows["local"].detail


def test_named_model_is_never_swapped(settings: Settings) -> None:
    with pytest.raises(ModelNotConfigured, match="unknown model 'gpt4'"):
        resolve("gpt4", settings)
    with pytest.raises(ModelNotConfigured, match="OPENAI_API_KEY"):
        resolve("openai/gpt-4o-mini", settings)


def test_a_missing_key_is_found_without_importing_litellm(home: Path) -> None:
    """Issue 14: a named model without its key took 25-28 s to say so (litellm imported and
    the library searched first); the key is now checked from the environment alone."""
    code = (
        "import sys\n"
        "from litreview.llm.errors import ModelNotConfigured\n"
        "from litreview.llm.registry import resolve\n"
        "from litreview.settings import load_settings\n"
        "for name in ('anthropic/claude-3-5-haiku-20241022', 'gemini/gemini-2.0-flash', "
        "'gpt-4o'):\n"
        "    try:\n"
        "        resolve(name, load_settings())\n"
        "    except ModelNotConfigured as exc:\n"
        "        print(exc)\n"
        "print('litellm' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in PROVIDER_KEYS and k != "GOOGLE_API_KEY"}
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    lines = proc.stdout.splitlines()
    assert "needs ANTHROPIC_API_KEY" in lines[0]
    assert "needs GEMINI_API_KEY or GOOGLE_API_KEY" in lines[1]
    assert "model 'gpt-4o' needs OPENAI_API_KEY" in lines[2]
    assert lines[3] == "False"


def test_a_bare_model_name_is_its_providers(settings: Settings) -> None:
    """A new user's `--model gpt-4o` was refused ("unknown model"): litellm's own map of
    model names says whose it is, as litellm would have read it."""
    assert spec_for("gpt-4o", settings) == (ModelSettings(model="openai/gpt-4o"), "gpt-4o")
    assert spec_for("deepseek-chat", settings)[0].model == "deepseek/deepseek-chat"
    with pytest.raises(ModelNotConfigured, match="did you mean 'gpt-4o'"):
        spec_for("gpt4o", settings)
    with pytest.raises(ModelNotConfigured, match=r"unknown model 'no-such-model': use"):
        spec_for("no-such-model", settings)


def test_keys_present_local_or_unknown_providers_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    assert missing_key(ModelSettings(model="openai/gpt-4o-mini")) == "OPENAI_API_KEY"
    monkeypatch.setenv("OPENAI_API_KEY", "  ")  # blank is not a key
    assert missing_key(ModelSettings(model="openai/gpt-4o-mini")) == "OPENAI_API_KEY"
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    assert missing_key(ModelSettings(model="openai/gpt-4o-mini")) is None
    local = ModelSettings(model="openai/gemma", api_base="http://127.0.0.1:8080/v1")
    assert missing_key(local) is None
    assert missing_key(ModelSettings(model="ollama_chat/llama3.2")) is None
    assert missing_key(ModelSettings(model="bedrock/some-model")) is None  # litellm checks it
    monkeypatch.setenv("GOOGLE_API_KEY", "g-test")
    assert missing_key(ModelSettings(model="gemini/gemini-2.0-flash")) is None


def test_the_backend_checks_the_key_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """A backend built directly (not through resolve) still refuses before any request."""
    from litreview.llm.litellm_backend import LiteLLMBackend

    backend = LiteLLMBackend(
        ModelSettings(model="mistral/mistral-small-latest"), load_settings().llm
    )
    with pytest.raises(ModelNotConfigured, match="MISTRAL_API_KEY"):
        list(backend.stream(Request("t", ())))


def test_a_local_server_that_refuses_is_said_before_anything_is_loaded(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ask -m local` with the server down took 13 s to say so (the library opened, litellm
    imported, the question searched); a refused connection is now found by `resolve`."""
    import socket

    from litreview.llm.errors import ModelUnavailable

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens on it once closed
    config = home.parent / "config.toml"
    config.write_text(
        f'[models.local]\nmodel = "openai/x"\napi_base = "http://127.0.0.1:{port}/v1"\n'
    )
    monkeypatch.setenv("LITREVIEW_CONFIG", str(config))
    with pytest.raises(
        ModelUnavailable, match=f"local: nothing answers at http://127.0.0.1:{port}/v1"
    ):
        resolve("local", load_settings())
    with socket.socket() as listening:  # a server that accepts is left to the request
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        config.write_text(
            f'[models.up]\nmodel = "openai/x"\napi_base = '
            f'"http://127.0.0.1:{listening.getsockname()[1]}/v1"\n'
        )
        assert resolve("up", load_settings()).name == "up"


def test_a_default_that_cannot_answer_is_listed_as_such(home: Path) -> None:
    """`[llm] model = "local"` with no [models.local], or "gpt-4o" with no key: `models`
    printed "Default: local" under a table that held only extractive; `ask` then failed."""
    from tests.support.cli import run_cli

    home.mkdir(parents=True)
    config = home / "config.toml"
    env = {"OPENAI_API_KEY": "", "LITREVIEW_CONFIG": str(config)}
    for model, detail in (
        ("local", "not an alias in the config file ([models.local])"),
        ("gpt-4o", "set OPENAI_API_KEY"),
    ):
        config.write_text(f'[llm]\nmodel = "{model}"\n')
        proc = run_cli(home, "models", "--json", env=env, check=True)
        rows = {r["name"]: r for r in json.loads(proc.stdout)["models"]}
        assert rows[model]["default"] and not rows[model]["available"]
        assert rows[model]["detail"] == detail
        text = run_cli(home, "models", env=env, check=True).stdout
        assert f"It cannot answer now: {detail}." in " ".join(text.split())

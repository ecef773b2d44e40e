"""Retries, timeouts, streaming, cancellation and usage over real loopback HTTP."""

from __future__ import annotations

import threading
import time

import pytest

from litreview.errors import Stopped
from litreview.llm.backend import Delta, Done, complete
from litreview.llm.errors import ModelRequestRejected, ModelUnavailable
from litreview.llm.litellm_backend import LiteLLMBackend
from litreview.llm.types import Message, Request
from litreview.settings import LLMSettings, ModelSettings
from tests.support.loopback import Reply, loopback

REQUEST = Request(task="test", messages=(Message("user", "Say something."),))


def backend(api_base: str, **llm: object) -> LiteLLMBackend:
    settings = LLMSettings(**{"timeout": 5.0, "max_retries": 3, "retry_max_wait": 5.0, **llm})
    return LiteLLMBackend(ModelSettings(model="openai/loopback", api_base=api_base), settings)


def test_stream_deltas_then_usage_and_cost() -> None:
    with loopback(Reply()) as (api_base, script):
        events = list(backend(api_base).stream(REQUEST))
    deltas = [e.text for e in events if isinstance(e, Delta)]
    assert deltas == ["Deep ", "nets ", "[1] ", "work."]
    done = events[-1]
    assert isinstance(done, Done)
    assert done.completion.text == "Deep nets [1] work."
    assert (
        done.completion.usage.prompt_tokens == 11 and done.completion.usage.completion_tokens == 4
    )
    assert done.completion.usage.cost_usd == 0.0  # a local server costs nothing
    assert script.requests[0]["stream"] is True
    assert script.requests[0]["messages"] == [{"role": "user", "content": "Say something."}]


def test_usage_estimated_when_server_reports_none() -> None:
    with loopback(Reply(usage=False)) as (api_base, _):
        result = complete(backend(api_base), REQUEST)
    assert result.usage.prompt_tokens > 0 and result.usage.completion_tokens > 0


def test_429_is_retried_after_retry_after() -> None:
    with loopback(Reply(status=429, headers={"Retry-After": "1"}), Reply()) as (api_base, script):
        result = complete(backend(api_base), REQUEST)
    assert result.text == "Deep nets [1] work."
    assert len(script.requests) == 2
    assert script.times[1] - script.times[0] >= 0.95, "Retry-After was honoured"


def test_5xx_is_retried_with_backoff_then_succeeds() -> None:
    with loopback(Reply(status=500), Reply(status=503), Reply()) as (api_base, script):
        result = complete(backend(api_base), REQUEST)
    assert result.text.endswith("work.") and len(script.requests) == 3


def test_persistent_5xx_is_reported_not_swallowed() -> None:
    with (
        loopback(Reply(status=500)) as (api_base, script),
        pytest.raises(ModelUnavailable, match="unavailable after 3 attempts"),
    ):
        complete(backend(api_base, max_retries=2, retry_max_wait=0.1), REQUEST)
    assert len(script.requests) == 3


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_4xx_is_not_retried(status: int) -> None:
    with loopback(Reply(status=status)) as (api_base, script), pytest.raises(ModelRequestRejected):
        complete(backend(api_base), REQUEST)
    assert len(script.requests) == 1


def test_timeout_is_retried_then_reported() -> None:
    with loopback(Reply(delay=2.0)) as (api_base, script):
        start = time.monotonic()
        with pytest.raises(ModelUnavailable, match="Timeout"):
            complete(backend(api_base, timeout=0.5, max_retries=1, retry_max_wait=0.1), REQUEST)
    assert len(script.requests) == 2
    assert time.monotonic() - start < 6


def test_cancel_stops_a_running_stream() -> None:
    words = [f"w{i} " for i in range(50)]
    stop = threading.Event()
    seen: list[str] = []
    with (
        loopback(Reply(words=words, word_delay=0.05)) as (api_base, _),
        pytest.raises(Stopped),
    ):
        for event in backend(api_base).stream(REQUEST, stop):
            if isinstance(event, Delta):
                seen.append(event.text)
                stop.set()
    assert 1 <= len(seen) < 5


def test_unknown_cost_is_none_never_a_crash() -> None:
    hosted = LiteLLMBackend(ModelSettings(model="openai/no-such-model-xyz"), LLMSettings())
    assert hosted._cost(10, 10) is None
    priced = LiteLLMBackend(ModelSettings(model="openai/gpt-4o-mini"), LLMSettings())
    cost = priced._cost(1000, 1000)
    assert cost is not None and cost > 0


def test_local_server_that_is_not_running_fails_fast() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    start = time.monotonic()
    with pytest.raises(ModelUnavailable, match="connection refused"):
        complete(backend(f"http://127.0.0.1:{port}/v1"), REQUEST)
    assert time.monotonic() - start < 5, "no back-off against a server that is not there"


def test_context_window_trims_sources_to_fit() -> None:
    from litreview.evidence.scoring import EvidenceScorer
    from litreview.review.ask import fit_window
    from tests.support.papers import sample_sources

    sources = sample_sources("Harmony", "DyCL", "T-Miner", "UMD", "NNSplitter")
    small = LiteLLMBackend(
        ModelSettings(
            model="openai/x", api_base="http://127.0.0.1:9/v1", context_window=900, max_tokens=200
        ),
        LLMSettings(),
    )
    request = fit_window(small, EvidenceScorer.shared(), "How to train big models?", sources, ())
    assert 1 <= len(request.sources) < 5
    assert [s.n for s in request.sources] == list(range(1, len(request.sources) + 1))
    roomy = LiteLLMBackend(ModelSettings(model="openai/x", context_window=100_000), LLMSettings())
    assert len(fit_window(roomy, EvidenceScorer.shared(), "q", sources, ()).sources) == 5


def test_an_empty_reply_is_retried_then_reported() -> None:
    with (
        loopback(Reply(words=[]), Reply(words=["  "]), Reply(words=[])) as (api_base, script),
        pytest.raises(ModelUnavailable, match="empty answer"),
    ):
        complete(backend(api_base, max_retries=2, retry_max_wait=0.1), REQUEST)
    assert len(script.requests) == 3  # max_retries=2: every attempt made


def test_an_empty_reply_then_a_real_one_is_the_real_one() -> None:
    with loopback(Reply(words=[]), Reply()) as (api_base, script):
        result = complete(backend(api_base, retry_max_wait=0.1), REQUEST)
    assert result.text == "Deep nets [1] work." and len(script.requests) == 2


def test_a_stream_that_breaks_after_text_is_not_retried_and_says_so() -> None:
    with (
        loopback(Reply(break_after=2), Reply()) as (api_base, script),
        pytest.raises(ModelUnavailable) as err,
    ):
        complete(backend(api_base), REQUEST)
    assert len(script.requests) == 1
    assert "broke off after" in str(err.value) and "retries" not in str(err.value)


def test_timeout_bounds_the_whole_request_not_each_read() -> None:
    # A chunk every 0.4 s never trips a per-read timeout of 1 s; the whole answer takes 4 s.
    drip = Reply(words=["w "] * 10, word_delay=0.4)
    started = time.monotonic()
    with loopback(drip) as (api_base, _):
        slow = LiteLLMBackend(
            ModelSettings(model="openai/loopback", api_base=api_base),
            LLMSettings(timeout=1.0, max_retries=0),
        )
        with pytest.raises(ModelUnavailable, match=r"within 1 s|broke off"):
            complete(slow, REQUEST)
    assert time.monotonic() - started < 3.5

"""Which failures of a Chroma server call are retried, how often, and what is said (fakes only).

The behaviour on a real ``chroma run`` (a restart mid-ingest, a server down
too long, a refused token) is in tests/cli/test_shared_retry.py; here a fake
call fails on cue, so the classification and the count are exact.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from chromadb.errors import InvalidArgumentError, NotFoundError, RateLimitError

from litreview.index import server_retry
from litreview.index.server_link import GaveUp, ServerRefused, ServerUnavailable, reaching
from litreview.index.server_retry import Link, failure
from litreview.settings import ChromaSettings, load_settings

TOKEN = "sekrit-token-123"
HEADER = "header-value-456"
REQUEST = httpx.Request("POST", "https://chroma.lab/api/v2/collections/x/upsert")


def server(**kwargs: object) -> ChromaSettings:
    return ChromaSettings.model_validate(
        {
            "host": "chroma.lab",
            "port": 443,
            "ssl": True,
            "token": TOKEN,
            "headers": {"X-Lab": HEADER},
            **kwargs,
        }
    )


def http(status: int) -> httpx.HTTPStatusError:
    response = httpx.Response(status, request=REQUEST)
    return httpx.HTTPStatusError(str(status), request=REQUEST, response=response)


def proxy_page(status: str) -> Exception:
    """What chromadb raises for a proxy's HTML error page: a bare Exception, raised while
    handling httpx's error (its context)."""
    page = f"<html><title>{status}</title><p>Authorization: Bearer {TOKEN}</p></html>"
    exc = Exception(page)
    exc.__context__ = http(int(status[:3]))
    return exc


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    """Waits of milliseconds: the count and the order are what is tested here."""
    monkeypatch.setattr(server_retry, "FIRST_WAIT", 0.001)
    monkeypatch.setattr(server_retry, "MOST_WAIT", 0.01)


class Flaky:
    """A call that raises each of ``failures`` in turn, then answers."""

    def __init__(self, *failures: BaseException) -> None:
        self.failures = list(failures)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return "answer"


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (httpx.ReadTimeout("timed out", request=REQUEST), "passing"),
        (httpx.WriteTimeout("timed out", request=REQUEST), "passing"),
        (httpx.RemoteProtocolError("Server disconnected without sending a response"), "passing"),
        (httpx.ReadError("Connection reset by peer"), "passing"),
        (ConnectionResetError(104, "Connection reset by peer"), "passing"),
        (http(429), "passing"),
        (http(502), "passing"),
        (http(503), "passing"),
        (http(504), "passing"),
        (proxy_page("502 Bad Gateway"), "passing"),
        (RateLimitError("slow down"), "passing"),
        (httpx.ConnectError("[Errno 111] Connection refused"), "refused"),
        (httpx.ConnectTimeout("timed out"), "refused"),
        (http(401), None),
        (http(403), None),
        (proxy_page("401 Authorization Required"), None),
        (http(400), None),
        (http(404), None),
        (http(409), None),
        (http(500), None),
        (NotFoundError("Collection papers does not exist"), None),
        (InvalidArgumentError("Expected metadata value to be a str"), None),
        (KeyError("paper_id"), None),
    ],
)
def test_what_may_pass_and_what_would_fail_again(exc: BaseException, kind: str | None) -> None:
    assert failure(exc) == kind


def test_a_failure_that_passes_is_retried_and_each_retry_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    link = Link(server(retries=5))
    flaky = Flaky(httpx.ReadTimeout("slow", request=REQUEST), http(503))
    with caplog.at_level(logging.WARNING, "litreview.index"):
        assert link.call("upsert on papers", flaky) == "answer"
    assert flaky.calls == 3
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2
    assert lines[0].startswith("the Chroma server at https://chroma.lab:443 failed upsert")
    assert "(ReadTimeout); retry 1 of 5" in lines[0] and "(HTTP 503); retry 2 of 5" in lines[1]
    assert link.answering is True


def test_after_the_last_retry_the_message_says_how_often_it_was_tried() -> None:
    link = Link(server(retries=3))
    link.answering = True  # reached before: the server went away mid-ingest
    flaky = Flaky(*[httpx.ConnectError("[Errno 111] Connection refused")] * 10)
    with pytest.raises(ServerUnavailable) as caught, reaching(link.chroma, "storing chunks"):
        link.call("upsert on papers", flaky)
    assert flaky.calls == 4, "the first attempt and 3 retries"
    message = str(caught.value)
    assert message.startswith("cannot reach the Chroma server at https://chroma.lab:443")
    assert "while storing chunks (ConnectError; tried 4 times in 0 s)" in message
    assert "run the command again" in message
    assert link.answering is False


def test_retries_stop_when_the_window_ends() -> None:
    link = Link(server(retries=1000, retry_seconds=0.3))
    never: Callable[[], str] = Flaky(*[httpx.ReadTimeout("slow", request=REQUEST)] * 10_000)
    started = time.monotonic()
    with pytest.raises(GaveUp) as caught:
        link.call("get on papers", never)
    assert 0.3 <= time.monotonic() - started < 2.0
    assert 2 < caught.value.attempts < 1000


def test_no_retries_when_set_to_none() -> None:
    flaky = Flaky(httpx.ReadTimeout("slow", request=REQUEST))
    with pytest.raises(httpx.ReadTimeout):
        Link(server(retries=0)).call("get on papers", flaky)
    assert flaky.calls == 1


@pytest.mark.parametrize("exc", [http(401), proxy_page("403 Forbidden"), http(404), http(400)])
def test_what_would_fail_again_goes_up_at_once(
    exc: BaseException, caplog: pytest.LogCaptureFixture
) -> None:
    link = Link(server())
    link.answering = True
    flaky = Flaky(exc)
    with (
        caplog.at_level(logging.WARNING, "litreview.index"),
        pytest.raises((ServerRefused, ServerUnavailable)) as caught,
        reaching(link.chroma, "searching"),
    ):
        link.call("query on papers", flaky)
    assert flaky.calls == 1 and not caplog.records
    assert "tried" not in str(caught.value)


def test_a_bug_is_not_retried() -> None:
    flaky = Flaky(KeyError("paper_id"))
    with pytest.raises(KeyError):
        Link(server()).call("get on papers", flaky)
    assert flaky.calls == 1


def test_a_server_never_reached_is_not_waited_for() -> None:
    """Nothing answering before any call succeeded: a server not started, said at once."""
    link = Link(server())
    flaky = Flaky(httpx.ConnectError("[Errno 111] Connection refused"))
    with pytest.raises(ServerUnavailable) as caught, reaching(link.chroma, "connecting"):
        link.call("connecting", flaky)
    assert flaky.calls == 1
    assert str(caught.value).startswith("cannot reach the Chroma server")
    assert "tried" not in str(caught.value)


def test_after_giving_up_the_next_calls_fail_at_once_until_one_succeeds() -> None:
    link = Link(server(retries=2))
    link.answering = True
    with pytest.raises(GaveUp):
        link.call("get on papers", Flaky(*[http(503)] * 5))
    again = Flaky(http(503))
    with pytest.raises(httpx.HTTPStatusError):
        link.call("get on papers", again)
    assert again.calls == 1, "a batch over a dead server does not wait a window per question"
    assert link.call("count on papers", Flaky()) == "answer"
    recovered = Flaky(http(503))
    assert link.call("get on papers", recovered) == "answer" and recovered.calls == 2


def test_no_token_or_header_reaches_a_log_line_or_the_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    link = Link(server(retries=2))
    link.answering = True
    leaky = [
        proxy_page("502 Bad Gateway"),
        httpx.ReadTimeout(f"timed out; Authorization: Bearer {TOKEN}", request=REQUEST),
        httpx.RemoteProtocolError(f"X-Lab: {HEADER}"),
    ]
    with (
        caplog.at_level(logging.DEBUG),
        pytest.raises(ServerUnavailable) as caught,
        reaching(link.chroma, "sharing papers"),
    ):
        link.call("upsert on papers-papers", Flaky(*leaky))
    assert len(caplog.records) == 2
    written = caplog.text + "\n".join(r.getMessage() for r in caplog.records) + str(caught.value)
    assert TOKEN not in written and HEADER not in written
    assert "tried 3 times" in str(caught.value)


def test_a_collection_calls_through_the_link_and_passes_the_rest() -> None:
    class Fake:
        name = "papers-log"

        def __init__(self) -> None:
            self.count_calls = Flaky(httpx.RemoteProtocolError("Server disconnected"))

        def count(self) -> int:
            self.count_calls()
            return 7

    class FakeClient:
        def get_or_create_collection(self, name: str) -> Fake:
            assert name == "papers-log"
            return Fake()

    link = Link(server())
    link.answering = True
    collection = link.client(FakeClient()).get_or_create_collection("papers-log")  # type: ignore[arg-type]
    assert collection.count() == 7 and collection.name == "papers-log"
    assert collection.count_calls.calls == 2  # type: ignore[attr-defined]


def test_the_embedded_store_is_called_as_it_is(tmp_path: Path) -> None:
    """No host: no link, no retries (a local store's failure is not one that passes)."""
    from litreview.index.vectors import make_client

    client = make_client(load_settings(home=tmp_path / "home"))
    assert not isinstance(client, server_retry._Client)
    assert type(client).__module__.startswith("chromadb.")

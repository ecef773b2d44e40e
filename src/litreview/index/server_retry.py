"""Calls to a Chroma server, sent again while their failure may pass (tenacity), then reported.

A server restarted for a second, a connection dropped mid-request, a large
write that outlasted ``chroma.timeout`` on a loaded machine, a proxy answering
502/503/504 while the server behind it comes back, a 429: the same request a
moment later is likely to succeed, and without a retry any of them ended a
long ingest with "run it again". So each call is retried with exponential
back-off (0.5 s, doubling, at most 10 s apart), at most ``chroma.retries``
times and no later than ``chroma.retry_seconds`` after its first attempt (the
last wait is cut to end at that moment, so a server back just in time is
still met). What would fail the same way again goes up at once: a refused
token (401/403/407), a request the server rejects (400/404/409/413/422,
Chroma's own errors other than its rate limit), a bug of ours.

A refused connection is retried only once this process has reached the
server: before that, nothing answering is a server not started (or a wrong
host), and waiting would only delay the message saying so. Once a call has
given up, later calls are not retried until one succeeds again: a batch of
questions over a dead server fails each at once, not after a window each.

Only idempotent calls are retried, and every call litreview makes to a server
is one: reads (``get``, ``count``, ``query``), ``get_or_create_collection``,
``upsert`` and ``delete`` by explicit ids, and ``add`` by explicit ids chosen
before the call (a log entry's, a claim's, a parameter's, a file name's). Chroma
keeps the first record under an id and ignores later adds of it, so an add
that landed before its answer was lost changes nothing the second time, and a
claim read back after it finds the same holder. The one delete by a filter (a
removed paper's file names) deletes what matches when the request runs: sent
twice, it leaves what one request sent at the second moment would.
``create_collection`` (fails the second time) is passed through unretried.

Each retry is one log line: the server's address, the call, the failure's
kind and the wait. Never the failure's text (a proxy's page may echo a header)
and never a header or token. After the last attempt the failure goes up
inside :class:`~litreview.index.server_link.GaveUp`, and
:func:`~litreview.index.server_link.reaching` turns it into the user-ready
message, saying how many times it was tried.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from litreview import secrets
from litreview.index.server_link import GaveUp, causes, http_status, named, refused
from litreview.settings import ChromaSettings

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection
    from tenacity import RetryCallState

log = logging.getLogger("litreview.index")

T = TypeVar("T")

RETRY_STATUS = frozenset({429, 502, 503, 504})  # a rate limit, a proxy whose server is away
FIRST_WAIT = 0.5  # seconds before the first retry; doubled each time
MOST_WAIT = 10.0  # seconds between two attempts at most

Failure = Literal["refused", "passing"]  # no connection made / a failure that may pass


def failure(exc: BaseException) -> Failure | None:
    """What kind of failure ``exc`` is: ``None`` for one that would happen again."""
    import httpx
    from chromadb.errors import ChromaError

    status = http_status(exc)
    if status is None:
        chroma = next((link for link in causes(exc) if isinstance(link, ChromaError)), None)
        status = chroma.code() if chroma is not None else None
    if status is not None:
        return "passing" if status in RETRY_STATUS else None
    if refused(exc):
        return "refused"
    passing = (
        httpx.TimeoutException,  # read, write, pool
        httpx.NetworkError,  # read, write, close: the connection went away
        httpx.RemoteProtocolError,  # "Server disconnected without sending a response"
        ConnectionError,  # reset, broken pipe
        TimeoutError,
    )
    return "passing" if any(isinstance(link, passing) for link in causes(exc)) else None


class Link:
    """Calls to one server: each retried while its failure may pass, then raised.

    ``answering``: ``None`` until a call succeeds, ``True`` after one did,
    ``False`` after a call gave up (until one succeeds again).
    """

    def __init__(self, chroma: ChromaSettings) -> None:
        self.chroma = chroma
        self.answering: bool | None = None

    def retryable(self, exc: BaseException) -> bool:
        kind = failure(exc)
        if kind is None or self.answering is False:
            return False
        return kind == "passing" or self.answering is True

    def call(self, what: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)``, retried (``what`` names it in the log: no arguments)."""
        from tenacity import Retrying, retry_if_exception, stop_after_attempt, stop_after_delay

        attempts = 0

        def attempt() -> T:
            nonlocal attempts
            attempts += 1
            return fn(*args, **kwargs)

        started = time.monotonic()
        retrying = Retrying(
            stop=stop_after_attempt(self.chroma.retries + 1)
            | stop_after_delay(self.chroma.retry_seconds),
            wait=self._wait,
            retry=retry_if_exception(self.retryable),
            before_sleep=lambda state: self._log(what, state),
            reraise=True,
        )
        try:
            out = retrying(attempt)
        except Exception as exc:
            if attempts > 1 and failure(exc) is not None:
                self.answering = False
                raise GaveUp(attempts, time.monotonic() - started) from exc
            raise
        self.answering = True
        return out

    def _wait(self, state: RetryCallState) -> float:
        """Exponential back-off, the last wait cut to end when the window does."""
        backoff = min(FIRST_WAIT * 2 ** (state.attempt_number - 1), MOST_WAIT)
        left = self.chroma.retry_seconds - (state.seconds_since_start or 0.0)
        return float(max(0.0, min(backoff, left)))

    def _log(self, what: str, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        sleep = float(state.next_action.sleep) if state.next_action else 0.0
        line = (
            f"the Chroma server at {self.chroma.address} failed {what} "
            f"({named(exc) if exc else 'no answer'}); retry {state.attempt_number} of "
            f"{self.chroma.retries} in {sleep:.1f} s"
        )
        log.warning("%s", secrets.redact(line))

    def client(self, inner: ClientAPI) -> ClientAPI:
        """``inner``, its collections' calls retried through this link."""
        return cast("ClientAPI", _Client(inner, self))


class _Collection:
    """A server collection whose calls are retried; anything else is the collection's own."""

    def __init__(self, inner: Collection, link: Link) -> None:
        self._inner = inner
        self._link = link

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        what = f"{method} on {self._inner.name}"
        return self._link.call(what, getattr(self._inner, method), *args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("get", *args, **kwargs)

    def count(self) -> int:
        return int(self._call("count"))

    def query(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("query", *args, **kwargs)

    def peek(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("peek", *args, **kwargs)

    def upsert(self, *args: Any, **kwargs: Any) -> None:
        self._call("upsert", *args, **kwargs)

    def add(self, *args: Any, **kwargs: Any) -> None:
        self._call("add", *args, **kwargs)  # by explicit ids: see the module docstring

    def delete(self, *args: Any, **kwargs: Any) -> None:
        self._call("delete", *args, **kwargs)

    def modify(self, *args: Any, **kwargs: Any) -> None:
        self._call("modify", *args, **kwargs)  # sets a value: the same the second time

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class _Client:
    """A server client whose collections come back retried; anything else is its own."""

    def __init__(self, inner: ClientAPI, link: Link) -> None:
        self._inner = inner
        self._link = link

    def _collection(self, method: str, *args: Any, **kwargs: Any) -> Collection:
        got = self._link.call(method, getattr(self._inner, method), *args, **kwargs)
        return cast("Collection", _Collection(got, self._link))

    def get_or_create_collection(self, *args: Any, **kwargs: Any) -> Collection:
        return self._collection("get_or_create_collection", *args, **kwargs)

    def get_collection(self, *args: Any, **kwargs: Any) -> Collection:
        return self._collection("get_collection", *args, **kwargs)

    def heartbeat(self) -> int:
        return int(self._link.call("heartbeat", self._inner.heartbeat))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

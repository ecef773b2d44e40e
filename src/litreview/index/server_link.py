"""Talking to a Chroma server: every failure on the wire becomes one line a person can act on.

chromadb's HTTP client raises whatever httpx raises (connection refused, a
connection reset when the server dies mid-request, a read timeout) and, for
an HTTP error a reverse proxy returns, a bare ``Exception`` carrying the
proxy's HTML page. None of that names what to do, and a proxy's page may
echo a header back. :func:`reaching` wraps each call to the server and turns
those into :class:`ServerUnavailable` or :class:`ServerRefused`, naming the
server by address only (never a token) and saying what to do next. A failure
that may pass is first retried (:mod:`~litreview.index.server_retry`); the
message then says how many times it was tried.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from litreview.errors import LitreviewError
from litreview.settings import ChromaSettings


class ServerUnavailable(LitreviewError):
    """The Chroma server could not be reached, or went away in the middle of a call."""


class ServerRefused(LitreviewError):
    """The server (or the proxy in front of it) refused the request: a missing or wrong token."""


class GaveUp(Exception):
    """A failure that may pass lasted through every retry; raised from the last failure.

    :mod:`~litreview.index.server_retry` raises it; :func:`explain` says how
    many attempts were made. Not a :class:`LitreviewError`: it only carries
    the count up to :func:`reaching`, which says what the failure was.
    """

    def __init__(self, attempts: int, seconds: float) -> None:
        super().__init__(f"gave up after {attempts} attempts in {seconds:.0f} s")
        self.attempts = attempts
        self.seconds = seconds


_STATUS = re.compile(r"\b([45]\d\d) [A-Z][a-z]")  # "401 Authorization Required" in a page


def causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and what it was raised from or while handling (chromadb re-raises httpx's
    errors as a ``ValueError`` carrying the response's text)."""
    out: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in out and len(out) < 8:
        out.append(current)
        current = current.__cause__ or current.__context__
    return out


def http_status(exc: BaseException) -> int | None:
    """The HTTP status an exception carries: httpx's own, or one named in a proxy's page."""
    import httpx

    for link in causes(exc):
        if isinstance(link, httpx.HTTPStatusError):
            return link.response.status_code
    found = _STATUS.search(str(exc)[:2000])
    return int(found.group(1)) if found else None


def named(exc: BaseException) -> str:
    """The failure as a message names it: its HTTP status or its type, never its text (a
    proxy's page or an error's text may carry a token)."""
    status = http_status(exc)
    return f"HTTP {status}" if status else type(exc).__name__


def refused(exc: BaseException) -> bool:
    """Whether the server could not be reached at all (nothing was sent)."""
    import httpx

    unreachable = (httpx.ConnectError, httpx.ConnectTimeout, ConnectionRefusedError)
    return any(isinstance(link, unreachable) for link in causes(exc))


def explain(exc: BaseException, chroma: ChromaSettings, doing: str) -> LitreviewError:
    """The user-ready error for a failed call to the server while ``doing`` something."""
    if isinstance(exc, LitreviewError):
        return exc
    gave_up = next((link for link in causes(exc) if isinstance(link, GaveUp)), None)
    if gave_up is not None and gave_up.__cause__ is not None:
        exc = gave_up.__cause__  # what failed, the last time it was tried
    tried = (
        f"; tried {gave_up.attempts} times in {gave_up.seconds:.0f} s"
        if gave_up is not None
        else ""
    )
    where = chroma.address
    status = http_status(exc)
    if status in (401, 403, 407):
        if chroma.token is None and not chroma.headers:
            fix = (
                "no token is set; set chroma.token (or LITREVIEW_CHROMA__TOKEN) to the one "
                "the proxy in front of it expects"
            )
        else:
            fix = (
                "the token was not accepted; check chroma.token (or LITREVIEW_CHROMA__TOKEN) "
                "against the one the proxy in front of it expects"
            )
        return ServerRefused(
            f"the Chroma server at {where} refused the request (HTTP {status}) while {doing}: "
            + fix
        )
    kind = named(exc)
    if refused(exc):
        return ServerUnavailable(
            f"cannot reach the Chroma server at {where} while {doing} ({kind}{tried}); nothing is "
            f"lost: start it ('chroma run --host {chroma.host} --port {chroma.port}', or check "
            "the proxy in front of it) and run the command again, or unset chroma.host to use "
            "the embedded store"
        )
    return ServerUnavailable(
        f"lost the Chroma server at {where} while {doing} ({kind}{tried}); what was saved is "
        "kept: run the command again once the server is back "
        f"('chroma run --host {chroma.host} --port {chroma.port}' or your proxy)"
    )


def is_wire_error(exc: BaseException) -> bool:
    """Whether ``exc`` is a failure of the connection or the server, not a bug of ours."""
    import httpx
    from chromadb.errors import ChromaError

    wire = (httpx.HTTPError, ConnectionError, TimeoutError, ChromaError)
    # chromadb raises a plain Exception for an HTTP error whose body is not Chroma's own JSON
    # (a proxy's page), and may re-raise it as a ValueError.
    return any(isinstance(link, wire) or type(link) is Exception for link in causes(exc))


@contextmanager
def reaching(chroma: ChromaSettings, doing: str) -> Iterator[None]:
    """Run calls to the server; a failure on the wire leaves as a one-line error."""
    try:
        yield
    except Exception as exc:
        if not is_wire_error(exc):
            raise
        raise explain(exc, chroma, doing) from None

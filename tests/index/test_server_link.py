"""Failures on the wire to a Chroma server, as the one line a member reads."""

from __future__ import annotations

import httpx
import pytest

from litreview.index.server_link import ServerRefused, ServerUnavailable, reaching
from litreview.settings import ChromaSettings

SERVER = ChromaSettings(host="chroma.lab", port=443, ssl=True, token="sekrit-token-123")


def fails_with(exc: BaseException, context: BaseException | None = None) -> str:
    """The message for ``exc``, raised (as chromadb does) while handling ``context``."""
    with pytest.raises((ServerRefused, ServerUnavailable)) as caught, reaching(SERVER, "searching"):
        try:
            if context is not None:
                raise context
        finally:
            raise exc
    message = str(caught.value)
    assert "sekrit-token-123" not in message
    assert "https://chroma.lab:443" in message and "while searching" in message
    return message


def test_a_server_gone_mid_call_says_what_to_do() -> None:
    message = fails_with(
        httpx.RemoteProtocolError("Server disconnected without sending a response")
    )
    assert message.startswith("lost the Chroma server") and "run the command again" in message


def test_a_proxy_error_page_names_its_status() -> None:
    page = "<html><head><title>502 Bad Gateway</title></head></html>"
    assert "(HTTP 502)" in fails_with(ValueError(page), Exception(page))


def test_a_refused_token_is_named_not_shown() -> None:
    request = httpx.Request("GET", "https://chroma.lab/api/v2/auth/identity")
    response = httpx.Response(401, request=request)
    error = httpx.HTTPStatusError("401", request=request, response=response)
    message = fails_with(error)
    assert "refused the request (HTTP 401)" in message and "token was not accepted" in message


def test_a_bug_is_not_dressed_as_a_server_failure() -> None:
    with pytest.raises(KeyError), reaching(SERVER, "searching"):
        raise KeyError("paper_id")

"""Recorded model exchanges (vcrpy cassettes in fixtures/cassettes), replayed offline.

Matching includes the request body, so a changed prompt or parameter is a
miss, never a stale answer; a miss fails the test with how to re-record.
Authorization and key headers are filtered out before anything is written.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import REPO

CASSETTES = REPO / "fixtures" / "cassettes"
RECORD_MODE = os.environ.get("LITREVIEW_RECORD", "none")  # "all" while re-recording
# The server the fixtures were recorded from (see fixtures/README.md and `make record-fixtures`).
RECORDED_API_BASE = "http://127.0.0.1:8081/v1"
RECORDED_MODEL = "openai/gemma-3-270m"
SECRET_HEADERS = ["authorization", "x-api-key", "api-key", "openai-organization", "cookie"]
HOW_TO_RERECORD = (
    "no recorded exchange matches this request: the prompt or its parameters changed since "
    "the fixture was recorded. Re-record with `make record-fixtures` (it builds and starts the "
    "local llama.cpp server, see fixtures/README.md), review the new cassette, and commit it."
)


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in ("set-cookie", "x-request-id"):
            del headers[name]
    return response


@contextmanager
def replay(name: str) -> Iterator[Path]:
    import vcr
    from vcr.cassette import Cassette

    path = CASSETTES / f"{name}.yaml"
    if RECORD_MODE == "none" and not path.exists():
        pytest.fail(f"fixture {path} is missing. {HOW_TO_RERECORD}")
    recorder = vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode=RECORD_MODE,
        match_on=["method", "scheme", "host", "port", "path", "body"],
        filter_headers=SECRET_HEADERS,
        filter_post_data_parameters=["api_key"],
        before_record_response=_scrub_response,
        decode_compressed_response=True,
    )
    misses: list[str] = []
    original = Cassette.can_play_response_for

    def spy(self: Cassette, request: Any) -> bool:
        ok = bool(original(self, request))
        if not ok and RECORD_MODE == "none":
            misses.append(f"{request.method} {request.uri}")
        return ok

    Cassette.can_play_response_for = spy  # type: ignore[method-assign]
    try:
        with recorder.use_cassette(f"{name}.yaml"):
            try:
                yield path
            finally:
                if misses:
                    pytest.fail(f"{path.name}: {misses[0]}: {HOW_TO_RERECORD}")
    finally:
        Cassette.can_play_response_for = original  # type: ignore[method-assign]

"""The server path: a real ``chroma run`` on 127.0.0.1, started by the test suite."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.catalog import catalog_state
from tests.support.cli import run_cli
from tests.support.papers import small_corpus


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    chroma = Path(sys.executable).parent / "chroma"
    binary = str(chroma) if chroma.exists() else shutil.which("chroma")
    if not binary:
        pytest.fail("the 'chroma' command (from chromadb) is not installed")
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [binary, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/api/v2/heartbeat"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("chroma server did not start")
            time.sleep(0.2)
    yield port
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_ingest_and_search_through_server(chroma_server: int, home: Path, tmp_path: Path) -> None:
    flags = ["--chroma-host", "127.0.0.1", "--chroma-port", str(chroma_server)]
    corpus = small_corpus(tmp_path, n=12)
    run_cli(home, *flags, "ingest", str(corpus), check=True)
    assert not (home / "chroma").exists(), "vectors went to the server, not the embedded store"
    out = run_cli(
        home,
        *flags,
        "search",
        "compiling networks with input-dependent graphs",
        "--json",
        check=True,
    )
    top = json.loads(out.stdout)["results"][0]
    assert top["title"].startswith("DyCL")
    # the same settings through the environment instead of flags
    env = {"LITREVIEW_CHROMA__HOST": "127.0.0.1", "LITREVIEW_CHROMA__PORT": str(chroma_server)}
    again = run_cli(home, "ingest", str(corpus), "--json", env=env, check=True)
    assert json.loads(again.stdout)["added"] == 0


def test_unreachable_server_names_what_to_do(home: Path, tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path, n=2)
    proc = run_cli(
        home, "--chroma-host", "127.0.0.1", "--chroma-port", str(free_port()), "ingest", str(corpus)
    )
    assert proc.returncode == 1
    assert "cannot reach the Chroma server" in proc.stderr and "chroma run" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert catalog_state(home) == (0, 0), "nothing is half-ingested while the server is down"

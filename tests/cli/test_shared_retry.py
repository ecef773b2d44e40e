"""A shared library's server calls are retried while their failure may pass (a real ``chroma run``).

A server killed and started again while a member ingests, within
``chroma.retry_seconds``: the ingest waits for it and ends whole, with one log
line per retry and no "run it again". A server down longer than the window:
tests/cli/test_shared_library.py (the message says how often it was tried,
the next ingest resumes). A refused token is never retried:
tests/cli/test_server_proxy.py. Which failures are retried, and how often:
tests/index/test_server_retry.py.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from litreview.index.chunk_writes import write_of
from litreview.index.server_record import chunk_write, expected_chunks
from tests.support.chroma_server import ChromaServer
from tests.support.cli import litreview_bin, run_cli
from tests.support.papers import small_corpus

ENV = {
    "OPENAI_API_KEY": "",
    "ANTHROPIC_API_KEY": "",
    "LITREVIEW_LLM__MODEL": "extractive",
    "LITREVIEW_INGEST__BATCH_SIZE": "2",  # many small commits: the kill lands mid-ingest
}
# A window long enough for a restart on a loaded 2-core machine (a few seconds idle).
PATIENT = {"LITREVIEW_CHROMA__RETRIES": "60", "LITREVIEW_CHROMA__RETRY_SECONDS": "240"}


def _env(home: Path, extra: dict[str, str]) -> dict[str, str]:
    import os

    env = {**os.environ, "LITREVIEW_HOME": str(home), "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("LITREVIEW_CONFIG", None)
    return {**env, **extra}


def server_records(server: ChromaServer) -> dict[str, dict[str, object]]:
    import chromadb

    client = chromadb.HttpClient(host="127.0.0.1", port=server.port)
    got = client.get_collection("papers-papers").get(include=["metadatas"])
    return {pid: dict(meta) for pid, meta in zip(got["ids"], got["metadatas"] or [], strict=True)}


def server_chunks(server: ChromaServer) -> dict[str, list[str]]:
    import chromadb

    client = chromadb.HttpClient(host="127.0.0.1", port=server.port)
    got = client.get_collection("papers").get(include=["metadatas"])
    out: dict[str, list[str]] = {}
    for cid, meta in zip(got["ids"], got["metadatas"] or [], strict=True):
        out.setdefault(str(meta["paper_id"]), []).append(cid)
    return out


def listing(home: Path, server: ChromaServer) -> dict[str, object]:
    out = run_cli(home, *server.flags, "library", "--json", env=ENV, check=True, timeout=600)
    data = json.loads(out.stdout)
    data["stats"].pop("home")
    return dict(data)


def wait_for_papers(server: ChromaServer, proc: subprocess.Popen[str], at_least: int) -> None:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if len(server_records(server)) >= at_least:
                return
        except Exception:  # the collection does not exist before the first commit
            pass
        time.sleep(0.2)


def test_a_server_restarted_mid_ingest_is_waited_for_and_the_ingest_ends_whole(
    server: ChromaServer, tmp_path: Path
) -> None:
    a, b = tmp_path / "member-a", tmp_path / "member-b"
    corpus = small_corpus(tmp_path, n=40)
    proc = subprocess.Popen(
        [litreview_bin(), *server.flags, "ingest", str(corpus), "--json"],
        env=_env(a, {**ENV, **PATIENT}),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for_papers(server, proc, at_least=4)
    assert proc.poll() is None, "the ingest is still running when the server goes"
    server.stop(kill=True)  # connections reset mid-request, then refused
    time.sleep(1.0)
    server.start()  # same port, same data
    out, err = proc.communicate(timeout=900)

    assert proc.returncode == 0, err
    assert "Traceback" not in err and "error:" not in err and "run the command again" not in err
    retries = [line for line in err.splitlines() if "; retry " in line]
    assert retries, f"each retry is logged:\n{err}"
    assert all(line.startswith("the Chroma server at http://127.0.0.1:") for line in retries)
    report = json.loads(out.splitlines()[-1])
    assert report["papers"] == 40 and report["resumed"] == 0

    records, chunks = server_records(server), server_chunks(server)
    assert len(records) == 40, "every paper is on the server"
    for pid, meta in records.items():
        own = [c for c in chunks.get(pid, []) if write_of(c, pid) == chunk_write(meta)]
        assert len(own) == expected_chunks(meta) > 0, f"{pid}: its record and all its chunks"
    mine, theirs = listing(a, server), listing(b, server)  # B's home is empty: it pulls
    assert mine == theirs
    stats = mine["stats"]
    assert isinstance(stats, dict) and stats["count"] == 40 and stats["pending"] == 0

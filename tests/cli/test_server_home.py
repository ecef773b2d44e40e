"""A home records where its vectors live; opening it with the other kind of store is refused.

From a user trial: a library ingested through a Chroma server, searched with the
flags forgotten, opened an empty embedded store beside its catalog (every
``dense_score`` null, "15 papers are not fully indexed"), and the ingest that
message advised embedded the whole library again into the wrong store; the
next run through the server embedded it once more. Now each such run is one
line and exit status 1, and no store is written (a real ``chroma run``, the
installed command). The rules: ``src/litreview/index/store_place.py``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.support.catalog import catalog_state
from tests.support.chroma_server import ChromaServer, free_port
from tests.support.cli import run_cli
from tests.support.papers import small_corpus

ENV = {"OPENAI_API_KEY": "", "ANTHROPIC_API_KEY": "", "LITREVIEW_LLM__MODEL": "extractive"}
QUESTION = "compiling networks with input-dependent graphs"


def chunk_ids(server: ChromaServer) -> list[str]:
    import chromadb

    client = chromadb.HttpClient(host="127.0.0.1", port=server.port)
    return sorted(client.get_collection("papers").get(include=[])["ids"])


def collections(server: ChromaServer) -> list[str]:
    import chromadb

    client = chromadb.HttpClient(host="127.0.0.1", port=server.port)
    return [c.name for c in client.list_collections()]


def dense_scores(home: Path, *flags: str) -> list[object]:
    proc = run_cli(home, *flags, "search", QUESTION, "-k", "3", "--json", env=ENV, check=True)
    assert "not fully indexed" not in proc.stderr
    return [hit["dense_score"] for hit in json.loads(proc.stdout)["results"]]


def test_a_server_home_opened_without_the_server_is_refused(
    server: ChromaServer, home: Path, tmp_path: Path
) -> None:
    corpus = small_corpus(tmp_path, n=6)
    run_cli(home, *server.flags, "ingest", str(corpus), env=ENV, check=True)
    chunks = chunk_ids(server)
    assert chunks and catalog_state(home) == (6, 0)

    said = (
        f"error: {home}: this library's index is on the Chroma server at 127.0.0.1:"
        f"{server.port}: pass --chroma-host 127.0.0.1 --chroma-port {server.port} "
        "(or set [chroma] host/port in the config file)\n"
    )
    for command in (["search", QUESTION], ["library"], ["ingest"], ["ingest", str(corpus)]):
        proc = run_cli(home, *command, env=ENV)
        assert (proc.returncode, proc.stderr, proc.stdout) == (1, said, ""), command
    chat = run_cli(home, "chat", env=ENV)  # refused before the terminal UI's screen opens
    assert (chat.returncode, chat.stderr) == (1, said)
    assert not (home / "chroma").exists(), "no embedded store was made beside the catalog"
    assert catalog_state(home) == (6, 0), "nothing went back to pending"

    assert None not in dense_scores(home, *server.flags)
    assert chunk_ids(server) == chunks, "nothing was embedded again"

    # The server restarted on another port, same data: recognised by its collection's id.
    old = server.port
    server.stop()
    server.port = free_port()
    server.start()
    proc = run_cli(home, *server.flags, "search", QUESTION, "--json", env=ENV, check=True)
    assert f"recorded on the Chroma server at 127.0.0.1:{old}, is the collection" in proc.stderr
    assert None not in [hit["dense_score"] for hit in json.loads(proc.stdout)["results"]]
    assert chunk_ids(server) == chunks and catalog_state(home) == (6, 0)
    forgot = run_cli(home, "search", QUESTION, env=ENV)
    assert forgot.returncode == 1
    assert f"--chroma-port {server.port} (or set [chroma]" in forgot.stderr, "the new address"

    # Another server: refused, naming where the index is, and nothing is made there.
    other = ChromaServer(tmp_path / "other-data")
    other.start()
    try:
        proc = run_cli(home, *other.flags, "search", QUESTION, env=ENV)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr
        assert f"index is on the Chroma server at 127.0.0.1:{server.port}: pass" in proc.stderr
        assert f"the server at 127.0.0.1:{other.port} has no collection 'papers'" in proc.stderr
        assert collections(other) == []
        stranger = tmp_path / "stranger"  # another library on that server
        two = small_corpus(tmp_path, 2, "two.jsonl")
        run_cli(stranger, *other.flags, "ingest", str(two), env=ENV, check=True)
        theirs = chunk_ids(other)
        proc = run_cli(home, *other.flags, "ingest", str(corpus), env=ENV)
        assert proc.returncode == 1
        assert f"the 'papers' collection at 127.0.0.1:{other.port} is another library's" in (
            proc.stderr
        )
        assert chunk_ids(other) == theirs, "nothing of this library went to the other server"
    finally:
        other.stop()
    assert catalog_state(home) == (6, 0) and chunk_ids(server) == chunks


def test_an_embedded_home_opened_with_a_server_is_refused(
    server: ChromaServer, home: Path, tmp_path: Path
) -> None:
    corpus = small_corpus(tmp_path, n=4)
    run_cli(home, "ingest", str(corpus), env=ENV, check=True)
    for command in (["search", QUESTION], ["ingest", str(corpus)], ["chat"]):
        proc = run_cli(home, *server.flags, *command, env=ENV)
        assert proc.returncode == 1, command
        assert proc.stderr == (
            f"error: {home}: this library's index is embedded in this folder, not on a Chroma "
            "server: drop --chroma-host/--chroma-port (and [chroma] host in the config file, "
            "or LITREVIEW_CHROMA__HOST), or give the library on the server at 127.0.0.1:"
            f"{server.port} its own --home\n"
        )
    env = {**ENV, "LITREVIEW_CHROMA__HOST": "127.0.0.1", "LITREVIEW_CHROMA__PORT": str(server.port)}
    assert run_cli(home, "library", env=env).returncode == 1
    assert run_cli(home, "models", "--json", env=env).returncode == 0, "it opens no library"
    assert collections(server) == [], "nothing was made on the server"
    assert catalog_state(home) == (4, 0)

    # A copied library is the same store (named by role, not path): it opens as it is.
    copy = tmp_path / "copy"
    shutil.copytree(home, copy)
    assert None not in dense_scores(copy)
    assert catalog_state(copy) == (4, 0)
    # The server's own home, next to it, works as before.
    shared = tmp_path / "shared"
    run_cli(shared, *server.flags, "ingest", str(corpus), env=ENV, check=True)
    assert None not in dense_scores(shared, *server.flags)

"""A lab's shared library: a real ``chroma run`` and two homes as two members (issue 12).

Member A ingests; member B, whose home starts empty, must see the same
library (papers, ranking, answers, drafts) from the server alone; both
ingesting at once must leave one library; a server stopped mid-ingest must
cost nothing but a clear message and a second ``ingest``.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.chroma_server import ChromaServer
from tests.support.cli import litreview_bin, run_cli
from tests.support.papers import small_corpus

NO_KEYS = {"OPENAI_API_KEY": "", "ANTHROPIC_API_KEY": "", "LITREVIEW_LLM__MODEL": "extractive"}
SHORT_RETRY_WINDOW = {"LITREVIEW_CHROMA__RETRY_SECONDS": "3"}


def members(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / "member-a", tmp_path / "member-b"


def ingest_at_once(
    server: ChromaServer, jobs: tuple[tuple[Path, Path], ...], batch_size: int
) -> None:
    """Each (home, file) ingested by its own process, all started together; each must succeed."""
    small = {**NO_KEYS, "LITREVIEW_INGEST__BATCH_SIZE": str(batch_size)}
    procs = [
        subprocess.Popen(
            [litreview_bin(), *server.flags, "ingest", str(path)],
            env={**_env(home), **small},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for home, path in jobs
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err


def library_json(home: Path, server: ChromaServer) -> dict[str, object]:
    out = run_cli(home, *server.flags, "library", "--json", env=NO_KEYS, check=True)
    data = json.loads(out.stdout)
    data["stats"].pop("home")
    return dict(data)


def server_papers(server: ChromaServer) -> list[str]:
    import chromadb

    client = chromadb.HttpClient(host="127.0.0.1", port=server.port)
    return list(client.get_collection("papers-papers").get(include=[])["ids"])


def test_a_second_member_sees_the_same_library(server: ChromaServer, tmp_path: Path) -> None:
    a, b = members(tmp_path)
    corpus = small_corpus(tmp_path, n=12)
    run_cli(a, *server.flags, "ingest", str(corpus), env=NO_KEYS, check=True)
    assert not (b / "catalog.sqlite3").exists()

    question = "compiling networks with input-dependent graphs"
    found = [
        json.loads(run_cli(h, *server.flags, "search", question, "--json", check=True).stdout)
        for h in (a, b)
    ]
    assert found[0]["results"][0]["title"].startswith("DyCL")
    assert found[0] == found[1], "B ranks the same papers with the same scores"

    asked = [
        json.loads(
            run_cli(h, *server.flags, "ask", question, "--json", env=NO_KEYS, check=True).stdout
        )
        for h in (a, b)
    ]
    assert asked[0]["citations"] and asked[0]["answer"] == asked[1]["answer"]
    assert asked[0]["sources"] == asked[1]["sources"]

    drafts = [
        run_cli(
            h,
            *server.flags,
            "related-work",
            "--topic",
            question,
            "--model",
            "extractive",
            env=NO_KEYS,
            check=True,
        ).stdout
        for h in (a, b)
    ]
    assert drafts[0].startswith("## Related Work") and drafts[0] == drafts[1]

    again = run_cli(b, *server.flags, "ingest", str(corpus), "--json", env=NO_KEYS, check=True)
    report = json.loads(again.stdout.splitlines()[-1])
    assert report["added"] == 0 and report["embedded"] == 0 and report["papers"] == 12
    assert library_json(a, server) == library_json(b, server)
    assert len(server_papers(server)) == 12


def test_two_members_ingesting_at_once_make_one_library(
    server: ChromaServer, tmp_path: Path
) -> None:
    a, b = members(tmp_path)
    corpus = small_corpus(tmp_path, n=24)
    rows = corpus.read_text().splitlines()
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("\n".join(rows[:16]) + "\n")  # 8 papers in both files
    second.write_text("\n".join(rows[8:]) + "\n")
    ingest_at_once(server, ((a, first), (b, second)), batch_size=4)
    ids = server_papers(server)
    assert len(ids) == len(set(ids)) == 24, "no duplicate papers on the server"
    views = [library_json(home, server) for home in (a, b)]
    assert views[0] == views[1]
    stats = views[0]["stats"]
    assert isinstance(stats, dict) and stats["count"] == 24 and stats["pending"] == 0


def test_members_reading_same_titled_papers_at_once_keep_them_apart(
    server: ChromaServer, tmp_path: Path
) -> None:
    """Two files read at the same moment by two members: 6 titles name a different paper in
    each file (own DOI, years, authors), 4 papers are the same in both. Every paper keeps its
    own id and text, the shared ones are one paper each with both file names."""
    a, b = members(tmp_path)
    rows = [json.loads(line) for line in small_corpus(tmp_path, n=10).read_text().splitlines()]
    files: list[Path] = []
    for side, year in (("a", 2001), ("b", 2019)):
        out = [{**r, "doi": f"10.5555/shared{i}"} for i, r in enumerate(rows[:4])]
        out += [
            {
                **r,
                "abstract": f"Member {side}'s paper of this title. {r['abstract']}",
                "doi": f"10.5555/{side}{i}",
                "year": year,
                "authors": [f"{side.upper()}uthor {i}"],
            }
            for i, r in enumerate(rows[4:])
        ]
        files.append(tmp_path / f"{side}.jsonl")
        files[-1].write_text("\n".join(json.dumps(r) for r in out) + "\n")
    ingest_at_once(server, ((a, files[0]), (b, files[1])), batch_size=2)
    ids = server_papers(server)
    assert len(ids) == len(set(ids)) == 16, "6 titles x 2 papers + 4 shared papers"
    views = [library_json(home, server) for home in (a, b)]
    assert views[0] == views[1]
    papers = views[0]["papers"]
    assert isinstance(papers, list)
    by_doi = {p["doi"]: p for p in papers}
    for i in range(6):
        for side in "ab":
            assert by_doi[f"10.5555/{side}{i}"]["abstract"].startswith(f"Member {side}'s")
    for i in range(4):
        assert sorted(by_doi[f"10.5555/shared{i}"]["sources"]) == [f.name for f in files]


def test_server_stopped_mid_ingest_resumes_with_nothing_lost(
    server: ChromaServer, tmp_path: Path
) -> None:
    a, b = members(tmp_path)
    corpus = small_corpus(tmp_path, n=40)
    # Down for longer than the retry window (a few seconds here; a server restarted within it
    # is waited for: tests/cli/test_shared_retry.py).
    slow = {**NO_KEYS, **SHORT_RETRY_WINDOW, "LITREVIEW_INGEST__BATCH_SIZE": "2"}
    proc = subprocess.Popen(
        [litreview_bin(), *server.flags, "ingest", str(corpus)],
        env={**_env(a), **slow},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if len(server_papers(server)) >= 4:
                break
        except Exception:  # the collection does not exist before the first commit
            pass
        time.sleep(0.2)
    server.stop(kill=True)  # mid-batch: the ingest is still running
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 1, err
    assert "Traceback" not in err
    assert "Chroma server at http://127.0.0.1" in err and "again" in err, err
    assert [line for line in err.splitlines() if line.startswith("error:")] == [
        err.strip().splitlines()[-1]
    ], "one line says what happened, last"
    assert "; retry 1 of " in err, "retried first"
    assert re.search(r"\(\w+; tried \d+ times in \d+ s\)", err.strip().splitlines()[-1]), err

    server.start()
    resumed = run_cli(a, *server.flags, "ingest", "--json", env=NO_KEYS, check=True)
    report = json.loads(resumed.stdout.splitlines()[-1])
    assert report["resumed"] > 0 and report["papers"] == 40
    assert sorted(server_papers(server)) == sorted(
        p["paper_id"]
        for p in library_json(a, server)["papers"]  # type: ignore[union-attr]
    )
    assert library_json(a, server) == library_json(b, server)


def _env(home: Path) -> dict[str, str]:
    import os

    env = {**os.environ, "LITREVIEW_HOME": str(home), "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("LITREVIEW_CONFIG", None)
    return env


@pytest.mark.models
def test_the_full_pipeline_is_shared_too(server: ChromaServer, tmp_path: Path) -> None:
    """With the re-ranking model on (the default), B gets A's MPNet vectors: same scores,
    complete, nothing for B to redo."""
    a, b = members(tmp_path)
    corpus = small_corpus(tmp_path, n=6)
    run_cli(a, *server.flags, "ingest", str(corpus), env=NO_KEYS, check=True)
    question = "compiling networks with input-dependent graphs"
    found = [
        json.loads(run_cli(h, *server.flags, "search", question, "--json", check=True).stdout)
        for h in (a, b)
    ]
    assert found[0]["results"][0]["rerank_score"] is not None
    assert found[0] == found[1]
    views = [library_json(h, server) for h in (a, b)]
    assert views[0] == views[1]
    again = run_cli(b, *server.flags, "ingest", "--json", env=NO_KEYS, check=True)
    assert "up to date" in again.stdout + again.stderr, "B has nothing to embed or re-rank"


@pytest.mark.models
def test_members_use_the_first_members_rerank_precision(
    server: ChromaServer, tmp_path: Path
) -> None:
    """A member set to fp32 joining an int8 library follows it, says so, and redoes nothing
    (with its own precision it would re-embed every paper, and A would redo them back)."""
    a, b = members(tmp_path)
    run_cli(a, *server.flags, "ingest", str(small_corpus(tmp_path, n=4)), env=NO_KEYS, check=True)
    fp32 = {**NO_KEYS, "LITREVIEW_RETRIEVAL__RERANK_MODEL_PRECISION": "fp32"}
    question = "compiling networks with input-dependent graphs"
    found = [
        run_cli(h, *server.flags, "search", question, "--json", env=env, check=True)
        for h, env in ((a, NO_KEYS), (b, fp32))
    ]
    assert "re-ranking vectors are int8 (its first member's setting)" in found[1].stderr
    assert json.loads(found[0].stdout) == json.loads(found[1].stdout), "the same scores"
    again = run_cli(b, *server.flags, "ingest", "--json", env=fp32, check=True)
    assert "up to date" in again.stdout + again.stderr, "nothing for B to redo"


def test_batch_records_questions_as_failed_when_the_server_dies(
    server: ChromaServer, tmp_path: Path
) -> None:
    """Issue 15's fault run: a Chroma server killed mid-batch. The questions left are kept as
    failures with the server's one-line message (to retry), not abandoned."""
    a, _ = members(tmp_path)
    run_cli(a, *server.flags, "ingest", str(small_corpus(tmp_path, n=8)), env=NO_KEYS, check=True)
    questions = tmp_path / "q.jsonl"
    rows = [
        {"id": f"q{i}", "question": f"dynamic neural network compilers, take {i}"}
        for i in range(40)
    ]
    questions.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    results = tmp_path / "results.jsonl"
    proc = subprocess.Popen(
        [litreview_bin(), *server.flags, "batch", str(questions), "--out", str(results)],
        env={**_env(a), **NO_KEYS, **SHORT_RETRY_WINDOW},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if results.exists() and results.read_text().count("\n") >= 2:
            break
        time.sleep(0.1)
    server.stop(kill=True)
    _, err = proc.communicate(timeout=300)
    assert "Traceback" not in err
    records = [json.loads(line) for line in results.read_text().splitlines()]
    assert len(records) == 40, "every question is recorded, answered or failed"
    failed = [r for r in records if "error" in r]
    assert failed, "the server died before the batch ended"
    assert all("Chroma server at http://127.0.0.1" in str(r["error"]) for r in failed)


def test_members_use_the_first_members_minilm_graph(server: ChromaServer, tmp_path: Path) -> None:
    """A new shared library takes its first member's MiniLM graph (int8 by default); a member
    set to the shipped graph follows it: the same scores, and nothing of A's to re-embed."""
    a, b = members(tmp_path)
    run_cli(a, *server.flags, "ingest", str(small_corpus(tmp_path, n=4)), env=NO_KEYS, check=True)
    shipped = {**NO_KEYS, "LITREVIEW_INGEST__MINILM": "shipped"}
    question = "compiling networks with input-dependent graphs"
    found = [
        json.loads(run_cli(h, *server.flags, "search", question, "--json", env=env).stdout)
        for h, env in ((a, NO_KEYS), (b, shipped))
    ]
    assert found[0]["results"][0]["title"].startswith("DyCL")
    assert found[0] == found[1], "B queries with the library's graph, not its own setting"
    again = run_cli(b, *server.flags, "ingest", "--json", env=shipped, check=True)
    assert "up to date" in again.stdout + again.stderr, "nothing for B to re-embed"
    import sqlite3

    from litreview.encoders.minilm_int8 import INT8_MODEL_ID

    for home in (a, b):
        db = sqlite3.connect(home / "catalog.sqlite3")
        row = db.execute("SELECT value FROM meta WHERE key = 'minilm_model'").fetchone()
        db.close()
        assert row == (INT8_MODEL_ID,)

"""``litreview search`` and ``litreview library`` on the ingested sample library."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import run_cli, run_cli_reader_gone


def test_library_json_shape(sample_home: Path) -> None:
    data = json.loads(run_cli(sample_home, "library", "--json", check=True).stdout)
    assert data["stats"]["count"] == 264 and data["stats"]["pending"] == 0
    assert len(data["papers"]) == 264
    paper = data["papers"][0]
    assert {"paper_id", "title", "abstract", "sources", "authors", "year", "links"} <= set(paper)
    multi = [p for p in data["papers"] if len(p["sources"]) > 1]
    assert multi
    with_links = [p for p in data["papers"] if p["links"]]
    assert all(link.startswith("http") for p in with_links for link in p["links"])


def test_library_table(sample_home: Path) -> None:
    out = run_cli(sample_home, "library", "--limit", "3", check=True).stdout
    assert "264 papers" in out and "Sources:" in out


def test_search_json(sample_home: Path) -> None:
    proc = run_cli(
        sample_home,
        "search",
        "defending text classifiers against trojan attacks",
        "-k",
        "4",
        "--json",
        check=True,
    )
    record = json.loads(proc.stdout)
    assert record["query"].startswith("defending")
    assert len(record["results"]) == 4
    top = record["results"][0]
    assert {"paper_id", "title", "score", "rank"} <= set(top)
    assert top["title"].startswith("T-Miner")
    scores = [r["score"] for r in record["results"]]
    assert scores == sorted(scores, reverse=True)


def test_search_table(sample_home: Path) -> None:
    out = run_cli(
        sample_home, "search", "side-channel model extraction", "-k", "2", check=True
    ).stdout
    assert "MACPruning" in out


def test_search_queries_file_text_and_jsonl(sample_home: Path, tmp_path: Path) -> None:
    plain = tmp_path / "q.txt"
    plain.write_text(
        "# comment\ndouble descent and optimization\n\nforward learning of graph networks\n"
    )
    lines = run_cli(sample_home, "search", "--queries", str(plain), "--json", "-k", "2", check=True)
    records = [json.loads(line) for line in lines.stdout.splitlines()]
    assert [r["id"] for r in records] == ["2", "4"]
    assert all(len(r["results"]) == 2 for r in records)

    jsonl = tmp_path / "q.jsonl"
    jsonl.write_text(json.dumps({"id": "a", "query": "backdoor attacks"}) + "\n")
    out = run_cli(sample_home, "search", "--queries", str(jsonl), "--json", check=True).stdout
    assert json.loads(out)["id"] == "a"

    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "a", "query": "x"}) + "\n{broken\n")
    proc = run_cli(sample_home, "search", "--queries", str(bad))
    assert proc.returncode == 1 and f"{bad}:2: invalid JSON" in proc.stderr


def test_search_filters_and_modes(sample_home: Path) -> None:
    proc = run_cli(
        sample_home,
        "search",
        "quantization",
        "--source",
        "003",
        "--mode",
        "lexical",
        "--json",
        check=True,
    )
    results = json.loads(proc.stdout)["results"]
    assert results and all(any("003" in s for s in r["sources"]) for r in results)
    mmr = run_cli(sample_home, "search", "backdoor", "--mmr", "--json", "-k", "5", check=True)
    assert len(json.loads(mmr.stdout)["results"]) == 5
    # a source no paper comes from is a usage error naming the files, as a collection's is
    for command in ("search", "library"):
        typo = run_cli(
            sample_home, command, *(["x"] if command == "search" else []), "--source", "0003"
        )
        assert typo.returncode == 2, command
        assert "--source: no paper comes from a file named like '0003'; '000_" in typo.stderr


def test_search_usage_errors(sample_home: Path, home: Path) -> None:
    assert run_cli(sample_home, "search").returncode == 2
    empty = run_cli(home, "search", "anything")
    assert empty.returncode == 1 and "ingest --sample" in empty.stderr


def test_a_mistyped_home_is_said_and_not_made(home: Path) -> None:
    """`--home` with a typo made a new empty library even for `library`, which only reads."""
    for command in (["library"], ["search", "x"], ["ask", "x"], ["related-work", "--topic", "x"]):
        proc = run_cli(home, *command)
        assert proc.returncode == 1, command
        assert f"no library at {home} (nothing was ingested there)" in proc.stderr, command
        assert not home.exists(), command
    typo = home.parent / "hoem"
    proc = run_cli(home, "--home", str(typo), "library")
    assert proc.returncode == 1 and f"no library at {typo}" in proc.stderr
    assert not typo.exists()


def test_help_is_lazy() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from litreview.cli.main import cli; "
        "heavy = ('chromadb', 'onnxruntime', 'bm25s', 'langchain_text_splitters', 'litellm'); "
        "print([m for m in heavy if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_search_author_as_people_type_it(home: Path, tmp_path: Path) -> None:
    papers = tmp_path / "papers.jsonl"
    rows = [
        ("Deep learning with differential privacy", ["Martín Abadi", "Andy Chu"]),
        ("Privacy of dense retrieval indexes", ["Barlas Oğuz", "Jane Abadi-Smith"]),
        ("Private federated averaging", ["Martin Smith"]),
    ]
    papers.write_text(
        "".join(
            json.dumps({"title": t, "abstract": f"{t}: a study of privacy.", "authors": a}) + "\n"
            for t, a in rows
        )
    )
    run_cli(home, "ingest", str(papers), check=True)

    def titles(author: str) -> set[str]:
        proc = run_cli(home, "search", "privacy", "--author", author, "--json")
        assert proc.returncode == 0, proc.stderr
        return {r["title"] for r in json.loads(proc.stdout)["results"]}

    # Each search is a new process (seconds on a busy machine): the CLI's wiring here, the
    # many ways of typing a name in tests/index/test_catalog.py.
    assert titles("Abadi, M") == {rows[0][0]}
    assert titles("martin abadi") == {rows[0][0]}, "not Martin Smith, nor another Abadi"
    assert titles("Oguz") == {rows[1][0]}
    bad = run_cli(home, "search", "privacy", "--author", " , ")
    assert bad.returncode == 2 and "--author: no name" in bad.stderr
    backwards = run_cli(home, "search", "privacy", "--year-from", "2020", "--year-to", "2010")
    assert backwards.returncode == 2
    assert "--year-from 2020 is after --year-to 2010" in backwards.stderr


def test_a_closed_stdout_ends_every_listing_quietly(sample_home: Path) -> None:
    """`litreview search ... | head`, `litreview library | head`: status 141 as for `seq |
    head` (128 + SIGPIPE), nothing on stderr. Before: search closed stderr and exited 0,
    library exited 1 (Rich's own handling), JSON output 1 (click's)."""
    query = ["search", "backdoor attacks on neural networks", "-k", "20"]
    for args in (query, [*query, "--json"], ["library"], ["library", "--json"], ["--help"]):
        proc = run_cli_reader_gone(sample_home, *args)
        assert (proc.returncode, proc.stderr) == (141, ""), args


def test_the_passage_under_a_title_is_a_whole_sentence() -> None:
    """A user's search on San7o's library showed "p. 4: guarantees and what they mean to
    applications." and "p. 3: Despite the recent progress made in the asynchronous setting,":
    a passage is cut from its page mid-sentence, and its PDF line breaks were read as
    sentence ends."""
    from litreview.cli.search import _title_cell
    from litreview.index.retriever import SearchHit
    from litreview.reading.paper import Paper

    passage = (
        "guarantees and what they mean to applications. It can be created\n"
        "in a minute or so for a cluster with a few million files. Despite the recent\n"
        "progress made in the asynchronous setting, much more efficient consensus protocols\n"
        "are available in the partially synchronous setting. The state of a file region"
    )
    paper = Paper(paper_id="p", title="The Google File System", abstract="A file system.")
    hit = SearchHit(paper=paper, rank=1, score=1.0, passage=passage, page=4)
    shown = _title_cell(hit, "consensus in the asynchronous setting").plain
    assert shown.endswith(
        "p. 4: Despite the recent progress made in the asynchronous setting, much more "
        "efficient consensus protocols are available in the partially synchronous setting."
    )
    assert "guarantees and what" not in _title_cell(hit, "guarantees applications").plain

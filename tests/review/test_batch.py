"""Batch questions: formats, resume, failures recorded, nothing lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from litreview.review.batch import answered_ids
from litreview.review.questions import QuestionsFileError, read_questions
from tests.support.cli import run_cli
from tests.support.loopback import Reply, local_model_env, loopback

NO_KEYS = {
    "OPENAI_API_KEY": "",
    "ANTHROPIC_API_KEY": "",
    "LITREVIEW_LLM__OLLAMA_BASE": "http://127.0.0.1:9",
}


def test_question_formats(tmp_path: Path) -> None:
    text = tmp_path / "q.txt"
    text.write_text("# comment\nfirst question?\n\nsecond question?\n")
    assert [(q.id, q.question) for q in read_questions(text)] == [
        ("2", "first question?"),
        ("4", "second question?"),
    ]
    jsonl = tmp_path / "q.jsonl"
    jsonl.write_text(
        json.dumps({"id": "a", "question": "x?"}) + "\n" + json.dumps({"id": "b", "question": "y?"})
    )
    assert [q.id for q in read_questions(jsonl)] == ["a", "b"]
    table = tmp_path / "q.csv"
    table.write_text('id,Question\nq1,"what, exactly?"\nq2,why?\n')
    assert [(q.id, q.question) for q in read_questions(table)] == [
        ("q1", "what, exactly?"),
        ("q2", "why?"),
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("q.jsonl", '{"id": 1, "question": "ok"}\n{broken\n', "q.jsonl:2: invalid JSON"),
        ("q.jsonl", '{"id": 1}\n', "q.jsonl:1: a JSON line needs"),
        ("q.csv", "id,text\n1,hello\n", "q.csv:1: no 'question'"),
        ("q.txt", "\n# only a comment\n", "no questions found"),
        ("q.jsonl", '{"id": 1, "question": "a"}\n{"id": 1, "question": "b"}\n', "appears twice"),
    ],
)
def test_bad_questions_files(tmp_path: Path, name: str, content: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(QuestionsFileError, match=message):
        read_questions(path)


def test_answered_ids_ignore_failures_and_cut_lines(tmp_path: Path) -> None:
    results = tmp_path / "r.jsonl"
    results.write_text(
        json.dumps({"id": "1", "answer": "x"})
        + "\n"
        + json.dumps({"id": "2", "error": "boom"})
        + "\n"
        + '{"id": "3", "answ'
    )
    assert answered_ids(results) == {"1"}


def test_batch_cli_resumes_records_failures_and_reports(sample_home: Path, tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    rows = [
        {"id": "gpu", "question": "How can huge models be trained with little GPU memory?"},
        {"id": "trojan", "question": "How are trojaned text classifiers detected?"},
        {"id": "bread", "question": "What is a good sourdough recipe?"},
    ]
    questions.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    results = tmp_path / "out" / "results.jsonl"
    # A previous run answered "gpu" and was killed while writing "trojan".
    results.parent.mkdir()
    results.write_text(
        json.dumps({"id": "gpu", "answer": "earlier", "usage": {}}) + '\n{"id": "trojan", "ans'
    )
    report = tmp_path / "report.md"
    proc = run_cli(
        sample_home,
        "batch",
        str(questions),
        "--out",
        str(results),
        "--report",
        str(report),
        "-j",
        "2",
        env=NO_KEYS,
        check=True,
    )
    lines = results.read_text().splitlines()
    parsed = [json.loads(line) for line in lines if line.startswith("{") and line.endswith("}")]
    by_id = {r["id"]: r for r in parsed}
    assert set(by_id) == {"gpu", "trojan", "bread"}
    assert by_id["gpu"]["answer"] == "earlier", "answered questions are skipped, not redone"
    assert by_id["trojan"]["model"] == "extractive" and by_id["trojan"]["citations"]
    assert by_id["bread"]["answer"].startswith("Your library does not seem to cover")
    assert "2 answered, 1 already done, 0 failed" in proc.stderr
    text = report.read_text()
    assert "## trojan. How are trojaned" in text and "3 questions, 0 failed" in text


def test_batch_failures_are_recorded_and_the_rest_go_on(sample_home: Path, tmp_path: Path) -> None:
    questions = tmp_path / "q.txt"
    questions.write_text("first?\nsecond?\nthird?\n")
    results = tmp_path / "r.jsonl"
    # The second request gets a 400 (not retried); the others answer.
    with loopback(Reply(), Reply(status=400), Reply()) as (api_base, script):
        env = local_model_env(tmp_path, api_base, **NO_KEYS)
        proc = run_cli(
            sample_home, "batch", str(questions), "--out", str(results), "--model", "local", env=env
        )
        assert proc.returncode == 1
        rows = [json.loads(line) for line in results.read_text().splitlines()]
        assert [bool(r.get("error")) for r in rows] == [False, True, False]
        assert "rejected" in rows[1]["error"]
        assert "2 answered, 0 already done, 1 failed" in proc.stderr
        # Rerun: only the failed question is asked again.
        again = run_cli(
            sample_home,
            "batch",
            str(questions),
            "--out",
            str(results),
            "--model",
            "local",
            env=env,
            check=True,
        )
        assert "1 answered, 2 already done, 0 failed" in again.stderr
        assert len(script.requests) == 4


def test_same_answers_at_any_concurrency(sample_home: Path, tmp_path: Path) -> None:
    """20 questions at -j 1 and -j 4: the same answers, citations and sources, in any order.

    (Threads used to share pysbd's segmenter, which keeps the text being split on itself:
    a worker could lose an abstract's sentences, and with them its paper's citation. Near-tied
    scores are covered by tests/index/test_ties.py.)
    """
    bench = Path(__file__).resolve().parents[2] / "bench" / "data" / "retrieval_questions.jsonl"
    picked = [json.loads(line) for line in bench.read_text().splitlines()[:20]]
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        "\n".join(json.dumps({"id": q["id"], "question": q["question"]}) for q in picked) + "\n"
    )
    answers = {}
    for jobs in ("1", "4"):
        out = tmp_path / f"j{jobs}.jsonl"
        run_cli(
            sample_home, "batch", str(questions), "--out", str(out), "-j", jobs,
            "--model", "extractive", env=NO_KEYS, check=True,
        )  # fmt: skip
        rows = [json.loads(line) for line in out.read_text().splitlines()]
        # Every source too: a near-tie at the k-th place once let an uncited tail source change
        # places under load; ties now fall to an order float noise cannot change.
        answers[jobs] = {
            r["id"]: (r["answer"], r["citations"], [s["paper_id"] for s in r["sources"]])
            for r in rows
        }
    assert len(answers["1"]) == 20
    assert answers["4"] == answers["1"]


def test_one_reader_takes_question_or_query(tmp_path: Path) -> None:
    jsonl = tmp_path / "q.jsonl"
    jsonl.write_text('{"id": "a", "query": "backdoors?"}\n{"id": "b", "question": "memory?"}\n')
    assert [(q.id, q.question) for q in read_questions(jsonl)] == [
        ("a", "backdoors?"),
        ("b", "memory?"),
    ]
    table = tmp_path / "q.csv"
    table.write_text("id,query\n1,quantization?\n")
    assert read_questions(table)[0].question == "quantization?"

"""Batch questions: formats, resume, failures recorded, nothing lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from litreview.review.batch import NotAnAnswersFile, plan, read_answers
from litreview.review.questions import Question, QuestionsFileError, read_questions
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
        (
            "q.jsonl",
            '{"id": "2", "question": "a"}\n{"question": "b"}\n',
            "q.jsonl:2: question id '2' appears twice \\(also on line 1\\)",
        ),
        ("q.jsonl", '{"id": "empty", "question": "  "}\n', 'q.jsonl:1: the "question" is empty'),
        ("q.jsonl", '["a list?"]\n', "q.jsonl:1: a JSON line must be an object"),
        ("q.txt", "fine?\n", None),
    ],
)
def test_bad_questions_files(tmp_path: Path, name: str, content: str, message: str | None) -> None:
    path = tmp_path / name
    path.write_text(content)
    if message is None:
        assert read_questions(path)
        return
    with pytest.raises(QuestionsFileError, match=message):
        read_questions(path)


def test_every_problem_of_a_questions_file_is_said_at_once(tmp_path: Path) -> None:
    path = tmp_path / "q.txt"
    path.write_bytes(
        b"first?\n"
        b"caf\xe9 au lait?\n"  # Latin-1, not UTF-8
        b'{"id": "x", "question": ""}\n'
        b"{broken\n"
        b'{"id": "1", "question": "again?"}\n'
    )
    with pytest.raises(QuestionsFileError) as caught:
        read_questions(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: 4 problems:")
    assert f"{path}:2: not valid UTF-8 (byte 0xe9)" in message
    assert f'{path}:3: the "question" is empty' in message
    assert f"{path}:4: invalid JSON" in message
    assert f"{path}:5: question id '1' appears twice (also on line 1)" in message
    # A wrong file, not a few typos: the list stops, with a count of the rest.
    path.write_text("".join("{bad\n" for _ in range(30)))
    with pytest.raises(QuestionsFileError, match="30 problems") as caught:
        read_questions(path)
    assert str(caught.value).count("invalid JSON") == 20 and "and 10 more" in str(caught.value)


def test_read_answers_takes_the_latest_line_and_skips_cut_lines(tmp_path: Path) -> None:
    results = tmp_path / "r.jsonl"
    results.write_text(
        json.dumps({"id": "1", "question": "old?", "answer": "x"})
        + "\n"
        + json.dumps({"id": "2", "question": "q?", "error": "boom"})
        + "\n"
        + '{"id": "3", "answ\n{"i\n'  # cut by crashes (the next run ended the line)
        + json.dumps({"id": "1", "question": "new?", "answer": "y\u2028z"}, ensure_ascii=False)
    )
    answers = read_answers(results)
    assert set(answers) == {"1", "2"}
    assert answers["1"]["answer"] == "y\u2028z", "a later line supersedes; U+2028 ends no line"
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert read_answers(empty) == {} and read_answers(tmp_path / "none.jsonl") == {}


def test_an_answer_is_reused_only_for_its_question_model_and_filters() -> None:
    questions = [Question(str(i), f"question {i}?") for i in range(1, 7)]

    def row(qid: str, question: str, **extra: object) -> dict[str, object]:
        return {"id": qid, "question": question, "answer": "a", "model": "extractive", **extra}

    answers: dict[str, dict[str, object]] = {
        "1": row("1", "question   1?"),  # the same question, other whitespace: reused
        "2": row("2", "something else?"),  # the id now asks another question
        "3": row("3", "question 3?", model="openai/gpt-4o"),
        "4": row("4", "question 4?", filters={"collection": "Thesis"}),
        "5": {"id": "5", "question": "question 5?", "error": "boom", "model": "extractive"},
    }
    resume = plan(questions, answers, "extractive", {}, DEFAULT)
    assert [q.id for q in resume.todo] == ["2", "3", "4", "5", "6"]
    assert resume.done == 1
    assert resume.redo == {"2": "question", "3": "settings", "4": "settings"}
    assert resume.changed == {"3": ["model"], "4": ["filters"]}
    # With the filters those answers were made with, they are reused.
    assert plan(questions[3:4], answers, "extractive", {"collection": "Thesis"}, DEFAULT).done == 1


# What a run without -k, mode or MMR set makes its answers with.
DEFAULT: dict[str, object] = {"k": 8, "mode": "hybrid", "mmr": False}


def test_an_answer_is_reused_only_for_its_k_and_retrieval() -> None:
    """-k (and the retrieval mode and MMR, from the settings) decide which papers an answer
    cites: an answer made with others is asked again, as one from another model is."""
    questions = [Question(str(i), f"question {i}?") for i in range(1, 5)]

    def row(qid: str, **retrieval: object) -> dict[str, object]:
        made = {**DEFAULT, **retrieval}
        return {
            "id": qid,
            "question": f"question {qid}?",
            "answer": "a",
            "model": "m",
            "retrieval": made,
        }

    answers = {
        "1": row("1"),
        "2": row("2", k=3),
        "3": row("3", mode="dense"),
        "4": {**row("4", k=3, mmr=True), "model": "other"},
    }
    resume = plan(questions, answers, "m", {}, DEFAULT)
    assert [q.id for q in resume.todo] == ["2", "3", "4"]
    assert resume.redo == {"2": "settings", "3": "settings", "4": "settings"}
    assert resume.changed == {"2": ["k"], "3": ["retrieval"], "4": ["model", "k", "retrieval"]}
    # Asked with -k 3, the -k 3 answer is the one reused.
    assert [q.id for q in plan(questions, answers, "m", {}, {**DEFAULT, "k": 3}).todo] == [
        "1", "3", "4",
    ]  # fmt: skip


def test_an_answer_from_before_k_was_kept_counts_as_the_default_k() -> None:
    """Records written before -k was kept hold no "retrieval": they were made with the
    settings' k unless -k was given, which nothing says, so they count as the default k
    (reused by a run without -k, redone by one with another -k); one that holds more
    sources than the default k was certainly made with a larger -k, and is redone."""
    questions = [Question("1", "question 1?"), Question("2", "question 2?")]
    sources = [{"n": n, "paper_id": f"p{n}"} for n in range(1, 9)]
    answers: dict[str, dict[str, object]] = {
        "1": {
            "id": "1",
            "question": "question 1?",
            "answer": "a",
            "model": "m",
            "sources": sources,
        },
        "2": {
            "id": "2",
            "question": "question 2?",
            "answer": "a",
            "model": "m",
            "sources": [*sources, {"n": 9, "paper_id": "p9"}],  # 9 papers: not k 8
        },
    }
    default = plan(questions, answers, "m", {}, DEFAULT)
    assert [q.id for q in default.todo] == ["2"] and default.changed == {"2": ["k"]}
    other_k = plan(questions, answers, "m", {}, {**DEFAULT, "k": 4}, default_retrieval=DEFAULT)
    assert [q.id for q in other_k.todo] == ["1", "2"]
    assert other_k.changed == {"1": ["k"], "2": ["k"]}


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
        json.dumps(
            {
                "id": "gpu",
                "question": rows[0]["question"],
                "answer": "earlier",
                "usage": {},
                "model": "extractive",
            }
        )
        + '\n{"id": "trojan", "ans'
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


GPU = "How can huge models be trained with little GPU memory?"
TROJAN = "How are trojaned text classifiers detected?"
BREAD = "What is a good sourdough recipe?"


def test_a_changed_question_is_answered_again_not_given_the_old_answer(
    sample_home: Path, tmp_path: Path
) -> None:
    """A text file's ids are line numbers: a line inserted at the top renumbers the rest, and
    each id then asks another question. Those are asked again, not paired with old answers."""
    questions = tmp_path / "q.txt"
    questions.write_text(f"{GPU}\n{TROJAN}\n")
    results = tmp_path / "answers.jsonl"
    results.write_text("")  # an empty file is a new answers file
    report = tmp_path / "report.md"

    def batch(asked: Path, *more: str) -> str:
        """``litreview batch ASKED --out results MORE``, which must succeed; its stderr."""
        proc = run_cli(sample_home, "batch", str(asked), "--out", str(results), *more, env=NO_KEYS)
        assert proc.returncode == 0, proc.stderr
        return proc.stderr

    first = batch(questions)
    assert "2 answered, 0 already done, 0 failed ·" in first
    # No terminal: progress is plain lines, as ingest prints them.
    assert "Answering: 0/2\n" in first and "Answering: 2/2 (100%)\n" in first

    questions.write_text(f"{BREAD}\n{GPU}\n{TROJAN}\n")
    again = batch(questions, "--report", str(report))
    assert (
        "3 answered, 0 already done, 0 failed; 2 earlier answers were for a different question "
        "and were redone ·" in again
    )
    text = report.read_text()
    bread = text.split(f"## 1. {BREAD}\n\n", 1)[1]
    assert bread.startswith("Your library does not seem to cover"), text
    assert "3 questions, 0 failed" in text
    assert len(results.read_text().splitlines()) == 5, "appended: the old lines stay"

    # JSONL: the id kept, its question changed (and spaced differently) back to what id 2
    # asked in the first run: that answer (line 2) is reused, not the latest line's.
    changed = tmp_path / "q.jsonl"
    changed.write_text(json.dumps({"id": "2", "question": TROJAN.replace(" ", "  ")}) + "\n")
    third = batch(changed, "--report", str(report))
    assert (
        "0 answered, 0 already done, 1 already answered with these settings (earlier in the "
        "file), 0 failed ·" in third
    )
    assert "1 question, 0 failed" in report.read_text()
    assert read_answers(results)["2"]["question"] == TROJAN
    assert read_answers(results)["2"]["copy_of_line"] == 2
    # A question id 2 never asked: asked, the latest line's answer being to another question.
    changed.write_text(json.dumps({"id": "2", "question": BREAD}) + "\n")
    assert (
        "1 answered, 0 already done, 0 failed; 1 earlier answer was for a different question "
        "and was redone ·" in batch(changed)
    )


def test_the_report_shows_no_answer_to_an_earlier_question(tmp_path: Path) -> None:
    """A run stopped before it asked a changed question again: its id's latest line answers
    the old question, which the report must not show under the new one."""
    from litreview.review.batch import write_report

    results = tmp_path / "r.jsonl"
    results.write_text(
        json.dumps({"id": "1", "question": "Radiosity?", "answer": "radiosity answer"}) + "\n"
    )
    report = tmp_path / "r.md"
    write_report(results, report, [Question("1", "Transparent objects?")])
    text = report.read_text()
    assert "## 1. Transparent objects?\n\n_not answered yet_" in text
    assert "radiosity answer" not in text


def test_report_replaces_only_a_report(tmp_path: Path) -> None:
    """--report rewrote any file it was given (a user's notes.md); a report batch wrote is
    still rewritten, as each run does."""
    from litreview.review.batch import NotAReport, check_report, write_report

    questions = tmp_path / "q.txt"
    questions.write_text("q?\n")
    notes = tmp_path / "notes.md"
    notes.write_text("my notes\n")
    out = tmp_path / "a.jsonl"
    command = ("batch", str(questions), "--out", str(out), "--report", str(notes))
    proc = run_cli(tmp_path / "home", *command, env=NO_KEYS)
    assert proc.returncode == 2, proc.stderr
    assert f"--report {notes}: the file exists and is not a batch report" in proc.stderr
    assert notes.read_text() == "my notes\n" and not out.exists()
    report = tmp_path / "report.md"
    write_report(out, report, [Question("1", "q?")])
    check_report(report)  # its own: fine
    check_report(tmp_path / "new.md")
    with pytest.raises(NotAReport):
        check_report(notes)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("papers.jsonl", json.dumps({"id": "p1", "title": "A paper", "abstract": "..."}) + "\n"),
        ("notes.txt", "my notes\n"),
        ("questions.jsonl", json.dumps({"id": "1", "question": "q?"}) + "\n"),
    ],
)
def test_out_must_be_a_batch_answers_file(tmp_path: Path, name: str, content: str) -> None:
    """Answers appended to a papers file or notes would spoil it: refused, and said why.
    (Checked before the library is opened: no library is needed to see it.)"""
    questions = tmp_path / "q.txt"
    questions.write_text("q?\n")
    out = tmp_path / name
    out.write_text(content)
    proc = run_cli(tmp_path / "home", "batch", str(questions), "--out", str(out), env=NO_KEYS)
    assert proc.returncode == 2, proc.stderr
    said = " ".join(proc.stderr.split())
    assert f"error: {out}:1: not a batch answers file" in said
    assert '"id", "question" and "answer" or "error"' in said
    assert out.read_text() == content, "nothing appended"
    with pytest.raises(NotAnAnswersFile):
        read_answers(out)


def test_rerunning_with_another_k_or_retrieval_mode_redoes_the_answers(
    sample_home: Path, tmp_path: Path
) -> None:
    """-k was not part of what makes an answer reusable: a rerun with -k 3 kept the answers
    made with 8 papers each. Now every record keeps its retrieval, and a change redoes it."""
    questions = tmp_path / "q.txt"
    questions.write_text(f"{GPU}\n{TROJAN}\n")
    results = tmp_path / "answers.jsonl"
    report = tmp_path / "report.md"

    def batch(*more: str, env: dict[str, str] | None = None) -> str:
        command = ("batch", str(questions), "--out", str(results), "--model", "extractive")
        proc = run_cli(sample_home, *command, *more, env={**NO_KEYS, **(env or {})})
        assert proc.returncode == 0, proc.stderr
        return proc.stderr

    assert "2 answered, 0 already done, 0 failed ·" in batch()
    first = read_answers(results)
    assert "2 answered, 0 already done, 0 failed; 2 earlier answers were made with another -k " \
        "and were redone ·" in batch("-k", "3", "--report", str(report))  # fmt: skip
    assert [r["retrieval"] for r in first.values()] == [
        {"k": 8, "mode": "hybrid", "mmr": False}
    ] * 2
    answers = read_answers(results)
    assert all(r["retrieval"]["k"] == 3 and len(r["sources"]) <= 3 for r in answers.values())
    text = report.read_text()
    assert text.startswith("# Batch answers\n\n_Model: `extractive` (-k 3), for every answer._\n")
    assert text.count("_Model:") == 1, "one model: said once"
    assert "0 answered, 2 already done, 0 failed ·" in batch("-k", "3")
    lexical = batch("-k", "3", env={"LITREVIEW_RETRIEVAL__MODE": "lexical"})
    assert "2 earlier answers were made with another retrieval mode and were redone" in lexical

    # A file the previous version wrote keeps no retrieval: its answers count as made with
    # the default k, so a run without -k reuses them and a run with -k 4 redoes them.
    results.write_text(
        "".join(
            json.dumps({key: v for key, v in row.items() if key != "retrieval"}) + "\n"
            for row in first.values()
        )
    )
    assert "0 answered, 2 already done, 0 failed ·" in batch()
    assert "2 earlier answers were made with another -k and were redone" in batch("-k", "4")


def test_a_report_of_answers_from_two_models_says_each_answers_model(tmp_path: Path) -> None:
    """A run stopped part-way through a change of model leaves answers of two models: the
    report said neither. Each answer now says its model; one model is said once at the top."""
    from litreview.review.batch import write_report

    def row(qid: str, model: str, **more: object) -> dict[str, object]:
        made = {"k": 8, "mode": "hybrid", "mmr": False}
        return {"id": qid, "question": f"q{qid}?", "answer": f"answer {qid}", "model": model,
                "filters": {}, "retrieval": made, **more}  # fmt: skip

    results = tmp_path / "r.jsonl"
    rows = [
        row("1", "openai/gpt-4o"),
        row("2", "extractive", retrieval={"k": 3, "mode": "dense", "mmr": False}),
        row("3", "openai/gpt-4o", error="rejected"),
        row("4", "extractive", filters={"collection": "Thesis"}),
    ]
    results.write_text("".join(json.dumps(r) + "\n" for r in rows))
    report = tmp_path / "r.md"
    write_report(results, report, [Question(str(i), f"q{i}?") for i in range(1, 6)])
    text = report.read_text()
    assert "each says its model" in text
    assert "## 1. q1?\n\n_Model: `openai/gpt-4o` (-k 8)_\n\nanswer 1\n" in text
    assert "## 2. q2?\n\n_Model: `extractive` (-k 3, dense retrieval)_\n\nanswer 2\n" in text
    assert "## 3. q3?\n\n_Model: `openai/gpt-4o` (-k 8)_\n\n**Failed:** rejected\n" in text
    assert "## 4. q4?\n\n_Model: `extractive` (-k 8, collection Thesis)_\n\nanswer 4\n" in text
    assert "## 5. q5?\n\n_not answered yet_\n" in text

    # One model and one way: the report is as before, with the model said once at the top.
    results.write_text("".join(json.dumps(row(str(i), "extractive")) + "\n" for i in (1, 2)))
    write_report(results, report, [Question("1", "q1?"), Question("2", "q2?")])
    text = report.read_text()
    assert text.startswith("# Batch answers\n\n_Model: `extractive` (-k 8), for every answer._\n")
    assert "## 1. q1?\n\nanswer 1\n" in text and text.count("_Model:") == 1


def test_a_run_stopped_while_changing_model_reports_both_models(
    sample_home: Path, tmp_path: Path
) -> None:
    """The case from the CLI: answers by the extractive engine, then a rerun with another
    model stopped by Ctrl-C after two of three questions. Its report mixes the two models and
    says which gave which answer."""
    import os
    import signal
    import subprocess
    import time

    from tests.support.cli import litreview_bin

    questions = tmp_path / "q.txt"
    questions.write_text(f"{GPU}\n{TROJAN}\n{BREAD}\n")
    results = tmp_path / "answers.jsonl"
    report = tmp_path / "report.md"
    first = ("batch", str(questions), "--out", str(results), "--model", "extractive")
    run_cli(sample_home, *first, env=NO_KEYS, check=True)
    # The second answer takes a while: Ctrl-C comes while it is under way.
    with loopback(Reply(), Reply(delay=3.0)) as (api_base, script):
        env = {**os.environ, "LITREVIEW_HOME": str(sample_home), "NO_COLOR": "1"}
        env.update(local_model_env(tmp_path, api_base, **NO_KEYS))
        command = ["batch", str(questions), "--out", str(results), "--model", "local"]
        proc = subprocess.Popen(
            [litreview_bin(), *command, "--report", str(report)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 240
        while len(script.requests) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "2 answered, 0 already done, 0 failed, 1 not started" in err
    text = report.read_text()
    assert "each says its model" in text
    assert f"## 1. {GPU}\n\n_Model: `local` (-k 8)_\n" in text
    assert f"## 2. {TROJAN}\n\n_Model: `local` (-k 8)_\n" in text
    assert f"## 3. {BREAD}\n\n_Model: `extractive` (-k 8)_\n" in text


def test_the_report_counts_no_tokens_for_the_extractive_engine(tmp_path: Path) -> None:
    """Its token counts (kept in each record) are what a model would have read: the report
    does not add them up as spent; a model's answers in the same file are."""
    from litreview.review.batch import write_report

    def row(qid: str, model: str) -> dict[str, object]:
        usage = {"prompt_tokens": 100, "completion_tokens": 10, "cost_usd": 0.0}
        return {"id": qid, "question": f"q{qid}?", "answer": "a", "model": model, "usage": usage}

    results, report = tmp_path / "a.jsonl", tmp_path / "r.md"
    questions = [Question("1", "q1?"), Question("2", "q2?")]
    results.write_text("".join(json.dumps(row(i, "extractive")) + "\n" for i in ("1", "2")))
    write_report(results, report, questions)
    assert "2 questions, 0 failed; no model, no tokens (the extractive engine)." in (
        report.read_text()
    )
    results.write_text(json.dumps(row("1", "local")) + "\n" + json.dumps(row("2", "extractive")))
    write_report(results, report, questions)
    assert (
        "100 prompt + 10 completion tokens, cost $0.0000 (1 answer by the extractive engine, "
        "none)." in report.read_text()
    )


def test_an_answer_made_this_way_further_up_the_file_is_reused() -> None:
    """Only the latest line per id was looked at: after a run with -k 3, a run with the default
    k asked again every question whose k 8 answer was still in the file. The newest line made
    this way is reused now (a copy is to be appended); a failure or another question is not."""
    questions = [Question(str(i), f"question {i}?") for i in range(1, 5)]

    def row(qid: str, k: int, **more: object) -> dict[str, object]:
        return {"id": qid, "question": f"question {qid}?", "answer": f"{qid} with k {k}",
                "model": "m", "retrieval": {**DEFAULT, "k": k}, **more}  # fmt: skip

    records: list[tuple[int, dict[str, object]]] = list(
        enumerate(
            [
                row("1", 8, answer="older"),
                row("1", 8),  # the newest k 8 answer of 1: this one
                row("2", 8, question="what 2 asked before?"),
                row("3", 8, error="rejected"),
                row("4", 8, copy_of_line=2),  # itself a copy: the copy names the first line
                row("1", 3),
                row("2", 3),
                row("3", 3),
                row("4", 3),
            ],
            start=1,
        )
    )
    latest = {str(r["id"]): r for _, r in records}
    resume = plan(questions, latest, "m", {}, DEFAULT, earlier=records)
    assert [q.id for q in resume.todo] == ["2", "3"]
    assert resume.redo == {"2": "settings", "3": "settings"} and resume.done == 0
    assert list(resume.reuse) == ["1", "4"]
    assert resume.reuse["1"] == {**row("1", 8), "copy_of_line": 2}
    assert resume.reuse["4"]["copy_of_line"] == 2
    assert next(iter(resume.reuse["1"])) == "id", "a copy starts as every record does"
    # The latest line made this way is done as before, not copied.
    again = plan(questions, latest, "m", {}, {**DEFAULT, "k": 3}, earlier=records)
    assert again.done == 4 and not again.todo and not again.reuse
    # Another model: nothing further up the file is reused.
    assert len(plan(questions, latest, "other", {}, DEFAULT, earlier=records).todo) == 4


def test_switching_k_back_and_forth_asks_each_question_once_per_k(
    sample_home: Path, tmp_path: Path
) -> None:
    """The user trial: default k, -k 3, default k, -k 3 on one --out. Each switch asked every
    question again (paid for again), though its answer for that k was further up the file.
    Now each question is asked once per k, and the report after the last run shows the -k 3
    answers."""
    questions = tmp_path / "q.txt"
    questions.write_text(f"{GPU}\n{TROJAN}\n")
    results = tmp_path / "answers.jsonl"
    report = tmp_path / "report.md"
    eight = Reply(words=["Eight ", "papers ", "[1]."])
    three = Reply(words=["Three ", "papers ", "[1]."])
    wasted = Reply(words=["Asked ", "again ", "[1]."])
    with loopback(eight, eight, three, three, wasted) as (api_base, script):
        env = local_model_env(tmp_path, api_base, **NO_KEYS)

        def batch(*more: str) -> str:
            command = ("batch", str(questions), "--out", str(results), "--model", "local")
            proc = run_cli(sample_home, *command, *more, "--report", str(report), env=env)
            assert proc.returncode == 0, proc.stderr
            return proc.stderr

        assert "2 answered, 0 already done, 0 failed ·" in batch()
        assert "2 answered, 0 already done, 0 failed; 2 earlier answers were made with " \
            "another -k and were redone ·" in batch("-k", "3")  # fmt: skip
        assert len(script.requests) == 4
        for more in ((), ("-k", "3")):
            said = batch(*more)
            assert (
                "0 answered, 0 already done, 2 already answered with these settings (earlier in "
                "the file), 0 failed · local · 0 prompt + 0 completion tokens" in said
            ), said
            assert "redone" not in said
        assert len(script.requests) == 4, "each question asked once per k"
        assert "0 answered, 2 already done, 0 failed ·" in batch("-k", "3")

    lines = [json.loads(line) for line in results.read_text().splitlines()]
    assert len(lines) == 8, "two answers per k, and a copy per question at each switch back"
    assert [r.get("copy_of_line") for r in lines] == [None] * 4 + [1, 2, 3, 4]
    answers = read_answers(results)
    assert [r["answer"] for r in answers.values()] == ["Three papers [1]."] * 2
    assert all(r["retrieval"]["k"] == 3 for r in answers.values())
    text = report.read_text()
    assert text.startswith("# Batch answers\n\n_Model: `local` (-k 3), for every answer._\n")
    assert text.count("Three papers") == 2 and "Eight" not in text and "Asked" not in text

"""``litreview ask`` and ``litreview models`` through the installed command."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import run_cli, run_cli_reader_gone
from tests.support.loopback import Reply, local_model_env, loopback

NO_KEYS = {
    "OPENAI_API_KEY": "",
    "ANTHROPIC_API_KEY": "",
    "GEMINI_API_KEY": "",
    "MISTRAL_API_KEY": "",
    "GROQ_API_KEY": "",
    "LITREVIEW_LLM__OLLAMA_BASE": "http://127.0.0.1:9",
}


def test_ask_json_with_the_offline_default(sample_home: Path) -> None:
    proc = run_cli(
        sample_home,
        "ask",
        "How do I defend text classifiers against trojans?",
        "--json",
        env=NO_KEYS,
        check=True,
    )
    data = json.loads(proc.stdout)
    assert set(data) >= {"answer", "citations", "sources", "dropped_citations", "usage", "model"}
    assert data["model"] == "extractive"
    source_ids = {s["paper_id"] for s in data["sources"]}
    assert data["citations"] and all(c["paper_id"] in source_ids for c in data["citations"])
    assert any(c["title"].startswith("T-Miner") for c in data["citations"])
    assert data["usage"]["cost_usd"] == 0.0 and data["dropped_citations"] == []


def test_ask_streams_text_then_sources(sample_home: Path) -> None:
    proc = run_cli(
        sample_home, "ask", "side-channel model extraction", "-k", "3", env=NO_KEYS, check=True
    )
    assert "MACPruning" in proc.stdout and "Sources:" in proc.stdout
    # No model read a token: the footer does not count the ones the JSON keeps.
    assert "extractive · no model, no tokens" in proc.stderr
    assert "completion tokens" not in proc.stderr


def test_a_question_the_library_does_not_cover_lists_the_nearest_papers(
    sample_home: Path,
) -> None:
    """The refusal cites nothing: its papers are the nearest ones, not "Sources:"."""
    question = "What is the best recipe for sourdough bread baking?"
    proc = run_cli(sample_home, "ask", question, "-k", "3", env=NO_KEYS, check=True)
    assert "does not seem to cover this question" in proc.stdout
    assert "Sources:" not in proc.stdout
    assert "\nNearest papers (none cited):\n  [1] " in proc.stdout
    data = json.loads(run_cli(sample_home, "ask", question, "--json", env=NO_KEYS).stdout)
    assert data["citations"] == [] and data["sources"] and data["usage"]["prompt_tokens"] > 0


def test_named_model_without_key_is_an_error_not_a_fallback(sample_home: Path) -> None:
    proc = run_cli(sample_home, "ask", "anything", "--model", "openai/gpt-4o-mini", env=NO_KEYS)
    assert proc.returncode == 1
    assert "OPENAI_API_KEY" in proc.stderr and "Traceback" not in proc.stderr


def test_a_missing_key_is_reported_before_the_library_is_opened(home: Path) -> None:
    """The key is checked first: even with no library at all, the error is about the key."""
    proc = run_cli(
        home, "ask", "anything", "--model", "anthropic/claude-3-5-haiku-20241022", env=NO_KEYS
    )
    assert proc.returncode == 1
    assert "needs ANTHROPIC_API_KEY" in proc.stderr and "Traceback" not in proc.stderr
    assert not (home / "catalog.sqlite3").exists()


def test_ask_a_local_server_alias_drops_bad_citations(sample_home: Path, tmp_path: Path) -> None:
    words = ["Harmony ", "swaps ", "memory ", "[1]", "[9]. ", "Done ", "[2, 7]."]
    with loopback(Reply(words=words)) as (api_base, script):
        env = local_model_env(tmp_path, api_base, **NO_KEYS)
        proc = run_cli(
            sample_home,
            "ask",
            "training with little GPU memory",
            "-k",
            "3",
            "--model",
            "local",
            "--json",
            env=env,
            check=True,
        )
    data = json.loads(proc.stdout)
    assert data["model"] == "local"
    assert data["answer"] == "Harmony swaps memory [1]. Done [2]."
    assert data["dropped_citations"] == [9, 7]
    assert [c["n"] for c in data["citations"]] == [1, 2]
    assert data["usage"]["prompt_tokens"] == 11
    prompt = script.requests[0]["messages"]
    assert prompt[0]["role"] == "system" and '<source n="1"' in prompt[-1]["content"]
    log = (sample_home / "logs" / "llm.jsonl").read_text()
    assert "training with little GPU memory" in log


def test_unreachable_local_server_is_reported(sample_home: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        "[llm]\nmax_retries = 1\nretry_max_wait = 0.1\n"
        '[models.local]\nmodel = "openai/tiny"\napi_base = "http://127.0.0.1:9/v1"\n'
    )
    proc = run_cli(
        sample_home,
        "ask",
        "anything",
        "--model",
        "local",
        env={**NO_KEYS, "LITREVIEW_CONFIG": str(config)},
    )
    assert proc.returncode == 1
    assert "connection refused" in proc.stderr and "127.0.0.1:9" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_models_json(home: Path) -> None:
    data = json.loads(run_cli(home, "models", "--json", env=NO_KEYS, check=True).stdout)
    assert data["default"] == "extractive"
    assert data["models"][0] == {
        "name": "extractive",
        "model": "extractive",
        "kind": "extractive",
        "available": True,
        "detail": data["models"][0]["detail"],
        "default": True,
    }


def test_session_follow_up_sends_history_and_searches_in_context(
    own_sample: Path, tmp_path: Path
) -> None:
    from litreview.llm.types import Message
    from litreview.review.followup import retrieval_query

    with loopback(Reply(words=["Harmony ", "[1]."])) as (api_base, script):
        env = local_model_env(tmp_path, api_base, **NO_KEYS)
        first = ["ask", "How can huge models be trained on one server?", "-m", "local", "-s", "gpu"]
        run_cli(own_sample, *first, env=env, check=True)
        run_cli(
            own_sample,
            "ask",
            "Which of them swaps memory?",
            "-m",
            "local",
            "-s",
            "gpu",
            env=env,
            check=True,
        )
    second = script.requests[1]["messages"]
    assert [m["role"] for m in second] == ["system", "user", "assistant", "user"]
    assert second[1]["content"] == "How can huge models be trained on one server?"
    assert second[2]["content"] == "Harmony [1]."
    saved = json.loads((own_sample / "sessions" / "gpu.json").read_text())
    assert len(saved["turns"]) == 2 and saved["turns"][0]["model"] == "local"
    history = [Message("user", "How can huge models be trained?"), Message("assistant", "x")]
    assert retrieval_query("Which is fastest?", history).startswith("How can huge models")
    bad = run_cli(own_sample, "ask", "q", "-s", "../escape", env=NO_KEYS)
    assert bad.returncode == 2 and "session name" in bad.stderr


def test_a_closed_stdout_keeps_the_sessions_turn_and_ends_quietly(own_sample: Path) -> None:
    """`litreview ask ... -s s3 | head -2` exited 1 and lost the turn: the streamed answer's
    first write failed (EPIPE) inside the answer, before the session was saved."""
    question = "How do I defend text classifiers against trojans?"
    proc = run_cli_reader_gone(own_sample, "ask", question, "-s", "piped", env=NO_KEYS)
    turn = own_sample / "sessions" / "piped.json"
    assert turn.exists(), f"the turn was not saved ({proc.returncode}: {proc.stderr!r})"
    saved = json.loads(turn.read_text())
    assert [turn["question"] for turn in saved["turns"]] == [question]
    assert "T-Miner" in saved["turns"][0]["answer"]
    assert proc.returncode == 141, proc.stderr
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr
    assert "Exception ignored" not in proc.stderr and "error" not in proc.stderr


def test_text_mode_shows_only_the_checked_citations(sample_home: Path, tmp_path: Path) -> None:
    """Issues 14/15: the terminal showed [9], [0], [99], [1-300], [42] while stderr said they
    were removed; now the streamed text is the checked text, marker by marker."""
    words = [
        "Harmony ",
        "swaps [",
        "9] memory ",
        "[1]. ",
        "Zero [0], far [ 99 ], ",
        "range [1-",
        "300], paper [Paper 42], minus [-1], ",
        "mixed [1, 2 and 99], prose [see Table 2].",
    ]
    with loopback(Reply(words=words)) as (api_base, _):
        env = local_model_env(tmp_path, api_base, **NO_KEYS)
        args = ["ask", "training with little GPU memory", "-k", "3", "--model", "local"]
        proc = run_cli(sample_home, *args, env=env, check=True)
        data = json.loads(run_cli(sample_home, *args, "--json", env=env, check=True).stdout)
    checked = (
        "Harmony swaps memory [1]. Zero, far, range [1], paper, minus, mixed [1][2], "
        "prose [see Table 2]."
    )
    assert data["answer"] == checked
    assert data["dropped_citations"] == [9, 0, 99, 300, 42, -1]
    assert proc.stdout.split("\n")[0] == checked
    assert "Removed citations" in proc.stderr and "[300]" in proc.stderr


def test_a_bare_model_name_answers_through_its_provider(sample_home: Path) -> None:
    """`--model gpt-4o` with OPENAI_API_KEY set is OpenAI's gpt-4o (here a loopback server at
    OPENAI_BASE_URL, over real HTTP), not "unknown model"."""
    with loopback(Reply(words=["Harmony ", "[1]."])) as (api_base, script):
        env = {**NO_KEYS, "OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": api_base}
        proc = run_cli(
            sample_home, "ask", "How can huge models be trained?", "--model", "gpt-4o", env=env
        )
    assert proc.returncode == 0, proc.stderr
    assert "Harmony [1]" in proc.stdout
    assert script.requests[0]["model"] == "gpt-4o"

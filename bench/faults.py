"""Fault injection, as a user meets faults: killed processes, failing model servers, full disks.

python -m bench.faults [--kills N]

Each scenario runs the installed ``litreview`` command in an isolated home and
records: how many times the fault was injected, how many runs survived it (the
library opened and was consistent afterwards, or the command ended with a
clear message), what was lost (papers or answers missing once the next run
finished), and whether every message was clear (one ``error:`` line, no
traceback, exit status non-zero). The README's reliability table comes from
here (``bench/results/latest.json``, key ``faults``).

The cheap pipeline (``rerank_model = "none"``) keeps kills frequent; the
crash-safety logic is the same with every model.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tests.support.cli import CHEAP_PIPELINE, litreview_bin, run_cli
from tests.support.loopback import Reply, local_model_env, loopback
from tests.support.messages import clear_message
from tests.support.mounts import can_mount, read_only, tmpfs

from bench.common import Result, Row, save_result
from litreview.reading import sample_paths

SAMPLE_PAPERS = 264


@dataclass
class Outcome:
    fault: str
    times: int = 0
    survived: int = 0
    lost: int = 0
    clear: int | None = None  # runs whose message was clear; None: the fault ends in none
    note: str = ""


def run(
    home: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    return run_cli(home, *args, env={**CHEAP_PIPELINE, **(env or {})}, timeout=timeout)


def stats(home: Path) -> dict[str, Any] | None:
    proc = run(home, "library", "--json", "--limit", "1")
    if proc.returncode != 0:
        return None
    return dict(json.loads(proc.stdout)["stats"])


def kill_later(
    args: list[str], home: Path, after: float, env: dict[str, str] | None = None
) -> None:
    full = {**os.environ, **CHEAP_PIPELINE, "LITREVIEW_HOME": str(home), **(env or {})}
    full.pop("LITREVIEW_CONFIG", None)
    proc = subprocess.Popen(
        [litreview_bin(), *args],
        env=full,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    try:
        proc.wait(timeout=after)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()


def ingest_kills(kills: int, work: Path) -> Outcome:
    out = Outcome("kill -9 during ingest (sample, 264 papers)")
    home = work / "ingest-kills"
    for _ in range(kills):
        kill_later(["ingest", "--sample"], home, random.uniform(1.0, 12.0))
        out.times += 1
        if stats(home) is not None:
            out.survived += 1
    run(home, "ingest", "--sample")
    final = stats(home) or {}
    out.lost = SAMPLE_PAPERS - int(final.get("count", 0))
    out.note = f"pending after the next ingest: {final.get('pending')}"
    return out


def batch_kills(kills: int, work: Path) -> Outcome:
    out = Outcome("kill -9 during batch (20 questions, extractive)")
    home = work / "batch-kills"
    run(home, "ingest", "--sample")
    questions = work / "questions.txt"
    questions.write_text(
        "\n".join(
            f"What is known about {topic}?"
            for topic in [
                "backdoor attacks",
                "quantization",
                "diffusion models",
                "graph neural networks",
                "federated learning",
                "model compression",
                "adversarial examples",
                "pruning",
                "knowledge distillation",
                "speech recognition",
                "reinforcement learning",
                "image segmentation",
                "language models",
                "recommendation systems",
                "anomaly detection",
                "protein structure",
                "time series forecasting",
                "neural architecture search",
                "contrastive learning",
                "explainability",
            ]
        )
        + "\n"
    )
    answers = work / "answers.jsonl"
    for _ in range(kills):
        kill_later(
            ["batch", str(questions), "--out", str(answers), "--model", "extractive"],
            home,
            random.uniform(2.0, 10.0),
        )
        out.times += 1
        if not answers.exists() or all(
            json.loads(line) for line in answers.read_text().splitlines() if line.strip()
        ):
            out.survived += 1
    run(home, "batch", str(questions), "--out", str(answers), "--model", "extractive")
    ids = [json.loads(line)["id"] for line in answers.read_text().splitlines() if line.strip()]
    out.lost = 20 - len(set(ids))
    out.note = f"{len(ids) - len(set(ids))} duplicate answers"
    return out


def model_faults(work: Path) -> list[Outcome]:
    home = work / "model-faults"
    run(home, "ingest", "--sample")
    question = "How can huge models be trained with little GPU memory?"
    cases: list[tuple[str, list[Reply], dict[str, str], tuple[str, ...], bool]] = [
        ("model server: 500 on every attempt", [Reply(status=500)], {}, ("unavailable",), False),
        (
            "model server: 429 + Retry-After, then OK",
            [Reply(status=429, headers={"Retry-After": "1"}), Reply()],
            {},
            (),
            True,
        ),
        ("model server: empty reply every time", [Reply(words=[])], {}, ("empty",), False),
        (
            "model server: stream drops mid-answer",
            [Reply(break_after=2)],
            {},
            ("broke off",),
            False,
        ),
        (
            "model server: one chunk every 1.5 s, llm.timeout = 3",
            [Reply(words=["w "] * 20, word_delay=1.5)],
            {"LITREVIEW_LLM__TIMEOUT": "3"},
            ("llm.timeout",),
            False,
        ),
        (
            "model server: 401 that echoes the key",
            [Reply(status=401, echo_key=True)],
            {"OPENAI_API_KEY": "sk-bench-NEVER-SHOWN-0123456789abcdef"},
            ("refused",),
            False,
        ),
    ]
    outcomes = []
    for name, replies, extra, words, should_pass in cases:
        out = Outcome(name, times=1)
        with loopback(*replies) as (api_base, _):
            env = {
                **local_model_env(work, api_base),
                "LITREVIEW_LLM__MAX_RETRIES": "2",
                "LITREVIEW_LLM__RETRY_MAX_WAIT": "1",
                **extra,
            }
            started = time.monotonic()
            proc = run(home, "ask", question, "--model", "local", env=env, timeout=300)
            seconds = time.monotonic() - started
        leaked = "NEVER-SHOWN" in proc.stdout + proc.stderr
        if should_pass:
            out.survived = int(proc.returncode == 0)
            out.clear = out.survived
        else:
            out.survived = 1  # the command ended by itself
            out.clear = int(clear_message(proc, *words) and not leaked)
        out.note = f"{seconds:.1f} s" + (", KEY LEAKED" if leaked else "")
        outcomes.append(out)
    return outcomes


def disk_faults(work: Path) -> list[Outcome]:
    outcomes = []
    if not can_mount():
        return [Outcome("disk full / read-only home", note="skipped: needs root to mount")]
    full = Outcome("disk full during ingest (3 MB file system)", times=1)
    with tmpfs(work / "small", "3m") as mount:
        proc = run(mount / "home", "ingest", "--sample")
        full.clear = int(clear_message(proc, "full", str(mount / "home")))
        full.survived = int(stats(mount / "home") is not None)
    outcomes.append(full)

    ro = Outcome("read-only library folder: list, then search", times=1)
    source = work / "ro-source"
    run(source, "ingest", "--sample")
    with read_only(source, work / "ro") as view:
        listed = run(view, "library", "--json")
        searched = run(view, "search", "backdoor")
        ro.survived = int(listed.returncode == 0)
        ro.clear = int(clear_message(searched, "read-only"))
    outcomes.append(ro)
    return outcomes


def store_faults(work: Path) -> list[Outcome]:
    home = work / "damaged"
    run(home, "ingest", "--sample")
    out = Outcome("BM25 index overwritten with garbage", times=1)
    victim = home / "bm25" / "data.csc.index.npy"
    victim.write_bytes(os.urandom(victim.stat().st_size))
    proc = run(home, "search", "backdoor", "--mode", "dense")
    again = run(home, "search", "backdoor", "--json")
    out.survived = int(proc.returncode == 0 and again.returncode == 0)
    out.clear = int("rebuilt" in proc.stderr)
    return [out]


def malformed_files(work: Path) -> Outcome:
    out = Outcome("50 malformed files in one ingest, beside the sample", times=50)
    folder = work / "malformed"
    folder.mkdir()
    makers: list[Callable[[int], tuple[str, bytes]]] = [
        lambda i: (f"empty{i}.bib", b""),
        lambda i: (f"binary{i}.csv", os.urandom(200)),
        lambda i: (f"latin{i}.jsonl", '{"title": "Caf\xe9", "abstract": "x"}\n'.encode("latin-1")),
        lambda i: (f"utf16_{i}.csv", "title,abstract\nA,B\n".encode("utf-16")),
        lambda i: (f"badjson{i}.jsonl", b'{"title": "A", "abstract": \n'),
    ]
    files = []
    for i in range(50):
        name, data = makers[i % len(makers)](i)
        (folder / name).write_bytes(data)
        files.append(str(folder / name))
    home = work / "malformed-home"
    proc = run(home, "ingest", *files, *map(str, sample_paths()), "--json")
    summary = json.loads(proc.stdout) if proc.stdout.strip() else {}
    reported = [f for f in summary.get("files", []) if f.get("error")]
    out.survived = len(reported)
    out.lost = SAMPLE_PAPERS - int(summary.get("papers", 0))
    out.clear = sum(1 for f in reported if str(f["path"]) in f["error"])
    out.note = f"exit {proc.returncode}; traceback: {'Traceback' in proc.stderr}"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=10)
    args = parser.parse_args()
    random.seed(7)
    work = Path(tempfile.mkdtemp(prefix="litreview-faults-"))
    try:
        outcomes = [
            ingest_kills(args.kills, work),
            batch_kills(args.kills, work),
            *model_faults(work),
            *disk_faults(work),
            *store_faults(work),
            malformed_files(work),
        ]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{'fault':62} {'times':>5} {'survived':>8} {'lost':>4} {'clear':>5}  note")
    for o in outcomes:
        clear = "-" if o.clear is None else o.clear
        print(f"{o.fault:62} {o.times:>5} {o.survived:>8} {o.lost:>4} {clear:>5}  {o.note}")
    save_result("faults", {"rows": [asdict(o) for o in outcomes], "load": os.getloadavg()[0]})


def rows(result: Result) -> list[Row]:
    """One row per fault, as the README's reliability table: times, survived, lost, clear."""
    return [
        (
            f"Fault: {o['fault']}: times / survived / lost / clear messages",
            f"{o['times']} / {o['survived']} / {o['lost']} / "
            f"{'-' if o['clear'] is None else o['clear']}"
            + (f" ({o['note']})" if o["note"] else ""),
        )
        for o in result["rows"]
    ]


if __name__ == "__main__":
    main()

"""Every benchmark is in bench/suite.py, and each has what run_all and table call.

Read from the source (tests do not import ``bench``): a benchmark module saves
results and is run by ``make bench`` exactly when it is in the suite, and has
``main`` and ``rows``; ``python -m bench.table`` renders the saved results.
"""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.support.cli import REPO

BENCH = REPO / "bench"
# Plumbing, and modules that save no figures of their own (latency_stages: where one search's
# time goes; related_limits, related_wording: part of related_quality's run; synthetic: papers for
# the server's; pdf_corpus: the PDFs pdf_folder ingests).
NOT_BENCHMARKS = {
    "__init__",
    "common",
    "run_all",
    "suite",
    "synthetic",
    "table",
    "latency_stages",
    "related_limits",
    "related_wording",
    "pdf_corpus",
    "mpnet_smooth",  # a study of a graph not adopted (issue 11); its figures are in the README
    "mpnet_layers",  # issue 11's per-layer split study (~30 min); README notes, latest.json
    "theme_names",  # a before/after naming study against another checkout (issue 14); README
    "minilm_int8",  # issue 11's study of MiniLM int8 variants (the adopted one: minilm_gate)
}


def suite_names() -> list[str]:
    tree = ast.parse((BENCH / "suite.py").read_text(encoding="utf-8"))
    entries = next(
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "SUITE"
    )
    return [str(line).split()[0] for line in ast.literal_eval(entries)]


def top_level_functions(name: str) -> set[str]:
    tree = ast.parse((BENCH / f"{name}.py").read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


def test_every_benchmark_is_in_the_suite_once() -> None:
    modules = {p.stem for p in BENCH.glob("*.py")} - NOT_BENCHMARKS
    names = suite_names()
    assert sorted(names) == sorted(modules)
    assert len(set(names)) == len(names)


def test_each_benchmark_has_main_and_rows_and_saves_under_its_name() -> None:
    for name in suite_names():
        assert {"main", "rows"} <= top_level_functions(name), name
        assert f'save_result("{name}"' in (BENCH / f"{name}.py").read_text(), name


def test_table_renders_the_saved_results() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bench.table"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = proc.stdout.splitlines()
    assert lines[:2] == ["| measure | figure |", "|---|---|"]
    assert len(lines) > 30 and all(
        line.startswith("| ") and line.endswith(" |") for line in lines[2:]
    )

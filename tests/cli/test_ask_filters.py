"""``ask``, ``batch``, ``related-work`` and ``chat`` take search's filters, and honour them.

The bundled sample has no years (its page dumps give none), so the year filters are tried
on a small BibTeX library of rendering papers from 1984 to 2021.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import CHEAP_PIPELINE, run_cli

ENV = {**CHEAP_PIPELINE, "OPENAI_API_KEY": "", "ANTHROPIC_API_KEY": ""}
PAPERS = [
    (
        "cook1984",
        "Distributed Ray Tracing",
        1984,
        "Distributing the directions of rays gives "
        "motion blur, depth of field, penumbras and fuzzy reflections in rendering.",
    ),
    (
        "kajiya1986",
        "The Rendering Equation",
        1986,
        "We present an integral equation, the "
        "rendering equation, which generalizes a variety of known rendering algorithms: the light "
        "leaving a surface is the emitted plus the reflected radiance.",
    ),
    (
        "veach1997",
        "Metropolis Light Transport",
        1997,
        "A Monte Carlo method that solves the "
        "rendering equation by mutating earlier light paths, for difficult lighting.",
    ),
    (
        "bitterli2020",
        "Spatiotemporal Reservoir Resampling",
        2020,
        "We estimate the rendering "
        "equation's direct lighting term with reservoir resampling reused across pixels.",
    ),
    (
        "muller2021",
        "Real-time Neural Radiance Caching for Path Tracing",
        2021,
        "A neural cache "
        "approximates the solution of the rendering equation so that paths end early.",
    ),
]
YEARS = {title: year for _, title, year, _ in PAPERS}
QUESTION = "What is the rendering equation?"


@pytest.fixture(scope="module")
def rendering_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("rendering")
    bib = folder / "rendering.bib"
    bib.write_text(
        "".join(
            f"@article{{{key},\n title = {{{title}}},\n author = {{Doe, Jane}},\n"
            f" year = {{{year}}},\n abstract = {{{abstract}}}\n}}\n"
            for key, title, year, abstract in PAPERS
        ),
        encoding="utf-8",
    )
    home = folder / "home"
    run_cli(home, "ingest", str(bib), env=ENV, check=True)
    return home


def _years(hits: list[dict[str, object]]) -> set[object]:
    return {YEARS[str(h["title"])] for h in hits}


def test_ask_year_from_cites_only_papers_from_those_years(rendering_home: Path) -> None:
    unfiltered = json.loads(
        run_cli(rendering_home, "ask", QUESTION, "--json", env=ENV, check=True).stdout
    )
    assert min(_years(unfiltered["citations"])) < 2000  # the filter below has work to do
    proc = run_cli(
        rendering_home, "ask", QUESTION, "--year-from", "2000", "--json", env=ENV, check=True
    )
    data = json.loads(proc.stdout)
    assert data["citations"] and min(_years(data["citations"])) >= 2000
    assert data["sources"] and min(_years(data["sources"])) >= 2000


def test_ask_year_to_and_author(rendering_home: Path) -> None:
    proc = run_cli(
        rendering_home,
        "ask",
        QUESTION,
        "--year-to",
        "1990",
        "--author",
        "J. Doe",
        "--json",
        env=ENV,
        check=True,
    )
    data = json.loads(proc.stdout)
    assert data["citations"] and max(_years(data["sources"])) <= 1990
    nobody = run_cli(rendering_home, "ask", QUESTION, "--author", "Kajiya", env=ENV, check=True)
    assert "no paper passes these filters" in nobody.stderr


def test_batch_keeps_and_honours_the_year_filter(rendering_home: Path, tmp_path: Path) -> None:
    questions = tmp_path / "q.txt"
    questions.write_text(QUESTION + "\n", encoding="utf-8")
    out = tmp_path / "answers.jsonl"
    run_cli(
        rendering_home,
        "batch",
        str(questions),
        "--out",
        str(out),
        "--year-from",
        "2000",
        env=ENV,
        check=True,
    )
    row = json.loads(out.read_text(encoding="utf-8").splitlines()[-1])
    assert row["filters"] == {"year_from": 2000}
    assert row["citations"] and min(_years(row["sources"])) >= 2000
    # Other years make the answer another one: redone, not reused.
    again = run_cli(
        rendering_home,
        "batch",
        str(questions),
        "--out",
        str(out),
        "--year-to",
        "1990",
        env=ENV,
        check=True,
    )
    assert "made with other filters and was redone" in again.stderr
    row = json.loads(out.read_text(encoding="utf-8").splitlines()[-1])
    assert row["filters"] == {"year_to": 1990} and max(_years(row["sources"])) <= 1990


def test_related_work_honours_the_year_filter(rendering_home: Path) -> None:
    proc = run_cli(
        rendering_home,
        "related-work",
        "--topic",
        "solving the rendering equation",
        "--year-from",
        "2000",
        "--json",
        env=ENV,
        check=True,
    )
    papers = [p for theme in json.loads(proc.stdout)["themes"] for p in theme["papers"]]
    assert papers and min(_years(papers)) >= 2000


@pytest.mark.parametrize(
    "command",
    [
        ["search", QUESTION],
        ["ask", QUESTION],
        ["batch", "QUESTIONS", "--out", "OUT"],
        ["related-work", "--topic", QUESTION],
        ["chat"],
    ],
)
def test_an_impossible_year_range_is_the_usage_error_search_gives(
    command: list[str], rendering_home: Path, tmp_path: Path
) -> None:
    questions = tmp_path / "q.txt"
    questions.write_text(QUESTION + "\n", encoding="utf-8")
    args = [
        str(questions) if a == "QUESTIONS" else str(tmp_path / "a.jsonl") if a == "OUT" else a
        for a in command
    ]
    proc = run_cli(rendering_home, *args, "--year-from", "2010", "--year-to", "2000", env=ENV)
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1] == "Error: --year-from 2010 is after --year-to 2000"

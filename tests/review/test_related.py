"""Related-work drafts: queries, themes, coverage, exports."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from litreview.errors import Stopped
from litreview.evidence.sentences import split_sentences
from litreview.index.library import Library
from litreview.llm.backend import StreamEvent
from litreview.llm.extractive import ExtractiveBackend
from litreview.llm.types import Request
from litreview.reading.normalize import paper_id_for
from litreview.reading.paper import Paper
from litreview.review.bibtex import assign_keys, base_key
from litreview.review.export import render
from litreview.review.related import cluster, derive_queries, draft_related_work
from litreview.settings import Settings
from tests.support.scripted import Scripted

WORK = (
    "We propose a method to detect and remove backdoors planted in deep neural network "
    "classifiers without clean training data. It inverts the trigger from a single image."
)


def test_queries_cover_whole_input_sentences_and_phrases() -> None:
    queries = derive_queries(WORK + " " + "It works on images and text. " * 3)
    assert queries[0].startswith("We propose a method")
    assert any(q.startswith("It inverts the trigger") for q in queries)
    assert len(queries) <= 8 and len(set(queries)) == len(queries)


def test_cluster_separates_groups_and_prefers_balanced_cuts() -> None:
    rng = np.random.default_rng(0)
    centers = np.eye(3, 16)
    vectors = np.vstack([c + 0.05 * rng.standard_normal((4, 16)) for c in centers])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    labels = cluster(vectors)
    groups = [set(labels[i * 4 : i * 4 + 4]) for i in range(3)]
    assert all(len(g) == 1 for g in groups) and len(set.union(*groups)) == 3
    assert cluster(vectors[:3]) == [0, 0, 0]


def test_extractive_draft_cites_every_paper_it_was_given(sample_settings: Settings) -> None:
    with Library(sample_settings) as lib:
        events: list[tuple[str, int, int, str]] = []
        written: list[str] = []
        draft = draft_related_work(
            lib,
            ExtractiveBackend(),
            WORK,
            progress=lambda *e: events.append(e),
            on_theme=lambda theme: written.append(theme.name),
        )
    assert draft.model == "extractive" and len(draft.themes) >= 2
    numbers = [n for n, _ in draft.papers]
    assert numbers == list(range(1, len(numbers) + 1))
    for theme in draft.themes:
        cited = {int(n) for n in re.findall(r"\[(\d+)\]", theme.paragraph)}
        assert cited == set(theme.numbers), theme.name
        assert theme.name and len(theme.name.split()) <= 8
    titles = [p.title for _, p in draft.papers]
    assert any(t.startswith("Single Image Backdoor Inversion") for t in titles)
    assert [e[0] for e in events].count("theme") == len(draft.themes)
    assert written == [t.name for t in draft.themes], "paragraphs are handed over theme by theme"


def test_uncited_papers_are_regenerated_then_appended(sample_settings: Settings) -> None:
    # Every paper on topic, then names, then per theme: a first paragraph citing only [1], a
    # second still missing some.
    backend = Scripted(
        "1, 2, 3, 4, 5, 6", "Backdoor Defenses", "Only [1] matters.", "Still only [1] [99]."
    )
    with Library(sample_settings) as lib:
        draft = draft_related_work(lib, backend, WORK, max_papers=6)
    assert backend.requests[0].task == "relevance" and not draft.excluded
    first = draft.themes[0]
    assert first.regenerated
    reminder = backend.requests[3].messages[-1].content
    assert "left" in reminder and "uncited" in reminder
    assert "[99]" not in first.paragraph
    missing = [n for n in first.numbers if n != 1]
    assert first.appended == missing
    for n in first.numbers:
        assert f"[{n}]" in first.paragraph
    assert draft.usage.cost_usd is not None and draft.usage.cost_usd > 0


def test_cancel_stops_between_themes(sample_settings: Settings) -> None:
    stop = threading.Event()

    def progress(stage: str, done: int, total: int, message: str) -> None:
        if stage == "theme":
            stop.set()

    with Library(sample_settings) as lib, pytest.raises(Stopped):
        draft_related_work(lib, ExtractiveBackend(), WORK, progress=progress, stop=stop)


@pytest.fixture(scope="module")
def first_sample_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """One sample file (119 papers) ingested with both models, once for the tests below: the
    relevance judge is calibrated on the full re-ranking score, so they run the whole pipeline.
    """
    from litreview.reading import sample_paths
    from litreview.settings import load_settings
    from tests.support.cli import CHEAP_PIPELINE

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LITREVIEW_HOME", str(tmp_path_factory.mktemp("first-file") / "home"))
        patch.delenv("LITREVIEW_CONFIG", raising=False)
        for key in CHEAP_PIPELINE:
            patch.delenv(key, raising=False)
        settings = load_settings()
        with Library(settings) as lib:
            lib.ingest([p for p in sample_paths() if p.name.startswith("001_")])
        yield settings


@pytest.mark.models
def test_a_narrow_topic_cites_its_papers_not_twelve(first_sample_file: Settings) -> None:
    # A labelled topic with two papers in the library (bench/data): the draft used to be
    # padded to max_papers with whatever came next.
    topic = "fuzzing deep learning compilers by automatically generating valid DNN models as tests"
    with Library(first_sample_file) as lib:
        draft = draft_related_work(lib, ExtractiveBackend(), topic, max_papers=12)
    titles = [p.title for _, p in draft.papers]
    assert {t.split(":")[0] for t in titles} >= {"NNSmith", "NeuRI"}
    assert len(titles) <= 4, titles


@pytest.mark.models
def test_a_topic_ruling_out_a_use_leaves_out_the_papers_of_that_use(
    first_sample_file: Settings,
) -> None:
    # Labelled topic q212: both its papers prune against an attacker. The search score alone
    # (the cut before the relevance judge) also kept papers pruning for efficiency; the judge
    # reads "rather than for efficiency" as ruled out, and weighs "security" and "defense"
    # in each paper's own claims.
    from litreview.review.relevance import SEARCH_SCORE_ONLY

    topic = "Pruning used as a security defense rather than for efficiency"
    with Library(first_sample_file) as lib:
        judged = {
            p.title.split(":")[0]
            for _, p in draft_related_work(lib, ExtractiveBackend(), topic).papers
        }
        before = {
            p.title.split(":")[0]
            for _, p in draft_related_work(
                lib, ExtractiveBackend(), topic, judge=SEARCH_SCORE_ONLY
            ).papers
        }
    assert judged >= {"Adversarial Feature Map Pruning for Backdoor", "MACPruning"}
    assert len(judged) < len(before), (judged, before)


def test_model_paragraphs_report_dropped_citations_and_weak_support(
    sample_settings: Settings,
) -> None:
    class Quoting(Scripted):
        """Quotes its first source (supported), then claims something no source says."""

        def stream(
            self, request: Request, stop: threading.Event | None = None
        ) -> Iterator[StreamEvent]:
            if request.task == "relevance":  # every paper on topic
                self.texts = [", ".join(str(s.n) for s in request.sources)]
                yield from super().stream(request, stop)
                return
            first = request.sources[0]
            quote = split_sentences(first.text)[0].rstrip(".")
            self.texts = [
                f"{quote} [{first.n}]. "
                f"Protein folding in yeast cells is predicted from sequence [{first.n}] [42]."
            ]
            yield from super().stream(request, stop)

    with Library(sample_settings) as lib:
        draft = draft_related_work(lib, Quoting(""), WORK, max_papers=6)
    theme = draft.themes[0]
    assert theme.dropped == [42] and 42 in draft.dropped
    assert "[42]" not in theme.paragraph
    assert [c.supported for c in theme.support] == [True, False]
    assert theme.weak[0].sentence.startswith("Protein folding")
    data = draft.to_dict()
    assert data["dropped_citations"] == draft.dropped and data["weakly_supported"] >= 1
    themes = data["themes"]
    assert isinstance(themes, list) and themes[0]["support"][1]["supported"] is False


def test_extractive_paragraphs_are_not_support_checked(sample_settings: Settings) -> None:
    with Library(sample_settings) as lib:
        draft = draft_related_work(lib, ExtractiveBackend(), WORK, max_papers=6)
    assert all(not t.support and not t.dropped for t in draft.themes)


def test_markdown_references_are_a_list(sample_settings: Settings) -> None:
    with Library(sample_settings) as lib:
        draft = draft_related_work(lib, ExtractiveBackend(), WORK, max_papers=6)
    text = render(draft, "md").text
    references = text.split("### References\n\n", 1)[1].strip().splitlines()
    assert len(references) == len(draft.papers)
    assert all(re.match(r"- \[\d+\] .+ \(`[a-z0-9]+`\)$", line) for line in references)


def test_exports_cite_exactly_the_cited_papers(sample_settings: Settings) -> None:
    with Library(sample_settings) as lib:
        draft = draft_related_work(lib, ExtractiveBackend(), WORK, max_papers=6)
    md = render(draft, "md")
    latex = render(draft, "latex")
    import bibtexparser

    bib = bibtexparser.parse_string(latex.bibtex)  # type: ignore[attr-defined]
    keys = [e.key for e in bib.entries]
    assert len(keys) == len(set(keys)) == len(latex.cited) == len(draft.papers)
    cited_keys = set(re.findall(r"\\cite\{([^}]*)\}", latex.text))
    assert {k for group in cited_keys for k in group.split(",")} == set(keys)
    assert "[1]" not in latex.text and "\\section{Related Work}" in latex.text
    assert md.text.startswith("## Related Work") and "### References" in md.text
    assert md.bibtex == latex.bibtex


def test_bibtex_keys_are_readable_stable_and_unique() -> None:
    a = Paper(paper_id_for("Harmony: GPUs"), "Harmony: GPUs", "x")
    b = Paper(paper_id_for("Harmony: CPUs"), "Harmony: CPUs", "y")
    c = Paper(
        paper_id_for("Robust Training"), "Robust Training", "z", authors=("Smith, Jane",), year=2023
    )
    d = Paper(paper_id_for("Old"), "Old", "w", extra={"bibtex_key": "mykey2020"})
    assert base_key(a) == "harmony"
    assert base_key(c) == "smith2023robust"
    assert base_key(d) == "mykey2020"
    assert assign_keys([a, b, c, d]) == {
        a.paper_id: "harmony",
        b.paper_id: "harmonyb",
        c.paper_id: "smith2023robust",
        d.paper_id: "mykey2020",
    }


def test_related_work_cli(sample_home: Path, tmp_path: Path) -> None:
    from tests.support.cli import run_cli

    out = tmp_path / "draft"
    proc = run_cli(
        sample_home,
        "related-work",
        "--topic",
        "quantization of neural networks to low bit widths",
        "--out",
        str(out),
        "--format",
        "latex",
        "--model",
        "extractive",
        check=True,
    )
    tex = (out / "related-work.tex").read_text()
    bib = (out / "references.bib").read_text()
    assert "\\cite{" in tex and bib.count("@") >= 3
    assert "Wrote" in proc.stderr and "theme 1/" in proc.stderr
    abstract = tmp_path / "abstract.txt"
    abstract.write_text(WORK)
    md = run_cli(
        sample_home,
        "related-work",
        "--abstract",
        str(abstract),
        "--model",
        "extractive",
        check=True,
    )
    assert md.stdout.startswith("## Related Work")
    both = run_cli(sample_home, "related-work", "--topic", "x", "--abstract", str(abstract))
    assert both.returncode == 2 and "either --topic" in both.stderr


def test_related_work_cli_reports_dropped_citations_and_weak_sentences(
    sample_home: Path, tmp_path: Path
) -> None:
    from tests.support.cli import run_cli
    from tests.support.loopback import Reply, local_model_env, loopback

    words = ["Protein ", "folding ", "in ", "yeast ", "cells ", "[1] ", "[42]."]
    every_paper = Reply(words=[", ".join(str(n) for n in range(1, 13))])
    with loopback(every_paper, Reply(words=words)) as (api_base, _):
        env = local_model_env(tmp_path, api_base, NO_COLOR="1")
        proc = run_cli(
            sample_home,
            "related-work",
            "--topic",
            "detecting backdoors in neural networks",
            "--model",
            "local",
            "--json",
            env=env,
            check=True,
        )
    data = json.loads(proc.stdout)
    assert 42 in data["dropped_citations"] and "[42]" not in data["text"]
    assert data["weakly_supported"] >= 1
    assert data["themes"][0]["support"][0]["supported"] is False
    assert "removed citations to papers the paragraph was not given: [42]" in proc.stderr
    assert "weakly supported by its citation" in proc.stderr


def test_without_reranking_the_count_and_floor_rule_applies(
    sample_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The margin is calibrated on two-stage scores; RRF scores are another scale.
    from litreview.settings import load_settings

    monkeypatch.setenv("LITREVIEW_RETRIEVAL__RERANK", "false")
    settings = load_settings()
    assert not settings.retrieval.rerank
    with Library(settings) as lib:
        draft = draft_related_work(lib, ExtractiveBackend(), WORK, max_papers=5)
    assert 3 <= len(draft.papers) <= 5


@pytest.mark.skipif(
    not (shutil.which("pdflatex") and shutil.which("bibtex")),
    reason="no LaTeX toolchain (pdflatex, bibtex) installed",
)
def test_latex_draft_and_references_compile(
    sample_home: Path, tmp_path: Path
) -> None:  # pragma: no cover
    from tests.support.cli import run_cli

    out = tmp_path / "draft"
    run_cli(
        sample_home,
        "related-work",
        "--topic",
        "detecting backdoors planted in neural networks",
        "--out",
        str(out),
        "--format",
        "latex",
        "--model",
        "extractive",
        check=True,
    )
    (out / "doc.tex").write_text(
        "\\documentclass{article}\\usepackage[T1]{fontenc}\\usepackage{url}\\begin{document}"
        "\\input{related-work}\\bibliographystyle{plain}\\bibliography{references}"
        "\\end{document}\n"
    )
    latex = ["pdflatex", "-interaction=nonstopmode", "doc"]
    for command in (latex, ["bibtex", "doc"], latex, latex):
        proc = subprocess.run(command, cwd=out, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stdout[-2000:]
    log = (out / "doc.log").read_text(errors="replace")
    assert not re.search(r"Citation .* undefined", log)
    assert "Warning--I didn't find" not in (out / "doc.blg").read_text()


def test_a_topic_the_library_does_not_cover_is_an_error_not_a_draft(
    sample_home: Path, sample_settings: Settings
) -> None:
    """A new user asked a graphics library for lattice QCD and got a 12-paper draft on
    rendering; `ask` said it was not covered. Now related-work says so, naming the nearest
    papers, through the CLI and the draft alike (with a model it is said before any is paid)."""
    from litreview.index.library import Library
    from litreview.llm.extractive import ExtractiveBackend
    from litreview.review.related import TopicNotCovered
    from tests.support.cli import run_cli

    topic = "What is a good recipe for sourdough bread with rye flour?"
    proc = run_cli(sample_home, "related-work", "--topic", topic)
    assert proc.returncode == 1 and proc.stdout == ""
    assert "your library does not seem to cover this topic" in proc.stderr
    assert "the nearest papers: “" in proc.stderr and "Traceback" not in proc.stderr
    assert "found " not in proc.stderr  # "found 3 papers" then "does not cover" contradicted
    with Library(sample_settings) as library:
        with pytest.raises(TopicNotCovered):
            draft_related_work(library, ExtractiveBackend(), topic)
        covered = draft_related_work(library, ExtractiveBackend(), "backdoor attacks on DNNs")
    assert covered.themes

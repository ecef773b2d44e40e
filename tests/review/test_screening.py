"""With a model, related work keeps only the papers the model reads as on the topic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from litreview.index.library import Library
from litreview.llm.extractive import ExtractiveBackend
from litreview.review.related import draft_related_work
from litreview.review.relevance import read_verdict
from litreview.settings import Settings
from tests.support.scripted import Scripted

WORK = (
    "We propose a method to detect and remove backdoors planted in deep neural network "
    "classifiers without clean training data. It inverts the trigger from a single image."
)


@pytest.mark.parametrize(
    ("reply", "kept"),
    [
        ("1, 2, 5", [1, 2, 5]),
        ("5, 1", [1, 5]),  # the judge's order, not the reply's
        ("Sources 3 and 4 are on topic.", [3, 4]),
        ("[2], [6]", [2, 6]),
        ("none", []),
        ("None of them.", []),
        ("1, 2, 99", [1, 2]),  # a number it was not given decides nothing
        ("These papers are all about deep learning.", None),
        ("99", None),
        ("2, 4\nExplanation: sources 1 and 3 are attacks.", [2, 4]),  # the first line decides
        ('The author\'s topic:\nBackdoors.\n<source n="1" title="T-Miner">', None),  # an echo
        ('<source n="1" title="T-Miner">', None),
        ("On topic: 1, 3", [1, 3]),
    ],
)
def test_reading_a_models_verdict(reply: str, kept: list[int] | None) -> None:
    assert read_verdict(reply, range(1, 7)) == kept


def test_a_model_leaves_out_the_papers_it_reads_as_beside_the_topic(
    sample_settings: Settings,
) -> None:
    backend = Scripted("1, 3", "Backdoor Defenses", "[1] and [2] detect backdoors.")
    events: list[tuple[str, int, int, str]] = []
    with Library(sample_settings) as lib:
        draft = draft_related_work(
            lib, backend, WORK, max_papers=6, progress=lambda *e: events.append(e)
        )
    screened = backend.requests[0]
    assert screened.task == "relevance" and len(screened.sources) >= 3
    assert "<source" in screened.messages[-1].content and WORK in screened.messages[-1].content
    ids = [s.paper_id for s in screened.sources]
    assert {p.paper_id for _, p in draft.papers} == {ids[0], ids[2]}
    assert [p.paper_id for p in draft.excluded] == [ids[1], *ids[3:]]
    assert draft.screening_note is None
    data = draft.to_dict()
    assert [e["paper_id"] for e in data["excluded"]] == [ids[1], *ids[3:]]  # type: ignore[union-attr]
    stages = [(e[0], e[1]) for e in events]
    assert stages.index(("screen", 0)) < stages.index(("retrieve", 1))
    assert ("retrieve", 1, 1, "2 papers") in events
    assert draft.usage.prompt_tokens == 10 * len(backend.requests), "the screening is counted"


@pytest.mark.parametrize(
    ("reply", "note"),
    [
        ("I find these papers interesting.", "named no paper"),
        ("none", "judged no paper on topic"),
    ],
)
def test_a_reply_that_decides_nothing_keeps_every_paper_and_says_so(
    sample_settings: Settings, reply: str, note: str
) -> None:
    with Library(sample_settings) as lib:
        plain = draft_related_work(lib, ExtractiveBackend(), WORK, max_papers=6)
        draft = draft_related_work(
            lib, Scripted(reply, "Backdoor Defenses", "[1] works."), WORK, max_papers=6
        )
    assert not draft.excluded and draft.screening_note and note in draft.screening_note
    assert {p.paper_id for _, p in draft.papers} == {p.paper_id for _, p in plain.papers}
    assert plain.screening_note is None and not plain.excluded


def test_related_work_cli_names_the_papers_the_model_left_out(
    sample_home: Path, tmp_path: Path
) -> None:
    from tests.support.cli import run_cli
    from tests.support.loopback import Reply, local_model_env, loopback

    with loopback(
        Reply(words=["2"]), Reply(words=["Backdoor ", "Defenses"]), Reply(words=["It [1]."])
    ) as (
        api_base,
        script,
    ):
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
    messages = script.requests[0]["messages"]
    assert isinstance(messages, list)
    screened = messages[-1]["content"]
    assert "Which sources are on the author's topic?" in screened
    assert len(data["themes"]) == 1 and len(data["themes"][0]["papers"]) == 1
    left_out = data["excluded"]
    assert left_out and all(e["title"] for e in left_out)
    assert "as beside the topic and left them out:" in proc.stderr
    assert left_out[0]["title"][:20] in " ".join(proc.stderr.split())
    assert "the model is reading the" in proc.stderr

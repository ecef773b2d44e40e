"""The live support check of cited sentences."""

from __future__ import annotations

import json
from pathlib import Path

from litreview.evidence.scoring import EvidenceScorer
from litreview.review.support import check_support
from tests.support.cli import run_cli
from tests.support.loopback import Reply, local_model_env, loopback
from tests.support.papers import sample_sources


def test_supported_claim_outscores_claim_from_another_paper() -> None:
    sources = sample_sources("Harmony", "T-Miner")
    answer = (
        "Harmony trains massive models on one commodity server despite limited GPU memory [1]. "
        "Harmony detects trojan triggers in text classifiers with a sequence-to-sequence "
        "model [1]. "
        "Nothing here is cited."
    )
    checks = check_support(EvidenceScorer.shared(), answer, sources)
    assert [c.citations for c in checks] == [[1], [1]]
    good, bad = checks
    assert good.score > bad.score + 0.1
    assert good.supported and not bad.supported
    assert "memory" in good.best_evidence


def test_sentence_citing_two_sources_uses_the_best(tmp_path: Path) -> None:
    sources = sample_sources("Harmony", "T-Miner")
    (check,) = check_support(
        EvidenceScorer.shared(),
        "A generative model probes classifiers for trojan triggers [1][2].",
        sources,
    )
    assert check.citations == [1, 2] and check.supported


def test_ask_json_flags_weak_sentences(sample_home: Path, tmp_path: Path) -> None:
    words = [
        "Harmony lets researchers train massive models on commodity servers [1]. ",
        "It also cures cancer in mice and predicts earthquakes [1].",
    ]
    with loopback(Reply(words=words)) as (api_base, _):
        env = local_model_env(tmp_path, api_base)
        proc = run_cli(
            sample_home,
            "ask",
            "training massive models with limited GPU memory",
            "-k",
            "3",
            "--model",
            "local",
            "--json",
            env=env,
            check=True,
        )
        text = run_cli(
            sample_home,
            "ask",
            "training massive models with limited GPU memory",
            "-k",
            "3",
            "--model",
            "local",
            env=env,
            check=True,
        )
    data = json.loads(proc.stdout)
    first, second = data["support"]
    assert data["sources"][0]["title"].startswith("Harmony")
    assert first["supported"] and not second["supported"]
    assert data["weakly_supported"] == 1
    assert "Weakly supported" in text.stderr and "cures cancer" in text.stderr


def test_a_marker_after_the_full_stop_is_its_own_sentences() -> None:
    """Extractive answers quote whole sentences and cite after the stop ("... memory. [1]
    Next sentence. [2]"). The splitter put each marker at the head of the next sentence, so
    that sentence was checked against its neighbour's source and the last marker had none."""
    sources = sample_sources("Harmony", "T-Miner")
    answer = (
        "Harmony trains massive models on one commodity server despite limited GPU memory. [1] "
        "A sequence-to-sequence model detects trojan triggers in text classifiers. [2]"
    )
    checks = check_support(EvidenceScorer.shared(), answer, sources)
    assert [c.citations for c in checks] == [[1], [2]]
    assert all(c.supported for c in checks), checks
    assert checks[1].sentence.endswith("[2]") and not checks[1].sentence.startswith("[1]")

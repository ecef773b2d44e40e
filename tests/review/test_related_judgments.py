"""The audit of the related-work topic labels (bench/data/related_judgments.jsonl).

The bench scores drafts against these judgments; a malformed or partial file
would silently turn unjudged papers into "off topic", so its shape is checked
here, and so is how the audited labels are derived from the old ones.
"""

from __future__ import annotations

import json
from collections import Counter

from bench.common import DATA, load_questions
from bench.related_quality import POOL, audited_labels, load_judgments, old_labels

from litreview.reading.normalize import paper_id_for


def _topics() -> dict[str, dict[str, object]]:
    return {
        str(q["id"]): q
        for name in ("retrieval_questions.jsonl", "retrieval_questions_hard.jsonl")
        for q in load_questions(name)
        if q["kind"] == "multi"
    }


def test_the_rule_comes_first_and_every_judgment_gives_a_reason() -> None:
    lines = (DATA / "related_judgments.jsonl").read_text(encoding="utf-8").splitlines()
    rule = json.loads(lines[0])
    assert "rule" in rule and len(rule["rule"]) > 200
    topics = _topics()
    judged = [json.loads(x) for x in lines[1:] if x.strip()]
    for j in judged:
        assert j["topic"] in topics
        assert isinstance(j["relevant"], bool)
        assert j["reason"].strip()
        assert j["paper_id"] == paper_id_for(j["title"])
    # Each topic's whole pool at the audit is judged once: what the count-only draft cited.
    audit = Counter(j["topic"] for j in judged if "added" not in j)
    assert set(audit) == set(topics)
    assert set(audit.values()) == {POOL}
    # Candidates retrieval changes brought into a pool later are judged too, and say so.
    assert all(j["added"].strip() for j in judged if "added" in j)
    assert len({(j["topic"], j["paper_id"]) for j in judged}) == len(judged)


def test_audited_labels_take_each_judged_papers_verdict_and_keep_unjudged_labels() -> None:
    topic: dict[str, object] = {
        "id": "t1",
        "relevant_titles": ["Kept Unjudged", "Judged Off", "Judged On"],
    }
    kept, off, on = (paper_id_for(t) for t in ("Kept Unjudged", "Judged Off", "Judged On"))
    new = paper_id_for("Found By Pooling")
    verdicts = {("t1", off): False, ("t1", on): True, ("t1", new): True, ("t2", kept): False}
    assert audited_labels(verdicts)(topic) == {kept, on, new}
    assert old_labels(topic) == {kept, off, on}


def test_the_shipped_judgments_load() -> None:
    rule, verdicts = load_judgments()
    assert rule.startswith("A pooled paper is ON TOPIC")
    assert len(verdicts) >= POOL * len(_topics())

"""Small real corpora for tests: sample papers as a JSON Lines file, or as numbered sources."""

from __future__ import annotations

import json
from pathlib import Path

from litreview.evidence.source import Source
from litreview.reading import read_file, sample_paths


def small_corpus(tmp_path: Path, n: int = 20, name: str = "small.jsonl") -> Path:
    """The first ``n`` sample papers as JSON Lines, with years 2020-2023 and one author each."""
    papers = read_file(sample_paths()[0]).papers[:n]
    path = tmp_path / name
    rows = [
        {"title": p.title, "abstract": p.abstract, "year": 2020 + i % 4, "authors": [f"Author {i}"]}
        for i, p in enumerate(papers)
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def sample_sources(*starts: str) -> tuple[Source, ...]:
    """Sample papers whose titles start with ``starts``, numbered [1], [2], ... as in a prompt."""
    papers = {p.title: p for path in sample_paths() for p in read_file(path).papers}
    chosen = [next(p for t, p in papers.items() if t.startswith(s)) for s in starts]
    return tuple(Source(n, p.paper_id, p.title, p.abstract) for n, p in enumerate(chosen, start=1))

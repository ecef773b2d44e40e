"""BM25 searched with numpy alone: the same terms, scores and hits as bm25s, without its import.

The index is built and saved by bm25s; a search reads the saved arrays and sums
them itself (:mod:`litreview.index.lexical`). These tests hold that reader to
bm25s's own scoring of the same files, bit for bit, and check that a search
process never imports bm25s or scipy (the ~0.2 s of a first search it saves).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from litreview.index.catalog import StoredPassage
from litreview.index.lexical import LexicalHit, LexicalIndex, _digests, _stemmer, query_terms
from litreview.reading import read_file, sample_paths
from litreview.reading.paper import Paper

# Queries that stress the analysis: stop words only, repeats, Unicode case and digits,
# ligatures, full-width letters, apostrophes and hyphens, unknown words.
ODD_QUERIES = [
    "the the of and",
    "learning learning learning to learn",
    "GNNs GNN's gnn-based",
    "Über-Straße café naïve RÉSUMÉ",
    "ŞİŞLİ İstanbul",
    "\ufb01ne-tuning \ufb01netuning",
    "ＧＰＴ－４ models",
    "123 4567 a1 b2 x y z",
    "αβγ δ-learning",
    "zzzzqqq unknownword",
    "",
    "self-supervised (SSL) pre-training!!",
]


@pytest.fixture(scope="module")
def sample_papers() -> list[Paper]:
    return [p for path in sample_paths() for p in read_file(path).papers]


@pytest.fixture(scope="module")
def saved(sample_papers: list[Paper], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample library's BM25 index (with a few passages), saved as a library saves it."""
    passages = [
        (p.paper_id, StoredPassage(n, n + 1, f"{p.abstract[:200]} appendix {n}"))
        for n, p in enumerate(sample_papers[:5], start=1)
    ]
    folder = tmp_path_factory.mktemp("bm25") / "bm25"
    LexicalIndex.build(sample_papers, passages).save(folder, 7)
    return folder


def queries(papers: list[Paper]) -> list[str]:
    return [p.title for p in papers[::9]] + [p.abstract[:160] for p in papers[::31]] + ODD_QUERIES


def bm25s_hits(folder: Path, query: str, n: int) -> list[LexicalHit]:
    """What the index answered when bm25s scored it (the code before the numpy reader)."""
    import bm25s

    stamp = json.loads((folder / "litreview.json").read_text())
    ids, chunks = stamp["ids"], stamp["chunks"]
    retriever = bm25s.BM25.load(str(folder), mmap=True)
    tokens = bm25s.tokenize([query], stopwords="en", stemmer=_stemmer(), show_progress=False)
    if not tokens.vocab:
        return []
    inverse = {v: k for k, v in tokens.vocab.items()}
    terms = [inverse[t] for t in tokens.ids[0]]
    scores = np.asarray(retriever.get_scores(terms), dtype=np.float32)
    hits: list[LexicalHit] = []
    for i in np.argsort(-scores, kind="stable"):
        if scores[i] <= 0 or len(hits) >= n:
            break
        if ids[i] not in {h.paper_id for h in hits}:
            hits.append(LexicalHit(ids[i], float(scores[i]), None if chunks[i] < 0 else chunks[i]))
    return hits


def test_query_terms_are_bm25s_tokens(sample_papers: list[Paper]) -> None:
    import bm25s

    stemmer = _stemmer()
    for query in queries(sample_papers):
        tokens = bm25s.tokenize([query], stopwords="en", stemmer=stemmer, show_progress=False)
        inverse = {v: k for k, v in tokens.vocab.items()}
        assert query_terms(query, stemmer) == [inverse[t] for t in tokens.ids[0]], query


def test_scores_and_hits_are_bm25s_to_the_bit(saved: Path, sample_papers: list[Paper]) -> None:
    loaded = LexicalIndex.load(saved, 7)
    assert loaded is not None
    asked = queries(sample_papers)
    answered = 0
    for query in asked:
        ours = loaded.search(query, 20)
        assert ours == bm25s_hits(saved, query, 20), query  # ids, chunks and float scores
        answered += bool(ours)
    assert answered >= len(asked) - len(ODD_QUERIES)  # every title and abstract finds papers


def test_a_fresh_build_answers_as_its_saved_copy(saved: Path, sample_papers: list[Paper]) -> None:
    built = LexicalIndex.build(sample_papers[:40])
    folder = saved.parent / "small"
    built.save(folder, 1)
    loaded = LexicalIndex.load(folder, 1)
    assert loaded is not None and len(loaded) == len(built) == 40
    for query in queries(sample_papers[:40]):
        assert built.search(query, 10) == loaded.search(query, 10), query
    with pytest.raises(ValueError, match="saved already"):
        loaded.save(saved.parent / "again", 1)


def test_an_index_of_another_bm25_variant_counts_as_stale(saved: Path, tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "bm25"
    shutil.copytree(saved, folder)
    params = json.loads((folder / "params.index.json").read_text())
    params["method"] = "bm25+"  # needs arrays this reader does not sum: rebuilt, not misread
    (folder / "params.index.json").write_text(json.dumps(params))
    stamp = json.loads((folder / "litreview.json").read_text())
    stamp["files"] = _digests(folder)  # as saved: not damage, another variant
    (folder / "litreview.json").write_text(json.dumps(stamp))
    assert LexicalIndex.load(folder, 7) is None


SEARCH_ALONE = """
import sys
from pathlib import Path
from litreview.index.lexical import LexicalIndex
from litreview.index import late  # the token store's module, and its stop words
from litreview.reading import stopwords
index = LexicalIndex.load(Path(sys.argv[1]), 7)
hits = index.search("backdoor attacks on neural networks", 5)
assert hits and late.content_rows and stopwords.english_plus()
print(sorted(m for m in ("bm25s", "scipy", "scipy.sparse") if m in sys.modules))
"""


def test_searching_imports_neither_bm25s_nor_scipy(saved: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", SEARCH_ALONE, str(saved)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[]"


def test_the_stop_words_are_bm25s_lists() -> None:
    from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_EN_PLUS

    from litreview.reading import stopwords

    assert stopwords.english() == frozenset(STOPWORDS_EN)
    assert stopwords.english_plus() == frozenset(STOPWORDS_EN_PLUS)

"""The lexical half of hybrid search: BM25 over title + abstract, and full-text passages.

One document per paper (title twice and abstract, as always) and one per
full-text passage; a paper scores as its best document, and a hit says
which passage that was (its chunk number). A library without full text
therefore has exactly the index it had before passages existed.

Local Chroma has no BM25 or sparse search, so bm25s keeps its own index on
disk beside the catalog, stamped with the catalog revision it was built from
and rebuilt when that revision moves on.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from litreview.errors import StoreDamaged
from litreview.index.catalog import StoredPassage
from litreview.reading.paper import Paper

LANG = "english"


@dataclass(frozen=True)
class LexicalHit:
    paper_id: str
    score: float
    chunk: int | None = None  # the passage (chunk number) that scored best; None: the abstract


def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer(LANG)


def _tokenize(texts: list[str], stemmer: Any) -> Any:
    import bm25s

    return bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False)


def paper_text(paper: Paper) -> str:
    # The title counts twice: it is the densest statement of what the paper is about.
    return f"{paper.title}. {paper.title}. {paper.abstract}"


def _digests(folder: Path) -> dict[str, str]:
    """A digest per index file; a few MB even at 50,000 papers, so checking costs milliseconds."""
    return {
        path.name: hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
        for path in sorted(folder.iterdir())
        if path.is_file() and path.name != "litreview.json"
    }


class LexicalIndex:
    def __init__(
        self, retriever: Any, paper_ids: list[str], chunks: list[int] | None = None
    ) -> None:
        self._retriever = retriever
        self._ids = paper_ids  # one per document: a paper's id repeats for its passages
        self._chunks = chunks if chunks is not None else [-1] * len(paper_ids)
        self._papers = sum(1 for c in self._chunks if c < 0)
        self._stemmer = _stemmer()

    @classmethod
    def build(
        cls, papers: list[Paper], passages: Iterable[tuple[str, StoredPassage]] = ()
    ) -> LexicalIndex:
        import bm25s

        texts = [paper_text(p) for p in papers]
        ids = [p.paper_id for p in papers]
        chunks = [-1] * len(papers)
        known = set(ids)
        for pid, passage in passages:
            if pid in known:
                texts.append(passage.text)
                ids.append(pid)
                chunks.append(passage.n)
        retriever = bm25s.BM25()
        if texts:
            retriever.index(_tokenize(texts, _stemmer()), show_progress=False)
        return cls(retriever, ids, chunks)

    def save(self, folder: Path, revision: int) -> None:
        """Write to a temporary folder and swap it in, so a crash never leaves half an index."""
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self._ids:
            self._retriever.save(str(tmp))
        stamp = {
            "revision": revision,
            "ids": self._ids,
            "chunks": self._chunks,
            "files": _digests(tmp),
        }
        (tmp / "litreview.json").write_text(json.dumps(stamp))
        old = folder.with_name(folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        tmp.rename(folder)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path, revision: int) -> LexicalIndex | None:
        """The saved index if it matches ``revision``; ``None`` means rebuild.

        Raises :class:`StoreDamaged` when the files are not the ones saved (a
        truncated or overwritten file, a disk error): mmap would otherwise hand
        garbage scores, or a crash, to every search.
        """
        import bm25s

        stamp = folder / "litreview.json"
        if not stamp.exists():
            return None
        try:
            meta = json.loads(stamp.read_text())
            ids = list(meta["ids"])
            chunks = [int(c) for c in meta.get("chunks") or [-1] * len(ids)]
            recorded = meta.get("files")
            stale = meta.get("revision") != revision
        except (ValueError, KeyError, TypeError, OSError) as exc:
            raise StoreDamaged(f"the BM25 index is damaged ({exc})", path=folder) from exc
        if stale:
            return None
        if recorded is not None and recorded != _digests(folder):
            raise StoreDamaged("the BM25 index files do not match what was saved", path=folder)
        if not ids:
            return cls(bm25s.BM25(), [])
        try:
            retriever = bm25s.BM25.load(str(folder), mmap=True)
        except Exception as exc:  # bm25s raises whatever numpy/json raise on a bad file
            raise StoreDamaged(f"the BM25 index is damaged ({exc})", path=folder) from exc
        if retriever.scores.get("num_docs") != len(ids):
            raise StoreDamaged("the BM25 index does not cover its papers", path=folder)
        return cls(retriever, ids, chunks)

    def __len__(self) -> int:
        """Papers indexed (not documents: a paper's passages are documents of it)."""
        return self._papers

    def search(self, query: str, n: int, allowed: set[str] | None = None) -> list[LexicalHit]:
        if not self._ids:
            return []
        tokens = _tokenize([query], self._stemmer)
        if not tokens.vocab:
            return []
        scores = np.asarray(
            self._retriever.get_scores(self._query_tokens(tokens)), dtype=np.float32
        )
        passages = len(self._ids) > self._papers
        if allowed is not None:
            mask = np.fromiter((pid in allowed for pid in self._ids), bool, len(self._ids))
            scores = np.where(mask, scores, 0.0)
        if passages:
            return self._best_per_paper(scores, n)
        n = min(n, len(self._ids))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [LexicalHit(self._ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def _best_per_paper(self, scores: np.ndarray, n: int) -> list[LexicalHit]:
        """The ``n`` best papers, each scored by its best document (abstract or passage)."""
        hits: list[LexicalHit] = []
        seen: set[str] = set()
        for i in np.argsort(-scores, kind="stable"):
            if scores[i] <= 0 or len(hits) >= n:
                break
            pid = self._ids[i]
            if pid in seen:
                continue
            seen.add(pid)
            chunk = self._chunks[i]
            hits.append(LexicalHit(pid, float(scores[i]), None if chunk < 0 else chunk))
        return hits

    @staticmethod
    def _query_tokens(tokens: Any) -> list[str]:
        inverse = {v: k for k, v in tokens.vocab.items()}
        return [inverse[t] for t in tokens.ids[0]]

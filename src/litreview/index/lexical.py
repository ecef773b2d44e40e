"""The lexical half of hybrid search: BM25 over title + abstract, and full-text passages.

One document per paper (title twice and abstract, as always) and one per
full-text passage; a paper scores as its best document, and a hit says
which passage that was (its chunk number). A library without full text
therefore has exactly the index it had before passages existed.

Local Chroma has no BM25 or sparse search, so bm25s keeps its own index on
disk beside the catalog, stamped with the catalog revision it was built from
and rebuilt when that revision moves on.

bm25s builds and saves the index; searching reads the saved files with numpy
alone. Why: importing bm25s imports ``scipy.sparse`` (~0.2 s of CPU, a tenth
of a first search), while a saved "lucene" index is three arrays of
precomputed per-document term scores, and a query's scores are their sums
over its terms. The query is analysed as ``bm25s.tokenize`` analyses it, and
the sums are taken in bm25s's own order (:func:`_scores`), so scores are the
same to the bit (checked against bm25s in the tests).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from litreview.errors import StoreDamaged
from litreview.index.catalog import StoredPassage
from litreview.reading import stopwords
from litreview.reading.paper import Paper

LANG = "english"
#: The BM25 variant built (bm25s's default, pinned): its saved scores need nothing else.
METHOD = "lucene"
#: ``bm25s.tokenize``'s default token pattern (scikit-learn's).
TOKEN = re.compile(r"(?u)\b\w\w+\b")
ARRAYS = ("data", "indices", "indptr")  # bm25s's file names: <name>.csc.index.npy


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


def query_terms(query: str, stemmer: Any) -> list[str]:
    """The query's stems as ``bm25s.tokenize(..., stopwords="en")`` gives them, in order.

    Lower-cased, split by bm25s's pattern, stop words dropped, each distinct
    word stemmed once; a repeated word counts as often as it occurs (bm25s
    scores it as often).
    """
    drop = stopwords.english()
    words = [w for w in TOKEN.findall(query.lower()) if w not in drop]
    distinct = list(dict.fromkeys(words))
    stem_of = dict(zip(distinct, stemmer.stemWords(distinct), strict=True))
    return [stem_of[w] for w in words]


def _scores(arrays: dict[str, np.ndarray], num_docs: int, term_ids: list[int]) -> np.ndarray:
    """Every document's BM25 score: the sum of its precomputed scores for the query terms.

    Term by term with ``np.add.at``, as bm25s's numpy backend sums them (the
    same float32 additions in the same order, so the same scores).
    """
    data, indices, indptr = arrays["data"], arrays["indices"], arrays["indptr"]
    scores = np.zeros(num_docs, dtype=np.float32)
    for term in term_ids:
        start, end = int(indptr[term]), int(indptr[term + 1])
        np.add.at(scores, indices[start:end], data[start:end])
    return scores


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
    """A BM25 index: bm25s's saved arrays, scored with numpy (see the module)."""

    def __init__(
        self,
        arrays: dict[str, np.ndarray],
        vocab: dict[str, int],
        paper_ids: list[str],
        chunks: list[int] | None = None,
        built: Any = None,
    ) -> None:
        self._arrays = arrays  # data, indices, indptr of the term x document score matrix
        self._vocab = vocab  # stem -> term id
        self._built = built  # the bm25s.BM25 of a fresh build (what save writes); None if loaded
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
        if not texts:
            return cls({}, {}, [])
        retriever = bm25s.BM25(method=METHOD)
        retriever.index(_tokenize(texts, _stemmer()), show_progress=False)
        arrays = {name: np.asarray(retriever.scores[name]) for name in ARRAYS}
        return cls(arrays, dict(retriever.vocab_dict), ids, chunks, built=retriever)

    def save(self, folder: Path, revision: int) -> None:
        """Write to a temporary folder and swap it in, so a crash never leaves half an index.

        Only a built index is saved (a loaded one is its folder already).
        """
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self._ids:
            if self._built is None:
                raise ValueError("a loaded BM25 index is saved already; build one to save it")
            self._built.save(str(tmp))
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
        garbage scores, or a crash, to every search. An index of another BM25
        variant than :data:`METHOD` (never built by litreview) counts as stale.
        """
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
            return cls({}, {}, [])
        try:
            params = json.loads((folder / "params.index.json").read_text())
            vocab = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
            arrays = {
                name: np.load(folder / f"{name}.csc.index.npy", mmap_mode="r") for name in ARRAYS
            }
        except (ValueError, OSError) as exc:  # a missing or unreadable file
            raise StoreDamaged(f"the BM25 index is damaged ({exc})", path=folder) from exc
        if params.get("method") != METHOD or params.get("dtype", "float32") != "float32":
            return None
        indptr = arrays["indptr"]
        if (
            params.get("num_docs") != len(ids)
            or indptr.ndim != 1
            or len(indptr) < 1
            or len(arrays["data"]) != len(arrays["indices"])
            or int(indptr[-1]) != len(arrays["data"])
        ):
            raise StoreDamaged("the BM25 index does not cover its papers", path=folder)
        return cls(arrays, vocab, ids, chunks)

    def __len__(self) -> int:
        """Papers indexed (not documents: a paper's passages are documents of it)."""
        return self._papers

    def writes(self, words: str) -> bool:
        """Whether the indexed texts (titles, abstracts, passages) have each of ``words``, as
        BM25 stems them ("GFS" -> "gfs"), not necessarily together; stop words count as had."""
        return all(t in self._vocab for t in query_terms(words, self._stemmer))

    def search(self, query: str, n: int, allowed: set[str] | None = None) -> list[LexicalHit]:
        if not self._ids:
            return []
        terms = query_terms(query, self._stemmer)
        if not terms:
            return []
        # Stems the library never used score nothing; bm25s drops them the same way. The
        # one term id without a column is bm25s's empty token, which no query produces.
        columns = len(self._arrays["indptr"]) - 1
        known = [self._vocab[t] for t in terms if t in self._vocab]
        scores = _scores(self._arrays, len(self._ids), [t for t in known if t < columns])
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

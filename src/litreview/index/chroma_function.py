"""MiniLM as a Chroma embedding function, registered under a name of its own.

Chroma's own ONNX class would download its model at first use (impossible
here). Registered under :data:`EMBEDDER_NAME`, a collection reopened later
rebuilds *this* function from its stored config and never falls back to
Chroma's downloading default; the config names the model, so a collection
embedded with another is refused instead of silently mixed.
"""

from __future__ import annotations

from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from litreview.encoders.minilm import MODEL_ID, MiniLMEmbedder
from litreview.encoders.minilm_int8 import INT8_GRAPHS

EMBEDDER_NAME = "litreview-minilm-int8"


@register_embedding_function
class ChromaMiniLM(EmbeddingFunction[Documents]):
    """Chroma embedding function over the shipped MiniLM ONNX model."""

    def __init__(self, encoder: MiniLMEmbedder | None = None, batch_size: int = 8) -> None:
        self.encoder = encoder or MiniLMEmbedder(batch_size)

    def __call__(self, input: Documents) -> Embeddings:
        return [row for row in self.encoder.embed(list(input))]

    def embed_query(self, input: Documents) -> Embeddings:
        return self(input)

    @staticmethod
    def name() -> str:
        return EMBEDDER_NAME

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine"]

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaMiniLM:
        """The function a collection was made with, on the MiniLM graph its config names."""
        graph = None
        model = config.get("model")
        if model in INT8_GRAPHS:
            from litreview.encoders.minilm_int8 import int8_graph
            from litreview.settings import load_settings

            graph = int8_graph(load_settings().model_cache, model_id=str(model))
        batch_size = int(config.get("batch_size", 8))
        return ChromaMiniLM(MiniLMEmbedder(batch_size, graph))

    def get_config(self) -> dict[str, Any]:
        return {"batch_size": self.encoder.batch_size, "model": self.encoder.model_id}

    @staticmethod
    def validate_config(config: dict[str, Any]) -> None:
        """A collection of a MiniLM graph this version knows (the library's catalog records
        which one, :mod:`.minilm_choice`; Chroma keeps what its creator said)."""
        model = config.get("model", MODEL_ID)
        if model != MODEL_ID and model not in INT8_GRAPHS:
            raise ValueError(f"collection was embedded with {model!r}, not MiniLM")

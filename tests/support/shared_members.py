"""Members of a shared library in one process against a real ``chroma run`` (issue 12 races).

The race tests (tests/cli/test_shared_removal_race.py, test_shared_legacy_ids.py)
drive two or three members' :class:`Stores` in threads, hold one at a step of
the product's own code, and look at the server and at what each member lists.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from litreview.index.library import Library
from litreview.settings import Settings, load_settings
from tests.support.chroma_server import ChromaServer

TOPICS = (
    "Sparse attention for long documents lowers the memory of transformers on book-length text.",
    "Federated learning with secure aggregation keeps hospital records on their own servers.",
    "Graph neural networks predict molecular properties from atom and bond features.",
    "Reinforcement learning from human feedback aligns a language model with preferences.",
)


def settings(home: Path, server: ChromaServer) -> Settings:
    return load_settings(
        home=home,
        **{
            "chroma.host": "127.0.0.1",
            "chroma.port": server.port,
            "retrieval.rerank_model": "none",  # the cheap pipeline: this tests sharing
        },
    )


def paper_file(folder: Path, i: int) -> Path:
    path = folder / f"paper-{i}.jsonl"
    title = f"Study {i}: " + TOPICS[i].split(" ")[0] + " " + TOPICS[i].split(" ")[1]
    path.write_text(json.dumps({"title": title, "abstract": TOPICS[i], "year": 2020 + i}) + "\n")
    return path


def paused(obj: object, name: str) -> tuple[threading.Event, threading.Event]:
    """Hold ``obj.name`` at its call until the returned ``go`` is set (``reached`` says so)."""
    reached, go = threading.Event(), threading.Event()
    original: Callable[..., Any] = getattr(obj, name)

    def hold(*args: Any, **kwargs: Any) -> Any:
        reached.set()
        assert go.wait(300), "the test never let the removal go on"
        return original(*args, **kwargs)

    setattr(obj, name, hold)
    return reached, go


def record_of(server: ChromaServer, paper_id: str) -> dict[str, Any]:
    import chromadb

    client = chromadb.HttpClient(host="127.0.0.1", port=server.port)
    got = client.get_collection("papers-papers").get(ids=[paper_id], include=["metadatas"])
    return dict((got["metadatas"] or [{}])[0])


def listed(home: Path, server: ChromaServer) -> list[tuple[str, str]]:
    """(id, title) of every paper a member lists, opened anew (it pulls first)."""
    with Library(settings(home, server)) as library:
        assert library.pending == 0, "nothing half-indexed left behind"
        return sorted((p.paper_id, p.title) for p in library.papers())

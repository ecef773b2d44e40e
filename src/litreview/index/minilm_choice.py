"""Which MiniLM graph a library embeds with: chosen once, when it is new, and kept.

Why: MiniLM's vectors are compared directly (a query's with the papers'
pooled and token vectors), so a library's papers and its queries must come
from one graph. New libraries take ``ingest.minilm`` (the int8 graph by
default, :mod:`litreview.encoders.minilm_int8`); a library made before keeps
the shipped graph for its queries and its later ingests, and nothing is
re-embedded. The choice is recorded in the catalog (``minilm_model``) by
the first reconcile (the one step that writes); a library that has vectors
but no record was made before the choice existed: the shipped graph.

A shared library (a Chroma server) has one graph for all members: the first
member to open it decides, like the re-ranking precision
(:func:`~litreview.index.member_cache.agreed_precision`); a library shared
before this was agreed has the shipped graph's vectors.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from litreview.encoders.minilm import MODEL_ID as SHIPPED
from litreview.encoders.minilm_int8 import INT8_GRAPHS, INT8_MODEL_ID
from litreview.errors import LitreviewError

if TYPE_CHECKING:
    from litreview.index.catalog import Catalog
    from litreview.index.server_collections import ServerCollections

#: ``ingest.minilm``'s values and the model ids of their vectors.
CHOICES = {"int8": INT8_MODEL_ID, "shipped": SHIPPED}
#: Every graph a library may have been embedded with: the choices, and the int8 graphs of
#: libraries made before (dynamic-v1 and -v2, see minilm_int8).
KNOWN = (*CHOICES.values(), *INT8_GRAPHS)
META = "minilm_model"  # the catalog's record
PARAM = "minilm-model"  # the shared library's


class UnknownMiniLM(LitreviewError):
    """A library's MiniLM vectors are of a graph this version does not know."""


def known(model_id: str, where: str) -> str:
    """``model_id`` if this version has its graph; else a message to upgrade."""
    if model_id not in KNOWN:
        raise UnknownMiniLM(
            f"{where} was embedded with MiniLM graph {model_id!r}, which this version of "
            "litreview does not know; upgrade litreview"
        )
    return model_id


def tokens_model(path: Path) -> str | None:
    """The model the token store at ``path`` says its vectors are of (``None``: no store)."""
    from litreview.index.late import stored_model

    stored = stored_model(path)
    return stored.partition("#tokens")[0] if stored else None


def local_model(catalog: Catalog, tokens: Path, setting: str) -> str:
    """The graph of a library on this machine: its record; else, if it has vectors (made
    before the record existed), the graph they are of; else (new) ``setting``'s."""
    recorded = catalog.get_meta(META)
    if recorded:
        return known(recorded, "this library")
    if catalog.indexed_count():
        return SHIPPED
    stored = tokens_model(tokens)
    if stored is not None and stored in KNOWN:
        return stored
    return CHOICES[setting]


def agreed_model(server: ServerCollections, mine: str) -> str:
    """The shared library's graph: the first member's (``mine`` if this is the first); a
    library shared before this was agreed, with papers on the server, keeps the shipped one."""
    kept = server.param(PARAM)
    if kept is None:
        first = SHIPPED if server.paper_count() else mine
        kept = server.put_param(PARAM, first.encode())
    return known(kept.decode(), f"the shared library on {server.chroma.address}")

"""bm25s's English stop-word lists, read without importing the bm25s package.

Why: the BM25 index is built with bm25s's list, so the query side, the token
store and the evidence terms must drop exactly the same words. But importing
``bm25s.stopwords`` runs ``bm25s/__init__``, which imports ``scipy.sparse``:
~0.2 s of CPU in every new process, which a search does not need (it scores
the saved index with numpy, :mod:`litreview.index.lexical`). The lists live in
a module of constants with no imports, so it is executed from its file on its
own; the package is imported only if that file cannot be found, and a list is
always bm25s's own, never a copy that could drift from the index.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import lru_cache
from pathlib import Path
from types import ModuleType

MODULE = "bm25s.stopwords"


def _word_lists() -> ModuleType:
    """``bm25s.stopwords`` itself if loaded, else its file executed alone."""
    loaded = sys.modules.get(MODULE)
    if loaded is not None:
        return loaded
    package = importlib.util.find_spec("bm25s")  # finds the folder; runs nothing
    for folder in (package.submodule_search_locations or []) if package else []:
        path = Path(folder) / "stopwords.py"
        spec = importlib.util.spec_from_file_location("litreview._bm25s_stopwords", path)
        if path.is_file() and spec is not None and spec.loader is not None:
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    return importlib.import_module(MODULE)  # another layout: the ordinary (slower) import


@lru_cache(maxsize=1)
def english() -> frozenset[str]:
    """The list ``bm25s.tokenize(..., stopwords="en")`` removes (the BM25 index's)."""
    return frozenset(_word_lists().STOPWORDS_EN)


@lru_cache(maxsize=1)
def english_plus() -> frozenset[str]:
    """bm25s's longer English list (the token store's content-word filter)."""
    return frozenset(_word_lists().STOPWORDS_EN_PLUS)


@lru_cache(maxsize=1)
def romance() -> frozenset[str]:
    """bm25s's Portuguese and Spanish lists (theme names from a Portuguese library's
    abstracts ended on "foi")."""
    lists = _word_lists()
    return frozenset(lists.STOPWORDS_PORTUGUESE) | frozenset(lists.STOPWORDS_SPANISH)


# The words a question asks with, as stems (``does`` -> "doe"), which bm25s's list keeps: they
# name nothing an answer or a title holds. Within one paper "what" is rare, and GFS's "what
# chunks it does or does not have" outranked its "Chunk Size" section; among a library's
# titles no title holds "what", so weighed by rarity it was the question's heaviest word and
# "The hemi-cube: ..." named "What is the hemi-cube method used for?" less than half.
ASKING = frozenset(
    {"what", "which", "who", "whom", "whose", "when", "where", "why", "how", "doe", "did"}
)

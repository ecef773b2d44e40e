"""The benchmarks ``make bench`` runs, in order, and whose figures ``bench.table`` renders.

Adding a benchmark is one line in :data:`SUITE`, once its module has the two
functions every benchmark has:

- ``main()``: measures, prints, and saves its figures with
  ``bench.common.save_result("<name>", result)`` under its own module name; it
  reads its options from ``sys.argv``, as ``python -m bench.<name>`` does;
- ``rows(result) -> list[Row]``: the README table's ``(measure, figure)`` rows
  from what ``main`` saved (``bench.common.Result`` / ``Row``).

An entry is the module's name followed by the options ``make bench`` runs it
with (``"faults --kills 5"``). The table follows the same order and leaves out
a benchmark that has no figures yet.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from bench.common import Result, Row

SUITE = (
    "retrieval_quality",
    "rerank_cv",
    "answer_quality",
    "answer_sentences",
    "followup_retrieval",
    "outside_names",
    "near_topic",  # questions one step outside the sample, unnamed: signals for a caution
    "near_topic_real",  # the same caution on two real libraries (graphics, video generation)
    "fulltext_retrieval",
    "corpus_retrieval",
    "minilm_gate",  # both MiniLM graphs side by side (~10 min): after corpus_retrieval's home
    "support_quality",
    "batch_determinism",
    "related_quality",
    "related_screening",  # needs a model server (make record-fixtures starts one); else skips
    "batch_overhead",
    "throughput",
    "pdf_scale",
    "pdf_folder --pdfs 100",  # 1,000 is the aim's size (30-60 min): run it by hand, idle
    "mpnet_int8 --texts 64 --rounds 1 --ingest 40",
    "phase1_cpu --papers 300",  # phase 1 stage by stage, the MiniLM graph before / after
    "phase2_speed --papers 300",  # the int8 graph before / after the outlier split
    "phase2_levers --papers 40 --rounds 2",  # fused attention, malloc thresholds, bare model
    "mpnet_depth --depths 12,8,6,4 --texts 60 --rounds 3",  # a shallower MPNet (~25 min)
    "token_compression",
    "disk --papers 200",  # a 1,000-paper figure beside the code before: see its docstring
    "startup",
    "latency",
    "hnsw_beam",
    "real_library",
    "faults --kills 5",
    "server",
    "server_scale --papers 10000",  # synthetic: see its docstring
    "scale --sizes 200,1000",  # last and longest: real-corpus ingests (~20 min at 1,000)
)


@dataclass(frozen=True)
class Benchmark:
    name: str
    args: tuple[str, ...]

    @property
    def module(self) -> ModuleType:
        return importlib.import_module(f"bench.{self.name}")

    @property
    def main(self) -> Callable[[], object]:
        return self.module.main  # type: ignore[no-any-return]

    def rows(self, result: Result) -> list[Row]:
        return self.module.rows(result)  # type: ignore[no-any-return]


def benchmarks() -> list[Benchmark]:
    """:data:`SUITE` parsed: each entry's module name and options."""
    return [Benchmark(name, tuple(args)) for name, *args in (line.split() for line in SUITE)]

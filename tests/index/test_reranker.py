"""The second re-ranking model: its vector table, its place in a library, and its absence."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from litreview.cli.main import cli
from litreview.encoders import model_files
from litreview.encoders.model_files import ModelMissing
from litreview.index.library import Library
from litreview.index.reranker import VectorTable
from litreview.index.retriever import SearchRequest
from litreview.index.stores import Stores
from litreview.settings import Settings, load_settings
from tests.support.papers import small_corpus

pytestmark = pytest.mark.models  # about the MPNet stage: the full pipeline (tests/conftest.py)

QUESTION = "borderline inputs whose right label is unclear, to test DNN supervisors"


def unit(*values: float) -> np.ndarray:
    vector = np.zeros(768, dtype=np.float32)
    vector[: len(values)] = values
    return vector / np.linalg.norm(vector)


def test_table_replaces_rows_and_keeps_chunks_apart(tmp_path: Path) -> None:
    table = VectorTable(tmp_path / "v.sqlite3", "m1")
    table.replace_papers({"a": np.stack([unit(1, 0), unit(0, 1)]), "b": unit(1, 1)[None]})
    table.replace_papers({"a": unit(1, 0)[None]})  # re-embedded: replaced, not appended
    stored = table.get(["a", "b", "missing"])
    assert set(stored) == {"a", "b"} and stored["a"].shape == (1, 768)
    assert np.allclose(stored["b"][0], unit(1, 1), atol=1e-3)  # float16 on disk
    assert table.count() == 2 and table.paper_ids() == {"a", "b"}
    assert VectorTable(tmp_path / "v.sqlite3", "m2").count() == 0  # another model: start over


def test_table_forgets_removed_papers(tmp_path: Path) -> None:
    """A paper trashed in Zotero leaves the MPNet table with the rest of the library."""
    table = VectorTable(tmp_path / "v.sqlite3", "m1")
    table.replace_papers({pid: unit(1, 0)[None] for pid in ("a", "b", "c")})
    table.remove_papers(["a", "c", "missing"])
    assert table.paper_ids() == {"b"} and table.get(["a"]) == {}


def test_library_built_without_it_catches_up_and_hits_carry_its_score(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = small_corpus(tmp_path, n=6)
    monkeypatch.setenv("LITREVIEW_RETRIEVAL__RERANK_MODEL", "none")
    stores = Stores(load_settings())
    with Library(stores.settings, stores) as lib:
        lib.ingest([corpus])
        assert stores.reranker is None
        assert all(h.rerank_score is None for h in lib.search(SearchRequest(QUESTION, k=3)))
    monkeypatch.delenv("LITREVIEW_RETRIEVAL__RERANK_MODEL")
    stores = Stores(load_settings())
    with Library(stores.settings, stores) as lib:
        assert lib.reconcile() == 0  # indexed without the second model: searchable still,
        assert lib.indexing_state().complete == 0  # but waiting for its stage
        assert stores.reranker is not None and stores.reranker.precision == "int8"
        mixed = lib.search(SearchRequest(QUESTION, k=3))  # answers meanwhile, without it
        assert mixed and all(h.rerank_score is None for h in mixed)
        report = lib.ingest([])
        assert report.embedded == 0 and report.reranked == 6 and lib.pending == 0
        assert stores.reranker.table.count() == 6
        hits = lib.search(SearchRequest(QUESTION, k=3))
        assert hits[0].paper.title.startswith("A Forgotten Danger in DNN Supervision Testing")
        assert all(h.rerank_score is not None and -1 <= h.rerank_score <= 1 for h in hits)
        assert hits[0].to_dict()["rerank_score"] == pytest.approx(hits[0].rerank_score, abs=1e-6)
        assert all(
            h.rerank_score is None for h in lib.search(SearchRequest(QUESTION, mode="dense"))
        )


def _not_installed() -> list[Path]:
    raise ModelMissing("the all-mpnet-base-v2 re-ranking model is not installed (test)")


def test_without_the_packages_search_falls_back_and_says_so(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(model_files, "locate_parts", _not_installed)
    corpus = small_corpus(tmp_path, n=4)
    stores = Stores(settings)
    with Library(settings, stores) as lib:
        lib.ingest([corpus])
        assert stores.reranker is None and lib.pending == 0
        assert "not installed" in (lib.rerank_problem or "")
        hits = lib.search(SearchRequest(QUESTION, k=2))
        assert hits and hits[0].late_score is not None and hits[0].rerank_score is None

    # The CLI tells the user (on stderr) instead of silently searching worse.
    runner = CliRunner()
    result = runner.invoke(cli, ["search", QUESTION, "--json"])
    assert result.exit_code == 0, result.output
    assert "note: searching without the second re-ranking model" in result.stderr
    assert "not installed" in result.stderr
    assert '"rerank_score": null' in result.stdout


def test_switching_precision_reembeds_rather_than_mixing_vectors(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # int8 vectors are ~0.995 cosine to fp32 ones: close, but a ranking must compare a
    # question with papers embedded by the same precision, so each precision has its store.
    # (int8 embeds papers with a faster graph than queries: measured together as a pair,
    # bench.mpnet_layers.)
    corpus = small_corpus(tmp_path, n=4)
    stores = Stores(settings)
    with Library(settings, stores) as lib:
        lib.ingest([corpus])
        reranker = stores.reranker
        assert reranker is not None and reranker._papers_encoder is not None  # phase 2's
        assert reranker.encoder.precision == "int8"
        assert reranker.encoder is not reranker.papers_encoder
    monkeypatch.setenv("LITREVIEW_RETRIEVAL__RERANK_MODEL_PRECISION", "fp32")
    stores = Stores(load_settings())
    with Library(stores.settings, stores) as lib:
        assert lib.reconcile() == 0 and lib.indexing_state().complete == 0
        assert lib.ingest([]).reranked == 4
        assert stores.reranker is not None and stores.reranker.encoder.precision == "fp32"
        assert stores.reranker.papers_encoder is stores.reranker.encoder  # one fp32 graph
        hits = lib.search(SearchRequest(QUESTION, k=2))
        assert hits[0].paper.title.startswith("A Forgotten Danger in DNN Supervision Testing")
        assert hits[0].rerank_score is not None


def test_an_unknown_precision_is_reported_by_name(home: Path) -> None:
    from tests.support.cli import run_cli

    home.mkdir(parents=True)
    (home / "config.toml").write_text('[retrieval]\nrerank_model_precision = "int4"\n')
    proc = run_cli(home, "library")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "retrieval.rerank_model_precision: String should match pattern" in proc.stderr
    assert "(got 'int4')" in proc.stderr


def test_a_store_of_vectors_all_alike_is_emptied_once(tmp_path: Path) -> None:
    """The int8 graph before -v3 saturated on processors without VNNI: every vector alike."""
    rng = np.random.default_rng(7)
    common = unit(*rng.normal(size=64))
    alike = {f"p{i}": (common + 0.1 * unit(*rng.normal(size=64)))[None] for i in range(10)}
    table = VectorTable(tmp_path / "v.sqlite3", "m1")
    table.replace_papers(alike)
    assert table.drop_if_collapsed() == 10 and table.count() == 0
    table.replace_papers(alike)  # made again (as by a machine that shares the library)
    assert table.drop_if_collapsed() == 0 and table.count() == 10  # judged once per store
    sound = VectorTable(tmp_path / "s.sqlite3", "m1")
    sound.replace_papers({f"p{i}": unit(*rng.normal(size=64))[None] for i in range(10)})
    assert sound.drop_if_collapsed() == 0 and sound.count() == 10
    few = VectorTable(tmp_path / "f.sqlite3", "m1")
    few.replace_papers({f"p{i}": common[None] for i in range(3)})
    assert few.drop_if_collapsed() == 0  # too few papers to judge


def test_a_library_whose_reranking_vectors_say_nothing_makes_them_again(
    settings: Settings, tmp_path: Path
) -> None:
    corpus = small_corpus(tmp_path, n=8)
    stores = Stores(settings)
    with Library(settings, stores) as lib:
        lib.ingest([corpus])
        assert stores.reranker is not None
        table = stores.reranker.table
        ids = sorted(table.paper_ids())
        table.replace_papers({pid: unit(1.0, 0.01 * i)[None] for i, pid in enumerate(ids)})
        with table._writing() as db:  # as a store made before the check existed
            db.execute("DELETE FROM meta WHERE key = 'collapse_checked'")
    stores = Stores(settings)
    with Library(settings, stores) as lib:
        assert stores.reranker is not None
        assert any("fails on processors without VNNI" in n for n in stores.notices)
        assert lib.reconcile() == 0 and lib.indexing_state().complete == 0  # searchable
        assert lib.ingest([]).reranked == 8
        assert not table_alike(stores.reranker.table, ids)


def table_alike(table: VectorTable, ids: list[str]) -> bool:
    from litreview.index.reranker import collapsed

    return collapsed(list(table.get(ids).values()))


def test_a_search_that_builds_the_queries_graph_says_so_before_the_wait(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first search after an ingest spent ~24 s building MPNet's queries graph without a
    word. Now a note says so on stderr, once, before the build starts (the build here is a
    stand-in: a link to the cache's real graph); a search that finds the graph says nothing."""
    import sys

    from litreview.encoders import mpnet

    with Library(settings) as lib:
        lib.ingest([small_corpus(tmp_path, n=4)])
    real = model_files.materialise(settings.model_cache)
    queries_graph = mpnet.graph_path(real, "int8")  # built for real only in a fresh cache
    fresh = tmp_path / "all-mpnet-base-v2-fresh"  # the model's folder before any search
    fresh.mkdir()
    for name in model_files.NEEDED:
        (fresh / name).symlink_to(real.path / name)
    monkeypatch.setattr(model_files, "materialise", lambda cache: model_files.ModelFolder(fresh))
    said_before_build: list[str] = []  # stderr as each build starts

    def build(weights: Path, target: Path, *_: object, **__: object) -> None:
        told = sys.stderr  # the runner's: what the user has been told so far
        assert isinstance(told, io.TextIOWrapper) and isinstance(told.buffer, io.BytesIO)
        told.flush()
        said_before_build.append(told.buffer.getvalue().decode())
        target.symlink_to(queries_graph)

    monkeypatch.setattr(mpnet, "build_in_child", build)
    building = "building the re-ranking model's int8 graph for queries (~30 s) once"
    note = f"note: {building} into {fresh}"

    runner = CliRunner()
    first = runner.invoke(cli, ["search", QUESTION, "--json"])
    assert first.exit_code == 0, first.output
    assert len(said_before_build) == 1 and note in said_before_build[0]
    assert first.stderr.count(note) == 1
    assert all(hit["rerank_score"] is not None for hit in json.loads(first.stdout)["results"])

    second = runner.invoke(cli, ["search", QUESTION, "--json"])
    assert second.exit_code == 0, second.output
    assert "building the re-ranking model" not in second.stderr
    assert len(said_before_build) == 1

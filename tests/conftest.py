"""Shared fixtures: isolated homes, the installed CLI, and one ingested sample library.

Two pipelines. Tests run the *cheap* one (MiniLM dense + BM25 + MiniLM late
interaction; ``retrieval.rerank_model = "none"``) unless marked ``models``:
the MPNet stage is what makes an ingest slow (4 -> 23 papers/s without it,
README benchmarks), and only the tests about that model need it. The cheap
pipeline is set in the environment, so the CLI subprocesses (``run_cli``)
and in-process settings see it alike, and a test's own config file
(``LITREVIEW_CONFIG``) cannot switch it back on by accident.

Fixtures only: helpers that tests (and benchmarks) import live in ``tests/support``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from litreview.encoders.minilm_int8 import INT8_MODEL_ID
from litreview.settings import Settings, load_settings
from tests.support.cli import (
    CHEAP_PIPELINE,
    REPO,
    SAMPLE_INGEST_TIMEOUT,
    cheap_library_settings,
    run_cli,
)


@pytest.fixture(autouse=True)
def pipeline(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The cheap pipeline for every test not marked ``models``; returns which one runs."""
    if request.node.get_closest_marker("models") is not None:
        for key in CHEAP_PIPELINE:
            monkeypatch.delenv(key, raising=False)
        return "models"
    for key, value in CHEAP_PIPELINE.items():
        monkeypatch.setenv(key, value)
    return "cheap"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, isolated library home (also for in-process code)."""
    path = tmp_path / "home"
    monkeypatch.setenv("LITREVIEW_HOME", str(path))
    monkeypatch.delenv("LITREVIEW_CONFIG", raising=False)
    return path


@pytest.fixture
def settings(home: Path) -> Settings:
    return load_settings()


def minilm_graph_of(home: Path) -> str | None:
    """The MiniLM graph a library home records (``None``: made before it was recorded)."""
    import sqlite3

    db = sqlite3.connect(home / "catalog.sqlite3")
    try:
        row = db.execute("SELECT value FROM meta WHERE key = 'minilm_model'").fetchone()
    finally:
        db.close()
    return None if row is None else str(row[0])


@pytest.fixture(scope="session")
def sample_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The bundled sample library, ingested once through the CLI; tests must not modify it.

    Built with the cheap pipeline (no MPNet vectors), which every test not marked
    ``models`` searches it with.
    """
    path = tmp_path_factory.mktemp("sample") / "home"
    prebuilt = os.environ.get("LITREVIEW_TEST_SAMPLE_FROM")
    if prebuilt:  # a developer's shortcut: a sample home ingested earlier by the same code
        shutil.copytree(prebuilt, path)
        made_with = minilm_graph_of(path)
        if made_with != INT8_MODEL_ID:  # its searches would differ from a fresh sample's
            pytest.fail(
                f"LITREVIEW_TEST_SAMPLE_FROM={prebuilt} was built with MiniLM graph "
                f"{made_with or 'the shipped one (before it was recorded)'}, not a new library's "
                f"{INT8_MODEL_ID}: rebuild it with LITREVIEW_HOME=<dir> "
                "LITREVIEW_RETRIEVAL__RERANK_MODEL=none litreview ingest --sample"
            )
    run_cli(
        path, "ingest", "--sample", check=True, env=CHEAP_PIPELINE, timeout=SAMPLE_INGEST_TIMEOUT
    )
    yield path


@pytest.fixture
def own_sample(sample_home: Path, tmp_path: Path) -> Path:
    """A copy of the sample library for a test that writes into its home (a chat's saved
    session, an export): the shared one must stay as built, or later tests see its turns."""
    home = tmp_path / "own-sample"
    shutil.copytree(sample_home, home)
    return home


@pytest.fixture
def sample_settings(sample_home: Path, monkeypatch: pytest.MonkeyPatch, pipeline: str) -> Settings:
    return cheap_library_settings(sample_home, monkeypatch, pipeline, "the sample library")


REAL_PDFS = Path("/work/shared/real/pdfs")
# Three real papers whose answers to the full-text tests are in the body, not the abstract.
FULLTEXT_PDFS = (
    "2017_attention_is_all_you_need_vaswani_v7.pdf",
    "2016_squeezenet_iandola.pdf",
    "2024_query2cad_badagabettu.pdf",
)


def real_pdfs_dir() -> Path:
    """``shared/real/pdfs`` beside the repository (CI's copy) or on this machine."""
    for candidate in (REPO.parent / "shared" / "real" / "pdfs", REAL_PDFS):
        if candidate.is_dir():
            return candidate
    pytest.skip("the real PDFs (shared/real/pdfs) are not on this machine")


@pytest.fixture(scope="session")
def pdf_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library of three real PDFs, ingested once through the CLI (cheap pipeline); tests
    must not change its papers."""
    folder = real_pdfs_dir()
    path = tmp_path_factory.mktemp("pdfs") / "home"
    run_cli(
        path,
        "ingest",
        *(str(folder / name) for name in FULLTEXT_PDFS),
        check=True,
        env=CHEAP_PIPELINE,
        timeout=SAMPLE_INGEST_TIMEOUT,
    )
    return path


@pytest.fixture
def pdf_settings(pdf_home: Path, monkeypatch: pytest.MonkeyPatch, pipeline: str) -> Settings:
    return cheap_library_settings(pdf_home, monkeypatch, pipeline, "the PDF library")


SYSTEMS_STORAGE = Path("/work/shared/real/zotero/San7o+research-papers-collection/storage")
# Three systems papers whose full text answers questions their abstracts do not.
SYSTEMS_PDFS = ("L5VFETMG", "P3IFQHTA", "QIYJPXTB")  # MapReduce, Bigtable, GFS


@pytest.fixture(scope="session")
def systems_pdf_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """MapReduce, Bigtable and GFS as PDFs (San7o's Zotero storage), ingested once through
    the CLI (cheap pipeline); tests must not change its papers."""
    if not SYSTEMS_STORAGE.is_dir():
        pytest.skip("the real Zotero storage (shared/real/zotero) is not on this machine")
    files = [str(next((SYSTEMS_STORAGE / key).glob("*.pdf"))) for key in SYSTEMS_PDFS]
    path = tmp_path_factory.mktemp("systems") / "home"
    run_cli(path, "ingest", *files, check=True, env=CHEAP_PIPELINE, timeout=SAMPLE_INGEST_TIMEOUT)
    return path


@pytest.fixture
def systems_pdf_settings(
    systems_pdf_home: Path, monkeypatch: pytest.MonkeyPatch, pipeline: str
) -> Settings:
    return cheap_library_settings(systems_pdf_home, monkeypatch, pipeline, "the systems library")

"""Helpers shared by the benchmarks: an isolated, ingested sample library."""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from litreview.index.library import Library
from litreview.index.stores import Stores
from litreview.reading import sample_paths
from litreview.settings import load_settings

DATA = Path(__file__).parent / "data"
RESULTS = Path(__file__).parent / "results"
Result = dict[str, Any]  # what a benchmark saved under its name in results/latest.json
Row = tuple[str, str]  # one line of the README's table: (measure, figure)


def sample_library(home: Path | None = None, **overrides: object) -> Library:
    """Open (and ingest, the first time) the sample library in an isolated home.

    ``LITREVIEW_BENCH_HOME`` (set by ``bench.run_all``) lets the benchmarks share
    one ingested library instead of each paying a minute of ingest.
    """
    return sample_library_and_stores(home, **overrides)[0]


def sample_library_and_stores(
    home: Path | None = None, **overrides: object
) -> tuple[Library, Stores]:
    """:func:`sample_library` and the stores behind it, for a benchmark that reads them."""
    shared = os.environ.get("LITREVIEW_BENCH_HOME")
    home = home or (Path(shared) if shared else Path(tempfile.mkdtemp(prefix="litreview-bench-")))
    os.environ["LITREVIEW_HOME"] = str(home)
    settings = load_settings(**overrides)
    stores = Stores(settings)
    library = Library(settings, stores)
    if library.count() == 0:
        library.ingest(sample_paths())
    return library, stores


def load_questions(name: str = "retrieval_questions.jsonl") -> list[dict[str, object]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def previous_result(name: str) -> Result:
    """What ``name`` saved last time (empty if never), for a run that adds to it."""
    path = RESULTS / "latest.json"
    current = json.loads(path.read_text()) if path.exists() else {}
    return dict(current.get(name, {}))


def cpu() -> str:
    """The processor a figure was measured on, and the instructions int8 inference turns
    on: the "2-core machine" has been an Intel Xeon with AVX-512 VNNI and AMX one session
    and an AMD EPYC with AVX2 alone the next, and the int8 graphs' speed-ups differ."""
    try:
        info = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or platform.machine()
    model = re.search(r"^model name\s*:\s*(.+)$", info, re.MULTILINE)
    flags = re.search(r"^flags\s*:\s*(.+)$", info, re.MULTILINE)
    have = set(flags.group(1).split()) if flags else set()
    wide = [f for f in ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8") if f in have]
    name = model.group(1).strip() if model else platform.machine()
    return f"{name} ({', '.join(wide) or 'no AVX2'})"


def save_result(name: str, data: dict[str, object]) -> None:
    """Saves ``data`` as benchmark ``name``'s latest figures, with the processor they are of."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "latest.json"
    current = json.loads(path.read_text()) if path.exists() else {}
    current[name] = {**data, "cpu": data.get("cpu") or cpu()}
    path.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")


def uptime() -> str:
    """The machine's load as ``uptime`` prints it, saved beside a benchmark's figures."""
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def stamped(result: dict[str, Any]) -> dict[str, Any]:
    """``result`` with the load at its end and the time it ended: what a reader of the
    figures needs beside them on a shared machine."""
    result["load_after"] = uptime()
    result["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return result

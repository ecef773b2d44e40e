"""A folder of N ~15-page PDFs through ``litreview ingest FOLDER``: the 1,000-PDF aim, measured.

    python -m bench.pdf_folder --pdfs 100
    python -m bench.pdf_folder --pdfs 1000   # the aim: under 30 minutes on the 2-core machine

The PDFs are written from real prose by :mod:`bench.pdf_corpus` (titles, abstracts and
body paragraphs of ``conference-abstracts-50k.jsonl.gz``; generated, not real papers:
see there for what they lack). They are built once per size into ``--folder`` (default
``/tmp/litreview-pdf-folder-N``) and reused. Then ``litreview ingest FOLDER`` runs as a
new process in a new home, exactly as a user runs it (model loading included), its
progress lines timestamped as they arrive: *searchable* is when phase 1 (MiniLM, token
vectors, BM25) is done, *complete* when the process ends (phase 2, MPNet, done). CPU time
is the process's own (``/proc``, every thread) at each mark, and at the end the
rusage of everything it ran; ``cpu_s / 2`` is what two idle cores would need.

Beside it, :mod:`bench.pdf_scale`'s extrapolation from the 12 real PDFs (the latest one
saved in ``results/latest.json``; run it in the same session for a fair ratio): its
idle estimate for 1,000 PDFs x 15 pages, scaled to this run's PDF pages, against this
run's ``cpu_s / 2``. The text density differs between the two sets (figures, tables and
equations take room on real pages), so characters and chunks per page are reported for
both, and the ratio per chunk too.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import Result, Row, previous_result, save_result
from bench.pdf_corpus import build_folder

AIM_MIN = 30.0  # 1,000 PDFs of ~15 pages, on this 2-core machine
_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: int) -> float:
    """CPU seconds (user + system, all threads) of a running process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / _TICKS


def run_ingest(folder: Path, home: Path) -> dict[str, Any]:
    """``litreview ingest FOLDER`` in a new process; its stage marks (wall and CPU)."""
    env = {
        **os.environ,
        "LITREVIEW_HOME": str(home),
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.time()
    proc = subprocess.Popen(
        [sys.executable, "-m", "litreview", "ingest", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    marks: dict[str, dict[str, float]] = {}
    lines: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        now, cpu = time.time() - began, _cpu_of(proc.pid)
        lines.append(line.rstrip())
        mark = {"wall_s": round(now, 1), "cpu_s": round(cpu, 1)}
        if line.startswith("Embedding papers"):
            marks.setdefault("read", mark)  # reading ends where phase 1 begins
        if line.startswith("BM25 index") and "(100%)" in line:
            marks["searchable"] = mark
        if line.startswith("Re-ranking model") and "(100%)" in line:
            marks["reranked"] = mark
    code = proc.wait()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    marks["complete"] = {"wall_s": round(time.time() - began, 1), "cpu_s": round(cpu, 1)}
    if code != 0:
        raise RuntimeError(f"litreview ingest exited {code}:\n" + "\n".join(lines[-30:]))
    return {"marks": marks, "peak_rss_mb": round(after.ru_maxrss / 1024), "log": lines[-6:]}


def library_figures(home: Path) -> dict[str, int]:
    """Papers, full-text pages and characters, and passages, from the catalog itself."""
    with sqlite3.connect(f"file:{home / 'catalog.sqlite3'}?mode=ro", uri=True) as db:

        def one(sql: str) -> int:
            return int(db.execute(sql).fetchone()[0] or 0)

        return {
            "papers": one("SELECT count(*) FROM papers"),
            "complete": one("SELECT count(*) FROM papers WHERE reranked = 1"),
            "with_full_text": one("SELECT count(*) FROM fulltext"),
            "text_pages": one("SELECT sum(pages) FROM fulltext"),
            "text_chars": one("SELECT sum(chars) FROM fulltext"),
            "passages": one("SELECT count(*) FROM passages"),
        }


def estimate_from_real(pdf_pages: int) -> dict[str, Any] | None:
    """bench.pdf_scale's idle estimate for the default, per PDF page, scaled to ``pdf_pages``."""
    saved = previous_result("pdf_scale")
    if not saved:
        return None
    x = saved["extrapolated_1000x15"]
    per_page_min = x["idle_estimate"]["default_min"] / 15_000  # 1,000 PDFs x 15 pages
    return {
        "idle_min": round(per_page_min * pdf_pages, 2),
        "chars_per_page": round(saved["chars"] / saved["pages"]) if saved.get("chars") else None,
        "chunks_per_page": round(saved["chunks"] / saved["pages"], 2),
        "load": saved.get("load"),
        "date": saved.get("date"),
    }


def main() -> Result:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pdfs", type=int, default=100, help="PDFs to build and ingest")
    parser.add_argument("--pages", type=int, default=15, help="pages per PDF (about)")
    parser.add_argument("--folder", type=Path, help="where the PDFs are built (and reused)")
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.gettempdir()) / f"litreview-pdf-folder-{args.pdfs}"
    began = time.perf_counter()
    built = build_folder(folder, args.pdfs, args.pages)
    build_s = time.perf_counter() - began
    print(f"{built.pdfs} PDFs, {built.pages} pages in {folder} ({build_s:.0f} s)", flush=True)

    load_before = os.getloadavg()[0]
    home = Path(tempfile.mkdtemp(prefix="litreview-pdf-folder-home-"))
    run = run_ingest(folder, home)
    load_after = os.getloadavg()[0]
    library = library_figures(home)
    marks = run["marks"]
    complete = marks["complete"]
    idle_min = complete["cpu_s"] / 2 / 60
    estimate = estimate_from_real(built.pages)
    result: Result = {
        "pdfs": built.pdfs,
        "pdf_pages": built.pages,
        "library": library,
        "chars_per_page": round(library["text_chars"] / max(1, library["text_pages"])),
        "passages_per_page": round(library["passages"] / max(1, library["text_pages"]), 2),
        "marks": marks,
        "papers_per_s": round(built.pdfs / complete["wall_s"], 2),
        "papers_per_s_searchable": round(built.pdfs / marks["searchable"]["wall_s"], 2)
        if "searchable" in marks
        else None,
        "cpu_s": complete["cpu_s"],
        "idle_estimate_min": round(idle_min, 1),
        "idle_estimate_1000x15_min": round(idle_min * 1000 * 15 / built.pages, 1),
        "peak_rss_mb": run["peak_rss_mb"],
        "from_real_pdfs": estimate,
        "ratio_to_real_estimate": round(idle_min / estimate["idle_min"], 2) if estimate else None,
        "load": [round(load_before, 1), round(load_after, 1)],
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "command": "python -m bench.pdf_folder " + " ".join(sys.argv[1:]),
        "tail": run["log"],
    }
    print(json.dumps(result, indent=2), flush=True)
    save_result("pdf_folder", result)
    return result


def rows(result: Result) -> list[Row]:
    marks = result["marks"]
    searchable = marks.get("searchable", {})
    real = result.get("from_real_pdfs") or {}
    return [
        (
            f"{result['pdfs']} generated PDFs of real prose ({result['pdf_pages']} pages, "
            f"{result['chars_per_page']} characters and {result['passages_per_page']} passages "
            f"a text page) through `litreview ingest FOLDER` (load {result['load'][0]} -> "
            f"{result['load'][1]}): searchable / complete, s; papers/s; CPU s; peak RSS",
            f"{searchable.get('wall_s')} / {marks['complete']['wall_s']}; "
            f"{result['papers_per_s']}; {result['cpu_s']}; {result['peak_rss_mb']} MB",
        ),
        (
            f"The same, idle estimate (CPU / 2 cores): minutes; per 1,000 PDFs of 15 pages "
            f"(aim {AIM_MIN:.0f}); x bench.pdf_scale's estimate from the real PDFs for these "
            "pages",
            f"{result['idle_estimate_min']}; {result['idle_estimate_1000x15_min']}; "
            f"x{result['ratio_to_real_estimate']} (its {real.get('idle_min')} min)",
        ),
    ]


if __name__ == "__main__":
    main()

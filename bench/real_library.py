"""Reading real libraries: parse correctness on every file of shared/real, and PDF extraction.

    python -m bench.real_library            # parse table + PDF library comparison
    python -m bench.real_library --ingest   # also full ingest times (San7o Zotero dir, 12 PDFs)

Parse correctness compares what litreview reads with the counts in
``shared/real/README.md`` (taken independently, with sqlite3 and pypdf):
records read, papers kept, duplicates merged, records skipped and why.
"Expected with abstract" is the README's count; litreview keeps those plus
items whose PDF gives them full text (its abstract section stands in).

PDF extraction runs pypdfium2 and pypdf side by side on the same files in
one process: pages per second (best of three runs), characters kept, and
the quirks that hurt search: ligature characters left in the text, the
"REAC T" small-caps split, and whether line-end hyphens are marked.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import tempfile
import time
import warnings
from contextlib import redirect_stderr
from pathlib import Path

from bench.common import Result, Row, save_result

REAL = Path(os.environ.get("LITREVIEW_REAL", "/work/shared/real"))
LIGATURES = "\ufb00\ufb01\ufb02\ufb03\ufb04"

# From shared/real/README.md: (records, with abstract). PDFs: one record each. Zotero
# records add the PDFs filed without a parent item (read as papers; counted with sqlite3):
# San7o has 1 ("Paxos Made Simple"), thiagohonorato 10 (all missing from the copy).
EXPECTED = {
    "bibtex/elmoghany_betterbibtex_video_diffusion.bib": (77, 74),
    "bibtex/extrav_zotero_native_medical.bib": (30, 24),
    "bibtex/seobuk_mendeley_style_robotics.bib": (16, 11),
    "bibtex/pathologicalhandwaving_bibdesk.bib": (264, 20),
    "zotero/StraightOuttaCrompton+Zotero-git-backup": (3, 3),
    "zotero/San7o+research-papers-collection": (15 + 1, 11),
    "zotero/ganeshbelgur+zotero-sync": (102, 44),
    "zotero/kishkash555+NLP-for-TA": (840, 8),
    "zotero/thiagohonorato+referencias": (62 + 10, 46),
}


def parse_table() -> list[dict[str, object]]:
    from litreview.reading import LibraryFileError, read_file

    rows: list[dict[str, object]] = []
    sources = [REAL / name for name in EXPECTED] + sorted((REAL / "pdfs").glob("*.pdf"))
    for path in sources:
        name = str(path.relative_to(REAL))
        expected = EXPECTED.get(name, (1, None))
        began = time.perf_counter()
        try:
            result = read_file(path)
        except LibraryFileError as exc:
            rows.append({"source": name, "error": exc.message})
            continue
        seconds = time.perf_counter() - began
        stand_ins = sum(1 for p in result.papers if "abstract_from" in p.extra)
        rows.append(
            {
                "source": name,
                "records": result.records,
                "expected_records": expected[0],
                "kept": len(result.papers),
                "merged": result.merged,
                "with_abstract": len(result.papers) - stand_ins + result.merged,
                "expected_with_abstract": expected[1],
                "full_text": sum(1 for p in result.papers if p.full_text),
                "skipped": result.skip_reasons,
                "seconds": round(seconds, 2),
                "adds_up": len(result.papers) + result.merged + result.skipped == result.records,
            }
        )
    return rows


def _pdfium(path: Path) -> tuple[int, str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    texts = []
    for index in range(len(document)):
        page = document[index]
        textpage = page.get_textpage()
        texts.append(textpage.get_text_range())
        textpage.close()
        page.close()
    count = len(document)
    document.close()
    return count, "\n".join(texts)


def _pypdf(path: Path) -> tuple[int, str]:
    import pypdf

    reader = pypdf.PdfReader(path)
    return len(reader.pages), "\n".join(page.extract_text() or "" for page in reader.pages)


def pdf_comparison(repeats: int = 3) -> dict[str, dict[str, object]]:
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    warnings.simplefilter("ignore")
    out: dict[str, dict[str, object]] = {}
    pdfs = sorted((REAL / "pdfs").glob("*.pdf"))
    for label, extract in (("pypdfium2", _pdfium), ("pypdf", _pypdf)):
        pages = chars = ligatures = 0
        best = float("inf")
        small_caps = False
        marked_hyphens = 0
        for _ in range(repeats):
            began = time.perf_counter()
            pages = chars = ligatures = marked_hyphens = 0
            small_caps = False
            for path in pdfs:
                with redirect_stderr(io.StringIO()):
                    count, text = extract(path)
                pages += count
                chars += len(text)
                ligatures += sum(text.count(ch) for ch in LIGATURES)
                marked_hyphens += text.count("\ufffe")
                small_caps = small_caps or "REAC T" in text
            best = min(best, time.perf_counter() - began)
        out[label] = {
            "pages": pages,
            "seconds": round(best, 2),
            "pages_per_s": round(pages / best, 1),
            "chars": chars,
            "ligature_chars": ligatures,
            "reac_t_split": small_caps,
            "marked_line_end_hyphens": marked_hyphens,
        }
    # litreview's own pipeline on top of pypdfium2 (repairs, headers, references, title)
    from litreview.reading.readers.pdf import extract as litreview_extract

    best = float("inf")
    for _ in range(repeats):
        began = time.perf_counter()
        pages = chars = ligatures = 0
        small_caps = False
        for path in pdfs:
            extracted = litreview_extract(path)
            body = "\n".join(p.text for p in extracted.pages)
            pages += len(extracted.pages)
            chars += len(body)
            ligatures += sum(body.count(ch) for ch in LIGATURES)
            small_caps = small_caps or "REAC T" in body
        best = min(best, time.perf_counter() - began)
    seconds = best
    out["litreview (pypdfium2 + repairs)"] = {
        "pages": pages,
        "seconds": round(seconds, 2),
        "pages_per_s": round(pages / seconds, 1),
        "chars": chars,
        "ligature_chars": ligatures,
        "reac_t_split": small_caps,
        "marked_line_end_hyphens": 0,
    }
    return out


def ingest_times() -> dict[str, float]:
    """Full ingest (read, catalog, embed abstracts, BM25) in a fresh home, one new library each."""
    from litreview.index.library import Library
    from litreview.settings import load_settings

    times: dict[str, float] = {}
    for label, paths in (
        ("San7o Zotero data dir", [REAL / "zotero" / "San7o+research-papers-collection"]),
        ("12 PDFs (folder)", [REAL / "pdfs"]),
    ):
        os.environ["LITREVIEW_HOME"] = tempfile.mkdtemp(prefix="litreview-real-")
        began = time.perf_counter()
        with Library(load_settings()) as library:
            report = library.ingest(paths)
        times[label] = round(time.perf_counter() - began, 1)
        times[f"{label}: papers"] = float(report.added)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ingest", action="store_true", help="also time full ingests")
    args = parser.parse_args()
    parsed = parse_table()
    pdf = pdf_comparison()
    print(
        "| source | records (README) | kept | merged | with abstract (README) | full text | "
        "skipped | adds up | s |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for row in parsed:
        if "error" in row:
            print(f"| {row['source']} | error: {row['error']} | | | | | | | |")
            continue
        expected = row["expected_with_abstract"]
        skipped = ", ".join(f"{n} {r}" for r, n in dict(row["skipped"]).items()) or "-"  # type: ignore[call-overload]
        print(
            f"| {row['source']} | {row['records']} ({row['expected_records']}) | {row['kept']} | "
            f"{row['merged']} | {row['with_abstract']} ({'-' if expected is None else expected}) | "
            f"{row['full_text']} | {skipped} | {'yes' if row['adds_up'] else 'NO'} | "
            f"{row['seconds']} |"
        )
    print()
    print(
        "| PDF library (12 real PDFs) | pages/s | characters | ligature chars left | "
        "'REAC T' split | line-end hyphens marked |"
    )
    print("|---|---|---|---|---|---|")
    for label, figures in pdf.items():
        print(
            f"| {label} | {figures['pages_per_s']} ({figures['pages']} pages in "
            f"{figures['seconds']} s) | {figures['chars']} | {figures['ligature_chars']} | "
            f"{'yes' if figures['reac_t_split'] else 'no'} | {figures['marked_line_end_hyphens']} |"
        )
    result: Result = {"files": parsed, "pdf": pdf, "load": round(os.getloadavg()[0], 1)}
    if args.ingest:
        print()
        result["ingest_s"] = ingest_times()
        for label, value in result["ingest_s"].items():
            print(f"{label}: {value}")
    save_result("real_library", result)


def rows(result: Result) -> list[Row]:
    """Summary rows; the per-source table is printed by main and kept in the README."""
    files = [f for f in result["files"] if "error" not in f]
    failed = len(result["files"]) - len(files)
    out: list[Row] = [
        (
            f"Real libraries (shared/real, {len(result['files'])} sources): records read; "
            "papers kept; merged; skipped; every source adds up",
            f"{sum(f['records'] for f in files)}; {sum(f['kept'] for f in files)}; "
            f"{sum(f['merged'] for f in files)}; "
            f"{sum(sum(dict(f['skipped']).values()) for f in files)}; "
            f"{'yes' if all(f['adds_up'] for f in files) and not failed else 'NO'}",
        )
    ]
    # The raw libraries first, then litreview's pipeline on top of one (results are key-sorted).
    for label, figures in sorted(result["pdf"].items(), key=lambda i: i[0].startswith("lit")):
        out.append(
            (
                f"PDF text, {figures['pages']} pages of real PDFs, {label}: pages/s (best of 3, "
                f"load {result.get('load', '?')}); ligature characters left",
                f"{figures['pages_per_s']}; {figures['ligature_chars']}",
            )
        )
    return out


if __name__ == "__main__":
    main()

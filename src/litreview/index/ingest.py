"""Ingest: files into the catalog, then two indexing stages (:mod:`.stages`).

The order is what makes an interrupted ingest safe. Each file is read and
validated completely, then written to the catalog in one transaction (a
broken file changes nothing). Phase 1 makes every pending paper searchable:
MiniLM over its chunks (Chroma) and their token vectors (late interaction),
committed in batches of a few seconds' work, then BM25 refreshed, so search
works as soon as phase 1 ends. Phase 2 runs the re-ranking model (MPNet,
about 2x phase 1's CPU) over searchable papers, committed the same way. A
batch is marked at a stage only after that stage's stores hold it; whatever
a crash leaves, in either phase, the next run picks up, with files or not.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from litreview.encoders.allocator import keep_freed_memory
from litreview.errors import Stopped
from litreview.index.catalog import StoredPassage
from litreview.index.chunking import Chunker, embedded_part, passage_of
from litreview.index.overlap import CommitInBackground, PrepareAhead
from litreview.reading import LibraryFileError, read_file
from litreview.reading.build import FileMissing
from litreview.reading.readers import ReadOptions, expand_paths

if TYPE_CHECKING:
    from litreview.encoders.minilm import Encoded, TokenVectors
    from litreview.index.stores import Stores
    from litreview.index.vectors import Chunk
    from litreview.reading.paper import Paper

# Progress events: (stage, done, total). Stages: "read", "embed", "lexical", "rerank".
ProgressFn = Callable[[str, int, int], None]


def _check(stop: threading.Event | None) -> None:
    if stop is not None and stop.is_set():
        raise Stopped


@dataclass
class FileOutcome:
    """One file's account: ``records`` = added + updated + merged + skipped + failed.

    ``skipped`` counts records not added for a reason named in
    ``skip_reasons`` ("already in the library" for an unchanged re-ingest,
    "no abstract", "no title", ...); ``merged`` counts duplicates folded into
    another record of the same file; ``failed`` counts records lost because
    the file could not be read at all. ``removed`` is outside that sum: papers
    a Zotero library gave before and no longer has (trashed or deleted there),
    taken out of the library; they are not records of this reading.
    """

    path: Path
    added: int = 0
    updated: int = 0
    skipped: int = 0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    records: int = 0
    merged: int = 0
    failed: int = 0
    removed: int = 0
    skip_reasons: dict[str, int] = field(default_factory=dict)


@dataclass
class IngestReport:
    """What an ingest did; the CLI prints it and ``--json`` returns it."""

    files: list[FileOutcome] = field(default_factory=list)
    embedded: int = 0
    chunks: int = 0
    reranked: int = 0  # papers given the re-ranking model's vectors (phase 2)
    resumed: int = 0
    notes: list[str] = field(default_factory=list)  # about papers, not files (text cut short)
    skipped_files: list[tuple[Path, str]] = field(default_factory=list)  # from walked folders

    @property
    def added(self) -> int:
        return sum(f.added for f in self.files)

    @property
    def updated(self) -> int:
        return sum(f.updated for f in self.files)

    @property
    def skipped(self) -> int:
        return sum(f.skipped for f in self.files)

    @property
    def removed(self) -> int:
        return sum(f.removed for f in self.files)

    @property
    def merged(self) -> int:
        return sum(f.merged for f in self.files)

    @property
    def skip_reasons(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for outcome in self.files:
            for reason, n in outcome.skip_reasons.items():
                totals[reason] = totals.get(reason, 0) + n
        return totals

    @property
    def failed_files(self) -> list[FileOutcome]:
        """Files that could not be read at all (each changed nothing)."""
        return [f for f in self.files if f.error]

    @property
    def failed(self) -> int:
        """Records lost with those files (a PDF is one record; a file of records that cannot
        be read has none counted), so the totals add up as each file's do."""
        return sum(f.failed for f in self.files)

    def to_dict(self) -> dict[str, object]:
        return {
            "added": self.added,
            "updated": self.updated,
            "skipped": self.skipped,
            "failed": self.failed,
            "files_failed": len(self.failed_files),
            "removed": self.removed,
            "embedded": self.embedded,
            "chunks": self.chunks,
            "reranked": self.reranked,
            "resumed": self.resumed,
            "records": sum(f.records for f in self.files),
            "merged": self.merged,
            "skip_reasons": self.skip_reasons,
            "notes": self.notes,
            "skipped_files": [{"path": str(p), "reason": r} for p, r in self.skipped_files],
            "files": [
                {
                    "path": str(f.path),
                    "records": f.records,
                    "added": f.added,
                    "updated": f.updated,
                    "merged": f.merged,
                    "skipped": f.skipped,
                    "skip_reasons": f.skip_reasons,
                    "failed": f.failed,
                    "removed": f.removed,
                    "error": f.error,
                    "warnings": f.warnings,
                }
                for f in self.files
            ],
        }


def _noop(stage: str, done: int, total: int) -> None:
    return None


def ingest(
    library: Stores,
    paths: Iterable[Path],
    progress: ProgressFn = _noop,
    stop: threading.Event | None = None,
    options: ReadOptions | None = None,
) -> IngestReport:
    """Ingest ``paths`` into ``library``; with no paths, finish what an earlier run left.

    A folder among ``paths`` is walked (:func:`expand_paths`); what it holds
    that is not a library file is listed in ``skipped_files`` and the notes.
    Setting ``stop`` ends the run at the next file or batch boundary with
    :class:`Stopped`, never inside a write (a Ctrl-C handler sets it).
    """
    keep_freed_memory()  # each text's activations reuse the last one's pages (see there)
    report = IngestReport()
    report.resumed = library.reconcile()
    files, report.skipped_files = expand_paths(Path(p) for p in paths)
    for path, reason in report.skipped_files:
        report.notes.append(f"{path}: not read: {reason}")
    for done, path in enumerate(files, start=1):
        _check(stop)
        outcome = _read_into(library, Path(path), options)
        report.files.append(outcome)
        progress("read", done, len(files))
    embed_pending(library, report, progress, stop)
    library.refresh_lexical(progress)  # searchable from here on
    rerank_pending(library, report, progress, stop)
    return report


def _read_into(library: Stores, path: Path, options: ReadOptions | None) -> FileOutcome:
    """Read one file into the catalog; what it held counted in the outcome.

    Its own function so the file's papers (50,000 of them for a large JSONL)
    are freed once they are in the catalog, not held through both phases.
    """
    outcome = FileOutcome(path=path)
    try:
        result = read_file(path, options)
    except LibraryFileError as exc:
        outcome.error = str(exc)
        outcome.records = outcome.failed = 1 if path.suffix.lower() == ".pdf" else 0
    else:
        upserted = library.upsert(result.papers)  # server mode: ids claimed, rows shared
        outcome.warnings = result.warnings + _as_it_turned_out(
            result.files_missing, result.papers, upserted.fates
        )
        outcome.records = result.records
        outcome.merged = result.merged
        outcome.added = len(upserted.added)
        outcome.updated = len(upserted.updated)
        reasons = dict(result.skip_reasons)
        if upserted.unchanged:
            reasons["already in the library"] = len(upserted.unchanged)
        outcome.skip_reasons = reasons
        outcome.skipped = sum(reasons.values())
        outcome.warnings.extend(upserted.conflicts)
        if result.papers and (options is None or options.collection is None):
            kept = set(upserted.added + upserted.updated + upserted.unchanged)
            outcome.removed, notes = _remove_gone(library, result.papers[0], kept)
            outcome.warnings.extend(notes)
    return outcome


def _as_it_turned_out(
    missing: list[FileMissing], papers: list[Paper], fates: list[str]
) -> list[str]:
    """Each paper kept without its attached file, told as the catalog took it: "added with
    its metadata only", "updated from its metadata", or nothing for one that changed nothing
    (the first ingest said it; the summary counts it as already in the library). A re-ingest
    said "added" of items it then counted as already there."""
    fate_of = {
        key: fate
        for paper, fate in zip(papers, fates, strict=True)
        if (key := paper.extra.get("zotero_key"))
    }
    told: list[str] = []
    for note in missing:
        fate = fate_of.get(note.ref, "added")
        if fate == "added":
            told.append(f"{note.message}; added with its metadata only")
        elif fate == "updated":
            told.append(f"{note.message}; updated from its metadata")
    return told


def _remove_gone(library: Stores, sample: Paper, kept: set[str]) -> tuple[int, list[str]]:
    """Remove papers a Zotero library gave before and no longer has (trashed or deleted there).

    Re-reading a Zotero library is how it is kept in step, so an item trashed
    there leaves litreview too: from the catalog and every index, named in a
    note so a mistaken trash can be seen (restoring it in Zotero and ingesting
    again brings it back). A paper another source also gave (a BibTeX export,
    a PDF) stays, only no longer attributed to this library. Reading one
    collection (``--collection``) proves nothing about the others, so the
    caller skips this then. Returns (papers removed, notes).
    """
    source = sample.sources[0] if sample.sources else ""
    if not source.endswith(".sqlite"):
        return 0, []
    gone = {
        pid: title
        for pid, title in library.catalog.titles_from_source(source).items()
        if pid not in kept
    }
    if not gone:
        return 0, []
    sources = library.catalog.sources_of(gone)
    elsewhere = [pid for pid in gone if len(sources.get(pid, [])) > 1]
    library.drop_source(elsewhere, source)
    leaving = [pid for pid in gone if pid not in elsewhere]
    removed = library.remove_papers(leaving)
    notes: list[str] = []
    if removed:
        names = "; ".join(repr(gone[p][:60]) for p in leaving[:5])
        notes.append(
            f"removed {removed} paper(s) no longer in this Zotero library (trashed or deleted "
            f"there): {names}" + (" ..." if removed > 5 else "")
        )
    if elsewhere:
        names = "; ".join(repr(gone[p][:60]) for p in elsewhere[:5])
        notes.append(
            f"{len(elsewhere)} paper(s) no longer in this Zotero library stay, as another "
            f"source has them: {names}" + (" ..." if len(elsewhere) > 5 else "")
        )
    return removed, notes


def embed_pending(
    library: Stores,
    report: IngestReport,
    progress: ProgressFn,
    stop: threading.Event | None = None,
) -> None:
    """Phase 1: pending papers become searchable (Chroma chunks, MiniLM tokens)."""
    pending = library.catalog.pending_ids()
    if not pending:
        return
    store = library.vectors
    options = library.settings.ingest
    chunker = Chunker(
        store.embedder.count_tokens, options.chunk_tokens, options.chunk_overlap, options.max_chunks
    )
    batch = BatchSizer(options.batch_size, options.commit_seconds)

    def prepare(ids: list[str]) -> _Phase1Batch:
        papers = library.catalog.get(ids)
        every = [
            c
            for pid in ids
            if pid in papers
            for c in chunker.with_pages(papers[pid], library.catalog.pages(pid))
        ]
        chunks = embedded_part(every, options.embed_body_chunks)  # the rest: BM25 only
        return _Phase1Batch(ids, papers, every, chunks)

    progress("embed", 0, len(pending))
    start = 0
    # A batch is prepared while the one before is embedded, and stored while the next is.
    with CommitInBackground() as commits, PrepareAhead(prepare) as ahead:
        ahead.start(pending[: batch.size])
        while start < len(pending):
            _check(stop)
            began = time.monotonic()
            ids, papers, every, chunks = ahead.take()
            following = start + len(ids)
            if following < len(pending):
                ahead.start(pending[following : following + batch.size])
            encoded = store.embedder.encode([c.text for c in chunks], bulk=True)
            batch.took(len(ids), time.monotonic() - began)
            commits.wait()  # the previous batch stored and counted: a stop set meanwhile
            _check(stop)  # ends the run here, this batch's vectors not stored (still pending)
            start += len(ids)
            commits.submit(
                functools.partial(_store_batch, library, ids, papers, chunks, encoded, every),
                functools.partial(_counted, report, papers, chunks, progress, start, len(pending)),
            )
    for pid, total in chunker.truncated.items():
        title = library.catalog.get([pid]).get(pid)
        name = repr(title.title[:80]) if title else pid
        if chunker.with_full_text.get(pid):
            why = (
                ": the end of its full text is not searched (raise ingest.max_chunks to search it)"
            )
        else:
            why = " (ingest.max_chunks); is its text really one paper's?"
        report.notes.append(
            f"{name}: only the first {options.max_chunks} of its {total} chunks are indexed{why}"
        )


class _Phase1Batch(NamedTuple):
    """One phase-1 batch made ready to embed: ``chunks`` are embedded, ``every`` also holds
    the passages only BM25 indexes."""

    ids: list[str]
    papers: dict[str, Paper]
    every: list[Chunk]
    chunks: list[Chunk]


def _store_batch(
    library: Stores,
    ids: list[str],
    papers: dict[str, Paper],
    chunks: list[Chunk],
    encoded: Encoded,
    every: list[Chunk],
) -> None:
    """One phase-1 batch into every store; the catalog's marks last (see the module's doc).

    ``chunks`` were embedded; ``every`` also holds the passages only BM25 indexes."""
    hashes = {pid: papers[pid].content_hash for pid in ids if pid in papers}
    library.replace_chunks(chunks, encoded.vectors, hashes)  # server mode: ids name the write
    by_paper: dict[str, list[TokenVectors]] = {pid: [] for pid in ids if pid in papers}
    for chunk, tokens in zip(chunks, encoded.tokens, strict=True):
        by_paper[chunk.paper_id].append(tokens)
    library.tokens.replace_papers(by_paper)
    library.catalog.set_passages(passages_of(every, papers, by_paper))
    library.publish([pid for pid in ids if pid in papers])  # server mode: the record last
    library.catalog.mark_indexed(
        [pid for pid in ids if pid in papers],
        {pid: papers[pid].content_hash for pid in ids if pid in papers},
    )


def _counted(
    report: IngestReport,
    papers: dict[str, Paper],
    chunks: list[Chunk],
    progress: ProgressFn,
    done: int,
    total: int,
) -> None:
    report.embedded += len(papers)
    report.chunks += len(chunks)
    progress("embed", done, total)


def rerank_pending(
    library: Stores,
    report: IngestReport,
    progress: ProgressFn,
    stop: threading.Event | None = None,
) -> None:
    """Phase 2: searchable papers get the re-ranking model's vectors, then count as complete.

    Skipped when the model is off or not installed (search then never uses it,
    and nothing is partial). Committed by time like phase 1, so a stop or a
    crash loses at most a few seconds of work.
    """
    reranker = library.reranker
    if reranker is None:
        return
    waiting = library.catalog.rerank_pending_ids()
    if not waiting:
        return
    options = library.settings.ingest
    batch = BatchSizer(options.batch_size, options.commit_seconds)

    def prepare(ids: list[str]) -> tuple[list[str], dict[str, Paper], dict[str, list[str]]]:
        papers = library.catalog.get(ids)
        stored = library.catalog.passages(list(papers))
        texts = reranker.texts_of(  # the abstract's chunks, then the body's first passages
            [papers[pid] for pid in ids if pid in papers],
            {
                pid: [
                    f"{paper.title}. {p.text}"
                    for p in stored.get(pid, [])[: options.rerank_body_chunks]
                ]
                for pid, paper in papers.items()
            },
        )
        return ids, papers, texts

    progress("rerank", 0, len(waiting))
    start = 0
    with PrepareAhead(prepare) as ahead:  # the next batch read and chunked meanwhile
        ahead.start(waiting[: batch.size])
        while start < len(waiting):
            _check(stop)
            began = time.monotonic()
            ids, papers, texts = ahead.take()
            following = start + len(ids)
            if following < len(waiting):
                ahead.start(waiting[following : following + batch.size])
            reranker.embed_texts(texts)
            library.publish(list(papers))  # server mode: the record, now complete, last
            library.catalog.mark_reranked(
                list(papers), {pid: paper.content_hash for pid, paper in papers.items()}
            )
            report.reranked += len(papers)
            start += len(ids)
            batch.took(len(ids), time.monotonic() - began)
            progress("rerank", start, len(waiting))


def passages_of(
    chunks: list[Chunk], papers: dict[str, Paper], paper_ids: Iterable[str]
) -> dict[str, list[StoredPassage]]:
    """The full-text chunks of each paper as the catalog keeps them (no title in front)."""
    out: dict[str, list[StoredPassage]] = {pid: [] for pid in paper_ids}
    for c in chunks:
        if c.page is not None:
            text = passage_of(c.text, papers[c.paper_id].title)
            out[c.paper_id].append(StoredPassage(c.index, c.page, text))
    return out


class BatchSizer:
    """How many papers the next commit takes: at most ``most``, and about ``seconds`` of work.

    Committing by count alone made progress hostage to load: on a busy machine
    one batch of 32 took over 86 s, and a run killed every minute never
    committed anything. Sizing by the last batch's pace keeps each commit
    short whatever the machine is doing.
    """

    def __init__(self, most: int, seconds: float) -> None:
        self.most = most
        self.seconds = seconds
        self.size = most

    def took(self, papers: int, seconds: float) -> None:
        if papers <= 0 or seconds <= 0:
            return
        pace = seconds / papers
        self.size = max(1, min(self.most, int(self.seconds / pace)))

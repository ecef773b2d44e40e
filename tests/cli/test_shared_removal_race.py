"""A re-add racing a removal leaves the paper whole in the shared library (issue 12).

Member A removes a paper while member B ingests the file that gives it, on a
real ``chroma run``. B reaches the paper only once A's removal is logged (had
B pulled it before, its ingest would find the paper unchanged and write
nothing), so the race is B's whole ingest (pull, re-add: chunks, record, log)
falling between two steps of A's removal, or inside A's chunk delete request.
Each case holds A at one step (the product's own methods, paused), runs B's
ingest to its end, then lets A finish. B added the paper after A removed it,
so it ends present, with its record and all its chunks, on the server and in
every member's next open, and never twice.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from litreview.index.chunk_writes import write_of
from litreview.index.ingest import ingest
from litreview.index.server_record import expected_chunks
from litreview.index.stores import Stores
from tests.support.chroma_server import ChromaServer
from tests.support.shared_cli import server_ids
from tests.support.shared_members import TOPICS, listed, paper_file, paused, record_of, settings

# Where A's removal is held while B's ingest runs. B re-adds the paper after A's removal was
# logged (B's pull saw it), so B's chunks carry a new write's ids (index/chunk_writes.py) and
# nothing of A's removal names them: whichever step A is held at, the paper ends present.
CASES = {
    # logged only: B's pull finishes the removal, B re-adds the paper whole, then A deletes the
    # chunks of the write it removed (none left), never B's.
    "after its log entry": (lambda s: s.vectors, "remove_papers"),
    # A's chunk delete request is in flight (the ids chosen, the request not yet served) while
    # B re-adds: it was by filter ("find, then delete" inside Chroma) and took B's chunks.
    "inside its chunk deletion": (lambda s: s.vectors.collection, "delete"),
    # chunks deleted: B's pull finishes it, B re-adds whole; A's record deletion is only of
    # the record it removed, so B's stays.
    "after deleting its chunks": (lambda s: s.server, "delete"),
    # all deleted, not yet settled: B re-adds whole, A's settling finds it whole.
    "before settling": (lambda s: s.server, "settle"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_paper_removed_while_another_member_adds_it_again_ends_whole(
    server: ChromaServer, tmp_path: Path, case: str
) -> None:
    files = [paper_file(tmp_path, i) for i in range(len(TOPICS))]
    a_home, b_home, c_home = (tmp_path / f"member-{m}" for m in "abc")
    a = Stores(settings(a_home, server))
    ingest(a, files)
    ids = {title: pid for pid, title in listed(a_home, server)}
    victim = ids[next(t for t in ids if t.startswith("Study 1"))]
    part, method = CASES[case]

    reached, go = paused(part(a), method)
    removing = threading.Thread(target=a.remove_papers, args=([victim],))
    removing.start()
    try:
        assert reached.wait(300)
        b = Stores(settings(b_home, server))
        report = ingest(b, [files[1]])  # B pulls while A is midway, then adds it again
        assert report.embedded == 1, "B's open saw the paper removed and wrote it again"
        b.close()
    finally:
        go.set()
        removing.join(300)
    a.close()

    records = server_ids(server, "papers-papers")
    chunks = server_ids(server, "papers", paper_id=victim)
    assert victim in records, f"{case}: B added it after A's removal: it is there"
    assert chunks and all(write_of(c, victim) == write_of(chunks[0], victim) for c in chunks)
    assert len(chunks) == expected_chunks(record_of(server, victim)), "with all its chunks"
    everyone = [listed(home, server) for home in (a_home, b_home, c_home)]
    assert everyone[0] == everyone[1] == everyone[2], "every member lists the same papers"
    titles = [title for _, title in everyone[2]]
    assert len(titles) == len(set(titles)) == len(TOPICS), "present once"
    assert sorted(pid for pid, _ in everyone[2]) == sorted(records)

"""A library shared before chunk ids named their write opens, removes and settles (issue 12).

Member A writes a library on a real ``chroma run`` the way litreview did
before (chunks ``<paper>:<n>``, records naming no write: the previous
``Stores.replace_chunks`` stored the chunker's ids as they are). Then, with
the code as it is now: a new member lists it all; A removes a paper while
member C adds it again, C's write landing inside A's chunk delete request,
and the paper ends whole; a removal of an old paper stopped after its log
entry is finished by the next open; an old paper changed and ingested again
keeps only the new version's chunks.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest

from litreview.index.chunk_writes import write_of
from litreview.index.ingest import ingest
from litreview.index.server_record import expected_chunks
from litreview.index.stores import Stores
from litreview.index.vectors import Chunk
from tests.support.chroma_server import ChromaServer
from tests.support.shared_cli import server_ids
from tests.support.shared_members import TOPICS, listed, paper_file, paused, record_of, settings


def before_writes_were_named(
    self: Stores, chunks: list[Chunk], vectors: np.ndarray, content_hashes: dict[str, str]
) -> None:
    self.vectors.replace_papers(chunks, vectors)  # the chunker's ids: <paper>:<n>


def writes(server: ChromaServer, paper_id: str) -> set[str | None]:
    return {write_of(c, paper_id) for c in server_ids(server, "papers", paper_id=paper_id)}


def test_a_library_shared_before_writes_were_named_still_opens_removes_and_settles(
    server: ChromaServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [paper_file(tmp_path, i) for i in range(len(TOPICS))]
    a_home, b_home, c_home, d_home = (tmp_path / f"member-{m}" for m in "abcd")
    with monkeypatch.context() as old:
        old.setattr(Stores, "replace_chunks", before_writes_were_named)
        a = Stores(settings(a_home, server))
        ingest(a, files)
        a.close()
    before = listed(a_home, server)
    ids = [pid for pid, _ in before]
    assert all(writes(server, pid) == {None} for pid in ids), "chunks as before: <paper>:<n>"
    assert not any("chunks" in record_of(server, pid) for pid in ids)
    assert listed(b_home, server) == before, "a new member lists the old library"

    # A removes an old paper; C adds it again while A's chunk delete request is in flight.
    victim = next(pid for pid, title in before if title.startswith("Study 1"))
    a = Stores(settings(a_home, server))
    a.pull()
    reached, go = paused(a.vectors.collection, "delete")
    removing = threading.Thread(target=a.remove_papers, args=([victim],))
    removing.start()
    try:
        assert reached.wait(300)
        c = Stores(settings(c_home, server))
        assert ingest(c, [files[1]]).embedded == 1
        c.close()
    finally:
        go.set()
        removing.join(300)
    (write,) = writes(server, victim)
    assert write is not None, "only C's chunks, under its write; the old ones went"
    assert record_of(server, victim)["chunks"] == write
    chunks = server_ids(server, "papers", paper_id=victim)
    assert len(chunks) == expected_chunks(record_of(server, victim))

    # A removal of another old paper stopped after its log entry (a kill): the next open ends it.
    stopped = next(pid for pid, title in before if title.startswith("Study 2"))
    a.server.log_removal([stopped])  # type: ignore[union-attr]
    a.close()
    after = listed(d_home, server)
    assert [pid for pid, _ in after] == sorted(set(ids) - {stopped})
    assert stopped not in server_ids(server, "papers-papers")
    assert server_ids(server, "papers", paper_id=stopped) == [], "its old chunks went too"

    # An old paper changed in its file and ingested again: only the new version's chunks stay.
    changed = next(pid for pid, title in before if title.startswith("Study 3"))
    row = json.loads(files[3].read_text())
    files[3].write_text(json.dumps({**row, "abstract": row["abstract"] + " Revised."}) + "\n")
    b = Stores(settings(b_home, server))
    assert ingest(b, [files[3]]).embedded == 1
    b.close()
    (write,) = writes(server, changed)
    assert write is not None and record_of(server, changed)["chunks"] == write
    everyone = [listed(home, server) for home in (a_home, b_home, c_home, d_home)]
    assert everyone[0] == everyone[1] == everyone[2] == everyone[3] == after

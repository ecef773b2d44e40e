"""The server's disk per paper after one ingest into a fresh ``chroma run``.

python -m bench.server_disk [--papers 500]

A quick, narrow companion of :mod:`bench.server` (which measures everything
at once, for an hour at 1,000 papers on this machine): the first N papers of
the real corpus go into a member of a fresh server, and the server's data
folder is weighed. Run it on two checkouts in turn (``PYTHONPATH``) to compare
what a change costs or saves on the server (the README's chunk-text figures).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.server import corpus, du, ingest, start_chroma


def measure(n: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = corpus(n, folder)
        proc, port = start_chroma(folder / "server")
        try:
            rate = ingest(folder / "member", port, source)
            time.sleep(2)  # let the server flush its log before weighing
        finally:
            proc.terminate()
            proc.wait()
        return {
            "papers": n,
            "papers_per_s": rate,
            "server_kb_per_paper": du(folder / "server") / n / 1024,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=500)
    got = measure(parser.parse_args().papers)
    print(
        f"papers={got['papers']:.0f} rate={got['papers_per_s']:.1f}/s "
        f"server_kb_per_paper={got['server_kb_per_paper']:.1f}"
    )


if __name__ == "__main__":
    main()

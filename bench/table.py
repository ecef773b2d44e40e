"""Render bench/results/latest.json as the README's Markdown table.

python -m bench.table

Each benchmark renders its own rows (``rows(result)`` beside its ``main``), in
the order of bench/suite.py; one without figures in latest.json is left out.
"""

from __future__ import annotations

import json

from bench.common import RESULTS, Result, Row
from bench.suite import benchmarks


def rows(results: Result) -> list[Row]:
    out: list[Row] = []
    for bench in benchmarks():
        if bench.name in results:
            out += bench.rows(results[bench.name])
    return out


def main() -> None:
    results = json.loads((RESULTS / "latest.json").read_text())
    print("| measure | figure |")
    print("|---|---|")
    for label, value in rows(results):
        print(f"| {label} | {value} |")


if __name__ == "__main__":
    main()

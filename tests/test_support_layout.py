"""Tests and benchmarks share helpers through ``tests/support`` only.

A test module that imports another test module runs that module's tests'
imports (and couples two files that change for different reasons); importing
a ``conftest`` can load it twice. So: test modules and conftests are imported
by no one; ``tests/support`` imports nothing else from ``tests`` (nor from
``bench``); and ``bench`` reaches into ``tests`` only through ``tests/support`` (a test
of a benchmark's own logic may import that benchmark).
"""

from __future__ import annotations

import ast

from tests.support.cli import REPO


def imports(folder: str) -> list[tuple[str, str]]:
    """(file, imported module) for every import in ``folder``, lazy ones included."""
    edges = []
    for path in sorted((REPO / folder).rglob("*.py")):
        name = str(path.relative_to(REPO))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                edges.append((name, node.module))
            elif isinstance(node, ast.Import):
                edges += [(name, alias.name) for alias in node.names]
    return edges


def _is_test_module(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return module.startswith("tests.") and (last.startswith("test_") or last == "conftest")


def test_no_one_imports_a_test_module_or_a_conftest() -> None:
    wrong = [
        f"{src} -> {dst}"
        for src, dst in imports("tests") + imports("bench")
        if _is_test_module(dst)
    ]
    assert wrong == []


def test_support_stands_alone() -> None:
    wrong = [
        f"{src} -> {dst}"
        for src, dst in imports("tests/support")
        if (dst.startswith("tests.") and not dst.startswith("tests.support"))
        or dst == "bench"
        or dst.startswith("bench.")
    ]
    assert wrong == []


def test_bench_borrows_from_tests_only_through_support() -> None:
    wrong = [
        f"{src} -> {dst}"
        for src, dst in imports("bench")
        if dst.startswith("tests") and not dst.startswith("tests.support")
    ]
    assert wrong == []

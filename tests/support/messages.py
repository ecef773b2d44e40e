"""What counts as a clear error message: the one rule the fault tests and bench/faults share.

A user who meets a fault must get a line that starts with ``error``, no Python
traceback, and (for a command that failed) a non-zero exit status; the words
that make it actionable (the file, the setting) are checked by the caller.
"""

from __future__ import annotations

import subprocess


def error_lines(stderr: str) -> list[str]:
    """The lines of ``stderr`` a user reads as the error."""
    return [line for line in stderr.strip().splitlines() if line.lower().startswith("error")]


def clear_message(proc: subprocess.CompletedProcess[str], *must: str) -> bool:
    """Did ``proc`` fail with a clear message naming every word of ``must`` (any case)?"""
    text = proc.stderr
    return (
        proc.returncode != 0
        and "Traceback" not in text
        and bool(error_lines(text))
        and all(word.lower() in text.lower() for word in must)
    )


def one_clear_line(stderr: str) -> str:
    """The error a user sees (the last error line); fails the test on a traceback or none."""
    assert "Traceback" not in stderr, stderr
    lines = error_lines(stderr)
    assert lines, stderr
    return lines[-1]

"""``related-work --out DIR`` never replaces the user's own files unless told to (--force)."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import run_cli

MINE = "@article{mine2020,\n  title = {My Own Paper},\n  year = {2020},\n}\n"


def test_out_refuses_to_replace_references_bib_before_drafting(
    sample_home: Path, tmp_path: Path
) -> None:
    """The trial: ``--out mypaper`` replaced mypaper/references.bib (with @article{mine2020})."""
    paper = tmp_path / "mypaper"
    paper.mkdir()
    (paper / "references.bib").write_text(MINE, encoding="utf-8")
    args = ("related-work", "--topic", "backdoors in neural networks", "--model", "extractive")
    refused = run_cli(sample_home, *args, "--out", str(paper), "--format", "latex")
    assert refused.returncode == 2, refused.stderr
    assert f"{paper / 'references.bib'}: " in refused.stderr and "--force" in refused.stderr
    assert "theme 1/" not in refused.stderr  # said before minutes of drafting, not after
    assert (paper / "references.bib").read_text() == MINE
    assert not (paper / "related-work.tex").exists()

    forced = run_cli(sample_home, *args, "--out", str(paper), "--format", "latex", "--force")
    assert forced.returncode == 0, forced.stderr
    assert "mine2020" not in (paper / "references.bib").read_text()
    assert "\\cite{" in (paper / "related-work.tex").read_text()


def test_help_says_existing_files_are_kept(sample_home: Path) -> None:
    text = " ".join(run_cli(sample_home, "related-work", "--help", check=True).stdout.split())
    assert "--force" in text and "never replaced" in text


def test_the_topic_may_be_given_as_words(sample_home: Path) -> None:
    """A trial: `related-work --home H "topic"` stopped at "unexpected extra argument"."""
    drafted = run_cli(
        sample_home, "related-work", "backdoors in neural networks", "--model", "extractive"
    )
    assert drafted.returncode == 0, drafted.stderr
    assert drafted.stdout.startswith("## Related Work") and "[1]" in drafted.stdout
    twice = run_cli(sample_home, "related-work", "backdoors", "--topic", "backdoors")
    assert twice.returncode == 2 and "give the topic once" in twice.stderr
    neither = run_cli(sample_home, "related-work")
    assert neither.returncode == 2 and "--topic TEXT or --abstract FILE" in neither.stderr

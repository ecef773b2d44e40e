"""What every command needs: settings resolved once, the library opened on demand."""

from __future__ import annotations

import errno
import os
import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from litreview.index.library import Library
    from litreview.settings import Settings


@dataclass
class AppContext:
    overrides: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def settings(self) -> Settings:
        from pydantic import ValidationError

        from litreview.settings import ConfigError, default_config_path, describe, load_settings

        try:
            settings = load_settings(**self.overrides)
        except ValidationError as exc:
            raise ConfigError(
                f"invalid settings in {default_config_path()} or the LITREVIEW_* environment:\n"
                f"{describe(exc)}"
            ) from exc
        if _opens_library():
            from litreview.index.store_place import check_home

            # A home whose index is on a Chroma server, opened without one (or the reverse),
            # is refused here, before a command (the terminal UI too) opens anything.
            check_home(settings)
        return settings

    def open_library(self, require_papers: bool = False, create: bool = False) -> Library:
        """The library; with ``require_papers``, an empty one is an error that says what to do.

        Only ``create`` (ingest, chat with its ingest dialog) may make a library where there
        is none: a mistyped ``--home`` made an empty library and listed nothing, for a
        command that only reads.
        """
        from litreview.index.library import Library

        home = self.settings.home
        if not create and not self.settings.chroma.host and not self.settings.catalog_path.exists():
            raise click.ClickException(
                f"no library at {home} (nothing was ingested there): check --home or "
                "LITREVIEW_HOME, or run 'litreview ingest --sample' for the demo library or "
                "'litreview ingest FILE...'"
            )
        library = Library(self.settings)
        library.listen(_tell)  # a note about a wait is said before it, not after
        click.get_current_context().call_on_close(lambda: _tell_notices(library))
        if require_papers and library.count() == 0:
            library.close()
            raise click.ClickException(
                f"the library at {self.settings.home} is empty; run 'litreview ingest --sample' "
                "for the demo library or 'litreview ingest FILE...'"
            )
        return library


# Commands that read the settings but never open the library (no home to check).
_NO_LIBRARY = frozenset({"models"})


def _opens_library() -> bool:
    ctx = click.get_current_context(silent=True)
    return ctx is None or ctx.command.name not in _NO_LIBRARY


def _tell_notices(library: Library) -> None:
    """What opening the library repaired (a damaged index rebuilt), said once per command."""
    for notice in library.notices:
        _tell(notice)
    library.notices.clear()


def _tell(notice: str) -> None:
    click.echo(f"note: {notice}", err=True)


def keep_style_tags(text: str) -> str:
    """Escape every ``[...]`` that is not a Rich style tag, so that text interpolated into a
    markup string prints as it is: an error naming ``[models.<alias>]`` or ``[llm]``, a title
    or a query with brackets. ``[yellow]...[/]`` written by the commands still styles."""
    from rich.errors import StyleSyntaxError
    from rich.markup import RE_TAGS
    from rich.style import Style

    def one(match: re.Match[str]) -> str:
        backslashes, tag = match.group(2), match.group(3)
        if len(backslashes) % 2:  # already escaped
            return match.group(0)
        name = tag[1:] if tag.startswith("/") else tag
        if not name or name.startswith(("@", "link")):
            return match.group(0)
        try:
            Style.parse(name)
        except StyleSyntaxError:
            return f"{backslashes}\\[{tag}]"
        return match.group(0)

    return RE_TAGS.sub(one, text)


def console(stderr: bool = True) -> Any:
    """A rich console; progress and tables go to stderr so stdout stays machine-readable.

    Every string it renders (messages, table cells) goes through ``keep_style_tags`` first:
    the commands build messages as f-strings with markup around user data and error texts,
    and Rich would otherwise swallow any bracketed word in that data.

    A closed pipe (``litreview library | head``) is raised on as the ``BrokenPipeError``
    it is, for ``cli/main.py`` to end the command the way it ends every command with
    a closed stdout; Rich's own handling would exit with status 1 on its own.
    """
    from rich.console import Console
    from rich.text import Text

    class SafeConsole(Console):
        def render_str(self, text: str, **kwargs: Any) -> Text:
            if kwargs.get("markup") is not False and self._markup:
                text = keep_style_tags(text)
            return super().render_str(text, **kwargs)

        def on_broken_pipe(self) -> None:
            self.quiet = True  # nothing more from this console
            raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))

    return SafeConsole(stderr=stderr, highlight=False)


@contextmanager
def stop_on_ctrl_c() -> Iterator[threading.Event]:
    """First Ctrl-C sets the event, so a long task stops at its next safe point (a batch,
    a theme, a question) with everything done so far saved; a second Ctrl-C interrupts at once.
    """
    stop = threading.Event()

    def handler(signum: int, frame: object) -> None:
        stop.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)


def progress_bar(out: Any, label: str = "{task.description:<18}") -> Any:
    """A transient rich progress bar with ETA on stderr; silent when not on a terminal."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=out,
        transient=True,
        disable=not out.is_terminal,
    )

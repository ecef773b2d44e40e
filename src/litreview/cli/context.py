"""What every command needs: settings resolved once, the library opened on demand."""

from __future__ import annotations

import errno
import os
import re
import signal
import threading
import time
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


# A Ctrl-C that came while the CLI was still loading (interpreter start-up, imports, option
# parsing), held by :func:`hold_ctrl_c` for the command that takes it (:func:`stop_on_ctrl_c`):
# ``None`` while nothing holds it, else whether one came.
_held: list[bool] | None = None
_held_previous: Any = None


def _hold(signum: int, frame: object) -> None:
    if _held is not None:
        _held[0] = True


def hold_ctrl_c() -> None:
    """Hold a Ctrl-C that comes while the CLI loads, instead of raising it in the middle of an
    import (a trace, or click's bare "Aborted!"). :func:`release_ctrl_c` gives it to a command
    that stops the usual way; :func:`stop_on_ctrl_c` takes it as its first Ctrl-C. Only in
    the main thread, and only over Python's own handler (a host's handler is left alone)."""
    global _held, _held_previous
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        return
    _held, _held_previous = [False], signal.signal(signal.SIGINT, _hold)


# A command that takes a Ctrl-C held while the CLI loaded as its own first Ctrl-C (it enters
# ``stop_on_ctrl_c`` before anything slow): this attribute, true on its click command.
STOPS_ON_CTRL_C = "litreview_stops_on_ctrl_c"


def release_ctrl_c() -> None:
    """Ctrl-C as usual again (a ``KeyboardInterrupt``), for a command that does not stop on it
    at a safe point; one held while loading is raised now."""
    global _held
    if _held is None:
        return
    came, _held = _held[0], None
    signal.signal(signal.SIGINT, _held_previous)
    if came:
        raise KeyboardInterrupt


# A second Ctrl-C this soon after the first is the same one delivered twice: ``timeout -s INT``
# signals the command and then its process group, the command included.
_REPEAT_AFTER = 0.5


def _say_when_set(stop: threading.Event, done: threading.Event, notice: str) -> None:
    """Print ``notice`` on stderr once ``stop`` is set (unless ``done`` comes first): from a
    thread, since a signal handler that writes to stderr can break a write under way."""
    while not done.is_set():
        if stop.wait(0.1):
            if not done.is_set():
                click.echo(notice, err=True)
            return


@contextmanager
def stop_on_ctrl_c(
    hurry: threading.Event | None = None, notice: str | None = None
) -> Iterator[threading.Event]:
    """First Ctrl-C sets the event, so a long task stops at its next safe point (a batch,
    a theme, a question) with everything done so far saved; a second Ctrl-C interrupts at once.

    With ``hurry``, the second Ctrl-C sets that event instead of raising, and so does every
    later one: the task leaves the work under way and ends as a stopped one does (batch: its
    summary and report). A Ctrl-C held while the CLI loaded (:func:`hold_ctrl_c`) counts as
    the first. ``notice`` is printed as soon as the first comes: a batch pressed during its
    warm-up took ~5 s to stop and then finished the answers under way, with no word that the
    key had been seen.
    """
    global _held
    stop = threading.Event()
    first: list[float] = []
    done = threading.Event()
    if notice:
        threading.Thread(target=_say_when_set, args=(stop, done, notice), daemon=True).start()

    def handler(signum: int, frame: object) -> None:
        now = time.monotonic()
        if not first:
            first.append(now)
            stop.set()
            if hurry is None:
                signal.signal(signal.SIGINT, signal.default_int_handler)
        elif hurry is not None and now - first[0] >= _REPEAT_AFTER:
            hurry.set()

    previous = signal.signal(signal.SIGINT, handler)
    ending = previous is _hold  # the litreview process, which ends with this command
    if ending:  # the CLI held Ctrl-C while it loaded: this command takes it over
        came, _held = bool(_held and _held[0]), None
        previous = _held_previous
        if came:
            handler(signal.SIGINT, None)
    try:
        yield stop
    finally:
        done.set()
        # A stopped command of the CLI has said how it ended and is exiting: a Ctrl-C pressed
        # again (or delivered twice) on the way out would turn that into a trace.
        stopped_for_good = ending and hurry is not None and stop.is_set()
        signal.signal(signal.SIGINT, signal.SIG_IGN if stopped_for_good else previous)


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

"""The ``litreview`` command group and the options every command shares."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

from litreview import __version__
from litreview.cli.context import STOPS_ON_CTRL_C, AppContext, hold_ctrl_c, release_ctrl_c


def _is_the_cli() -> bool:
    """Whether this process is the ``litreview`` command (its console script or ``python -m
    litreview``), not a host importing the CLI (tests, a program using its functions)."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    if spec is not None and spec.name == "litreview.__main__":
        return True
    return bool(sys.argv) and Path(sys.argv[0]).name == "litreview"


# Loading the commands (``_register``) takes a while, ~0.4 s, and batch's own imports twice
# that: a Ctrl-C meanwhile is held for the command (``_Commands.resolve_command``) rather
# than raised inside an import.
if _is_the_cli():
    hold_ctrl_c()

# The status of a command whose reader closed stdout: 128 + SIGPIPE, what a shell reports
# for `seq 1000000 | head -1`. Not 0: the reader saw only part of the output (a search's
# first rows, an answer's first lines), and a script under `set -o pipefail` should learn
# that as it does of `cat` or `seq`; whatever the command had to keep (a session's turn) is
# saved before its output is written.
EXIT_READER_GONE = 141


class StdoutClosed(Exception):
    """stdout's reader went away (`litreview search ... | head`): the command ends quietly.

    Raised from :class:`_Commands` instead of the :class:`BrokenPipeError` so that click,
    which would swallow that error and exit 1, lets it reach :func:`main`.
    """


class _Commands(click.Group):
    """The command group: a closed pipe out of any command, or out of the top-level
    ``--help`` and ``--version`` (written while the context is made), goes to :func:`main`."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except BrokenPipeError as exc:
            raise StdoutClosed() from exc

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError as exc:
            raise StdoutClosed() from exc

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """The command to run; Ctrl-C held while loading goes to it: as its first Ctrl-C to one
        that stops at a safe point (``stops_on_ctrl_c``, batch), as usual to any other."""
        name, command, rest = super().resolve_command(ctx, args)
        if not getattr(command, STOPS_ON_CTRL_C, False):
            release_ctrl_c()
        return name, command, rest


def _use_home(ctx: click.Context, home: Path) -> None:
    """``--home``: it means what LITREVIEW_HOME means, config file included."""
    os.environ["LITREVIEW_HOME"] = str(home)


def _use_chroma_host(ctx: click.Context, host: str) -> None:
    ctx.ensure_object(AppContext).overrides["chroma.host"] = host


def _use_chroma_port(ctx: click.Context, port: int) -> None:
    ctx.ensure_object(AppContext).overrides["chroma.port"] = port


def _same_home(a: object, b: object) -> bool:
    return Path(str(a)).expanduser().resolve() == Path(str(b)).expanduser().resolve()


def _same(a: object, b: object) -> bool:
    return a == b


# The options every command takes, before the command name or after it: each is applied by
# one function, whichever place it is given in (the settings are read only when a command
# first needs them, after both places are parsed).
_Apply = Callable[[click.Context, Any], None]
_Same = Callable[[object, object], bool]
_SHARED: dict[str, tuple[_Apply, _Same]] = {
    "home": (_use_home, _same_home),
    "chroma_host": (_use_chroma_host, _same),
    "chroma_port": (_use_chroma_port, _same),
}


def _shared_value(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """Apply a shared option, given before the command or after it; given in both places
    with different values, it is a usage error naming both."""
    if value is None or param.name is None:
        return
    apply, same = _SHARED[param.name]
    given: dict[str, Any] = ctx.meta.setdefault("litreview.shared_options", {})
    earlier = given.get(param.name)
    flag = param.opts[0]
    if earlier is not None and not same(earlier, value):
        raise click.UsageError(
            f"{flag} {earlier} (before the command) and {flag} {value} (after it) differ; give one",
            ctx,
        )
    given[param.name] = value
    apply(ctx, value)


def shared_options() -> list[click.Option]:
    """``--home``, ``--chroma-host`` and ``--chroma-port``, for the group and each command."""
    return [
        click.Option(
            ["--home"],
            type=click.Path(file_okay=False, path_type=Path),
            callback=_shared_value,
            expose_value=False,
            help="Library folder (default: the platform's data dir; env LITREVIEW_HOME).",
        ),
        click.Option(
            ["--chroma-host"],
            callback=_shared_value,
            expose_value=False,
            help="Use a Chroma server at this host instead of the embedded store.",
        ),
        click.Option(
            ["--chroma-port"],
            type=int,
            callback=_shared_value,
            expose_value=False,
            help="Port of the Chroma server (default 8000).",
        ),
    ]


@click.group(
    cls=_Commands,
    context_settings={"help_option_names": ["-h", "--help"]},
    params=shared_options(),
)
@click.version_option(__version__, prog_name="litreview")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Literature review in the terminal: ingest papers, search, ask, draft related work.

    \b
    First run:
      litreview ingest --sample        # the bundled demo library (264 papers)
      litreview search "backdoor defenses for neural networks"

    --home, --chroma-host and --chroma-port go before the command or after it.
    """
    ctx.ensure_object(AppContext)


def _register() -> None:
    from litreview.cli import ask, batch, chat, ingest, library, models, related, search

    for command in (
        ask.ask_command,
        models.models_command,
        related.related_command,
        batch.batch_command,
        chat.chat_command,
        ingest.ingest_command,
        library.library_command,
        search.search_command,
    ):
        command.params.extend(shared_options())
        cli.add_command(command)


_register()


def main() -> None:
    """Run the CLI; every failure ends as one line on stderr and an exit status, never a trace.

    This is the one place the CLI maps errors: a :class:`LitreviewError` carries
    its own user-ready message; an OS error (disk full, read-only home) names
    its file; SQLite's errors are OS errors in another dress. A closed stdout
    (``| head``) is no error: the command ends silently, as Unix tools do.
    """
    from litreview.cli.loading import one_command_process
    from litreview.errors import LitreviewError, describe

    one_command_process()  # what a command loads may be frozen (cli/loading.py)
    try:
        try:
            cli(standalone_mode=True)
        finally:
            # Output still buffered meets a closed pipe here, where it can be handled,
            # rather than at interpreter exit ("Exception ignored ... BrokenPipeError").
            sys.stdout.flush()
    except (StdoutClosed, BrokenPipeError):
        _reader_gone()
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        message = describe(exc)
        if message is None:
            raise  # a bug: its traceback is what a report needs
        click.echo(f"error: {message}", err=True)
        sys.exit(exc.exit_code if isinstance(exc, LitreviewError) else 1)


def _reader_gone() -> NoReturn:
    """End the command whose stdout was closed: nothing more to say, nowhere to say it.

    stdout is pointed at /dev/null first, so that what is left in its buffer is
    flushed there at exit instead of raising the same error again.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    sys.exit(EXIT_READER_GONE)

"""``litreview models``: which backends are configured, reachable, and the default."""

from __future__ import annotations

import json

import click

from litreview.cli.context import AppContext, console


@click.command("models")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def models_command(app: AppContext, as_json: bool) -> None:
    """List the models you can use and whether each can answer now."""
    from litreview.llm.registry import choose_default, list_models

    settings = app.settings
    rows = list_models(settings)
    choice = choose_default(settings)
    from litreview.settings import default_config_path

    if as_json:
        payload = {
            "config_file": str(default_config_path()),
            "default": choice.name,
            "reason": choice.reason,
            "models": [r.to_dict() for r in rows],
        }
        click.echo(json.dumps(payload))
        return
    from rich.markup import escape
    from rich.table import Table

    from litreview.llm.config_hint import config_hint

    table = Table(expand=True)
    table.add_column("", no_wrap=True)
    table.add_column("name")
    table.add_column("model")
    table.add_column("status")
    for row in rows:
        status = "[green]ready[/]" if row.available else "[red]unavailable[/]"
        table.add_row(
            "*" if row.default else "",
            escape(row.name),
            escape(row.model),
            f"{status} · {escape(row.detail)}",
        )
    out = console(stderr=False)
    out.print(table)
    default = next((r for r in rows if r.default), None)
    unusable = (
        f" [red]It cannot answer now: {escape(default.detail)}.[/]"
        if default is not None and not default.available
        else ""
    )
    out.print(
        f"Default: {escape(choice.name)} ({escape(choice.reason)}).{unusable} "
        "Pick one with --model, or set model under \\[llm] in the config file."
    )
    out.print()
    out.print(escape(config_hint(default_config_path(), taken=settings.models)))

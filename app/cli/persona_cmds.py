"""``hearth create | show | personas``: personas and Ollama Modelfiles from the terminal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click


def _print_json(obj: Any) -> None:
    click.echo(json.dumps(obj, indent=2, ensure_ascii=False, default=str))


def _warn(warnings: tuple[str, ...] | list[str]) -> None:
    for w in warnings:
        click.echo(f"Warning: {w}", err=True)


@click.command()
@click.argument("name")
@click.option(
    "-f",
    "--file",
    "modelfile",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("Modelfile"),
    show_default=True,
    help="The Modelfile to read.",
)
@click.option(
    "--no-replace",
    is_flag=True,
    help="Fail if a persona of that name exists (default: replace it, like Ollama).",
)
def create(name: str, modelfile: Path, no_replace: bool) -> None:
    """Create (or replace) persona NAME from an Ollama Modelfile."""
    from app.core.errors import PersonaError
    from app.personas.ollama_template import template_problem
    from app.personas.store import PersonaStore

    if not modelfile.is_file():
        raise PersonaError(f"No Modelfile at {modelfile}.", hint="Pass one with -f PATH.")
    store = PersonaStore()
    existed = store.find(name)
    stored, warnings = store.import_modelfile(modelfile, name, overwrite=not no_replace)
    _warn(warnings)
    p = stored.persona
    if p.template is not None and template_problem(p.template) is None:
        click.echo("Its TEMPLATE will be rendered by Hearth (Go template).", err=True)
    verb = "Replaced" if existed is not None and not existed.builtin else "Created"
    runs_on = (
        f"based on {p.base}"
        if p.base
        else "it runs on the model you pick (--model) or the model used last"
    )
    click.echo(f"{verb} persona '{p.name}'; {runs_on}.")


@click.command()
@click.argument("name")
@click.option("--modelfile", "as_modelfile", is_flag=True, help="Print it as a Modelfile.")
@click.option("--json", "as_json", is_flag=True, help="Print it as JSON.")
@click.option("--system", "only_system", is_flag=True, help="Print only the system prompt.")
@click.option("--template", "only_template", is_flag=True, help="Print only the prompt template.")
@click.option("--parameters", "only_params", is_flag=True, help="Print only the parameters.")
@click.option("--license", "only_license", is_flag=True, help="Print only the license.")
@click.option(
    "--from",
    "base",
    default=None,
    help="With --modelfile: write this FROM (e.g. an Ollama model name).",
)
def show(
    name: str,
    as_modelfile: bool,
    as_json: bool,
    only_system: bool,
    only_template: bool,
    only_params: bool,
    only_license: bool,
    base: str | None,
) -> None:
    """Show a persona: a summary, or as a Modelfile / JSON."""
    from app.personas.modelfile import export_modelfile
    from app.personas.ollama_template import template_problem
    from app.personas.store import PersonaStore

    store = PersonaStore()
    sp = store.find(name)
    if sp is None:
        store.get(name)  # raises PersonaNotFoundError
        return
    p = sp.persona
    if as_modelfile:
        click.echo(export_modelfile(p, base=base), nl=False)
        return
    if as_json:
        _print_json({**p.to_dict(), "builtin": sp.builtin, "file": str(sp.path)})
        return
    if only_system:
        click.echo(p.system or "")
        return
    if only_template:
        click.echo(p.template or "")
        return
    if only_license:
        click.echo("\n\n".join(p.license))
        return
    params = [(k, v) for k, vs in p.parameters.items() for v in (vs if k == "stop" else [vs])]
    if only_params:
        for k, v in params:
            click.echo(f"{k:<18} {json.dumps(v) if isinstance(v, str) else v}")
        return
    click.echo(
        f"{p.icon + ' ' if p.icon else ''}{p.display_name} ({p.name}){'  [built-in]' if sp.builtin else ''}"
    )
    if p.description:
        click.echo(f"  {p.description}")
    click.echo(
        f"  Base model:   {p.base or 'chosen at run time (--model, or the model used last)'}"
    )
    for k, v in params:
        click.echo(f"  Parameter:    {k} = {json.dumps(v) if isinstance(v, str) else v}")
    for a in p.adapters:
        click.echo(f"  Adapter:      {a}")
    if p.template is not None:
        problem = template_problem(p.template)
        click.echo(
            f"  Template:     {'Go template' if problem is None else 'not used: ' + problem}"
        )
    if p.collections:
        click.echo(f"  Collections:  {', '.join(p.collections)}")
    if p.messages:
        click.echo(f"  Examples:     {len(p.messages)} messages")
    if p.system:
        click.echo("\n  System prompt:")
        for line in p.system.splitlines():
            click.echo(f"    {line}")
    click.echo(f"\n  File: {sp.path}")


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_context
def personas(ctx: click.Context, as_json: bool) -> None:
    """List personas (built-in and yours); 'rm' and 'cp' manage them."""
    if ctx.invoked_subcommand is not None:
        return
    from app.personas.store import PersonaStore

    items = PersonaStore().list()
    if as_json:
        _print_json(
            [{**sp.persona.to_dict(), "builtin": sp.builtin, "file": str(sp.path)} for sp in items]
        )
        return
    if not items:
        click.echo("No personas. Create one with 'hearth create NAME -f Modelfile'.")
        return
    width = max(len(sp.name) for sp in items)
    for sp in items:
        p = sp.persona
        kind = (
            "built-in"
            if sp.builtin
            else ("yours, replaces built-in" if sp.overrides_builtin else "yours")
        )
        click.echo(f"{p.name:<{width}}  {p.display_name:<24} {kind:<10}  {p.base or '(any model)'}")


@personas.command("rm")
@click.argument("names", nargs=-1, required=True)
def personas_rm(names: tuple[str, ...]) -> None:
    """Delete your personas NAMES (built-in ones cannot be deleted)."""
    from app.personas.store import PersonaStore

    store = PersonaStore()
    for name in names:
        store.delete(name)
        click.echo(f"Deleted persona '{name}'.")


@personas.command("cp")
@click.argument("source")
@click.argument("destination")
def personas_cp(source: str, destination: str) -> None:
    """Copy persona SOURCE (built-in or yours) to a new persona DESTINATION."""
    from app.personas.store import PersonaStore

    stored = PersonaStore().duplicate(source, destination)
    click.echo(f"Copied '{source}' to '{stored.name}'.")

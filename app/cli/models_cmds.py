"""``hearth search | files | pull | ls | rm | verify | alias | import | login``: models from the terminal."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from app.core.errors import HearthError


def _print_json(obj: Any) -> None:
    click.echo(json.dumps(obj, indent=2, ensure_ascii=False, default=str))


def _size(n: int) -> str:
    for unit, k in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if n >= k:
            return f"{n / k:.2f} {unit}" if unit == "GB" else f"{n / k:.0f} {unit}"
    return f"{n} B"


def _services() -> tuple[Any, Any]:
    """(paths, settings) for this process: the CLI's composition root."""
    from app.core.paths import default_paths
    from app.core.settings import SettingsStore

    paths = default_paths().ensure()
    return paths, SettingsStore(paths).load()


def _library(scan: bool = True) -> Any:
    from pathlib import Path

    from app.models.library import ModelLibrary

    paths, settings = _services()
    lib = ModelLibrary(paths, [Path(f) for f in settings.models.folders])
    if scan:
        lib.scan()
    return lib


def _hub() -> Any:
    from app.models.hub import HubClient

    _paths, settings = _services()
    return HubClient(endpoint=settings.models.hf_endpoint)


# --- hub ------------------------------------------------------------------------------


@click.command()
@click.argument("query", required=False, default="")
@click.option(
    "--sort",
    type=click.Choice(["downloads", "likes", "trending", "recent", "updated"]),
    default="downloads",
    show_default=True,
)
@click.option("--limit", "-n", type=click.IntRange(1, 200), default=20, show_default=True)
@click.option("--page", type=click.IntRange(0), default=0, help="Page of results, from 0.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def search(query: str, sort: str, limit: int, page: int, as_json: bool) -> None:
    """Search Hugging Face for GGUF models."""
    results = _hub().search(query, sort=sort, limit=limit, page=page)
    if as_json:
        _print_json([r.to_dict() for r in results])
        return
    if not results:
        click.echo("No GGUF repos found.")
        return
    width = max(len(r.repo_id) for r in results)
    for r in results:
        flags = " [gated]" if r.gated else ""
        click.echo(
            f"{r.repo_id:<{width}}  {r.downloads:>10,} downloads  {r.likes:>6,} likes{flags}"
        )
    click.echo(f"\nNext: hearth files {results[0].repo_id}")


@click.command()
@click.argument("repo")
@click.option("--no-fit", is_flag=True, help="Skip the fit check (no header download).")
@click.option("--card", is_flag=True, help="Also print the model card.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def files(repo: str, no_fit: bool, card: bool, as_json: bool) -> None:
    """List a repo's GGUF files by quantization, with sizes and whether each fits this machine."""
    detail = _hub().repo(repo, fit=not no_fit)
    if as_json:
        _print_json(detail.to_dict())
        return
    click.echo(
        f"{detail.repo_id}  license: {detail.license or 'not stated'}"
        + ("  [gated: needs a token]" if detail.gated else "")
    )
    if not detail.options:
        click.echo("This repo has no GGUF files.")
        return
    multi = len({o.base for o in detail.options}) > 1
    for o in detail.options:
        name = f"{o.base}:{o.quant}" if multi else o.quant
        parts = f" ({len(o.files)} parts)" if o.is_split else ""
        fit = o.fit.label if o.fit else ""
        click.echo(f"  {name:<24} {_size(o.size_bytes):>10}{parts:<11}  {fit}")
    for p in detail.projectors:
        click.echo(f"  {'mmproj (vision)':<24} {_size(p.size):>10}             {p.filename}")
    click.echo(f"\nDownload: hearth pull {detail.repo_id}:{detail.options[0].quant}")
    if card and detail.card:
        click.echo("\n" + detail.card)


def _split_ref(ref: str) -> tuple[str, str | None]:
    ref = ref.removeprefix("hf.co/").removeprefix("https://huggingface.co/")
    repo, _, quant = ref.partition(":")
    return repo, quant or None


@click.command()
@click.argument("ref", metavar="[REPO[:QUANT]]", required=False)
@click.option("--file", "filename", default=None, help="Download this exact file of the repo.")
@click.option("--json", "as_json", is_flag=True, help="Print the new library entry as JSON.")
def pull(ref: str | None, filename: str | None, as_json: bool) -> None:
    """Download a GGUF model from Hugging Face into the library (re-run to resume).

    Without REPO, resume every download an earlier run left unfinished.
    """
    from app.models.downloads import DownloadManager

    paths, settings = _services()
    manager = DownloadManager(
        paths,
        _library(scan=False),
        _hub(),
        keep_free_bytes=int(settings.models.keep_free_gb * 1e9),
        parallel=1,
    )
    if ref is None:
        plans = manager.interrupted()
        if not plans:
            raise HearthError(
                "There is no unfinished download to resume.",
                hint="Name a repo: hearth pull OWNER/NAME[:QUANT].",
            )
    else:
        repo, quant = _split_ref(ref)
        plans = [manager.plan(repo, quant=quant, filename=filename)]
    entries = [_pull_one(manager, plan, as_json) for plan in plans]
    if as_json:
        _print_json(entries[0].to_dict() if len(entries) == 1 else [e.to_dict() for e in entries])
        return
    for entry in entries:
        click.echo(f"Saved {entry.name} ({_size(entry.size_bytes)}, sha256 verified).")
    click.echo(f'Try it: hearth run {entries[-1].name} "Hello!"')


def _pull_one(manager: Any, plan: Any, as_json: bool) -> Any:
    from app.models.download_plan import DownloadState

    task_id = manager.enqueue(plan)
    already = manager.get(task_id).done_bytes
    if already and not as_json:
        click.echo(
            f"Resuming {plan.repo_id} {plan.label}: {_size(already)} of {_size(plan.total_bytes)} already downloaded.",
            err=True,
        )
    try:
        result = _watch(manager, task_id, quiet=as_json)
    except KeyboardInterrupt:
        manager.pause(task_id)
        p = manager.wait(task_id, 10)
        click.echo(f"\nPaused at {p.fraction:.0%}. Run 'hearth pull' again to resume.", err=True)
        sys.exit(130)
    if result.state is DownloadState.FAILED:
        raise HearthError(result.error or "The download failed.")
    assert result.entry is not None
    return result.entry


def _watch(manager: Any, task_id: str, quiet: bool) -> Any:
    if quiet or not sys.stderr.isatty():
        return manager.wait(task_id)
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    first = manager.get(task_id)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, transient=True) as bar:
        t = bar.add_task(
            f"{first.repo_id} {first.label}", total=first.total_bytes, completed=first.done_bytes
        )

        def on_update(p: Any) -> None:
            if p.id == task_id:
                desc = f"{p.repo_id} {p.label}" + (
                    " (checking what is already here)" if p.phase == "hashing" else ""
                )
                bar.update(t, completed=p.done_bytes, description=desc)

        unsubscribe = manager.subscribe(on_update)
        try:
            while True:
                p = manager.wait(task_id, 0.2)
                if manager.is_settled(task_id):
                    return p
        finally:
            unsubscribe()


# --- library --------------------------------------------------------------------------


@click.command(name="ls")
@click.option(
    "--all", "show_all", is_flag=True, help="Also show damaged files and vision projectors."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def ls(show_all: bool, as_json: bool) -> None:
    """List the models in your library."""
    lib = _library()
    entries = sorted(lib.entries(include_unusable=show_all), key=lambda e: e.name)
    if as_json:
        _print_json([{**e.to_dict(), "aliases": lib.aliases_of(e)} for e in entries])
        return
    if not entries:
        click.echo(
            "Your library is empty. Find a model with 'hearth search', or 'hearth import' models other apps downloaded."
        )
        return
    width = max(len(e.name) for e in entries)
    for e in entries:
        extra = f"  ({e.error})" if e.error else ("  [vision projector]" if e.is_mmproj else "")
        aliases = lib.aliases_of(e)
        alias_txt = f"  aka {', '.join(aliases)}" if aliases else ""
        click.echo(
            f"{e.name:<{width}}  {_size(e.size_bytes):>9}  {e.parameters_label or '?':>6}  {e.quantization:<8} {e.source:<8}{alias_txt}{extra}"
        )


@click.command()
@click.argument("name")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def rm(name: str, yes: bool) -> None:
    """Delete a model from disk (models of other apps are only hidden)."""
    lib = _library()
    entry = lib.get(name)
    if not yes and sys.stdin.isatty():
        click.confirm(f"Delete {entry.name} ({_size(entry.size_bytes)})?", abort=True)
    freed = lib.remove(name)
    if freed:
        click.echo(f"Deleted {entry.name}; freed {_size(freed)}.")
    else:
        click.echo(
            f"Removed {entry.name} from the list; its files belong to {entry.source} and were kept."
        )


def _hub_hashes(entry: Any, strict: bool) -> dict[str, str]:
    """sha256 that Hugging Face publishes for the entry's files (matched by file name)."""
    from pathlib import Path

    if not entry.source_repo:
        if strict:
            raise HearthError(f"{entry.name} has no known Hugging Face repo to check against.")
        return {}
    try:
        detail = _hub().repo(entry.source_repo, fit=False)
    except HearthError:
        if strict:
            raise
        return {}
    remote = [*(f for o in detail.options for f in o.files), *detail.projectors]
    by_name = {Path(f.filename).name: f.sha256 for f in remote if f.sha256}
    return {p: by_name[Path(p).name] for p in entry.parts if Path(p).name in by_name}


@click.command()
@click.argument("name", required=False)
@click.option(
    "--hub", "use_hub", is_flag=True, help="Compare with the sha256 Hugging Face publishes."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def verify(name: str | None, use_hub: bool, as_json: bool) -> None:
    """Check models' sha256 against the recorded hash (or Hugging Face's, with --hub)."""
    lib = _library()
    entries = [lib.get(name)] if name else lib.entries()
    results = []
    for entry in entries:
        missing = any(p not in entry.hashes for p in entry.parts)
        expected = _hub_hashes(entry, strict=use_hub) if use_hub or missing else {}
        results.append(lib.verify(entry.name, expected=expected))
    if as_json:
        _print_json([r.__dict__ for r in results])
    else:
        for r in results:
            click.echo(f"{r.name}: {r.status} - {r.detail}")
    if any(not r.ok for r in results):
        sys.exit(1)


@click.command()
@click.argument("name")
@click.argument("alias")
@click.option("--rename", is_flag=True, help="Rename the model instead of adding a second name.")
def alias(name: str, alias: str, rename: bool) -> None:
    """Give a library model a short extra name (or rename it)."""
    lib = _library()
    entry = lib.rename(name, alias) if rename else lib.alias(name, alias)
    click.echo(f"{alias} -> {entry.path}")


@click.command(name="import")
@click.option(
    "--app",
    "apps",
    multiple=True,
    type=click.Choice(["ollama", "lmstudio", "gpt4all"]),
    help="Only this app (repeatable).",
)
@click.option(
    "--list", "only_list", is_flag=True, help="Only show what other apps have; import nothing."
)
def import_(apps: tuple[str, ...], only_list: bool) -> None:
    """Use models Ollama, LM Studio or GPT4All already downloaded (in place, no copy)."""
    from app.models.importers import find_other_apps

    offers = [o for o in find_other_apps() if not apps or o.app in apps]
    if not offers:
        click.echo("Found no models from Ollama, LM Studio or GPT4All on this computer.")
        return
    for o in offers:
        click.echo(f"{o.label}: {o.count} model(s), {_size(o.size_bytes)}")
    if only_list:
        return
    report = _library(scan=False).import_apps([o.app for o in offers])
    click.echo(
        f"Added {len(report.added)} model(s) to your library: {', '.join(report.added) or 'none new'}."
    )


@click.command()
@click.option("--token", default=None, help="The token (default: asked for, hidden).")
@click.option("--remove", is_flag=True, help="Forget the stored token.")
def login(token: str | None, remove: bool) -> None:
    """Store a Hugging Face access token in the OS keychain (for gated models)."""
    from app.core.keychain import HF_TOKEN, delete_secret, set_secret
    from app.models.hub_errors import hub_errors

    if remove:
        click.echo("Token removed." if delete_secret(HF_TOKEN) else "No token was stored.")
        return
    if token is None:
        token = click.prompt(
            "Hugging Face token (from huggingface.co/settings/tokens)", hide_input=True
        )
    token = token.strip()
    from huggingface_hub import HfApi

    hub = _hub()
    with hub_errors("your token"):
        who = HfApi(endpoint=hub.endpoint).whoami(token=token)
    set_secret(HF_TOKEN, token)
    click.echo(f"Logged in as {who.get('name', '?')}; the token is in the OS keychain.")


@click.group(name="models", invoke_without_command=True)
@click.pass_context
def models(ctx: click.Context) -> None:
    """The model library: list, scan, rm, verify, alias, import."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(ls)


@models.command(name="scan")
@click.option("--json", "as_json", is_flag=True)
def scan(as_json: bool) -> None:
    """Rescan the model folders (unchanged files are not re-read)."""
    report = _library(scan=False).scan()
    if as_json:
        _print_json(report.__dict__)
        return
    click.echo(
        f"{len(report.added)} added, {len(report.changed)} changed, {len(report.removed)} gone, "
        f"{report.unchanged} unchanged ({report.seconds * 1000:.0f} ms)."
    )


models.add_command(ls, "list")
for _cmd in (rm, verify, alias, import_):
    models.add_command(_cmd)

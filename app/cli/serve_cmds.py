"""``hearth serve`` and ``hearth key show|new``: the local API server from the terminal."""

from __future__ import annotations

import threading
from typing import Any

import click


def _settings() -> Any:
    from app.core.paths import default_paths
    from app.core.settings import SettingsStore

    return SettingsStore(default_paths()).load()


@click.command()
@click.argument("model_arg", metavar="[MODEL]", required=False)
@click.option(
    "--model", "-m", "model_opt", help="Model to load: a library name, persona or .gguf path."
)
@click.option("--host", help="Address to listen on (default 127.0.0.1: this computer only).")
@click.option("--port", "-p", type=int, help="TCP port (default 11435).")
@click.option(
    "--lan",
    is_flag=True,
    help="Allow listening on a network address (an API key is then required).",
)
@click.option(
    "--cors", "cors", multiple=True, metavar="ORIGIN", help="Allow a web origin (repeatable)."
)
@click.option("--no-auth", is_flag=True, help="Do not ask for the API key (loopback only).")
@click.option("--ctx", "n_ctx", type=int, help="Context size in tokens (default: fit to memory).")
@click.option("--threads", "-t", type=int, help="CPU threads for generation.")
@click.option(
    "--gpu-layers", default="auto", show_default=True, help="Layers to offload, or 'auto'."
)
@click.option(
    "--parallel",
    "n_parallel",
    type=click.IntRange(1, 64),
    help="Requests generated together in one batch (default 4; they share the context).",
)
@click.option("--max-queue", type=int, help="Requests that may wait before new ones get 429.")
@click.option("--rate-limit", type=int, default=0, help="Requests per minute per API key (0: off).")
@click.option(
    "--no-swap", is_flag=True, help="Refuse requests naming a model other than the loaded one."
)
@click.option(
    "--log-prompts", is_flag=True, help="Write the last message of each request to the request log."
)
@click.option("--verbose", "-v", is_flag=True, help="Print each request as it finishes.")
def serve(
    model_arg: str | None,
    model_opt: str | None,
    host: str | None,
    port: int | None,
    lan: bool,
    cors: tuple[str, ...],
    no_auth: bool,
    n_ctx: int | None,
    threads: int | None,
    gpu_layers: str,
    n_parallel: int | None,
    max_queue: int | None,
    rate_limit: int,
    no_swap: bool,
    log_prompts: bool,
    verbose: bool,
) -> None:
    """Serve the OpenAI- and Ollama-compatible API until Ctrl+C."""
    import logging

    from app.core.paths import default_paths
    from app.engine.service import InferenceService
    from app.server.app import create_app
    from app.server.config import ServerConfig
    from app.server.keys import ensure_key
    from app.server.runner import ServerThread

    settings = _settings()
    s = settings.server
    if no_auth and lan:
        raise click.UsageError(
            "--no-auth cannot be combined with --lan: serving on the network needs the API key."
        )
    api_key = None if (no_auth or not (s.require_api_key or lan)) else ensure_key()
    paths = default_paths().ensure()
    config = ServerConfig(
        host=host or s.host,
        port=port if port is not None else s.port,
        api_key=api_key,
        lan=lan,
        cors_origins=tuple(cors) or tuple(s.cors_origins),
        max_queue=max_queue or s.max_queue,
        rate_limit_per_minute=rate_limit,
        log_prompts=log_prompts,
        log_file=str(paths.logs_dir / "server-requests.jsonl"),
        allow_swap=not no_swap,
    )
    if verbose:
        logging.basicConfig(level=logging.INFO, format="%(message)s")
        logging.getLogger("hearth.server.requests").setLevel(logging.INFO)
    e = settings.engine
    load_defaults: dict[str, Any] = {
        "n_ctx": n_ctx or e.n_ctx,
        "gpu_layers": None if gpu_layers == "auto" else int(gpu_layers),
        "n_threads": threads or e.n_threads,
        "n_batch": e.n_batch,
        "flash_attn": e.flash_attn,
        "kv_type": e.kv_type,
        "use_mmap": e.use_mmap,
        "use_mlock": e.use_mlock,
        "max_default_ctx": e.max_default_ctx,
        "n_parallel": n_parallel or e.n_parallel or 4,
    }
    service = InferenceService(max_queue=max(config.max_queue, 32))
    app = create_app(service, config, load_defaults=load_defaults)
    try:
        model = model_opt or model_arg
        if model:
            click.echo(f"Loading {model} ...", err=True)
            router = app.state.hearth.router
            target = router.ensure_loaded(model)
            if target.load is not None:
                lm = target.load.result()
                click.echo(f"Loaded {lm.name} ({lm.n_ctx:,} tokens of context).", err=True)
        server = ServerThread(app, config, log_level="warning").start()
        _banner(server.url, config, model)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            click.echo("\nStopping.", err=True)
        finally:
            server.stop()
    finally:
        service.close()


def _banner(url: str, config: Any, model: str | None) -> None:
    click.echo(f"Hearth API listening on {url}")
    click.echo(f"  OpenAI base URL:  {url}/v1")
    click.echo(f"  Ollama host:      {url}")
    click.echo(
        f"  Model:            {model or '(none yet: requests name one, or load one in Hearth)'}"
    )
    if config.api_key:
        click.echo("  API key:          required; run 'hearth key show' to see it")
    else:
        click.echo("  API key:          not required (this computer only)")
    if config.cors_origins:
        click.echo(f"  CORS origins:     {', '.join(config.cors_origins)}")
    click.echo("Press Ctrl+C to stop.")


@click.group()
def key() -> None:
    """Show or replace the API key that clients of 'hearth serve' must send."""


@key.command("show")
def key_show() -> None:
    """Print the API key (creating one on first use)."""
    import os

    from app.server.keys import ENV_VAR, current_key, ensure_key

    if os.environ.get(ENV_VAR):
        click.echo(f"(from the {ENV_VAR} environment variable)", err=True)
        click.echo(current_key())
        return
    click.echo(ensure_key())


@key.command("new")
def key_new() -> None:
    """Make a new API key; the old one stops working (restart a running server)."""
    import os

    from app.server.keys import ENV_VAR, rotate_key

    k = rotate_key()
    if os.environ.get(ENV_VAR):
        click.echo(f"Note: {ENV_VAR} is set and takes precedence over the stored key.", err=True)
    click.echo(k)

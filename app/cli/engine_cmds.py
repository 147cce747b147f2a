"""``hearth doctor | info | run | chat | bench``: the engine from the terminal."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from app.resolve import resolve_model


def _gib(n: int) -> str:
    return f"{n / (1 << 30):.2f} GiB"


def _print_json(obj: Any) -> None:
    click.echo(json.dumps(obj, indent=2, ensure_ascii=False, default=str))


def _openmp_settings(system_info: str) -> dict[str, Any]:
    """The OpenMP wait settings this process runs with (see app/__init__.py), and a warning
    when they are known to slow decoding down."""
    import os

    from app import OPENMP_DEFAULTS

    settings: dict[str, Any] = {name: os.environ.get(name) for name in OPENMP_DEFAULTS}
    warning = ""
    policy = settings["OMP_WAIT_POLICY"]
    if policy and policy.strip().upper() == "PASSIVE":
        warning = (
            "OMP_WAIT_POLICY=PASSIVE is set in your environment: decoding on the CPU runs "
            f"about 3x slower with it. Unset it to use Hearth's default "
            f"({OPENMP_DEFAULTS['OMP_WAIT_POLICY']})."
        )
    return {"in_use": "OPENMP = 1" in system_info, **settings, "warning": warning}


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def doctor(as_json: bool) -> None:
    """Versions, compute backend, hardware and data folders."""
    import platform

    from app import __version__
    from app.core.hardware import detect_hardware
    from app.core.paths import default_paths
    from app.engine.backend_info import backend_info

    hw = detect_hardware()
    be = backend_info()
    paths = default_paths()
    data: dict[str, Any] = {
        "hearth": __version__,
        "python": platform.python_version(),
        "llama_cpp_python": be.llama_cpp_version,
        "backend": be.backend,
        "gpu_offload": be.gpu_offload,
        "devices": [d.__dict__ for d in be.devices],
        "hardware": hw.to_dict(),
        "paths": {
            "data": str(paths.home),
            "cache": str(paths.cache),
            "models": str(paths.models_dir),
        },
        "llama_system_info": be.system_info,
        "openmp": _openmp_settings(be.system_info),
    }
    if as_json:
        _print_json(data)
        return
    click.echo(
        f"Hearth {__version__} (Python {data['python']}, llama-cpp-python {be.llama_cpp_version})"
    )
    click.echo(
        f"Backend:  {be.backend.upper()}"
        + (" (GPU offload available)" if be.gpu_offload else " (no GPU offload in this build)")
    )
    for d in be.devices:
        click.echo(f"Device:   {d.name}: {_gib(d.vram_free)} free of {_gib(d.vram_total)}")
    click.echo(f"CPU:      {hw.cpu_model}, {hw.physical_cores} cores / {hw.logical_cores} threads")
    click.echo(f"SIMD:     {' '.join(hw.simd) or 'none detected'}")
    click.echo(f"RAM:      {_gib(hw.ram_available)} available of {_gib(hw.ram_total)}")
    omp = data["openmp"]
    if omp["in_use"]:
        click.echo(
            f"OpenMP:   OMP_WAIT_POLICY={omp['OMP_WAIT_POLICY'] or '(unset)'}, "
            f"GOMP_SPINCOUNT={omp['GOMP_SPINCOUNT'] or '(unset)'}"
        )
        if omp["warning"]:
            click.echo(f"          {omp['warning']}")
    click.echo(f"Data:     {paths.home}")
    click.echo(f"Models:   {paths.models_dir}")


@click.command()
@click.argument("model")
@click.option(
    "--ctx",
    "n_ctx",
    type=int,
    default=None,
    help="Context size for the fit estimate (default: trained).",
)
@click.option(
    "--gpu-layers", default="auto", help="GPU layers for the fit estimate (a number or 'auto')."
)
@click.option("--kv-type", type=click.Choice(["f16", "q8_0", "q4_0"]), default="f16")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def info(model: str, n_ctx: int | None, gpu_layers: str, kv_type: str, as_json: bool) -> None:
    """Show a model's metadata and whether it fits this machine."""
    from app.core import fit
    from app.core.gguf import read_info
    from app.core.hardware import detect_hardware

    target = resolve_model(model)
    gi = read_info(target.path)
    hw = detect_hardware()
    gl = None if gpu_layers == "auto" else int(gpu_layers)
    ctx = n_ctx or fit.largest_fitting_context(
        gi, hw, kv_type=kv_type, gpu_layers=gl, ceiling=32768
    )
    est = fit.estimate(gi, hw, n_ctx=ctx, kv_type=kv_type, gpu_layers=gl)
    if as_json:
        _print_json({**gi.to_dict(), "fit": est.to_dict()})
        return
    rows = [
        ("Name", gi.name),
        ("File", str(gi.path) + (f" (+{len(gi.parts) - 1} parts)" if len(gi.parts) > 1 else "")),
        ("Architecture", gi.architecture),
        ("Parameters", f"{gi.parameter_label} ({gi.parameter_count:,})"),
        ("Quantization", gi.quantization),
        ("Size", _gib(gi.size_bytes)),
        ("Trained context", f"{gi.context_length:,}" if gi.context_length else "unknown"),
        ("Layers", str(gi.block_count)),
        ("Chat template", "yes" if gi.has_chat_template else "no (ChatML fallback)"),
        ("Special tokens", f"bos={gi.bos_token!r} eos={gi.eos_token!r}"),
        ("License", gi.license or "not stated"),
        ("Fit", est.summary()),
    ]
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        click.echo(f"{k:<{width}}  {v}")


def _load_options(
    path: Path, n_ctx: int | None, gpu_layers: str, seed: int | None, **extra: Any
) -> Any:
    from app.engine.types import LoadOptions

    gl: int | None = None if gpu_layers == "auto" else int(gpu_layers)
    return LoadOptions(path=path, n_ctx=n_ctx, gpu_layers=gl, seed=seed, **extra)


def _resolve_target(name: str, base_model: str | None) -> Any:
    """``resolve_model``; with ``--model``, NAME must be a persona and runs on that model."""
    if not base_model:
        return resolve_model(name)
    from app.core.errors import InvalidRequestError
    from app.personas.resolve import resolve_persona

    found = resolve_persona(name, base_model=base_model)
    if found is None:
        raise InvalidRequestError(
            f"--model applies to personas, and '{name}' is not one.",
            hint=f"Run 'hearth run {base_model} ...' to use that model directly.",
        )
    return found


def _target_load_options(target: Any, n_ctx: int | None, gpu_layers: str, seed: int | None) -> Any:
    """Load options with a persona's num_gpu/num_thread/num_batch and adapters applied."""
    extra = dict(target.load_overrides)
    preset_gl = extra.pop("gpu_layers", None)
    if gpu_layers == "auto" and preset_gl is not None:
        gpu_layers = str(preset_gl)
    return _load_options(
        target.path,
        n_ctx or target.n_ctx,
        gpu_layers,
        seed,
        lora_paths=tuple(target.lora_paths),
        **extra,
    )


def _template_in_use(target: Any) -> bool:
    """Whether a persona's Ollama TEMPLATE renders the prompt (else the model's own template)."""
    if not target.template:
        return False
    from app.personas.ollama_template import template_problem

    problem = template_problem(target.template)
    if problem:
        click.echo(f"Warning: {problem} Using the model's own chat template instead.", err=True)
    return problem is None


def _render_template(target: Any, messages: list[Any]) -> str | None:
    """The persona's TEMPLATE rendered for ``messages``; None (after one warning line on
    stderr) when it cannot be, so the caller uses the model's own chat template."""
    from app.personas.ollama_template import render_or_fallback

    prompt, problem = render_or_fallback(target.template, messages)
    if problem:
        click.echo(f"Warning: {problem}", err=True)
    return prompt


def _fit_template_prompt(
    svc: Any, target: Any, history: list[Any], keep: int, max_tokens: int | None
) -> str | None:
    """Render the persona's TEMPLATE, dropping the oldest turns (after ``keep``) until it
    fits; None when it cannot be rendered (see :func:`_render_template`)."""
    from app.core.errors import ContextOverflowError

    need = max_tokens or 1
    n_ctx = svc.loaded.n_ctx
    msgs = list(history)
    while True:
        prompt = _render_template(target, msgs)
        if prompt is None:
            return None
        n = svc.call(lambda b, p=prompt: len(b.tokenize(p, add_bos=True))).result()
        if n + need <= n_ctx:
            break
        if len(msgs) - keep <= 1:
            raise ContextOverflowError(
                f"The prompt is {n:,} tokens; with {need:,} more it exceeds the {n_ctx:,}-token context.",
                prompt_tokens=n,
                max_tokens=need,
                n_ctx=n_ctx,
            )
        end = keep + 1  # the oldest user turn and the replies to it, never the last message
        while end < len(msgs) - 1 and msgs[end].role == "assistant":
            end += 1
        del msgs[keep:end]
    dropped = len(history) - len(msgs)
    if dropped:
        del history[keep : keep + dropped]
        click.echo(f"(dropped {dropped} old messages to fit the context)", err=True)
    return prompt


def _load(service: Any, opts: Any, quiet: bool) -> Any:
    """Load with a progress bar on stderr (unless quiet)."""
    if quiet or not sys.stderr.isatty():
        return service.load(opts).result()
    from rich.progress import BarColumn, Progress, TextColumn

    with Progress(TextColumn("Loading {task.description}"), BarColumn(), transient=True) as bar:
        task = bar.add_task(opts.path.name, total=1.0)

        def on_progress(p: float) -> bool:
            bar.update(task, completed=p)
            return True

        return service.load(opts, on_progress).result()


_gen_options = [
    click.option("--system", "-s", default=None, help="System prompt."),
    click.option("--max-tokens", "-n", type=int, default=None, help="Most tokens to generate."),
    click.option(
        "--temperature", "-t", type=float, default=None, help="Sampling temperature (0 = greedy)."
    ),
    click.option(
        "--seed", type=int, default=None, help="Seed: the same seed gives the same reply."
    ),
    click.option(
        "--ctx",
        "n_ctx",
        type=int,
        default=None,
        help="Context size (default: trained, capped by memory).",
    ),
    click.option(
        "--gpu-layers",
        default="auto",
        show_default=True,
        help="Layers on the GPU: a number or 'auto'.",
    ),
    click.option(
        "--model",
        "-m",
        "base_model",
        default=None,
        help="With a persona: the model to run it on (default: its FROM, else the model used last).",
    ),
]


def gen_options(f: Any) -> Any:
    for opt in reversed(_gen_options):
        f = opt(f)
    return f


@click.command()
@click.argument("model")
@click.argument("prompt")
@gen_options
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON object with text, finish reason and stats.",
)
def run(
    model: str,
    prompt: str,
    system: str | None,
    max_tokens: int | None,
    temperature: float | None,
    seed: int | None,
    n_ctx: int | None,
    gpu_layers: str,
    base_model: str | None,
    as_json: bool,
) -> None:
    """Generate one reply to PROMPT and print it as it streams."""
    from app.engine.service import InferenceService
    from app.engine.types import ChatMessage, Finished, GenerationRequest, TextDelta

    target = _resolve_target(model, base_model)
    messages = list(target.preamble(system))
    messages.append(ChatMessage("user", prompt))
    sampling = target.sampling(temperature=temperature, seed=seed)
    with InferenceService() as svc:
        _load(svc, _target_load_options(target, n_ctx, gpu_layers, seed), quiet=as_json)
        raw_prompt = _render_template(target, messages)
        req = GenerationRequest(
            messages=() if raw_prompt is not None else tuple(messages),
            prompt=raw_prompt,
            sampling=sampling,
            max_tokens=max_tokens if max_tokens is not None else target.max_tokens,
            stop=target.stop,
        )
        handle = svc.submit(req)
        try:
            for ev in handle:
                if isinstance(ev, TextDelta) and not as_json:
                    sys.stdout.write(ev.text)
                    sys.stdout.flush()
                elif isinstance(ev, Finished):
                    res = ev.result
        except KeyboardInterrupt:
            handle.cancel()
            res = handle.result()
        res = handle.result()
    if as_json:
        _print_json(res.to_dict())
    else:
        sys.stdout.write("\n")
        s = res.stats
        click.echo(
            f"[{res.finish_reason.value}] {s.completion_tokens} tokens, TTFT {s.ttft_s * 1000:.0f} ms, "
            f"{s.prefill_tok_s:.1f} tok/s prefill, {s.decode_tok_s:.1f} tok/s decode",
            err=True,
        )


@click.command()
@click.argument("model")
@gen_options
def chat(
    model: str,
    system: str | None,
    max_tokens: int | None,
    temperature: float | None,
    seed: int | None,
    n_ctx: int | None,
    gpu_layers: str,
    base_model: str | None,
) -> None:
    """Chat with a model in the terminal (/reset clears the history, /exit or Ctrl-D quits)."""
    from app.engine.service import InferenceService
    from app.engine.types import ChatMessage, GenerationRequest, TextDelta, TruncationPolicy

    target = _resolve_target(model, base_model)
    history: list[ChatMessage] = list(target.preamble(system))
    base = len(history)
    sampling = target.sampling(temperature=temperature, seed=seed)
    with InferenceService() as svc:
        lm = _load(svc, _target_load_options(target, n_ctx, gpu_layers, seed), quiet=False)
        use_template = _template_in_use(target)
        click.echo(
            f"Chatting with {target.label or lm.name} ({lm.n_ctx:,}-token context). /exit to quit.",
            err=True,
        )
        while True:
            try:
                line = input(">>> ")
            except EOFError:
                click.echo("", err=True)
                return
            if not line.strip():
                continue
            if line.strip() in ("/exit", "/quit", "/bye"):
                return
            if line.strip() == "/reset":
                del history[base:]
                click.echo("History cleared.", err=True)
                continue
            history.append(ChatMessage("user", line))
            limit = max_tokens if max_tokens is not None else target.max_tokens
            prompt = None
            if use_template:
                prompt = _fit_template_prompt(svc, target, history, base, limit)
                use_template = prompt is not None  # warned once; the model's template from now on
            req = GenerationRequest(
                messages=() if prompt is not None else tuple(history),
                prompt=prompt,
                sampling=sampling,
                max_tokens=limit,
                stop=target.stop,
                truncation=TruncationPolicy.DROP_OLDEST,
            )
            handle = svc.submit(req)
            try:
                for ev in handle:
                    if isinstance(ev, TextDelta):
                        sys.stdout.write(ev.text)
                        sys.stdout.flush()
                res = handle.result()
            except KeyboardInterrupt:
                handle.cancel()
                res = handle.result()
            sys.stdout.write("\n")
            if res.dropped_messages:
                click.echo(
                    f"(dropped {res.dropped_messages} old messages to fit the context)", err=True
                )
            history.append(ChatMessage("assistant", res.text))


@click.command()
@click.argument("model")
@click.option("--prompt-tokens", "n_prompt", type=int, default=512, show_default=True)
@click.option("--gen-tokens", "n_gen", type=int, default=128, show_default=True)
@click.option("--ctx", "n_ctx", type=int, default=None)
@click.option("--gpu-layers", default="auto", show_default=True)
@click.option("--threads", type=int, default=None)
@click.option("--json", "as_json", is_flag=True)
def bench(
    model: str,
    n_prompt: int,
    n_gen: int,
    n_ctx: int | None,
    gpu_layers: str,
    threads: int | None,
    as_json: bool,
) -> None:
    """Measure prefill and decode speed of a model (random prompt, greedy, EOS ignored)."""
    from app.engine.bench import run_bench
    from app.engine.service import InferenceService

    target = resolve_model(model)
    ctx = n_ctx or max(2048, n_prompt + n_gen + 16)
    with InferenceService() as svc:
        _load(svc, _load_options(target.path, ctx, gpu_layers, 0, n_threads=threads), quiet=as_json)
        out = run_bench(svc, n_prompt=n_prompt, n_gen=n_gen)
    if as_json:
        _print_json(out)
    else:
        click.echo(
            f"prefill {out['prefill_tok_s']:.1f} tok/s ({out['n_prompt']} tokens), "
            f"decode {out['decode_tok_s']:.1f} tok/s ({out['n_gen']} tokens), TTFT {out['ttft_s'] * 1000:.0f} ms"
        )

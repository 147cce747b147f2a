"""Entry point of the ``hearth`` command.

``hearth`` with no arguments opens the window. Sub-commands live in modules of this
package and are imported only when used, so ``hearth --help`` stays fast.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from app import __version__

#: command name -> "module:attribute" (a click.Command), imported lazily.
COMMANDS: dict[str, tuple[str, str]] = {
    "doctor": (
        "app.cli.engine_cmds:doctor",
        "Versions, compute backend, hardware and data folders.",
    ),
    "info": (
        "app.cli.engine_cmds:info",
        "Show a model's metadata and whether it fits this machine.",
    ),
    "run": ("app.cli.engine_cmds:run", "Generate one reply to PROMPT and print it as it streams."),
    "chat": ("app.cli.engine_cmds:chat", "Chat with a model in the terminal."),
    "bench": ("app.cli.engine_cmds:bench", "Measure prefill and decode speed of a model."),
    "docs": ("app.cli.rag_cmds:docs", "Document collections: add files, list, search, remove."),
    "ask": (
        "app.cli.rag_cmds:ask",
        "Answer a question from a document collection, with citations.",
    ),
    "create": ("app.cli.persona_cmds:create", "Create a persona from an Ollama Modelfile (-f)."),
    "show": ("app.cli.persona_cmds:show", "Show a persona (--modelfile, --json)."),
    "personas": ("app.cli.persona_cmds:personas", "List personas; 'rm' and 'cp' manage them."),
    "serve": (
        "app.cli.serve_cmds:serve",
        "Serve the OpenAI- and Ollama-compatible API on this computer.",
    ),
    "key": ("app.cli.serve_cmds:key", "Show or replace the local server's API key."),
    "search": ("app.cli.models_cmds:search", "Search Hugging Face for GGUF models."),
    "files": (
        "app.cli.models_cmds:files",
        "A repo's GGUF files by quantization, with sizes and fit.",
    ),
    "repo": ("app.cli.models_cmds:files", "Same as 'files'."),
    "pull": (
        "app.cli.models_cmds:pull",
        "Download REPO[:QUANT] from Hugging Face (re-run to resume).",
    ),
    "ls": ("app.cli.models_cmds:ls", "List the models in your library."),
    "models": (
        "app.cli.models_cmds:models",
        "The model library: list, scan, rm, verify, alias, import.",
    ),
    "rm": ("app.cli.models_cmds:rm", "Delete a model from the library and the disk."),
    "verify": ("app.cli.models_cmds:verify", "Check models' sha256 against the recorded hash."),
    "alias": ("app.cli.models_cmds:alias", "Give a library model an extra name (or --rename it)."),
    "import": (
        "app.cli.models_cmds:import_",
        "Use models Ollama, LM Studio or GPT4All downloaded.",
    ),
    "login": ("app.cli.models_cmds:login", "Store a Hugging Face token in the OS keychain."),
}


class LazyGroup(click.Group):
    """A click group whose sub-commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        spec = COMMANDS.get(cmd_name)
        if spec is None:
            return None
        mod_name, attr = spec[0].split(":")
        cmd = getattr(importlib.import_module(mod_name), attr)
        assert isinstance(cmd, click.Command)
        return cmd

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, "--version", "-V", prog_name="hearth")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Hearth: run local LLMs, chat, query your documents, serve an OpenAI-compatible API.

    Run without a command to open the desktop app.
    """
    if ctx.invoked_subcommand is None:
        from app.ui.launch import launch

        sys.exit(launch())


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry: HearthError becomes one plain line and exit code 1."""
    from app.core.errors import HearthError

    try:
        return cli.main(args=argv, prog_name="hearth", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except HearthError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)

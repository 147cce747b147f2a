"""``hearth docs ...`` (collections of documents) and ``hearth ask`` (answers with citations)."""

from __future__ import annotations

import json
import sys
from typing import Any

import click


def _print_json(obj: Any) -> None:
    click.echo(json.dumps(obj, indent=2, ensure_ascii=False, default=str))


def _service() -> Any:
    from app.core.paths import default_paths
    from app.core.settings import SettingsStore
    from app.rag.service import RagService

    paths = default_paths()
    return RagService(paths, SettingsStore(paths).load().rag)


def _fmt_eta(s: float | None) -> str:
    if s is None:
        return "--"
    return f"{int(s // 60)}:{int(s % 60):02d}"


def _run_job(job: Any, quiet: bool) -> Any:
    """Wait for an ingestion, drawing progress on stderr; Ctrl-C cancels (resumable)."""
    if quiet:
        return job.result()
    last = [""]

    def line(p: Any) -> str:
        return (
            f"\r{p.files_done}/{p.files_total} files  {p.chunks_done} chunks  {p.rate:.1f} chunks/s  "
            f"{p.fraction * 100:3.0f}%  ETA {_fmt_eta(p.eta_s)}  {(p.current or '')[:40]:<40}"
        )

    try:
        while not job.done:
            try:
                job.result(timeout=0.5)
            except TimeoutError:
                pass
            text = line(job.progress)
            if text != last[0] and sys.stderr.isatty():
                click.echo(text, nl=False, err=True)
                last[0] = text
    except KeyboardInterrupt:
        job.cancel()
        click.echo("\nCancelling; 'hearth docs add' again resumes where this stopped.", err=True)
    if sys.stderr.isatty():
        click.echo("", err=True)
    return job.result()


@click.group()
def docs() -> None:
    """Document collections: add files, list, search, remove."""


@docs.command("create")
@click.argument("collection")
@click.option("--embedding-model", default=None, help="Hub id or folder (default: the setting).")
@click.option("--chunk-tokens", type=int, default=None, help="Chunk size in embedding tokens.")
@click.option(
    "--chunk-overlap", type=int, default=None, help="Tokens shared by neighbouring chunks."
)
def create(
    collection: str,
    embedding_model: str | None,
    chunk_tokens: int | None,
    chunk_overlap: int | None,
) -> None:
    """Create an empty COLLECTION with its own embedding model and chunking."""
    with _service() as rag:
        info = rag.create_collection(
            collection,
            embedding_model=embedding_model,
            chunk_tokens=chunk_tokens,
            chunk_overlap=chunk_overlap,
        )
    click.echo(
        f"Created '{info.name}' ({info.config.embedding_model}, {info.config.chunk_tokens}-token chunks)."
    )


@docs.command("add")
@click.argument("collection")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def add(collection: str, paths: tuple[str, ...], as_json: bool) -> None:
    """Index files and folders (PDF, text, Markdown, HTML) into COLLECTION (created if new).

    Unchanged files are skipped, changed ones replaced, and an interrupted run resumes."""
    with _service() as rag:
        rag.ensure_collection(collection)
        if rag.pending(collection):
            rep = _run_job(rag.resume(collection), as_json)
            if not as_json and rep.resumed_chunks:
                click.echo(
                    f"Resumed an interrupted run ({rep.resumed_chunks} chunks were already stored).",
                    err=True,
                )
        report = _run_job(rag.add(collection, list(paths)), as_json)
    if as_json:
        _print_json(report.to_dict())
        return
    d = report.to_dict()
    click.echo(
        f"{len(report.added)} added, {len(report.replaced)} replaced, {len(report.unchanged)} unchanged, "
        f"{len(report.failed)} failed: {report.pages} pages, {report.chunks} chunks in {report.elapsed_s:.1f} s"
        + (f" ({d['pages_per_s']} pages/s, {d['chunks_per_s']} chunks/s)" if report.chunks else "")
    )
    for path, pages in report.skipped_pages:
        click.echo(
            f"  {path}: no text on page(s) {', '.join(map(str, pages))} (scanned? OCR is not done)",
            err=True,
        )
    for f in report.failed:
        click.echo(f"  failed: {f.path}: {f.reason}", err=True)
    if report.cancelled:
        sys.exit(130)


@docs.command("ls")
@click.argument("collection", required=False)
@click.option("--json", "as_json", is_flag=True)
def ls(collection: str | None, as_json: bool) -> None:
    """List collections, or the documents of COLLECTION."""
    with _service() as rag:
        if collection is None:
            infos = rag.collections()
            if as_json:
                _print_json([i.to_dict() for i in infos])
                return
            if not infos:
                click.echo("No collections yet. Add documents with 'hearth docs add NAME PATH...'.")
            for i in infos:
                extra = f", {i.pending} unfinished" if i.pending else ""
                click.echo(
                    f"{i.name:<24} {i.documents:>5} docs {i.pages:>6} pages {i.chunks:>7} chunks  "
                    f"{i.config.embedding_model}{extra}"
                )
            return
        documents = rag.documents(collection, include_pending=True)
    if as_json:
        _print_json([d.to_dict() for d in documents])
        return
    for d in documents:
        state = "" if d.state == "ready" else f"  [{d.state}]"
        click.echo(f"{d.id[:12]}  {d.pages:>5} pages {d.chunks:>6} chunks  {d.name}{state}")


@docs.command("rm")
@click.argument("collection")
@click.argument("document", required=False)
@click.option("--yes", "-y", is_flag=True, help="Do not ask before removing a whole collection.")
def rm(collection: str, document: str | None, yes: bool) -> None:
    """Remove DOCUMENT (id, path or file name) from COLLECTION, or the whole collection."""
    with _service() as rag:
        if document is not None:
            doc = rag.remove_document(collection, document)
            click.echo(f"Removed {doc.name} ({doc.chunks} chunks) from '{collection}'.")
            return
        info = rag.collection(collection)
        if not yes:
            click.confirm(
                f"Remove collection '{collection}' and its {info.documents} documents?", abort=True
            )
        rag.delete_collection(collection)
    click.echo(f"Removed collection '{collection}'.")


@docs.command("search")
@click.argument("collection")
@click.argument("query")
@click.option("--k", "k", type=int, default=None, help="Passages to return (default: the setting).")
@click.option("--mode", type=click.Choice(["dense", "keyword", "hybrid"]), default=None)
@click.option("--document", "documents", multiple=True, help="Only this document (repeatable).")
@click.option("--min-score", type=float, default=None)
@click.option(
    "--json", "as_json", is_flag=True, help='Print [{"document", "page", "score", "text"}, ...].'
)
def search(
    collection: str,
    query: str,
    k: int | None,
    mode: str | None,
    documents: tuple[str, ...],
    min_score: float | None,
    as_json: bool,
) -> None:
    """Show the passages of COLLECTION that best match QUERY, with document and page."""
    with _service() as rag:
        hits = rag.search(
            collection,
            query,
            k=k,
            mode=mode,
            documents=list(documents) or None,
            min_score=min_score,
        )
    if as_json:
        _print_json(
            [
                {"document": h.document, "page": h.page, "score": round(h.score, 6), "text": h.text}
                for h in hits
            ]
        )
        return
    if not hits:
        click.echo("No matching passages.")
    for i, h in enumerate(hits, 1):
        snippet = " ".join(h.text.split())[:300]
        click.echo(f"[{i}] {h.document} p.{h.page}  (score {h.score:.3f})\n    {snippet}\n")


@click.command()
@click.argument("collection")
@click.argument("question")
@click.option("--model", "-m", required=True, help="Model name or .gguf path.")
@click.option("--k", "k", type=int, default=None, help="Passages to retrieve.")
@click.option("--mode", type=click.Choice(["dense", "keyword", "hybrid"]), default=None)
@click.option("--loose", is_flag=True, help="Allow general knowledge when the sources fall short.")
@click.option("--max-tokens", "-n", type=int, default=512, show_default=True)
@click.option(
    "--ctx",
    "n_ctx",
    type=int,
    default=None,
    help="Context size (default: trained, capped by memory).",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print answer, citations and sources as JSON."
)
def ask(
    collection: str,
    question: str,
    model: str,
    k: int | None,
    mode: str | None,
    loose: bool,
    max_tokens: int,
    n_ctx: int | None,
    as_json: bool,
) -> None:
    """Answer QUESTION from the documents of COLLECTION, streaming, then list the cited sources."""
    from app.engine.service import InferenceService
    from app.engine.types import ChatMessage, LoadOptions, TextDelta
    from app.resolve import resolve_model

    target = resolve_model(model)
    with _service() as rag, InferenceService() as svc:
        rag.collection(collection)  # fail before loading a model
        svc.load(LoadOptions(path=target.path, n_ctx=n_ctx or target.n_ctx)).result()
        ans = rag.answer_stream(
            svc,
            collection,
            [*target.preamble(None), ChatMessage("user", question)],
            k=k,
            mode=mode,
            strict=not loose,
            max_tokens=max_tokens,
        )
        try:
            for ev in ans.handle:
                if isinstance(ev, TextDelta) and not as_json:
                    sys.stdout.write(ev.text)
                    sys.stdout.flush()
        except KeyboardInterrupt:
            ans.handle.cancel()
        text = ans.handle.result().text
        cites = ans.citations(text)
    if as_json:
        _print_json(
            {
                "answer": text,
                "citations": [c.to_dict() for c in cites],
                "sources": [s.to_dict() for s in ans.sources],
            }
        )
        return
    sys.stdout.write("\n\n")
    cited = {c.number for c in cites}
    for s in ans.sources:
        mark = "*" if s.number in cited else " "
        click.echo(f"{mark}[{s.number}] {s.hit.document}, page {s.hit.page}")
    if not ans.sources:
        click.echo("(no passage of the collection matched the question)")

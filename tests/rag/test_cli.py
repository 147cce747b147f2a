"""``hearth docs ...`` and ``hearth ask`` through click, in-process (real services)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from app.cli.main import cli


def run(*args: str) -> str:
    res = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res.stdout


def test_docs_add_ls_search_rm(report_pdf: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 garbage")
    report = json.loads(run("docs", "add", "acme", str(report_pdf), str(bad), "--json"))
    assert [Path(p).name for p in report["added"]] == ["northwind-report.pdf"]
    assert report["failed"][0]["path"].endswith("bad.pdf") and report["chunks"] > 0
    assert report["skipped_pages"] == {str(report_pdf.resolve()): [5]}

    again = json.loads(run("docs", "add", "acme", str(report_pdf), "--json"))
    assert again["unchanged"] and again["chunks"] == 0

    cols = json.loads(run("docs", "ls", "--json"))
    assert [(c["name"], c["documents"]) for c in cols] == [("acme", 1)]
    assert "northwind-report.pdf" in run("docs", "ls", "acme")

    hits = json.loads(
        run(
            "docs",
            "search",
            "acme",
            "olive oil warehouse",
            "--k",
            "2",
            "--mode",
            "hybrid",
            "--json",
        )
    )
    assert len(hits) == 2 and set(hits[0]) == {"document", "page", "score", "text"}
    assert (hits[0]["document"], hits[0]["page"]) == ("northwind-report.pdf", 2)
    text = run("docs", "search", "acme", "trademark lawsuit", "--mode", "keyword")
    assert "northwind-report.pdf p.4" in text

    assert "Removed northwind-report.pdf" in run("docs", "rm", "acme", "northwind-report.pdf")
    assert json.loads(run("docs", "ls", "acme", "--json")) == []
    run("docs", "rm", "acme", "--yes")
    assert json.loads(run("docs", "ls", "--json")) == []


def test_ask_streams_then_lists_sources(report_pdf: Path, tiny_model: Path) -> None:
    run("docs", "add", "fin", str(report_pdf), "--json")
    out = json.loads(
        run(
            "ask",
            "fin",
            "What did the solar roof cost?",
            "--model",
            str(tiny_model),
            "-n",
            "16",
            "--ctx",
            "1024",
            "--json",
        )
    )
    assert out["sources"][0]["page"] == 3 and out["sources"][0]["number"] == 1
    assert isinstance(out["answer"], str) and isinstance(out["citations"], list)
    text = run(
        "ask",
        "fin",
        "What did the solar roof cost?",
        "--model",
        str(tiny_model),
        "-n",
        "8",
        "--ctx",
        "1024",
    )
    assert "[1] northwind-report.pdf, page 3" in text

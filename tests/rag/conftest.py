"""RAG fixtures: one real embedder (the packaged all-MiniLM-L6-v2) shared by the session,
a RagService per test in that test's own HEARTH_HOME, and generated documents."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.rag.pdfgen import write_pdf


@pytest.fixture(autouse=True)
def hub_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """RAG tests load the packaged embedding model with the Hub switched off."""
    import sys

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    if "huggingface_hub.constants" in sys.modules:
        monkeypatch.setattr(sys.modules["huggingface_hub.constants"], "HF_HUB_OFFLINE", True)


MODEL = "sentence-transformers/all-MiniLM-L6-v2"
SHARED_PDFS = Path(__file__).resolve().parents[3] / "shared" / "data" / "pdfs"


@pytest.fixture(scope="session")
def embedders() -> dict[str, object]:
    from app.rag.embedder import Embedder

    e = Embedder(MODEL)
    e.model  # noqa: B018 - load once for the whole session
    return {MODEL: e}


@pytest.fixture
def rag(hearth_home: Path, embedders: dict[str, object]) -> Iterator[object]:
    from app.core.paths import default_paths
    from app.core.settings import RagSettings
    from app.rag.service import RagService

    svc = RagService(
        default_paths(), RagSettings(chunk_tokens=128, chunk_overlap=16), embedders=embedders
    )  # type: ignore[arg-type]
    yield svc
    svc.close()


FACTS = {
    1: [
        "Quarterly report of the Northwind Trading company.",
        "Revenue grew in every region this year.",
    ],
    2: [
        "The Lisbon warehouse stores olive oil and cork.",
        "It opened in March and employs forty people.",
    ],
    3: [
        "The capital expenditure for the solar roof was 2.4 million euros.",
        "Payback is expected in six years.",
    ],
    4: ["Risks: currency swings, shipping delays and a pending lawsuit about trademark use."],
}


@pytest.fixture
def report_pdf(tmp_path: Path) -> Path:
    """Four pages with distinct facts, plus page 5 without a text layer."""
    return write_pdf(
        tmp_path / "northwind-report.pdf", [FACTS[1], FACTS[2], FACTS[3], FACTS[4], None]
    )


@pytest.fixture
def shared_pdfs() -> Path:
    if not SHARED_PDFS.is_dir():
        pytest.skip("shared PDFs are not available")
    return SHARED_PDFS

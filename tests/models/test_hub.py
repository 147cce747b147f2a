from __future__ import annotations

import pytest

from app.core.errors import HubNotFoundError, HubUnreachableError, InvalidRequestError
from app.core.fit import VRAM_HEADROOM, Verdict
from app.core.hardware import GPUInfo, HardwareInfo
from app.models.hub import HubClient
from tests.fixtures.fake_hub import FakeHub

GIB = 1 << 30


def _hw(ram_gib: float, vram_gib: float = 0) -> HardwareInfo:
    gpus = (
        (GPUInfo("Test GPU", int(vram_gib * GIB), int(vram_gib * GIB), "cuda"),) if vram_gib else ()
    )
    return HardwareInfo(
        "cpu", 4, 8, (), int(ram_gib * GIB), int(ram_gib * GIB), "Linux", "x86_64", gpus
    )


def _populate(hub: FakeHub) -> None:
    hub.add_repo(
        "alice/Alpha-GGUF", downloads=500, likes=3, trending=1.0, created="2025-03-01T00:00:00.000Z"
    )
    hub.add_repo(
        "bob/Beta-GGUF", downloads=100, likes=90, trending=9.0, created="2025-01-01T00:00:00.000Z"
    )
    hub.add_repo(
        "carol/Gamma-GGUF",
        downloads=900,
        likes=10,
        trending=5.0,
        created="2025-06-01T00:00:00.000Z",
    )
    hub.add_repo("dave/Delta-safetensors", downloads=10_000, tags=("transformers",))


def test_search_sorts_and_pages_through_the_real_client(hub: FakeHub) -> None:
    _populate(hub)
    client = HubClient(endpoint=hub.endpoint)
    ids = lambda sort: [r.repo_id for r in client.search("gguf", sort=sort)]  # noqa: E731
    assert ids("downloads") == ["carol/Gamma-GGUF", "alice/Alpha-GGUF", "bob/Beta-GGUF"]
    assert ids("likes") == ["bob/Beta-GGUF", "carol/Gamma-GGUF", "alice/Alpha-GGUF"]
    assert ids("trending") == ["bob/Beta-GGUF", "carol/Gamma-GGUF", "alice/Alpha-GGUF"]
    assert ids("recent") == ["carol/Gamma-GGUF", "alice/Alpha-GGUF", "bob/Beta-GGUF"]
    assert [r.repo_id for r in client.search("alpha")] == ["alice/Alpha-GGUF"]
    hub.page_size = 1  # the server hands out one result per page, linked with Link: rel=next
    pages = [
        [r.repo_id for r in client.search("", sort="downloads", limit=2, page=p)] for p in range(2)
    ]
    assert pages == [["carol/Gamma-GGUF", "alice/Alpha-GGUF"], ["bob/Beta-GGUF"]]
    summary = client.search("beta")[0]
    assert summary.likes == 90 and summary.license == "apache-2.0" and not summary.gated
    with pytest.raises(InvalidRequestError):
        client.search("x", sort="stars")


def test_repo_detail_groups_quants_with_exact_fit_license_gate_and_card(
    hub: FakeHub, gguf_bytes: bytes
) -> None:
    hub.add_repo(
        "org/Tiny-GGUF",
        {
            "Tiny-Q4_K_M.gguf": gguf_bytes,
            "Tiny-Q8_0.gguf": gguf_bytes + b"\0" * 4096,
            "Tiny-F16-00001-of-00002.gguf": gguf_bytes,
            "Tiny-F16-00002-of-00002.gguf": gguf_bytes,
            "mmproj-Tiny-f16.gguf": gguf_bytes,
        },
        license="mit",
        card="# Tiny\nA very small model.",
    )
    detail = HubClient(endpoint=hub.endpoint).repo("org/Tiny-GGUF", hw=_hw(16))
    assert [o.quant for o in detail.options] == ["Q4_K_M", "Q8_0", "F16"]
    f16 = detail.option("f16")
    assert f16 is not None and f16.size_bytes == 2 * len(gguf_bytes) and len(f16.files) == 2
    assert all(f.sha256 and len(f.sha256) == 64 for o in detail.options for f in o.files)
    assert [p.filename for p in detail.projectors] == ["mmproj-Tiny-f16.gguf"]
    assert detail.license == "mit" and not detail.gated and "very small" in detail.card
    for o in detail.options:
        assert o.fit is not None and o.fit.exact and o.fit.verdict is Verdict.CPU_ONLY
    # one header read (a Range request for the smallest file) serves every quantization
    ranged = [r for r in hub.log if r.method == "GET" and r.range and r.path.startswith("/cdn/")]
    assert len(ranged) == 1 and ranged[0].range.startswith("bytes=0-")


def test_fit_verdicts_follow_the_hardware(hub: FakeHub, gguf_bytes: bytes) -> None:
    hub.add_repo("org/Tiny-GGUF", {"Tiny-Q4_K_M.gguf": gguf_bytes})
    client = HubClient(endpoint=hub.endpoint)
    gpu = client.repo("org/Tiny-GGUF", hw=_hw(16, vram_gib=8)).options[0].fit
    assert gpu is not None and gpu.verdict is Verdict.FULL_GPU
    tiny_ram = client.repo("org/Tiny-GGUF", hw=_hw(0.5)).options[0].fit
    assert tiny_ram is not None and tiny_ram.verdict is Verdict.WONT_FIT


def _gpu_hw(vram_free: int) -> HardwareInfo:
    gpu = GPUInfo("Small GPU", vram_free, vram_free, "cuda")
    return HardwareInfo("cpu", 4, 8, (), 16 * GIB, 16 * GIB, "Linux", "x86_64", (gpu,))


def test_a_gpu_smaller_than_the_model_gets_a_partial_verdict_with_a_layer_count(
    hub: FakeHub, gguf_bytes: bytes
) -> None:
    hub.add_repo("org/Tiny-GGUF", {"Tiny-Q4_K_M.gguf": gguf_bytes})
    client = HubClient(endpoint=hub.endpoint)
    full = client.repo("org/Tiny-GGUF", hw=_hw(16, vram_gib=8)).options[0].fit
    assert full is not None and full.verdict is Verdict.FULL_GPU
    n_all = full.n_layers + 1  # the blocks plus the output head
    assert full.gpu_layers == n_all and full.vram_bytes > 0
    # one byte less VRAM (after Hearth's headroom) than the whole model needs on the GPU
    small = _gpu_hw(VRAM_HEADROOM + full.vram_bytes - 1)
    fit = client.repo("org/Tiny-GGUF", hw=small).options[0].fit
    assert fit is not None and fit.exact and fit.verdict is Verdict.PARTIAL
    # llama.cpp offloads the blocks first; the output head is what stays on the CPU
    assert fit.gpu_layers == full.n_layers and fit.n_layers == full.n_layers
    assert 0 < fit.vram_bytes < full.vram_bytes and fit.ram_bytes > full.ram_bytes
    assert fit.label == f"partial GPU ({full.n_layers}/{n_all} layers)"
    assert f"({full.n_layers} of {n_all} layers)" in fit.summary
    assert fit.to_dict()["verdict"] == "partial" and fit.to_dict()["gpu_layers"] == full.n_layers


def test_partial_verdict_from_the_file_size_when_the_header_cannot_be_read(hub: FakeHub) -> None:
    junk = b"not a gguf at all" * 1000
    hub.add_repo("org/Junk-GGUF", {"Junk-Q4_K_M.gguf": junk})
    need = int(len(junk) * 1.15) + (512 << 20)  # the size rule: weights + 15% + 0.5 GiB
    fit = (
        HubClient(endpoint=hub.endpoint)
        .repo("org/Junk-GGUF", hw=_gpu_hw(VRAM_HEADROOM + need // 2))
        .options[0]
        .fit
    )
    assert fit is not None and not fit.exact and fit.verdict is Verdict.PARTIAL
    # half the memory the model needs: about half of its layers
    assert abs(fit.gpu_layers - (fit.n_layers + 1) / 2) <= 1
    assert fit.label == f"partial GPU ({fit.gpu_layers}/{fit.n_layers + 1} layers)"


def test_size_fallback_when_the_header_cannot_be_read(hub: FakeHub) -> None:
    hub.add_repo("org/Junk-GGUF", {"Junk-Q4_K_M.gguf": b"not a gguf at all" * 1000})
    fit = HubClient(endpoint=hub.endpoint).repo("org/Junk-GGUF", hw=_hw(16)).options[0].fit
    assert fit is not None and not fit.exact and fit.verdict is Verdict.CPU_ONLY


def test_gated_repo_metadata_is_public_and_flagged(hub: FakeHub, gguf_bytes: bytes) -> None:
    hub.add_repo("meta/Gated-GGUF", {"Gated-Q4_K_M.gguf": gguf_bytes}, gated="manual")
    detail = HubClient(endpoint=hub.endpoint).repo("meta/Gated-GGUF", hw=_hw(16))
    assert detail.gated and detail.options[0].quant == "Q4_K_M"


def test_missing_repo_and_no_network_are_one_sentence_errors(hub: FakeHub) -> None:
    with pytest.raises(HubNotFoundError, match="was not found on Hugging Face"):
        HubClient(endpoint=hub.endpoint).repo("nobody/Nothing-GGUF")
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        endpoint = f"http://127.0.0.1:{s.getsockname()[1]}"
    with pytest.raises(HubUnreachableError, match="Cannot reach Hugging Face"):
        HubClient(endpoint=endpoint).repo("org/Any-GGUF")
    with pytest.raises(HubUnreachableError, match="Cannot reach Hugging Face"):
        HubClient(endpoint=endpoint).search("x")  # fails fast, without the client's long retries


def test_connection_failures_of_any_http_client_read_as_no_network(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    import httpx
    import requests

    from app.models import hub_errors

    # huggingface_hub 1.x brings httpx and no httpx2: the check must not need httpx2
    monkeypatch.setitem(sys.modules, "httpx2", None)
    hub_errors._network_error_types.cache_clear()
    try:
        try:
            raise RuntimeError("the client gave up") from httpx.ReadTimeout("timed out")
        except RuntimeError as exc:
            chained = exc
        for exc in (
            httpx.ConnectError("connection refused"),
            requests.exceptions.ConnectionError("connection refused"),
            ConnectionResetError(104, "reset by peer"),
            chained,
        ):
            err = hub_errors.translate(exc, "org/Any-GGUF")
            assert isinstance(err, HubUnreachableError), exc
            assert str(err).startswith("Cannot reach Hugging Face")
        other = hub_errors.translate(ValueError("odd answer"), "org/Any-GGUF")
        assert not isinstance(other, HubUnreachableError) and "odd answer" in str(other)
    finally:
        hub_errors._network_error_types.cache_clear()

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from app.core.errors import (
    DiskSpaceError,
    HubAccessDeniedError,
    HubAuthRequiredError,
    HubError,
    HubNotFoundError,
)
from app.core.keychain import HF_TOKEN, set_secret
from app.core.paths import DataPaths
from app.models.download_plan import DownloadProgress, DownloadState
from app.models.downloads import DownloadManager
from app.models.hub import HubClient
from app.models.library import ModelLibrary
from tests.fixtures.fake_hub import FakeFile, FakeHub

PAD = 2 << 20  # a bigger file, so transfers can be cut, paused and killed half-way


@pytest.fixture
def big_gguf(gguf_bytes: bytes) -> bytes:
    return gguf_bytes + b"\0" * PAD  # still a valid GGUF (trailing bytes are allowed)


def _leftovers(paths: DataPaths) -> list[str]:
    return (
        sorted(p.name for p in paths.downloads_dir.glob("*"))
        if paths.downloads_dir.exists()
        else []
    )


def test_pull_downloads_verifies_and_registers(
    hub: FakeHub, manager: DownloadManager, paths: DataPaths, big_gguf: bytes
) -> None:
    hub.add_repo(
        "org/Tiny-GGUF", {"Tiny-Q4_K_M.gguf": big_gguf, "Tiny-Q8_0.gguf": big_gguf + b"\0"}
    )
    events: list[DownloadProgress] = []
    manager.subscribe(events.append)
    done = manager.wait(manager.pull("org/Tiny-GGUF", quant="Q4_K_M"), 30)
    assert done.state is DownloadState.DONE, done.error
    entry = done.entry
    assert (
        entry is not None and entry.name == "tiny:Q4_K_M" and entry.source_repo == "org/Tiny-GGUF"
    )
    assert Path(entry.path) == paths.models_dir / "org" / "Tiny-GGUF" / "Tiny-Q4_K_M.gguf"
    assert entry.sha256 == hub.repos["org/Tiny-GGUF"].files["Tiny-Q4_K_M.gguf"].sha256
    assert manager.library.get("tiny:Q4_K_M").verified_at is not None
    states = [e.state for e in events]
    assert (
        states[0] is DownloadState.QUEUED
        and DownloadState.RUNNING in states
        and states[-1] is DownloadState.DONE
    )
    running = [e for e in events if e.phase == "downloading" and e.done_bytes]
    assert running and all(e.total_bytes == len(big_gguf) for e in running)
    assert events[-1].done_bytes == len(big_gguf)
    assert _leftovers(paths) == []
    # pulling it again finds the verified file in place and transfers nothing
    n_gets = len(hub.ranges("Tiny-Q4_K_M.gguf"))
    again = manager.wait(manager.pull("org/Tiny-GGUF", quant="Q4_K_M"), 30)
    assert (
        again.state is DownloadState.DONE
        and again.entry is not None
        and again.entry.path == entry.path
    )
    assert len(hub.ranges("Tiny-Q4_K_M.gguf")) == n_gets


def test_pull_without_quant_picks_q4_k_m_when_it_fits(
    hub: FakeHub, manager: DownloadManager, big_gguf: bytes
) -> None:
    hub.add_repo(
        "org/Tiny-GGUF",
        {
            "Tiny-Q8_0.gguf": big_gguf + b"\0",
            "Tiny-Q4_K_M.gguf": big_gguf,
            "Tiny-Q2_K.gguf": big_gguf,
        },
    )
    plan = manager.plan("org/Tiny-GGUF")
    assert plan.label == "Q4_K_M" and plan.revision == hub.repos["org/Tiny-GGUF"].sha
    assert (
        manager.plan("org/Tiny-GGUF", filename="Tiny-Q2_K.gguf").files[0].filename
        == "Tiny-Q2_K.gguf"
    )


def test_cut_transfer_resumes_with_range(
    hub: FakeHub, manager: DownloadManager, big_gguf: bytes
) -> None:
    hub.add_repo("org/Tiny-GGUF", {"Tiny-Q4_K_M.gguf": big_gguf})
    hub.cut_next(700_000, times=2)  # the connection drops twice part-way
    done = manager.wait(manager.pull("org/Tiny-GGUF", quant="Q4_K_M"), 30)
    assert done.state is DownloadState.DONE, done.error
    assert hub.ranges("Tiny-Q4_K_M.gguf") == [None, "bytes=700000-", "bytes=1400000-"]
    assert Path(done.entry.path).read_bytes() == big_gguf  # type: ignore[union-attr]


def test_pause_resume_and_queue(
    hub: FakeHub, paths: DataPaths, library: ModelLibrary, big_gguf: bytes
) -> None:
    hub.add_repo("org/A-GGUF", {"A-Q4_K_M.gguf": big_gguf})
    hub.add_repo("org/B-GGUF", {"B-Q4_K_M.gguf": big_gguf + b"\0"})
    hub.bytes_per_second = 4e6
    m = DownloadManager(
        paths,
        library,
        HubClient(endpoint=hub.endpoint),
        keep_free_bytes=0,
        parallel=1,
        emit_interval=0,
    )
    events: list[DownloadProgress] = []
    m.subscribe(events.append)
    try:
        a = m.pull("org/A-GGUF", quant="Q4_K_M")
        b = m.pull("org/B-GGUF", quant="Q4_K_M")
        assert m.get(b).state is DownloadState.QUEUED  # one at a time: B waits for A
        while m.get(a).done_bytes < 300_000:
            time.sleep(0.01)
        m.pause(a)
        paused = m.wait(a, 10)
        assert paused.state is DownloadState.PAUSED and 0 < paused.done_bytes < len(big_gguf)
        live = [e for e in events if e.id == a and e.phase == "downloading" and e.rate_bps > 0]
        assert live and all(e.eta_seconds is not None and e.eta_seconds > 0 for e in live)
        assert live[-1].rate_bps < 8e6  # the hub sends at most 4 MB/s
        assert m.wait(b, 30).state is DownloadState.DONE  # the queue moved on
        hub.bytes_per_second = None
        m.resume(a)
        done = m.wait(a, 30)
        assert done.state is DownloadState.DONE, done.error
        ranges = hub.ranges("A-Q4_K_M.gguf")
        assert ranges[0] is None and ranges[-1] is not None and ranges[-1].startswith("bytes=")
        assert int(ranges[-1][6:-1]) >= 300_000
        assert sorted(e.name for e in library.entries()) == ["a:Q4_K_M", "b:Q4_K_M"]
    finally:
        m.close()


def test_cancel_deletes_the_partial_file(
    hub: FakeHub, manager: DownloadManager, paths: DataPaths, big_gguf: bytes
) -> None:
    hub.add_repo("org/Tiny-GGUF", {"Tiny-Q4_K_M.gguf": big_gguf})
    hub.bytes_per_second = 2e6
    tid = manager.pull("org/Tiny-GGUF", quant="Q4_K_M")
    while manager.get(tid).done_bytes == 0:
        time.sleep(0.01)
    manager.cancel(tid)
    assert manager.wait(tid, 10).state is DownloadState.CANCELLED
    assert _leftovers(paths) == [] and manager.library.entries() == []


def test_sha256_mismatch_is_rejected_and_nothing_reaches_the_library(
    hub: FakeHub, manager: DownloadManager, paths: DataPaths, big_gguf: bytes
) -> None:
    hub.add_repo("org/Tiny-GGUF", {"Tiny-Q4_K_M.gguf": FakeFile(big_gguf, sha256="0" * 64)})
    done = manager.wait(manager.pull("org/Tiny-GGUF"), 30)
    assert done.state is DownloadState.FAILED and done.error_code == "checksum_mismatch"
    assert "sha256" in (done.error or "") and "deleted" in (done.error or "")
    assert _leftovers(paths) == []
    assert not list(paths.models_dir.rglob("*.gguf")) and manager.library.scan().added == ()


def test_gated_repo_needs_a_token_then_works_with_the_keychain_token(
    hub: FakeHub, manager: DownloadManager, paths: DataPaths, library: ModelLibrary, big_gguf: bytes
) -> None:
    hub.add_repo(
        "meta/Gated-GGUF",
        {"Gated-Q4_K_M.gguf": big_gguf},
        gated="manual",
        granted_tokens={"hf_good"},
    )
    with pytest.raises(HubAuthRequiredError, match=r"gated.*token") as info:
        manager.pull("meta/Gated-GGUF")
    assert "hearth login" in str(info.value)
    set_secret(HF_TOKEN, "hf_wrong")
    with pytest.raises(HubAccessDeniedError, match="not been granted"):
        DownloadManager(paths, library, HubClient(endpoint=hub.endpoint), keep_free_bytes=0).pull(
            "meta/Gated-GGUF"
        )
    set_secret(HF_TOKEN, "hf_good")
    m = DownloadManager(paths, library, HubClient(endpoint=hub.endpoint), keep_free_bytes=0)
    done = m.wait(m.pull("meta/Gated-GGUF"), 30)
    assert done.state is DownloadState.DONE, done.error
    assert any(r.auth == "Bearer hf_good" for r in hub.log if "/resolve/" in r.path)
    assert not any("hf_good" in str(v) for v in done.to_dict().values())  # never in progress data


def test_hf_token_environment_variable_is_honoured(
    hub: FakeHub,
    monkeypatch: pytest.MonkeyPatch,
    paths: DataPaths,
    library: ModelLibrary,
    big_gguf: bytes,
) -> None:
    hub.add_repo(
        "meta/Gated-GGUF", {"Gated-Q4_K_M.gguf": big_gguf}, gated=True, granted_tokens={"hf_env"}
    )
    from app.core.keychain import get_secret

    assert get_secret(HF_TOKEN) is None  # nothing in the keychain: the variable is all there is
    monkeypatch.setenv("HF_TOKEN", "hf_env")
    m = DownloadManager(paths, library, HubClient(endpoint=hub.endpoint), keep_free_bytes=0)
    try:
        done = m.wait(m.pull("meta/Gated-GGUF"), 30)
    finally:
        m.close()
    assert done.state is DownloadState.DONE, done.error
    assert done.entry is not None and Path(done.entry.path).read_bytes() == big_gguf
    resolves = [r for r in hub.log if "/resolve/" in r.path]
    assert resolves and all(r.auth == "Bearer hf_env" for r in resolves)
    assert library.get("gated:Q4_K_M").source_repo == "meta/Gated-GGUF"


def test_missing_things_and_disk_space_refusal(
    hub: FakeHub, paths: DataPaths, library: ModelLibrary, big_gguf: bytes
) -> None:
    hub.add_repo("org/Tiny-GGUF", {"Tiny-Q4_K_M.gguf": big_gguf})
    m = DownloadManager(paths, library, HubClient(endpoint=hub.endpoint), keep_free_bytes=0)
    with pytest.raises(HubNotFoundError):
        m.pull("org/Missing-GGUF")
    with pytest.raises(HubError, match="has no Q2_K file; it has Q4_K_M"):
        m.pull("org/Tiny-GGUF", quant="Q2_K")
    free = __import__("shutil").disk_usage(paths.home).free
    # asks to keep more free than the disk has (other processes change "free" as we run)
    greedy = DownloadManager(
        paths, library, HubClient(endpoint=hub.endpoint), keep_free_bytes=free + (1 << 40)
    )
    with pytest.raises(DiskSpaceError, match="Not enough disk space"):
        greedy.pull("org/Tiny-GGUF")
    assert greedy.tasks() == [] and _leftovers(paths) == []


class _Disk:
    """A disk with ``free`` bytes left: binary writes beyond that fail with ENOSPC."""

    def __init__(self, free: int) -> None:
        self.free = free

    def open(self, path: Any, mode: str = "r", *args: Any, **kw: Any) -> Any:
        f = open(path, mode, *args, **kw)  # noqa: SIM115 - closed by the wrapper
        return _DiskFile(f, self) if "b" in mode and mode[0] in "wa" else f


class _DiskFile:
    def __init__(self, f: Any, disk: _Disk) -> None:
        self._f, self._disk = f, disk

    def write(self, data: bytes) -> int:
        if len(data) > self._disk.free:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._disk.free -= len(data)
        return int(self._f.write(data))

    def __enter__(self) -> _DiskFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._f.close()


def test_disk_full_mid_download_fails_plainly_and_resumes_later(
    hub: FakeHub,
    manager: DownloadManager,
    paths: DataPaths,
    monkeypatch: pytest.MonkeyPatch,
    big_gguf: bytes,
) -> None:
    import app.models.transfer as transfer_module

    hub.add_repo("org/Tiny-GGUF", {"Tiny-Q4_K_M.gguf": big_gguf})
    disk = _Disk(free=1_000_000)  # the disk fills up part-way through the file
    monkeypatch.setattr(transfer_module, "open", disk.open, raising=False)
    task = manager.pull("org/Tiny-GGUF", quant="Q4_K_M")
    failed = manager.wait(task, 30)
    assert failed.state is DownloadState.FAILED and failed.error_code == "disk_full"
    assert failed.error == "The disk filled up during the download; free some space and resume it."
    # nothing reaches the library; the bytes written so far stay, to resume from
    assert not list(paths.models_dir.rglob("*.gguf")) and manager.library.scan().added == ()
    (part,) = paths.downloads_dir.glob("*.part")
    have = part.stat().st_size
    assert 0 < have <= 1_000_000 and part.read_bytes() == big_gguf[:have]
    disk.free = 1 << 40  # the user freed some space
    manager.resume(task)
    done = manager.wait(task, 30)
    assert done.state is DownloadState.DONE, done.error
    assert hub.ranges("Tiny-Q4_K_M.gguf")[-1] == f"bytes={have}-"
    assert Path(done.entry.path).read_bytes() == big_gguf  # type: ignore[union-attr]
    assert _leftovers(paths) == []


def test_a_file_removed_from_an_existing_repo_is_a_plain_404(
    hub: FakeHub, manager: DownloadManager, paths: DataPaths, big_gguf: bytes
) -> None:
    repo = hub.add_repo("org/Tiny-GGUF", {"Tiny-Q4_K_M.gguf": big_gguf, "Tiny-Q8_0.gguf": big_gguf})
    with pytest.raises(HubError, match=r"org/Tiny-GGUF has no file called Nope\.gguf"):
        manager.pull("org/Tiny-GGUF", filename="Nope.gguf")  # not in the repo's listing
    hub.bytes_per_second = 2e6
    tid = manager.pull("org/Tiny-GGUF", quant="Q4_K_M")
    while manager.get(tid).done_bytes < 200_000:
        time.sleep(0.01)
    manager.pause(tid)
    assert manager.wait(tid, 10).state is DownloadState.PAUSED
    del repo.files["Tiny-Q4_K_M.gguf"]  # the owner removed the file meanwhile
    hub.bytes_per_second = None
    manager.resume(tid)
    failed = manager.wait(tid, 30)
    expected = (
        "org/Tiny-GGUF has no file called Tiny-Q4_K_M.gguf on Hugging Face (it may have been "
        "renamed or removed; 'hearth files org/Tiny-GGUF' lists what is there)."
    )
    assert failed.state is DownloadState.FAILED and failed.error_code == "hub_not_found"
    assert failed.error == expected
    assert not list(paths.models_dir.rglob("*.gguf")) and manager.library.entries() == []
    # a fresh try (the app offering the interrupted download again) stops before queueing
    fresh = DownloadManager(paths, manager.library, manager.hub, keep_free_bytes=0)
    with pytest.raises(HubNotFoundError) as info:
        fresh.resume_interrupted()
    assert str(info.value) == expected and fresh.tasks() == []


_CHILD = """
import sys
from app.core.paths import default_paths
from app.models.downloads import DownloadManager
from app.models.hub import HubClient
from app.models.library import ModelLibrary
paths = default_paths().ensure()
m = DownloadManager(paths, ModelLibrary(paths, include_hf_cache=False), HubClient(endpoint=sys.argv[1]), keep_free_bytes=0)
m.wait(m.pull("org/Tiny-GGUF", quant="Q4_K_M"))
"""


def test_download_survives_a_killed_process(
    hub: FakeHub, paths: DataPaths, library: ModelLibrary, big_gguf: bytes
) -> None:
    hub.add_repo("org/Tiny-GGUF", {"Tiny-Q4_K_M.gguf": big_gguf})
    hub.bytes_per_second = 3e6
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    child = subprocess.Popen([sys.executable, "-c", _CHILD, hub.endpoint], env=env)
    try:
        deadline = time.monotonic() + 30
        parts: list[Path] = []
        while time.monotonic() < deadline:
            parts = list(paths.downloads_dir.glob("*.part")) if paths.downloads_dir.exists() else []
            if parts and parts[0].stat().st_size > 500_000:
                break
            time.sleep(0.01)
        child.kill()  # SIGKILL: no clean-up runs
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    assert parts, "the child never started writing"
    have = parts[0].stat().st_size
    assert 0 < have < len(big_gguf)
    assert library.scan().added == ()  # a part is never in the library
    hub.bytes_per_second = None
    m = DownloadManager(paths, library, HubClient(endpoint=hub.endpoint), keep_free_bytes=0)
    assert [n.filename for n in m.partial_files()] == ["Tiny-Q4_K_M.gguf"]
    waiting = m.interrupted()  # what the app offers to resume at start-up
    assert [(p.repo_id, p.label) for p in waiting] == [("org/Tiny-GGUF", "Q4_K_M")]
    (task_id,) = m.resume_interrupted()
    done = m.wait(task_id, 30)
    assert done.state is DownloadState.DONE, done.error
    assert hub.ranges("Tiny-Q4_K_M.gguf")[-1] == f"bytes={have}-"
    assert Path(done.entry.path).read_bytes() == big_gguf  # type: ignore[union-attr]
    assert m.interrupted() == []

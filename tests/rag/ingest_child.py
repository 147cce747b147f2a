"""Run by test_crash.py in a subprocess: index a folder, printing progress, until killed."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def main() -> None:
    home, folder = sys.argv[1], sys.argv[2]
    os.environ["HEARTH_HOME"] = home
    from app.core.paths import default_paths
    from app.core.settings import RagSettings
    from app.rag.service import RagService

    rag = RagService(default_paths(), RagSettings(chunk_tokens=128, chunk_overlap=16))
    print("ready", flush=True)

    def on_progress(p: object) -> None:
        print(f"progress {p.chunks_done} {p.files_done}", flush=True)  # type: ignore[attr-defined]

    rag.add_sync("crash", [folder], on_progress)
    print("finished", flush=True)


if __name__ == "__main__":
    main()

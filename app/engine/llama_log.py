"""Route llama.cpp's own log into Python logging and keep the recent lines for error reports.

llama-cpp-python prints llama.cpp's log to stderr (or silences it by redirecting the
process's file descriptors, which disturbs other threads). We install one callback
instead: messages go to the ``llama.cpp`` logger, and the last lines are kept so a
failed load can say *why* it failed.
"""

from __future__ import annotations

import collections
import ctypes
import logging
import threading
from typing import Any

log = logging.getLogger("llama.cpp")
_lines: collections.deque[str] = collections.deque(maxlen=1000)
_lock = threading.Lock()
_installed: list[Any] = []  # keeps the ctypes callback alive
_partial: list[str] = []
# ggml_log_level: NONE=0, DEBUG=1, INFO=2, WARN=3, ERROR=4, CONT=5 (continues the previous line)
_LEVELS = {
    0: logging.DEBUG,
    1: logging.DEBUG,
    2: logging.DEBUG,
    3: logging.WARNING,
    4: logging.ERROR,
}
_last_level = [logging.DEBUG]
_last_raw = [0]


def install_log_capture() -> None:
    if _installed:
        return
    import llama_cpp

    @llama_cpp.llama_log_callback  # type: ignore[untyped-decorator]
    def _callback(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
        s = text.decode("utf-8", errors="replace")
        lvl = _last_level[0] if level == 5 else _LEVELS.get(level, logging.DEBUG)
        if level != 5:
            _last_level[0] = lvl
            _last_raw[0] = level
        if _last_raw[0] == 1:  # llama.cpp's debug chatter: not worth keeping
            return
        with _lock:
            _partial.append(s)
            if not s.endswith("\n"):
                return
            line = "".join(_partial).rstrip("\n")
            _partial.clear()
            _lines.append(line)
        if line.strip():
            log.log(lvl, "%s", line)

    llama_cpp.llama_log_set(_callback, ctypes.c_void_p(0))
    _installed.append(_callback)


def recent(n: int = 20) -> list[str]:
    with _lock:
        return list(_lines)[-n:]


def clear() -> None:
    with _lock:
        _lines.clear()


def last_error(default: str = "") -> str:
    """The most telling recent line (an error, else a warning), for a one-sentence message."""
    with _lock:
        lines = list(_lines)
    for key in ("error", "failed", "unknown", "unsupported", "invalid"):
        for line in reversed(lines):
            if key in line.lower():
                return line.strip()
    return default

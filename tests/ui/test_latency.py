"""The GUI thread stays responsive while a reply streams (event-loop latency under 50 ms).

Two measures, from a 5 ms timer on the GUI thread:

* wall-clock latency: how late each tick fires. On a shared 2-core machine the OS
  alone delays an idle Qt loop by up to ~60 ms now and then (llama.cpp's threads
  spin on both cores), so the 99th percentile is asserted, and the worst is printed;
* GUI-thread busy time between ticks (``time.thread_time``): the work our code puts on
  the GUI thread before it returns to the event loop. This is what "the GUI never
  waits on the engine" means and is asserted on its worst case.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from PySide6.QtCore import QTimer

from tests.ui.conftest import set_params

pytestmark = pytest.mark.gui

TICK_MS = 5


class LatencyProbe:
    """A fast timer: the longest delay between ticks, minus the interval, is the event-loop latency."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._on_timer_timeout)
        self.last = 0.0
        self.last_cpu = 0.0
        self.gaps: list[float] = []
        self.busy: list[float] = []

    def start(self) -> None:
        self.last = time.perf_counter()
        self.last_cpu = time.thread_time()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _on_timer_timeout(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.gaps.append(max(0.0, now - self.last - TICK_MS / 1000))
        self.busy.append(cpu - self.last_cpu)
        self.last, self.last_cpu = now, cpu

    @property
    def worst_ms(self) -> float:
        return max(self.gaps) * 1000

    @property
    def worst_busy_ms(self) -> float:
        return max(self.busy) * 1000

    def percentile_ms(self, q: float) -> float:
        g = sorted(self.gaps)
        return g[min(len(g) - 1, int(q * len(g)))] * 1000


def test_event_loop_latency_while_streaming(qtbot: Any, window: Any) -> None:
    page = window.chat_page
    # a long conversation on screen plus a long streamed reply: the worst case for repainting
    set_params(page, seed=11, max_tokens=700)
    for i in range(6):
        u = page.store.add_message(
            page.conv.id, "user", f"Question {i}: explain `code` in **detail**"
        )
        page.store.add_message(page.conv.id, "assistant", "Here:\n\n```python\nprint('x')\n```\n" + "word " * 150,
                               parent_id=u.id)  # fmt: skip
    page.reload()
    probe = LatencyProbe()
    deltas: list[str] = []
    page.composer.edit.setPlainText("Write a long answer")
    probe.start()
    page.composer.send_button.click()
    page.relay.delta_received.connect(deltas.append)
    qtbot.waitUntil(lambda: page.handle is None, timeout=60000)
    probe.stop()
    reply = page.store.path(page.conv.id)[-1]
    assert reply.role == "assistant" and reply.stats["completion_tokens"] > 300
    assert len(deltas) > 100
    # repainted in batches, not per token
    assert 0 < page.transcript.repaints < len(deltas) / 2
    print(f"\nevent-loop latency while streaming {len(deltas)} deltas over {len(probe.gaps)} ticks: "
          f"p50 {probe.percentile_ms(0.5):.1f} ms, p99 {probe.percentile_ms(0.99):.1f} ms, worst {probe.worst_ms:.1f} ms;"
          f" GUI-thread busy between ticks: worst {probe.worst_busy_ms:.1f} ms; repaints {page.transcript.repaints}")  # fmt: skip
    assert probe.worst_busy_ms < 50, (
        f"the GUI thread worked {probe.worst_busy_ms:.0f} ms without yielding"
    )
    assert probe.percentile_ms(0.99) < 50, (
        f"p99 event-loop latency {probe.percentile_ms(0.99):.0f} ms"
    )

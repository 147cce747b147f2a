"""Counters and histograms, rendered in the Prometheus text format at ``/metrics``."""

from __future__ import annotations

import bisect
import threading
from collections import defaultdict
from collections.abc import Callable

TTFT_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
TOKS_BUCKETS = (1.0, 5.0, 10.0, 20.0, 40.0, 80.0, 160.0, 320.0, 640.0)
LATENCY_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0)


class Histogram:
    def __init__(self, buckets: tuple[float, ...]) -> None:
        self.buckets = buckets
        self.counts = [0] * (len(buckets) + 1)
        self.sum = 0.0
        self.count = 0

    def observe(self, value: float) -> None:
        self.counts[bisect.bisect_left(self.buckets, value)] += 1
        self.sum += value
        self.count += 1

    def render(self, name: str) -> list[str]:
        lines, acc = [], 0
        for bound, n in zip(self.buckets, self.counts, strict=False):
            acc += n
            lines.append(f'{name}_bucket{{le="{bound}"}} {acc}')
        lines.append(f'{name}_bucket{{le="+Inf"}} {self.count}')
        lines.append(f"{name}_sum {self.sum:.6f}")
        lines.append(f"{name}_count {self.count}")
        return lines


class Metrics:
    """Thread-safe; ``queue_depth`` is read live from the engine when rendering."""

    def __init__(self, queue_depth: Callable[[], int]) -> None:
        self._lock = threading.Lock()
        self._queue_depth = queue_depth
        self.requests: dict[tuple[str, int], int] = defaultdict(int)
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.cached_tokens = 0
        self.suspended = 0
        self.rejected = 0
        self.ttft = Histogram(TTFT_BUCKETS)
        self.tok_s = Histogram(TOKS_BUCKETS)
        self.latency = Histogram(LATENCY_BUCKETS)
        self._recent_gen_s: list[float] = []

    def request_done(self, route: str, status: int, latency_s: float) -> None:
        with self._lock:
            self.requests[(route, status)] += 1
            self.latency.observe(latency_s)
            if status in (429, 503):
                self.rejected += 1

    def generation_done(
        self,
        prompt_tokens: int,
        completion_tokens: int,
        ttft_s: float,
        tok_s: float,
        total_s: float,
        cached_tokens: int = 0,
        suspended: int = 0,
    ) -> None:
        with self._lock:
            self.prompt_tokens += prompt_tokens
            self.completion_tokens += completion_tokens
            self.cached_tokens += cached_tokens
            self.suspended += suspended
            self.ttft.observe(ttft_s)
            if tok_s > 0:
                self.tok_s.observe(tok_s)
            self._recent_gen_s = [*self._recent_gen_s, total_s][-20:]

    def retry_after(self) -> int:
        """Seconds a rejected client should wait: the queue's depth times a recent request's length."""
        with self._lock:
            recent = sorted(self._recent_gen_s)
        typical = recent[len(recent) // 2] if recent else 1.0
        return int(min(60, max(1, round(typical * max(1, self._queue_depth()) / 2))))

    def render(self) -> str:
        with self._lock:
            out = [
                "# HELP hearth_requests_total HTTP requests by route and status.",
                "# TYPE hearth_requests_total counter",
            ]
            for (route, status), n in sorted(self.requests.items()):
                out.append(f'hearth_requests_total{{route="{route}",status="{status}"}} {n}')
            out += [
                "# HELP hearth_rejected_total Requests turned away (429/503).",
                "# TYPE hearth_rejected_total counter",
                f"hearth_rejected_total {self.rejected}",
                "# HELP hearth_prompt_tokens_total Prompt tokens processed.",
                "# TYPE hearth_prompt_tokens_total counter",
                f"hearth_prompt_tokens_total {self.prompt_tokens}",
                "# HELP hearth_completion_tokens_total Tokens generated.",
                "# TYPE hearth_completion_tokens_total counter",
                f"hearth_completion_tokens_total {self.completion_tokens}",
                "# HELP hearth_cached_prompt_tokens_total Prompt tokens taken from the KV cache"
                " (a slot's earlier turn or a start another request shares) instead of evaluated.",
                "# TYPE hearth_cached_prompt_tokens_total counter",
                f"hearth_cached_prompt_tokens_total {self.cached_tokens}",
                "# HELP hearth_suspensions_total Times a generation was set aside to give an"
                " older one room in a full context (it goes on later from where it was).",
                "# TYPE hearth_suspensions_total counter",
                f"hearth_suspensions_total {self.suspended}",
                "# HELP hearth_queue_depth Generations waiting or running.",
                "# TYPE hearth_queue_depth gauge",
                f"hearth_queue_depth {self._queue_depth()}",
                "# HELP hearth_time_to_first_token_seconds Time from start to the first token.",
                "# TYPE hearth_time_to_first_token_seconds histogram",
                *self.ttft.render("hearth_time_to_first_token_seconds"),
                "# HELP hearth_decode_tokens_per_second Decode speed per request.",
                "# TYPE hearth_decode_tokens_per_second histogram",
                *self.tok_s.render("hearth_decode_tokens_per_second"),
                "# HELP hearth_request_duration_seconds HTTP request latency.",
                "# TYPE hearth_request_duration_seconds histogram",
                *self.latency.render("hearth_request_duration_seconds"),
            ]
        return "\n".join(out) + "\n"

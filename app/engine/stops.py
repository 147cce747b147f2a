"""Stop strings that are never emitted, not even in part."""

from __future__ import annotations


class StopMatcher:
    """Feed text pieces in; get back only text that cannot be the start of a stop string.

    Text that might begin a stop string is held back until the next piece decides it.
    """

    def __init__(self, stops: tuple[str, ...] | list[str]) -> None:
        self._stops = tuple(s for s in stops if s)
        self._pending = ""
        self.stopped = False

    def feed(self, piece: str) -> str:
        """Return the text that is safe to emit; set :attr:`stopped` when a stop string matched."""
        if self.stopped:
            return ""
        text = self._pending + piece
        if not self._stops:
            self._pending = ""
            return text
        cut = -1
        for s in self._stops:
            i = text.find(s)
            if i != -1 and (cut == -1 or i < cut):
                cut = i
        if cut != -1:
            self.stopped = True
            self._pending = ""
            return text[:cut]
        hold = self._held_suffix(text)
        self._pending = text[len(text) - hold :] if hold else ""
        return text[: len(text) - hold]

    def flush(self) -> str:
        """End of generation: whatever was held back is plain text after all."""
        out, self._pending = self._pending, ""
        return "" if self.stopped else out

    def _held_suffix(self, text: str) -> int:
        best = 0
        for s in self._stops:
            for n in range(min(len(s) - 1, len(text)), best, -1):
                if text.endswith(s[:n]):
                    best = n
                    break
        return best

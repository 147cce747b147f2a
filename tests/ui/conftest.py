"""UI fixtures: a real window over the real services, with the tiny model loaded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("pytestqt")


@pytest.fixture
def services(engine: Any) -> Iterator[Any]:
    from app.ui.services import AppServices

    s = AppServices.create()
    s.settings.ui.first_run_done = True
    s.inference = engine
    s.owns_inference = False
    yield s
    s.close()


@pytest.fixture
def window(qtbot: Any, services: Any, tiny_model: Any) -> Iterator[Any]:
    from app.ui.app import build_window

    win = build_window(services)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.start()
    win.models.current_ref = str(tiny_model)
    yield win
    win.chat_page.stop()
    if win.chat_page.handle is not None:
        qtbot.waitUntil(lambda: win.chat_page.handle is None, timeout=10000)
    win.close()


def set_params(page: Any, **params: Any) -> None:
    """Per-chat parameters (seeded, short replies keep the tiny model fast and deterministic)."""
    if page.conv is None:
        page.new_conversation()
    page.conv = page.store.update_conversation(page.conv.id, params=params)

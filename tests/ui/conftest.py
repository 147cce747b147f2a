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
    _close(qtbot, win)


def set_params(page: Any, **params: Any) -> None:
    """Per-chat parameters (seeded, short replies keep the tiny model fast and deterministic)."""
    if page.conv is None:
        page.new_conversation()
    page.conv = page.store.update_conversation(page.conv.id, params=params)


@pytest.fixture
def own_window(qtbot: Any, services: Any) -> Iterator[Any]:
    """A window with its own, empty InferenceService, for tests that load or fail to load models
    (the shared ``engine`` keeps its model for everyone else)."""
    from app.engine.service import InferenceService
    from app.ui.app import build_window

    services.inference = InferenceService()
    services.owns_inference = True
    win = build_window(services)
    qtbot.addWidget(win)
    win.show()
    win.start()
    yield win
    _close(qtbot, win)


def _close(qtbot: Any, win: Any) -> None:
    """Close the window (which stops a running reply) and wait for the engine to finish it."""
    import shiboken6

    if not shiboken6.isValid(win):
        return
    handle = win.chat_page.handle
    win.close()
    if handle is not None:
        qtbot.waitUntil(lambda: handle.done, timeout=10000)

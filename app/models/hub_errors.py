"""Turn ``huggingface_hub`` / HTTP failures into one plain sentence each (typed HearthErrors)."""

from __future__ import annotations

import errno
import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from app.core.errors import (
    DiskSpaceError,
    HearthError,
    HubAccessDeniedError,
    HubAuthRequiredError,
    HubError,
    HubNotFoundError,
    HubUnreachableError,
)

LOGIN_HINT = "Run 'hearth login' with a Hugging Face access token (or set HF_TOKEN)."


def _status(exc: BaseException) -> int | None:
    resp = getattr(exc, "response", None)
    return getattr(resp, "status_code", None)


def translate(exc: BaseException, what: str, filename: str | None = None) -> HearthError:
    """Map an exception raised while fetching ``what`` (a repo or file) to a HearthError.

    ``filename``, when given, is the file in repo ``what`` that was asked for: a 404 for
    it says that the file (not the repo) is missing.
    """
    from huggingface_hub import errors as hf

    if isinstance(exc, HearthError):
        return exc
    if isinstance(exc, hf.GatedRepoError):
        if _status(exc) == 403:
            return HubAccessDeniedError(
                f"{what} is gated and your token has not been granted access to it.",
                hint="Accept the model's conditions on its Hugging Face page, then try again.",
            )
        return HubAuthRequiredError(
            f"{what} is gated: it needs a Hugging Face access token.", hint=LOGIN_HINT
        )
    if isinstance(exc, hf.RemoteEntryNotFoundError):
        if filename:
            return HubNotFoundError(
                f"{what} has no file called {filename} on Hugging Face (it may have been "
                f"renamed or removed; 'hearth files {what}' lists what is there)."
            )
        return HubNotFoundError(
            f"{what} was not found on Hugging Face (the file was renamed or removed)."
        )
    if isinstance(exc, hf.RepositoryNotFoundError | hf.RevisionNotFoundError):
        return HubNotFoundError(
            f"{what} was not found on Hugging Face (check the name; private repos need a token)."
        )
    if isinstance(exc, hf.OfflineModeIsEnabled):
        return HubUnreachableError(
            "Hugging Face is switched off on this computer (HF_HUB_OFFLINE is set)."
        )
    status = _status(exc)
    if status == 401:
        return HubAuthRequiredError(
            f"Hugging Face refused the request for {what}: the token is missing or invalid.",
            hint=LOGIN_HINT,
        )
    if status == 403:
        return HubAccessDeniedError(
            f"Hugging Face refused access to {what}.",
            hint="Check that your token may read this repo.",
        )
    if status == 404:
        if filename:
            return HubNotFoundError(f"{what} has no file called {filename} on Hugging Face.")
        return HubNotFoundError(f"{what} was not found on Hugging Face.")
    if status == 416:
        return HubError(f"The download of {what} could not resume; it will start again.")
    if status is not None and status >= 500:
        return HubUnreachableError(
            f"Hugging Face had a server error ({status}); try again in a minute."
        )
    if status == 429:
        return HubUnreachableError(
            "Hugging Face is rate-limiting this computer; try again in a minute."
        )
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskSpaceError(
            "The disk filled up during the download; free some space and resume it."
        )
    if _is_network(exc):
        return HubUnreachableError(
            "Cannot reach Hugging Face: check your internet connection (or the HF_ENDPOINT address)."
        )
    return HubError(f"Talking to Hugging Face about {what} failed: {exc}.")


#: Transport-level failures (no route, refused, reset, DNS, timeout) of the HTTP clients
#: that ``huggingface_hub`` has used: ``httpx2`` (2.x), ``httpx`` (1.x), ``requests`` (0.x).
_TRANSPORT_ERRORS = (
    ("httpx2", "TransportError"),
    ("httpx", "TransportError"),
    ("requests.exceptions", "ConnectionError"),
    ("requests.exceptions", "Timeout"),
)


@cache
def _network_error_types() -> tuple[type[BaseException], ...]:
    """The transport error classes of whichever HTTP clients are installed (none is required)."""
    found: list[type[BaseException]] = [ConnectionError, TimeoutError]
    for module, name in _TRANSPORT_ERRORS:
        try:
            cls = getattr(importlib.import_module(module), name, None)
        except ImportError:
            continue
        if isinstance(cls, type) and issubclass(cls, BaseException):
            found.append(cls)
    return tuple(found)


def _is_network(exc: BaseException) -> bool:
    """True if ``exc``, or an exception that caused it, is a connection or timeout failure."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, _network_error_types()):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


@contextmanager
def hub_errors(what: str, filename: str | None = None) -> Iterator[None]:
    """Re-raise anything from the Hub client as a typed HearthError about ``what``."""
    try:
        yield
    except HearthError:
        raise
    except Exception as exc:
        raise translate(exc, what, filename) from exc

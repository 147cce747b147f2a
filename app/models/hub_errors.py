"""Turn ``huggingface_hub`` / HTTP failures into one plain sentence each (typed HearthErrors)."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager

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


def translate(exc: BaseException, what: str) -> HearthError:
    """Map an exception raised while fetching ``what`` (a repo or file) to a HearthError."""
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
    if isinstance(
        exc, hf.RepositoryNotFoundError | hf.RevisionNotFoundError | hf.RemoteEntryNotFoundError
    ):
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


def _is_network(exc: BaseException) -> bool:
    import httpx2

    if isinstance(exc, httpx2.TransportError | ConnectionError | TimeoutError):
        return True
    cause = exc.__cause__ or exc.__context__
    return cause is not None and cause is not exc and _is_network(cause)


@contextmanager
def hub_errors(what: str) -> Iterator[None]:
    """Re-raise anything from the Hub client as a typed HearthError about ``what``."""
    try:
        yield
    except HearthError:
        raise
    except Exception as exc:
        raise translate(exc, what) from exc

"""Secrets (Hugging Face token, the server's API key) in the OS keychain via ``keyring``.

Never written to a file or a log. On a machine without a usable keychain the calls
raise :class:`KeychainUnavailableError` with a plain explanation; nothing falls back
to a plaintext file on its own.
"""

from __future__ import annotations

from app.core.errors import KeychainUnavailableError

SERVICE = "hearth"
HF_TOKEN = "huggingface-token"
API_KEY = "server-api-key"


def _backend_usable() -> tuple[bool, str]:
    import keyring
    from keyring.backends import fail, null

    kr = keyring.get_keyring()
    return not isinstance(kr, fail.Keyring | null.Keyring), type(kr).__name__


def keychain_available() -> bool:
    return _backend_usable()[0]


def _require() -> None:
    ok, _name = _backend_usable()
    if not ok:
        raise KeychainUnavailableError(
            "This computer has no usable keychain, so Hearth cannot store secrets safely.",
            hint="Install and unlock a keychain (GNOME Keyring or KWallet on Linux), "
            "or set HF_TOKEN / HEARTH_API_KEY in the environment instead.",
        )


def get_secret(name: str) -> str | None:
    import keyring
    from keyring.errors import KeyringError

    if not keychain_available():
        return None
    try:
        return keyring.get_password(SERVICE, name)
    except KeyringError:
        return None


def set_secret(name: str, value: str) -> None:
    import keyring
    from keyring.errors import KeyringError

    _require()
    try:
        keyring.set_password(SERVICE, name, value)
    except KeyringError as exc:
        raise KeychainUnavailableError(f"The keychain refused to store the secret: {exc}.") from exc


def delete_secret(name: str) -> bool:
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    _require()
    try:
        keyring.delete_password(SERVICE, name)
        return True
    except PasswordDeleteError:
        return False
    except KeyringError as exc:
        raise KeychainUnavailableError(
            f"The keychain refused to delete the secret: {exc}."
        ) from exc
